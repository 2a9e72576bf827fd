// Redis 7.0's multi-part AOF manifest: the file in appenddirname naming the
// base file, the incremental files appended after it, and the history files
// a rewrite left behind (to delete). One line per file:
//     file appendonly.aof.1.base.rdb seq 1 type b
// The base comes first, then history, then the incr files in sequence
// order, as Redis writes it. Plain C++.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "persistence/file_io.hpp"

namespace actis::persistence {

enum class aof_file_type : char { base = 'b', history = 'h', incr = 'i' };

struct aof_file_info {
  std::string name;
  int64_t seq = 0;
  aof_file_type type = aof_file_type::incr;
  bool operator==(const aof_file_info&) const = default;
};

struct aof_manifest {
  std::optional<aof_file_info> base;
  std::vector<aof_file_info> history;
  /// In increasing seq order; the last one is the file being appended to.
  std::vector<aof_file_info> incr;
  /// The seq of the current base / the last incr file (Redis's
  /// curr_base_file_seq / curr_incr_file_seq); new files take the next.
  int64_t base_seq = 0;
  int64_t incr_seq = 0;
  bool operator==(const aof_manifest&) const = default;
};

/// "<appendfilename>.manifest".
std::string manifest_file_name(std::string_view appendfilename);
/// "<appendfilename>.<seq>.base.rdb" or ".base.aof".
std::string base_file_name(std::string_view appendfilename, int64_t seq, bool rdb);
/// "<appendfilename>.<seq>.incr.aof".
std::string incr_file_name(std::string_view appendfilename, int64_t seq);

/// The manifest text, byte for byte as Redis's getAofManifestAsString
/// (names with spaces, quotes or unprintable bytes written quoted).
std::string serialize_manifest(const aof_manifest& m);
/// Parses manifest text as Redis's aofLoadManifestFromFile does. On failure
/// returns false with Redis's message in `err` ("Invalid AOF manifest file
/// format", "Found duplicate base file information", ...).
bool parse_manifest(std::string_view text, aof_manifest& out, std::string& err);

/// Reads `dir`/<appendfilename>.manifest. Returns nullopt when the file does
/// not exist (err empty) or cannot be read or parsed (err set).
std::optional<aof_manifest> load_manifest(file_system& fs, const std::string& dir,
                                          std::string_view appendfilename, std::string& err);
/// Writes the manifest the crash-safe way (replace_file).
bool save_manifest(file_system& fs, const std::string& dir, std::string_view appendfilename,
                   const aof_manifest& m, std::string& err);

/// A new base takes the next base seq; the previous base becomes history
/// (Redis's getNewBaseFileNameAndMarkPreAsHistory). Returns its name.
std::string add_new_base(aof_manifest& m, std::string_view appendfilename, bool rdb);
/// A new incr file takes the next incr seq (getNewIncrAofName).
std::string add_new_incr(aof_manifest& m, std::string_view appendfilename);
/// After a rewrite: every incr file but the last is covered by the new base
/// and becomes history (markRewrittenIncrAofAsHistory).
void mark_rewritten_incr_as_history(aof_manifest& m);
/// Every incr file becomes history (a base that replaces them all: a
/// rewrite while appendonly is off, or the first one after it is turned on).
void mark_all_incr_as_history(aof_manifest& m);

} // namespace actis::persistence
