// quicklist against a std::deque of strings under random operations, at
// several node sizes and with plain (oversized) nodes.
#include <doctest/doctest.h>

#include <deque>
#include <random>
#include <string>
#include <vector>

#include "datatypes/list_value.hpp"
#include "datatypes/quicklist.hpp"

using actis::datatypes::quicklist;
using actis::datatypes::quicklist_limits;

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
  for (auto& c : s)
    c = static_cast<char>('a' + rng() % 4);
  return s;
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
      check_same(copy, ref);
      q = std::move(copy);
    }
    if (round % 16 == 0)
      check_same(q, ref);
  }
  check_same(q, ref);
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
    random_ops({fill, size_t{1} << 30}, static_cast<uint32_t>(1000 + fill), 3000);
  }
}

TEST_CASE("quicklist: plain nodes for elements at the packed threshold") {
  for (int fill : {-2, 3}) {
    CAPTURE(fill);
    random_ops({fill, 200}, static_cast<uint32_t>(77 + fill), 3000);
  }
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
