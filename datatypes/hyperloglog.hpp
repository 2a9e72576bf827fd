// HyperLogLog as Redis stores it: a plain string value beginning with the
// 16-byte "HYLL" header (magic, encoding, 3 unused bytes, the cached
// cardinality as 8 little-endian bytes whose top bit marks it stale),
// followed by either 16384 6-bit registers packed little-endian (dense) or
// a run-length coding of them (sparse: ZERO 00xxxxxx, XZERO 01xxxxxx
// yyyyyyyy, VAL 1vvvvvxx). Every function works on the raw bytes so that a
// value copied to or from redis-server reads the same on both. The
// estimator is Ertl's improved raw estimator (arXiv:1702.01284), as Redis
// 7.0 uses it. Plain C++, no CAF; callers own the strings.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace actis::datatypes::hll {

inline constexpr int precision = 14;
inline constexpr size_t register_count = size_t{1} << precision;
inline constexpr size_t header_size = 16;
inline constexpr size_t dense_size = header_size + (register_count * 6 + 7) / 8;
inline constexpr uint8_t encoding_dense = 0;
inline constexpr uint8_t encoding_sparse = 1;

/// One register per byte, as PFCOUNT of several keys and PFMERGE gather them.
using raw_registers = std::array<uint8_t, register_count>;

/// MurmurHash64A (Austin Appleby), reading 8-byte blocks little-endian.
uint64_t murmur64a(const void* data, size_t len, uint64_t seed);

/// Register index and run length (1..51) of `element`, as Redis hashes it
/// (seed 0xadc83b19).
std::pair<size_t, uint8_t> pattern_of(std::string_view element);

/// An empty sparse HLL (header + one XZERO of 16384), cached cardinality 0.
std::string create();

/// Redis's isHLLObjectOrReply test on the bytes: long enough, "HYLL",
/// encoding dense or sparse, dense of the exact size.
bool looks_valid(std::string_view s);

inline bool is_dense(std::string_view s) { return static_cast<uint8_t>(s[4]) == encoding_dense; }

bool cache_valid(std::string_view s);
uint64_t cached_cardinality(std::string_view s);
void set_cached_cardinality(std::string& s, uint64_t card);
void invalidate_cache(std::string& s);

/// Adds `element` (PFADD of one element): 1 if a register grew, 0 if not,
/// -1 for a corrupt sparse coding. A sparse HLL whose change would exceed
/// `sparse_max_bytes`, or needs a register above 32, becomes dense first.
/// Does not touch the cache (PFADD invalidates it once).
int add(std::string& s, std::string_view element, size_t sparse_max_bytes);

/// Raises register `index` to `count` if lower (same results as add()).
int set_register(std::string& s, size_t index, uint8_t count, size_t sparse_max_bytes);

/// Converts a sparse HLL to dense in place (the header kept); true if it
/// was dense already or converted, false for a corrupt coding (s unchanged).
bool to_dense(std::string& s);

/// max[i] = max(max[i], register i of `s`); false for a corrupt coding.
bool merge_into(raw_registers& max, std::string_view s);

/// The cardinality estimate of `s` (ignoring the cache); nullopt for a
/// corrupt sparse coding.
std::optional<uint64_t> count(std::string_view s);
/// The estimate of registers gathered by merge_into.
uint64_t count(const raw_registers& regs);

/// Register `index` of a dense HLL.
uint8_t dense_register(std::string_view s, size_t index);

/// PFDEBUG DECODE's text of a sparse HLL: "z:N", "Z:N", "v:VAL,N" joined by spaces.
std::string decode_sparse(std::string_view s);

} // namespace actis::datatypes::hll
