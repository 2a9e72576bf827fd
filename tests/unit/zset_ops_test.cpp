// The sorted set operations called directly on a keyspace: ZADD option
// semantics, ranges, pops, stores, set operations, wrong type, and the
// keyspace events each write records (recorded from redis-server 7.0.15
// with notify-keyspace-events KEA).
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <set>
#include <string>
#include <vector>

#include "commands/set_ops.hpp"
#include "commands/zset_ops.hpp"
#include "config/config.hpp"
#include "ops_fixture.hpp"

using namespace actis::commands;
using actis::datatypes::lex_bound;
using actis::datatypes::score_range;
using ops_test::world;

namespace {

struct recording_sink : keyspace_event_sink {
  std::vector<std::string> events;
  void publish(int, std::string_view, std::string_view name, int) override {
    events.emplace_back(name);
  }
};

struct events_on {
  events_on() { set("KEA"); }
  ~events_on() { set(""); }
  static void set(const std::string& flags) {
    CHECK(actis::config::registry::instance().set({{"notify-keyspace-events", flags}}) == "");
  }
};

std::vector<zadd_element> elements(std::initializer_list<std::pair<double, const char*>> l) {
  std::vector<zadd_element> out;
  for (auto& [s, m] : l)
    out.push_back({s, m});
  return out;
}

std::vector<std::string> members(const std::vector<scored_member>& v) {
  std::vector<std::string> out;
  for (auto& m : v)
    out.push_back(m.member);
  return out;
}

} // namespace

TEST_CASE("zset ops: ZADD options follow Redis's zsetAdd") {
  world w;
  zadd_options plain;
  auto r = op_zadd(w.ks, 0, "z", plain, elements({{1, "a"}, {2, "b"}, {1, "a"}}));
  REQUIRE(r.ok());
  CHECK(r->added == 2);
  CHECK(r->updated == 0);
  zadd_options nx{.nx = true};
  r = op_zadd(w.ks, 0, "z", nx, elements({{5, "a"}, {3, "c"}}));
  CHECK(r->added == 1);
  CHECK(*op_zscore(w.ks, 0, "z", "a") == 1);
  zadd_options xx{.xx = true};
  r = op_zadd(w.ks, 0, "z", xx, elements({{7, "a"}, {3, "new"}}));
  CHECK(r->added == 0);
  CHECK(r->updated == 1);
  CHECK(op_zscore(w.ks, 0, "z", "new").status() == op_status::nil);
  zadd_options gt{.gt = true};
  r = op_zadd(w.ks, 0, "z", gt, elements({{6, "a"}, {8, "b"}, {0, "gtnew"}}));
  CHECK(r->updated == 1);
  CHECK(r->added == 1);
  CHECK(*op_zscore(w.ks, 0, "z", "a") == 7);
  zadd_options lt_incr{.lt = true, .incr = true};
  r = op_zadd(w.ks, 0, "z", lt_incr, elements({{1, "a"}}));
  CHECK_FALSE(r->incr_score.has_value());
  r = op_zadd(w.ks, 0, "z", lt_incr, elements({{-1, "a"}}));
  CHECK(*r->incr_score == 6);
  // XX on a missing key creates nothing.
  r = op_zadd(w.ks, 0, "none", xx, elements({{1, "a"}}));
  CHECK(r->added == 0);
  CHECK(w.stored("none") == "<none>");
  // inf + -inf is NaN: refused, nothing changed.
  zadd_options incr{.incr = true};
  op_zadd(w.ks, 0, "inf", plain, elements({{INFINITY, "m"}}));
  CHECK(op_zadd(w.ks, 0, "inf", incr, elements({{-INFINITY, "m"}})).status() ==
        op_status::score_nan);
  CHECK(std::isinf(*op_zscore(w.ks, 0, "inf", "m")));
  w.put_list("l");
  CHECK(op_zadd(w.ks, 0, "l", plain, elements({{1, "a"}})).status() == op_status::wrong_type);
  CHECK(op_zscore(w.ks, 0, "l", "a").status() == op_status::wrong_type);
  CHECK(op_zrange_by_score(w.ks, 0, "l", {}).status() == op_status::wrong_type);
  CHECK(op_zset_pop(w.ks, 0, "l", false, 1).status() == op_status::wrong_type);
}

TEST_CASE("zset ops: ranges by rank, score and lex, forward and reverse") {
  world w;
  op_zadd(w.ks, 0, "z", {},
          elements({{1, "a"}, {2, "b"}, {3, "c"}, {4, "d"}, {5, "e"}, {5, "f"}}));
  auto by_score = op_zrange_by_score(w.ks, 0, "z", score_range{2, 5, true, false});
  CHECK(members(*by_score) == std::vector<std::string>{"c", "d", "e", "f"});
  by_score = op_zrange_by_score(w.ks, 0, "z", score_range{2, 5}, true, 1, 2);
  CHECK(members(*by_score) == std::vector<std::string>{"e", "d"});
  by_score = op_zrange_by_score(w.ks, 0, "z", score_range{2, 5, false, true}, false, -1);
  CHECK(by_score->empty());
  CHECK(op_zrange_by_score(w.ks, 0, "missing", {})->empty());
  zrange_spec rank;
  rank.start = -2;
  rank.reverse = true;
  CHECK(members(*op_zrange(w.ks, 0, "z", rank)) == std::vector<std::string>{"b", "a"});
  zrange_spec lex;
  lex.kind = zrange_spec::by::lex;
  lex.lex = {{lex_bound::kind::exclusive, "b"}, {lex_bound::kind::inclusive, "d"}};
  CHECK(members(*op_zrange(w.ks, 0, "z", lex)) == std::vector<std::string>{"c", "d"});
  CHECK(*op_zcount(w.ks, 0, "z", score_range{5, 5}) == 2);
  CHECK(op_zrank(w.ks, 0, "z", "f", true)->rank == 0);
  CHECK(op_zrank(w.ks, 0, "z", "x", false).status() == op_status::nil);
}

TEST_CASE("zset ops: pops, removal and stores delete emptied keys") {
  world w;
  op_zadd(w.ks, 0, "z", {}, elements({{1, "a"}, {2, "b"}, {3, "c"}}));
  auto popped = op_zset_pop(w.ks, 0, "z", true, 2);
  CHECK(members(*popped) == std::vector<std::string>{"c", "b"});
  CHECK(op_zset_pop(w.ks, 0, "z", false, 0)->empty());
  CHECK(op_zset_pop(w.ks, 0, "z", false, 5)->size() == 1);
  CHECK(w.stored("z") == "<none>");
  CHECK(op_zset_pop(w.ks, 0, "z", false, 1).status() == op_status::nil);
  std::vector<scored_member> stored{{"x", 2}, {"y", 1}};
  CHECK(*op_zset_store(w.ks, 0, "d", std::move(stored), "geosearchstore") == 2);
  zrange_spec all;
  CHECK(members(*op_zrange(w.ks, 0, "d", all)) == std::vector<std::string>{"y", "x"});
  CHECK(*op_zset_store(w.ks, 0, "d", {}, "zunionstore") == 0);
  CHECK(w.stored("d") == "<none>");
}

TEST_CASE("zset ops: union, intersection and difference with weights") {
  world w;
  op_zadd(w.ks, 0, "a", {}, elements({{1, "x"}, {2, "y"}}));
  op_zadd(w.ks, 0, "b", {}, elements({{10, "y"}, {20, "w"}}));
  std::vector<std::string> keys{"a", "b"};
  std::vector<double> weights{2, 1};
  auto u = op_zsetop(w.ks, 0, zsetop::union_, keys, weights, zaggregate::sum);
  REQUIRE(u->size() == 3);
  CHECK((*u)[0].member == "x");
  CHECK((*u)[1].score == 14);
  auto i = op_zsetop(w.ks, 0, zsetop::inter, keys, {}, zaggregate::max);
  REQUIRE(i->size() == 1);
  CHECK((*i)[0].score == 10);
  auto d = op_zsetop(w.ks, 0, zsetop::diff, keys, {}, zaggregate::sum);
  CHECK(members(*d) == std::vector<std::string>{"x"});
  CHECK(*op_zintercard(w.ks, 0, keys, 0) == 1);
}

TEST_CASE("zset ops: plain sets are inputs whose members score 1") {
  world w;
  std::vector<std::string> ints{"3", "1", "2"}, strs{"a", "3"};
  REQUIRE(op_sadd(w.ks, 0, "si", ints).ok());
  REQUIRE(op_sadd(w.ks, 0, "ss", strs).ok());
  op_zadd(w.ks, 0, "z", {}, elements({{10, "a"}, {0.5, "3"}}));
  std::vector<std::string> all{"si", "ss", "z"};
  std::vector<double> weights{2, 3, 1};
  auto u = op_zsetop(w.ks, 0, zsetop::union_, all, weights, zaggregate::sum);
  REQUIRE(u.ok());
  // 1 and 2 from the intset (2 each), "3" in all three (2 + 3 + 0.5), "a"
  // in the hashtable set and the zset (3 + 10).
  REQUIRE(u->size() == 4);
  CHECK(members(*u) == std::vector<std::string>{"1", "2", "3", "a"});
  CHECK((*u)[2].score == 5.5);
  CHECK((*u)[3].score == 13);
  auto i = op_zsetop(w.ks, 0, zsetop::inter, all, {}, zaggregate::min);
  REQUIRE(i->size() == 1);
  CHECK((*i)[0].score == 0.5);
  std::vector<std::string> si_minus_z{"si", "z"};
  auto d = op_zsetop(w.ks, 0, zsetop::diff, si_minus_z, {}, zaggregate::sum);
  CHECK(members(*d) == std::vector<std::string>{"1", "2"});
  CHECK((*d)[0].score == 1);
  CHECK(*op_zintercard(w.ks, 0, all, 0) == 1);
  CHECK(*op_zintercard(w.ks, 0, std::vector<std::string>{"si", "ss"}, 0) == 1);
  w.ks.set(0, "str", actis::datatypes::value::from_string("v"));
  std::vector<std::string> with_string{"si", "str"};
  CHECK(op_zsetop(w.ks, 0, zsetop::union_, with_string, {}, zaggregate::sum).status() ==
        op_status::wrong_type);
  CHECK(op_zintercard(w.ks, 0, with_string, 0).status() == op_status::wrong_type);
}

TEST_CASE("zset ops: keyspace events as Redis 7.0 names them") {
  world w;
  recording_sink sink;
  w.part.observers.events = &sink;
  events_on on;
  zadd_options plain, xx{.xx = true}, incr{.incr = true};
  op_zadd(w.ks, 0, "z", plain, elements({{1, "a"}, {2, "b"}}));
  op_zadd(w.ks, 0, "z", plain, elements({{1, "a"}}));
  op_zadd(w.ks, 0, "z", incr, elements({{1, "a"}}));
  op_zadd(w.ks, 0, "z", xx, elements({{5, "nope"}}));
  std::vector<std::string> a{"a"};
  op_zrem(w.ks, 0, "z", a);
  op_zset_pop(w.ks, 0, "z", false, 1);
  op_zadd(w.ks, 0, "z", plain, elements({{1, "a"}, {2, "b"}, {3, "c"}}));
  zrange_spec score;
  score.kind = zrange_spec::by::score;
  score.scores = {0, 1};
  op_zremrange(w.ks, 0, "z", score);
  zrange_spec rank;
  rank.stop = 0;
  op_zremrange(w.ks, 0, "z", rank);
  zrange_spec lex;
  lex.kind = zrange_spec::by::lex;
  op_zremrange(w.ks, 0, "z", lex);
  op_zadd(w.ks, 0, "z", plain, elements({{1, "a"}}));
  std::vector<std::string> z{"z"}, z_none{"z", "nokey"};
  op_zset_store(w.ks, 0, "d", std::move(*op_zsetop(w.ks, 0, zsetop::union_, z, {}, {})),
                "zunionstore");
  op_zset_store(w.ks, 0, "d", std::move(*op_zsetop(w.ks, 0, zsetop::inter, z_none, {}, {})),
                "zinterstore");
  op_zrangestore(w.ks, 0, "d", "z", zrange_spec{});
  op_zset_pop(w.ks, 0, "z", true, 1);
  CHECK(sink.events ==
        std::vector<std::string>{"zadd", "zincr", "zrem", "zpopmin", "del", "zadd",
                                 "zremrangebyscore", "zremrangebyrank", "zremrangebylex", "del",
                                 "zadd", "zunionstore", "del", "zrangestore", "zpopmax", "del"});
  w.part.observers.events = nullptr;
}

TEST_CASE("zset ops: ZSCAN of a skiplist set returns every member that stays, despite changes") {
  world w;
  std::vector<zadd_element> els;
  std::vector<std::string> names;
  for (int i = 0; i < 300; ++i)
    names.push_back("m" + std::to_string(i));
  for (int i = 0; i < 300; ++i)
    els.push_back({static_cast<double>(i % 50), names[static_cast<size_t>(i)]});
  op_zadd(w.ks, 0, "z", {}, els);
  std::set<std::string> seen;
  uint64_t cursor = 0;
  int round = 0;
  do {
    auto page = op_zscan(w.ks, 0, "z", cursor, 7, std::nullopt);
    REQUIRE(page.ok());
    for (auto& m : page->items)
      seen.insert(m.member);
    cursor = page->next_cursor;
    // Removing low members and adding new ones shifts every rank.
    std::vector<std::string> gone{names[static_cast<size_t>(round)]};
    op_zrem(w.ks, 0, "z", gone);
    op_zadd(w.ks, 0, "z", {}, elements({{-1, "low"}}));
    ++round;
  } while (cursor != 0 && round < 1000);
  CHECK(cursor == 0);
  for (int i = round; i < 300; ++i)
    CHECK(seen.count(names[static_cast<size_t>(i)]) == 1);
}
