// range_sort against std::sort on random inputs: every rank in the requested
// range holds what a full sort puts there, nothing is lost or duplicated, and
// keys equal under the comparison keep the order Redis's quicksort gives.
#include <doctest/doctest.h>

#include <algorithm>
#include <random>
#include <utility>
#include <vector>

#include "datatypes/range_sort.hpp"

using actis::datatypes::range_sort;

namespace {

int compare_ints(int a, int b) {
  return a < b ? -1 : (a > b ? 1 : 0);
}

} // namespace

TEST_CASE("range_sort: the ranks asked for match a full sort, the rest is a permutation") {
  std::mt19937 rng(20261204);
  for (int round = 0; round < 2000; ++round) {
    std::size_t n = rng() % 120;
    int spread = 1 + static_cast<int>(rng() % 50); // small spreads make many ties
    std::vector<int> v(n);
    for (auto& x : v)
      x = static_cast<int>(rng() % spread);
    std::vector<int> sorted = v;
    std::sort(sorted.begin(), sorted.end());
    std::ptrdiff_t lo = n ? static_cast<std::ptrdiff_t>(rng() % n) : 0;
    std::ptrdiff_t hi = n ? lo + static_cast<std::ptrdiff_t>(rng() % (n - lo)) : -1;
    range_sort(v, lo, hi, compare_ints);
    for (std::ptrdiff_t i = lo; i <= hi; ++i)
      REQUIRE(v[i] == sorted[i]);
    std::vector<int> all = v;
    std::sort(all.begin(), all.end());
    REQUIRE(all == sorted);
  }
}

TEST_CASE("range_sort: the whole range sorts everything") {
  std::mt19937 rng(7);
  std::vector<int> v(1000);
  for (auto& x : v)
    x = static_cast<int>(rng() % 300);
  std::vector<int> sorted = v;
  std::sort(sorted.begin(), sorted.end());
  range_sort(v, 0, 999, compare_ints);
  CHECK(v == sorted);
}

TEST_CASE("range_sort: ties come out in the quicksort's order, not the input's") {
  // Pairs compared by their first member only; the second records where each
  // came from. Eight elements take the partitioning path, which moves equal
  // keys around: the expected order is what redis-server 7.0 returns for
  // RPUSH l a b c d e f g h, weights w_a..w_h = 1 0 0 1 1 1 1 1 and
  // SORT l BY w_* ALPHA LIMIT 0 7 (a stable sort would give b c a d e f g).
  std::vector<std::pair<int, char>> v{{1, 'a'}, {0, 'b'}, {0, 'c'}, {1, 'd'},
                                      {1, 'e'}, {1, 'f'}, {1, 'g'}, {1, 'h'}};
  range_sort(v, 0, 6, [](const auto& x, const auto& y) { return compare_ints(x.first, y.first); });
  std::vector<char> order;
  for (std::size_t i = 0; i < 7; ++i)
    order.push_back(v[i].second);
  CHECK(order == std::vector<char>{'c', 'b', 'e', 'f', 'g', 'a', 'h'});
}
