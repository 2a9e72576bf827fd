// Per-command and per-error statistics: INFO commandstats, errorstats and
// latencystats, and the total_commands_processed / total_error_replies of
// INFO stats. Plain C++ (no CAF).
//
// Every thread that runs commands (each event loop is one) counts into a
// block of its own, created at its first count and registered in a
// process-wide list. Counts are single-writer relaxed atomic stores: no
// shared cache line and no locked instruction on the hot path, and INFO on
// another thread reads the blocks without a data race. Readers sum all
// blocks on demand.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace actis::commands {

class command_table;
struct command_spec;

namespace stats {

/// Distinct error codes errorstats keeps; a new code beyond them still
/// counts in total_error_replies but gets no line. (Redis 7.0.15 keeps any
/// number; later versions cap at 128 because Lua scripts can invent codes
/// without end.)
inline constexpr size_t max_error_codes = 128;

/// The clock command durations are measured with, in nanoseconds: the
/// time-stamp counter scaled to CLOCK_MONOTONIC where the CPU keeps it
/// invariant, else CLOCK_MONOTONIC. For durations on one thread; never
/// goes below its first reading.
uint64_t now_ns();

/// Counts one run of `spec` (commands::execute, Redis's call()): its handler
/// took `nanos`, `failed` when it replied an error. With latency-tracking on
/// the duration also goes into the command's latency histogram.
/// Thread: any; counts into the calling thread's block.
void executed(const command_spec& spec, uint64_t nanos, bool failed);

/// Counts a command refused before it ran (unknown command, wrong number of
/// arguments, NOAUTH...) as a rejected call of `spec`, the command the
/// request names (command_table::lookup); null when it names none (an
/// unknown command, or an unknown subcommand of CONFIG, as in Redis). The
/// error reply itself is counted when it is written. Thread: any.
void rejected(const command_spec* spec);

/// Counts one error reply by its code (protocol::error_code): errorstats
/// and total_error_replies. This module installs it as the reply builders'
/// error listener at start-up (static initialization), so every error reply
/// is counted, whoever writes it. Thread: any.
void error_replied(std::string_view code);

/// Calls of all commands (INFO's total_commands_processed).
uint64_t total_calls();
/// Error replies written (INFO's total_error_replies).
uint64_t total_error_replies();

/// Appends the "cmdstat_<name>:calls=..,usec=..,usec_per_call=..,
/// rejected_calls=..,failed_calls=.." lines of the commands of `table` that
/// ran or were rejected, in table order. Subcommands are named
/// "container|sub"; those of a container with hide_subcommands count as the
/// container.
void append_commandstats(std::string& out, const command_table& table);
/// Appends "errorstat_<CODE>:count=N" lines, codes in byte order.
void append_errorstats(std::string& out);
/// Appends "latency_percentiles_usec_<name>:p50=..,p99=.." lines for the
/// commands of `table` with recorded durations, in table order. `percentiles`
/// is latency-tracking-info-percentiles as the configuration prints it
/// ("50 99 99.9": each already in Redis's format), the values are in
/// microseconds with "%.3f".
void append_latencystats(std::string& out, const command_table& table,
                         std::string_view percentiles);

/// CONFIG RESETSTAT: zeroes every count and histogram of every thread and
/// forgets the error codes. A count racing with the reset may survive it
/// (single-writer counters cannot be reset atomically by another thread);
/// acceptable for statistics. Thread: any.
void reset();

} // namespace stats
} // namespace actis::commands
