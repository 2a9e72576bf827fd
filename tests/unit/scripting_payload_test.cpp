// FUNCTION DUMP payload pieces: Redis's CRC64, LZF both ways, and the
// payload framing with its checksum.
#include <doctest/doctest.h>

#include <random>
#include <string>

#include "persistence/rdb_string.hpp"
#include "scripting/function_payload.hpp"

using namespace actis::scripting;
using actis::persistence::crc64;
using actis::persistence::lzf_compress;
using actis::persistence::lzf_decompress;

TEST_CASE("scripting payload: crc64 is Redis's (Jones, reflected)") {
  CHECK(crc64(0, "123456789") == 0xe9c6d914c4b8d9caULL);
  CHECK(crc64(0, "") == 0);
}

TEST_CASE("scripting payload: LZF round trips random and repetitive inputs") {
  std::mt19937 rng(7);
  for (int round = 0; round < 200; ++round) {
    std::string s;
    size_t len = 1 + rng() % 3000;
    int alphabet = 1 + static_cast<int>(rng() % 26);
    for (size_t i = 0; i < len; ++i)
      s.push_back(static_cast<char>('a' + rng() % alphabet));
    auto packed = lzf_compress(s, s.size() + 64);
    REQUIRE(packed);
    auto plain = lzf_decompress(*packed, s.size());
    REQUIRE(plain);
    CHECK(*plain == s);
  }
  CHECK(!lzf_compress("abcdefghijklmnopqrstuvwxyz", 10));
  CHECK(!lzf_decompress("\x05"
                        "ab",
                        3));
}

TEST_CASE("scripting payload: dump and parse agree, corruption is refused") {
  std::vector<std::string> codes{"#!lua name=a\nshort", std::string(500, 'x') + "tail"};
  auto payload = dump_functions(codes);
  std::string error;
  auto back = parse_function_payload(payload, error);
  REQUIRE(back);
  CHECK(*back == codes);
  payload[3] ^= 1;
  CHECK(!parse_function_payload(payload, error));
  CHECK(error == "ERR DUMP payload version or checksum are wrong");
}
