// quicklist against a std::deque of strings under random operations, at
// several node sizes, with plain (oversized) nodes and at several compress
// depths (checking which nodes are compressed after every step).
#include <doctest/doctest.h>

#include <deque>
#include <random>
#include <string>
#include <vector>

#include "datatypes/list_value.hpp"
#include "datatypes/listpack.hpp"
#include "datatypes/lzf.hpp"
#include "datatypes/quicklist.hpp"

using actis::datatypes::quicklist;
using actis::datatypes::quicklist_limits;
using actis::datatypes::listpack;

namespace {

std::vector<std::string> forwards(const quicklist& q) {
  std::vector<std::string> out;
  if (q.empty())
    return out;
  auto c = q.seek(0);
  do
    out.emplace_back(q.get(c));
  while (q.next(c));
  return out;
}

std::vector<std::string> backwards(const quicklist& q) {
  std::vector<std::string> out;
  if (q.empty())
    return out;
  auto c = q.seek(q.size() - 1);
  do
    out.emplace(out.begin(), q.get(c));
  while (q.prev(c));
  return out;
}

std::string random_element(std::mt19937& rng) {
  // Mostly short, some medium, a few at or past the (lowered) packed threshold.
  static const size_t lengths[] = {0, 1, 3, 5, 8, 12, 20, 40, 200, 1000, 3000};
  size_t len = lengths[rng() % std::size(lengths)];
  std::string s(len, 'a');
  bool noise = rng() % 8 == 0;  // incompressible
  for (auto& c : s)
    c = static_cast<char>(noise ? rng() : 'a' + rng() % 4);
  return s;
}

/// Whether a node holding `elements` should be compressed when inner:
/// Redis's rules (at least 48 bytes, and compression saves more than 8).
bool compressible(const std::vector<std::string>& elements) {
  listpack lp;
  for (const auto& e : elements)
    lp.push_back(e);
  size_t sz = lp.bytes();
  if (sz < 48)
    return false;
  std::vector<unsigned char> out(sz);
  size_t len = actis::datatypes::lzf::compress(lp.data(), sz, out.data(), sz);
  return len != 0 && len + 8 < sz;
}

/// Exactly the nodes more than `depth` from both ends that compress well
/// are compressed.
void check_compression(const quicklist& q, int depth) {
  size_t n = q.node_count();
  if (n < 2) {
    REQUIRE((n == 0 || !q.node_compressed(0)));
    return;
  }
  REQUIRE(q.describe().compress_depth == depth);
  std::vector<std::vector<std::string>> nodes(n);
  auto c = q.seek(0);
  do
    nodes[c.node].emplace_back(q.get(c));
  while (q.next(c));
  auto d = static_cast<size_t>(depth);
  size_t compressed = 0;
  for (size_t i = 0; i < n; ++i) {
    CAPTURE(i);
    CAPTURE(n);
    bool inner = depth > 0 && i >= d && i + d < n;
    bool want = inner && compressible(nodes[i]);
    REQUIRE(q.node_compressed(i) == want);
    compressed += want ? 1 : 0;
  }
  REQUIRE(q.describe().compressed_nodes == compressed);
}

void check_same(const quicklist& q, const std::deque<std::string>& ref) {
  std::vector<std::string> want(ref.begin(), ref.end());
  REQUIRE(q.size() == ref.size());
  REQUIRE(forwards(q) == want);
  REQUIRE(backwards(q) == want);
  for (size_t i = 0; i < ref.size(); i += 1 + ref.size() / 7)
    REQUIRE(q.at(i) == ref[i]);
}

void random_ops(const quicklist_limits& lim, uint32_t seed, size_t rounds) {
  auto check = [&](const quicklist& q, const std::deque<std::string>& ref) {
    check_same(q, ref);
    check_compression(q, lim.compress_depth);
  };
  std::mt19937 rng(seed);
  quicklist q;
  std::deque<std::string> ref;
  for (size_t round = 0; round < rounds; ++round) {
    unsigned op = rng() % 100;
    size_t n = ref.size();
    if (op < 25) {
      auto s = random_element(rng);
      q.push_back(s, lim);
      ref.push_back(s);
    } else if (op < 45) {
      auto s = random_element(rng);
      q.push_front(s, lim);
      ref.push_front(s);
    } else if (op < 58) {
      size_t at = rng() % (n + 1);
      auto s = random_element(rng);
      q.insert(at, s, lim);
      ref.insert(ref.begin() + static_cast<long>(at), s);
    } else if (op < 66 && n > 0) {
      size_t at = rng() % n;
      auto s = random_element(rng);
      q.replace(at, s, lim);
      ref[at] = s;
    } else if (op < 74 && n > 0) {
      REQUIRE(q.pop_front() == ref.front());
      ref.pop_front();
    } else if (op < 82 && n > 0) {
      REQUIRE(q.pop_back() == ref.back());
      ref.pop_back();
    } else if (op < 90 && n > 0) {
      size_t at = rng() % n;
      size_t count = rng() % 40;
      q.erase(at, count);
      ref.erase(ref.begin() + static_cast<long>(at),
                ref.begin() + static_cast<long>(std::min(n, at + count)));
    } else if (op < 96) {
      auto s = random_element(rng);
      size_t limit = rng() % 4;
      bool from_tail = rng() % 2 == 0;
      size_t removed = 0;
      if (!from_tail) {
        for (auto it = ref.begin(); it != ref.end() && (limit == 0 || removed < limit);)
          if (*it == s) {
            it = ref.erase(it);
            ++removed;
          } else {
            ++it;
          }
      } else {
        for (size_t i = ref.size(); i-- > 0 && (limit == 0 || removed < limit);)
          if (ref[i] == s) {
            ref.erase(ref.begin() + static_cast<long>(i));
            ++removed;
          }
      }
      REQUIRE(q.remove(s, limit, from_tail) == removed);
    } else {
      quicklist copy = q.clone();
      check(copy, ref);
      q = std::move(copy);
    }
    if (round % 16 == 0 || lim.compress_depth > 0)
      check(q, ref);
  }
  check(q, ref);
  while (!ref.empty()) {
    REQUIRE(q.pop_back() == ref.back());
    ref.pop_back();
  }
  REQUIRE(q.empty());
  REQUIRE(q.node_count() == 0);
}

} // namespace

TEST_CASE("quicklist: random operations match a deque at several node sizes") {
  for (int fill : {-1, -2, -5, 1, 2, 5, 128}) {
    CAPTURE(fill);
    random_ops({fill, size_t{1} << 30, 0}, static_cast<uint32_t>(1000 + fill), 3000);
  }
}

TEST_CASE("quicklist: plain nodes for elements at the packed threshold") {
  for (int fill : {-2, 3}) {
    CAPTURE(fill);
    random_ops({fill, 200, 0}, static_cast<uint32_t>(77 + fill), 3000);
  }
}

TEST_CASE("quicklist: compressed inner nodes at several depths and node sizes") {
  for (int depth : {1, 2, 3}) {
    for (int fill : {-1, 2, 16}) {
      CAPTURE(depth);
      CAPTURE(fill);
      random_ops({fill, size_t{1} << 30, depth}, static_cast<uint32_t>(500 + 10 * depth + fill),
                 1500);
    }
  }
}

TEST_CASE("quicklist: plain nodes compress too") {
  random_ops({-2, 200, 1}, 4242, 2000);
  random_ops({3, 100, 2}, 4243, 2000);
}

TEST_CASE("quicklist: a long compressible list at depth 1 takes a fraction of the memory") {
  quicklist plain_list, packed;
  for (int i = 0; i < 100000; ++i) {
    std::string s = "user:" + std::to_string(i % 1000) + ":event:login";
    plain_list.push_back(s, {-2, size_t{1} << 30, 0});
    packed.push_back(s, {-2, size_t{1} << 30, 1});
  }
  auto layout = packed.describe();
  CHECK(layout.nodes == plain_list.node_count());
  CHECK(layout.compressed_nodes == layout.nodes - 2);
  CHECK(layout.uncompressed_bytes <= plain_list.bytes());
  MESSAGE("depth 0: " << plain_list.bytes() << " bytes, depth 1: " << packed.bytes() << " bytes");
  CHECK(packed.bytes() * 3 < plain_list.bytes());
  // Reads and a change in the middle see the same contents.
  CHECK(packed.at(50000) == plain_list.at(50000));
  packed.replace(50000, "changed", {-2, size_t{1} << 30, 1});
  CHECK(packed.at(50000) == "changed");
  CHECK(packed.describe().compressed_nodes == layout.nodes - 2);
}

TEST_CASE("quicklist: reads of two compressed lists interleave") {
  quicklist a, b;
  quicklist_limits lim{-1, size_t{1} << 30, 1};
  for (int i = 0; i < 5000; ++i) {
    a.push_back("a-element-" + std::to_string(i), lim);
    b.push_back("b-element-" + std::to_string(i), lim);
  }
  REQUIRE(a.describe().compressed_nodes > 0);
  for (size_t i = 0; i < 5000; i += 37) {
    CHECK(a.at(i) == "a-element-" + std::to_string(i));
    CHECK(b.at(i) == "b-element-" + std::to_string(i));
  }
  // A copy reads the same, and changing the original leaves the copy alone.
  quicklist c = a.clone();
  a.erase(100, 3000);
  CHECK(c.at(2500) == "a-element-2500");
  CHECK(a.at(100) == "a-element-3100");
  check_compression(a, 1);
  check_compression(c, 1);
}

TEST_CASE("quicklist: the compress depth is fixed when the list gets its second node") {
  quicklist q;
  for (int i = 0; i < 3000; ++i)
    q.push_back("element-" + std::to_string(i % 10), {-1, size_t{1} << 30, 2});
  CHECK(q.describe().compress_depth == 2);
  // Later inserts with another setting keep the list's own depth.
  for (int i = 0; i < 1000; ++i)
    q.push_front("element-" + std::to_string(i % 10), {-1, size_t{1} << 30, 0});
  check_compression(q, 2);
}

TEST_CASE("quicklist: a small list is one listpack without a node array") {
  quicklist q;
  for (int i = 0; i < 10; ++i)
    q.push_back("value-" + std::to_string(i), {});
  CHECK(q.node_count() == 1);
  CHECK(q.bytes() < 200);
  CHECK(sizeof(quicklist) == 8);
  CHECK(sizeof(actis::datatypes::list_value) == 8);  // kept inside the value
  // Positive fill: entries per node.
  quicklist by_count;
  for (int i = 0; i < 10; ++i)
    by_count.push_back("x", {3, size_t{1} << 30});
  CHECK(by_count.node_count() == 4);
  by_count.erase(0, 9);
  CHECK(by_count.node_count() == 1);
}
