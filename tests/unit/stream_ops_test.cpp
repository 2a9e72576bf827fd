// The stream operations on one partition: XADD's ID rules and trimming,
// XDEL's tombstones, delivery to consumer groups, acknowledgement, claims
// and the entries-read / lag bookkeeping.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "commands/command.hpp"
#include "commands/dump_ops.hpp"
#include "commands/executor.hpp"
#include "commands/families.hpp"
#include "commands/stream_group_ops.hpp"
#include "config/config.hpp"
#include "ops_fixture.hpp"

using namespace actis::commands;
using actis::datatypes::stream_id;

namespace {

xadd_args explicit_id(stream_id id) {
  xadd_args a;
  a.id_given = true;
  a.id = id;
  return a;
}

const std::vector<std::string> fv = {"f", "v"};

stream& stream_at(ops_test::world& w, std::string_view key) {
  return **op_write_stream(w.ks, 0, key);
}

} // namespace

TEST_CASE("stream ops: XADD IDs are monotonic; errors leave no key behind") {
  ops_test::world w;
  CHECK(op_xadd(w.ks, 0, "s", explicit_id({0, 0}), fv).status() == op_status::stream_id_zero);
  CHECK(w.stored("s") == "<none>");
  auto r = op_xadd(w.ks, 0, "s", explicit_id({5, 5}), fv);
  REQUIRE(r.ok());
  CHECK(*r->id == stream_id{5, 5});
  CHECK(op_xadd(w.ks, 0, "s", explicit_id({5, 5}), fv).status() ==
        op_status::stream_id_too_small);
  xadd_args seq = explicit_id({5, 0});
  seq.seq_given = false;
  CHECK(*op_xadd(w.ks, 0, "s", seq, fv)->id == stream_id{5, 6});
  // '*' uses the clock, or the last ID + 1 when the clock is behind it.
  xadd_args any;
  CHECK(*op_xadd(w.ks, 0, "s", any, fv)->id == stream_id{ops_test::world::start_ms, 0});
  w.ks.set_now_ms(ops_test::world::start_ms - 10);
  CHECK(*op_xadd(w.ks, 0, "s", any, fv)->id == stream_id{ops_test::world::start_ms, 1});
  xadd_args nomk = explicit_id({1, 0});
  nomk.nomkstream = true;
  CHECK_FALSE(op_xadd(w.ks, 0, "missing", nomk, fv)->id.has_value());
  CHECK(w.stored("missing") == "<none>");
  w.put("str", "x");
  CHECK(op_xadd(w.ks, 0, "str", explicit_id({1, 0}), fv).status() == op_status::wrong_type);
}

TEST_CASE("stream ops: trimming and XDEL keep the recorded first ID and tombstones") {
  ops_test::world w;
  for (uint64_t i = 1; i <= 5; ++i)
    REQUIRE(op_xadd(w.ks, 0, "s", explicit_id({i, 0}), fv).ok());
  auto& s = stream_at(w, "s");
  CHECK(s.recorded_first_id == stream_id{1, 0});
  const stream_id del[] = {{1, 0}, {3, 0}, {9, 0}};
  CHECK(*op_xdel(w.ks, 0, "s", del) == 2);
  CHECK(s.max_deleted_id == stream_id{3, 0});
  CHECK(s.recorded_first_id == stream_id{2, 0});
  trim_args t;
  t.how = trim_args::strategy::maxlen;
  t.maxlen = 1;
  CHECK(*op_xtrim(w.ks, 0, "s", t) == 2);
  CHECK(s.recorded_first_id == stream_id{5, 0});
  CHECK(trim_threshold_after(w.ks, 0, "s", t) == "1");
  t.maxlen = 0;
  CHECK(*op_xtrim(w.ks, 0, "s", t) == 1);
  CHECK(s.recorded_first_id == stream_id{});
  CHECK(s.entries_added == 5);
}

TEST_CASE("stream ops: a group delivers each entry once, tracks entries-read and lag") {
  ops_test::world w;
  for (uint64_t i = 1; i <= 4; ++i)
    REQUIRE(op_xadd(w.ks, 0, "s", explicit_id({i, 0}), fv).ok());
  auto& s = stream_at(w, "s");
  REQUIRE(op_group_create(w.ks, 0, "s", s, "g", {}, 0));
  CHECK_FALSE(op_group_create(w.ks, 0, "s", s, "g", {}, 0));
  auto& g = *s.find_group("g");
  CHECK(*group_lag(s, g) == 4);
  auto a = op_read_group(s, g, "alice", false, {}, 2, false, 100);
  CHECK(a.consumer_created);
  CHECK(a.last_id_moved);
  REQUIRE(a.entries.size() == 2);
  auto b = op_read_group(s, g, "bob", false, {}, 0, false, 200);
  REQUIRE(b.entries.size() == 2);
  CHECK(b.entries[0].entry.id == stream_id{3, 0});
  CHECK(g.entries_read == 4);
  CHECK(*group_lag(s, g) == 0);
  CHECK(g.pel.size() == 4);
  CHECK(g.consumers.at("alice").pending.size() == 2);
  // History: only the consumer's own pending entries, delivery count grows.
  auto h = op_read_group(s, g, "alice", true, {}, 0, false, 300);
  REQUIRE(h.entries.size() == 2);
  CHECK(g.pel.at({1, 0}).delivery_count == 2);
  CHECK(op_xack(w.ks, 0, "s", g, {{1, 0}, {1, 0}, {7, 0}}) == 1);
  const stream_id del[] = {{2, 0}};
  REQUIRE(*op_xdel(w.ks, 0, "s", del) == 1);
  h = op_read_group(s, g, "alice", true, {}, 0, false, 400);
  REQUIRE(h.entries.size() == 1);
  CHECK(h.entries[0].missing);
  CHECK(h.entries[0].entry.id == stream_id{2, 0});
  // NOACK delivers without a PEL entry.
  REQUIRE(op_xadd(w.ks, 0, "s", explicit_id({5, 0}), fv).ok());
  auto n = op_read_group(s, g, "carol", false, {}, 0, true, 500);
  CHECK(n.entries.size() == 1);
  CHECK(g.pel.count({5, 0}) == 0);
}

TEST_CASE("stream ops: XCLAIM and XAUTOCLAIM move ownership and drop deleted entries") {
  ops_test::world w;
  for (uint64_t i = 1; i <= 5; ++i)
    REQUIRE(op_xadd(w.ks, 0, "s", explicit_id({i, 0}), fv).ok());
  auto& s = stream_at(w, "s");
  REQUIRE(op_group_create(w.ks, 0, "s", s, "g", {}, 0));
  auto& g = *s.find_group("g");
  op_read_group(s, g, "alice", false, {}, 0, false, w.ks.now_ms() - 1000);
  xclaim_args c;
  c.min_idle = 500;
  c.ids = {{1, 0}, {9, 0}};
  auto r = op_xclaim(w.ks, 0, "s", s, g, "bob", c);
  REQUIRE(r.claimed.size() == 1);
  CHECK(r.consumer_created);
  CHECK(g.pel.at({1, 0}).consumer->name == "bob");
  CHECK(g.pel.at({1, 0}).delivery_count == 2);
  c.ids = {{1, 0}};
  CHECK(op_xclaim(w.ks, 0, "s", s, g, "carol", c).claimed.empty());
  const stream_id del[] = {{2, 0}};
  REQUIRE(*op_xdel(w.ks, 0, "s", del) == 1);
  auto a = op_xautoclaim(w.ks, 0, "s", s, g, "carol", 500, {}, 2, false);
  CHECK(a.deleted == std::vector<stream_id>{{2, 0}});
  REQUIRE(a.claimed.size() == 1);
  CHECK(a.claimed[0].entry.id == stream_id{3, 0});
  CHECK(a.cursor == stream_id{4, 0});
  CHECK(g.pel.size() == 4);
  a = op_xautoclaim(w.ks, 0, "s", s, g, "carol", 0, a.cursor, 10, true);
  CHECK(a.claimed.size() == 2);
  CHECK(a.cursor == stream_id{});
  CHECK(g.consumers.at("carol").pending.size() == 3);
  CHECK(g.consumers.at("alice").pending.empty());
  CHECK(op_group_del_consumer(w.ks, 0, "s", g, "carol") == 3);
  CHECK(g.pel.size() == 1);
}

namespace {

struct collecting_stream : write_sink {
  std::vector<actis::protocol::command_args> emitted;
  void emit(int, actis::protocol::command_args cmd) override { emitted.push_back(std::move(cmd)); }
};

/// The stream families behind the real executor, with the write stream
/// collected.
struct family_world : ops_test::world {
  command_table table;
  collecting_stream stream;
  family_world() {
    register_stream_family(table);
    register_stream_group_family(table);
  }
  std::string run(const actis::protocol::command_args& argv) {
    std::string out, error;
    actis::protocol::reply_builder reply(out);
    const auto* spec = table.resolve(argv, error);
    REQUIRE_MESSAGE(spec != nullptr, error);
    keyspace view(parts, 1, &stream, ks.now_ms());
    execute(*spec, argv, reply, &view, 0, nullptr);
    return out;
  }
};

std::string joined(const actis::protocol::command_args& cmd) {
  std::string s;
  for (auto& a : cmd)
    s += (s.empty() ? "" : " ") + a;
  return s;
}

} // namespace

TEST_CASE("stream family: deliveries and claims propagate as Redis 7.0's XCLAIM / XGROUP forms") {
  family_world w;
  const std::string t = std::to_string(ops_test::world::start_ms);
  w.run({"XADD", "s", "*", "a", "1"});
  w.run({"XADD", "s", t + "-*", "a", "2"});
  REQUIRE(w.stream.emitted.size() == 2);
  CHECK(joined(w.stream.emitted[0]) == "XADD s " + t + "-0 a 1");
  CHECK(joined(w.stream.emitted[1]) == "XADD s " + t + "-1 a 2");
  w.stream.emitted.clear();
  for (int i = 0; i < 150; ++i)
    w.run({"XADD", "big", "1-" + std::to_string(i + 1), "f", "v"});
  w.stream.emitted.clear();
  w.run({"XADD", "big", "MAXLEN", "~", "10", "LIMIT", "100", "2-*", "f", "v"});
  REQUIRE(w.stream.emitted.size() == 1);
  CHECK(joined(w.stream.emitted[0]) == "XADD big MAXLEN = 51 2-0 f v");
  w.stream.emitted.clear();

  w.run({"XGROUP", "CREATE", "s", "g", "0"});
  w.run({"XREADGROUP", "GROUP", "g", "alice", "COUNT", "1", "STREAMS", "s", ">"});
  w.run({"XREADGROUP", "GROUP", "g", "bob", "NOACK", "STREAMS", "s", ">"});
  w.run({"XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", "0"});
  w.run({"XCLAIM", "s", "g", "carol", "0", t + "-0", "JUSTID"});
  w.run({"XCLAIM", "s", "g", "carol", "0", "LASTID", "9999999999999-0"});
  std::vector<std::string> got;
  for (auto& c : w.stream.emitted)
    got.push_back(joined(c));
  const std::vector<std::string> want = {
      "XGROUP CREATE s g 0",
      "XCLAIM s g alice 0 " + t + "-0 TIME " + t + " RETRYCOUNT 1 FORCE JUSTID LASTID " + t + "-0",
      "XGROUP CREATECONSUMER s g bob",
      "XGROUP SETID s g " + t + "-1 ENTRIESREAD 2",
      "XGROUP CREATECONSUMER s g carol",
      "XCLAIM s g carol 0 " + t + "-0 TIME " + t + " RETRYCOUNT 2 FORCE JUSTID LASTID " + t + "-1",
      "XGROUP SETID s g 9999999999999-0 ENTRIESREAD 2",
  };
  CHECK(got == want);

  // Replaying the write stream rebuilds the same groups and PELs.
  family_world replica;
  replica.run({"XADD", "s", t + "-0", "a", "1"});
  replica.run({"XADD", "s", t + "-1", "a", "2"});
  for (auto& cmd : w.stream.emitted)
    replica.run(cmd);
  for (auto* argv : {"XINFO GROUPS s", "XPENDING s g - + 10", "XPENDING s g"}) {
    actis::protocol::command_args cmd;
    std::string part;
    for (const char* c = argv;; ++c) {
      if (*c == ' ' || *c == '\0') {
        cmd.push_back(part);
        part.clear();
        if (*c == '\0')
          break;
      } else {
        part += *c;
      }
    }
    CHECK(w.run(cmd) == replica.run(cmd));
  }
}

namespace {

struct recording_events : keyspace_event_sink {
  std::vector<std::string> events;
  void publish(int, std::string_view key, std::string_view name, int) override {
    events.push_back(std::string(name) + " " + std::string(key));
  }
};

/// notify-keyspace-events for one test, cleared afterwards.
struct keyspace_events {
  explicit keyspace_events(const std::string& flags) { apply(flags); }
  ~keyspace_events() { apply(""); }
  static void apply(const std::string& flags) {
    CHECK(actis::config::registry::instance().set({{"notify-keyspace-events", flags}}) == "");
  }
};

} // namespace

TEST_CASE("stream family: keyspace events and change counts as Redis reports them") {
  keyspace_events on("KEA");
  family_world w;
  recording_events sink;
  w.part.observers.events = &sink;
  struct step {
    actis::protocol::command_args argv;
    std::vector<std::string> events;
    uint64_t dirty;
  };
  const std::vector<step> steps = {
      {{"XADD", "ev", "1-0", "a", "1"}, {"xadd ev"}, 1},
      {{"XADD", "ev", "2-0", "a", "2"}, {"xadd ev"}, 1},
      {{"XADD", "ev", "MAXLEN", "1", "3-0", "a", "3"}, {"xadd ev", "xtrim ev"}, 1},
      {{"XADD", "ev", "NOMKSTREAM", "MAXLEN", "5", "4-0", "a", "3"}, {"xadd ev"}, 1},
      {{"XTRIM", "ev", "MAXLEN", "0"}, {"xtrim ev"}, 2},
      {{"XTRIM", "ev", "MAXLEN", "0"}, {}, 0},
      {{"XADD", "ev", "5-0", "a", "4"}, {"xadd ev"}, 1},
      {{"XDEL", "ev", "5-0", "9-0"}, {"xdel ev"}, 1},
      {{"XDEL", "ev", "5-0"}, {}, 0},
      {{"XSETID", "ev", "10-0"}, {"xsetid ev"}, 1},
      {{"XGROUP", "CREATE", "ev", "g", "$"}, {"xgroup-create ev"}, 1},
      {{"XGROUP", "SETID", "ev", "g", "0"}, {"xgroup-setid ev"}, 1},
      {{"XGROUP", "CREATECONSUMER", "ev", "g", "c"}, {"xgroup-createconsumer ev"}, 1},
      {{"XGROUP", "CREATECONSUMER", "ev", "g", "c"}, {}, 0},
      {{"XADD", "ev", "11-0", "a", "1"}, {"xadd ev"}, 1},
      {{"XREADGROUP", "GROUP", "g", "c2", "STREAMS", "ev", ">"},
       {"xgroup-createconsumer ev"}, 2},
      {{"XACK", "ev", "g", "11-0"}, {}, 1},
      {{"XCLAIM", "ev", "g", "c3", "0", "11-0", "FORCE", "JUSTID"},
       {"xgroup-createconsumer ev"}, 2},
      {{"XGROUP", "DELCONSUMER", "ev", "g", "c"}, {"xgroup-delconsumer ev"}, 1},
      {{"XGROUP", "DESTROY", "ev", "g"}, {"xgroup-destroy ev"}, 1},
      {{"XGROUP", "CREATE", "ev2", "g", "$", "MKSTREAM"}, {"xgroup-create ev2"}, 1},
  };
  for (const auto& s : steps) {
    sink.events.clear();
    uint64_t before = w.dirty();
    w.run(s.argv);
    CAPTURE(joined(s.argv));
    CHECK(sink.events == s.events);
    CHECK(w.dirty() - before == s.dirty);
  }
}

TEST_CASE("stream ops: DUMP of a stream answers its payload") {
  ops_test::world w;
  REQUIRE(op_xadd(w.ks, 0, "s", explicit_id({1, 0}), fv).ok());
  CHECK(op_dump(w.ks, 0, "s").ok());
}
