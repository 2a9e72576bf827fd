// The RDB format's building blocks shared by snapshots, DUMP payloads and
// FUNCTION DUMP: Redis's CRC64, LZF as Redis writes it, lengths and strings.
// Plain C++, no CAF; thread-safe (no shared state).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace actis::persistence {

/// Redis's crc64 (Jones polynomial, reflected), continuing from `crc`.
uint64_t crc64(uint64_t crc, std::string_view data);

/// `in` compressed exactly as Redis's lzf_compress (liblzf 3.6 with Redis's
/// settings) compresses it, so DUMP payloads match byte for byte; nothing
/// when the result would not fit in `max_out` bytes (or `in` is empty).
std::optional<std::string> lzf_compress(std::string_view in, size_t max_out);
/// `in` decompressed into exactly `out_len` bytes; nothing if malformed.
std::optional<std::string> lzf_decompress(std::string_view in, size_t out_len);

/// String encodings after a 0xC0 length byte (RDB_ENC_*).
constexpr unsigned char enc_int8 = 0;
constexpr unsigned char enc_int16 = 1;
constexpr unsigned char enc_int32 = 2;
constexpr unsigned char enc_lzf = 3;

/// Appends an RDB length (6-bit, 14-bit, 32-bit or 64-bit form).
void put_len(std::string& out, uint64_t len);
/// Appends `s` as rdbSaveRawString does: a 32-bit integer encoding for
/// short integer strings, LZF when `compress`, longer than 20 bytes and
/// saving at least 4 bytes, else length + bytes.
void put_string(std::string& out, std::string_view s, bool compress);
/// Appends `v` little endian in `bytes` bytes.
void put_le(std::string& out, uint64_t v, int bytes);
/// A double as RDB_TYPE_ZSET_2 stores it: 8 bytes, little endian.
void put_binary_double(std::string& out, double d);

} // namespace actis::persistence
