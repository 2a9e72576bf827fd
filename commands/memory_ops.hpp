// The MEMORY command family's operations: what a key costs, the process's
// memory figures (shared with INFO memory), MEMORY STATS, DOCTOR,
// MALLOC-STATS and PURGE. No replies. Plain C++.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "commands/keyspace.hpp"
#include "commands/op_status.hpp"

namespace actis::commands {

/// The process's memory as glibc malloc and the kernel report it. INFO
/// memory and MEMORY STATS both read it from here, so they always agree.
struct process_memory {
  /// Heap in use (malloc's in-use chunks plus mmap'ed blocks): used_memory.
  uint64_t allocated = 0;
  /// What malloc holds from the system (its arenas plus mmap'ed blocks).
  uint64_t active = 0;
  /// Resident set size of the process: used_memory_rss.
  uint64_t resident = 0;
  /// The highest `allocated` any sample has seen: used_memory_peak.
  uint64_t peak = 0;
  /// `allocated` when the server started (record_startup_memory), before it
  /// loaded any data: MEMORY STATS's startup.allocated.
  uint64_t startup = 0;
};

/// Samples the figures now and raises the peak (Redis samples its peak in
/// serverCron; actis whenever INFO or MEMORY STATS runs). Any thread.
process_memory sample_process_memory();

/// Notes the heap in use as the start-up figure. Called once by main before
/// the dataset is loaded.
void record_startup_memory();

/// MEMORY USAGE's default SAMPLES.
inline constexpr size_t default_usage_samples = 5;

/// Bytes the key of `e` costs: its value's (the aggregates that walk their
/// elements estimate them from `samples` of them, 0: all), plus the entry
/// (40 to 64 bytes) around the value, a heap key's block, the entry's bucket and, for
/// a volatile key, its expire record. The node pools' unused slack is not
/// charged to any key.
size_t entry_memory(const entry& e, size_t samples);

/// MEMORY USAGE: entry_memory of `key`, nil if missing (or expired: the
/// lookup expires it). Neither hit/miss statistics nor the LRU clock move,
/// as Redis's MEMORY USAGE leaves them.
op_result<int64_t> op_memory_usage(keyspace& ks, int db, std::string_view key, size_t samples);

/// MEMORY USAGE's options after the key: [SAMPLES count] (repeatable, the
/// last wins); 0 means every element. Redis's errors: a count that is not
/// an integer, a negative one, an unknown or incomplete option.
op_result<size_t> parse_usage_samples(const protocol::command_args& argv);

/// What MEMORY STATS reports about one database index summed over the
/// partitions; only databases with keys are listed.
struct db_memory {
  int index = 0;
  uint64_t keys = 0;
  /// The key table: entries (inline values included), buckets, heap keys.
  uint64_t main_overhead = 0;
  /// The expire table: buckets and expire records.
  uint64_t expires_overhead = 0;
};

/// MEMORY STATS's figures, computed once from the process sample and the
/// held partitions.
struct memory_stats {
  process_memory process;
  std::vector<db_memory> dbs;
  uint64_t keys = 0;
  /// startup + the databases' overheads (actis tracks no client, AOF or
  /// script cache buffers separately: they are part of the dataset figure).
  uint64_t overhead_total = 0;
  uint64_t dataset = 0;
};

/// Sums every partition `ks` holds (MEMORY STATS runs holding them all).
memory_stats op_memory_stats(keyspace& ks);

/// MEMORY DOCTOR's report: Redis's texts for an almost empty and a healthy
/// instance; otherwise the issues found (a past peak far above the current
/// use, heavy fragmentation).
std::string memory_doctor_report(const process_memory& m);

/// MEMORY MALLOC-STATS: glibc malloc's own counters, a few lines.
std::string malloc_stats_text();

/// MEMORY PURGE: gives free heap pages back to the system (malloc_trim).
void purge_memory();

} // namespace actis::commands
