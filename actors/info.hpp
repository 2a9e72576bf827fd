// INFO and the counters behind it.
#pragma once

#include "commands/context.hpp"

namespace actis::actors {

/// INFO [section ...]: Redis 7.0's sections and field names, as a bulk
/// string (RESP3 verbatim "txt"). Runs in all_partitions scope: reads the
/// keyspace sizes and the partition counters from ctx.ks->held().
void info_handler(commands::command_context& ctx);

/// Zeroes what CONFIG RESETSTAT resets: every loop's traffic counters, the
/// command, error and latency statistics, and the keyspace counters of every partition held by `ks`
/// (call with all partitions held). Connected clients and the changes since
/// the last save are kept, as in Redis.
void reset_info_stats(commands::keyspace& ks);

} // namespace actis::actors
