// The RDB persistence actor: SAVE, BGSAVE, the save points, and the status
// INFO persistence and LASTSAVE report. It writes one point-in-time snapshot
// of every partition into dump.rdb without fork (docs/ARCHITECTURE.md,
// "Snapshots"):
//
//   saver                           partitions p0 < p1 < ...
//     | write header, aux, functions to temp-<pid>.rdb
//     | --- hold ------------------->  each, ascending (the cut):
//     |     install a partition_snapshot on each, then release
//     | --- snapshot_chunk --------->  every partition, one request each in
//     | <-- (bytes, done) -----------  flight; a partition answers between
//     |     append, ask again          its commands (queued while held)
//     | EOF + CRC64, fsync, rename over dump.rdb, fsync the directory
//
// Clients keep reading and writing throughout: a key is serialized before
// its first change after the cut. Runs detached (its own thread), so file
// I/O never stalls an event loop.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include <caf/all.hpp>

#include "commands/keyspace.hpp"
#include "persistence/file_io.hpp"

namespace actis::actors {

/// What INFO persistence, LASTSAVE and the write refusal read, process-wide.
/// Written by the saver only.
struct rdb_status {
  static rdb_status& instance();

  std::atomic<bool> in_progress{false};
  /// LASTSAVE: unix seconds of the last successful save (start-up first).
  std::atomic<int64_t> last_save_s{0};
  std::atomic<bool> last_ok{true};
  std::atomic<int64_t> last_duration_s{-1};
  std::atomic<int64_t> current_start_ms{0};
  std::atomic<uint64_t> saves{0};
  /// Keys at the cut of the save in progress (current_save_keys_total).
  std::atomic<uint64_t> keys_total{0};
  /// The sum of the partitions' dirty counters at the last saved cut:
  /// rdb_changes_since_last_save is the current sum minus this.
  std::atomic<uint64_t> dirty_at_last_save{0};
  /// The start-up load in progress (INFO's loading_* fields).
  std::atomic<int64_t> loading_start_s{0};
  std::atomic<uint64_t> loading_total_bytes{0};
  std::atomic<uint64_t> loading_loaded_bytes{0};
  /// Keys the start-up load read, and the expired ones it dropped.
  std::atomic<uint64_t> loaded_keys{0};
  std::atomic<uint64_t> loaded_expired{0};

  /// Redis's stop-writes-on-bgsave-error: writes get MISCONF while true.
  bool refuses_writes() const;
};

/// Spawns the saver in `sys` (after the partitions exist) and records it in
/// server::instance().persistence.
caf::actor spawn_rdb_saver(caf::actor_system& sys, persistence::file_system& fs);

/// Writes the dataset of `parts` (owned or held by the caller) to `path`
/// at once, crash-safely (temporary file, fsync, rename, directory fsync):
/// the AOF's first base. "" or the error.
std::string write_rdb_now(persistence::file_system& fs,
                          std::vector<commands::partition_data*>& parts, const std::string& path);

/// Start-up, for the main thread: loads the AOF (`aof`) or dbfilename with
/// every partition held, starts the AOF and ends LOADING. "" or the error
/// that stops start-up.
std::string load_dataset(caf::actor_system& sys, bool aof);

/// Synchronous SAVE for the main thread (SIGTERM, SHUTDOWN): true once the
/// file is on disk.
bool save_now(caf::actor_system& sys);

} // namespace actis::actors
