// LZF, the byte format Redis compresses RDB strings, DUMP payloads and
// quicklist nodes with (liblzf's format). Plain C++, no CAF; thread-safe
// (each thread compresses with its own match table).
//
// A stream is a sequence of items, each starting with a control byte c:
//   c < 32        a literal run: the next c+1 bytes are copied as they are;
//   c >= 32       a back reference: length L = (c >> 5) + 2, and when
//                 c >> 5 is 7 one more byte follows that is added to L;
//                 then a byte o; the L bytes are copied from the output
//                 ((c & 31) << 8 | o) + 1 bytes back (an 8 KiB window; the
//                 source may overlap the bytes being written).
// The stream carries no length: the reader is told how long the output is.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace actis::datatypes::lzf {

/// Compresses `n` bytes at `src` into `dst`, writing at most `capacity`
/// bytes. Returns the compressed length, or 0 when the output would not fit
/// (or `n` is 0): the caller keeps the bytes uncompressed. Deterministic: the
/// same input always gives the same output.
size_t compress(const unsigned char* src, size_t n, unsigned char* dst, size_t capacity);

/// `src` compressed, or nullopt ("did not shrink") when the result would
/// take more than `dst_capacity` bytes.
std::optional<std::string> compress(std::string_view src, size_t dst_capacity);

/// Decompresses `n` bytes at `src` into `dst`, which holds exactly
/// `expected_len` bytes. False for a corrupt stream or one that does not
/// produce exactly `expected_len` bytes; never reads or writes out of range
/// (on failure `dst` holds garbage).
bool decompress(const unsigned char* src, size_t n, unsigned char* dst, size_t expected_len);

/// `src` decompressed to `expected_len` bytes, or nullopt if corrupt.
std::optional<std::string> decompress(std::string_view src, size_t expected_len);

} // namespace actis::datatypes::lzf
