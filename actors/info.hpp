// INFO and the counters behind it.
#pragma once

#include "commands/context.hpp"

namespace actis::actors {

/// INFO [section ...]: Redis 7.0's sections and field names, as a bulk
/// string (RESP3 verbatim "txt"). Runs in summaries scope: the keyspace
/// sizes and partition counters come from ctx.summaries.
void info_handler(commands::command_context& ctx);

/// Zeroes what CONFIG RESETSTAT resets outside the partitions (which reset
/// their own): every loop's traffic counters and the command, error and
/// latency statistics. Connected clients and the changes since the last
/// save are kept, as in Redis.
void reset_loop_stats();

} // namespace actis::actors
