// The change-notification point (commands::notify): every command of the
// string, bitmap and generic families reports the same keyspace events as
// Redis 7.0, in the same order, and counts the same changes in the dirty
// counter. The tables were recorded from redis-server 7.0.15
// (notify-keyspace-events KEA or KEAnm, active expiry off, a
// psubscribe on __keyevent@*__:* and INFO persistence's
// rdb_changes_since_last_save around the commands).
#include <doctest/doctest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "commands/command.hpp"
#include "commands/executor.hpp"
#include "commands/families.hpp"
#include "commands/keyspace.hpp"
#include "config/config.hpp"

using namespace actis;
using commands::keyspace;
using commands::partition_data;
using protocol::command_args;

namespace {

struct event {
  std::string name;
  std::string key;
  int db = 0;
};

/// "set k, expire k@3": events in a form doctest prints on failure.
std::string describe(const std::vector<event>& events) {
  std::string out;
  for (const auto& e : events) {
    if (!out.empty())
      out += ", ";
    out += e.name + " " + e.key;
    if (e.db != 0)
      out += "@" + std::to_string(e.db);
  }
  return out;
}

struct recording_sink : commands::keyspace_event_sink {
  std::vector<event> events;
  void publish(int db, std::string_view key, std::string_view name, int) override {
    events.push_back({std::string(name), std::string(key), db});
  }
};

/// What a watch hook saw: "k" for a key of db 0, "k@3" elsewhere, "*@db"
/// for a whole database, with the keys the database held at that moment.
struct recording_watch : commands::watch_hook {
  std::vector<std::string> touches;
  std::vector<partition_data*>* parts = nullptr;
  void touched(int db, std::string_view key) override {
    touches.push_back(std::string(key) + (db != 0 ? "@" + std::to_string(db) : ""));
  }
  void touched_all(int db, int) override {
    size_t keys = 0;
    for (auto* p : *parts)
      keys += p->dbs[static_cast<size_t>(db)].size();
    touches.push_back("*@" + std::to_string(db) + " holding " + std::to_string(keys));
  }
};

/// Sets notify-keyspace-events for one test and clears it afterwards.
struct keyspace_events {
  explicit keyspace_events(const std::string& flags) { apply(flags); }
  ~keyspace_events() { apply(""); }
  static void apply(const std::string& flags) {
    CHECK(config::registry::instance().set({{"notify-keyspace-events", flags}}) == "");
  }
};

struct collecting_stream : commands::write_sink {
  std::vector<command_args> emitted;
  void emit(int, command_args cmd) override { emitted.push_back(std::move(cmd)); }
};

/// Partitions of 16 databases, all held (as a transaction sees them), with
/// the three families registered and every partition observed.
struct world {
  explicit world(uint32_t partitions = 4) : partitions(partitions) {
    for (uint32_t i = 0; i < partitions; ++i) {
      data.push_back(std::make_unique<partition_data>(i, 16));
      parts.push_back(data.back().get());
      data.back()->observers.events = &sink;
    }
    commands::register_generic_family(table);
    commands::register_string_family(table);
    commands::register_bitmap_family(table);
    watch.parts = &parts;
  }

  void observe_watch() {
    for (auto* p : parts)
      p->observers.watch = &watch;
  }

  void run(const command_args& argv, int64_t at_ms) {
    std::string out, error;
    protocol::reply_builder reply(out);
    const auto* spec = table.resolve(argv, error);
    REQUIRE_MESSAGE(spec != nullptr, error);
    keyspace ks(parts, partitions, &stream, at_ms);
    commands::execute(*spec, argv, reply, &ks, 0, nullptr);
  }

  uint64_t dirty() const {
    uint64_t sum = 0;
    for (auto* p : parts)
      sum += p->stats.dirty;
    return sum;
  }

  uint32_t partitions;
  std::vector<std::unique_ptr<partition_data>> data;
  std::vector<partition_data*> parts;
  commands::command_table table;
  recording_sink sink;
  recording_watch watch;
  collecting_stream stream;
  int64_t now = 1'700'000'000'000;
};

/// `setup` runs first (its events are dropped), then `commands` one second
/// later, so that keys set up with PX 1 have expired by then.
struct command_case {
  std::vector<command_args> setup;
  std::vector<command_args> commands;
  std::vector<event> events;
  uint64_t dirty;
};

std::string describe(const std::vector<command_args>& commands) {
  std::string out;
  for (const auto& argv : commands) {
    if (!out.empty())
      out += "; ";
    for (size_t i = 0; i < argv.size(); ++i)
      out += (i ? " " : "") + argv[i];
  }
  return out;
}

void check_cases(const std::vector<command_case>& cases) {
  for (const auto& c : cases) {
    world w;
    for (const auto& argv : c.setup)
      w.run(argv, w.now);
    w.sink.events.clear();
    uint64_t dirty_before = w.dirty();
    for (const auto& argv : c.commands)
      w.run(argv, w.now + 1000);
    CAPTURE(describe(c.commands));
    CHECK(describe(w.sink.events) == describe(c.events));
    CHECK(w.dirty() - dirty_before == c.dirty);
  }
}

} // namespace

TEST_CASE("notify: commands report Redis's events, in order, and its change counts") {
  keyspace_events on("KEA");
  check_cases({
    // Strings.
    {{},
     {{"SET", "k", "v"}},
     {{"set", "k"}}, 1},
    {{{"SET", "k", "v"}},
     {{"SET", "k", "w"}},
     {{"set", "k"}}, 1},
    {{},
     {{"SET", "k", "v", "EX", "100"}},
     {{"set", "k"}, {"expire", "k"}}, 1},
    {{},
     {{"SET", "k", "v", "PXAT", "99999999999999"}},
     {{"set", "k"}, {"expire", "k"}}, 1},
    {{{"SET", "k", "v", "EX", "100"}},
     {{"SET", "k", "w", "KEEPTTL"}},
     {{"set", "k"}}, 1},
    {{{"SET", "k", "v"}},
     {{"SET", "k", "w", "NX"}},
     {}, 0},
    {{},
     {{"SET", "k", "w", "XX"}},
     {}, 0},
    {{{"SET", "k", "v"}},
     {{"SET", "k", "w", "GET"}},
     {{"set", "k"}}, 1},
    {{},
     {{"SET", "k", "w", "GET", "EX", "10"}},
     {{"set", "k"}, {"expire", "k"}}, 1},
    {{{"SET", "k", "v", "PX", "1"}},
     {{"SET", "k", "w", "NX"}},
     {{"expired", "k"}, {"set", "k"}}, 1},
    {{},
     {{"SETNX", "k", "v"}},
     {{"set", "k"}}, 1},
    {{{"SET", "k", "v"}},
     {{"SETNX", "k", "v"}},
     {}, 0},
    {{},
     {{"SETEX", "k", "10", "v"}},
     {{"set", "k"}, {"expire", "k"}}, 1},
    {{},
     {{"PSETEX", "k", "10000", "v"}},
     {{"set", "k"}, {"expire", "k"}}, 1},
    {{{"SET", "k", "v"}},
     {{"GETSET", "k", "w"}},
     {{"set", "k"}}, 1},
    {{{"SET", "k", "v"}},
     {{"GETDEL", "k"}},
     {{"del", "k"}}, 1},
    {{},
     {{"GETDEL", "k"}},
     {}, 0},
    {{{"SET", "k", "v"}},
     {{"GETEX", "k", "EX", "100"}},
     {{"expire", "k"}}, 1},
    {{{"SET", "k", "v"}},
     {{"GETEX", "k", "PXAT", "1"}},
     {{"del", "k"}}, 1},
    {{{"SET", "k", "v", "EX", "100"}},
     {{"GETEX", "k", "PERSIST"}},
     {{"persist", "k"}}, 1},
    {{{"SET", "k", "v"}},
     {{"GETEX", "k", "PERSIST"}},
     {}, 0},
    {{{"SET", "k", "v"}},
     {{"GETEX", "k"}},
     {}, 0},
    {{},
     {{"MSET", "a", "1", "b", "2"}},
     {{"set", "a"}, {"set", "b"}}, 2},
    {{},
     {{"MSETNX", "a", "1", "b", "2"}},
     {{"set", "a"}, {"set", "b"}}, 2},
    {{{"SET", "a", "1"}},
     {{"MSETNX", "a", "1", "b", "2"}},
     {}, 0},
    {{},
     {{"APPEND", "k", "abc"}},
     {{"append", "k"}}, 1},
    {{{"SET", "k", "v"}},
     {{"APPEND", "k", "abc"}},
     {{"append", "k"}}, 1},
    {{{"SET", "k", "1"}},
     {{"INCR", "k"}},
     {{"incrby", "k"}}, 1},
    {{},
     {{"DECR", "k"}},
     {{"incrby", "k"}}, 1},
    {{},
     {{"INCRBY", "k", "5"}},
     {{"incrby", "k"}}, 1},
    {{},
     {{"DECRBY", "k", "5"}},
     {{"incrby", "k"}}, 1},
    {{{"SET", "k", "x"}},
     {{"INCR", "k"}},
     {}, 0},
    {{},
     {{"INCRBYFLOAT", "k", "1.5"}},
     {{"incrbyfloat", "k"}}, 1},
    {{{"SET", "k", "x"}},
     {{"INCRBYFLOAT", "k", "1"}},
     {}, 0},
    {{},
     {{"SETRANGE", "k", "3", "abc"}},
     {{"setrange", "k"}}, 1},
    {{{"SET", "k", "v"}},
     {{"SETRANGE", "k", "0", ""}},
     {}, 0},
    {{{"SET", "k", "v"}},
     {{"GET", "k"}, {"STRLEN", "k"}, {"GETRANGE", "k", "0", "-1"}, {"MGET", "k", "j"}, {"LCS", "k", "j"}},
     {}, 0},
    // Bitmaps: BITOP stores with "set" or removes with "del".
    {{},
     {{"SETBIT", "k", "7", "1"}},
     {{"setbit", "k"}}, 1},
    {{{"SETBIT", "k", "7", "1"}},
     {{"SETBIT", "k", "7", "1"}},
     {}, 0},
    {{{"SETBIT", "k", "7", "1"}},
     {{"SETBIT", "k", "7", "0"}},
     {{"setbit", "k"}}, 1},
    {{{"SET", "k", "abc"}},
     {{"SETBIT", "k", "100", "0"}},
     {{"setbit", "k"}}, 1},
    {{{"SET", "a", "x"}, {"SET", "b", "y"}},
     {{"BITOP", "AND", "d", "a", "b"}},
     {{"set", "d"}}, 1},
    {{{"SET", "d", "x"}},
     {{"BITOP", "AND", "d", "a", "b"}},
     {{"del", "d"}}, 1},
    {{},
     {{"BITOP", "AND", "d", "a", "b"}},
     {}, 0},
    {{},
     {{"BITFIELD", "k", "SET", "u8", "0", "7"}},
     {{"setbit", "k"}}, 1},
    {{},
     {{"BITFIELD", "k", "SET", "u8", "0", "7", "INCRBY", "u8", "0", "1"}},
     {{"setbit", "k"}}, 2},
    {{{"SET", "k", "abc"}},
     {{"BITFIELD", "k", "SET", "u8", "0", "97"}},
     {}, 0},
    {{{"SET", "k", "abc"}},
     {{"BITFIELD", "k", "SET", "u8", "0", "1", "SET", "u8", "8", "1"}},
     {{"setbit", "k"}}, 2},
    {{},
     {{"BITFIELD", "k", "GET", "u8", "0"}},
     {}, 0},
    {{},
     {{"BITFIELD", "k", "OVERFLOW", "FAIL", "INCRBY", "u8", "0", "300"}},
     {}, 0},
    {{{"SET", "k", "abc"}},
     {{"GETBIT", "k", "1"}, {"BITCOUNT", "k"}, {"BITPOS", "k", "1"}, {"BITFIELD_RO", "k", "GET", "u8", "0"}},
     {}, 0},
    // Generic commands. FLUSHDB, FLUSHALL and SWAPDB publish nothing.
    {{{"SET", "a", "1"}, {"SET", "b", "2"}},
     {{"DEL", "a", "b", "c"}},
     {{"del", "a"}, {"del", "b"}}, 2},
    {{{"SET", "a", "1"}},
     {{"UNLINK", "a", "c"}},
     {{"del", "a"}}, 1},
    {{{"SET", "a", "1"}},
     {{"RENAME", "a", "b"}},
     {{"rename_from", "a"}, {"rename_to", "b"}}, 1},
    {{{"SET", "a", "1"}, {"SET", "b", "2", "EX", "100"}},
     {{"RENAME", "a", "b"}},
     {{"rename_from", "a"}, {"rename_to", "b"}}, 1},
    {{{"SET", "a", "1"}},
     {{"RENAME", "a", "a"}},
     {}, 0},
    {{{"SET", "a", "1"}},
     {{"RENAMENX", "a", "b"}},
     {{"rename_from", "a"}, {"rename_to", "b"}}, 1},
    {{{"SET", "a", "1"}, {"SET", "b", "2"}},
     {{"RENAMENX", "a", "b"}},
     {}, 0},
    {{{"SET", "a", "1", "PX", "1"}, {"SET", "b", "x"}},
     {{"RENAME", "b", "a"}},
     {{"expired", "a"}, {"rename_from", "b"}, {"rename_to", "a"}}, 1},
    {{{"SET", "a", "1"}},
     {{"COPY", "a", "b"}},
     {{"copy_to", "b"}}, 1},
    {{{"SET", "a", "1"}, {"SET", "b", "2"}},
     {{"COPY", "a", "b", "REPLACE"}},
     {{"copy_to", "b"}}, 1},
    {{{"SET", "a", "1"}},
     {{"COPY", "a", "b", "DB", "3"}},
     {{"copy_to", "b", 3}}, 1},
    {{{"SET", "a", "1"}, {"SET", "b", "2"}},
     {{"COPY", "a", "b"}},
     {}, 0},
    {{{"SET", "a", "1"}},
     {{"MOVE", "a", "3"}},
     {{"move_from", "a"}, {"move_to", "a", 3}}, 1},
    {{{"SET", "a", "1"}},
     {{"SWAPDB", "0", "1"}},
     {}, 1},
    {{{"SET", "a", "1"}},
     {{"EXPIRE", "a", "100"}},
     {{"expire", "a"}}, 1},
    {{{"SET", "a", "1"}},
     {{"EXPIRE", "a", "-1"}},
     {{"del", "a"}}, 1},
    {{{"SET", "a", "1"}},
     {{"PEXPIRE", "a", "100000"}},
     {{"expire", "a"}}, 1},
    {{{"SET", "a", "1"}},
     {{"EXPIREAT", "a", "1"}},
     {{"del", "a"}}, 1},
    {{{"SET", "a", "1"}},
     {{"PEXPIREAT", "a", "99999999999999"}},
     {{"expire", "a"}}, 1},
    {{{"SET", "a", "1"}},
     {{"EXPIRE", "a", "100", "XX"}},
     {}, 0},
    {{{"SET", "a", "1", "EX", "100"}},
     {{"PERSIST", "a"}},
     {{"persist", "a"}}, 1},
    {{{"SET", "a", "1"}},
     {{"PERSIST", "a"}},
     {}, 0},
    {{{"SET", "a", "1"}, {"SET", "b", "1"}},
     {{"FLUSHDB"}},
     {}, 2},
    {{{"SET", "a", "1"}, {"SET", "b", "1"}},
     {{"FLUSHALL"}},
     {}, 2},
    {{{"SET", "a", "1"}},
     {{"TOUCH", "a"}, {"EXISTS", "a"}, {"TYPE", "a"}, {"TTL", "a"}, {"OBJECT", "ENCODING", "a"}},
     {}, 0},
    // Lazy expiry: any lookup of an expired key reports "expired" first.
    {{{"SET", "a", "1", "PX", "1"}},
     {{"GET", "a"}},
     {{"expired", "a"}}, 0},
    {{{"SET", "a", "1", "PX", "1"}},
     {{"DEL", "a"}},
     {{"expired", "a"}}, 0},
    {{{"SET", "a", "1", "PX", "1"}},
     {{"INCR", "a"}},
     {{"expired", "a"}, {"incrby", "a"}}, 1},
    {{{"SET", "a", "1", "PX", "1"}},
     {{"EXISTS", "a"}},
     {{"expired", "a"}}, 0},
    {{{"SET", "a", "1", "PX", "1"}},
     {{"TTL", "a"}},
     {{"expired", "a"}}, 0},
    {{{"SET", "a", "1", "PX", "1"}},
     {{"EXPIRE", "a", "100"}},
     {{"expired", "a"}}, 0},
    {{{"SET", "a", "1", "PX", "1"}},
     {{"SCAN", "0"}},
     {{"expired", "a"}}, 0}
  });
}

TEST_CASE("notify: new-key and key-miss announcements as Redis makes them") {
  keyspace_events on("KEAnm");
  check_cases({
    {{},
     {{"SET", "k", "v"}},
     {{"new", "k"}, {"set", "k"}}, 1},
    {{},
     {{"SET", "k", "v", "GET"}},
     {{"keymiss", "k"}, {"new", "k"}, {"set", "k"}}, 1},
    {{},
     {{"GET", "k"}, {"STRLEN", "k"}, {"MGET", "k", "j"}, {"GETDEL", "k"}, {"GETEX", "k"}, {"GETSET", "k", "v"}},
     {{"keymiss", "k"}, {"keymiss", "k"}, {"keymiss", "k"}, {"keymiss", "j"}, {"keymiss", "k"}, {"keymiss", "k"}, {"keymiss", "k"}, {"new", "k"}, {"set", "k"}}, 1},
    {{},
     {{"EXISTS", "k"}, {"TYPE", "k"}, {"TTL", "k"}, {"TOUCH", "k"}, {"OBJECT", "ENCODING", "k"}},
     {{"keymiss", "k"}, {"keymiss", "k"}, {"keymiss", "k"}, {"keymiss", "k"}}, 0},
    {{{"SET", "a", "1"}},
     {{"RENAME", "a", "b"}},
     {{"new", "b"}, {"rename_from", "a"}, {"rename_to", "b"}}, 1},
    {{{"SET", "a", "1"}},
     {{"MOVE", "a", "2"}},
     {{"new", "a", 2}, {"move_from", "a"}, {"move_to", "a", 2}}, 1},
    {{{"SET", "a", "1"}},
     {{"COPY", "a", "b"}},
     {{"new", "b"}, {"copy_to", "b"}}, 1},
    {{},
     {{"COPY", "a", "b"}},
     {{"keymiss", "a"}}, 0},
    {{},
     {{"MSET", "a", "1", "b", "2"}},
     {{"new", "a"}, {"set", "a"}, {"new", "b"}, {"set", "b"}}, 2},
    {{},
     {{"BITFIELD", "k", "OVERFLOW", "FAIL", "INCRBY", "u8", "0", "300"}},
     {{"new", "k"}}, 0},
    {{},
     {{"BITOP", "NOT", "d", "a"}},
     {{"keymiss", "a"}}, 0},
    {{{"SET", "a", "x"}},
     {{"BITOP", "NOT", "d", "a"}},
     {{"new", "d"}, {"set", "d"}}, 1},
    {{{"SET", "a", "1", "PX", "1"}},
     {{"GET", "a"}},
     {{"expired", "a"}, {"keymiss", "a"}}, 0},
    {{},
     {{"SETBIT", "k", "1", "1"}, {"APPEND", "j", "x"}, {"INCR", "i"}, {"INCRBYFLOAT", "f", "1"}, {"SETRANGE", "r", "1", "x"}},
     {{"new", "k"}, {"setbit", "k"}, {"new", "j"}, {"append", "j"}, {"new", "i"}, {"incrby", "i"}, {"new", "f"}, {"incrbyfloat", "f"}, {"new", "r"}, {"setrange", "r"}}, 5}
  });
}

TEST_CASE("notify: the active expire cycle reports expired keys without counting changes") {
  keyspace_events on("KEA");
  world w;
  for (auto key : {"a", "b", "c"})
    w.run({"SET", key, "v", "PX", "1"}, w.now);
  w.run({"SET", "kept", "v", "EX", "100"}, w.now);
  w.sink.events.clear();
  uint64_t dirty_before = w.dirty();
  for (auto* p : w.parts)
    keyspace::active_expire(*p, w.now + 1000, 1'000'000, &w.stream);
  std::vector<std::string> expired;
  for (const auto& e : w.sink.events) {
    CHECK(e.name == "expired");
    expired.push_back(e.key);
  }
  std::sort(expired.begin(), expired.end());
  CHECK(expired == std::vector<std::string>{"a", "b", "c"});
  CHECK(w.dirty() == dirty_before);
}

TEST_CASE("notify: notify-keyspace-events decides which events are built") {
  world w;
  auto events_of = [&](const std::string& flags) {
    keyspace_events set(flags);
    w.sink.events.clear();
    w.run({"SET", "k", "v", "EX", "100"}, w.now);
    w.run({"DEL", "k"}, w.now);
    return describe(w.sink.events);
  };
  CHECK(events_of("") == "");
  CHECK(events_of("A") == "");  // neither keyspace (K) nor keyevent (E) channels
  CHECK(events_of("K$") == "set k");
  CHECK(events_of("Eg") == "expire k, del k");
  CHECK(events_of("KA") == "set k, expire k, del k");
  // Changes are counted whatever is published.
  uint64_t before = w.dirty();
  events_of("");
  CHECK(w.dirty() == before + 2);
}

TEST_CASE("notify: the watch hook sees every change, whole databases before they go") {
  keyspace_events off("");
  world w(1);
  w.observe_watch();
  w.run({"SET", "a", "1"}, w.now);
  w.run({"SET", "gone", "1", "PX", "1"}, w.now);
  w.run({"GET", "a"}, w.now);
  w.run({"GET", "missing"}, w.now);
  w.run({"RENAME", "a", "b"}, w.now);
  w.run({"MOVE", "b", "3"}, w.now);
  w.run({"EXISTS", "gone"}, w.now + 1000);
  // SET ... PX reports "set" and "expire": touched twice, harmless for WATCH.
  CHECK(w.watch.touches ==
        std::vector<std::string>{"a", "gone", "gone", "a", "b", "b", "b@3", "gone"});
  w.watch.touches.clear();
  w.run({"SET", "c", "1"}, w.now);
  w.run({"SWAPDB", "0", "3"}, w.now);
  w.run({"FLUSHDB"}, w.now);
  CHECK(w.watch.touches ==
        std::vector<std::string>{"c", "*@0 holding 1", "*@3 holding 1", "*@0 holding 1"});

  // Each partition tells its own watchers.
  world four(4);
  four.observe_watch();
  four.run({"FLUSHALL"}, four.now);
  CHECK(std::count(four.watch.touches.begin(), four.watch.touches.end(), "*@0 holding 0") == 4);
  CHECK(four.watch.touches.size() == 4 * 16);
}

TEST_CASE("notify: SWAPDB of a database with itself moves nothing but counts and is replicated") {
  world w;
  w.observe_watch();
  uint64_t before = w.dirty();
  w.run({"SWAPDB", "2", "2"}, w.now);
  CHECK(w.dirty() == before + 1); // as redis-server 7.0's rdb_changes_since_last_save
  CHECK(w.watch.touches.empty());
  REQUIRE(w.stream.emitted.size() == 1);
  CHECK(w.stream.emitted[0] == command_args{"SWAPDB", "2", "2"});
}
