// The list family's operations called directly on a keyspace: pushes, reads,
// in-place changes, pops, moves, the events they record and the deletion of
// emptied lists.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "commands/list_ops.hpp"
#include "config/config.hpp"
#include "datatypes/list_value.hpp"
#include "ops_fixture.hpp"

using namespace actis::commands;
using actis::datatypes::list_items;
using ops_test::world;

namespace {

/// Every keyspace event recorded, as "event:key".
struct event_log : keyspace_event_sink {
  std::vector<std::string> seen;
  void publish(int, std::string_view key, std::string_view event, int) override {
    seen.push_back(std::string(event) + ":" + std::string(key));
  }
};

struct list_world : world {
  event_log log;
  list_world() {
    part.observers.events = &log;
    CHECK(actis::config::registry::instance().set({{"notify-keyspace-events", "KEA"}}) == "");
  }
  ~list_world() { actis::config::registry::instance().set({{"notify-keyspace-events", ""}}); }

  std::vector<std::string> items(std::string_view key) {
    std::vector<std::string> out;
    auto q = op_list_read(ks, 0, key);
    if (!q.ok())
      return out;
    auto r = clamp_list_range(0, -1, (*q)->size());
    for (size_t i = 0; i < r.count; ++i)
      out.emplace_back((*q)->at(r.first + i));
    return out;
  }
  void push(std::string_view key, std::vector<std::string> elements) {
    REQUIRE(op_list_push(ks, 0, key, elements, list_end::right, false).ok());
  }
};

using strings = std::vector<std::string>;

} // namespace

TEST_CASE("list ops: pushes create the list, X variants need it, wrong_type") {
  list_world w;
  strings ab{"a", "b"};
  CHECK(*op_list_push(w.ks, 0, "l", ab, list_end::left, false) == 2);
  CHECK(*op_list_push(w.ks, 0, "l", ab, list_end::right, false) == 4);
  CHECK(w.items("l") == strings{"b", "a", "a", "b"});
  CHECK(*op_list_push(w.ks, 0, "none", ab, list_end::left, true) == 0);
  CHECK(w.items("none").empty());
  CHECK(*op_list_push(w.ks, 0, "l", ab, list_end::left, true) == 6);
  w.put("s", "v");
  CHECK(op_list_push(w.ks, 0, "s", ab, list_end::left, false).status() == op_status::wrong_type);
  CHECK(w.log.seen == strings{"lpush:l", "rpush:l", "lpush:l"});
  // LPUSH counts one change per element, as Redis's dirty counter.
  CHECK(w.dirty() == 6);
}

TEST_CASE("list ops: index, range, insert, set") {
  list_world w;
  w.push("l", {"a", "b", "c"});
  auto q = op_list_read(w.ks, 0, "l");
  REQUIRE(q.ok());
  CHECK(*list_index(**q, -1) == "c");
  CHECK(list_index(**q, 3).status() == op_status::nil);
  CHECK(list_index(**q, -4).status() == op_status::nil);
  CHECK(op_list_read(w.ks, 0, "none").status() == op_status::nil);
  auto r = clamp_list_range(-2, 100, 3);
  CHECK(r.first == 1);
  CHECK(r.count == 2);
  CHECK(clamp_list_range(2, 1, 3).count == 0);
  CHECK(clamp_list_range(5, 9, 3).count == 0);
  CHECK(*op_list_insert(w.ks, 0, "l", true, "b", "x") == 4);
  CHECK(*op_list_insert(w.ks, 0, "l", false, "a", "y") == 5);
  CHECK(*op_list_insert(w.ks, 0, "l", false, "zz", "y") == -1);
  CHECK(*op_list_insert(w.ks, 0, "none", false, "a", "y") == 0);
  CHECK(w.items("l") == strings{"y", "a", "b", "x", "c"});
  CHECK(op_list_set(w.ks, 0, "l", -1, "C") == op_status::ok);
  CHECK(op_list_set(w.ks, 0, "l", 5, "C") == op_status::index_out_of_range);
  CHECK(op_list_set(w.ks, 0, "l", std::nullopt, "C") == op_status::not_integer);
  CHECK(op_list_set(w.ks, 0, "none", std::nullopt, "C") == op_status::no_such_key);
  CHECK(w.items("l").back() == "C");
  CHECK(*op_list_length(w.ks, 0, "l") == 5);
  CHECK(*op_list_length(w.ks, 0, "none") == 0);
}

TEST_CASE("list ops: trim and remove delete the emptied key after their event") {
  list_world w;
  w.push("l", {"a", "b", "a", "c", "a"});
  CHECK(*op_list_remove(w.ks, 0, "l", -1, "a") == 1);
  CHECK(w.items("l") == strings{"a", "b", "a", "c"});
  CHECK(*op_list_remove(w.ks, 0, "l", 0, "zz") == 0);
  CHECK(op_list_trim(w.ks, 0, "l", 1, 2) == op_status::ok);
  CHECK(w.items("l") == strings{"b", "a"});
  CHECK(op_list_trim(w.ks, 0, "l", 5, 9) == op_status::ok);
  CHECK(w.items("l").empty());
  CHECK(w.log.seen == strings{"rpush:l", "lrem:l", "ltrim:l", "ltrim:l", "del:l"});
  CHECK(op_list_trim(w.ks, 0, "none", 0, 1) == op_status::ok);
}

TEST_CASE("list ops: LPOS ranks, counts and maxlen") {
  list_world w;
  w.push("l", {"a", "b", "c", "1", "2", "3", "c", "c"});
  const auto& q = **op_list_read(w.ks, 0, "l");
  using idx = std::vector<long long>;
  CHECK(list_positions(q, "c", {}) == idx{2});
  CHECK(list_positions(q, "c", {.rank = -1}) == idx{7});
  CHECK(list_positions(q, "c", {.rank = 2, .count = 0}) == idx{6, 7});
  CHECK(list_positions(q, "c", {.rank = -2, .count = 0}) == idx{6, 2});
  CHECK(list_positions(q, "c", {.rank = 1, .count = 0, .maxlen = 7}) == idx{2, 6});
  CHECK(list_positions(q, "zz", {.count = 0}).empty());
  // Redis negates LLONG_MIN to itself: the first match from the tail.
  CHECK(list_positions(q, "c", {.rank = LLONG_MIN}) == idx{7});
  CHECK(list_positions(q, "c", {.rank = LLONG_MIN, .count = 2}) == idx{7, 6, 2});
}

TEST_CASE("list ops: pops, moves and LMPOP") {
  list_world w;
  w.push("l", {"a", "b", "c", "d"});
  CHECK(*op_list_pop(w.ks, 0, "l", list_end::right, 2) == strings{"d", "c"});
  CHECK(*op_list_pop(w.ks, 0, "l", list_end::left, 1) == strings{"a"});
  CHECK(op_list_pop(w.ks, 0, "none", list_end::left, 1).status() == op_status::nil);
  CHECK(*op_list_move(w.ks, 0, "l", "l", list_end::left, list_end::right) == "b");
  CHECK(w.items("l") == strings{"b"});
  CHECK(*op_list_move(w.ks, 0, "l", "m", list_end::left, list_end::left) == "b");
  CHECK(w.items("l").empty());
  CHECK(w.items("m") == strings{"b"});
  CHECK(w.log.seen == strings{"rpush:l", "rpop:l", "lpop:l", "rpush:l", "lpop:l", "lpush:m",
                              "lpop:l", "del:l"});
  w.put("s", "v");
  CHECK(op_list_move(w.ks, 0, "m", "s", list_end::left, list_end::left).status() ==
        op_status::wrong_type);
  CHECK(w.items("m") == strings{"b"});
  CHECK(op_list_move(w.ks, 0, "none", "m", list_end::left, list_end::left).status() ==
        op_status::nil);
  strings keys{"none", "m", "s"};
  auto r = op_list_mpop(w.ks, 0, keys, list_end::left, 5);
  REQUIRE(r.ok());
  CHECK(r->key_index == 1);
  CHECK(r->elements == strings{"b"});
  CHECK(op_list_mpop(w.ks, 0, keys, list_end::left, 5).status() == op_status::wrong_type);
  strings absent{"none", "m"};
  CHECK(op_list_mpop(w.ks, 0, absent, list_end::left, 5).status() == op_status::nil);
}

TEST_CASE("list ops: COPY through the traits shares nothing") {
  list_world w;
  w.push("l", {"a", "b"});
  auto* e = w.part.dbs[0].find("l");
  REQUIRE(e != nullptr);
  CHECK(e->val.traits().name == "list");
  auto copy = e->val.clone();
  list_items(copy).push_back("c", {});
  CHECK(w.items("l") == strings{"a", "b"});
  CHECK(list_items(copy).size() == 3);
  CHECK(copy.memory_usage() > sizeof(copy));
}
