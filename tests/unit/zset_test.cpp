// The sorted set datatype against a std::set<(score, member)> + std::map
// reference under random operations, in both encodings and across the
// conversions between them.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "datatypes/digest.hpp"
#include "datatypes/zset.hpp"

using namespace actis::datatypes;

namespace {

struct reference {
  std::set<std::pair<double, std::string>> order;
  std::map<std::string, double> scores;

  bool insert(const std::string& m, double s) {
    auto it = scores.find(m);
    if (it != scores.end()) {
      order.erase({it->second, m});
      it->second = s;
      order.insert({s, m});
      return false;
    }
    scores[m] = s;
    order.insert({s, m});
    return true;
  }
  bool erase(const std::string& m) {
    auto it = scores.find(m);
    if (it == scores.end())
      return false;
    order.erase({it->second, m});
    scores.erase(it);
    return true;
  }
  std::vector<std::pair<double, std::string>> sorted() const { return {order.begin(), order.end()}; }
};

std::vector<std::pair<double, std::string>> contents(const zset& z) {
  std::vector<std::pair<double, std::string>> out;
  for (auto c = z.at_rank(0); c.valid(); c.next())
    out.emplace_back(c.score(), std::string(c.member()));
  return out;
}

std::vector<std::pair<double, std::string>> contents_backwards(const zset& z) {
  std::vector<std::pair<double, std::string>> out;
  if (z.empty())
    return out;
  for (auto c = z.at_rank(z.size() - 1); c.valid(); c.prev())
    out.emplace_back(c.score(), std::string(c.member()));
  return {out.rbegin(), out.rend()};
}

void check_ranges(const zset& z, const reference& ref, std::mt19937& rng) {
  auto all = ref.sorted();
  std::uniform_int_distribution<int> score(-3, 12);
  score_range r{static_cast<double>(score(rng)), static_cast<double>(score(rng)),
                rng() % 2 == 0, rng() % 2 == 0};
  size_t expected = 0, first_rank = SIZE_MAX, last_rank = SIZE_MAX;
  for (size_t i = 0; i < all.size(); ++i)
    if (r.contains(all[i].first)) {
      ++expected;
      if (first_rank == SIZE_MAX)
        first_rank = i;
      last_rank = i;
    }
  CHECK(z.count(r) == expected);
  auto first = z.first_in(r);
  auto last = z.last_in(r);
  REQUIRE(first.valid() == (expected > 0));
  REQUIRE(last.valid() == (expected > 0));
  if (expected > 0) {
    CHECK(first.rank() == first_rank);
    CHECK(first.member() == all[first_rank].second);
    CHECK(last.rank() == last_rank);
    CHECK(last.member() == all[last_rank].second);
  }
}

void check_lex(const zset& mixed, std::mt19937& rng) {
  // Lex ranges are defined for members of one score: check them on a copy
  // whose scores are all 0, in the same encoding.
  zset_limits limits{mixed.is_listpack() ? 1000u : 0u, 1000};
  zset z(limits, 1);
  std::vector<std::string> members;
  for (auto c = mixed.at_rank(0); c.valid(); c.next()) {
    members.emplace_back(c.member());
    z.insert(c.member(), 0, limits);
  }
  std::string a = "m" + std::to_string(rng() % 40), b = "m" + std::to_string(rng() % 40);
  lex_range r{{rng() % 2 ? lex_bound::kind::inclusive : lex_bound::kind::exclusive, a},
              {rng() % 2 ? lex_bound::kind::inclusive : lex_bound::kind::exclusive, b}};
  size_t expected = 0;
  for (auto& m : members)
    if (r.contains(m))
      ++expected;
  CHECK(z.count(r) == expected);
  auto first = z.first_in(r);
  REQUIRE(first.valid() == (expected > 0));
  if (expected > 0) {
    CHECK(r.contains(first.member()));
    CHECK(z.last_in(r).rank() == first.rank() + expected - 1);
  }
}

} // namespace

TEST_CASE("zset: random operations match a reference, across encodings") {
  for (size_t max_entries : {size_t{0}, size_t{4}, size_t{16}, size_t{1000}}) {
    std::mt19937 rng(static_cast<unsigned>(max_entries) + 7);
    zset_limits limits{max_entries, 8};
    zset z(limits, 2);
    reference ref;
    for (int step = 0; step < 3000; ++step) {
      std::string m = "m" + std::to_string(rng() % 40);
      if (rng() % 29 == 0)
        m += std::string(rng() % 12, 'x');
      double s = static_cast<double>(static_cast<int>(rng() % 10)) + (rng() % 3 == 0 ? 0.5 : 0);
      switch (rng() % 8) {
        case 0: case 1: case 2:
          CHECK(z.insert(m, s, limits) == ref.insert(m, s));
          break;
        case 3:
          CHECK(z.erase(m) == ref.erase(m));
          break;
        case 4: {
          auto got = z.score(m);
          auto it = ref.scores.find(m);
          REQUIRE(got.has_value() == (it != ref.scores.end()));
          if (got)
            CHECK(*got == it->second);
          auto rank = z.rank(m);
          REQUIRE(rank.has_value() == got.has_value());
          if (rank) {
            auto all = ref.sorted();
            CHECK(all[*rank].second == m);
            CHECK(z.at_rank(*rank).member() == m);
          }
          break;
        }
        case 5:
          check_ranges(z, ref, rng);
          check_lex(z, rng);
          break;
        case 6:
          if (!z.empty() && rng() % 6 == 0) {
            size_t a = rng() % z.size(), b = a + rng() % 3;
            b = std::min(b, z.size() - 1);
            auto all = ref.sorted();
            for (size_t i = a; i <= b; ++i)
              ref.erase(all[i].second);
            z.erase_ranks(a, b);
          }
          break;
        case 7:
          if (rng() % 10 == 0)
            z.to_listpack_if_fits(limits, 20);
          break;
      }
      REQUIRE(z.size() == ref.scores.size());
      if (step % 97 == 0) {
        REQUIRE(contents(z) == ref.sorted());
        REQUIRE(contents_backwards(z) == ref.sorted());
        auto copy = z.clone();
        CHECK(copy->is_listpack() == z.is_listpack());
        CHECK(contents(*copy) == ref.sorted());
      }
    }
    CHECK(contents(z) == ref.sorted());
    if (max_entries == 0)
      CHECK_FALSE(z.is_listpack());
  }
}

TEST_CASE("zset: conversion thresholds as Redis 7.0's zsetAdd") {
  zset_limits limits{3, 5};
  zset z(limits, 1);
  CHECK(z.is_listpack());
  z.insert("a", 1, limits);
  z.insert("b", 2, limits);
  z.insert("c", 3, limits);
  CHECK(z.is_listpack());
  // Updates never convert.
  z.insert("c", 0, limits);
  CHECK(z.is_listpack());
  z.insert("d", 4, limits);
  CHECK_FALSE(z.is_listpack());
  z.erase("d");
  z.to_listpack_if_fits(limits, 1);
  CHECK(z.is_listpack());
  z.insert("longer", 1, limits);
  CHECK_FALSE(z.is_listpack());
  CHECK_FALSE(zset(limits, 6).is_listpack());
  CHECK_FALSE(zset(zset_limits{0, 64}, 1).is_listpack());
}

TEST_CASE("zset: ties order by member bytes; -0 equals 0") {
  zset_limits limits;
  for (bool big : {false, true}) {
    zset z(!big);
    z.insert("b", 0.0, limits);
    z.insert("a", -0.0, limits);
    z.insert("\xff", 0.0, limits);
    z.insert("ab", 0.0, limits);
    std::vector<std::string> got;
    for (auto c = z.at_rank(0); c.valid(); c.next())
      got.emplace_back(c.member());
    CHECK(got == std::vector<std::string>{"a", "ab", "b", "\xff"});
    CHECK(z.count(score_range{0, 0}) == 4);
  }
}

TEST_CASE("zset: a large skiplist keeps ranks and hash consistent") {
  zset z(false);
  zset_limits limits;
  for (int i = 0; i < 20000; ++i)
    z.insert("k" + std::to_string(i), i % 100, limits);
  for (int i = 0; i < 20000; i += 3)
    z.erase("k" + std::to_string(i));
  size_t r = 0;
  for (auto c = z.at_rank(0); c.valid(); c.next(), ++r) {
    REQUIRE(c.rank() == r);
    REQUIRE(*z.rank(c.member()) == r);
  }
  CHECK(r == z.size());
  size_t in_range = 0;
  for (int i = 0; i < 20000; ++i)
    if (i % 3 != 0 && i % 100 >= 10 && i % 100 <= 19)
      ++in_range;
  CHECK(z.count(score_range{10, 19}) == in_range);
}

TEST_CASE("zset: listpack scores round-trip (integers packed short, -0 read as 0)") {
  zset_limits limits;
  zset z(true);
  const double values[] = {1, -1, 127, 128, -128, -129, 32767, -32768, 65536, 1e15,
                           9007199254740991.0, -9007199254740991.0, 9007199254740992.0,
                           1e20, 0.5, -2.25, 1e-300,
                           std::numeric_limits<double>::infinity(),
                           -std::numeric_limits<double>::infinity()};
  int i = 0;
  for (double v : values)
    z.insert("m" + std::to_string(i++), v, limits);
  z.insert("negzero", -0.0, limits);
  REQUIRE(z.is_listpack());
  i = 0;
  for (double v : values)
    CHECK(*z.score("m" + std::to_string(i++)) == v);
  CHECK_FALSE(std::signbit(*z.score("negzero")));
  zset big(false);
  big.insert("negzero", -0.0, limits);
  CHECK(std::signbit(*big.score("negzero")));
}
