// Template part of errors.hpp.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace actis::protocol::err {
namespace detail {

/// Redis echoes user-supplied names in errors cut to this many bytes.
inline constexpr size_t max_echoed_name = 128;

/// What printf's "%.*s" prints of `s`: at most `max` bytes, ending at the
/// first NUL (Redis formats arguments as C strings).
inline std::string_view printf_prefix(std::string_view s, size_t max) {
  s = s.substr(0, s.find('\0'));
  return s.substr(0, max);
}

/// Error replies are one line: Redis turns CR and LF into spaces.
inline void replace_newlines(std::string& s) {
  for (char& c : s)
    if (c == '\r' || c == '\n') c = ' ';
}

} // namespace detail

template <class Args>
std::string unknown_command(const Args& argv) {
  // Following args are listed while the list is shorter than 128 bytes, each
  // cut to what is left of those 128.
  std::string args;
  for (size_t i = 1; i < argv.size() && args.size() < detail::max_echoed_name; ++i) {
    const size_t budget = detail::max_echoed_name - args.size();
    args += '\'';
    args += detail::printf_prefix(std::string_view(argv[i]), budget);
    args += "' ";
  }
  std::string out = "ERR unknown command '";
  out += detail::printf_prefix(std::string_view(argv[0]), detail::max_echoed_name);
  out += "', with args beginning with: ";
  out += args;
  detail::replace_newlines(out);
  return out;
}

} // namespace actis::protocol::err
