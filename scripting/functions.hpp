// Redis 7 functions: the process-wide library registry (FUNCTION LOAD,
// DELETE, FLUSH, LIST, STATS), shared by every thread; each thread's engine
// (scripting/engine.hpp) runs the libraries' code again in its own Lua state
// when the registry's generation changed. Plain C++, thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace actis::scripting {

struct function_meta {
  std::string name;
  std::optional<std::string> description;
  /// script_flag bits (sf_no_writes...).
  uint32_t flags = 0;
};

struct library {
  std::string name;
  /// The whole FUNCTION LOAD payload, shebang included (LIST WITHCODE).
  std::string code;
  std::vector<function_meta> functions;
};

/// The `#!lua name=<lib>` line of a library (Redis's
/// functionExtractLibMetaData): the library name, or Redis's error line.
struct library_header {
  std::string name;
  /// Length of the shebang line without its newline.
  size_t length = 0;
};
std::optional<library_header> parse_library_header(std::string_view code, std::string& error);

/// Redis's function and library name rule: [A-Za-z0-9_]+.
bool valid_function_name(std::string_view name);

/// The names of script_flag bits, in Redis's order (FUNCTION LIST).
std::vector<std::string_view> flag_names(uint32_t flags);
/// The script_flag bit of a flag name, 0 if unknown.
uint32_t flag_of(std::string_view name);

class library_registry {
public:
  static library_registry& instance();

  /// Adds `lib` (its functions already validated by a load), replacing the
  /// library of the same name when `replace`. Returns Redis's error line,
  /// empty on success.
  std::string add(library lib, bool replace);
  /// FUNCTION RESTORE APPEND/REPLACE (Redis's libraryJoin): adds every
  /// library of `libs` or none; with `replace` a library of the same name
  /// is replaced. Returns Redis's error line, empty on success.
  std::string join(std::vector<library> libs, bool replace);
  /// FUNCTION RESTORE FLUSH: the libraries become `libs`.
  void replace_all(std::vector<library> libs);
  /// FUNCTION DELETE: false if there is no such library.
  bool remove(std::string_view name);
  void flush();
  std::vector<library> snapshot() const;
  /// The function `name` (case-sensitive) and its library's name.
  std::optional<std::pair<std::string, function_meta>> find_function(std::string_view name) const;
  size_t library_count() const;
  size_t function_count() const;
  bool has_library(std::string_view name) const;
  uint64_t generation() const { return generation_.load(std::memory_order_acquire); }

private:
  mutable std::mutex mu_;
  std::vector<library> libraries_;
  std::atomic<uint64_t> generation_{1};
};

} // namespace actis::scripting
