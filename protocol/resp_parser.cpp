// Incremental RESP request parser. Mirrors how Redis 7.0 reads its query
// buffer: the same terminator searches, number strictness, limits and error
// texts, so a client sees the same replies for the same bytes.
#include "protocol/resp_parser.hpp"

#include <algorithm>
#include <cstring>

#include "datatypes/strutil.hpp"

namespace actis::protocol {
namespace {

// Redis's fixed caps for clients that still have to authenticate.
constexpr long long unauthenticated_max_multibulk = 10;
constexpr long long unauthenticated_max_bulk = 16384;
// A declared bulk length is only a promise: reserve at most this much before
// the payload actually arrives, then grow with the data.
constexpr size_t max_upfront_reserve = 1024 * 1024;
// Redis reserves argv slots for at most this many args before they arrive.
constexpr long long max_upfront_args = 1024;

/// Position of the first `terminator` in `s`, or npos when there is none or a
/// NUL comes first: Redis searches its query buffer with strchr, which stops
/// at NUL. Sets `blocked` in the latter case.
size_t find_terminator(std::string_view s, char terminator, bool& blocked) {
  const void* hit = std::memchr(s.data(), terminator, s.size());
  const size_t end = hit ? static_cast<const char*>(hit) - s.data() : s.size();
  if (std::memchr(s.data(), '\0', end) != nullptr) {
    blocked = true;
    return std::string_view::npos;
  }
  return hit ? end : std::string_view::npos;
}

// C isspace() in the C locale, which Redis uses between inline arguments.
bool is_c_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

char unescape(char c) {
  switch (c) {
    case 'n': return '\n';
    case 'r': return '\r';
    case 't': return '\t';
    case 'b': return '\b';
    case 'a': return '\a';
    default: return c;
  }
}

} // namespace

parse_status request_parser::fail(std::string message) {
  error_ = std::move(message);
  return parse_status::protocol_error;
}

parse_status request_parser::suspend() const {
  return pending_bytes() > limits_.query_buffer_limit ? parse_status::query_buffer_limit
                                                      : parse_status::ok;
}

// Finds the end of the line starting at `pos`, taking bytes from line_ first.
// Inline lines end at '\n' (consumed). Header lines end at '\r' and also
// consume the byte after it, whatever it is, as Redis does. On `complete`,
// `line` (the bytes before the terminator) may point into line_, which the
// caller clears once done with it. Lines too long to wait for are too_big.
request_parser::line_result request_parser::read_line(std::string_view input, size_t& pos,
                                                      char terminator,
                                                      std::string_view& line) {
  if (line_has_cr_) {
    if (pos == input.size()) return line_result::need_more;
    ++pos;
    line_has_cr_ = false;
    line = line_;
    return line_result::complete;
  }
  const std::string_view rest = input.substr(pos);
  if (!line_blocked_) {
    const size_t end = find_terminator(rest, terminator, line_blocked_);
    if (end != std::string_view::npos) {
      const size_t consumed = terminator == '\r' ? end + 2 : end + 1;
      if (consumed > rest.size()) {
        line_.append(rest.data(), end);
        line_has_cr_ = true;
        pos = input.size();
        return line_result::need_more;
      }
      if (line_.empty()) {
        line = rest.substr(0, end);
      } else {
        line_.append(rest.data(), end);
        line = line_;
      }
      pos += consumed;
      return line_result::complete;
    }
  }
  if (line_.size() + rest.size() > limits_.max_inline) return line_result::too_big;
  line_.append(rest);
  pos = input.size();
  return line_result::need_more;
}

parse_status request_parser::feed(std::string_view input, std::vector<command_args>& out) {
  if (!error_.empty()) return parse_status::protocol_error;
  std::string resumed;
  if (!deferred_.empty()) {
    resumed = std::move(deferred_);
    deferred_.clear();
    resumed.append(input);
    input = resumed;
  }
  const size_t produced_before = out.size();
  // Keeps the rest of the input, from the header at `start`, for the next
  // feed(): a command produced above may authenticate the client.
  auto defer_from = [&](size_t start) {
    deferred_.assign(input.substr(start));
    line_.clear();
    return parse_status::ok;
  };
  size_t pos = 0;
  std::string_view line;
  for (;;) {
    switch (stage_) {
      case stage::idle:
        if (pos == input.size()) return parse_status::ok;
        stage_ = input[pos] == '*' ? stage::mbulk_count : stage::inline_line;
        break;

      case stage::inline_line: {
        const auto result = read_line(input, pos, '\n', line);
        if (result == line_result::need_more) return suspend();
        if (result == line_result::too_big)
          return fail("ERR Protocol error: too big inline request");
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        command_args args;
        const bool balanced = split_inline_args(line, args);
        line_.clear();
        if (!balanced) return fail("ERR Protocol error: unbalanced quotes in request");
        if (!args.empty()) out.push_back(std::move(args));
        stage_ = stage::idle;
        break;
      }

      case stage::mbulk_count: {
        const size_t start = pos;
        const auto result = read_line(input, pos, '\r', line);
        if (result == line_result::need_more) return suspend();
        if (result == line_result::too_big)
          return fail("ERR Protocol error: too big mbulk count string");
        long long count = 0;
        if (!datatypes::parse_ll(line.substr(1), count) ||
            (count > 0 && static_cast<unsigned long long>(count) > limits_.max_multibulk))
          return fail("ERR Protocol error: invalid multibulk length");
        if (auth_required_ && count > unauthenticated_max_multibulk) {
          if (out.size() > produced_before) return defer_from(start);
          return fail("ERR Protocol error: unauthenticated multibulk length");
        }
        line_.clear();
        if (count <= 0) {
          stage_ = stage::idle;
          break;
        }
        multibulk_left_ = count;
        current_.reserve(static_cast<size_t>(std::min(count, max_upfront_args)));
        stage_ = stage::bulk_header;
        break;
      }

      case stage::bulk_header: {
        const size_t start = pos;
        const auto result = read_line(input, pos, '\r', line);
        if (result == line_result::need_more) return suspend();
        if (result == line_result::too_big)
          return fail("ERR Protocol error: too big bulk count string");
        // An empty line starts with its '\r'; Redis prints CR/LF as spaces.
        const char first = line.empty() ? '\r' : line[0];
        if (first != '$') {
          std::string message = "ERR Protocol error: expected '$', got '";
          message += (first == '\r' || first == '\n') ? ' ' : first;
          message += '\'';
          return fail(std::move(message));
        }
        long long len = 0;
        if (!datatypes::parse_ll(line.substr(1), len) || len < 0 ||
            static_cast<unsigned long long>(len) > limits_.proto_max_bulk_len)
          return fail("ERR Protocol error: invalid bulk length");
        if (auth_required_ && len > unauthenticated_max_bulk) {
          if (out.size() > produced_before) return defer_from(start);
          return fail("ERR Protocol error: unauthenticated bulk length");
        }
        line_.clear();
        bulk_len_ = static_cast<size_t>(len);
        stage_ = stage::bulk_data;
        break;
      }

      case stage::bulk_data: {
        // The two bytes after the payload are skipped unchecked, like Redis.
        const size_t needed = bulk_len_ + 2;
        const size_t available = input.size() - pos;
        if (bulk_.empty() && available >= needed) {
          if (needed > limits_.query_buffer_limit) return parse_status::query_buffer_limit;
          current_.emplace_back(input.data() + pos, bulk_len_);
          pos += needed;
        } else {
          const size_t take = std::min(needed - bulk_.size(), available);
          if (bulk_.size() + take > limits_.query_buffer_limit)
            return parse_status::query_buffer_limit;
          if (take == 0) return parse_status::ok;
          if (bulk_.empty()) bulk_.reserve(std::min(needed, max_upfront_reserve));
          bulk_.append(input.data() + pos, take);
          pos += take;
          if (bulk_.size() < needed) return parse_status::ok;
          bulk_.resize(bulk_len_);
          current_.push_back(std::move(bulk_));
          bulk_ = std::string();
        }
        current_bytes_ += bulk_len_;
        if (--multibulk_left_ > 0) {
          stage_ = stage::bulk_header;
          break;
        }
        out.push_back(std::move(current_));
        current_ = command_args();
        current_bytes_ = 0;
        stage_ = stage::idle;
        break;
      }
    }
  }
}

bool split_inline_args(std::string_view line, command_args& out) {
  out.clear();
  line = line.substr(0, line.find('\0'));
  const size_t n = line.size();
  // Reads past the end as NUL, the way the C string Redis walks ends.
  auto at = [&](size_t i) { return i < n ? line[i] : '\0'; };
  size_t i = 0;
  for (;;) {
    while (i < n && is_c_space(line[i])) ++i;
    if (i == n) return true;
    std::string token;
    enum class quoting { none, double_quotes, single_quotes } mode = quoting::none;
    for (bool done = false; !done;) {
      const char c = at(i);
      if (mode == quoting::double_quotes) {
        if (c == '\\' && at(i + 1) == 'x' && hex_value(at(i + 2)) >= 0 &&
            hex_value(at(i + 3)) >= 0) {
          token += static_cast<char>(hex_value(at(i + 2)) * 16 + hex_value(at(i + 3)));
          i += 4;
        } else if (c == '\\' && at(i + 1) != '\0') {
          token += unescape(at(i + 1));
          i += 2;
        } else if (c == '"') {
          // The closing quote must end the argument.
          if (at(i + 1) != '\0' && !is_c_space(at(i + 1))) return false;
          ++i;
          done = true;
        } else if (c == '\0') {
          return false;
        } else {
          token += c;
          ++i;
        }
      } else if (mode == quoting::single_quotes) {
        if (c == '\\' && at(i + 1) == '\'') {
          token += '\'';
          i += 2;
        } else if (c == '\'') {
          if (at(i + 1) != '\0' && !is_c_space(at(i + 1))) return false;
          ++i;
          done = true;
        } else if (c == '\0') {
          return false;
        } else {
          token += c;
          ++i;
        }
      } else {
        switch (c) {
          case ' ': case '\n': case '\r': case '\t': case '\0':
            done = true;
            break;
          case '"':
            mode = quoting::double_quotes;
            break;
          case '\'':
            mode = quoting::single_quotes;
            break;
          default:
            token += c;
            break;
        }
        if (c != '\0') ++i;
      }
    }
    out.push_back(std::move(token));
  }
}

} // namespace actis::protocol
