// Number parsing/formatting, glob matching and slot hashing with Redis 7.0's
// exact acceptance rules and output formats.
#include "datatypes/strutil.hpp"

#include <array>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>

namespace actis::datatypes {

namespace {

/// Redis refuses long double inputs of this many bytes or more, and formats
/// into a buffer of this size.
constexpr size_t max_long_double_chars = 5 * 1024;

/// Patterns nesting '*' deeper than this never match (Redis's guard against
/// abusive patterns).
constexpr int max_glob_nesting = 1000;

bool is_c_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

int fold(int c, bool nocase) {
  return nocase ? std::tolower(static_cast<unsigned char>(c)) : c;
}

/// Glob matcher state shared by recursive calls: once a '*' has tried every
/// suffix of the string and failed, no longer prefix can succeed either, so
/// outer '*' loops may stop early.
struct glob_matcher {
  bool nocase;
  bool give_up = false;

  // Compares characters as signed `char` values, as Redis does, so bytes
  // above 0x7f order below ASCII in ranges.
  bool match(const char* pat, size_t plen, const char* str, size_t slen, int nesting) {
    if (nesting > max_glob_nesting)
      return false;
    while (plen > 0 && slen > 0) {
      switch (pat[0]) {
        case '*': {
          while (plen > 1 && pat[1] == '*') {
            ++pat;
            --plen;
          }
          if (plen == 1)
            return true;
          while (slen > 0) {
            if (match(pat + 1, plen - 1, str, slen, nesting + 1))
              return true;
            if (give_up)
              return false;
            ++str;
            --slen;
          }
          give_up = true;
          return false;
        }
        case '?':
          ++str;
          --slen;
          break;
        case '[': {
          if (!match_class(pat, plen, str[0]))
            return false;
          ++str;
          --slen;
          break;
        }
        case '\\':
          if (plen >= 2) {
            ++pat;
            --plen;
          }
          [[fallthrough]];
        default:
          if (fold(pat[0], nocase) != fold(str[0], nocase))
            return false;
          ++str;
          --slen;
          break;
      }
      ++pat;
      --plen;
      if (slen == 0) {
        while (plen > 0 && pat[0] == '*') {
          ++pat;
          --plen;
        }
        break;
      }
    }
    return plen == 0 && slen == 0;
  }

  // On entry pat[0] is '['. Leaves pat on the class's closing ']' (or on its
  // last character when the class is unterminated) and says whether `c` is
  // in the class.
  bool match_class(const char*& pat, size_t& plen, char c) {
    ++pat;
    --plen;
    bool negate = plen > 0 && pat[0] == '^';
    if (negate) {
      ++pat;
      --plen;
    }
    bool found = false;
    for (;;) {
      if (plen >= 2 && pat[0] == '\\') {
        ++pat;
        --plen;
        if (pat[0] == c)
          found = true;
      } else if (plen == 0) {
        --pat;
        ++plen;
        break;
      } else if (pat[0] == ']') {
        break;
      } else if (plen >= 3 && pat[1] == '-') {
        int lo = pat[0];
        int hi = pat[2];
        int ch = c;
        if (lo > hi)
          std::swap(lo, hi);
        if (nocase) {
          lo = std::tolower(lo);
          hi = std::tolower(hi);
          ch = std::tolower(ch);
        }
        pat += 2;
        plen -= 2;
        if (ch >= lo && ch <= hi)
          found = true;
      } else if (fold(pat[0], nocase) == fold(c, nocase)) {
        found = true;
      }
      ++pat;
      --plen;
    }
    return negate ? !found : found;
  }
};

constexpr std::array<uint16_t, 256> make_crc16_table() {
  std::array<uint16_t, 256> table{};
  for (unsigned i = 0; i < 256; ++i) {
    uint16_t crc = static_cast<uint16_t>(i << 8);
    for (int bit = 0; bit < 8; ++bit)
      crc = (crc & 0x8000) ? static_cast<uint16_t>((crc << 1) ^ 0x1021)
                           : static_cast<uint16_t>(crc << 1);
    table[i] = crc;
  }
  return table;
}

constexpr std::array<uint16_t, 256> crc16_table = make_crc16_table();

} // namespace

bool parse_ll(std::string_view s, long long& out) {
  if (s.empty())
    return false;
  if (s.size() == 1 && s[0] == '0') {
    out = 0;
    return true;
  }
  size_t i = 0;
  bool negative = s[0] == '-';
  if (negative && ++i == s.size())
    return false;
  if (s[i] < '1' || s[i] > '9')
    return false;
  unsigned long long v = 0;
  constexpr unsigned long long ull_max = std::numeric_limits<unsigned long long>::max();
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9')
      return false;
    unsigned digit = static_cast<unsigned>(s[i] - '0');
    if (v > ull_max / 10)
      return false;
    v *= 10;
    if (v > ull_max - digit)
      return false;
    v += digit;
  }
  constexpr unsigned long long ll_max = std::numeric_limits<long long>::max();
  if (negative) {
    if (v > ll_max + 1ULL)
      return false;
    out = v == ll_max + 1ULL ? std::numeric_limits<long long>::min()
                              : -static_cast<long long>(v);
  } else {
    if (v > ll_max)
      return false;
    out = static_cast<long long>(v);
  }
  return true;
}

bool parse_long_double(std::string_view s, long double& out) {
  if (s.empty() || s.size() >= max_long_double_chars)
    return false;
  char buf[max_long_double_chars];
  std::memcpy(buf, s.data(), s.size());
  buf[s.size()] = '\0';
  errno = 0;
  char* end = nullptr;
  long double v = std::strtold(buf, &end);
  // The whole input must be the number: an embedded NUL ends strtold's
  // scan early, and Redis refuses it too.
  if (is_c_space(buf[0]) || static_cast<size_t>(end - buf) != s.size() ||
      (errno == ERANGE && (std::isinf(v) || v == 0)) || std::isnan(v))
    return false;
  out = v;
  return true;
}

bool parse_double(std::string_view s, double& out) {
  if (s.empty() || is_c_space(s[0]))
    return false;
  std::string buf(s);
  errno = 0;
  char* end = nullptr;
  double v = std::strtod(buf.c_str(), &end);
  if (static_cast<size_t>(end - buf.c_str()) != s.size() ||
      (errno == ERANGE && (std::isinf(v) || std::fpclassify(v) == FP_ZERO)) || std::isnan(v))
    return false;
  out = v;
  return true;
}

std::string ll_to_string(long long v) {
  char buf[24];
  int n = std::snprintf(buf, sizeof buf, "%lld", v);
  return std::string(buf, static_cast<size_t>(n));
}

std::string long_double_to_string(long double v) {
  if (std::isinf(v))
    return v > 0 ? "inf" : "-inf";
  char buf[max_long_double_chars];
  int n = std::snprintf(buf, sizeof buf, "%.17Lf", v);
  if (n <= 0 || static_cast<size_t>(n) + 1 > sizeof buf)
    return {};
  std::string out(buf, static_cast<size_t>(n));
  if (out.find('.') != std::string::npos) {
    while (out.back() == '0')
      out.pop_back();
    if (out.back() == '.')
      out.pop_back();
  }
  if (out == "-0")
    out = "0";
  return out;
}

std::string double_to_string(double v) {
  if (std::isinf(v))
    return v > 0 ? "inf" : "-inf";
  char buf[64];
  int n = std::snprintf(buf, sizeof buf, "%.17g", v);
  return std::string(buf, static_cast<size_t>(n));
}

bool glob_match(std::string_view pattern, std::string_view str, bool nocase) {
  glob_matcher m{nocase};
  return m.match(pattern.data(), pattern.size(), str.data(), str.size(), 0);
}

uint16_t crc16(std::string_view data) {
  uint16_t crc = 0;
  for (unsigned char c : data)
    crc = static_cast<uint16_t>((crc << 8) ^ crc16_table[((crc >> 8) ^ c) & 0xff]);
  return crc;
}

uint16_t key_hash_slot(std::string_view key) {
  size_t open = key.find('{');
  if (open != std::string_view::npos) {
    size_t close = key.find('}', open + 1);
    if (close != std::string_view::npos && close != open + 1)
      return crc16(key.substr(open + 1, close - open - 1)) & 16383;
  }
  return crc16(key) & 16383;
}

std::string to_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = to_lower_ascii(c);
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size())
    return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (to_lower_ascii(a[i]) != to_lower_ascii(b[i]))
      return false;
  }
  return true;
}

} // namespace actis::datatypes
