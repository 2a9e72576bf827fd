// hash_value against a std::map under random operations, across the
// listpack -> hashtable switch (entries and value-size limits).
#include <doctest/doctest.h>

#include <map>
#include <random>
#include <set>
#include <string>

#include "datatypes/hash_value.hpp"

using actis::datatypes::hash_limits;
using actis::datatypes::hash_value;

namespace {

std::map<std::string, std::string> contents(const hash_value& h) {
  std::map<std::string, std::string> out;
  h.for_each([&](std::string_view f, std::string_view v) {
    CHECK(out.emplace(std::string(f), std::string(v)).second);
  });
  return out;
}

std::string random_string(std::mt19937& rng, size_t max_len) {
  std::string s(rng() % (max_len + 1), 'a');
  for (auto& c : s)
    c = static_cast<char>('a' + rng() % 4);
  return s;
}

void check_same(const hash_value& h, const std::map<std::string, std::string>& model) {
  REQUIRE(h.size() == model.size());
  CHECK(contents(h) == model);
}

} // namespace

TEST_CASE("hash_value: random operations match a std::map across the encoding switch") {
  for (unsigned seed = 1; seed <= 6; ++seed) {
    std::mt19937 rng(seed);
    std::mt19937_64 pick(seed);
    hash_limits limits{.max_entries = 8u * seed, .max_value = seed % 2 ? 64u : 6u};
    hash_value h;
    std::map<std::string, std::string> model;
    bool converted = false;
    for (int step = 0; step < 3000; ++step) {
      std::string f = random_string(rng, 3 + seed % 3);
      switch (rng() % 6) {
        case 0:
        case 1:
        case 2: {
          std::string v = random_string(rng, rng() % 50 == 0 ? 80 : 5);
          bool added = h.set(f, v, limits);
          CHECK(added == (model.count(f) == 0));
          model[f] = v;
          break;
        }
        case 3:
          CHECK(h.erase(f) == (model.erase(f) == 1));
          break;
        case 4: {
          auto v = h.get(f);
          auto it = model.find(f);
          REQUIRE(v.has_value() == (it != model.end()));
          if (v)
            CHECK(*v == it->second);
          break;
        }
        case 5:
          if (!h.empty()) {
            auto p = h.random(pick);
            REQUIRE(model.count(std::string(p.field)) == 1);
            CHECK(model[std::string(p.field)] == p.value);
          }
          break;
      }
      // Once a hashtable, always a hashtable.
      if (converted)
        REQUIRE(!h.is_listpack());
      converted = !h.is_listpack();
      if (h.is_listpack()) {
        REQUIRE(h.size() <= limits.max_entries);
        for (auto& [mf, mv] : model)
          REQUIRE((mf.size() <= limits.max_value && mv.size() <= limits.max_value));
      }
      if (step % 97 == 0)
        check_same(h, model);
    }
    check_same(h, model);
    CHECK(converted);
    auto copy = h.clone();
    check_same(*copy, model);
    CHECK(copy->is_listpack() == h.is_listpack());
  }
}

TEST_CASE("hash_value: listpack keeps insertion order, updates in place") {
  hash_value h;
  hash_limits limits;
  CHECK(h.set("b", "1", limits));
  CHECK(h.set("a", "2", limits));
  CHECK(!h.set("b", "3", limits));
  std::string order;
  h.for_each([&](std::string_view f, std::string_view v) { order += std::string(f) + "=" + std::string(v) + ";"; });
  CHECK(order == "b=3;a=2;");
  CHECK(h.is_listpack());
}

TEST_CASE("hash_value: thresholds convert exactly past the limits") {
  hash_limits limits{.max_entries = 4, .max_value = 5};
  hash_value h;
  for (int i = 0; i < 4; ++i)
    h.set("f" + std::to_string(i), "12345", limits);
  CHECK(h.is_listpack());
  h.set("f4", "x", limits);
  CHECK(!h.is_listpack());
  hash_value v;
  v.set("12345", "12345", limits);
  CHECK(v.is_listpack());
  v.set("f", "123456", limits);
  CHECK(!v.is_listpack());
  hash_value zero;
  zero.set("a", "b", hash_limits{.max_entries = 0, .max_value = 64});
  CHECK(!zero.is_listpack());
}

TEST_CASE("hash_value: a full table scan visits every field while the table grows") {
  hash_limits limits{.max_entries = 1, .max_value = 64};
  hash_value h;
  for (int i = 0; i < 500; ++i)
    h.set("field" + std::to_string(i), std::to_string(i), limits);
  std::set<std::string> seen;
  uint64_t cursor = 0;
  int grown = 500;
  do {
    cursor = h.scan(cursor, 10, [&](std::string_view f, std::string_view) { seen.emplace(f); });
    if (grown < 1500)
      h.set("more" + std::to_string(grown++), "x", limits);
  } while (cursor != 0);
  for (int i = 0; i < 500; ++i)
    CHECK(seen.count("field" + std::to_string(i)) == 1);
}
