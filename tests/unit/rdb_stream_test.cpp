// The RDB encoding of streams: random streams (deletions, trims, several
// groups with PELs and consumers) round trip through DUMP payloads keeping
// every ID, counter, group and PEL; payloads of streams that never lost an
// entry are stable byte for byte; corrupt payloads fail cleanly.
#include <doctest/doctest.h>

#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "datatypes/stream.hpp"
#include "persistence/rdb_format.hpp"
#include "persistence/rdb_reader.hpp"
#include "persistence/rdb_string.hpp"
#include "persistence/redis_blobs.hpp"

using namespace actis;
using namespace actis::persistence;
using datatypes::stream;
using datatypes::stream_id;
using datatypes::value;

namespace {

stream& as_stream(value& v) { return *static_cast<stream*>(v.coll()); }

/// Everything a stream holds, as text: entries, counters, groups, PELs.
std::string describe(const stream& s) {
  std::ostringstream o;
  o << "len " << s.length() << " last " << s.last_id.str() << " first "
    << s.recorded_first_id.str() << " maxdel " << s.max_deleted_id.str() << " added "
    << s.entries_added << "\n";
  stream::iterator it(s, {}, stream_id::max(), false);
  datatypes::stream_entry e;
  while (it.next(e)) {
    o << e.id.str();
    for (auto f : e.fields)
      o << " [" << f << "]";
    o << "\n";
  }
  for (auto& [name, g] : s.groups) {
    o << "group " << name << " " << g.last_id.str() << " " << g.entries_read << "\n";
    for (auto& [id, p] : g.pel)
      o << " pel " << id.str() << " " << p.delivery_time << " " << p.delivery_count << " "
        << p.consumer->name << "\n";
    for (auto& [cname, c] : g.consumers) {
      o << " consumer " << cname << " " << c.seen_time << ":";
      for (auto id : c.pending)
        o << " " << id.str();
      o << "\n";
    }
  }
  return o.str();
}

std::optional<value> undump(std::string_view payload, std::string& error) {
  REQUIRE(dump_payload_ok(payload, true));
  auto body = payload.substr(1, payload.size() - 11);
  auto v = read_value(static_cast<uint8_t>(payload[0]), body, error);
  if (v)
    CHECK(body.empty());
  return v;
}

std::string text(std::mt19937_64& rng) {
  switch (rng() % 4) {
  case 0:
    return std::to_string(static_cast<long long>(rng()) >> (rng() % 64));
  case 1:
    return std::string(rng() % 3000 == 0 ? 5000 : rng() % 40, 'a' + static_cast<char>(rng() % 3));
  default: {
    std::string s(rng() % 12, '\0');
    for (auto& c : s)
      c = static_cast<char>(rng());
    return s;
  }
  }
}

/// A random stream; `deletes` allows XDEL and trimming.
value random_stream(std::mt19937_64& rng, bool deletes) {
  value v = value::from_collection(std::make_unique<stream>());
  auto& s = as_stream(v);
  size_t n = rng() % 700;
  stream_id id{rng() % 1000, 0};
  std::vector<std::string> kv;
  std::vector<stream_id> ids;
  for (size_t i = 0; i < n; ++i) {
    if (rng() % 3 == 0)
      id.ms += 1 + rng() % (rng() % 10 == 0 ? (uint64_t{1} << 40) : 100);
    else
      id.seq += 1 + rng() % 3;
    kv.clear();
    size_t fields = 1 + rng() % 3;
    for (size_t f = 0; f < fields; ++f) {
      kv.push_back(rng() % 4 == 0 ? text(rng) : "f" + std::to_string(f));
      kv.push_back(text(rng));
    }
    s.append(id, kv);
    ids.push_back(id);
  }
  if (deletes && !ids.empty()) {
    for (size_t i = rng() % 100; i > 0; --i) {
      auto victim = ids[rng() % ids.size()];
      if (s.erase(victim) && victim > s.max_deleted_id)
        s.max_deleted_id = victim;
    }
    if (rng() % 2)
      s.trim_maxlen(s.length() / 2, rng() % 2, 0);
    if (rng() % 2)
      s.trim_minid(ids[rng() % ids.size()], rng() % 2, 0);
    s.recorded_first_id = s.first_id();
  }
  for (size_t g = rng() % 4; g > 0; --g) {
    auto& grp = s.groups["g" + std::to_string(g)];
    grp.last_id = ids.empty() ? stream_id{} : ids[rng() % ids.size()];
    grp.entries_read = rng() % 3 == 0 ? -1 : static_cast<int64_t>(rng() % 1000);
    for (size_t c = rng() % 4; c > 0; --c) {
      bool created = false;
      auto& consumer = grp.get_consumer("c" + std::to_string(c), static_cast<int64_t>(rng() >> 20),
                                        created);
      for (size_t k = rng() % 30; k > 0 && !ids.empty(); --k) {
        auto pid = ids[rng() % ids.size()];
        auto [p, fresh] = grp.pel.try_emplace(pid);
        if (!fresh)
          continue;
        p->second = {static_cast<int64_t>(rng() >> 20), rng() % 10, &consumer};
        consumer.pending.insert(pid);
      }
    }
  }
  return v;
}

} // namespace

TEST_CASE("rdb stream: random streams round trip with their groups and PELs") {
  std::mt19937_64 rng(17);
  for (int iter = 0; iter < 150; ++iter) {
    bool deletes = iter % 2 == 1;
    value v = random_stream(rng, deletes);
    for (bool compress : {false, true}) {
      auto payload = dump_payload(v, compress);
      CHECK(static_cast<uint8_t>(payload[0]) == rdb_type::stream_listpacks_2);
      std::string error;
      auto back = undump(payload, error);
      REQUIRE_MESSAGE(back, error);
      CHECK(describe(as_stream(*back)) == describe(as_stream(v)));
      if (!deletes) {
        // Same nodes: actis's layout is the one it loads into.
        CHECK(as_stream(*back).node_count() == as_stream(v).node_count());
        CHECK(dump_payload(*back, compress) == payload);
      }
      // Loading is stable: what a load writes loads to the same bytes.
      auto again = dump_payload(*back, compress);
      auto back2 = undump(again, error);
      REQUIRE_MESSAGE(back2, error);
      CHECK(dump_payload(*back2, compress) == again);
    }
  }
}

TEST_CASE("rdb stream: corrupt stream payloads fail cleanly") {
  std::mt19937_64 rng(23);
  std::vector<std::string> payloads;
  for (int i = 0; i < 12; ++i) {
    value v = random_stream(rng, i % 2 == 0);
    if (as_stream(v).length() < 300)
      payloads.push_back(dump_payload(v, i % 3 == 0));
  }
  REQUIRE(!payloads.empty());
  size_t accepted = 0, rejected = 0;
  for (int iter = 0; iter < 4000; ++iter) {
    auto p = payloads[rng() % payloads.size()];
    auto body = p.substr(0, p.size() - 10);
    if (rng() % 3 == 0) {
      body.resize(1 + rng() % (body.size() - 1));
    } else {
      int flips = 1 + static_cast<int>(rng() % 4);
      for (int k = 0; k < flips; ++k)
        body[1 + rng() % (body.size() - 1)] ^= static_cast<char>(1u << (rng() % 8));
    }
    std::string_view in = std::string_view(body).substr(1);
    std::string error;
    auto v = read_value(static_cast<uint8_t>(body[0]), in, error, rng() % 2 == 0);
    if (v) {
      ++accepted;
      // The value is usable and writes itself again.
      (void)describe(as_stream(*v));
      (void)dump_payload(*v, false);
    } else {
      ++rejected;
      CHECK_FALSE(error.empty());
    }
  }
  CHECK(rejected > 1000);
  MESSAGE("stream fuzz: accepted " << accepted << ", rejected " << rejected);
}

TEST_CASE("rdb stream: STREAM_LISTPACKS (no v2 counters) loads, estimating entries_read") {
  // Two live entries and one deleted, in one node at master 5-0; a group
  // at the last entry with one pending entry of consumer "c".
  listpack_builder lp;
  for (long long v : {2, 1, 1})
    lp.add(v);
  lp.add("f");
  lp.add(0LL);
  auto same = [&](long long dms, long long dseq, std::string_view val, long long flags) {
    lp.add(flags);
    lp.add(dms);
    lp.add(dseq);
    lp.add(val);
    lp.add(4LL);
  };
  same(0, 0, "a", 2);
  same(0, 1, "gone", 3);
  same(2, 7, "b", 2);
  std::string body;
  put_len(body, 1);
  std::string key(16, '\0');
  key[7] = 5;
  put_string(body, key, false);
  put_string(body, lp.finish(), false);
  put_len(body, 2);
  put_len(body, 7);
  put_len(body, 7);
  put_len(body, 1);
  put_string(body, "g", false);
  put_len(body, 7);
  put_len(body, 7);
  put_len(body, 1);
  std::string raw_id(16, '\0');
  raw_id[7] = 5;
  body += raw_id;
  put_le(body, 1234, 8);
  put_len(body, 3);
  put_len(body, 1);
  put_string(body, "c", false);
  put_le(body, 99, 8);
  put_len(body, 1);
  body += raw_id;
  std::string_view in = body;
  std::string error;
  auto v = read_value(rdb_type::stream_listpacks, in, error);
  REQUIRE_MESSAGE(v, error);
  CHECK(in.empty());
  auto& s = as_stream(*v);
  CHECK(describe(s) ==
        "len 2 last 7-7 first 5-0 maxdel 0-0 added 2\n5-0 [f] [a]\n7-7 [f] [b]\n"
        "group g 7-7 2\n pel 5-0 1234 3 c\n consumer c 99: 5-0\n");

  // A consumer's pending entry missing from the group's PEL is refused.
  auto broken = body;
  broken[broken.size() - 1] = 9;
  in = broken;
  CHECK_FALSE(read_value(rdb_type::stream_listpacks, in, error));
}
