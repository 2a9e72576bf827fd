#include "datatypes/lzf.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>

namespace actis::datatypes::lzf {

namespace {

constexpr size_t max_literal_run = 32;
/// A reference reaches at most this many bytes back.
constexpr size_t max_distance = 8192;
/// Shorter matches cost more than the literals they replace.
constexpr size_t min_match = 3;
constexpr size_t max_match = 2 + 7 + 255;
/// Length codes from this value on take an extra byte.
constexpr size_t long_length_code = 7;

constexpr unsigned max_table_bits = 14;

uint32_t load24(const unsigned char* p) {
  return static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 |
         static_cast<uint32_t>(p[2]) << 16;
}

/// Multiplicative hash of three bytes into `bits` bits.
uint32_t hash3(uint32_t v, unsigned bits) {
  return (v * 2654435761u) >> (32 - bits);
}

/// A table about as large as the input: clearing it costs no more than the
/// input's own scan.
unsigned table_bits(size_t n) {
  unsigned bits = 8;
  while (bits < max_table_bits && (size_t{1} << bits) < n)
    ++bits;
  return bits;
}

/// Appends items to a bounded output, tracking the open literal run whose
/// control byte is written when the run closes.
class writer {
public:
  writer(unsigned char* out, size_t capacity) : out_(out), capacity_(capacity) {}

  bool literal(unsigned char b) {
    if (run_ == 0) {
      if (used_ >= capacity_)
        return false;
      run_at_ = used_++;
    }
    if (used_ >= capacity_)
      return false;
    out_[used_++] = b;
    if (++run_ == max_literal_run)
      close_run();
    return true;
  }

  bool reference(size_t distance, size_t len) {
    close_run();
    size_t offset = distance - 1;
    size_t code = len - 2;
    size_t need = code >= long_length_code ? 3 : 2;
    if (used_ + need > capacity_)
      return false;
    auto high = static_cast<unsigned char>(offset >> 8);
    if (code < long_length_code) {
      out_[used_++] = static_cast<unsigned char>(code << 5 | high);
    } else {
      out_[used_++] = static_cast<unsigned char>(long_length_code << 5 | high);
      out_[used_++] = static_cast<unsigned char>(code - long_length_code);
    }
    out_[used_++] = static_cast<unsigned char>(offset & 0xff);
    return true;
  }

  size_t finish() {
    close_run();
    return used_;
  }

private:
  void close_run() {
    if (run_ > 0)
      out_[run_at_] = static_cast<unsigned char>(run_ - 1);
    run_ = 0;
  }

  unsigned char* out_;
  size_t capacity_;
  size_t used_ = 0;
  size_t run_at_ = 0;
  size_t run_ = 0;
};

} // namespace

size_t compress(const unsigned char* src, size_t n, unsigned char* dst, size_t capacity) {
  if (n == 0)
    return 0;
  // Latest position + 1 (0: none) of each hashed 3-byte sequence. Greedy
  // matching against the latest candidate only, like liblzf: fast, and good
  // enough for the repetitive data lists and strings hold.
  thread_local std::array<uint32_t, size_t{1} << max_table_bits> latest;
  unsigned bits = table_bits(n);
  std::fill_n(latest.begin(), size_t{1} << bits, 0u);
  auto remember = [&](size_t at) {
    latest[hash3(load24(src + at), bits)] = static_cast<uint32_t>(at + 1);
  };

  writer out(dst, capacity);
  size_t i = 0;
  while (i + min_match <= n) {
    uint32_t here = load24(src + i);
    uint32_t& slot = latest[hash3(here, bits)];
    size_t candidate = slot;
    slot = static_cast<uint32_t>(i + 1);
    if (candidate != 0 && i - (candidate - 1) <= max_distance &&
        load24(src + candidate - 1) == here) {
      size_t from = candidate - 1;
      size_t limit = std::min(n - i, max_match);
      size_t len = min_match;
      while (len < limit && src[from + len] == src[i + len])
        ++len;
      if (!out.reference(i - from, len))
        return 0;
      // Positions inside the match become candidates for later data.
      size_t end = i + len;
      for (size_t k = i + 1; k < end && k + min_match <= n; ++k)
        remember(k);
      i = end;
      continue;
    }
    if (!out.literal(src[i]))
      return 0;
    ++i;
  }
  for (; i < n; ++i)
    if (!out.literal(src[i]))
      return 0;
  return out.finish();
}

std::optional<std::string> compress(std::string_view src, size_t dst_capacity) {
  std::string out(dst_capacity, '\0');
  size_t len = compress(reinterpret_cast<const unsigned char*>(src.data()), src.size(),
                        reinterpret_cast<unsigned char*>(out.data()), dst_capacity);
  if (len == 0)
    return std::nullopt;
  out.resize(len);
  return out;
}

bool decompress(const unsigned char* src, size_t n, unsigned char* dst, size_t expected_len) {
  size_t in = 0, out = 0;
  while (in < n) {
    size_t control = src[in++];
    if (control < 32) {
      size_t len = control + 1;
      if (len > n - in || len > expected_len - out)
        return false;
      std::memcpy(dst + out, src + in, len);
      in += len;
      out += len;
      continue;
    }
    size_t len = control >> 5;
    if (len == long_length_code) {
      if (in >= n)
        return false;
      len += src[in++];
    }
    len += 2;
    if (in >= n)
      return false;
    size_t distance = ((control & 31) << 8 | src[in++]) + 1;
    if (distance > out || len > expected_len - out)
      return false;
    unsigned char* to = dst + out;
    const unsigned char* from = to - distance;
    if (distance >= len) {
      std::memcpy(to, from, len);
    } else {
      // Overlapping: each byte may be one this reference just wrote.
      for (size_t k = 0; k < len; ++k)
        to[k] = from[k];
    }
    out += len;
  }
  return out == expected_len;
}

std::optional<std::string> decompress(std::string_view src, size_t expected_len) {
  std::string out(expected_len, '\0');
  if (!decompress(reinterpret_cast<const unsigned char*>(src.data()), src.size(),
                  reinterpret_cast<unsigned char*>(out.data()), expected_len))
    return std::nullopt;
  return out;
}

} // namespace actis::datatypes::lzf
