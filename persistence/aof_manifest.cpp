#include "persistence/aof_manifest.hpp"

#include <cctype>
#include <cstdlib>
#include <strings.h>

#include "config/syntax.hpp"

namespace actis::persistence {

namespace {

/// Redis reads manifest lines with fgets into a buffer of this many bytes
/// (plus the NUL): a longer line is an error.
constexpr size_t manifest_line_max = 1024;

/// Redis's sdsneedsrepr: names that split_args would not read back as one
/// plain token are written quoted.
bool needs_quoting(std::string_view s) {
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (c == '\\' || c == '"' || !std::isprint(u) || std::isspace(u))
      return true;
  }
  return false;
}

void format_info(std::string& out, const aof_file_info& f) {
  out += "file ";
  out += needs_quoting(f.name) ? config::detail::quote_arg(f.name) : f.name;
  out += " seq ";
  out += std::to_string(f.seq);
  out += " type ";
  out += static_cast<char>(f.type);
  out += '\n';
}

bool is_base_name(std::string_view name) {
  return name.find('/') == std::string_view::npos && name.find('\\') == std::string_view::npos;
}

std::string_view trim(std::string_view s) {
  constexpr std::string_view blanks = " \t\r\n";
  auto first = s.find_first_not_of(blanks);
  if (first == std::string_view::npos)
    return {};
  return s.substr(first, s.find_last_not_of(blanks) - first + 1);
}

/// One manifest line's fields, or an error text.
const char* parse_line(std::string_view line, aof_file_info& info) {
  std::vector<std::string> argv;
  // More than six words is allowed for forward compatibility.
  if (!config::detail::split_args(line, argv) || argv.size() < 6 || argv.size() % 2 != 0)
    return "Invalid AOF manifest file format";
  bool have_name = false;
  char type = '\0';
  for (size_t i = 0; i < argv.size(); i += 2) {
    const std::string& key = argv[i];
    const std::string& value = argv[i + 1];
    if (strcasecmp(key.c_str(), "file") == 0) {
      if (!is_base_name(value))
        return "File can't be a path, just a filename";
      info.name = value;
      have_name = true;
    } else if (strcasecmp(key.c_str(), "seq") == 0) {
      info.seq = std::strtoll(value.c_str(), nullptr, 10); // atoll, as Redis
    } else if (strcasecmp(key.c_str(), "type") == 0) {
      type = value.empty() ? '\0' : value[0];
    }
  }
  if (!have_name || info.seq == 0 || type == '\0')
    return "Invalid AOF manifest file format";
  info.type = static_cast<aof_file_type>(type);
  return nullptr;
}

} // namespace

std::string manifest_file_name(std::string_view appendfilename) {
  return std::string(appendfilename) + ".manifest";
}

std::string base_file_name(std::string_view appendfilename, int64_t seq, bool rdb) {
  return std::string(appendfilename) + "." + std::to_string(seq) + ".base" +
         (rdb ? ".rdb" : ".aof");
}

std::string incr_file_name(std::string_view appendfilename, int64_t seq) {
  return std::string(appendfilename) + "." + std::to_string(seq) + ".incr.aof";
}

std::string serialize_manifest(const aof_manifest& m) {
  std::string out;
  if (m.base)
    format_info(out, *m.base);
  for (auto& f : m.history)
    format_info(out, f);
  for (auto& f : m.incr)
    format_info(out, f);
  return out;
}

bool parse_manifest(std::string_view text, aof_manifest& out, std::string& err) {
  out = aof_manifest{};
  if (text.empty()) {
    err = "Found an empty AOF manifest";
    return false;
  }
  int64_t max_incr_seq = 0;
  while (!text.empty()) {
    // What one fgets call of Redis's returns: up to the newline, or as much
    // as its buffer holds.
    auto nl = text.find('\n');
    size_t take = nl == std::string_view::npos ? text.size() : nl + 1;
    if (take > manifest_line_max)
      take = manifest_line_max;
    std::string_view raw = text.substr(0, take);
    text.remove_prefix(take);
    if (raw[0] == '#')
      continue;
    if (raw.back() != '\n') {
      err = "The AOF manifest file contains too long line";
      return false;
    }
    std::string_view line = trim(raw);
    if (line.empty()) {
      err = "Invalid AOF manifest file format";
      return false;
    }
    aof_file_info info;
    if (const char* why = parse_line(line, info)) {
      err = why;
      return false;
    }
    switch (info.type) {
      case aof_file_type::base:
        if (out.base) {
          err = "Found duplicate base file information";
          return false;
        }
        out.base_seq = info.seq;
        out.base = std::move(info);
        break;
      case aof_file_type::history:
        out.history.push_back(std::move(info));
        break;
      case aof_file_type::incr:
        if (info.seq <= max_incr_seq) {
          err = "Found a non-monotonic sequence number";
          return false;
        }
        max_incr_seq = out.incr_seq = info.seq;
        out.incr.push_back(std::move(info));
        break;
      default:
        err = "Unknown AOF file type";
        return false;
    }
  }
  return true;
}

std::optional<aof_manifest> load_manifest(file_system& fs, const std::string& dir,
                                          std::string_view appendfilename, std::string& err) {
  err.clear();
  std::string name = manifest_file_name(appendfilename);
  std::string path = join_path(dir, name);
  if (!fs.exists(path))
    return std::nullopt;
  std::string open_err;
  auto in = fs.open_read(path, open_err);
  if (!in) {
    err = "Fatal error: can't open the AOF manifest " + name + " for reading: " + open_err;
    return std::nullopt;
  }
  std::string text;
  char buf[4096];
  while (size_t n = in->read(buf, sizeof buf))
    text.append(buf, n);
  if (!in->error().empty()) {
    err = "Read AOF manifest failed";
    return std::nullopt;
  }
  aof_manifest m;
  if (!parse_manifest(text, m, err))
    return std::nullopt;
  return m;
}

bool save_manifest(file_system& fs, const std::string& dir, std::string_view appendfilename,
                   const aof_manifest& m, std::string& err) {
  std::string path = join_path(dir, manifest_file_name(appendfilename));
  if (replace_file(fs, path, "manifest", serialize_manifest(m), err))
    return true;
  err = "Can't persist the AOF manifest " + manifest_file_name(appendfilename) + ": " + err;
  return false;
}

std::string add_new_base(aof_manifest& m, std::string_view appendfilename, bool rdb) {
  if (m.base) {
    m.base->type = aof_file_type::history;
    m.history.insert(m.history.begin(), std::move(*m.base));
  }
  std::string name = base_file_name(appendfilename, ++m.base_seq, rdb);
  m.base = aof_file_info{name, m.base_seq, aof_file_type::base};
  return name;
}

std::string add_new_incr(aof_manifest& m, std::string_view appendfilename) {
  std::string name = incr_file_name(appendfilename, ++m.incr_seq);
  m.incr.push_back(aof_file_info{name, m.incr_seq, aof_file_type::incr});
  return name;
}

namespace {

/// The first `n` incr files become history, ahead of the older history.
void move_incr_to_history(aof_manifest& m, size_t n) {
  std::vector<aof_file_info> moved(m.incr.begin(), m.incr.begin() + static_cast<long>(n));
  for (auto& f : moved)
    f.type = aof_file_type::history;
  m.history.insert(m.history.begin(), moved.begin(), moved.end());
  m.incr.erase(m.incr.begin(), m.incr.begin() + static_cast<long>(n));
}

} // namespace

void mark_rewritten_incr_as_history(aof_manifest& m) {
  if (m.incr.size() > 1)
    move_incr_to_history(m, m.incr.size() - 1);
}

void mark_all_incr_as_history(aof_manifest& m) { move_incr_to_history(m, m.incr.size()); }

} // namespace actis::persistence
