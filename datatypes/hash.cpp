// Multiply-fold string hash: 64x64->128 bit products folded to 64 bits mix
// every input bit into every output bit in a few cycles per 16 bytes.
#include "datatypes/hash.hpp"

#include <cstring>
#include <random>

namespace actis::datatypes {

namespace {

constexpr uint64_t prime0 = 0x9e3779b97f4a7c15ULL;
constexpr uint64_t prime1 = 0xd6e8feb86659fd93ULL;
constexpr uint64_t prime2 = 0xa0761d6478bd642fULL;

uint64_t fold_multiply(uint64_t a, uint64_t b) {
  unsigned __int128 product = static_cast<unsigned __int128>(a) * b;
  return static_cast<uint64_t>(product) ^ static_cast<uint64_t>(product >> 64);
}

uint64_t load64(const unsigned char* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

uint64_t load32(const unsigned char* p) {
  uint32_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

uint64_t process_seed() {
  std::random_device device;
  uint64_t seed = (static_cast<uint64_t>(device()) << 32) ^ device();
  return fold_multiply(seed ^ prime0, prime1);
}

const uint64_t seed = process_seed();

} // namespace

uint64_t hash_bytes(std::string_view data) {
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
  size_t len = data.size();
  uint64_t state = seed;
  uint64_t a = 0;
  uint64_t b = 0;
  if (len <= 16) {
    if (len >= 4) {
      // Two overlapping 4-byte reads from each end cover 4..16 bytes.
      size_t mid = (len >> 3) << 2;
      a = (load32(p) << 32) | load32(p + mid);
      b = (load32(p + len - 4) << 32) | load32(p + len - 4 - mid);
    } else if (len > 0) {
      a = (static_cast<uint64_t>(p[0]) << 16) | (static_cast<uint64_t>(p[len >> 1]) << 8) |
          p[len - 1];
    }
  } else {
    size_t left = len;
    while (left > 16) {
      state = fold_multiply(load64(p) ^ prime1, load64(p + 8) ^ state);
      p += 16;
      left -= 16;
    }
    a = load64(p + left - 16);
    b = load64(p + left - 8);
  }
  return fold_multiply(prime2 ^ len, fold_multiply(a ^ prime1, b ^ state));
}

} // namespace actis::datatypes
