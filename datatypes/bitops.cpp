#include "datatypes/bitops.hpp"

#include <algorithm>
#include <cstring>
#include <limits>

namespace actis::datatypes::bitops {

namespace {

unsigned byte_at(std::string_view s, size_t i) { return static_cast<unsigned char>(s[i]); }

/// Mask of the bits of one byte from bit `from` to bit `to` (0 = MSB).
unsigned byte_mask(unsigned from, unsigned to) { return (0xFFu >> from) & (0xFFu << (7 - to)) & 0xFFu; }

uint64_t popcount_bytes(const char* p, size_t n) {
  uint64_t total = 0;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t word;
    std::memcpy(&word, p + i, 8);
    total += static_cast<uint64_t>(__builtin_popcountll(word));
  }
  for (; i < n; ++i)
    total += static_cast<uint64_t>(__builtin_popcount(static_cast<unsigned char>(p[i])));
  return total;
}

} // namespace

bool get_bit(std::string_view s, uint64_t offset) {
  uint64_t byte = offset >> 3;
  if (byte >= s.size())
    return false;
  return (byte_at(s, byte) >> (7 - (offset & 7))) & 1u;
}

void set_bit(std::string& s, uint64_t offset, bool on) {
  auto& byte = reinterpret_cast<unsigned char&>(s[offset >> 3]);
  unsigned bit = 1u << (7 - (offset & 7));
  byte = static_cast<unsigned char>(on ? (byte | bit) : (byte & ~bit));
}

uint64_t count(std::string_view s, uint64_t first, uint64_t last) {
  size_t first_byte = first >> 3, last_byte = last >> 3;
  auto from = static_cast<unsigned>(first & 7), to = static_cast<unsigned>(last & 7);
  if (first_byte == last_byte)
    return static_cast<uint64_t>(__builtin_popcount(byte_at(s, first_byte) & byte_mask(from, to)));
  uint64_t total = static_cast<uint64_t>(__builtin_popcount(byte_at(s, first_byte) & byte_mask(from, 7)));
  total += static_cast<uint64_t>(__builtin_popcount(byte_at(s, last_byte) & byte_mask(0, to)));
  return total + popcount_bytes(s.data() + first_byte + 1, last_byte - first_byte - 1);
}

int64_t find(std::string_view s, bool bit, uint64_t first, uint64_t last) {
  size_t first_byte = first >> 3, last_byte = last >> 3;
  // Searching for a clear bit is searching for a set bit in the complement.
  unsigned flip = bit ? 0u : 0xFFu;
  auto candidates = [&](size_t b) {
    unsigned v = byte_at(s, b) ^ flip;
    if (b == first_byte)
      v &= byte_mask(static_cast<unsigned>(first & 7), 7);
    if (b == last_byte)
      v &= byte_mask(0, static_cast<unsigned>(last & 7));
    return v;
  };
  auto position = [](size_t b, unsigned v) {
    return static_cast<int64_t>(b * 8 + static_cast<size_t>(__builtin_clz(v) - 24));
  };
  size_t b = first_byte;
  if (unsigned v = candidates(b))
    return position(b, v);
  ++b;
  // Skip whole words that cannot contain a match (never the masked last byte).
  uint64_t no_match = bit ? 0 : std::numeric_limits<uint64_t>::max();
  while (b + 8 <= last_byte) {
    uint64_t word;
    std::memcpy(&word, s.data() + b, 8);
    if (word != no_match)
      break;
    b += 8;
  }
  for (; b <= last_byte; ++b)
    if (unsigned v = candidates(b))
      return position(b, v);
  return -1;
}

std::string combine(bitop_kind op, const std::vector<std::string_view>& sources) {
  size_t longest = 0;
  for (auto src : sources)
    longest = std::max(longest, src.size());
  std::string out(longest, '\0');
  if (longest == 0 || sources.empty())
    return out;
  if (op == bitop_kind::op_not) {
    for (size_t i = 0; i < longest; ++i)
      out[i] = static_cast<char>(~byte_at(sources[0], i));
    return out;
  }
  std::memcpy(out.data(), sources[0].data(), sources[0].size());
  for (size_t k = 1; k < sources.size(); ++k) {
    auto src = sources[k];
    size_t n = src.size();
    switch (op) {
      case bitop_kind::op_and:
        for (size_t i = 0; i < n; ++i)
          out[i] = static_cast<char>(out[i] & src[i]);
        std::fill(out.begin() + static_cast<std::ptrdiff_t>(n), out.end(), '\0');
        break;
      case bitop_kind::op_or:
        for (size_t i = 0; i < n; ++i)
          out[i] = static_cast<char>(out[i] | src[i]);
        break;
      case bitop_kind::op_xor:
        for (size_t i = 0; i < n; ++i)
          out[i] = static_cast<char>(out[i] ^ src[i]);
        break;
      case bitop_kind::op_not:
        break;
    }
  }
  return out;
}

uint64_t read_unsigned(std::string_view s, uint64_t offset, unsigned bits) {
  uint64_t v = 0;
  for (unsigned i = 0; i < bits; ++i)
    v = (v << 1) | static_cast<uint64_t>(get_bit(s, offset + i));
  return v;
}

int64_t read_signed(std::string_view s, uint64_t offset, unsigned bits) {
  uint64_t v = read_unsigned(s, offset, bits);
  if (bits < 64 && ((v >> (bits - 1)) & 1u))
    v |= std::numeric_limits<uint64_t>::max() << bits;
  return static_cast<int64_t>(v);
}

void write_field(std::string& s, uint64_t offset, unsigned bits, uint64_t v) {
  for (unsigned i = 0; i < bits; ++i)
    set_bit(s, offset + i, (v >> (bits - 1 - i)) & 1u);
}

// The two checks below follow Redis's verdicts to the letter, including its
// wrapping intermediate arithmetic: a SET of a value far outside the field's
// range can be judged an overflow in the "wrong" direction, and clients see
// the saturated value Redis would store.

field_outcome<uint64_t> check_unsigned(uint64_t value, int64_t incr, unsigned bits,
                                       overflow_mode mode) {
  uint64_t max = bits == 64 ? std::numeric_limits<uint64_t>::max() : (uint64_t{1} << bits) - 1;
  auto max_incr = static_cast<int64_t>(max - value);
  auto min_incr = static_cast<int64_t>(uint64_t{0} - value);
  int direction = 0;
  if (value > max || (incr > 0 && incr > max_incr))
    direction = 1;
  else if (incr < 0 && incr < min_incr)
    direction = -1;
  field_outcome<uint64_t> out;
  if (direction == 0)
    return out;
  out.overflow = true;
  if (mode == overflow_mode::wrap)
    out.replacement = (value + static_cast<uint64_t>(incr)) & max;
  else if (mode == overflow_mode::sat)
    out.replacement = direction > 0 ? max : 0;
  return out;
}

field_outcome<int64_t> check_signed(int64_t value, int64_t incr, unsigned bits,
                                    overflow_mode mode) {
  int64_t max = bits == 64 ? std::numeric_limits<int64_t>::max() : (int64_t{1} << (bits - 1)) - 1;
  int64_t min = -max - 1;
  auto max_incr = static_cast<int64_t>(static_cast<uint64_t>(max) - static_cast<uint64_t>(value));
  auto min_incr = static_cast<int64_t>(static_cast<uint64_t>(min) - static_cast<uint64_t>(value));
  int direction = 0;
  if (value > max || (bits != 64 && incr > max_incr) || (value >= 0 && incr > 0 && incr > max_incr))
    direction = 1;
  else if (value < min || (bits != 64 && incr < min_incr) ||
           (value < 0 && incr < 0 && incr < min_incr))
    direction = -1;
  field_outcome<int64_t> out;
  if (direction == 0)
    return out;
  out.overflow = true;
  if (mode == overflow_mode::wrap) {
    uint64_t sum = static_cast<uint64_t>(value) + static_cast<uint64_t>(incr);
    if (bits < 64) {
      uint64_t high = std::numeric_limits<uint64_t>::max() << bits;
      sum = ((sum >> (bits - 1)) & 1u) ? (sum | high) : (sum & ~high);
    }
    out.replacement = static_cast<int64_t>(sum);
  } else if (mode == overflow_mode::sat) {
    out.replacement = direction > 0 ? max : min;
  }
  return out;
}

} // namespace actis::datatypes::bitops
