// Bit algorithms on byte strings behind SETBIT/GETBIT/BITCOUNT/BITPOS/BITOP/
// BITFIELD. Plain C++. Bits are numbered as Redis numbers them: bit 0 is the
// most significant bit of byte 0.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace actis::datatypes::bitops {

/// Value of bit `offset` of `s`; bits past the end read as 0.
bool get_bit(std::string_view s, uint64_t offset);
/// Sets bit `offset` of `s` to `on`. Pre: offset / 8 < s.size().
void set_bit(std::string& s, uint64_t offset, bool on);

/// Number of set bits among bits [first, last] of `s`.
/// Pre: first <= last < 8 * s.size().
uint64_t count(std::string_view s, uint64_t first, uint64_t last);

/// Position of the first bit equal to `bit` among bits [first, last] of `s`,
/// or -1 if there is none. Pre: first <= last < 8 * s.size().
int64_t find(std::string_view s, bool bit, uint64_t first, uint64_t last);

enum class bitop_kind : uint8_t { op_and, op_or, op_xor, op_not };
/// BITOP over `sources` (shorter ones are zero-padded to the longest).
/// NOT uses only sources[0]. Returns the result, as long as the longest source.
std::string combine(bitop_kind op, const std::vector<std::string_view>& sources);

/// Reads a `bits`-wide unsigned field (1..64) starting at bit `offset`;
/// bits past the end of `s` read as 0.
uint64_t read_unsigned(std::string_view s, uint64_t offset, unsigned bits);
/// Same field sign-extended from its top bit.
int64_t read_signed(std::string_view s, uint64_t offset, unsigned bits);
/// Writes the low `bits` bits of `v` at bit `offset`.
/// Pre: (offset + bits - 1) / 8 < s.size().
void write_field(std::string& s, uint64_t offset, unsigned bits, uint64_t v);

enum class overflow_mode : uint8_t { wrap, sat, fail };
/// Outcome of storing value+incr into a field: whether it overflowed and,
/// for wrap/sat, the value to store instead.
template <class T>
struct field_outcome {
  bool overflow = false;
  T replacement = 0;
};
/// BITFIELD's range checks for an unsigned field of `bits` bits, reproducing
/// Redis's exact verdicts (including its handling of out-of-range SET values,
/// which are checked as `value` with a zero increment).
field_outcome<uint64_t> check_unsigned(uint64_t value, int64_t incr, unsigned bits,
                                       overflow_mode mode);
/// Same for a signed field (bits 1..64).
field_outcome<int64_t> check_signed(int64_t value, int64_t incr, unsigned bits,
                                    overflow_mode mode);

} // namespace actis::datatypes::bitops
