// The string family's operations called directly on a keyspace: values,
// nil, wrong type, number errors, overflow and expiry options.
#include <doctest/doctest.h>

#include <climits>
#include <string>
#include <vector>

#include "commands/string_ops.hpp"
#include "ops_fixture.hpp"

using namespace actis::commands;
using ops_test::world;

TEST_CASE("string ops: GET returns a view, nil when missing, wrong_type for collections") {
  world w;
  w.put("s", "hello");
  w.put("n", "-9223372036854775808");
  w.put_list("l");
  auto s = op_get(w.ks, 0, "s");
  REQUIRE(s.ok());
  CHECK(s->view() == "hello");
  // Int-encoded: the digits are rendered, 20 of them.
  auto n = op_get(w.ks, 0, "n");
  REQUIRE(n.ok());
  CHECK(n->view() == "-9223372036854775808");
  CHECK(op_get(w.ks, 0, "missing").status() == op_status::nil);
  CHECK(op_get(w.ks, 0, "l").status() == op_status::wrong_type);
  CHECK(op_get(w.ks, 1, "s").status() == op_status::nil);
}

TEST_CASE("string ops: SET conditions, GET option and expiry") {
  world w;
  set_options plain;
  auto r = op_set(w.ks, 0, "k", "v1", plain);
  REQUIRE(r.ok());
  CHECK(r->stored);
  CHECK_FALSE(r->old);
  CHECK(w.stored("k") == "v1");

  set_options nx;
  nx.condition = set_condition::if_absent;
  CHECK_FALSE(op_set(w.ks, 0, "k", "v2", nx)->stored);
  CHECK(w.stored("k") == "v1");
  set_options xx;
  xx.condition = set_condition::if_present;
  CHECK_FALSE(op_set(w.ks, 0, "absent", "v", xx)->stored);
  CHECK(w.stored("absent") == "<none>");

  set_options get;
  get.get = true;
  auto replaced = op_set(w.ks, 0, "k", "v3", get);
  REQUIRE(replaced.ok());
  REQUIRE(replaced->old);
  // The old value was taken out of the keyspace: still readable after the write.
  CHECK(replaced->old->view() == "v1");
  CHECK(w.stored("k") == "v3");
  get.condition = set_condition::if_absent;
  auto kept = op_set(w.ks, 0, "k", "v4", get);
  CHECK_FALSE(kept->stored);
  CHECK(kept->old->view() == "v3");

  w.put_list("l");
  CHECK(op_set(w.ks, 0, "l", "x", get).status() == op_status::wrong_type);
  // Without GET a SET replaces any type.
  CHECK(op_set(w.ks, 0, "l", "x", plain)->stored);
  CHECK(w.stored("l") == "x");
}

TEST_CASE("string ops: SET expire options become absolute times") {
  world w;
  const int64_t now = world::start_ms;
  set_options ex;
  ex.expire = {expire_kind::ex, "10"};
  auto r = op_set(w.ks, 0, "k", "v", ex);
  REQUIRE(r.ok());
  CHECK(r->expire_at_ms == now + 10'000);
  CHECK(w.expire_of("k") == now + 10'000);
  set_options px;
  px.expire = {expire_kind::px, "5"};
  CHECK(op_set(w.ks, 0, "k", "v", px)->expire_at_ms == now + 5);
  set_options pxat;
  pxat.expire = {expire_kind::pxat, "123456"};
  CHECK(op_set(w.ks, 0, "k", "v", pxat)->expire_at_ms == 123456);
  set_options exat;
  exat.expire = {expire_kind::exat, "7"};
  CHECK(op_set(w.ks, 0, "k2", "v", exat)->expire_at_ms == 7000);

  set_options keep;
  keep.keep_ttl = true;
  op_set(w.ks, 0, "k", "v", px);
  op_set(w.ks, 0, "k", "w", keep);
  CHECK(w.expire_of("k") == now + 5);
  op_set(w.ks, 0, "k", "w", set_options{});
  CHECK(w.expire_of("k") == -1);

  set_options bad = ex;
  bad.expire.time = "ten";
  CHECK(op_set(w.ks, 0, "k", "v", bad).status() == op_status::not_integer);
  bad.expire.time = "0";
  CHECK(op_set(w.ks, 0, "k", "v", bad).status() == op_status::invalid_expire);
  bad.expire.time = "9223372036854775";
  CHECK(op_set(w.ks, 0, "k", "v", bad).status() == op_status::invalid_expire);
  // An invalid expire fails before the key is looked at.
  w.put_list("l");
  set_options bad_get = bad;
  bad_get.get = true;
  CHECK(op_set(w.ks, 0, "l", "v", bad_get).status() == op_status::invalid_expire);
}

TEST_CASE("string ops: MSET, MSETNX and MGET") {
  world w;
  std::vector<std::string> pairs{"a", "1", "b", "2"};
  CHECK(op_mset(w.ks, 0, pairs, false));
  std::vector<std::string> more{"c", "3", "a", "9"};
  CHECK_FALSE(op_mset(w.ks, 0, more, true));
  CHECK(w.stored("c") == "<none>");
  w.put_list("l");
  std::vector<std::string> keys{"a", "missing", "l", "b"};
  auto got = op_mget(w.ks, 0, keys);
  REQUIRE(got.size() == 4);
  CHECK(got[0]->view() == "1");
  CHECK_FALSE(got[1]);
  CHECK_FALSE(got[2]);
  CHECK(got[3]->view() == "2");
}

TEST_CASE("string ops: GETDEL and GETEX") {
  world w;
  const int64_t now = world::start_ms;
  w.put("k", "v");
  auto taken = op_getdel(w.ks, 0, "k");
  REQUIRE(taken.ok());
  CHECK(taken->view() == "v");
  CHECK(w.stored("k") == "<none>");
  CHECK(op_getdel(w.ks, 0, "k").status() == op_status::nil);
  w.put_list("l");
  CHECK(op_getdel(w.ks, 0, "l").status() == op_status::wrong_type);

  w.put("k", "v");
  getex_options ex;
  ex.expire = {expire_kind::px, "100"};
  auto r = op_getex(w.ks, 0, "k", ex);
  REQUIRE(r.ok());
  CHECK(r->value.view() == "v");
  CHECK(r->change == ttl_change::expire_set);
  CHECK(r->expire_at_ms == now + 100);
  getex_options persist;
  persist.persist = true;
  CHECK(op_getex(w.ks, 0, "k", persist)->change == ttl_change::persisted);
  CHECK(op_getex(w.ks, 0, "k", persist)->change == ttl_change::none);
  CHECK(w.expire_of("k") == -1);
  getex_options past;
  past.expire = {expire_kind::pxat, "1"};
  auto deleted = op_getex(w.ks, 0, "k", past);
  CHECK(deleted->change == ttl_change::deleted);
  CHECK(deleted->value.view() == "v");
  CHECK(w.stored("k") == "<none>");
  // A missing key is nil before the expire argument is checked.
  getex_options bad;
  bad.expire = {expire_kind::ex, "x"};
  CHECK(op_getex(w.ks, 0, "k", bad).status() == op_status::nil);
  w.put("k", "v");
  CHECK(op_getex(w.ks, 0, "k", bad).status() == op_status::not_integer);
  CHECK(op_getex(w.ks, 0, "l", bad).status() == op_status::wrong_type);
}

TEST_CASE("string ops: STRLEN, APPEND, GETRANGE, SETRANGE") {
  world w;
  CHECK(*op_strlen(w.ks, 0, "k") == 0);
  CHECK(*op_append(w.ks, 0, "k", "hello") == 5);
  CHECK(*op_append(w.ks, 0, "k", " world") == 11);
  CHECK(*op_strlen(w.ks, 0, "k") == 11);
  CHECK(op_getrange(w.ks, 0, "k", 0, 4)->view() == "hello");
  CHECK(op_getrange(w.ks, 0, "k", -5, -1)->view() == "world");
  CHECK(op_getrange(w.ks, 0, "k", -1, -5)->view().empty());
  CHECK(op_getrange(w.ks, 0, "k", 5, 1000)->view() == " world");
  CHECK(op_getrange(w.ks, 0, "missing", 0, -1)->view().empty());
  CHECK(*op_setrange(w.ks, 0, "k", 6, "WORLD") == 11);
  CHECK(w.stored("k") == "hello WORLD");
  CHECK(*op_setrange(w.ks, 0, "pad", 3, "x") == 4);
  CHECK(w.stored("pad") == std::string("\0\0\0x", 4));
  CHECK(*op_setrange(w.ks, 0, "none", 10, "") == 0);
  CHECK(w.stored("none") == "<none>");
  CHECK(op_setrange(w.ks, 0, "k", -1, "x").status() == op_status::offset_out_of_range);
  CHECK(op_setrange(w.ks, 0, "k", 600'000'000, "x").status() == op_status::string_too_long);
  w.put_list("l");
  CHECK(op_strlen(w.ks, 0, "l").status() == op_status::wrong_type);
  CHECK(op_append(w.ks, 0, "l", "x").status() == op_status::wrong_type);
  CHECK(op_getrange(w.ks, 0, "l", 0, 1).status() == op_status::wrong_type);
  CHECK(op_setrange(w.ks, 0, "l", 0, "x").status() == op_status::wrong_type);
}

TEST_CASE("string ops: INCRBY and INCRBYFLOAT") {
  world w;
  CHECK(*op_incrby(w.ks, 0, "n", 1) == 1);
  CHECK(*op_incrby(w.ks, 0, "n", -11) == -10);
  CHECK(w.stored("n") == "-10");
  w.put("max", "9223372036854775807");
  CHECK(op_incrby(w.ks, 0, "max", 1).status() == op_status::overflow);
  CHECK(w.stored("max") == "9223372036854775807");
  w.put("text", "abc");
  CHECK(op_incrby(w.ks, 0, "text", 1).status() == op_status::not_integer);
  w.put_list("l");
  CHECK(op_incrby(w.ks, 0, "l", 1).status() == op_status::wrong_type);
  // The TTL survives.
  set_options ex;
  ex.expire = {expire_kind::ex, "100"};
  op_set(w.ks, 0, "t", "5", ex);
  CHECK(*op_incrby(w.ks, 0, "t", 2) == 7);
  CHECK(w.expire_of("t") == world::start_ms + 100'000);

  CHECK(*op_incrbyfloat(w.ks, 0, "f", "1.5") == "1.5");
  CHECK(*op_incrbyfloat(w.ks, 0, "f", "-0.5") == "1");
  CHECK(op_incrbyfloat(w.ks, 0, "f", "x").status() == op_status::not_float);
  CHECK(op_incrbyfloat(w.ks, 0, "text", "1").status() == op_status::not_float);
  CHECK(op_incrbyfloat(w.ks, 0, "f", "inf").status() == op_status::nan_or_inf);
  // The type is checked before the increment is parsed.
  CHECK(op_incrbyfloat(w.ks, 0, "l", "x").status() == op_status::wrong_type);
}

TEST_CASE("string ops: each write counts one change, a refused one none") {
  world w;
  auto before = w.dirty();
  op_incrby(w.ks, 0, "n", 1);
  CHECK(w.dirty() == before + 1);
  set_options ex;
  ex.expire = {expire_kind::ex, "10"};
  op_set(w.ks, 0, "k", "v", ex);
  CHECK(w.dirty() == before + 2);
  set_options nx;
  nx.condition = set_condition::if_absent;
  op_set(w.ks, 0, "k", "v", nx);
  op_incrby(w.ks, 0, "k", 1);
  CHECK(w.dirty() == before + 2);
}

TEST_CASE("string ops: LCS reads, then computes") {
  world w;
  w.put("a", "ohmytext");
  w.put("b", "mynewtext");
  auto strings = op_lcs_read(w.ks, 0, "a", "b");
  REQUIRE(strings.ok());
  CHECK(op_lcs(*strings, {})->common == "mytext");
  lcs_options len;
  len.len = true;
  CHECK(op_lcs(*strings, len)->length == 6);
  lcs_options idx;
  idx.idx = true;
  idx.min_match_len = 4;
  auto matches = op_lcs(*strings, idx);
  REQUIRE(matches->matches.size() == 1);
  CHECK(matches->matches[0].length() == 4);
  auto missing = op_lcs_read(w.ks, 0, "a", "nothing");
  CHECK(op_lcs(*missing, {})->common.empty());
  w.put_list("l");
  CHECK(op_lcs_read(w.ks, 0, "a", "l").status() == op_status::lcs_not_strings);
}
