// Config-file lexing: quoting rules follow Redis's sdssplitargs/sdscatrepr so
// that files and --flags are read exactly as redis-server reads them.
#include "config/syntax.hpp"

#include <glob.h>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "datatypes/strutil.hpp"
#include "protocol/resp_parser.hpp"

namespace actis::config::detail {

bool split_args(std::string_view line, std::vector<std::string>& out) {
  // Redis reads config lines with the same splitter as inline commands.
  if (protocol::split_inline_args(line, out))
    return true;
  out.clear();
  return false;
}

std::vector<std::string> split_on_spaces(std::string_view s) {
  std::vector<std::string> pieces;
  if (s.empty())
    return pieces;
  size_t start = 0;
  while (true) {
    size_t sp = s.find(' ', start);
    if (sp == std::string_view::npos) {
      pieces.emplace_back(s.substr(start));
      return pieces;
    }
    pieces.emplace_back(s.substr(start, sp - start));
    start = sp + 1;
  }
}

std::string quote_arg(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\a': out += "\\a"; break;
      case '\b': out += "\\b"; break;
      default:
        if (std::isprint(static_cast<unsigned char>(c))) {
          out.push_back(c);
        } else {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned char>(c));
          out += buf;
        }
    }
  }
  out.push_back('"');
  return out;
}

bool parse_memory(std::string_view s, unsigned long long& out) {
  size_t digits = 0;
  while (digits < s.size() && s[digits] >= '0' && s[digits] <= '9')
    ++digits;
  std::string unit = datatypes::to_lower(s.substr(digits));
  unsigned long long multiplier;
  if (unit.empty() || unit == "b")
    multiplier = 1;
  else if (unit == "k")
    multiplier = 1000;
  else if (unit == "kb")
    multiplier = 1024;
  else if (unit == "m")
    multiplier = 1000ull * 1000;
  else if (unit == "mb")
    multiplier = 1024ull * 1024;
  else if (unit == "g")
    multiplier = 1000ull * 1000 * 1000;
  else if (unit == "gb")
    multiplier = 1024ull * 1024 * 1024;
  else
    return false;
  // Redis copies the number into a 128-byte buffer and refuses longer ones.
  if (digits >= 128)
    return false;
  std::string number(s.substr(0, digits));
  errno = 0;
  unsigned long long value = std::strtoull(number.c_str(), nullptr, 10);
  out = value * multiplier;
  return true;
}

/// Reads a config file, or every file matching a glob pattern (a pattern
/// matching nothing reads nothing), like Redis's loadServerConfig.
bool read_config_source(const std::string& path, std::string& content, std::string& error) {
  std::vector<std::string> files;
  if (path.find_first_of("*?[") != std::string::npos) {
    glob_t matches{};
    if (glob(path.c_str(), 0, nullptr, &matches) == 0)
      for (size_t i = 0; i < matches.gl_pathc; ++i)
        files.emplace_back(matches.gl_pathv[i]);
    globfree(&matches);
  } else {
    files.push_back(path);
  }
  for (const auto& file : files) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      error = "Fatal error, can't open config file '" + file + "': " + std::strerror(errno);
      return false;
    }
    std::ostringstream buf;
    buf << in.rdbuf();
    content += buf.str();
  }
  return true;
}

} // namespace actis::config::detail
