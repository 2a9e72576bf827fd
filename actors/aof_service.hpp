// The append-only file in the running server (appendonly yes): loading the
// AOF directory at start-up, the writer as the write stream's consumer, and
// the release of replies held for appendfsync always (docs/ARCHITECTURE.md,
// "The append-only file").
//
//   loops --write_batch--> sequencer --write_batch--> aof writer
//   aof writer --aof_durable(seq)--> every loop manager (sent from the
//   writer's thread), which flushes the connections whose held replies it
//   covers; a loop that just shipped writes may instead wait for the seq
//   (aof_runtime::wait_durable, bounded) and flush them itself
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <caf/all.hpp>

#include "commands/keyspace.hpp"
#include "persistence/aof_log.hpp"
#include "persistence/file_io.hpp"

namespace actis::actors {

/// What the rest of the server reads about the AOF, process-wide.
struct aof_runtime {
  static aof_runtime& instance();

  /// Never null: `enabled` says whether appendonly is on (INFO reads the
  /// rewrite counters either way).
  const std::shared_ptr<persistence::aof_status> status =
      std::make_shared<persistence::aof_status>();
  /// appendfsync always: a reply goes out only once every write numbered
  /// before it was made is fsynced (checked by the connections).
  std::atomic<bool> hold_replies{false};
  /// The highest write-stream seq known fsynced.
  std::atomic<uint64_t> durable_seq{0};

  /// The writer's announcement: raises durable_seq to `seq` and wakes the
  /// loops waiting in wait_durable.
  void raise_durable(uint64_t seq);
  /// appendfsync always, at the end of a loop iteration that shipped writes
  /// up to `seq`: blocks the loop until they are fsynced, at most `limit`.
  /// As Redis's loop sleeps in its fsync, the clients' next commands pile
  /// up in the kernel meanwhile and the next iteration reads them in one
  /// go: one wakeup per batch instead of one per command. True when `seq`
  /// is durable; past the limit, the aof_durable message releases the
  /// replies as before.
  bool wait_durable(uint64_t seq, std::chrono::microseconds limit);

  /// The writer; null while appendonly is off.
  caf::actor writer() const;
  void set_writer(caf::actor writer);

private:
  mutable std::mutex mutex_;
  caf::actor writer_;
  std::mutex durable_mutex_;
  std::condition_variable durable_changed_;
  std::atomic<int> durable_waiters_{0};
};

/// Start-up with appendonly yes: loads the AOF directory into `parts`
/// (every partition, owned or held by the caller). "" or the error that
/// stops start-up (naming the file and offset).
std::string load_aof_dataset(persistence::file_system& fs,
                             std::vector<commands::partition_data*>& parts);

/// Opens the AOF the load found (writing its first base when there is
/// none), spawns the writer and turns on the write stream. Call after
/// load_aof_dataset, with every partition held. "" or the error.
std::string start_aof(caf::actor_system& sys, persistence::file_system& fs,
                      std::vector<commands::partition_data*>& parts);

/// CONFIG SET appendonly yes, with every partition held (the cut of the
/// rewrite that makes the base): opens an AOF whose records wait in a
/// temporary incr file for that base, spawns its writer and turns on the
/// write stream. "" or the error.
std::string enable_aof_at_cut(caf::actor_system& sys, persistence::file_system& fs);

/// CONFIG SET appendonly no, with every partition held: the stream stops,
/// and the writer writes and fsyncs every record made so far, closes the
/// AOF and exits (waiting for it, at most `timeout`). "" or the error.
std::string disable_aof_at_cut(caf::actor_system& sys, caf::timespan timeout);

/// Waits (at most `timeout`) until the writer wrote and fsynced every
/// record made so far (SHUTDOWN, SIGTERM, DEBUG LOADAOF); nothing to do
/// while appendonly is off. "" or the error.
std::string flush_aof(caf::actor_system& sys, caf::timespan timeout);

/// CONFIG SET appendonly / appendfsync / aof-timestamp-enabled take effect
/// at once; appendonly is switched by `persistence` (the saver).
void install_aof_config_hooks(caf::actor persistence);

/// The last number the write stream handed out: every change made so far
/// is at or before it.
uint64_t last_write_seq();

} // namespace actis::actors
