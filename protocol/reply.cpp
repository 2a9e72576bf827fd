// RESP2/RESP3 reply encoding. Hot path: no snprintf, no temporary strings.
#include "protocol/reply.hpp"

#include <charconv>
#include <cmath>

namespace actis::protocol {
namespace {

/// Appends "<type><n>\r\n", the shape of every RESP length and integer line.
void append_line(std::string& out, char type, long long n) {
  char buf[24];  // type, up to 20 characters of digits and sign, CRLF
  buf[0] = type;
  char* end = std::to_chars(buf + 1, buf + sizeof(buf) - 2, n).ptr;
  end[0] = '\r';
  end[1] = '\n';
  out.append(buf, static_cast<size_t>(end + 2 - buf));
}

void append_bulk(std::string& out, std::string_view s) {
  append_line(out, '$', static_cast<long long>(s.size()));
  out.append(s);
  out.append("\r\n", 2);
}

/// True when `msg` starts with an error code: an upper-case word such as
/// ERR, WRONGTYPE or NOSCRIPT, followed by a space or the end.
bool starts_with_error_code(std::string_view msg) {
  if (msg.empty() || msg[0] < 'A' || msg[0] > 'Z') return false;
  for (char c : msg) {
    if (c == ' ') return true;
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
      return false;
  }
  return true;
}

/// Appends `text` with CR and LF turned into spaces: an error is one line.
void append_one_line(std::string& out, std::string_view text) {
  const size_t start = out.size();
  out.append(text);
  for (size_t i = start; i < out.size(); ++i)
    if (out[i] == '\r' || out[i] == '\n') out[i] = ' ';
}

error_listener current_listener = nullptr;

} // namespace

void set_error_listener(error_listener listener) { current_listener = listener; }

std::string_view error_code(std::string_view line) {
  // Redis looks for the space within the first 32 bytes of "-line".
  auto space = line.substr(0, 31).find(' ');
  return space == std::string_view::npos ? std::string_view("ERR") : line.substr(0, space);
}

void reply_builder::count_error(size_t line_start) {
  ++errors_;
  if (current_listener == nullptr) return;
  // The line sits between the '-' and the CRLF just appended.
  std::string_view line(out_->data() + line_start + 1, out_->size() - line_start - 3);
  current_listener(error_code(line));
}

void reply_builder::ok() { out_->append("+OK\r\n", 5); }

void reply_builder::simple(std::string_view s) {
  out_->push_back('+');
  out_->append(s);
  out_->append("\r\n", 2);
}

void reply_builder::error(std::string_view msg) {
  const size_t start = out_->size();
  out_->push_back('-');
  if (!starts_with_error_code(msg)) out_->append("ERR ", 4);
  append_one_line(*out_, msg);
  out_->append("\r\n", 2);
  count_error(start);
}

void reply_builder::error_verbatim(std::string_view line) {
  const size_t start = out_->size();
  out_->push_back('-');
  append_one_line(*out_, line);
  out_->append("\r\n", 2);
  count_error(start);
}

void reply_builder::error_counted_before(std::string_view line) {
  out_->push_back('-');
  append_one_line(*out_, line);
  out_->append("\r\n", 2);
  ++errors_;
}

void reply_builder::integer(long long v) { append_line(*out_, ':', v); }

void reply_builder::bulk(std::string_view s) { append_bulk(*out_, s); }

void reply_builder::null() {
  if (resp_ == 2)
    out_->append("$-1\r\n", 5);
  else
    out_->append("_\r\n", 3);
}

void reply_builder::null_array() {
  if (resp_ == 2)
    out_->append("*-1\r\n", 5);
  else
    out_->append("_\r\n", 3);
}

void reply_builder::array(size_t n) { append_line(*out_, '*', static_cast<long long>(n)); }

void reply_builder::map(size_t pairs) {
  if (resp_ == 2)
    append_line(*out_, '*', static_cast<long long>(pairs * 2));
  else
    append_line(*out_, '%', static_cast<long long>(pairs));
}

void reply_builder::set(size_t n) {
  append_line(*out_, resp_ == 2 ? '*' : '~', static_cast<long long>(n));
}

void reply_builder::push(size_t n) {
  append_line(*out_, resp_ == 2 ? '*' : '>', static_cast<long long>(n));
}

void reply_builder::attribute(size_t pairs) {
  append_line(*out_, '|', static_cast<long long>(pairs));
}

void reply_builder::dbl(double d) {
  // Redis 7.0 prints doubles with "%.17g" (1.1 is "1.1000000000000001") and
  // infinities as inf/-inf; to_chars with precision 17 is that exact format.
  if (std::isinf(d)) {
    if (resp_ == 2)
      append_bulk(*out_, d > 0 ? "inf" : "-inf");
    else
      out_->append(d > 0 ? ",inf\r\n" : ",-inf\r\n");
    return;
  }
  char digits[32];
  const char* end =
      std::to_chars(digits, digits + sizeof(digits), d, std::chars_format::general, 17).ptr;
  const std::string_view text(digits, static_cast<size_t>(end - digits));
  if (resp_ == 2) {
    append_bulk(*out_, text);
  } else {
    out_->push_back(',');
    out_->append(text);
    out_->append("\r\n", 2);
  }
}

void reply_builder::boolean(bool b) {
  if (resp_ == 2)
    out_->append(b ? ":1\r\n" : ":0\r\n", 4);
  else
    out_->append(b ? "#t\r\n" : "#f\r\n", 4);
}

void reply_builder::big_number(std::string_view digits) {
  if (resp_ == 2) {
    append_bulk(*out_, digits);
    return;
  }
  out_->push_back('(');
  out_->append(digits);
  out_->append("\r\n", 2);
}

void reply_builder::verbatim(std::string_view text, std::string_view format) {
  if (resp_ == 2) {
    append_bulk(*out_, text);
    return;
  }
  append_line(*out_, '=', static_cast<long long>(format.size() + 1 + text.size()));
  out_->append(format);
  out_->push_back(':');
  out_->append(text);
  out_->append("\r\n", 2);
}

} // namespace actis::protocol
