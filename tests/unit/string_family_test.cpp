// Unit tests for the string and bitmap families: the pure bit and LCS
// algorithms against naive versions, and the handlers through the executor
// (replies, encodings, write-stream rewrites). Byte-exact agreement with
// redis-server is the differential suite's job.
#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

#include "commands/command.hpp"
#include "commands/executor.hpp"
#include "commands/families.hpp"
#include "datatypes/bitops.hpp"
#include "datatypes/lcs.hpp"

using namespace actis;
namespace bitops = actis::datatypes::bitops;

namespace {

std::string random_bytes(std::mt19937& rng, size_t max_len) {
  std::uniform_int_distribution<size_t> len(1, max_len);
  std::uniform_int_distribution<int> byte(0, 255), shape(0, 3);
  std::string s(len(rng), '\0');
  for (auto& c : s) {
    // Long runs of 0x00/0xff exercise the word-skipping paths.
    int k = shape(rng);
    c = static_cast<char>(k == 0 ? 0 : k == 1 ? 0xff : byte(rng));
  }
  return s;
}

uint64_t naive_count(const std::string& s, uint64_t first, uint64_t last) {
  uint64_t n = 0;
  for (uint64_t b = first; b <= last; ++b)
    n += bitops::get_bit(s, b);
  return n;
}

int64_t naive_find(const std::string& s, bool bit, uint64_t first, uint64_t last) {
  for (uint64_t b = first; b <= last; ++b)
    if (bitops::get_bit(s, b) == bit)
      return static_cast<int64_t>(b);
  return -1;
}

/// Runs commands against one in-memory partition, recording the write stream.
struct harness : commands::write_sink {
  commands::command_table table;
  commands::partition_data part{0, 16};
  std::vector<commands::partition_data*> parts{&part};
  std::vector<protocol::command_args> stream;

  harness() {
    commands::register_string_family(table);
    commands::register_bitmap_family(table);
  }
  void emit(int, protocol::command_args cmd) override { stream.push_back(std::move(cmd)); }

  std::string run(protocol::command_args argv, int now_ms = 1'000'000) {
    std::string out, error;
    protocol::reply_builder reply(out, 2);
    commands::keyspace ks(parts, 1, this, now_ms);
    const auto* spec = table.resolve(argv, error);
    if (spec == nullptr)
      return "-" + error + "\r\n";
    commands::execute(*spec, argv, reply, &ks, 0, nullptr);
    return out;
  }
  std::string encoding(const std::string& key) {
    auto* e = part.dbs[0].find(key);
    return e ? std::string(datatypes::encoding_name(e->val.encoding())) : "";
  }
};

} // namespace

TEST_CASE("bitops: count and find agree with a bit-by-bit scan") {
  std::mt19937 rng(42);
  for (int round = 0; round < 300; ++round) {
    std::string s = random_bytes(rng, 40);
    uint64_t bits = s.size() * 8;
    std::uniform_int_distribution<uint64_t> pos(0, bits - 1);
    uint64_t a = pos(rng), b = pos(rng);
    if (a > b)
      std::swap(a, b);
    CHECK(bitops::count(s, a, b) == naive_count(s, a, b));
    CHECK(bitops::find(s, true, a, b) == naive_find(s, true, a, b));
    CHECK(bitops::find(s, false, a, b) == naive_find(s, false, a, b));
  }
}

TEST_CASE("bitops: bits are numbered from the most significant bit") {
  std::string s(2, '\0');
  bitops::set_bit(s, 0, true);
  bitops::set_bit(s, 15, true);
  CHECK(static_cast<unsigned char>(s[0]) == 0x80);
  CHECK(static_cast<unsigned char>(s[1]) == 0x01);
  CHECK_FALSE(bitops::get_bit(s, 1000));
}

TEST_CASE("bitops: combine pads shorter sources with zero bytes") {
  using bitops::bitop_kind;
  CHECK(bitops::combine(bitop_kind::op_and, {"\xff\xff", "\x0f"}) == std::string("\x0f\x00", 2));
  CHECK(bitops::combine(bitop_kind::op_or, {"\x01", "\x10\x20"}) == "\x11\x20");
  CHECK(bitops::combine(bitop_kind::op_xor, {"ab", "ab"}) == std::string(2, '\0'));
  CHECK(bitops::combine(bitop_kind::op_not, {std::string_view("\x00\xf0", 2)}) == "\xff\x0f");
  CHECK(bitops::combine(bitop_kind::op_and, {"", ""}).empty());
}

TEST_CASE("bitops: fields read back what was written, sign-extended when signed") {
  std::string s(9, '\0');
  bitops::write_field(s, 3, 64, 0x8000000000000001ull);
  CHECK(bitops::read_unsigned(s, 3, 64) == 0x8000000000000001ull);
  bitops::write_field(s, 5, 4, 0xF);
  CHECK(bitops::read_signed(s, 5, 4) == -1);
  CHECK(bitops::read_unsigned(s, 5, 4) == 15);
  CHECK(bitops::read_unsigned("", 100, 8) == 0);
}

TEST_CASE("bitops: overflow checks") {
  using bitops::overflow_mode;
  auto u = bitops::check_unsigned(3, 1, 2, overflow_mode::wrap);
  CHECK(u.overflow);
  CHECK(u.replacement == 0);
  CHECK(bitops::check_unsigned(3, 1, 2, overflow_mode::sat).replacement == 3);
  CHECK(bitops::check_unsigned(0, -1, 8, overflow_mode::sat).replacement == 0);
  CHECK_FALSE(bitops::check_unsigned(254, 1, 8, overflow_mode::fail).overflow);
  // SET of -1 into u8 is judged as the huge unsigned value it reinterprets to.
  CHECK(bitops::check_unsigned(static_cast<uint64_t>(-1), 0, 8, overflow_mode::sat).replacement == 255);
  auto s = bitops::check_signed(127, 1, 8, overflow_mode::wrap);
  CHECK(s.overflow);
  CHECK(s.replacement == -128);
  CHECK(bitops::check_signed(-128, -1, 8, overflow_mode::sat).replacement == -128);
  CHECK(bitops::check_signed(INT64_MAX, 1, 64, overflow_mode::wrap).replacement == INT64_MIN);
  CHECK_FALSE(bitops::check_signed(-5, 3, 64, overflow_mode::fail).overflow);
  // Redis's quirk: a SET far below the range saturates to the maximum.
  CHECK(bitops::check_signed(INT64_MIN, 0, 8, overflow_mode::sat).replacement == 127);
}

TEST_CASE("lcs: the documented example and length-only agreement") {
  auto r = datatypes::lcs_compute("ohmytext", "mynewtext", true, 0);
  CHECK(r.common == "mytext");
  CHECK(r.length == 6);
  REQUIRE(r.matches.size() == 2);
  CHECK(r.matches[0].a_start == 4);
  CHECK(r.matches[0].a_end == 7);
  CHECK(r.matches[0].b_start == 5);
  CHECK(r.matches[0].b_end == 8);
  CHECK(r.matches[1].length() == 2);
  CHECK(datatypes::lcs_compute("ohmytext", "mynewtext", true, 4).matches.size() == 1);

  std::mt19937 rng(7);
  std::uniform_int_distribution<int> letter(0, 2), len(0, 30);
  for (int i = 0; i < 100; ++i) {
    std::string a(static_cast<size_t>(len(rng)), 'a'), b(static_cast<size_t>(len(rng)), 'a');
    for (auto& c : a)
      c = static_cast<char>('a' + letter(rng));
    for (auto& c : b)
      c = static_cast<char>('a' + letter(rng));
    auto full = datatypes::lcs_compute(a, b, false, 0);
    CHECK(datatypes::lcs_length(a, b) == full.length);
    CHECK(full.common.size() == full.length);
  }
}

TEST_CASE("string handlers: replies, encodings and rewrites") {
  harness h;
  CHECK(h.run({"SET", "k", "123"}) == "+OK\r\n");
  CHECK(h.encoding("k") == "int");
  CHECK(h.run({"APPEND", "k", "4"}) == ":4\r\n");
  CHECK(h.encoding("k") == "raw");
  CHECK(h.run({"INCR", "k"}) == ":1235\r\n");
  CHECK(h.encoding("k") == "int");
  CHECK(h.run({"INCRBYFLOAT", "k", "1"}) == "$4\r\n1236\r\n");
  CHECK(h.encoding("k") == "embstr");
  CHECK(h.run({"SET", "k", "v", "NX", "XX"}) == "-ERR syntax error\r\n");
  CHECK(h.run({"SET", "k", "v", "EX", "0"}) == "-ERR invalid expire time in 'set' command\r\n");
  CHECK(h.run({"DECRBY", "k", "-9223372036854775808"}) == "-ERR decrement would overflow\r\n");

  h.stream.clear();
  CHECK(h.run({"SET", "k", "v", "EX", "10", "GET"}, 5000) == "$4\r\n1236\r\n");
  REQUIRE(h.stream.size() == 1);
  CHECK(h.stream[0] == protocol::command_args{"SET", "k", "v", "PXAT", "15000"});
  CHECK(h.run({"SET", "k", "w", "KEEPTTL", "GET"}, 5000) == "$1\r\nv\r\n");
  CHECK(h.stream.back() == protocol::command_args{"SET", "k", "w", "KEEPTTL"});
  CHECK(h.run({"GETDEL", "k"}, 5000) == "$1\r\nw\r\n");
  CHECK(h.stream.back() == protocol::command_args{"DEL", "k"});
  CHECK(h.run({"MSET", "a", "1", "b"}) == "-ERR wrong number of arguments for 'mset' command\r\n");
  CHECK(h.run({"SETRANGE", "n", "0", ""}) == ":0\r\n");
  CHECK(h.part.dbs[0].find("n") == nullptr);
}

TEST_CASE("bitmap handlers: unchanged writes are not propagated") {
  harness h;
  CHECK(h.run({"SETBIT", "b", "7", "1"}) == ":0\r\n");
  CHECK(h.run({"SETBIT", "b", "7", "1"}) == ":1\r\n");
  CHECK(h.stream.size() == 1);
  CHECK(h.run({"BITFIELD", "f", "OVERFLOW", "FAIL", "INCRBY", "u8", "0", "300"}) == "*1\r\n$-1\r\n");
  CHECK(h.stream.size() == 1);
  CHECK(h.run({"BITFIELD", "f", "SET", "u8", "0", "7", "GET", "u4", "4"}) == "*2\r\n:0\r\n:7\r\n");
  CHECK(h.stream.size() == 2);
  CHECK(h.run({"BITFIELD_RO", "f", "SET", "u8", "0", "7"}) ==
        "-ERR BITFIELD_RO only supports the GET subcommand\r\n");
  CHECK(h.run({"BITPOS", "b", "0"}) == ":0\r\n");
  CHECK(h.run({"BITCOUNT", "b", "0", "-1", "BIT"}) == ":1\r\n");
  CHECK(h.run({"BITOP", "NOT", "d", "b", "f"}) ==
        "-ERR BITOP NOT must be called with a single source key.\r\n");
}
