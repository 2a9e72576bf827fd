// Building blocks for DEBUG DIGEST / DEBUG DIGEST-VALUE: order-independent
// (xor) and order-dependent (mix) SHA1 accumulation, as Redis composes them.
// Plain C++.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace actis::datatypes {

constexpr size_t digest_size = 20;

/// digest ^= SHA1(data): combining with xor makes the result independent of
/// the order in which elements are added (keys of a db, members of a set).
void xor_digest(unsigned char digest[digest_size], const void* data, size_t len);
/// digest = SHA1(digest ^ SHA1(data)): the result depends on order (the
/// elements of a list, a key followed by its value).
void mix_digest(unsigned char digest[digest_size], const void* data, size_t len);

inline void xor_digest(unsigned char digest[digest_size], std::string_view s) {
  xor_digest(digest, s.data(), s.size());
}
inline void mix_digest(unsigned char digest[digest_size], std::string_view s) {
  mix_digest(digest, s.data(), s.size());
}

/// 40 lowercase hex characters; all zeros for an untouched (empty) digest.
std::string digest_hex(const unsigned char digest[digest_size]);

} // namespace actis::datatypes
