// Process-wide registry of event loops and partitions, built once at
// start-up and immutable afterwards (so any thread may read it).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <caf/all.hpp>

#include "commands/keyspace.hpp"

namespace actis::actors {

/// Bumps a single-writer counter: no locked instruction on the hot path
/// (readers on other threads see some recent value).
inline void bump(std::atomic<uint64_t>& c, uint64_t n = 1) {
  c.store(c.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
}

/// Per-loop counters, written by the owning loop only, read by INFO.
/// Commands and error replies are counted per thread by commands::stats.
struct loop_stats {
  std::atomic<uint64_t> connected_clients{0};
  std::atomic<uint64_t> total_connections_received{0};
  std::atomic<uint64_t> rejected_connections{0};
  std::atomic<uint64_t> net_input_bytes{0};
  std::atomic<uint64_t> net_output_bytes{0};
  std::atomic<uint64_t> client_query_buffer_limit_disconnections{0};
  std::atomic<uint64_t> client_output_buffer_limit_disconnections{0};
  /// Clients whose blocking command is parked (INFO blocked_clients).
  std::atomic<uint64_t> blocked_clients{0};
};

/// A keyspace partition: its data (owned, logically, by its actor) and the
/// loop whose thread runs that actor.
struct partition_slot {
  caf::actor actor;
  std::unique_ptr<commands::partition_data> data;
  uint32_t loop = 0;
  /// Set while a transaction holds the partition. Only the owning loop's
  /// thread reads or writes it (the partition actor sets and clears it).
  bool held = false;
};

struct loop_slot {
  /// The loop's manager broker: accepts connections, ships the loop's
  /// batches, runs its transaction rounds, answers client_list/client_kill.
  caf::actor manager;
  loop_stats stats;
};

class server {
public:
  static server& instance();

  std::vector<partition_slot> partitions;
  std::vector<std::unique_ptr<loop_slot>> loops;
  uint32_t partition_count() const { return static_cast<uint32_t>(partitions.size()); }
  /// The partition actors, in partition order (for ask_all).
  std::vector<caf::actor> partition_actors() const;
  /// The loop managers, in loop order (for ask_all).
  std::vector<caf::actor> manager_actors() const;

  /// The RDB persistence actor (actors/rdb_saver.hpp).
  caf::actor persistence;

  std::string run_id;
  int64_t start_ms = 0;
  uint16_t port = 6379;
  std::string config_file;
  std::string executable;
  std::atomic<uint64_t> next_client_id{1};
  /// SHUTDOWN saved already (or was told NOSAVE): the signal handler must
  /// not save again.
  std::atomic<bool> shutdown_saved{false};
  /// The dataset is being loaded at start-up: clients get LOADING.
  std::atomic<bool> loading{false};
  /// DEBUG SET-ACTIVE-EXPIRE.
  std::atomic<bool> active_expire_enabled{true};
  /// Sum of one counter over all loops.
  uint64_t sum(std::atomic<uint64_t> loop_stats::*field) const;
};

} // namespace actis::actors
