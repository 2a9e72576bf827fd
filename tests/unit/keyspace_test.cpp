// The keyspace view (lazy and active expiry, propagation) and the generic
// command family, driven directly through the command table and executor.
#include <doctest/doctest.h>

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "commands/command.hpp"
#include "commands/context.hpp"
#include "commands/executor.hpp"
#include "commands/families.hpp"
#include "commands/keyspace.hpp"
#include "commands/summary.hpp"
#include "datatypes/strutil.hpp"

using namespace actis;
using commands::keyspace;
using commands::partition_data;
using datatypes::value;
using protocol::command_args;

namespace {

struct collecting_sink : commands::write_sink {
  std::vector<std::pair<int, command_args>> emitted;
  void emit(int db, command_args cmd) override { emitted.emplace_back(db, std::move(cmd)); }
};

/// `partitions` partitions of 16 databases, all held, as an all_partitions
/// transaction (or a multi-key command) sees them.
struct world {
  explicit world(uint32_t partitions = 4) : count(partitions) {
    for (uint32_t i = 0; i < partitions; ++i) {
      data.push_back(std::make_unique<partition_data>(i, 16));
      parts.push_back(data.back().get());
    }
    commands::register_generic_family(table);
  }

  keyspace ks() { return keyspace(parts, count, &sink, now); }

  /// Runs one command as the server would and returns the raw RESP reply.
  std::string run(command_args argv, int db = 0) {
    std::string out;
    protocol::reply_builder reply(out);
    std::string error;
    const auto* spec = table.resolve(argv, error);
    if (spec == nullptr)
      return "-" + error + "\r\n";
    if (spec->scope == commands::exec_scope::summaries) {
      std::vector<commands::partition_summary> summaries;
      for (auto* p : parts)
        summaries.push_back(commands::summarize(*p, now));
      commands::execute(*spec, argv, reply, nullptr, db, nullptr, &summaries);
      return out;
    }
    auto view = ks();
    commands::execute(*spec, argv, reply, &view, db, nullptr);
    return out;
  }

  void set(std::string_view key, std::string_view v, int64_t expire_at = -1, int db = 0) {
    auto view = ks();
    auto& e = view.set(db, key, value::from_string(v));
    if (expire_at != -1)
      view.set_expire(db, e, expire_at);
  }

  partition_data& owner(std::string_view key) {
    return *data[keyspace::partition_of(key, count)];
  }

  uint64_t expired_keys() const {
    uint64_t n = 0;
    for (auto& p : data)
      n += p->stats.expired_keys;
    return n;
  }

  uint32_t count;
  std::vector<std::unique_ptr<partition_data>> data;
  std::vector<partition_data*> parts;
  collecting_sink sink;
  commands::command_table table;
  int64_t now = 1'700'000'000'000;
};

std::string integer(long long v) { return ":" + std::to_string(v) + "\r\n"; }
std::string bulk(std::string_view s) {
  return "$" + std::to_string(s.size()) + "\r\n" + std::string(s) + "\r\n";
}
const std::string ok = "+OK\r\n";
const std::string nil = "$-1\r\n";

/// Two keys that live in different partitions.
std::pair<std::string, std::string> keys_in_different_partitions(uint32_t partitions) {
  std::string a = "key:0";
  for (int i = 1;; ++i) {
    std::string b = "key:" + std::to_string(i);
    if (keyspace::partition_of(a, partitions) != keyspace::partition_of(b, partitions))
      return {a, b};
  }
}

/// Reads a SCAN reply: next cursor and keys.
uint64_t parse_scan_reply(const std::string& r, std::vector<std::string>& keys) {
  size_t pos = r.find("\r\n", 0) + 2;     // *2
  pos = r.find("\r\n", pos) + 2;          // $len of cursor
  size_t end = r.find("\r\n", pos);
  uint64_t cursor = std::stoull(r.substr(pos, end - pos));
  pos = end + 2;
  size_t n_end = r.find("\r\n", pos);
  size_t n = std::stoul(r.substr(pos + 1, n_end - pos - 1));
  pos = n_end + 2;
  for (size_t i = 0; i < n; ++i) {
    size_t len_end = r.find("\r\n", pos);
    size_t len = std::stoul(r.substr(pos + 1, len_end - pos - 1));
    keys.push_back(r.substr(len_end + 2, len));
    pos = len_end + 2 + len + 2;
  }
  return cursor;
}

} // namespace

TEST_CASE("partition_of follows the cluster hash slot") {
  CHECK(keyspace::partition_of("foo", 16384) == datatypes::key_hash_slot("foo"));
  CHECK(keyspace::partition_of("{user}a", 7) == keyspace::partition_of("{user}b", 7));
}

TEST_CASE("lazy expiry deletes on access and propagates DEL first") {
  world w;
  w.set("k", "v", w.now + 100);
  auto ks = w.ks();
  REQUIRE(ks.lookup_read(0, "k") != nullptr);
  CHECK(w.owner("k").stats.keyspace_hits == 1);

  ks.set_now_ms(w.now + 100);
  CHECK(ks.lookup_read(0, "k") == nullptr);
  CHECK(w.owner("k").stats.keyspace_misses == 1);
  CHECK(w.expired_keys() == 1);
  CHECK(w.owner("k").dbs[0].size() == 0);
  REQUIRE(w.sink.emitted.size() == 1);
  CHECK(w.sink.emitted[0].second == command_args{"DEL", "k"});

  // A later DEL of the (already gone) key neither counts nor propagates.
  w.now += 200;
  CHECK(w.run({"DEL", "k"}) == integer(0));
  CHECK(w.sink.emitted.size() == 1);
}

TEST_CASE("DEL of an expired key propagates only the expiry DEL") {
  world w;
  w.set("a", "1", w.now - 1);
  w.set("b", "2");
  CHECK(w.run({"del", "a", "b", "c"}) == integer(1));
  REQUIRE(w.sink.emitted.size() == 2);
  CHECK(w.sink.emitted[0].second == command_args{"DEL", "a"});
  CHECK(w.sink.emitted[1].second == command_args{"del", "a", "b", "c"});
}

TEST_CASE("write lookups do not count hits or misses") {
  world w;
  w.set("k", "v");
  auto ks = w.ks();
  CHECK(ks.lookup_write(0, "k") != nullptr);
  CHECK(ks.lookup_write(0, "nope") == nullptr);
  CHECK(w.owner("k").stats.keyspace_hits == 0);
  CHECK(w.owner("nope").stats.keyspace_misses == 0);
}

TEST_CASE("active expire removes expired volatile keys and propagates DELs") {
  world w(1);
  for (int i = 0; i < 200; ++i)
    w.set("gone:" + std::to_string(i), "x", w.now - 10);
  for (int i = 0; i < 50; ++i)
    w.set("live:" + std::to_string(i), "x", w.now + 100000);
  for (int i = 0; i < 50; ++i)
    w.set("forever:" + std::to_string(i), "x");
  auto& p = *w.data[0];
  size_t expired = keyspace::active_expire(p, w.now, 1'000'000, &w.sink);
  // It keeps sampling while more than 10% of a sample was stale, so at most
  // a small stale share may survive one cycle.
  CHECK(expired >= 180);
  CHECK(p.stats.expired_keys == expired);
  CHECK(w.sink.emitted.size() == expired);
  for (auto& [db, cmd] : w.sink.emitted) {
    CHECK(db == 0);
    CHECK(cmd[0] == "DEL");
    CHECK(cmd[1].rfind("gone:", 0) == 0);
  }
  // Repeated cycles get rid of the rest and never touch live keys.
  for (int i = 0; i < 20; ++i)
    keyspace::active_expire(p, w.now, 1'000'000, &w.sink);
  CHECK(p.stats.expired_keys == 200);
  CHECK(p.dbs[0].size() == 100);
  CHECK(p.stats.expired_stale_perc > 0);
}

TEST_CASE("active expire covers every database") {
  world w(1);
  w.set("a", "x", w.now - 1, 0);
  w.set("b", "x", w.now - 1, 3);
  w.set("c", "x", w.now - 1, 15);
  CHECK(keyspace::active_expire(*w.data[0], w.now, 1'000'000, &w.sink) == 3);
  std::set<int> dbs;
  for (auto& [db, cmd] : w.sink.emitted)
    dbs.insert(db);
  CHECK(dbs == std::set<int>{0, 3, 15});
}

TEST_CASE("EXPIRE family replies and propagation") {
  world w;
  w.set("k", "v");
  CHECK(w.run({"expire", "k", "100"}) == integer(1));
  REQUIRE(w.sink.emitted.size() == 1);
  CHECK(w.sink.emitted[0].second ==
        command_args{"PEXPIREAT", "k", std::to_string(w.now + 100000)});
  CHECK(w.run({"ttl", "k"}) == integer(100));
  CHECK(w.run({"pttl", "k"}) == integer(100000));
  CHECK(w.run({"expiretime", "k"}) == integer((w.now + 100000 + 500) / 1000));
  CHECK(w.run({"pexpiretime", "k"}) == integer(w.now + 100000));

  // Options are kept in the propagated PEXPIREAT.
  CHECK(w.run({"pexpire", "k", "5000", "lt"}) == integer(1));
  CHECK(w.sink.emitted.back().second ==
        command_args{"PEXPIREAT", "k", std::to_string(w.now + 5000), "lt"});
  CHECK(w.run({"pexpire", "k", "9000", "lt"}) == integer(0));
  CHECK(w.run({"pexpire", "k", "9000", "gt"}) == integer(1));
  CHECK(w.run({"expire", "k", "1", "nx"}) == integer(0));
  CHECK(w.run({"expire", "k", "1", "xx"}) == integer(1));
  // PEXPIREAT keeps its own name and time argument.
  CHECK(w.run({"pexpireat", "k", std::to_string(w.now + 7777)}) == integer(1));
  CHECK(w.sink.emitted.back().second ==
        command_args{"pexpireat", "k", std::to_string(w.now + 7777)});

  CHECK(w.run({"persist", "k"}) == integer(1));
  CHECK(w.run({"persist", "k"}) == integer(0));
  CHECK(w.run({"ttl", "k"}) == integer(-1));
  CHECK(w.run({"expire", "k", "10", "gt"}) == integer(0));
  CHECK(w.run({"expire", "k", "10", "lt"}) == integer(1));
  CHECK(w.run({"ttl", "nokey"}) == integer(-2));
  CHECK(w.run({"expire", "nokey", "10"}) == integer(0));
}

TEST_CASE("EXPIRE in the past deletes and propagates DEL") {
  world w;
  w.set("k", "v");
  auto before = w.sink.emitted.size();
  CHECK(w.run({"expire", "k", "-1"}) == integer(1));
  REQUIRE(w.sink.emitted.size() == before + 1);
  CHECK(w.sink.emitted.back().second == command_args{"DEL", "k"});
  CHECK(w.run({"exists", "k"}) == integer(0));
  CHECK(w.expired_keys() == 0);
}

TEST_CASE("EXPIRE errors") {
  world w;
  w.set("k", "v");
  CHECK(w.run({"expire", "k", "10", "foo"}) == "-ERR Unsupported option foo\r\n");
  CHECK(w.run({"expire", "k", "x", "nx", "xx"}) ==
        "-ERR NX and XX, GT or LT options at the same time are not compatible\r\n");
  CHECK(w.run({"expire", "k", "10", "gt", "lt"}) ==
        "-ERR GT and LT options at the same time are not compatible\r\n");
  CHECK(w.run({"expire", "k", "x"}) == "-ERR value is not an integer or out of range\r\n");
  CHECK(w.run({"expire", "k", "99999999999999999"}) ==
        "-ERR invalid expire time in 'expire' command\r\n");
  CHECK(w.run({"pexpire", "k", "9223372036854775807"}) ==
        "-ERR invalid expire time in 'pexpire' command\r\n");
  CHECK(w.run({"pexpireat", "k", "9223372036854775807"}) == integer(1));
  CHECK(w.run({"expiretime", "k"}) == integer(9223372036854776LL));
}

TEST_CASE("EXISTS counts duplicates, TOUCH and TYPE") {
  world w;
  w.set("a", "1");
  CHECK(w.run({"exists", "a", "a", "zz"}) == integer(2));
  CHECK(w.run({"touch", "a", "zz", "a"}) == integer(2));
  CHECK(w.run({"type", "a"}) == "+string\r\n");
  CHECK(w.run({"type", "zz"}) == "+none\r\n");
}

TEST_CASE("RENAME across partitions keeps value and TTL") {
  world w;
  auto [a, b] = keys_in_different_partitions(w.count);
  w.set(a, "hello", w.now + 5000);
  CHECK(w.run({"rename", a, b}) == ok);
  CHECK(w.owner(a).dbs[0].find(a) == nullptr);
  REQUIRE(w.owner(b).dbs[0].find(b) != nullptr);
  CHECK(w.run({"pttl", b}) == integer(5000));
  CHECK(w.run({"rename", a, b}) == "-ERR no such key\r\n");
  CHECK(w.run({"rename", b, b}) == ok);
  CHECK(w.run({"renamenx", b, b}) == integer(0));
  w.set(a, "other");
  CHECK(w.run({"renamenx", b, a}) == integer(0));
  CHECK(w.run({"rename", b, a}) == ok);
  CHECK(w.run({"pttl", a}) == integer(5000));
  CHECK(w.run({"dbsize"}) == integer(1));
}

TEST_CASE("RENAME of an expired key is no such key") {
  world w;
  w.set("a", "1", w.now - 1);
  CHECK(w.run({"rename", "a", "b"}) == "-ERR no such key\r\n");
  CHECK(w.sink.emitted.back().second == command_args{"DEL", "a"});
}

TEST_CASE("COPY and MOVE between databases") {
  world w;
  w.set("src", "v", w.now + 9000);
  CHECK(w.run({"copy", "src", "src"}) == "-ERR source and destination objects are the same\r\n");
  CHECK(w.run({"copy", "src", "dst", "db", "99"}) == "-ERR DB index is out of range\r\n");
  CHECK(w.run({"copy", "src", "dst", "db", "x"}) ==
        "-ERR value is not an integer or out of range\r\n");
  CHECK(w.run({"copy", "src", "dst", "foo"}) == "-ERR syntax error\r\n");
  CHECK(w.run({"copy", "src", "src", "db", "1"}) == integer(1));
  CHECK(w.run({"pttl", "src"}, 1) == integer(9000));
  CHECK(w.run({"copy", "src", "src", "db", "1"}) == integer(0));
  CHECK(w.run({"copy", "src", "src", "db", "1", "replace"}) == integer(1));
  CHECK(w.run({"copy", "nope", "x"}) == integer(0));

  CHECK(w.run({"move", "src", "0"}) == "-ERR source and destination objects are the same\r\n");
  CHECK(w.run({"move", "src", "16"}) == "-ERR DB index is out of range\r\n");
  CHECK(w.run({"move", "src", "2147483648"}) ==
        "-ERR value is out of range, value must between -2147483648 and 2147483647\r\n");
  CHECK(w.run({"move", "src", "1"}) == integer(0));  // exists there
  CHECK(w.run({"move", "src", "2"}) == integer(1));
  CHECK(w.run({"exists", "src"}) == integer(0));
  CHECK(w.run({"pttl", "src"}, 2) == integer(9000));
  CHECK(w.run({"move", "nope", "2"}) == integer(0));
}

TEST_CASE("SWAPDB swaps in every partition") {
  world w;
  for (int i = 0; i < 20; ++i)
    w.set("k" + std::to_string(i), "x", -1, 0);
  w.set("other", "y", -1, 5);
  CHECK(w.run({"swapdb", "0", "5"}) == ok);
  CHECK(w.run({"dbsize"}, 0) == integer(1));
  CHECK(w.run({"dbsize"}, 5) == integer(20));
  CHECK(w.run({"swapdb", "x", "1"}) == "-ERR invalid first DB index\r\n");
  CHECK(w.run({"swapdb", "1", "x"}) == "-ERR invalid second DB index\r\n");
  CHECK(w.run({"swapdb", "1", "16"}) == "-ERR DB index is out of range\r\n");
  auto before = w.sink.emitted.size();
  CHECK(w.run({"swapdb", "3", "3"}) == ok);
  CHECK(w.sink.emitted.size() == before + 1);
}

TEST_CASE("KEYS matches across partitions and never shows expired keys") {
  world w;
  w.set("user:1", "a");
  w.set("user:2", "b");
  w.set("user:3", "c", w.now - 1);
  w.set("item:1", "d");
  auto r = w.run({"keys", "user:*"});
  CHECK(r.rfind("*2\r\n", 0) == 0);
  CHECK(r.find("user:1") != std::string::npos);
  CHECK(r.find("user:3") == std::string::npos);
  CHECK(w.run({"keys", "nothing*"}) == "*0\r\n");
}

TEST_CASE("SCAN visits every key across partitions") {
  world w(8);
  std::set<std::string> all;
  for (int i = 0; i < 1000; ++i) {
    std::string k = "key:" + std::to_string(i);
    w.set(k, "x");
    all.insert(k);
  }
  std::set<std::string> seen;
  uint64_t cursor = 0;
  int calls = 0;
  int added = 0;
  do {
    std::vector<std::string> keys;
    cursor = parse_scan_reply(w.run({"scan", std::to_string(cursor), "count", "7"}), keys);
    seen.insert(keys.begin(), keys.end());
    // Growing the tables mid-scan must not lose keys present throughout.
    if (++calls % 5 == 0)
      for (int j = 0; j < 20; ++j)
        w.set("extra:" + std::to_string(added++), "y");
  } while (cursor != 0 && calls < 100000);
  for (auto& k : all)
    CHECK(seen.count(k) == 1);
}

TEST_CASE("SCAN options and filters") {
  world w;
  w.set("a1", "x");
  w.set("a2", "x", w.now - 1);
  w.set("b1", "x");
  std::vector<std::string> keys;
  CHECK(parse_scan_reply(w.run({"scan", "0", "count", "100", "match", "a*"}), keys) == 0);
  CHECK(keys == std::vector<std::string>{"a1"});
  keys.clear();
  parse_scan_reply(w.run({"scan", "0", "count", "100", "type", "list"}), keys);
  CHECK(keys.empty());
  keys.clear();
  parse_scan_reply(w.run({"scan", "0", "count", "100", "type", "STRING"}), keys);
  CHECK(keys.size() == 2);
  CHECK(w.run({"scan", " 1"}) == "-ERR invalid cursor\r\n");
  CHECK(w.run({"scan", "99999999999999999999"}) == "-ERR invalid cursor\r\n");
  CHECK(w.run({"scan", "0", "count", "0"}) == "-ERR syntax error\r\n");
  CHECK(w.run({"scan", "0", "count", "x"}) == "-ERR value is not an integer or out of range\r\n");
  CHECK(w.run({"scan", "0", "match"}) == "-ERR syntax error\r\n");
  keys.clear();
  CHECK(parse_scan_reply(w.run({"scan", ""}), keys) == 0);
  // strtoul semantics: "-1" wraps to the largest cursor, which is accepted.
  keys.clear();
  parse_scan_reply(w.run({"scan", "-1"}), keys);
  CHECK(keys.size() <= 2);
}

TEST_CASE("RANDOMKEY skips expired keys") {
  world w;
  CHECK(w.run({"randomkey"}) == nil);
  for (int i = 0; i < 10; ++i)
    w.set("dead" + std::to_string(i), "x", w.now - 1);
  w.set("alive", "x");
  CHECK(w.run({"randomkey"}) == bulk("alive"));
  // Every expired key drawn on the way was deleted and its DEL propagated.
  CHECK(w.sink.emitted.size() == w.expired_keys());
}

TEST_CASE("FLUSHDB and FLUSHALL") {
  world w;
  w.set("a", "1", -1, 0);
  w.set("b", "1", -1, 1);
  CHECK(w.run({"flushdb", "x"}) == "-ERR syntax error\r\n");
  CHECK(w.run({"flushdb", "async"}) == ok);
  CHECK(w.run({"dbsize"}, 0) == integer(0));
  CHECK(w.run({"dbsize"}, 1) == integer(1));
  // Propagated even when the database was already empty.
  auto before = w.sink.emitted.size();
  CHECK(w.run({"flushdb"}) == ok);
  CHECK(w.sink.emitted.size() == before + 1);
  CHECK(w.run({"flushall", "sync"}) == ok);
  CHECK(w.run({"dbsize"}, 1) == integer(0));
  CHECK(w.run({"flushall"}) == ok);
  CHECK(w.sink.emitted.back().second == command_args{"flushall"});
}

TEST_CASE("OBJECT subcommands") {
  world w;
  w.set("n", "100");
  w.set("big", "123456");
  w.set("s", "hello");
  CHECK(w.run({"object", "encoding", "n"}) == bulk("int"));
  CHECK(w.run({"object", "encoding", "s"}) == bulk("embstr"));
  CHECK(w.run({"object", "encoding", "zz"}) == nil);
  CHECK(w.run({"object", "refcount", "n"}) == integer(2147483647));
  CHECK(w.run({"object", "refcount", "big"}) == integer(1));
  CHECK(w.run({"object", "idletime", "s"}) == integer(0));
  CHECK(w.run({"object", "freq", "zz"}) == nil);
  CHECK(w.run({"object", "freq", "s"}).rfind("-ERR An LFU maxmemory policy is not selected", 0) ==
        0);
  CHECK(w.run({"object", "foo"}) == "-ERR unknown subcommand 'foo'. Try OBJECT HELP.\r\n");
  CHECK(w.run({"object", "encoding"}) ==
        "-ERR wrong number of arguments for 'object|encoding' command\r\n");
  CHECK(w.run({"object", "help"}).rfind("*15\r\n+OBJECT <subcommand>", 0) == 0);
}

TEST_CASE("OBJECT IDLETIME handles the 24-bit clock wrap") {
  CHECK(commands::lru_idle_seconds(100, 160) == 60);
  CHECK(commands::lru_idle_seconds((1u << 24) - 11, 5) == 15);
}

TEST_CASE("command specs match COMMAND INFO") {
  world w;
  auto* del = w.table.find("del");
  REQUIRE(del != nullptr);
  CHECK(del->arity == -2);
  CHECK(del->first_key == 1);
  CHECK(del->last_key == -1);
  auto* rename = w.table.find("RENAME");
  REQUIRE(rename != nullptr);
  CHECK(rename->last_key == 2);
  CHECK(rename->scope == commands::exec_scope::keys);
  CHECK(w.table.find("scan")->scope == commands::exec_scope::all_partitions);
  CHECK(w.table.find("object")->subcommands.size() == 5);
}
