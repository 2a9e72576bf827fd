#include "persistence/rdb_string.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <vector>

#include "datatypes/lzf.hpp"
#include "datatypes/strutil.hpp"

namespace actis::persistence {

namespace {

/// Eight tables for slice-by-8: table[k][b] is the CRC of byte b followed
/// by k zero bytes, so eight input bytes are folded per step.
using crc_tables = std::array<std::array<uint64_t, 256>, 8>;

crc_tables make_crc_tables() {
  // 0xad93d23594c935a9 bit-reversed: the table of the reflected algorithm.
  constexpr uint64_t poly = 0x95AC9329AC4BC9B5ULL;
  crc_tables t{};
  for (uint64_t i = 0; i < 256; ++i) {
    uint64_t c = i;
    for (int k = 0; k < 8; ++k)
      c = (c & 1) ? (c >> 1) ^ poly : c >> 1;
    t[0][i] = c;
  }
  for (size_t i = 0; i < 256; ++i)
    for (size_t k = 1; k < 8; ++k)
      t[k][i] = t[0][t[k - 1][i] & 0xFF] ^ (t[k - 1][i] >> 8);
  return t;
}

/// rdbTryIntegerEncoding: the value if `s` is the canonical text of an
/// integer that fits 32 bits.
std::optional<long long> small_integer(std::string_view s) {
  long long v = 0;
  if (s.size() > 11 || !datatypes::parse_ll(s, v) || v < INT32_MIN || v > INT32_MAX)
    return std::nullopt;
  return v;
}

void put_integer(std::string& out, long long v) {
  if (v >= INT8_MIN && v <= INT8_MAX) {
    out.push_back(static_cast<char>(0xC0 | enc_int8));
    put_le(out, static_cast<uint64_t>(v), 1);
  } else if (v >= INT16_MIN && v <= INT16_MAX) {
    out.push_back(static_cast<char>(0xC0 | enc_int16));
    put_le(out, static_cast<uint64_t>(v), 2);
  } else {
    out.push_back(static_cast<char>(0xC0 | enc_int32));
    put_le(out, static_cast<uint64_t>(v), 4);
  }
}

} // namespace

uint64_t crc64(uint64_t crc, std::string_view data) {
  static const crc_tables t = make_crc_tables();
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
  size_t n = data.size();
  while (n >= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);  // little-endian host (x86-64, aarch64)
    crc ^= w;
    crc = t[7][crc & 0xFF] ^ t[6][(crc >> 8) & 0xFF] ^ t[5][(crc >> 16) & 0xFF] ^
          t[4][(crc >> 24) & 0xFF] ^ t[3][(crc >> 32) & 0xFF] ^ t[2][(crc >> 40) & 0xFF] ^
          t[1][(crc >> 48) & 0xFF] ^ t[0][crc >> 56];
    p += 8;
    n -= 8;
  }
  while (n-- > 0)
    crc = t[0][(crc ^ *p++) & 0xFF] ^ (crc >> 8);
  return crc;
}

std::optional<std::string> lzf_compress(std::string_view input, size_t max_out) {
  // liblzf with Redis's settings: HLOG 16, VERY_FAST, offsets in the hash
  // table, a zeroed table. The match search differs from
  // datatypes::lzf::compress, whose output decodes the same but is not
  // Redis's bytes.
  constexpr unsigned hlog = 16;
  constexpr unsigned hsize = 1u << hlog;
  constexpr unsigned max_lit = 1u << 5;
  constexpr unsigned long max_off = 1u << 13;
  constexpr unsigned max_ref = (1u << 8) + (1u << 3);
  if (input.size() < 3 || max_out == 0)
    return std::nullopt;
  // The zeroed table of 64Ki slots is emulated with a generation tag per
  // slot, so a call does not clear 256 KiB first: a slot written by an
  // earlier call reads as 0, as a fresh table would.
  thread_local std::vector<uint64_t> htab(hsize, 0);
  thread_local uint32_t generation = 0;
  if (++generation == 0) {
    std::fill(htab.begin(), htab.end(), 0);
    generation = 1;
  }
  const uint64_t tag = static_cast<uint64_t>(generation) << 32;
  auto load = [&](unsigned slot) -> unsigned {
    uint64_t e = htab[slot];
    return (e & ~uint64_t{0xFFFFFFFF}) == tag ? static_cast<unsigned>(e) : 0;
  };
  auto store = [&](unsigned slot, size_t offset) { htab[slot] = tag | offset; };
  auto idx = [](unsigned h) { return ((h >> (3 * 8 - hlog)) - h * 5) & (hsize - 1); };
  const auto* in = reinterpret_cast<const unsigned char*>(input.data());
  const unsigned char* ip = in;
  const unsigned char* in_end = in + input.size();
  std::string out(max_out + 1, '\0');
  auto* ob = reinterpret_cast<unsigned char*>(out.data());
  unsigned char* op = ob;
  unsigned char* out_end = ob + max_out;
  int lit = 0;
  ++op;  // start run
  unsigned hval = (static_cast<unsigned>(ip[0]) << 8) | ip[1];
  while (ip < in_end - 2) {
    hval = (hval << 8) | ip[2];
    unsigned slot = idx(hval);
    const unsigned char* ref = in + load(slot);
    store(slot, static_cast<size_t>(ip - in));
    unsigned long off;
    if ((off = static_cast<unsigned long>(ip - ref - 1)) < max_off && ref > in &&
        ref[2] == ip[2] && ref[0] == ip[0] && ref[1] == ip[1]) {
      unsigned len = 2;
      unsigned maxlen = static_cast<unsigned>(in_end - ip) - len;
      maxlen = maxlen > max_ref ? max_ref : maxlen;
      if (op + 3 + 1 >= out_end && op - !lit + 3 + 1 >= out_end)
        return std::nullopt;
      op[-lit - 1] = static_cast<unsigned char>(lit - 1);  // stop run
      op -= !lit;                                          // undo run if length is zero
      bool done = false;
      if (maxlen > 16) {
        for (int k = 0; k < 16 && !done; ++k) {
          ++len;
          if (ref[len] != ip[len])
            done = true;
        }
      }
      if (!done) {
        do
          ++len;
        while (len < maxlen && ref[len] == ip[len]);
      }
      len -= 2;  // len is now #octets - 1
      ++ip;
      if (len < 7) {
        *op++ = static_cast<unsigned char>((off >> 8) + (len << 5));
      } else {
        *op++ = static_cast<unsigned char>((off >> 8) + (7 << 5));
        *op++ = static_cast<unsigned char>(len - 7);
      }
      *op++ = static_cast<unsigned char>(off);
      lit = 0;
      ++op;  // start run
      ip += len + 1;
      if (ip >= in_end - 2)
        break;
      ip -= 2;
      hval = (static_cast<unsigned>(ip[0]) << 8) | ip[1];
      hval = (hval << 8) | ip[2];
      store(idx(hval), static_cast<size_t>(ip - in));
      ++ip;
      hval = (hval << 8) | ip[2];
      store(idx(hval), static_cast<size_t>(ip - in));
      ++ip;
    } else {
      if (op >= out_end)
        return std::nullopt;
      ++lit;
      *op++ = *ip++;
      if (lit == static_cast<int>(max_lit)) {
        op[-lit - 1] = static_cast<unsigned char>(lit - 1);
        lit = 0;
        ++op;
      }
    }
  }
  if (op + 3 > out_end)
    return std::nullopt;
  while (ip < in_end) {
    ++lit;
    *op++ = *ip++;
    if (lit == static_cast<int>(max_lit)) {
      op[-lit - 1] = static_cast<unsigned char>(lit - 1);
      lit = 0;
      ++op;
    }
  }
  op[-lit - 1] = static_cast<unsigned char>(lit - 1);
  op -= !lit;
  out.resize(static_cast<size_t>(op - ob));
  return out;
}

std::optional<std::string> lzf_decompress(std::string_view in, size_t out_len) {
  return datatypes::lzf::decompress(in, out_len);
}

void put_len(std::string& out, uint64_t len) {
  if (len < 64) {
    out.push_back(static_cast<char>(len));
  } else if (len < 16384) {
    out.push_back(static_cast<char>(0x40 | (len >> 8)));
    out.push_back(static_cast<char>(len & 0xFF));
  } else if (len <= 0xFFFFFFFFULL) {
    out.push_back(static_cast<char>(0x80));
    for (int i = 3; i >= 0; --i)
      out.push_back(static_cast<char>((len >> (8 * i)) & 0xFF));
  } else {
    out.push_back(static_cast<char>(0x81));
    for (int i = 7; i >= 0; --i)
      out.push_back(static_cast<char>((len >> (8 * i)) & 0xFF));
  }
}

void put_le(std::string& out, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i)
    out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

void put_binary_double(std::string& out, double d) {
  uint64_t bits;
  std::memcpy(&bits, &d, sizeof bits);
  put_le(out, bits, 8);
}

void put_string(std::string& out, std::string_view s, bool compress) {
  if (auto v = small_integer(s)) {
    put_integer(out, *v);
    return;
  }
  if (compress && s.size() > 20) {
    if (auto packed = lzf_compress(s, s.size() - 4)) {
      out.push_back(static_cast<char>(0xC0 | enc_lzf));
      put_len(out, packed->size());
      put_len(out, s.size());
      out += *packed;
      return;
    }
  }
  put_len(out, s.size());
  out.append(s);
}

} // namespace actis::persistence
