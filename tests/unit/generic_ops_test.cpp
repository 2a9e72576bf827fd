// The generic family's operations called directly on a keyspace: counts,
// renames and copies, expiry options and their outcomes, TTL queries, SCAN,
// OBJECT and flushing.
#include <doctest/doctest.h>

#include <algorithm>
#include <climits>
#include <string>
#include <vector>

#include "commands/generic_ops.hpp"
#include "ops_fixture.hpp"

using namespace actis::commands;
using ops_test::world;

TEST_CASE("generic ops: DEL, EXISTS, TOUCH and TYPE") {
  world w;
  w.put("a", "1");
  w.put("b", "2");
  w.put_list("l");
  std::vector<std::string> keys{"a", "a", "missing", "l"};
  CHECK(op_exists(w.ks, 0, keys) == 3);
  CHECK(op_touch(w.ks, 0, keys) == 3);
  CHECK(op_type(w.ks, 0, "a") == "string");
  CHECK(op_type(w.ks, 0, "l") == "list");
  CHECK(op_type(w.ks, 0, "missing") == "none");
  auto before = w.dirty();
  CHECK(op_del(w.ks, 0, keys) == 2);
  CHECK(w.dirty() == before + 2);
  CHECK(w.stored("a") == "<none>");
  CHECK(w.stored("b") == "2");
}

TEST_CASE("generic ops: RENAME and RENAMENX keep the value and its expire") {
  world w;
  w.put("src", "v");
  CHECK(op_expire(w.ks, 0, "src", world::start_ms + 5000, 0) == expire_outcome::set);
  auto r = op_rename(w.ks, 0, "src", "dst", false);
  REQUIRE(r.ok());
  CHECK(*r);
  CHECK(w.stored("src") == "<none>");
  CHECK(w.stored("dst") == "v");
  CHECK(w.expire_of("dst") == world::start_ms + 5000);
  CHECK(op_rename(w.ks, 0, "src", "x", false).status() == op_status::no_such_key);
  CHECK_FALSE(*op_rename(w.ks, 0, "dst", "dst", false));
  w.put("taken", "t");
  CHECK_FALSE(*op_rename(w.ks, 0, "dst", "taken", true));
  CHECK(w.stored("taken") == "t");
  CHECK(*op_rename(w.ks, 0, "dst", "taken", false));
  CHECK(w.stored("taken") == "v");
}

TEST_CASE("generic ops: COPY and MOVE") {
  world w;
  w.put("k", "v");
  CHECK(op_copy(w.ks, 0, "k", 0, "k", false).status() == op_status::same_object);
  CHECK(*op_copy(w.ks, 0, "k", 0, "c", false));
  CHECK(w.stored("c") == "v");
  w.put("k", "v2");
  CHECK_FALSE(*op_copy(w.ks, 0, "k", 0, "c", false));
  CHECK(*op_copy(w.ks, 0, "k", 0, "c", true));
  CHECK(w.stored("c") == "v2");
  CHECK(*op_copy(w.ks, 0, "k", 3, "k", false));
  CHECK(w.stored("k", 3) == "v2");
  CHECK_FALSE(*op_copy(w.ks, 0, "missing", 0, "c2", false));

  CHECK(op_move(w.ks, 0, "k", 0).status() == op_status::same_object);
  CHECK_FALSE(*op_move(w.ks, 0, "k", 3));  // taken in db 3
  CHECK(*op_move(w.ks, 0, "c", 5));
  CHECK(w.stored("c") == "<none>");
  CHECK(w.stored("c", 5) == "v2");
  CHECK_FALSE(*op_move(w.ks, 0, "missing", 5));
}

TEST_CASE("generic ops: SWAPDB, FLUSHDB, FLUSHALL") {
  world w;
  w.put("a", "0");
  w.put("b", "1", 1);
  CHECK(op_swapdb(w.ks, 0, 16).status() == op_status::db_index_out_of_range);
  CHECK(op_swapdb(w.ks, -1, 0).status() == op_status::db_index_out_of_range);
  CHECK_FALSE(*op_swapdb(w.ks, 2, 2));
  CHECK(*op_swapdb(w.ks, 0, 1));
  CHECK(w.stored("a", 1) == "0");
  CHECK(w.stored("b", 0) == "1");
  auto before = w.dirty();
  op_flushdb(w.ks, 0);
  CHECK(w.dirty() == before + 1);
  CHECK(w.stored("b") == "<none>");
  CHECK(w.stored("a", 1) == "0");
  w.put("z", "9", 7);
  op_flushall(w.ks);
  CHECK(w.stored("a", 1) == "<none>");
  CHECK(w.stored("z", 7) == "<none>");
}

TEST_CASE("generic ops: expire times and EXPIRE's conditions") {
  const int64_t now = world::start_ms;
  CHECK(*expire_time("10", now, true) == now + 10'000);
  CHECK(*expire_time("10", 0, false) == 10);
  CHECK(*expire_time("-5", 0, true) == -5000);
  CHECK(expire_time("x", now, true).status() == op_status::not_integer);
  CHECK(expire_time("9223372036854775807", 0, true).status() == op_status::invalid_expire);
  CHECK(expire_time("9223372036854775807", now, false).status() == op_status::invalid_expire);

  world w;
  CHECK(op_expire(w.ks, 0, "missing", now + 1000, 0) == expire_outcome::unchanged);
  w.put("k", "v");
  CHECK(op_expire(w.ks, 0, "k", now + 1000, expire_xx) == expire_outcome::unchanged);
  CHECK(op_expire(w.ks, 0, "k", now + 1000, expire_gt) == expire_outcome::unchanged);
  CHECK(op_expire(w.ks, 0, "k", now + 1000, expire_nx) == expire_outcome::set);
  CHECK(op_expire(w.ks, 0, "k", now + 2000, expire_nx) == expire_outcome::unchanged);
  CHECK(op_expire(w.ks, 0, "k", now + 500, expire_gt) == expire_outcome::unchanged);
  CHECK(op_expire(w.ks, 0, "k", now + 2000, expire_gt | expire_xx) == expire_outcome::set);
  CHECK(op_expire(w.ks, 0, "k", now + 3000, expire_lt) == expire_outcome::unchanged);
  CHECK(op_expire(w.ks, 0, "k", now + 1500, expire_lt) == expire_outcome::set);
  CHECK(w.expire_of("k") == now + 1500);
  // No expire counts as infinite: LT always applies.
  w.put("p", "v");
  CHECK(op_expire(w.ks, 0, "p", now + 1500, expire_lt) == expire_outcome::set);
  CHECK(op_expire(w.ks, 0, "k", now, 0) == expire_outcome::deleted);
  CHECK(w.stored("k") == "<none>");
}

TEST_CASE("generic ops: TTL family and PERSIST") {
  const int64_t now = world::start_ms;
  world w;
  CHECK(op_ttl(w.ks, 0, "missing", {}) == -2);
  w.put("k", "v");
  CHECK(op_ttl(w.ks, 0, "k", {}) == -1);
  op_expire(w.ks, 0, "k", now + 1500, 0);
  CHECK(op_ttl(w.ks, 0, "k", {}) == 2);  // rounded half up
  CHECK(op_ttl(w.ks, 0, "k", {.millis = true}) == 1500);
  CHECK(op_ttl(w.ks, 0, "k", {.millis = true, .absolute = true}) == now + 1500);
  CHECK(op_ttl(w.ks, 0, "k", {.millis = false, .absolute = true}) == (now + 1500) / 1000 + 1);
  CHECK(op_persist(w.ks, 0, "k"));
  CHECK_FALSE(op_persist(w.ks, 0, "k"));
  CHECK_FALSE(op_persist(w.ks, 0, "missing"));
  CHECK(op_ttl(w.ks, 0, "k", {}) == -1);
}

TEST_CASE("generic ops: KEYS, SCAN and RANDOMKEY skip expired keys") {
  world w;
  CHECK(op_randomkey(w.ks, 0).status() == op_status::nil);
  for (int i = 0; i < 50; ++i)
    w.put("key:" + std::to_string(i), "v");
  w.put_list("list");
  w.put("gone", "v");
  op_expire(w.ks, 0, "gone", world::start_ms + 10, 0);
  w.ks.set_now_ms(world::start_ms + 20);
  auto all = op_keys(w.ks, 0, "*");
  CHECK(all.size() == 51);
  CHECK(op_keys(w.ks, 0, "key:1?").size() == 10);

  std::vector<std::string> scanned;
  uint64_t cursor = 0;
  scan_options opt;
  opt.count = 7;
  opt.pattern = "key:*";
  do {
    auto page = op_scan(w.ks, 0, cursor, opt);
    scanned.insert(scanned.end(), page.keys.begin(), page.keys.end());
    cursor = page.next_cursor;
  } while (cursor != 0);
  std::sort(scanned.begin(), scanned.end());
  scanned.erase(std::unique(scanned.begin(), scanned.end()), scanned.end());
  CHECK(scanned.size() == 50);
  scan_options lists;
  lists.count = 1000;
  lists.type = "LIST";
  auto page = op_scan(w.ks, 0, 0, lists);
  REQUIRE(page.keys.size() == 1);
  CHECK(page.keys[0] == "list");
  auto random = op_randomkey(w.ks, 0);
  REQUIRE(random.ok());
  CHECK(*random != "gone");
}

TEST_CASE("generic ops: OBJECT subcommands") {
  world w;
  w.put("n", "123");
  w.put("s", "hello");
  CHECK(op_object_encoding(w.ks, 0, "n").value() == "int");
  CHECK(op_object_encoding(w.ks, 0, "s").value() == "embstr");
  CHECK(op_object_encoding(w.ks, 0, "missing").status() == op_status::nil);
  CHECK(*op_object_refcount(w.ks, 0, "n") == INT_MAX);
  CHECK(*op_object_refcount(w.ks, 0, "s") == 1);
  CHECK(op_object_refcount(w.ks, 0, "missing").status() == op_status::nil);
  CHECK(*op_object_idletime(w.ks, 0, "s") >= 0);
  CHECK(op_object_idletime(w.ks, 0, "missing").status() == op_status::nil);
  // The default maxmemory-policy is not an LFU one.
  CHECK(op_object_freq(w.ks, 0, "s").status() == op_status::lfu_not_selected);
}
