// intset and the set value against std::set under random operations, across
// width upgrades and the intset -> hashtable switch.
#include <doctest/doctest.h>

#include <algorithm>
#include <climits>
#include <cstring>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "datatypes/intset.hpp"
#include "datatypes/set_value.hpp"
#include "datatypes/strutil.hpp"

using namespace actis::datatypes;

namespace {

/// An integer from a range that needs 2, 4 or 8 bytes, or a boundary.
int64_t random_int(std::mt19937_64& rng, int widest) {
  static const int64_t edges[] = {0, -1, INT16_MIN, INT16_MAX, INT32_MIN, INT32_MAX,
                                  INT64_MIN, INT64_MAX, INT16_MAX + 1LL, INT16_MIN - 1LL};
  switch (rng() % static_cast<unsigned>(widest + 1)) {
    case 0: return static_cast<int16_t>(rng() % 200) - 100;
    case 1: return static_cast<int16_t>(rng());
    case 2: return static_cast<int32_t>(rng());
    default: return rng() % 4 == 0 ? edges[rng() % std::size(edges)]
                                   : static_cast<int64_t>(rng());
  }
}

std::vector<std::string> members_of(const set_value& s) {
  std::vector<std::string> out;
  s.for_each([&](std::string_view m) { out.emplace_back(m); });
  return out;
}

} // namespace

TEST_CASE("intset: random inserts and erases match a std::set, widths upgrade") {
  std::mt19937_64 rng(7);
  for (int round = 0; round < 50; ++round) {
    std::set<int64_t> model;
    std::vector<unsigned char> buf;
    unsigned width = 2;
    size_t len = 0;
    int widest = round % 4;
    for (int step = 0; step < 300; ++step) {
      int64_t v = random_int(rng, widest);
      size_t pos = 0;
      bool present = intset::width_for(v) <= width &&
                     intset::search(buf.data(), width, len, v, pos);
      REQUIRE(present == (model.count(v) == 1));
      if (rng() % 3 != 0) {
        if (present)
          continue;
        unsigned nw = std::max(width, intset::width_for(v));
        buf.resize(intset::bytes_for(len + 1, nw));
        if (nw != width) {
          intset::upgrade(buf.data(), width, nw, len);
          width = nw;
        }
        intset::search(buf.data(), width, len, v, pos);
        intset::insert_at(buf.data(), width, len, pos, v);
        ++len;
        model.insert(v);
      } else if (present) {
        intset::erase_at(buf.data(), width, len, pos);
        --len;
        model.erase(v);
      }
      REQUIRE(len == model.size());
    }
    size_t i = 0;
    for (int64_t v : model)
      REQUIRE(intset::get(buf.data(), width, i++) == v);
    // The width is the narrowest that held every value ever inserted.
    CHECK(width >= (model.empty() ? 2 : std::max(intset::width_for(*model.begin()),
                                                  intset::width_for(*model.rbegin()))));
  }
}

TEST_CASE("set value: random operations match a std::set across the encoding switch") {
  std::mt19937_64 rng(11);
  for (int round = 0; round < 60; ++round) {
    size_t max_intset = static_cast<size_t>(round % 3 == 0 ? 512 : round % 20);
    value v = set_value::make_intset();
    std::set<std::string> model;
    bool converted = false;
    int widest = round % 4;
    for (int step = 0; step < 600; ++step) {
      std::string m;
      if (rng() % 40 == 0 || round % 7 == 6)
        m = "m" + std::to_string(rng() % 50);      // not an integer
      else if (rng() % 30 == 0)
        m = "0" + std::to_string(rng() % 9 + 1);   // integer-looking, not canonical
      else
        m = ll_to_string(random_int(rng, widest));
      int op = static_cast<int>(rng() % 10);
      if (op < 6) {
        bool added = set_value::add(v, m, max_intset);
        REQUIRE(added == model.insert(m).second);
      } else if (op < 9) {
        bool removed = set_value::remove(v, m);
        REQUIRE(removed == (model.erase(m) == 1));
      } else if (!model.empty()) {
        std::string popped = set_value::pop_random(v, rng);
        REQUIRE(model.erase(popped) == 1);
      }
      const set_value& s = *as_set(v);
      REQUIRE(s.size() == model.size());
      REQUIRE(s.contains(m) == (model.count(m) == 1));
      // Redis 7.0 never converts back.
      if (converted)
        REQUIRE(!s.is_intset());
      converted = !s.is_intset();
      if (s.is_intset())
        REQUIRE(s.size() <= max_intset);
    }
    const set_value& s = *as_set(v);
    auto got = members_of(s);
    if (s.is_intset()) {
      // Ascending numeric order, like Redis's intset.
      std::vector<long long> nums;
      for (auto& g : got) {
        long long n;
        REQUIRE(parse_ll(g, n));
        nums.push_back(n);
      }
      CHECK(std::is_sorted(nums.begin(), nums.end()));
    }
    CHECK(std::set<std::string>(got.begin(), got.end()) == model);
    CHECK(got.size() == model.size());

    value copy = v.clone();
    CHECK(as_set(copy)->encoding() == s.encoding());
    auto copied = members_of(*as_set(copy));
    if (!s.is_intset()) {
      // A copied table is built anew: same members, maybe in another order.
      std::sort(copied.begin(), copied.end());
      std::sort(got.begin(), got.end());
    }
    CHECK(copied == got);

    // A whole SSCAN iteration in small steps sees every member.
    std::set<std::string> scanned;
    uint64_t cursor = 0;
    do {
      cursor = s.scan(cursor, 3, [&](std::string_view m) { scanned.emplace(m); });
    } while (cursor != 0);
    CHECK(scanned == model);
  }
}

TEST_CASE("set value: encodings as Redis 7.0 chooses them") {
  value v = set_value::make_for("12");
  CHECK(as_set(v)->encoding() == obj_encoding::intset);
  CHECK(as_set(set_value::make_for("a"))->encoding() == obj_encoding::hashtable);
  CHECK(as_set(set_value::make_for("012"))->encoding() == obj_encoding::hashtable);
  for (int i = 0; i < 4; ++i)
    set_value::add(v, std::to_string(i), 4);
  CHECK(as_set(v)->encoding() == obj_encoding::intset);
  // The fifth integer passes set-max-intset-entries.
  set_value::add(v, "9", 4);
  CHECK(as_set(v)->encoding() == obj_encoding::hashtable);
  // A limit of 0 turns the first integer into a hashtable.
  value zero = set_value::make_intset();
  set_value::add(zero, "1", 0);
  CHECK(as_set(zero)->encoding() == obj_encoding::hashtable);
  CHECK(as_set(zero)->contains("1"));
  // Width upgrades keep members and order.
  value w = set_value::make_intset();
  for (const char* m : {"5", "-3", "70000", "-9223372036854775808", "9223372036854775807"})
    set_value::add(w, m, 512);
  CHECK(members_of(*as_set(w)) == std::vector<std::string>{"-9223372036854775808", "-3", "5",
                                                           "70000", "9223372036854775807"});
  CHECK_FALSE(as_set(w)->contains("9223372036854775808"));
  CHECK(as_set(w)->encoding() == obj_encoding::intset);
}

TEST_CASE("set value: an intset's block follows its size both ways") {
  value v = set_value::make_intset();
  size_t empty = as_set(v)->memory_usage();
  for (int i = 0; i < 500; ++i)
    set_value::add(v, std::to_string(i * 1000), 512);
  size_t full = as_set(v)->memory_usage();
  CHECK(full >= sizeof(value) + 500 * 4);
  CHECK(full > empty);
  for (int i = 0; i < 499; ++i)
    set_value::remove(v, std::to_string(i * 1000));
  CHECK(as_set(v)->memory_usage() < 200);
  CHECK(members_of(*as_set(v)) == std::vector<std::string>{"499000"});
}

TEST_CASE("set value: digest is order independent and random members are fair") {
  value a = set_value::make_intset();
  value b = set_value::make_hashtable();
  for (const char* m : {"1", "2", "3"}) {
    set_value::add(a, m, 512);
    set_value::add(b, m, 512);
  }
  unsigned char da[digest_size] = {}, db[digest_size] = {};
  set_traits.digest(a, da);
  set_traits.digest(b, db);
  CHECK(std::memcmp(da, db, digest_size) == 0);
  CHECK(a.type() == obj_type::set);
  CHECK(a.traits().name == "set");

  std::mt19937_64 rng(3);
  int counts[3] = {0, 0, 0};
  std::string scratch;
  for (int i = 0; i < 3000; ++i)
    ++counts[as_set(a)->random_member(rng, scratch)[0] - '1'];
  for (int c : counts)
    CHECK(c > 800);
}
