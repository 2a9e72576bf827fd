// The process-wide script cache (EVAL, SCRIPT LOAD): SHA1 -> body, shared by
// every thread; each thread compiles the bodies it runs into its own Lua
// state (scripting/engine.hpp). SCRIPT FLUSH empties the cache and bumps the
// generation, which makes every thread rebuild its Lua state before its next
// script. Plain C++, thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace actis::scripting {

/// Shebang flags of a script (Redis's SCRIPT_FLAG_*).
enum script_flag : uint32_t {
  sf_no_writes = 1u << 0,
  sf_allow_oom = 1u << 1,
  sf_allow_stale = 1u << 2,
  sf_no_cluster = 1u << 3,
  sf_allow_cross_slot = 1u << 4,
  /// No shebang: the script runs as before Redis 7 (may write, no checks).
  sf_eval_compat = 1u << 5,
};

/// Parses the optional `#!lua flags=...` first line of an EVAL body
/// (Redis's evalExtractShebangFlags). On success returns the flags and sets
/// `shebang_len` to the length of the line without its newline (0 without a
/// shebang); on failure sets `error` to Redis's error line (with "ERR ").
std::optional<uint32_t> parse_eval_shebang(std::string_view body, size_t& shebang_len,
                                           std::string& error);

/// Lower-case hex SHA1 of `data` (redis.sha1hex, script names).
std::string sha1_hex(std::string_view data);

class script_cache {
public:
  static script_cache& instance();

  /// Adds (or keeps) the body under its sha.
  void add(const std::string& sha, std::string_view body, uint32_t flags);
  struct script {
    std::string body;
    uint32_t flags = 0;
  };
  /// The script for a lower-case sha, if cached.
  std::optional<script> find(std::string_view sha) const;
  bool contains(std::string_view sha) const;
  /// The flags of a cached script without copying its body (the EVALSHA
  /// path once this thread has compiled it).
  std::optional<uint32_t> flags_of(const std::string& sha) const;
  /// SCRIPT FLUSH: forgets every script and bumps the generation.
  void flush();
  size_t size() const;
  /// Bytes of the cached bodies (INFO used_memory_scripts_eval).
  size_t body_bytes() const;
  /// Bumped by flush(): a thread whose Lua state was built at an older
  /// generation rebuilds it.
  uint64_t generation() const { return generation_.load(std::memory_order_acquire); }

private:
  mutable std::mutex mu_;
  std::unordered_map<std::string, script> scripts_;
  size_t body_bytes_ = 0;
  std::atomic<uint64_t> generation_{0};
};

} // namespace actis::scripting
