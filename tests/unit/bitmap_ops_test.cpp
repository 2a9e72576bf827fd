// The bitmap family's operations called directly on a keyspace: bits,
// counting and searching ranges, BITOP and BITFIELD's overflow modes.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "commands/bitmap_ops.hpp"
#include "commands/string_ops.hpp"
#include "ops_fixture.hpp"

using namespace actis::commands;
using actis::datatypes::bitops::bitop_kind;
using actis::datatypes::bitops::overflow_mode;
using ops_test::world;

TEST_CASE("bitmap ops: SETBIT and GETBIT") {
  world w;
  CHECK(*op_getbit(w.ks, 0, "b", 7) == 0);
  CHECK(*op_setbit(w.ks, 0, "b", 7, true) == 0);
  CHECK(w.stored("b") == "\x01");
  CHECK(*op_setbit(w.ks, 0, "b", 7, true) == 1);
  CHECK(*op_getbit(w.ks, 0, "b", 7) == 1);
  CHECK(*op_getbit(w.ks, 0, "b", 1000) == 0);
  CHECK(*op_setbit(w.ks, 0, "b", 15, false) == 0);
  CHECK(w.stored("b") == std::string("\x01\x00", 2));
  // Rewriting a bit with its own value is no change.
  auto before = w.dirty();
  op_setbit(w.ks, 0, "b", 7, true);
  CHECK(w.dirty() == before);
  w.put_list("l");
  CHECK(op_setbit(w.ks, 0, "l", 0, true).status() == op_status::wrong_type);
  CHECK(op_getbit(w.ks, 0, "l", 0).status() == op_status::wrong_type);
}

TEST_CASE("bitmap ops: reading, counting and finding bits") {
  world w;
  w.put("s", "foobar");
  CHECK(op_get(w.ks, 0, "missing").status() == op_status::nil);
  w.put_list("l");
  CHECK(op_get(w.ks, 0, "l").status() == op_status::wrong_type);
  auto bits = op_get(w.ks, 0, "s");
  REQUIRE(bits.ok());
  std::string_view s = bits->view();
  CHECK(count_bits(s, std::nullopt) == 26);
  CHECK(count_bits(s, bit_range_arg{0, 0}) == 4);
  CHECK(count_bits(s, bit_range_arg{1, 1}) == 6);
  CHECK(count_bits(s, bit_range_arg{5, 30, true}) == 17);
  CHECK(count_bits(s, bit_range_arg{-1, -2}) == 0);
  CHECK(count_bits(s, bit_range_arg{4, 2}) == 0);

  std::string zeros("\xff\xf0\x00", 3);
  CHECK(find_bit(zeros, false, std::nullopt) == 12);
  CHECK(find_bit(zeros, true, bit_range_arg{2, std::nullopt}) == -1);
  std::string ones("\xff\xff\xff", 3);
  // Without an end the string is zero-padded on the right ...
  CHECK(find_bit(ones, false, std::nullopt) == 24);
  CHECK(find_bit(ones, false, bit_range_arg{1, std::nullopt}) == 24);
  // ... with one it is not.
  CHECK(find_bit(ones, false, bit_range_arg{0, -1}) == -1);
  CHECK(find_bit(zeros, false, bit_range_arg{7, 15, true}) == 12);
}

TEST_CASE("bitmap ops: BITOP") {
  world w;
  w.put("a", "\xf0");
  w.put("b", std::string("\x0f\xff", 2));
  std::vector<std::string> ab{"a", "b"};
  CHECK(*op_bitop(w.ks, 0, bitop_kind::op_or, "d", ab) == 2);
  CHECK(w.stored("d") == "\xff\xff");
  CHECK(*op_bitop(w.ks, 0, bitop_kind::op_and, "d", ab) == 2);
  CHECK(w.stored("d") == std::string("\x00\x00", 2));
  std::vector<std::string> a{"a"};
  CHECK(*op_bitop(w.ks, 0, bitop_kind::op_not, "d", a) == 1);
  CHECK(w.stored("d") == "\x0f");
  // An empty result deletes the destination.
  std::vector<std::string> none{"missing"};
  CHECK(*op_bitop(w.ks, 0, bitop_kind::op_xor, "d", none) == 0);
  CHECK(w.stored("d") == "<none>");
  w.put_list("l");
  std::vector<std::string> with_list{"a", "l"};
  CHECK(op_bitop(w.ks, 0, bitop_kind::op_or, "d", with_list).status() == op_status::wrong_type);
}

TEST_CASE("bitmap ops: BITFIELD gets, sets and increments with overflow modes") {
  world w;
  field_op get_u8{.kind = field_op::get, .is_signed = false, .bits = 8};
  std::vector<field_op> read{get_u8};
  auto empty = op_bitfield(w.ks, 0, "f", read);
  REQUIRE(empty.ok());
  CHECK(empty->at(0) == 0);
  CHECK(w.stored("f") == "<none>");

  field_op set_i8{.kind = field_op::set, .is_signed = true, .bits = 8, .offset = 8, .arg = -3};
  field_op incr_u4{.kind = field_op::incrby, .is_signed = false, .bits = 4, .arg = 18};
  field_op get_i8 = set_i8;
  get_i8.kind = field_op::get;
  std::vector<field_op> writes{set_i8, incr_u4, get_i8};
  auto r = op_bitfield(w.ks, 0, "f", writes);
  REQUIRE(r.ok());
  CHECK(r->at(0) == 0);   // previous value
  CHECK(r->at(1) == 2);   // 18 wraps in 4 bits
  CHECK(r->at(2) == -3);

  field_op sat = incr_u4;
  sat.mode = overflow_mode::sat;
  field_op fail = incr_u4;
  fail.mode = overflow_mode::fail;
  std::vector<field_op> modes{sat, fail};
  auto m = op_bitfield(w.ks, 0, "f", modes);
  CHECK(m->at(0) == 15);
  CHECK_FALSE(m->at(1));  // refused: nothing stored

  w.put_list("l");
  CHECK(op_bitfield(w.ks, 0, "l", read).status() == op_status::wrong_type);
  CHECK(op_bitfield(w.ks, 0, "l", writes).status() == op_status::wrong_type);
}

TEST_CASE("bitmap ops: BITFIELD counts each stored change, refused writes none") {
  world w;
  field_op fail{.kind = field_op::incrby, .is_signed = false, .bits = 2,
                .mode = overflow_mode::fail, .arg = 8};
  std::vector<field_op> refused{fail};
  auto before = w.dirty();
  op_bitfield(w.ks, 0, "f", refused);
  CHECK(w.dirty() == before);
  field_op set1{.kind = field_op::set, .bits = 8, .arg = 1};
  field_op set2 = set1;
  set2.offset = 8;
  std::vector<field_op> two{set1, set2};
  op_bitfield(w.ks, 0, "f", two);
  CHECK(w.dirty() == before + 2);
}
