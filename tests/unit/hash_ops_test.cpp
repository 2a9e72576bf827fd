// The hash family's operations called directly on a keyspace: values, nil,
// wrong type, number errors, deletion of emptied hashes, HRANDFIELD counts;
// and the handlers' write-stream rewrites through the executor.
#include <doctest/doctest.h>

#include <climits>
#include <set>
#include <string>
#include <vector>

#include "commands/command.hpp"
#include "commands/executor.hpp"
#include "commands/families.hpp"
#include "commands/hash_ops.hpp"
#include "config/config.hpp"
#include "ops_fixture.hpp"

using namespace actis::commands;
using ops_test::world;

namespace {
std::vector<std::string> args(std::initializer_list<const char*> l) {
  return {l.begin(), l.end()};
}
} // namespace

TEST_CASE("hash ops: HSET counts added fields, HGET/HMGET read them") {
  world w;
  auto a = op_hset(w.ks, 0, "h", args({"a", "1", "b", "2"}));
  REQUIRE(a.ok());
  CHECK(*a == 2);
  CHECK(w.dirty() == 2);
  CHECK(*op_hset(w.ks, 0, "h", args({"a", "3", "c", "4"})) == 1);
  CHECK(*op_hget(w.ks, 0, "h", "a") == "3");
  CHECK(op_hget(w.ks, 0, "h", "zz").status() == op_status::nil);
  CHECK(op_hget(w.ks, 0, "nokey", "a").status() == op_status::nil);
  auto m = op_hmget(w.ks, 0, "h", args({"a", "x", "c"}));
  REQUIRE(m.ok());
  REQUIRE(m->size() == 3);
  CHECK((*m)[0] == "3");
  CHECK(!(*m)[1]);
  CHECK((*m)[2] == "4");
  CHECK(*op_hlen(w.ks, 0, "h") == 3);
  CHECK(*op_hstrlen(w.ks, 0, "h", "a") == 1);
  CHECK(*op_hexists(w.ks, 0, "h", "c"));
  CHECK(!*op_hexists(w.ks, 0, "h", "q"));
}

TEST_CASE("hash ops: wrong type everywhere") {
  world w;
  w.put("s", "x");
  CHECK(op_hset(w.ks, 0, "s", args({"a", "1"})).status() == op_status::wrong_type);
  CHECK(op_hsetnx(w.ks, 0, "s", "a", "1").status() == op_status::wrong_type);
  CHECK(op_hget(w.ks, 0, "s", "a").status() == op_status::wrong_type);
  CHECK(op_hmget(w.ks, 0, "s", args({"a"})).status() == op_status::wrong_type);
  CHECK(op_hdel(w.ks, 0, "s", args({"a"})).status() == op_status::wrong_type);
  CHECK(op_hlen(w.ks, 0, "s").status() == op_status::wrong_type);
  CHECK(op_hincrby(w.ks, 0, "s", "a", 1).status() == op_status::wrong_type);
  CHECK(op_hincrbyfloat(w.ks, 0, "s", "a", 1).status() == op_status::wrong_type);
  CHECK(op_hrandfield(w.ks, 0, "s", 3).status() == op_status::wrong_type);
  CHECK(op_hash_read(w.ks, 0, "s").status() == op_status::wrong_type);
  CHECK(w.stored("s") == "x");
}

TEST_CASE("hash ops: HDEL removes an emptied hash") {
  world w;
  op_hset(w.ks, 0, "h", args({"a", "1", "b", "2"}));
  CHECK(*op_hdel(w.ks, 0, "h", args({"a", "zz"})) == 1);
  CHECK(*op_hdel(w.ks, 0, "h", args({"zz"})) == 0);
  CHECK(*op_hdel(w.ks, 0, "h", args({"b", "b"})) == 1);
  CHECK(w.stored("h") == "<none>");
  CHECK(*op_hdel(w.ks, 0, "h", args({"b"})) == 0);
}

TEST_CASE("hash ops: HSETNX sets only absent fields") {
  world w;
  CHECK(*op_hsetnx(w.ks, 0, "h", "a", "1"));
  CHECK(!*op_hsetnx(w.ks, 0, "h", "a", "2"));
  CHECK(*op_hget(w.ks, 0, "h", "a") == "1");
}

TEST_CASE("hash ops: HINCRBY and HINCRBYFLOAT") {
  world w;
  CHECK(*op_hincrby(w.ks, 0, "h", "n", 5) == 5);
  CHECK(*op_hincrby(w.ks, 0, "h", "n", -7) == -2);
  op_hset(w.ks, 0, "h", args({"s", "abc", "max", "9223372036854775807", "f", "1.5"}));
  CHECK(op_hincrby(w.ks, 0, "h", "s", 1).status() == op_status::not_hash_integer);
  CHECK(op_hincrby(w.ks, 0, "h", "max", 1).status() == op_status::overflow);
  CHECK(op_hincrby(w.ks, 0, "h", "f", 1).status() == op_status::not_hash_integer);
  CHECK(*op_hincrbyfloat(w.ks, 0, "h", "f", 0.25L) == "1.75");
  CHECK(*op_hincrbyfloat(w.ks, 0, "h", "n", 2) == "0");
  CHECK(op_hincrbyfloat(w.ks, 0, "h", "s", 1).status() == op_status::not_hash_float);
  CHECK(*op_hincrbyfloat(w.ks, 0, "new", "x", 3.0L) == "3");
}

TEST_CASE("hash ops: HRANDFIELD counts") {
  world w;
  op_hset(w.ks, 0, "h", args({"a", "1", "b", "2", "c", "3"}));
  CHECK(op_hrandfield(w.ks, 0, "h", 0)->empty());
  auto all = op_hrandfield(w.ks, 0, "h", 10);
  REQUIRE(all->size() == 3);
  CHECK((*all)[0].field == "a");
  CHECK((*all)[2].value == "3");
  auto two = op_hrandfield(w.ks, 0, "h", 2);
  REQUIRE(two->size() == 2);
  CHECK((*two)[0].field != (*two)[1].field);
  auto many = op_hrandfield(w.ks, 0, "h", -20);
  CHECK(many->size() == 20);
  CHECK(op_hrandfield(w.ks, 0, "none", 5)->empty());
  CHECK(op_hrandfield_one(w.ks, 0, "none").status() == op_status::nil);
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i)
    seen.emplace(op_hrandfield_one(w.ks, 0, "h")->field);
  CHECK(seen.size() == 3);
}

TEST_CASE("hash ops: HSCAN of a listpack is the whole hash in one page") {
  world w;
  op_hset(w.ks, 0, "h", args({"a1", "1", "b1", "2", "a2", "3"}));
  auto h = op_hash_read(w.ks, 0, "h");
  auto page = hscan_page(**h, 0, 1, std::string_view("a*"));
  CHECK(page.next_cursor == 0);
  REQUIRE(page.pairs.size() == 2);
  CHECK(page.pairs[1].field == "a2");
}

// --- Handlers through the executor: what reaches the write stream ---------


namespace {

struct stream_harness : actis::commands::write_sink {
  command_table table;
  partition_data part{0, 16};
  std::vector<partition_data*> parts{&part};
  std::vector<actis::protocol::command_args> stream;

  stream_harness() {
    register_hash_family(table);
    register_sort_family(table);
  }
  void emit(int, actis::protocol::command_args cmd) override { stream.push_back(std::move(cmd)); }
  std::string run(actis::protocol::command_args argv) {
    std::string out, error;
    actis::protocol::reply_builder reply(out, 2);
    keyspace ks(parts, 1, this, 1'000'000);
    const auto* spec = table.resolve(argv, error);
    if (spec == nullptr)
      return "-" + error + "\r\n";
    execute(*spec, argv, reply, &ks, 0, nullptr);
    return out;
  }
};

} // namespace

TEST_CASE("hash handlers: HINCRBYFLOAT is propagated as HSET with the result") {
  stream_harness h;
  CHECK(h.run({"HINCRBYFLOAT", "k", "f", "1.5"}) == "$3\r\n1.5\r\n");
  REQUIRE(h.stream.size() == 1);
  CHECK(h.stream[0] == actis::protocol::command_args{"HSET", "k", "f", "1.5"});
  CHECK(h.run({"HINCRBYFLOAT", "k", "f", "abc"}) == "-ERR value is not a valid float\r\n");
  CHECK(h.run({"HGET", "k", "f"}) == "$3\r\n1.5\r\n");
  CHECK(h.run({"HSET", "k", "a", "1", "b", "2"}) == ":2\r\n");
  CHECK(h.run({"HDEL", "k", "zz"}) == ":0\r\n");
  CHECK(h.stream.size() == 2);
  CHECK(h.stream[1] == actis::protocol::command_args{"HSET", "k", "a", "1", "b", "2"});
}

// --- Keyspace events -------------------------------------------------------

namespace {

struct event_log : actis::commands::keyspace_event_sink {
  std::vector<std::string> seen;
  void publish(int, std::string_view key, std::string_view name, int) override {
    seen.push_back(std::string(name) + " " + std::string(key));
  }
};

} // namespace

TEST_CASE("hash ops: Redis's events, del when HDEL empties the hash") {
  REQUIRE(actis::config::registry::instance().set({{"notify-keyspace-events", "KEA"}}) == "");
  world w;
  event_log log;
  w.part.observers.events = &log;
  op_hset(w.ks, 0, "h", args({"a", "1", "b", "2"}));
  op_hsetnx(w.ks, 0, "h", "c", "3");
  op_hsetnx(w.ks, 0, "h", "c", "4");
  op_hincrby(w.ks, 0, "h", "a", 1);
  op_hincrbyfloat(w.ks, 0, "h", "a", 0.5L);
  op_hdel(w.ks, 0, "h", args({"a", "zz"}));
  op_hdel(w.ks, 0, "h", args({"b", "c"}));
  std::vector<std::string> expected{"hset h", "hset h", "hincrby h",
                                    "hincrbyfloat h", "hdel h", "hdel h", "del h"};
  CHECK(log.seen == expected);
  REQUIRE(actis::config::registry::instance().set({{"notify-keyspace-events", ""}}) == "");
}
