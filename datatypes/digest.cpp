#include "datatypes/digest.hpp"

// SHA1_Init and friends are deprecated in OpenSSL 3 in favour of EVP; they
// remain supported and are what keeps the static link small.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>

namespace actis::datatypes {

namespace {

// SHA-1 from libcrypto, linked statically (CMakeLists.txt). The low-level
// SHA1_* calls pull in only the SHA code; the one-shot SHA1() goes through
// OpenSSL 3's EVP and provider machinery, which is megabytes of code.
void sha1(const unsigned char* data, size_t len, unsigned char out[digest_size]) {
  static_assert(digest_size == SHA_DIGEST_LENGTH);
  SHA_CTX ctx;
  SHA1_Init(&ctx);
  SHA1_Update(&ctx, data, len);
  SHA1_Final(out, &ctx);
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
