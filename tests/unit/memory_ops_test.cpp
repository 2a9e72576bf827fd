// MEMORY USAGE's figure for every type (bigger values report more, SAMPLES
// 0 is the exact figure, sampling stays close to it), its option parsing,
// nil for missing and expired keys, and MEMORY STATS's sums.
#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "commands/memory_ops.hpp"
#include "datatypes/hash_value.hpp"
#include "datatypes/list_value.hpp"
#include "datatypes/set_value.hpp"
#include "datatypes/stream.hpp"
#include "datatypes/zset.hpp"
#include "ops_fixture.hpp"

using namespace actis::commands;
using namespace actis::datatypes;
using ops_test::world;

namespace {

std::string member(size_t i, size_t width = 8) {
  std::string s = "m" + std::to_string(i);
  s.resize(width, 'x');
  return s;
}

value string_of(size_t n) { return value::from_string(std::string(n, 'v')); }

value hash_of(size_t n, const hash_limits& lim = {}) {
  value v = make_hash();
  for (size_t i = 0; i < n; ++i)
    as_hash(v).set(member(i), "val", lim);
  return v;
}

value list_of(size_t n) {
  value v = make_list_value();
  for (size_t i = 0; i < n; ++i)
    list_items(v).push_back(member(i), quicklist_limits{});
  return v;
}

/// Integers stay an intset up to `max_intset`; words make a hashtable.
value set_of(size_t n, bool integers, size_t max_intset = 512) {
  value v = set_value::make_for(integers ? "0" : member(0));
  for (size_t i = 0; i < n; ++i)
    set_value::add(v, integers ? std::to_string(i) : member(i), max_intset);
  return v;
}

value zset_of(size_t n, const zset_limits& lim = {}) {
  auto z = std::make_unique<zset>(lim, 8);
  for (size_t i = 0; i < n; ++i)
    z->insert(member(i), static_cast<double>(i), lim);
  return value::from_collection(std::move(z));
}

value stream_of(size_t n) {
  auto s = std::make_unique<stream>();
  std::vector<std::string> fields{"field", "value"};
  for (size_t i = 0; i < n; ++i)
    s->append(stream_id{i + 1, 0}, fields);
  return value::from_collection(std::move(s));
}

int64_t usage(world& w, std::string_view key, size_t samples = default_usage_samples) {
  auto r = op_memory_usage(w.ks, 0, key, samples);
  REQUIRE(r.ok());
  return *r;
}

/// Stores small and big (twice as many elements) under two keys and checks
/// the bigger reports more, with the default sampling and exactly.
template <class Make>
void check_grows(Make make, size_t n) {
  world w;
  w.ks.set(0, "small", make(n));
  w.ks.set(0, "big", make(2 * n));
  CHECK(usage(w, "big") > usage(w, "small"));
  CHECK(usage(w, "big", 0) > usage(w, "small", 0));
}

} // namespace

TEST_CASE("memory ops: a value twice as big reports more, for every type and encoding") {
  check_grows([](size_t n) { return string_of(n); }, 30);    // embstr
  check_grows([](size_t n) { return string_of(n); }, 1000);  // raw
  check_grows([](size_t n) { return hash_of(n); }, 10);      // listpack
  check_grows([](size_t n) { return hash_of(n, {.max_entries = 0}); }, 100); // hashtable
  check_grows([](size_t n) { return list_of(n); }, 10);
  check_grows([](size_t n) { return list_of(n); }, 5000);   // several nodes
  check_grows([](size_t n) { return set_of(n, true); }, 20);  // intset
  check_grows([](size_t n) { return set_of(n, false); }, 1000);
  check_grows([](size_t n) { return zset_of(n); }, 10);      // listpack
  check_grows([](size_t n) { return zset_of(n, {.max_listpack_entries = 0}); }, 500);
  check_grows([](size_t n) { return stream_of(n); }, 1000);
}

TEST_CASE("memory ops: a string costs at least its key and its bytes, plus the entry") {
  world w;
  w.put("k", std::string(100, 'a'));
  CHECK(usage(w, "k") >= 1 + 100 + 40);
  // A longer key takes a larger entry, past 34 bytes a heap block of its own.
  w.put("a-key-of-twenty-bytes", std::string(100, 'a'));
  CHECK(usage(w, "a-key-of-twenty-bytes") == usage(w, "k") + 16);
  w.put("a-key-longer-than-thirty-four-bytes", std::string(100, 'a'));
  CHECK(usage(w, "a-key-longer-than-thirty-four-bytes") >= usage(w, "k") + 8 + 35);
  // An integer lives in the entry: the entry and its bucket are all it costs.
  w.put("n", "12345");
  CHECK(usage(w, "n") == 40 + 8);
}

TEST_CASE("memory ops: SAMPLES 0 is the exact figure; sampling stays close to it") {
  world w;
  w.ks.set(0, "set", set_of(20000, false));
  w.ks.set(0, "stream", stream_of(20000));
  for (auto key : {"set", "stream"}) {
    auto* e = w.part.dbs[0].find(key);
    REQUIRE(e != nullptr);
    int64_t exact = usage(w, key, 0);
    CHECK(exact == static_cast<int64_t>(e->val.memory_usage() + 40 - 16 + 8));
    // Members of one size: the average of 5 (or 100) extrapolates well.
    for (size_t samples : {size_t{5}, size_t{100}}) {
      int64_t estimate = usage(w, key, samples);
      CHECK(estimate > exact * 9 / 10);
      CHECK(estimate < exact * 11 / 10);
    }
    // More samples than elements (or nodes): exact.
    CHECK(usage(w, key, 1u << 30) == exact);
  }
  // Types whose figure is exact and cheap report it whatever SAMPLES says.
  w.ks.set(0, "zset", zset_of(1000, {.max_listpack_entries = 0}));
  w.ks.set(0, "hash", hash_of(1000));
  w.ks.set(0, "list", list_of(1000));
  for (auto key : {"zset", "hash", "list"})
    CHECK(usage(w, key, 1) == usage(w, key, 0));
}

TEST_CASE("memory ops: a volatile key adds its expire record") {
  world w;
  w.put("k", "some value");
  int64_t plain = usage(w, "k");
  auto* e = w.part.dbs[0].find("k");
  w.ks.set_expire(0, *e, world::start_ms + 100000);
  CHECK(usage(w, "k") == plain + static_cast<int64_t>(db::expire_record_bytes()));
}

TEST_CASE("memory ops: nil for a missing key, an expired one, another database") {
  world w;
  w.put("k", "v");
  CHECK(op_memory_usage(w.ks, 0, "missing", 5).status() == op_status::nil);
  CHECK(op_memory_usage(w.ks, 1, "k", 5).status() == op_status::nil);
  auto* e = w.part.dbs[0].find("k");
  w.ks.set_expire(0, *e, world::start_ms - 1);
  CHECK(op_memory_usage(w.ks, 0, "k", 5).status() == op_status::nil);
  // The lookup expired it, and counted no keyspace miss (as Redis's dbFind).
  CHECK(w.part.dbs[0].find("k") == nullptr);
  CHECK(w.part.stats.keyspace_misses == 0);
}

TEST_CASE("memory ops: SAMPLES parsing follows Redis") {
  auto parse = [](std::vector<std::string> argv) { return parse_usage_samples(argv); };
  CHECK(*parse({"memory", "usage", "k"}) == default_usage_samples);
  CHECK(*parse({"memory", "usage", "k", "SAMPLES", "0"}) == 0);
  CHECK(*parse({"memory", "usage", "k", "samples", "7", "samples", "3"}) == 3);
  CHECK(parse({"memory", "usage", "k", "samples"}).status() == op_status::syntax);
  CHECK(parse({"memory", "usage", "k", "samples", "-1"}).status() == op_status::syntax);
  CHECK(parse({"memory", "usage", "k", "samples", "x"}).status() == op_status::not_integer);
  CHECK(parse({"memory", "usage", "k", "samples", "99999999999999999999"}).status() ==
        op_status::not_integer);
  CHECK(parse({"memory", "usage", "k", "other", "1"}).status() == op_status::syntax);
}

TEST_CASE("memory ops: MEMORY STATS sums the databases that have keys") {
  world w;
  w.put("a", "1");
  w.put("b", "2");
  w.put("c", "3", 3);
  auto* e = w.part.dbs[3].find("c");
  w.ks.set_expire(3, *e, world::start_ms + 100000);
  memory_stats s = op_memory_stats(w.ks);
  CHECK(s.keys == 3);
  REQUIRE(s.dbs.size() == 2);
  CHECK(s.dbs[0].index == 0);
  CHECK(s.dbs[0].keys == 2);
  CHECK(s.dbs[0].expires_overhead == 0);
  CHECK(s.dbs[1].index == 3);
  CHECK(s.dbs[1].expires_overhead > 0);
  CHECK(s.dbs[0].main_overhead >= 2 * 48);
  CHECK(s.overhead_total == s.process.startup + s.dbs[0].main_overhead +
                                s.dbs[1].main_overhead + s.dbs[1].expires_overhead);
  CHECK(s.process.peak >= s.process.allocated);
  CHECK(s.process.resident > 0);
}

TEST_CASE("memory ops: DOCTOR's verdicts") {
  process_memory tiny{.allocated = 1 << 20, .active = 2 << 20, .resident = 9 << 20,
                      .peak = 1 << 20};
  CHECK(memory_doctor_report(tiny).starts_with("Hi Sam, this instance is empty"));
  process_memory healthy{.allocated = 100 << 20, .active = 110 << 20, .resident = 120 << 20,
                         .peak = 120 << 20};
  CHECK(memory_doctor_report(healthy).starts_with("Hi Sam, I can't find any memory issue"));
  process_memory peaked = healthy;
  peaked.peak = 400 << 20;
  auto report = memory_doctor_report(peaked);
  CHECK(report.find("Peak memory") != std::string::npos);
  CHECK(report.find("fragmentation") == std::string::npos);
}
