// What a partition reports about itself for INFO and DBSIZE: counts and
// statistics only, computed on the partition's own thread, so those commands
// read every partition without holding any (Redis does not make them atomic
// across the keyspace either: they only read counters).
#pragma once

#include <cstdint>
#include <vector>

#include "commands/keyspace.hpp"

namespace actis::commands {

/// One database of one partition.
struct db_summary {
  uint64_t keys = 0;
  uint64_t expires = 0;
  /// Sum and count of the remaining TTLs (ms) of a small sample of volatile
  /// keys, for INFO's avg_ttl.
  int64_t ttl_sum = 0;
  int64_t ttl_samples = 0;
};

struct partition_summary {
  uint32_t partition = 0;
  partition_stats stats;
  std::vector<db_summary> dbs;
};

/// Summarizes `p` at `now_ms` (the TTL sample walks its expires table
/// without changing it). Thread: the partition's owner.
partition_summary summarize(partition_data& p, int64_t now_ms);

/// Zeroes the counters CONFIG RESETSTAT resets (not the dirty counter:
/// Redis keeps rdb_changes_since_last_save). Thread: the partition's owner.
void reset_stats(partition_data& p);

} // namespace actis::commands
