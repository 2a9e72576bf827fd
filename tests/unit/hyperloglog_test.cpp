// HyperLogLog registers and encodings against simple models: the estimate
// stays within a few standard errors of an exact set, sparse and dense
// codings of the same adds hold the same registers, promotion happens at
// hll-sparse-max-bytes, and merges take the register-wise maximum.
#include <doctest/doctest.h>

#include <cmath>
#include <random>
#include <set>
#include <string>

#include "commands/hll_ops.hpp"
#include "datatypes/hyperloglog.hpp"
#include "ops_fixture.hpp"

namespace hll = actis::datatypes::hll;

namespace {

std::string dense_empty() {
  std::string s = hll::create();
  REQUIRE(hll::to_dense(s));
  return s;
}

/// Every register of `s` as one byte each.
hll::raw_registers registers_of(const std::string& s) {
  hll::raw_registers regs{};
  REQUIRE(hll::merge_into(regs, s));
  return regs;
}

} // namespace

TEST_CASE("hyperloglog: MurmurHash64A and the empty value") {
  // Reference values of MurmurHash64A with Redis's seed.
  CHECK(hll::murmur64a("", 0, 0) == 0);
  std::string empty = hll::create();
  CHECK(empty.size() == 18);
  CHECK(empty.substr(0, 5) == std::string("HYLL\x01", 5));
  CHECK(hll::looks_valid(empty));
  CHECK(hll::cache_valid(empty));
  CHECK(hll::count(empty) == 0u);
  CHECK(hll::decode_sparse(empty) == "Z:16384");
  std::string dense = dense_empty();
  CHECK(dense.size() == hll::dense_size);
  CHECK(hll::count(dense) == 0u);
}

TEST_CASE("hyperloglog: the estimate follows an exact set within the error bound") {
  std::mt19937_64 rng(42);
  std::string sparse = hll::create(), dense = dense_empty();
  std::set<std::string> exact;
  double stderr_rel = 1.04 / std::sqrt(16384.0);
  for (int i = 0; i < 60000; ++i) {
    std::string element = "el" + std::to_string(rng() % 200000);
    exact.insert(element);
    int a = hll::add(sparse, element, 3000);
    int b = hll::add(dense, element, 3000);
    REQUIRE(a >= 0);
    REQUIRE(b >= 0);
    if (i % 2000 == 0 || i < 50) {
      auto n = static_cast<double>(exact.size());
      uint64_t est = *hll::count(dense);
      CHECK(*hll::count(sparse) == est);
      CHECK(std::fabs(static_cast<double>(est) - n) <= 5 * stderr_rel * n + 1);
    }
  }
  CHECK(registers_of(sparse) == registers_of(dense));
}

TEST_CASE("hyperloglog: sparse turns dense past hll-sparse-max-bytes, same registers") {
  for (size_t limit : {size_t{0}, size_t{30}, size_t{200}, size_t{3000}}) {
    std::string s = hll::create(), dense = dense_empty();
    bool promoted = false;
    for (int i = 0; i < 3000; ++i) {
      std::string element = std::to_string(i);
      hll::add(s, element, limit);
      hll::add(dense, element, limit);
      if (!hll::is_dense(s))
        CHECK(s.size() <= std::max(limit, size_t{18}));
      promoted = promoted || hll::is_dense(s);
    }
    CHECK(promoted);
    CHECK(hll::is_dense(s));
    CHECK(s.size() == hll::dense_size);
    CHECK(registers_of(s) == registers_of(dense));
  }
}

TEST_CASE("hyperloglog: sparse set_register matches a register model") {
  std::mt19937 rng(7);
  std::string s = hll::create();
  hll::raw_registers model{};
  for (int i = 0; i < 4000; ++i) {
    size_t index = rng() % (i < 2000 ? 64 : 16384);
    auto count = static_cast<uint8_t>(1 + rng() % 32);
    int r = hll::set_register(s, index, count, 1 << 20);
    CHECK(r == (count > model[index] ? 1 : 0));
    model[index] = std::max(model[index], count);
    if (i % 97 == 0)
      REQUIRE(registers_of(s) == model);
  }
  CHECK_FALSE(hll::is_dense(s));
  CHECK(registers_of(s) == model);
  // A register above 32 cannot be coded sparse.
  CHECK(hll::set_register(s, 5, 40, 1 << 20) == 1);
  CHECK(hll::is_dense(s));
  model[5] = 40;
  CHECK(registers_of(s) == model);
}

TEST_CASE("hyperloglog: corrupt sparse codings are detected") {
  std::string s = hll::create();
  s.back() = '\xfe'; // XZERO of 16383
  CHECK_FALSE(hll::count(s));
  hll::raw_registers regs{};
  CHECK_FALSE(hll::merge_into(regs, s));
  std::string copy = s;
  CHECK_FALSE(hll::to_dense(copy));
  CHECK(copy == s);
  s = hll::create();
  s.push_back('\x80');
  CHECK_FALSE(hll::count(s));
  CHECK(hll::add(s, "a", 3000) >= -1);
  CHECK_FALSE(hll::looks_valid("HYLL"));
  std::string bad_dense = hll::create();
  bad_dense[4] = 0;
  CHECK_FALSE(hll::looks_valid(bad_dense));
}

TEST_CASE("hyperloglog ops: PFADD, PFCOUNT cache, PFMERGE union") {
  ops_test::world w;
  using namespace actis::commands;
  std::vector<std::string> a{"a", "b", "c"}, b{"c", "d"};
  REQUIRE(*op_pfadd(w.ks, 0, "x", a));
  CHECK_FALSE(*op_pfadd(w.ks, 0, "x", a));
  REQUIRE(*op_pfadd(w.ks, 0, "y", b));
  std::vector<std::string> x{"x"}, xy{"x", "y"}, bad{"s"};
  CHECK(*op_pfcount(w.ks, 0, x) == 3);
  CHECK(hll::cache_valid(w.stored("x")));
  CHECK(*op_pfcount(w.ks, 0, xy) == 4);
  std::vector<std::string> srcs{"y"};
  CHECK(op_pfmerge(w.ks, 0, "x", srcs).ok());
  CHECK_FALSE(hll::cache_valid(w.stored("x")));
  CHECK(*op_pfcount(w.ks, 0, x) == 4);
  w.put("s", "not an hll");
  CHECK(op_pfcount(w.ks, 0, bad).status() == op_status::hll_not_hll);
  w.put_list("l");
  CHECK(op_pfadd(w.ks, 0, "l", a).status() == op_status::wrong_type);
  CHECK(op_pfdebug(w.ks, 0, "encoding", "nokey").status() == op_status::hll_no_such_key);
  CHECK(op_pfdebug(w.ks, 0, "todense", "x")->converted);
  CHECK(op_pfdebug(w.ks, 0, "encoding", "x")->text == "dense");
  CHECK(op_pfdebug(w.ks, 0, "decode", "x").status() == op_status::hll_not_sparse);
  CHECK(hll_selftest().empty());
}
