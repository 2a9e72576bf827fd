// LZF: streams redis-server 7.0.15 wrote into dump.rdb decode to the
// original strings; random round trips; corrupt input is refused without
// reading or writing out of range.
#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

#include "datatypes/lzf.hpp"

namespace lzf = actis::datatypes::lzf;

namespace {

std::string unhex(std::string_view hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2)
    out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  return out;
}

std::string repeat(std::string_view s, size_t times) {
  std::string out;
  for (size_t i = 0; i < times; ++i)
    out += s;
  return out;
}

/// Inputs of several kinds: random bytes, a small alphabet, repeated words,
/// long runs.
std::string random_input(std::mt19937& rng, size_t n) {
  std::string out;
  out.reserve(n);
  switch (rng() % 4) {
    case 0:
      while (out.size() < n)
        out.push_back(static_cast<char>(rng()));
      break;
    case 1:
      while (out.size() < n)
        out.push_back(static_cast<char>('a' + rng() % 4));
      break;
    case 2: {
      const char* words[] = {"alpha", "beta", "gamma:", "delta-42", "item:1000", " "};
      while (out.size() < n)
        out += words[rng() % std::size(words)];
      out.resize(n);
      break;
    }
    default:
      while (out.size() < n)
        out.append(1 + rng() % 300, static_cast<char>(rng() % 3));
      out.resize(n);
  }
  return out;
}

} // namespace

TEST_CASE("lzf: decodes the streams redis-server writes in dump.rdb") {
  std::string c;
  for (int i = 0; i < 300; ++i)
    c.push_back(static_cast<char>('A' + (i * 7) % 26));
  c += std::string(40, 'x');
  struct vector {
    std::string original;
    std::string_view stream_hex;
  } vectors[] = {
      {repeat("hello world, hello world, hello world! ", 3),
       "0d68656c6c6f20776f726c642c2068e00e0c0021e01019e00433e01e26012120"},
      {std::string(58, 'a'), "016161e02d00016161"},
      {c, "1a41484f56434a5158454c535a474e5542495057444b5259464d5441e0ff19e1001d0078e01c00017878"},
      {repeat("abcdefghij", 100), "0a6162636465666768696a61e0ff09e1ff0de2ff11e2ba1101696a"},
  };
  for (const auto& v : vectors) {
    std::string stream = unhex(v.stream_hex);
    auto out = lzf::decompress(stream, v.original.size());
    REQUIRE(out.has_value());
    CHECK(*out == v.original);
    // The length is part of the contract: one byte more or less is refused.
    CHECK_FALSE(lzf::decompress(stream, v.original.size() + 1).has_value());
    CHECK_FALSE(lzf::decompress(stream, v.original.size() - 1).has_value());
    // Ours shrinks them too, and decodes back.
    auto mine = lzf::compress(v.original, v.original.size());
    REQUIRE(mine.has_value());
    CHECK(lzf::decompress(*mine, v.original.size()) == v.original);
  }
}

TEST_CASE("lzf: compress honours the capacity") {
  CHECK_FALSE(lzf::compress("", 100).has_value());
  // Incompressible bytes do not shrink.
  std::mt19937 rng(7);
  std::string noise;
  for (int i = 0; i < 1000; ++i)
    noise.push_back(static_cast<char>(rng()));
  CHECK_FALSE(lzf::compress(noise, noise.size()).has_value());
  // With room for the literal-run overhead (one byte per 32) they fit.
  auto wide = lzf::compress(noise, noise.size() + noise.size() / 32 + 1);
  REQUIRE(wide.has_value());
  CHECK(lzf::decompress(*wide, noise.size()) == noise);
  // A tight capacity is never exceeded: every limit either fails or fits.
  std::string text = repeat("the quick brown fox ", 20);
  auto best = lzf::compress(text, text.size());
  REQUIRE(best.has_value());
  for (size_t cap = 0; cap <= best->size() + 2; ++cap) {
    auto got = lzf::compress(text, cap);
    if (cap < best->size())
      CHECK_FALSE(got.has_value());
    else
      CHECK(got == best);
  }
}

TEST_CASE("lzf: random round trips") {
  std::mt19937 rng(1234);
  for (int round = 0; round < 600; ++round) {
    size_t n = round < 100 ? static_cast<size_t>(round) : rng() % 20000;
    std::string in = random_input(rng, n);
    auto out = lzf::compress(in, n + n / 32 + 1);
    if (n == 0) {
      CHECK_FALSE(out.has_value());
      continue;
    }
    REQUIRE(out.has_value());
    CHECK(lzf::compress(in, n + n / 32 + 1) == out);
    auto back = lzf::decompress(*out, n);
    REQUIRE(back.has_value());
    CHECK(*back == in);
  }
}

TEST_CASE("lzf: corrupt streams are refused safely") {
  std::mt19937 rng(99);
  // Hand-made bad streams.
  CHECK_FALSE(lzf::decompress(unhex("05616263"), 6).has_value());   // literal past the input
  CHECK_FALSE(lzf::decompress(unhex("0161612000"), 10).has_value()); // fine, but too short
  CHECK_FALSE(lzf::decompress(unhex("0161612002"), 5).has_value());  // reference before the start
  CHECK_FALSE(lzf::decompress(unhex("016161e0"), 20).has_value());   // truncated long reference
  CHECK_FALSE(lzf::decompress(unhex("016161"), 1).has_value());      // literal past the output
  CHECK(lzf::decompress(unhex("0161612001"), 5) == "aaaaa");        // an overlapping copy
  CHECK(lzf::decompress("", 0) == "");
  // Damaged real streams and pure noise: refused or decoded, never out of
  // range (the output buffer is exactly expected_len bytes).
  std::string text = repeat("list element number ", 50);
  auto good = lzf::compress(text, text.size());
  REQUIRE(good.has_value());
  for (int round = 0; round < 3000; ++round) {
    std::string bad = *good;
    switch (round % 3) {
      case 0: bad[rng() % bad.size()] = static_cast<char>(rng()); break;
      case 1: bad.resize(rng() % bad.size()); break;
      default:
        bad.resize(rng() % 64);
        for (char& ch : bad)
          ch = static_cast<char>(rng());
    }
    size_t expect = round % 2 == 0 ? text.size() : rng() % 2048;
    auto out = lzf::decompress(bad, expect);
    if (out)
      CHECK(out->size() == expect);
  }
}
