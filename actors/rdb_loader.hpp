// Loading dump.rdb into the partitions, always while every partition is
// held: at start-up and for DEBUG RELOAD.
#pragma once

#include <string>
#include <vector>

#include "commands/keyspace.hpp"
#include "persistence/file_io.hpp"

namespace actis::actors {

struct rdb_load_result {
  bool found = false;  // false: there was no file (an empty dataset)
  std::string error;   // names the file and the offset; empty on success
  uint64_t keys = 0;
  uint64_t expired = 0;
};

/// Reads the RDB file `path` into `parts` (every partition, owned by the
/// caller), with its function libraries. Keys already expired are dropped,
/// as a master does.
rdb_load_result load_rdb_file(persistence::file_system& fs, const std::string& path,
                              std::vector<commands::partition_data*>& parts);
/// The same from an open source (an AOF base); `name` for messages.
rdb_load_result load_rdb_stream(persistence::byte_source& src, const std::string& name,
                                std::vector<commands::partition_data*>& parts);

/// The start-up dataset: the AOF directory when `aof` (appendonly yes; the
/// snapshot is then ignored, as in Redis), else dbfilename; logged.
/// "" or the error that stops start-up.
std::string load_configured_dataset(persistence::file_system& fs, bool aof,
                                    std::vector<commands::partition_data*>& parts);

} // namespace actis::actors
