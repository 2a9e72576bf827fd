// The AOF's command format: what the writer appends (RESP multibulk
// commands, a SELECT whenever the database changes, optional "#TS:<unix>"
// annotations) and the streaming reader that loads a file back, with
// Redis 7.0's handling of torn tails, corrupt middles, unfinished
// transactions and RDB preambles. Plain C++.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "persistence/file_io.hpp"

namespace actis::persistence {

using aof_argv = std::vector<std::string>;

/// Appends `argv` as "*N\r\n$len\r\narg\r\n...".
void append_resp_command(std::string& out, const aof_argv& argv);
/// The pieces of one: "*N\r\n" (array header) and "$len\r\narg\r\n".
void append_resp_array(std::string& out, size_t n);
void append_resp_bulk(std::string& out, std::string_view arg);
/// "#TS:<unix seconds>\r\n", the annotation aof-timestamp-enabled writes.
void append_timestamp_annotation(std::string& out, int64_t unix_seconds);

/// Encodes a stream of (db, command) pairs for one file: a SELECT goes in
/// front of the first command and of every command whose db differs from
/// the previous one. A new encoder (or reset()) starts a file.
class aof_encoder {
public:
  /// When `timestamps` (aof-timestamp-enabled), a "#TS:<unix seconds>"
  /// line precedes the first command of every new second.
  explicit aof_encoder(bool timestamps = false) : timestamps_(timestamps) {}
  void append(std::string& out, int db, const aof_argv& argv, int64_t unix_seconds = 0);
  /// The next command is the first of a new file: it gets a SELECT.
  void reset() { selected_db_ = -1; }
  void set_timestamps(bool on) { timestamps_ = on; }

private:
  int selected_db_ = -1;
  bool timestamps_;
  int64_t last_timestamp_ = 0;
};

/// Outcome of loading one file, as Redis's loadSingleAppendOnlyFile.
enum class aof_read_status {
  ok,
  /// Zero bytes (the caller decides: an empty incr file is fine).
  empty,
  /// A torn final command (or an unfinished MULTI) was dropped: the file
  /// must be cut to `valid_length` (aof-load-truncated yes).
  truncated,
  /// Unusable: `error` says why (Redis's text), `error_offset` where.
  failed,
};

/// One log line for the caller to print (Redis's level and text).
struct aof_log_line {
  bool warning = false;
  std::string text;
};

struct aof_read_result {
  aof_read_status status = aof_read_status::ok;
  /// Bytes of the file that hold complete commands (where to truncate).
  uint64_t valid_length = 0;
  /// Commands handed to on_command (MULTI and EXEC included).
  uint64_t commands = 0;
  /// Whether the file started with an RDB preamble.
  bool rdb_preamble = false;
  std::string error;
  uint64_t error_offset = 0;
  std::vector<aof_log_line> log;
};

struct aof_read_callbacks {
  /// Applies one command (argv[0] as written). Returns "" on success, or
  /// the error that stops loading (e.g. aof_unknown_command_error).
  std::function<std::string(const aof_argv&)> on_command;
  /// Loads an RDB preamble from `src`, positioned at the file's first byte
  /// ("REDIS..."). It must stop after the RDB's checksum; bytes it read
  /// past that go back in `unread` so the RESP tail starts there. Returns
  /// "" on success or the error. Unset: a preamble fails the load.
  std::function<std::string(byte_source& src, std::string& unread)> on_rdb;
};

struct aof_read_options {
  /// aof-load-truncated: a torn tail is dropped (status truncated) rather
  /// than failing.
  bool load_truncated = true;
  /// The old single-file layout (appendonly.aof in dir, Redis < 7): its
  /// RDB part is a "preamble" rather than a "base file" in messages.
  bool old_style = false;
  /// The name used in messages (the file name, not the path).
  std::string name;
};

/// Reads one AOF file (base or incr) from `src`, calling on_command for
/// every complete command in order. Commands of a MULTI ... EXEC block are
/// delivered only once its EXEC is read, so an unfinished transaction at
/// the end is never applied (Redis reverts it). Never throws; any input
/// yields a result.
aof_read_result read_aof(byte_source& src, const aof_read_callbacks& cb,
                         const aof_read_options& opt);

/// Redis's message for a command the loader does not know.
std::string aof_unknown_command_error(std::string_view command, std::string_view file);

} // namespace actis::persistence
