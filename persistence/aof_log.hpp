// The open AOF of a running server: the manifest, the incr file being
// appended to, the buffer of commands not yet written, and the fsync
// policy, as Redis 7.0's aof.c keeps them (aof_buf, aof_fd, aof_manifest,
// flushAppendOnlyFile). Plain C++: the writer actor (actors/aof_writer.hpp)
// owns one and calls it from its thread only; the background fsync runs on
// a thread of its own, and status() may be read from any thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "persistence/aof_format.hpp"
#include "persistence/aof_loader.hpp"
#include "persistence/aof_manifest.hpp"
#include "persistence/file_io.hpp"

namespace actis::persistence {

enum class fsync_policy { always, everysec, no };

/// "always", "everysec", "no" (appendfsync's values); false otherwise.
bool parse_fsync_policy(std::string_view text, fsync_policy& out);

/// What INFO persistence and the write path read, from any thread.
struct aof_status {
  std::atomic<bool> enabled{false};
  std::atomic<bool> rewrite_in_progress{false};
  /// Set by whoever schedules BGREWRITEAOF (aof_rewrite_scheduled).
  std::atomic<bool> rewrite_scheduled{false};
  /// aof_last_write_status: the last write and the last fsync succeeded.
  std::atomic<bool> last_write_ok{true};
  std::atomic<bool> last_fsync_ok{true};
  std::atomic<bool> last_rewrite_ok{true};
  std::atomic<uint64_t> current_size{0};
  std::atomic<uint64_t> base_size{0};
  std::atomic<uint64_t> buffer_length{0};
  std::atomic<uint64_t> pending_fsync{0};
  std::atomic<uint64_t> delayed_fsync{0};
  std::atomic<uint64_t> rewrites{0};
  std::atomic<uint64_t> rewrite_failures{0};
  std::atomic<int64_t> last_rewrite_time_sec{-1};
  /// When the running rewrite started (ms since the epoch), 0 = none.
  std::atomic<int64_t> rewrite_start_ms{0};
  /// Highest seq whose bytes were written / are known fsynced.
  std::atomic<uint64_t> written_seq{0};
  std::atomic<uint64_t> durable_seq{0};

  /// Whether writes must be refused (Redis's MISCONF for the AOF).
  bool write_error() const { return !last_write_ok.load() || !last_fsync_ok.load(); }
  /// The strerror text of the failure ("No space left on device").
  std::string error_text() const;
  void set_error_text(std::string text);

private:
  mutable std::mutex mutex_;
  std::string error_text_;
};

/// INFO persistence's AOF lines, from aof_enabled to
/// module_fork_last_cow_size, then (when enabled) aof_current_size ...
/// aof_delayed_fsync, as Redis 7.0 prints them. `now_ms` for
/// aof_current_rewrite_time_sec. A null status prints the disabled form.
void append_aof_info(std::string& out, const aof_status* st, int64_t now_ms);

struct aof_log_config {
  file_system* fs = nullptr;
  /// The appenddirname directory (dir/appenddirname).
  std::string dir;
  std::string filename = "appendonly.aof";
  fsync_policy policy = fsync_policy::everysec;
  bool timestamps = false;
  /// aof-disable-auto-gc no: history files are deleted after a rewrite.
  bool auto_gc = true;
  /// appendonly turned on at runtime (Redis's AOF_WAIT_REWRITE): records
  /// go to a temporary incr file outside the manifest, and the first
  /// rewrite's base and that file replace whatever the manifest named.
  bool wait_for_base = false;
  /// The last write-stream seq before this log's first record.
  uint64_t first_seq = 0;
  /// From load_aof: the files to continue (an empty manifest = start
  /// fresh) and their total and base sizes.
  aof_manifest manifest;
  uint64_t loaded_size = 0;
  uint64_t loaded_base_size = 0;
  /// Writes the first base when there is none, at `path`, crash-safely
  /// (aof-use-rdb-preamble yes: an RDB of the dataset). Returns "" or the
  /// error. Unset: the first base is an empty AOF file.
  std::function<std::string(file_system& fs, const std::string& path)> write_rdb_base;
  /// The server log (warning or notice). Unset: nothing is logged.
  std::function<void(bool warning, std::string_view text)> log;
  std::shared_ptr<aof_status> status;
};

/// "temp-<appendfilename>.incr": the incr file of appendonly turned on at
/// runtime until its first base is ready.
std::string temp_incr_name(std::string_view filename);

/// BGREWRITEAOF while appendonly is off: the base at `temp_path` becomes
/// the base of the directory `dir` (created if needed), every file the
/// manifest named before becomes history (deleted with `auto_gc`), as
/// Redis 7.0 rewrites without an open AOF. Returns "" or the error.
std::string install_base_without_log(file_system& fs, const std::string& dir,
                                     std::string_view filename, const std::string& temp_path,
                                     bool rdb, bool auto_gc);

/// A config from the registry (appendfsync, aof-timestamp-enabled,
/// aof-disable-auto-gc, the directory of `opt`) continuing the files of
/// `loaded`. The caller adds status, log and write_rdb_base. Locks the
/// registry: start-up and CONFIG paths only.
aof_log_config aof_log_config_from_config(file_system& fs, const aof_load_options& opt,
                                          const aof_load_result& loaded);

class aof_log {
public:
  /// Redis's aofOpenIfNeededOnServerStart: creates the first base when the
  /// manifest has no files, opens (or creates) the last incr file, saves the
  /// manifest, deletes history files. Null with `err` set when it cannot.
  static std::unique_ptr<aof_log> open(aof_log_config cfg, std::string& err);
  ~aof_log();
  aof_log(const aof_log&) = delete;
  aof_log& operator=(const aof_log&) = delete;

  /// Encodes one record into the buffer (nothing is written yet).
  void add(uint64_t seq, int db, const aof_argv& argv, int64_t unix_seconds);

  /// Redis's flushAppendOnlyFile at `now_ms` (a steady clock): writes the
  /// buffer in one write and fsyncs per the policy (always: here;
  /// everysec: at most once a second, on the fsync thread, postponing the
  /// write up to two seconds while an fsync is running; no: never).
  /// `force` writes even then. Returns the highest seq now durable under
  /// `always` (0 if nothing new), for the held replies.
  uint64_t flush(int64_t now_ms, bool force);
  /// Whether a later flush has work: bytes to write, an fsync due, or a
  /// failed write or fsync to retry. The actor ticks while it is true.
  bool wants_tick() const;

  /// Writes everything and fsyncs here and now (SHUTDOWN, appendonly no).
  /// Returns "" or the error.
  std::string flush_and_sync(int64_t now_ms);
  /// appendonly no: flush_and_sync, and the status reads disabled from now
  /// on (a status shared with a later log is that log's to set again).
  std::string close(int64_t now_ms);

  void set_policy(fsync_policy p) { cfg_.policy = p; }
  fsync_policy policy() const { return cfg_.policy; }
  void set_timestamps(bool on) { encoder_.set_timestamps(on); }

  /// Redis's openNewIncrAofForAppend at the start of BGREWRITEAOF: the
  /// buffer goes to the current incr file, which is fsynced; a new incr
  /// file takes what follows. Returns "" or the error.
  std::string start_rewrite(int64_t now_ms, int64_t unix_ms);
  /// The rewrite's base is ready at `temp_path` (holding everything before
  /// start_rewrite): it becomes the current base, the incr files before
  /// the current one and the old base become history, and history files
  /// are deleted (auto_gc). Returns "" or the error (nothing changed).
  std::string finish_rewrite(const std::string& temp_path, bool rdb, int64_t unix_ms);
  /// The rewrite failed: the files stay as they are.
  void abort_rewrite();
  /// Still waiting for the base of appendonly turned on at runtime.
  bool waiting_for_base() const { return waiting_for_base_; }

  const aof_manifest& manifest() const { return manifest_; }
  /// Path of the file being appended to.
  std::string incr_path() const;
  uint64_t last_seq() const { return last_seq_; }
  uint64_t written_seq() const { return written_seq_; }
  /// Highest seq this thread fsynced itself (always mode, flush_and_sync).
  uint64_t synced_seq() const { return synced_seq_; }
  aof_status& status() { return *status_; }

private:
  explicit aof_log(aof_log_config cfg);
  bool start(std::string& err);
  bool start_waiting_for_base(std::string& err);
  bool open_incr(const std::string& name, std::string& err, bool truncate = false);
  void reset_status();
  void mark_disabled();
  bool write_buffer(int64_t now_ms);
  bool sync_now();
  void delete_history();
  void note(std::string_view text) const;
  void warn(std::string_view text) const;

  class fsync_worker;

  aof_log_config cfg_;
  std::shared_ptr<aof_status> status_;
  aof_manifest manifest_;
  aof_encoder encoder_;
  std::shared_ptr<writable_file> file_;
  /// Bytes of the current incr file (ours, not the file's: a short write
  /// that was cut off again is not counted).
  uint64_t incr_size_ = 0;
  /// Bytes of the base and incr files before the current incr file.
  uint64_t other_size_ = 0;
  /// Encoded commands not yet written (Redis's aof_buf).
  std::string buffer_;
  uint64_t last_seq_ = 0;     // the last record added
  uint64_t written_seq_ = 0;  // in the file
  uint64_t synced_seq_ = 0;   // fsynced (as far as this thread knows)
  uint64_t announced_seq_ = 0;
  uint64_t synced_size_ = 0;  // incr_size_ at the last fsync
  int64_t last_fsync_ms_ = 0;
  int64_t postponed_since_ms_ = 0;
  int64_t last_error_log_ms_ = -1;
  bool fsync_failed_ = false; // the last always-mode fsync failed
  bool waiting_for_base_ = false;
  bool closed_ = false;
  std::unique_ptr<fsync_worker> worker_;
};

} // namespace actis::persistence
