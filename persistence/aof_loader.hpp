// Loading an AOF directory as Redis 7.0's loadAppendOnlyFiles: the manifest,
// the base (RDB or AOF), every incr file in order, a torn tail of the last
// file cut off (aof-load-truncated), and the upgrade of an old single-file
// appendonly.aof into the directory layout. Plain C++.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "persistence/aof_format.hpp"
#include "persistence/aof_manifest.hpp"
#include "persistence/file_io.hpp"

namespace actis::persistence {

struct aof_load_options {
  /// The "dir" directive: where appenddirname (and an old appendonly.aof) is.
  std::string dir = ".";
  std::string dirname = "appendonlydir";
  std::string filename = "appendonly.aof";
  bool load_truncated = true;
};

enum class aof_load_status {
  ok,
  /// No AOF at all (no manifest and no old-style file): start empty.
  not_exist,
  /// Files exist but hold nothing.
  empty,
  /// Loading must stop start-up: `error`, in `error_file` at `error_offset`.
  failed,
};

struct aof_load_result {
  aof_load_status status = aof_load_status::ok;
  std::string error;
  std::string error_file;
  uint64_t error_offset = 0;
  /// What Redis logs along the way, in order.
  std::vector<aof_log_line> log;
  /// The manifest the files came from (for the writer to continue with).
  aof_manifest manifest;
  /// Bytes of the base and incr files after any truncation (INFO's
  /// aof_current_size and aof_base_size start from it).
  uint64_t total_size = 0;
  /// Bytes of the base file alone (INFO's aof_base_size after start-up).
  uint64_t base_size = 0;
  uint64_t commands = 0;
  /// An old-style appendonly.aof was moved into the directory.
  bool upgraded = false;
};

/// The options from the configuration registry: dir "." (the server has
/// changed into "dir"), appenddirname, appendfilename, aof-load-truncated.
/// Locks the registry: start-up and CONFIG paths only.
aof_load_options aof_load_options_from_config();

/// `dir`/`dirname` as one path.
std::string aof_dir_path(const aof_load_options& opt);

/// Loads every file the manifest names, calling `cb` for each command (and
/// the RDB loader for an RDB base). Never throws.
aof_load_result load_aof(file_system& fs, const aof_load_options& opt,
                         const aof_read_callbacks& cb);

} // namespace actis::persistence
