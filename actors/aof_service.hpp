// The append-only file in the running server (appendonly yes): loading the
// AOF directory at start-up, the writer as the write stream's consumer, and
// the release of replies held for appendfsync always (docs/ARCHITECTURE.md,
// "The append-only file").
//
//   loops --write_batch--> sequencer --write_batch--> aof writer
//   aof writer --aof_durable(seq)--> durability relay --aof_durable--> every
//   loop manager, which flushes the connections whose held replies it covers
#pragma once

#include <atomic>
#include <memory>
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

  /// Null while appendonly is off.
  std::shared_ptr<persistence::aof_status> status;
  caf::actor writer;
  /// appendfsync always: a reply goes out only once every write numbered
  /// before it was made is fsynced (checked by the connections).
  std::atomic<bool> hold_replies{false};
  /// The highest write-stream seq known fsynced.
  std::atomic<uint64_t> durable_seq{0};
};

/// Start-up with appendonly yes: loads the AOF directory into `parts`
/// (every partition, owned by the caller). "" or the error that stops
/// start-up (naming the file and offset).
std::string load_aof_dataset(persistence::file_system& fs,
                             std::vector<commands::partition_data*>& parts);

/// Opens the AOF the load found (writing its first base when there is
/// none), spawns the writer and turns on the write stream. Call after
/// load_aof_dataset, before the first client. "" or the error.
std::string start_aof(caf::actor_system& sys, persistence::file_system& fs,
                      std::vector<commands::partition_data*>& parts);

/// Writes and fsyncs everything the writer has (SHUTDOWN, SIGTERM).
void flush_aof(caf::actor_system& sys);

/// The last number the write stream handed out: every change made so far
/// is at or before it.
uint64_t last_write_seq();

} // namespace actis::actors
