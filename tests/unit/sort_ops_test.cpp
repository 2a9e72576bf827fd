// SORT's operation on lists, sets and sorted sets built directly: native
// order with BY nosort (DESC, LIMIT), numeric and ALPHA sorts, BY/GET
// patterns, STORE and the conversion error.
#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "commands/hash_ops.hpp"
#include "commands/sort_ops.hpp"
#include "datatypes/list_value.hpp"
#include "datatypes/zset.hpp"
#include "ops_fixture.hpp"

using namespace actis::commands;
using namespace actis::datatypes;
using ops_test::world;

namespace {

void put_list(world& w, std::string_view key, std::vector<std::string> items) {
  value v = make_list_value();
  for (auto& s : items)
    list_items(v).push_back(s, quicklist_limits{});
  w.ks.set(0, key, std::move(v));
}

void put_zset(world& w, std::string_view key, std::vector<std::pair<double, std::string>> items) {
  zset_limits limits;
  auto z = std::make_unique<zset>(limits, items.front().second.size());
  for (auto& [score, member] : items)
    z->insert(member, score, limits);
  w.ks.set(0, key, value::from_collection(std::move(z)));
}

std::vector<std::string> sort(world& w, std::vector<std::string> argv) {
  argv.insert(argv.begin(), "SORT");
  auto o = parse_sort_options(argv, false);
  REQUIRE(o.ok());
  auto r = op_sort(w.ks, 0, argv[1], *o);
  REQUIRE(r.ok());
  std::vector<std::string> out;
  for (auto& s : *r)
    out.push_back(s ? *s : "<nil>");
  return out;
}

using strings = std::vector<std::string>;

} // namespace

TEST_CASE("sort ops: lists in their own order with BY nosort, sorted otherwise") {
  world w;
  put_list(w, "l", {"3", "1", "2", "10"});
  CHECK(sort(w, {"l"}) == strings{"1", "2", "3", "10"});
  CHECK(sort(w, {"l", "DESC"}) == strings{"10", "3", "2", "1"});
  CHECK(sort(w, {"l", "ALPHA"}) == strings{"1", "10", "2", "3"});
  CHECK(sort(w, {"l", "BY", "nosort"}) == strings{"3", "1", "2", "10"});
  CHECK(sort(w, {"l", "BY", "nosort", "DESC"}) == strings{"10", "2", "1", "3"});
  CHECK(sort(w, {"l", "BY", "nosort", "LIMIT", "1", "2"}) == strings{"1", "2"});
  CHECK(sort(w, {"l", "BY", "nosort", "DESC", "LIMIT", "1", "2"}) == strings{"2", "1"});
  CHECK(sort(w, {"l", "BY", "nosort", "LIMIT", "4", "2"}).empty());
  CHECK(sort(w, {"l", "LIMIT", "3", "5"}) == strings{"10"});
}

TEST_CASE("sort ops: sorted sets by score with BY nosort") {
  world w;
  put_zset(w, "z", {{3, "c"}, {1, "a"}, {2, "b"}});
  CHECK(sort(w, {"z", "BY", "nosort"}) == strings{"a", "b", "c"});
  CHECK(sort(w, {"z", "BY", "nosort", "DESC", "LIMIT", "0", "2"}) == strings{"c", "b"});
  CHECK(sort(w, {"z", "ALPHA", "DESC"}) == strings{"c", "b", "a"});
  auto o = parse_sort_options({"SORT", "z"}, false);
  CHECK(op_sort(w.ks, 0, "z", *o).status() == op_status::sort_not_double);
}

TEST_CASE("sort ops: BY and GET patterns over strings and hash fields") {
  world w;
  put_list(w, "ids", {"1", "2", "3"});
  w.put("w_1", "30");
  w.put("w_2", "10");
  w.put("w_3", "20");
  std::vector<std::string> pairs{"name", "x"};
  op_hset(w.ks, 0, "h_2", pairs);
  CHECK(sort(w, {"ids", "BY", "w_*"}) == strings{"2", "3", "1"});
  CHECK(sort(w, {"ids", "BY", "w_*", "GET", "#", "GET", "h_*->name"}) ==
        strings{"2", "x", "3", "<nil>", "1", "<nil>"});
  CHECK(sort(w, {"ids", "GET", "nostar"}) == strings{"<nil>", "<nil>", "<nil>"});
}

TEST_CASE("sort ops: STORE writes a list, an empty result deletes the target") {
  world w;
  put_list(w, "l", {"b", "a"});
  w.put("dst", "old");
  // The options view their arguments, which must outlive them.
  actis::protocol::command_args store_args{"SORT", "l", "ALPHA", "STORE", "dst"};
  auto o = parse_sort_options(store_args, false);
  REQUIRE(o.ok());
  CHECK(*op_sort_store(w.ks, 0, "l", *o) == 2);
  auto* e = w.part.dbs[0].find("dst");
  REQUIRE(e != nullptr);
  REQUIRE(e->val.type() == obj_type::list);
  CHECK(list_items(e->val).at(0) == "a");
  actis::protocol::command_args empty_args{"SORT", "missing", "STORE", "dst"};
  auto empty = parse_sort_options(empty_args, false);
  CHECK(*op_sort_store(w.ks, 0, "missing", *empty) == 0);
  CHECK(w.stored("dst") == "<none>");
  CHECK(parse_sort_options({"SORT", "l", "STORE", "x"}, true).status() == op_status::syntax);
  CHECK(parse_sort_options({"SORT", "l", "LIMIT", "a", "1"}, false).status() ==
        op_status::not_integer);
}
