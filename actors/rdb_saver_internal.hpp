// The saver's private parts shared by its files: the snapshot being
// written and the actor's state (rdb_saver.cpp), and the operations that
// hold every partition to load a dataset (rdb_saver_reload.cpp).
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <caf/all.hpp>

#include "actors/transaction.hpp"
#include "commands/keyspace.hpp"
#include "commands/snapshot.hpp"
#include "persistence/file_io.hpp"
#include "protocol/reply.hpp"

namespace actis::actors::saver_detail {

/// The saver answers in std::string (CAF results): protocol's +OK as one.
inline const std::string ok_reply{protocol::ok_reply};
inline const std::string failed_reply = "-ERR\r\n";

/// How long appendonly no and DEBUG LOADAOF wait for the writer to have
/// fsynced what was written before them.
constexpr auto writer_sync_timeout = std::chrono::seconds(10);

/// One snapshot being written.
struct running_save {
  /// A BGREWRITEAOF base rather than dbfilename: the AOF writer renames
  /// it into the AOF directory.
  bool aof_base = false;
  /// An AOF base of commands (aof-use-rdb-preamble no) rather than an RDB.
  bool commands_base = false;
  /// Where it goes when complete (empty for an AOF base).
  std::string target_path;
  std::string temp_path;
  std::unique_ptr<persistence::writable_file> file;
  uint64_t crc = 0;
  uint64_t unsynced = 0;
  int64_t started_ms = 0;
  uint64_t dirty_at_cut = 0;
  size_t partitions_left = 0;
  bool failed = false;
  std::string error;
  /// The base of appendonly turned on: the AOF starts at its cut.
  bool enables_aof = false;
  /// appendonly was turned off meanwhile: the base is thrown away.
  bool cancelled = false;
  /// An AOF base: the writer rotated its incr file at the cut; the base is
  /// handed to it only then (finish_pending until).
  bool rotated = false;
  bool finish_pending = false;
  /// SAVE callers, answered when the file is on disk.
  std::vector<caf::response_promise> waiters;
  /// BGSAVE callers, answered at the cut: what they wrote before is in the
  /// snapshot, what anyone writes after their reply is not.
  std::vector<caf::response_promise> cut_waiters;
};

struct saver_state {
  persistence::file_system* fs = nullptr;
  request_watchdog watchdog;
  std::unique_ptr<running_save> current;
  bool scheduled = false;
  bool rewrite_scheduled = false;
  /// appendonly yes while a save ran: the rewrite that enables it follows.
  bool aof_on_scheduled = false;
  /// appendonly no waits for its hold; a yes meanwhile follows it.
  bool aof_turning_off = false;
  bool aof_on_after_off = false;
  /// appendonly is on but its first rewrite failed: retried as save points
  /// are, after retry_delay_ms.
  bool aof_base_missing = false;
  /// SAVE callers that came during a rewrite: their save follows it.
  std::vector<caf::response_promise> queued_save_waiters;
  int64_t last_try_ms = 0;
  bool summary_in_flight = false;
};

using saver_actor = caf::stateful_actor<saver_state>;

/// dbfilename.
std::string rdb_path();
/// Every partition, in ascending order (for a hold of all of them).
std::vector<partition_ref> all_partitions();

/// The temporary file of a new snapshot of `target` (an AOF base when
/// empty), with its preamble written; null (logged) if it cannot be created.
std::unique_ptr<running_save> open_save(persistence::file_system& fs, const std::string& target);
/// What the partitions serialize into `run`.
commands::snapshot_encoding snapshot_encoding_of(const running_save& run);
/// Serializes every partition of `parts` (held or owned by the caller)
/// into `run` at once.
void save_all_now(running_save& run, std::vector<commands::partition_data*>& parts);
/// Ends the file: EOF and checksum (an RDB), fsync, and (unless it is an
/// AOF base) rename over its target and fsync of the directory. Leaves
/// run.failed and run.error set on failure.
void commit(running_save& run, persistence::file_system& fs);
/// The status and the log after a save ended (successfully or not).
void record_outcome(running_save& run, persistence::file_system& fs);

/// DEBUG RELOAD (without saving first unless `save`).
void reload(saver_actor* self, bool save, caf::response_promise promise);
/// DEBUG LOADAOF.
void load_aof_again(saver_actor* self, caf::response_promise promise);
/// Start-up: loads the AOF (when `aof`) or dbfilename, then starts the AOF.
void load_at_startup(saver_actor* self, bool aof, caf::response_promise promise);

} // namespace actis::actors::saver_detail
