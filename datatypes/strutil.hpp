// Number parsing/formatting, glob matching and hashing exactly as Redis does.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace actis::datatypes {

/// Redis's string2ll: strict (no spaces, no '+', no leading zeros except "0",
/// fits in long long).
bool parse_ll(std::string_view s, long long& out);
/// Redis's string2ld/strtold checks used by INCRBYFLOAT (rejects spaces, empty,
/// nan; accepts "inf" forms like Redis 7.0).
bool parse_long_double(std::string_view s, long double& out);
/// Redis's string2d used for scores/floats (getDoubleFromObject): strtod, no
/// spaces, not NaN.
bool parse_double(std::string_view s, double& out);
/// long long to decimal string.
std::string ll_to_string(long long v);
/// INCRBYFLOAT formatting: ld2string(LD_STR_HUMAN) - "%.17Lf" with trailing
/// zeros and dot removed; "inf"/"-inf".
std::string long_double_to_string(long double v);
/// "%.17g" formatting used for RESP2 doubles (and Redis's addReplyDouble).
std::string double_to_string(double v);

/// Redis's stringmatchlen glob (*, ?, [...], [^...], ranges, \ escapes).
bool glob_match(std::string_view pattern, std::string_view str, bool nocase = false);

/// CRC16-CCITT (XMODEM) as Redis Cluster uses.
uint16_t crc16(std::string_view data);
/// Hash slot of a key: CRC16 of the first non-empty {hash tag}, mod 16384.
uint16_t key_hash_slot(std::string_view key);

/// `c` in lower case if it is an ASCII capital, else `c`.
inline char to_lower_ascii(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}
/// Lowercase ASCII copy.
std::string to_lower(std::string_view s);
/// Case-insensitive ASCII equality.
bool iequals(std::string_view a, std::string_view b);

/// Redis's range rule (GETRANGE, BITCOUNT, BITPOS): negative indexes count
/// from the end of `total` positions and stop at 0, an end past the last
/// position is the last. The range may come out empty (start > end).
inline void clamp_range(long long& start, long long& end, long long total) {
  if (start < 0)
    start = start + total < 0 ? 0 : start + total;
  if (end < 0)
    end = end + total < 0 ? 0 : end + total;
  if (end >= total)
    end = total - 1;
}

} // namespace actis::datatypes
