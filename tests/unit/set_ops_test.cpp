// The set family's operations called directly on a keyspace: results,
// events, deletion of emptied sets, wrong type and the encodings of stored
// results.
#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "commands/command.hpp"
#include "commands/executor.hpp"
#include "commands/families.hpp"
#include "commands/set_ops.hpp"
#include "config/config.hpp"
#include "ops_fixture.hpp"

using namespace actis::commands;
using actis::datatypes::as_set;
using actis::datatypes::obj_encoding;
using ops_test::world;

namespace {

using strings = std::vector<std::string>;

struct recording_sink : keyspace_event_sink {
  std::vector<std::string> events;
  void publish(int, std::string_view key, std::string_view name, int) override {
    events.push_back(std::string(name) + " " + std::string(key));
  }
};

/// A world whose keyspace events are recorded (notify-keyspace-events KEA
/// for the test's lifetime).
struct observed_world : world {
  recording_sink sink;
  observed_world() {
    part.observers.events = &sink;
    actis::config::registry::instance().set({{"notify-keyspace-events", "KEA"}});
  }
  ~observed_world() { actis::config::registry::instance().set({{"notify-keyspace-events", ""}}); }
};

strings members(world& w, std::string_view key) {
  auto s = op_read_set(w.ks, 0, key);
  strings out;
  if (s.ok() && *s != nullptr)
    (*s)->for_each([&](std::string_view m) { out.emplace_back(m); });
  std::sort(out.begin(), out.end());
  return out;
}

obj_encoding encoding_of(world& w, std::string_view key) {
  return as_set(w.part.dbs[0].find(key)->val)->encoding();
}

} // namespace

TEST_CASE("set ops: SADD / SREM count, notify and delete the emptied set") {
  observed_world w;
  CHECK(*op_sadd(w.ks, 0, "s", strings{"1", "2", "2", "3"}) == 3);
  CHECK(*op_sadd(w.ks, 0, "s", strings{"3"}) == 0);
  CHECK(w.dirty() == 3);
  CHECK(encoding_of(w, "s") == obj_encoding::intset);
  CHECK(*op_srem(w.ks, 0, "s", strings{"1", "9"}) == 1);
  CHECK(*op_srem(w.ks, 0, "missing", strings{"1"}) == 0);
  CHECK(*op_srem(w.ks, 0, "s", strings{"2", "3", "4"}) == 2);
  CHECK(w.part.dbs[0].find("s") == nullptr);
  CHECK(w.sink.events == strings{"sadd s", "srem s", "srem s", "del s"});
  w.put_list("l");
  CHECK(op_sadd(w.ks, 0, "l", strings{"1"}).status() == op_status::wrong_type);
  CHECK(op_srem(w.ks, 0, "l", strings{"1"}).status() == op_status::wrong_type);
  CHECK(op_scard(w.ks, 0, "l").status() == op_status::wrong_type);
  CHECK(*op_scard(w.ks, 0, "missing") == 0);
}

TEST_CASE("set ops: membership and SMOVE") {
  observed_world w;
  op_sadd(w.ks, 0, "a", strings{"x", "1"});
  CHECK(*op_smismember(w.ks, 0, "a", strings{"x", "y", "1"}) == std::vector<uint8_t>{1, 0, 1});
  CHECK(*op_smismember(w.ks, 0, "none", strings{"x"}) == std::vector<uint8_t>{0});
  w.put("str", "v");
  // A missing source wins over a wrong-type destination.
  CHECK(*op_smove(w.ks, 0, "none", "str", "x") == false);
  CHECK(op_smove(w.ks, 0, "a", "str", "x").status() == op_status::wrong_type);
  CHECK(*op_smove(w.ks, 0, "a", "a", "x") == true);
  CHECK(*op_smove(w.ks, 0, "a", "a", "nope") == false);
  w.sink.events.clear();
  CHECK(*op_smove(w.ks, 0, "a", "b", "1") == true);
  CHECK(encoding_of(w, "b") == obj_encoding::intset);
  CHECK(*op_smove(w.ks, 0, "a", "b", "x") == true);
  CHECK(w.part.dbs[0].find("a") == nullptr);
  CHECK(members(w, "b") == strings{"1", "x"});
  CHECK(w.sink.events == strings{"srem a", "sadd b", "srem a", "del a", "sadd b"});
}

TEST_CASE("set ops: SINTER / SUNION / SDIFF and their stored encodings") {
  observed_world w;
  op_sadd(w.ks, 0, "a", strings{"1", "2", "3", "x"});
  op_sadd(w.ks, 0, "b", strings{"2", "3", "4"});
  op_sadd(w.ks, 0, "c", strings{"3", "x"});
  auto inter = op_set_algebra(w.ks, 0, set_algebra::inter, strings{"a", "b"});
  REQUIRE(inter.ok());
  CHECK(as_set(*inter)->encoding() == obj_encoding::intset);
  CHECK(as_set(*inter)->size() == 2);
  CHECK(as_set(*op_set_algebra(w.ks, 0, set_algebra::inter, strings{"a", "b", "none"}))->size() ==
        0);
  CHECK(as_set(*op_set_algebra(w.ks, 0, set_algebra::union_, strings{"a", "none", "b"}))
            ->size() == 5);
  CHECK(as_set(*op_set_algebra(w.ks, 0, set_algebra::diff, strings{"a", "b", "c"}))->size() == 1);
  CHECK(as_set(*op_set_algebra(w.ks, 0, set_algebra::diff, strings{"a", "a"}))->size() == 0);
  CHECK(*op_sintercard(w.ks, 0, strings{"a", "b"}, 0) == 2);
  CHECK(*op_sintercard(w.ks, 0, strings{"a", "b"}, 1) == 1);
  CHECK(*op_sintercard(w.ks, 0, strings{"a", "none"}, 0) == 0);

  w.put("str", "v");
  CHECK(op_set_algebra(w.ks, 0, set_algebra::union_, strings{"none", "str"}).status() ==
        op_status::wrong_type);
  CHECK(op_sintercard(w.ks, 0, strings{"none", "str"}, 0).status() == op_status::wrong_type);

  w.sink.events.clear();
  // The destination is replaced whatever it held.
  CHECK(*op_set_algebra_store(w.ks, 0, set_algebra::union_, "str", strings{"b", "c"}) == 4);
  CHECK(encoding_of(w, "str") == obj_encoding::hashtable);
  CHECK(*op_set_algebra_store(w.ks, 0, set_algebra::inter, "d", strings{"a", "b"}) == 2);
  CHECK(encoding_of(w, "d") == obj_encoding::intset);
  CHECK(*op_set_algebra_store(w.ks, 0, set_algebra::diff, "d", strings{"b", "a"}) == 1);
  CHECK(members(w, "d") == strings{"4"});
  CHECK(*op_set_algebra_store(w.ks, 0, set_algebra::inter, "d", strings{"a", "none"}) == 0);
  CHECK(w.part.dbs[0].find("d") == nullptr);
  CHECK(*op_set_algebra_store(w.ks, 0, set_algebra::inter, "d", strings{"a", "none"}) == 0);
  CHECK(w.sink.events ==
        strings{"sunionstore str", "sinterstore d", "sdiffstore d", "del d"});
}

TEST_CASE("set ops: SPOP and SRANDMEMBER") {
  observed_world w;
  CHECK(op_spop(w.ks, 0, "none").status() == op_status::nil);
  CHECK(op_srandmember(w.ks, 0, "none").status() == op_status::nil);
  strings all;
  for (int i = 0; i < 50; ++i)
    all.push_back(std::to_string(i * 7));
  op_sadd(w.ks, 0, "s", all);
  std::sort(all.begin(), all.end());

  auto some = op_srandmember_count(w.ks, 0, "s", 20);
  std::set<std::string> distinct(some->begin(), some->end());
  CHECK(distinct.size() == 20);
  CHECK(op_srandmember_count(w.ks, 0, "s", 40)->size() == 40);
  CHECK(op_srandmember_count(w.ks, 0, "s", -200)->size() == 200);
  CHECK(op_srandmember_count(w.ks, 0, "s", 100)->size() == 50);
  CHECK(op_srandmember_count(w.ks, 0, "none", -3)->empty());

  w.sink.events.clear();
  auto popped = op_spop_count(w.ks, 0, "s", 45);
  REQUIRE(popped.ok());
  CHECK_FALSE(popped->deleted);
  std::string one = *op_spop(w.ks, 0, "s");
  auto rest = op_spop_count(w.ks, 0, "s", 10);
  CHECK(rest->deleted);
  strings seen = popped->members;
  seen.push_back(one);
  seen.insert(seen.end(), rest->members.begin(), rest->members.end());
  std::sort(seen.begin(), seen.end());
  CHECK(seen == all);
  CHECK(w.part.dbs[0].find("s") == nullptr);
  CHECK(w.sink.events == strings{"spop s", "spop s", "spop s", "del s"});
  CHECK(op_spop_count(w.ks, 0, "s", 3)->members.empty());
}

TEST_CASE("set ops: SSCAN with MATCH over both encodings") {
  world w;
  strings ints, words;
  for (int i = 0; i < 30; ++i) {
    ints.push_back(std::to_string(i));
    words.push_back("w" + std::to_string(i));
  }
  op_sadd(w.ks, 0, "i", ints);
  op_sadd(w.ks, 0, "h", words);
  auto page = scan_set(**op_read_set(w.ks, 0, "i"), 0, 2, "1*");
  CHECK(page.next_cursor == 0);
  CHECK(page.members == strings{"1", "10", "11", "12", "13", "14", "15", "16", "17", "18", "19"});
  std::set<std::string> seen;
  uint64_t cursor = 0;
  do {
    auto p = scan_set(**op_read_set(w.ks, 0, "h"), cursor, 5, "w2*");
    seen.insert(p.members.begin(), p.members.end());
    cursor = p.next_cursor;
  } while (cursor != 0);
  CHECK(seen.size() == 11);
}

namespace {

struct collecting_stream : write_sink {
  std::vector<actis::protocol::command_args> emitted;
  void emit(int, actis::protocol::command_args cmd) override { emitted.push_back(std::move(cmd)); }
};

/// The set family behind the real executor, with its write stream collected.
struct family_world : world {
  command_table table;
  collecting_stream stream;
  family_world() { register_set_family(table); }
  std::string run(const actis::protocol::command_args& argv) {
    std::string out, error;
    actis::protocol::reply_builder reply(out);
    const auto* spec = table.resolve(argv, error);
    REQUIRE_MESSAGE(spec != nullptr, error);
    keyspace view(parts, 1, &stream, start_ms);
    execute(*spec, argv, reply, &view, 0, nullptr);
    return out;
  }
};

} // namespace

TEST_CASE("set family: SPOP propagates the members it removed, SRANDMEMBER nothing") {
  family_world w;
  w.run({"SADD", "s", "1", "2", "3", "4", "5"});
  w.stream.emitted.clear();
  std::string reply = w.run({"SPOP", "s"});
  REQUIRE(w.stream.emitted.size() == 1);
  auto& one = w.stream.emitted[0];
  CHECK(one.size() == 3);
  CHECK(one[0] == "SREM");
  CHECK(reply == "$1\r\n" + one[2] + "\r\n");
  w.stream.emitted.clear();
  w.run({"SPOP", "s", "2"});
  REQUIRE(w.stream.emitted.size() == 1);
  CHECK(w.stream.emitted[0].size() == 4);
  CHECK(w.stream.emitted[0][0] == "SREM");
  w.stream.emitted.clear();
  w.run({"SRANDMEMBER", "s", "-5"});
  w.run({"SPOP", "s", "0"});
  w.run({"SPOP", "nokey", "3"});
  CHECK(w.stream.emitted.empty());
  w.run({"SPOP", "s", "10"});
  REQUIRE(w.stream.emitted.size() == 1);
  CHECK(w.stream.emitted[0] == actis::protocol::command_args{"DEL", "s"});
  w.stream.emitted.clear();
  // Thousands of members go out as SREMs of at most 1024.
  actis::protocol::command_args sadd{"SADD", "big"};
  for (int i = 0; i < 3000; ++i)
    sadd.push_back("m" + std::to_string(i));
  w.run(sadd);
  w.stream.emitted.clear();
  w.run({"SPOP", "big", "2500"});
  REQUIRE(w.stream.emitted.size() == 3);
  CHECK(w.stream.emitted[0].size() == 2 + 1024);
  CHECK(w.stream.emitted[2].size() == 2 + 2500 - 2048);
  CHECK(*op_scard(w.ks, 0, "big") == 500);
}
