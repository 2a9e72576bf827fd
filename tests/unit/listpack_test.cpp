// listpack against a vector of strings under random operations.
#include <doctest/doctest.h>

#include <random>
#include <string>
#include <type_traits>
#include <vector>

#include "datatypes/listpack.hpp"

using actis::datatypes::forward_listpack;
using actis::datatypes::listpack;

namespace {

template <class Listpack>
std::vector<std::string> contents(const Listpack& lp) {
  std::vector<std::string> out;
  for (auto p = lp.first(); p != lp.end(); p = lp.next(p))
    out.emplace_back(lp.get(p));
  return out;
}

std::vector<std::string> contents_backwards(const listpack& lp) {
  std::vector<std::string> out;
  for (auto p = lp.last(); p != lp.end(); p = lp.prev(p))
    out.emplace(out.begin(), lp.get(p));
  return out;
}

std::string random_string(std::mt19937& rng) {
  // Mostly short, sometimes past the one- and two-byte varint limits.
  static const size_t lengths[] = {0, 1, 5, 20, 126, 127, 128, 300, 16383, 16384, 20000};
  size_t len = lengths[rng() % std::size(lengths)];
  std::string s(len, 'a');
  for (auto& c : s)
    c = static_cast<char>('a' + rng() % 26);
  return s;
}

} // namespace

TEST_CASE_TEMPLATE("listpack: random operations match a vector of strings", Listpack, listpack,
                   forward_listpack) {
  std::mt19937 rng(7);
  Listpack lp;
  std::vector<std::string> model;
  for (int step = 0; step < 4000; ++step) {
    int op = static_cast<int>(rng() % 6);
    long long n = static_cast<long long>(model.size());
    if (op <= 1 || model.empty()) {
      long long idx = n == 0 ? 0 : static_cast<long long>(rng() % (model.size() + 1));
      auto s = random_string(rng);
      auto p = idx == n ? lp.end() : lp.at(idx);
      lp.insert(p, s);
      model.insert(model.begin() + idx, s);
    } else if (op == 2) {
      long long idx = static_cast<long long>(rng() % model.size());
      size_t count = 1 + rng() % 3;
      lp.erase(lp.at(idx), count);
      model.erase(model.begin() + idx,
                  model.begin() + std::min<long long>(n, idx + static_cast<long long>(count)));
    } else if (op == 3) {
      long long idx = static_cast<long long>(rng() % model.size());
      auto s = random_string(rng);
      lp.replace(lp.at(idx - n), s);
      model[static_cast<size_t>(idx)] = s;
    } else if (op == 4) {
      long long idx = static_cast<long long>(rng() % model.size());
      auto found = lp.find(model[static_cast<size_t>(idx)], lp.first());
      REQUIRE(found != lp.end());
      CHECK(lp.get(found) == model[static_cast<size_t>(idx)]);
    } else {
      auto copy = lp.clone();
      CHECK(contents(copy) == model);
    }
    REQUIRE(lp.size() == model.size());
    if (step % 50 == 0) {
      REQUIRE(contents(lp) == model);
      if constexpr (std::is_same_v<Listpack, listpack>)
        REQUIRE(contents_backwards(lp) == model);
    }
  }
  CHECK(contents(lp) == model);
}

TEST_CASE("listpack: small entries are compact; find with skip sees only keys") {
  listpack lp;
  CHECK(lp.bytes() == 0);
  lp.push_back("f1");
  lp.push_back("v1");
  lp.push_back("v1");
  lp.push_back("x");
  CHECK(lp.bytes() == 8 + 4 + 4 + 4 + 3);
  CHECK(lp.find("v1", lp.first(), 1) == lp.at(2));
  CHECK(lp.find("x", lp.first(), 1) == lp.end());
  lp.erase(lp.first(), 10);
  CHECK(lp.empty());
  CHECK(lp.bytes() == 0);
}

TEST_CASE("forward_listpack: no back lengths, a byte less per short entry") {
  forward_listpack lp;
  lp.push_back("field0");
  lp.push_back("v0");
  lp.push_back("");
  CHECK(lp.bytes() == 8 + 7 + 3 + 1);
  CHECK(lp.get(lp.at(2)).empty());
  CHECK(lp.get(lp.at(-2)) == "v0");
  CHECK(lp.next(lp.at(2)) == lp.end());
}
