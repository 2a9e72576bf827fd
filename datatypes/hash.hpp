// Fast seeded 64-bit hashing for in-memory hash tables. Plain C++.
#pragma once

#include <cstdint>
#include <string_view>

namespace actis::datatypes {

/// Hash of a byte string, seeded once per process at random so bucket order
/// cannot be predicted by clients (hash flooding). Stable within a process.
uint64_t hash_bytes(std::string_view data);

/// Mixes a 64-bit integer (e.g. a pointer) into a well-spread hash.
inline uint64_t hash_u64(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}

} // namespace actis::datatypes
