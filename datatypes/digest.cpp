#include "datatypes/digest.hpp"

#include <cstdint>
#include <cstring>

namespace actis::datatypes {

namespace {

// SHA-1 as FIPS 180-4 defines it, computed here rather than through
// libcrypto: linking that library alone cost every server ~1.4 MB of
// resident pages for a function only DEBUG DIGEST uses.

uint32_t rotl(uint32_t x, int n) {
  return (x << n) | (x >> (32 - n));
}

uint32_t load_be32(const unsigned char* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

void store_be32(unsigned char* p, uint32_t v) {
  p[0] = static_cast<unsigned char>(v >> 24);
  p[1] = static_cast<unsigned char>(v >> 16);
  p[2] = static_cast<unsigned char>(v >> 8);
  p[3] = static_cast<unsigned char>(v);
}

void sha1_block(uint32_t h[5], const unsigned char block[64]) {
  uint32_t w[80];
  for (int i = 0; i < 16; ++i)
    w[i] = load_be32(block + 4 * i);
  for (int i = 16; i < 80; ++i)
    w[i] = rotl(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
  uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
  for (int i = 0; i < 80; ++i) {
    uint32_t f, k;
    if (i < 20) {
      f = (b & c) | (~b & d);
      k = 0x5a827999;
    } else if (i < 40) {
      f = b ^ c ^ d;
      k = 0x6ed9eba1;
    } else if (i < 60) {
      f = (b & c) | (b & d) | (c & d);
      k = 0x8f1bbcdc;
    } else {
      f = b ^ c ^ d;
      k = 0xca62c1d6;
    }
    uint32_t t = rotl(a, 5) + f + e + k + w[i];
    e = d;
    d = c;
    c = rotl(b, 30);
    b = a;
    a = t;
  }
  h[0] += a;
  h[1] += b;
  h[2] += c;
  h[3] += d;
  h[4] += e;
}

void sha1(const unsigned char* data, size_t len, unsigned char out[digest_size]) {
  uint32_t h[5] = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0};
  size_t full = len / 64 * 64;
  for (size_t i = 0; i < full; i += 64)
    sha1_block(h, data + i);
  // The tail, the 0x80 marker and the 64-bit bit length fill one or two blocks.
  unsigned char tail[128] = {};
  size_t rest = len - full;
  if (rest > 0)
    std::memcpy(tail, data + full, rest);
  tail[rest] = 0x80;
  size_t tail_len = rest + 1 + 8 <= 64 ? 64 : 128;
  uint64_t bits = static_cast<uint64_t>(len) * 8;
  for (int i = 0; i < 8; ++i)
    tail[tail_len - 1 - i] = static_cast<unsigned char>(bits >> (8 * i));
  for (size_t i = 0; i < tail_len; i += 64)
    sha1_block(h, tail + i);
  for (int i = 0; i < 5; ++i)
    store_be32(out + 4 * i, h[i]);
}

} // namespace

void xor_digest(unsigned char digest[digest_size], const void* data, size_t len) {
  unsigned char hash[digest_size];
  sha1(static_cast<const unsigned char*>(data), len, hash);
  for (size_t i = 0; i < digest_size; ++i)
    digest[i] ^= hash[i];
}

void mix_digest(unsigned char digest[digest_size], const void* data, size_t len) {
  xor_digest(digest, data, len);
  unsigned char mixed[digest_size];
  sha1(digest, digest_size, mixed);
  for (size_t i = 0; i < digest_size; ++i)
    digest[i] = mixed[i];
}

std::string digest_hex(const unsigned char digest[digest_size]) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out(2 * digest_size, '0');
  for (size_t i = 0; i < digest_size; ++i) {
    out[2 * i] = hex[digest[i] >> 4];
    out[2 * i + 1] = hex[digest[i] & 0x0f];
  }
  return out;
}

} // namespace actis::datatypes
