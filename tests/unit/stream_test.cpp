// The stream structure against a std::map model under random appends,
// deletes, exact and approximate trims and range reads, across node
// splits (100 entries or 4 KB per node) and emptied nodes; groups' PELs and
// copies.
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "datatypes/stream.hpp"

using namespace actis::datatypes;

namespace {

using model = std::map<stream_id, std::vector<std::string>>;

std::vector<std::string> fields_of(const stream_entry& e) {
  return {e.fields.begin(), e.fields.end()};
}

std::vector<std::pair<stream_id, std::vector<std::string>>> read_all(const stream& s,
                                                                   stream_id from, stream_id to,
                                                                   bool rev) {
  std::vector<std::pair<stream_id, std::vector<std::string>>> out;
  stream::iterator it(s, from, to, rev);
  stream_entry e;
  while (it.next(e))
    out.emplace_back(e.id, fields_of(e));
  return out;
}

std::vector<std::pair<stream_id, std::vector<std::string>>> model_range(const model& m,
                                                                      stream_id from,
                                                                      stream_id to, bool rev) {
  std::vector<std::pair<stream_id, std::vector<std::string>>> out;
  if (from > to)
    return out;
  for (auto it = m.lower_bound(from); it != m.end() && it->first <= to; ++it)
    out.emplace_back(it->first, it->second);
  if (rev)
    std::reverse(out.begin(), out.end());
  return out;
}

std::vector<std::string> random_fields(std::mt19937_64& rng) {
  static const std::vector<std::vector<std::string>> shapes = {
      {"temp", "", "hum", ""}, {"a", ""}, {"x", "", "y", "", "z", ""}};
  auto f = shapes[rng() % shapes.size()];
  for (size_t i = 1; i < f.size(); i += 2)
    f[i] = rng() % 20 == 0 ? std::string(300 + rng() % 400, 'v') : std::to_string(rng() % 1000);
  if (rng() % 10 == 0)
    f[0] = "other";
  return f;
}

} // namespace

TEST_CASE("stream: random appends, deletes, trims and ranges match a std::map") {
  for (uint64_t seed = 1; seed <= 12; ++seed) {
    std::mt19937_64 rng(seed);
    stream s;
    model m;
    stream_id next{1, 0};
    for (int step = 0; step < 3000; ++step) {
      unsigned op = rng() % 100;
      if (op < 60) {
        next = rng() % 3 == 0 ? stream_id{next.ms + 1 + rng() % 1000, rng() % 3}
                              : stream_id{next.ms, next.seq + 1};
        auto f = random_fields(rng);
        s.append(next, f);
        m[next] = f;
      } else if (op < 75 && !m.empty()) {
        auto it = m.begin();
        std::advance(it, static_cast<long>(rng() % m.size()));
        stream_id id = rng() % 4 == 0 ? stream_id{it->first.ms, it->first.seq + 7} : it->first;
        bool had = m.erase(id) > 0;
        CHECK(s.erase(id) == had);
      } else if (op < 78) {
        uint64_t maxlen = rng() % (m.size() + 5);
        bool approx = rng() % 2 == 0;
        uint64_t removed = s.trim_maxlen(maxlen, approx, 0);
        for (uint64_t i = 0; i < removed; ++i)
          m.erase(m.begin());
        if (!approx)
          CHECK(m.size() == std::min<uint64_t>(m.size(), maxlen));
        CHECK(s.length() >= std::min<uint64_t>(maxlen, s.length()));
      } else if (op < 80 && !m.empty()) {
        auto it = m.begin();
        std::advance(it, static_cast<long>(rng() % m.size()));
        bool approx = rng() % 2 == 0;
        uint64_t removed = s.trim_minid(it->first, approx, 0);
        for (uint64_t i = 0; i < removed; ++i)
          m.erase(m.begin());
        if (!approx)
          CHECK(m.begin()->first == it->first);
      } else if (!m.empty()) {
        auto a = m.begin(), b = m.begin();
        std::advance(a, static_cast<long>(rng() % m.size()));
        std::advance(b, static_cast<long>(rng() % m.size()));
        stream_id from = a->first, to = b->first;
        if (rng() % 3 == 0)
          from.seq += 1;
        bool rev = rng() % 2 == 0;
        CHECK(read_all(s, from, to, rev) == model_range(m, from, to, rev));
      }
      REQUIRE(s.length() == m.size());
    }
    CHECK(read_all(s, {}, stream_id::max(), false) == model_range(m, {}, stream_id::max(), false));
    CHECK(read_all(s, {}, stream_id::max(), true) == model_range(m, {}, stream_id::max(), true));
    if (!m.empty()) {
      CHECK(s.first_id() == m.begin()->first);
      CHECK(s.last_entry_id() == m.rbegin()->first);
    }
  }
}

TEST_CASE("stream: nodes close at 100 entries; approximate trims drop whole nodes") {
  stream s;
  for (uint64_t i = 1; i <= 250; ++i)
    s.append({1, i}, std::vector<std::string>{"f", std::to_string(i)});
  CHECK(s.node_count() == 3);
  CHECK(s.radix_nodes() > s.node_count());
  CHECK(s.trim_maxlen(200, true, 0) == 0);
  CHECK(s.trim_maxlen(120, true, 0) == 100);
  CHECK(s.trim_maxlen(10, true, 50) == 0);
  CHECK(s.trim_maxlen(10, false, 0) == 140);
  CHECK(s.length() == 10);
  CHECK(s.first_id() == stream_id{1, 241});
  CHECK(s.trim_maxlen(0, false, 0) == 10);
  CHECK(s.node_count() == 0);
  CHECK(s.radix_nodes() == 1);
  CHECK(s.last_id == stream_id{1, 250});
  CHECK(s.entries_added == 250);
}

TEST_CASE("stream: IDs order, increment and print as Redis") {
  stream_id a{1, UINT64_MAX};
  CHECK(a.incr());
  CHECK(a == stream_id{2, 0});
  CHECK(a.decr());
  CHECK(a == stream_id{1, UINT64_MAX});
  stream_id top = stream_id::max();
  CHECK_FALSE(top.incr());
  stream_id zero;
  CHECK_FALSE(zero.decr());
  CHECK(stream_id{5, 3}.str() == "5-3");
  CHECK(stream_id{1, 9} < stream_id{2, 0});
}

TEST_CASE("stream: groups keep one PEL entry per ID, owned by one consumer; copies are deep") {
  stream s;
  s.append({1, 0}, std::vector<std::string>{"a", "1"});
  auto& g = s.groups["g"];
  bool created = false;
  auto& alice = g.get_consumer("alice", 10, created);
  CHECK(created);
  auto& bob = g.get_consumer("bob", 11, created);
  g.pel[{1, 0}] = {100, 1, &alice};
  alice.pending.insert({1, 0});
  auto copy = s.clone();
  auto* cs = static_cast<stream*>(copy.coll());
  auto& cg = cs->groups.at("g");
  CHECK(cg.pel.at({1, 0}).consumer == &cg.consumers.at("alice"));
  CHECK(cg.pel.at({1, 0}).consumer != &alice);
  CHECK(g.remove_consumer("alice") == 1);
  CHECK(g.pel.empty());
  CHECK(cg.pel.size() == 1);
  CHECK(bob.pending.empty());
  CHECK_FALSE(g.acknowledge({1, 0}));
  CHECK(cg.acknowledge({1, 0}));
  CHECK(cg.consumers.at("alice").pending.empty());
}
