// FUNCTION DUMP / RESTORE payloads in Redis's format: each library's code as
// an RDB string (LZF-compressed when longer than 20 bytes and it pays off)
// after the FUNCTION2 opcode, then the RDB version (2 bytes, little endian)
// and the CRC64 (Jones, little endian) of everything before it.
// Plain C++.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace actis::scripting {

/// Redis's crc64 (Jones polynomial, reflected), continuing from `crc`.
uint64_t crc64(uint64_t crc, std::string_view data);

/// Redis's lzf_compress (liblzf 3.6 as Redis builds it); the compressed
/// bytes, or nothing when they would not fit in `max_out` bytes.
std::optional<std::string> lzf_compress(std::string_view in, size_t max_out);
/// lzf_decompress into exactly `out_len` bytes; nothing if malformed.
std::optional<std::string> lzf_decompress(std::string_view in, size_t out_len);

/// The DUMP payload of the libraries' codes, in the given order.
std::string dump_functions(const std::vector<std::string>& codes);

/// The library codes of a RESTORE payload, or Redis's error line.
std::optional<std::vector<std::string>> parse_function_payload(std::string_view payload,
                                                               std::string& error);

} // namespace actis::scripting
