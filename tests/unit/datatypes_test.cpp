// Unit tests for datatypes/: value encodings, the db hash table (rehashing,
// SCAN guarantee, expires, random picks), strutil and digest helpers.
#include <doctest/doctest.h>

#include <cmath>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "datatypes/db.hpp"
#include "datatypes/digest.hpp"
#include "datatypes/strutil.hpp"
#include "datatypes/value.hpp"

using namespace actis::datatypes;

namespace {

std::string encoding_of(const value& v) {
  return std::string(encoding_name(v.encoding()));
}

std::string contents(const value& v) {
  std::string scratch;
  return std::string(v.str(scratch));
}

std::string key_name(int i) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "key:%08d", i);
  return buf;
}

/// A collection type registered the way real ones will be: one traits entry
/// handed to the collection base.
struct fake_list : collection {
  explicit fake_list(int n) : n(n) {}
  static const value_traits& type_traits();
  static const fake_list& of(const value& v) { return *static_cast<const fake_list*>(v.coll()); }
  int n;
};

const value_traits fake_list_traits{
    .type = obj_type::list,
    .name = "list",
    .encoding = [](const value&) { return obj_encoding::quicklist; },
    .digest = [](const value& v, unsigned char d[digest_size]) {
      mix_digest(d, std::to_string(fake_list::of(v).n));
    },
    .memory_usage = [](const value&) { return sizeof(value) + 100; },
    .copy = [](const value& v) {
      return value::from_collection(std::make_unique<fake_list>(fake_list::of(v).n));
    },
    .destroy = &delete_collection<fake_list>,
};

const value_traits& fake_list::type_traits() {
  return fake_list_traits;
}

/// Scans `d` to completion with `count`, calling `between` after every call.
template <class Between>
std::unordered_set<std::string> scan_all(db& d, size_t count, Between between) {
  std::unordered_set<std::string> seen;
  uint64_t cursor = 0;
  int calls = 0;
  do {
    cursor = d.scan(cursor, count, [&](entry& e) { seen.insert(std::string(e.key())); });
    between(++calls);
  } while (cursor != 0);
  return seen;
}

long double ld(std::string_view s) {
  long double v = 0;
  REQUIRE(parse_long_double(s, v));
  return v;
}

} // namespace

TEST_CASE("value is compact") {
  CHECK(sizeof(value) == 16);
  CHECK(sizeof(entry) == 40);
}

TEST_CASE("value encodings follow Redis's tryObjectEncoding") {
  struct expectation {
    std::string input;
    const char* encoding;
  };
  std::vector<expectation> cases = {
      {"0", "int"},
      {"-0", "embstr"},
      {"007", "embstr"},
      {"9223372036854775807", "int"},
      {"9223372036854775808", "embstr"},
      {"-9223372036854775808", "int"},
      {"-9223372036854775809", "embstr"},
      {" 1", "embstr"},
      {"1 ", "embstr"},
      {"+1", "embstr"},
      {"-1", "int"},
      {"", "embstr"},
      {"a", "embstr"},
      {"10000", "int"},
      {"12345678901234567890", "embstr"},
      {std::string(15, 'x'), "embstr"},
      {std::string(16, 'x'), "embstr"},
      {std::string(44, 'x'), "embstr"},
      {std::string(45, 'x'), "raw"},
      {std::string(1000, 'x'), "raw"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.input);
    value v = value::from_string(c.input);
    CHECK(encoding_of(v) == c.encoding);
    CHECK(contents(v) == c.input);
    CHECK(v.str_len() == c.input.size());
    CHECK(v.type() == obj_type::string);
    CHECK(v.is_string());
    CHECK(v.coll() == nullptr);
  }
  CHECK(encoding_of(value()) == "embstr");
  CHECK(contents(value()).empty());
}

TEST_CASE("int values") {
  for (long long n : {0LL, 1LL, -1LL, 42LL, -9223372036854775807LL - 1, 9223372036854775807LL}) {
    value v = value::from_int(n);
    CHECK(encoding_of(v) == "int");
    long long out = 0;
    CHECK(v.to_int(out));
    CHECK(out == n);
    CHECK(contents(v) == ll_to_string(n));
    CHECK(v.str_len() == ll_to_string(n).size());
  }
  long long out = 0;
  CHECK(value::from_string("abc").to_int(out) == false);
  CHECK(value::raw_string("123").to_int(out));
  CHECK(out == 123);
  CHECK(value::from_string("007").to_int(out) == false);
}

TEST_CASE("plain and raw strings") {
  CHECK(encoding_of(value::plain_string("2")) == "embstr");
  CHECK(encoding_of(value::plain_string(std::string(45, 'a'))) == "raw");
  value raw = value::raw_string("ab");
  CHECK(encoding_of(raw) == "raw");
  CHECK(contents(raw) == "ab");

  value v = value::from_string("12");
  v.mutable_str() += "3";
  CHECK(encoding_of(v) == "raw");
  CHECK(contents(v) == "123");
  long long out = 0;
  CHECK(v.to_int(out));
  CHECK(out == 123);

  value big = value::from_string(std::string(30, 'q'));
  big.mutable_str().append("zz");
  CHECK(contents(big) == std::string(30, 'q') + "zz");
  CHECK(encoding_of(big) == "raw");
}

TEST_CASE("value moves and clones") {
  for (std::string s : {std::string("x"), std::string("12345"), std::string(30, 'y'),
                        std::string(100, 'z')}) {
    value a = value::from_string(s);
    value b = a.clone();
    CHECK(contents(b) == s);
    CHECK(b.encoding() == a.encoding());
    value c = std::move(a);
    CHECK(contents(c) == s);
    CHECK(contents(a).empty());
    a = std::move(c);
    CHECK(contents(a) == s);
    CHECK(a.memory_usage() >= sizeof(value));
  }
  value raw = value::raw_string("r");
  CHECK(encoding_of(raw.clone()) == "raw");

  value list = value::from_collection(std::make_unique<fake_list>(7));
  CHECK(list.type() == obj_type::list);
  CHECK(encoding_of(list) == "quicklist");
  CHECK_FALSE(list.is_string());
  value copy = list.clone();
  REQUIRE(copy.coll() != nullptr);
  CHECK(copy.coll() != list.coll());
  CHECK(static_cast<fake_list*>(copy.coll())->n == 7);
  CHECK(list.memory_usage() > 100);
}

TEST_CASE("a value's type traits name, digest and copy it") {
  value s = value::from_string("hello");
  CHECK(s.traits().name == "string");
  CHECK(s.traits().type == obj_type::string);
  bool rdb_slot_empty = s.traits().rdb_save == nullptr;  // the persistence issue fills it
  CHECK(rdb_slot_empty);
  unsigned char by_traits[digest_size] = {}, by_hand[digest_size] = {};
  s.traits().digest(s, by_traits);
  mix_digest(by_hand, "hello");
  CHECK(digest_hex(by_traits) == digest_hex(by_hand));

  value list = value::from_collection(std::make_unique<fake_list>(3));
  CHECK(list.traits().name == "list");
  unsigned char list_digest[digest_size] = {};
  list.traits().digest(list, list_digest);
  CHECK(digest_hex(list_digest) != digest_hex(by_traits));
}

TEST_CASE("string accessors refuse a collection and leave it intact") {
  value list = value::from_collection(std::make_unique<fake_list>(9));
  std::string scratch;
  long long out = 0;
  CHECK_THROWS_AS(list.mutable_str(), wrong_type_access);
  CHECK_THROWS_AS(list.str(scratch), wrong_type_access);
  CHECK_THROWS_AS(list.str_len(), wrong_type_access);
  CHECK_THROWS_AS(list.to_int(out), wrong_type_access);
  REQUIRE(list.coll() != nullptr);
  CHECK(fake_list::of(list).n == 9);
  CHECK(list.type() == obj_type::list);
}

TEST_CASE("encoding names") {
  CHECK(encoding_name(obj_encoding::int_) == "int");
  CHECK(encoding_name(obj_encoding::listpack) == "listpack");
  CHECK(encoding_name(obj_encoding::skiplist) == "skiplist");
}

TEST_CASE("db insert, find and erase through many rehashes") {
  db d;
  CHECK(d.find("missing") == nullptr);
  CHECK_FALSE(d.erase("missing"));
  const int n = 50000;
  std::vector<entry*> where(n);
  for (int i = 0; i < n; ++i) {
    // Mix short inline keys with long heap keys.
    std::string k = i % 3 == 0 ? key_name(i) + std::string(20, 'L') : key_name(i);
    auto [e, created] = d.find_or_insert(k);
    REQUIRE(created);
    CHECK(e->key() == k);
    e->val = value::from_int(i);
    where[i] = e;
  }
  CHECK(d.size() == n);
  for (int i = 0; i < n; ++i) {
    std::string k = i % 3 == 0 ? key_name(i) + std::string(20, 'L') : key_name(i);
    entry* e = d.find(k);
    REQUIRE(e != nullptr);
    CHECK(e == where[i]);  // nodes never move
    auto [again, created] = d.find_or_insert(k);
    CHECK_FALSE(created);
    CHECK(again == e);
  }
  for (int i = 0; i < n; i += 2) {
    std::string k = i % 3 == 0 ? key_name(i) + std::string(20, 'L') : key_name(i);
    CHECK(d.erase(k));
    CHECK_FALSE(d.erase(k));
  }
  CHECK(d.size() == n / 2);
  for (int i = 0; i < n; ++i) {
    std::string k = i % 3 == 0 ? key_name(i) + std::string(20, 'L') : key_name(i);
    entry* e = d.find(k);
    if (i % 2 == 0) {
      CHECK(e == nullptr);
    } else {
      REQUIRE(e != nullptr);
      long long v = -1;
      CHECK(e->val.to_int(v));
      CHECK(v == i);
    }
  }
  // Shrinks back down as keys disappear.
  size_t full = d.memory_usage();
  for (int i = 1; i < n - 10; i += 2) {
    std::string k = i % 3 == 0 ? key_name(i) + std::string(20, 'L') : key_name(i);
    CHECK(d.erase(k));
  }
  while (d.rehash_step(100)) {
  }
  CHECK(d.size() == 5);
  CHECK(d.memory_usage() < full);
  d.clear();
  CHECK(d.size() == 0);
  CHECK(d.find(key_name(n - 1)) == nullptr);
  auto [e, created] = d.find_or_insert("again");
  CHECK(created);
  CHECK(e->key() == "again");
  CHECK(contents(e->val).empty());
}

TEST_CASE("db warm_lookups changes no lookup, also mid-rehash and on an empty db") {
  db d;
  auto name = [](int i) { return i % 2 == 0 ? key_name(i) : key_name(i) + std::string(20, 'L'); };
  std::vector<uint64_t> hashes;
  for (int i = 0; i < 100; ++i)
    hashes.push_back(db::key_hash(name(i)));
  d.warm_lookups(hashes.data(), hashes.size());
  CHECK(d.size() == 0);
  for (int i = 0; i < 3000; ++i) {
    d.find_or_insert(name(i));
    if (i % 97 != 0)
      continue;
    // Every size class of the table and its rehashes; more hashes than one
    // batch loads, present and absent, inline and heap keys.
    d.warm_lookups(hashes.data(), hashes.size());
    for (int k = 0; k < 100; ++k) {
      entry* e = d.find(name(k));
      CHECK((e != nullptr) == (k <= i));
      if (e)
        CHECK(e->key() == name(k));
    }
  }
}

TEST_CASE("db entries: the key's length picks the node size; long keys go to the heap") {
  db d;
  auto key_of = [](size_t len) {
    std::string k(len, 'k');
    for (size_t i = 0; i < len; ++i)
      k[i] = static_cast<char>('a' + (len * 7 + i) % 26);
    return k;
  };
  for (int round = 0; round < 2; ++round) {
    for (size_t len = 0; len <= 60; ++len) {
      auto [e, created] = d.find_or_insert(key_of(len));
      REQUIRE(created);
      e->val = value::from_int(static_cast<long long>(len));
      e->lru = static_cast<uint32_t>(len);
      d.set_expire(*e, 1000 + static_cast<int64_t>(len));
    }
    for (size_t len = 0; len <= 60; ++len) {
      entry* e = d.find(key_of(len));
      REQUIRE(e != nullptr);
      CHECK(e->key() == key_of(len));
      long long v = -1;
      CHECK(e->val.to_int(v));
      CHECK(v == static_cast<long long>(len));
      CHECK(e->lru == len);
      CHECK(d.expire_at(*e) == 1000 + static_cast<int64_t>(len));
      size_t expected = len <= 10 ? 40 : len <= 18 ? 48 : len <= 26 ? 56 : len <= 34 ? 64 : 48;
      CHECK(db::entry_bytes(*e) == expected);
    }
    // Freed nodes are reused by keys of their own size only.
    for (size_t len = 0; len <= 60; len += 2)
      CHECK(d.erase(key_of(len)));
    for (size_t len = 1; len <= 60; len += 2)
      CHECK(d.find(key_of(len))->key() == key_of(len));
    d.clear();
  }
}

TEST_CASE("db keys are binary safe") {
  db d;
  std::string with_nul("a\0b", 3);
  d.find_or_insert(with_nul);
  d.find_or_insert("a");
  d.find_or_insert("");
  CHECK(d.size() == 3);
  REQUIRE(d.find(with_nul) != nullptr);
  CHECK(d.find(with_nul)->key() == with_nul);
  CHECK(d.find("")->key().empty());
  CHECK(d.find("ab") == nullptr);
}

TEST_CASE("db scan visits every key exactly once when nothing changes") {
  db d;
  CHECK(d.scan(0, 10, [](entry&) {}) == 0);
  for (int i = 0; i < 1000; ++i)
    d.find_or_insert(key_name(i));
  std::multiset<std::string> seen;
  uint64_t cursor = 0;
  do {
    cursor = d.scan(cursor, 10, [&](entry& e) { seen.insert(std::string(e.key())); });
  } while (cursor != 0);
  CHECK(seen.size() == 1000);
  CHECK(std::set<std::string>(seen.begin(), seen.end()).size() == 1000);
}

TEST_CASE("db scan guarantee holds while the table grows") {
  db d;
  for (int i = 0; i < 500; ++i)
    d.find_or_insert(key_name(i));
  int next = 1000000;
  auto seen = scan_all(d, 5, [&](int) {
    for (int j = 0; j < 40; ++j)
      d.find_or_insert(key_name(next++));
  });
  for (int i = 0; i < 500; ++i)
    CHECK(seen.count(key_name(i)) == 1);
  CHECK(d.size() > 500);
}

TEST_CASE("db scan guarantee holds while the table shrinks") {
  db d;
  for (int i = 0; i < 20000; ++i)
    d.find_or_insert(key_name(i));
  // Keys below 200 stay; the rest are deleted a few hundred at a time.
  int victim = 200;
  auto seen = scan_all(d, 3, [&](int) {
    for (int j = 0; j < 300 && victim < 20000; ++j)
      d.erase(key_name(victim++));
    d.rehash_step(1);
  });
  for (int i = 0; i < 200; ++i)
    CHECK(seen.count(key_name(i)) == 1);
  CHECK(d.size() == 200);
}

TEST_CASE("db scan guarantee under mixed growth and shrinking") {
  db d;
  std::mt19937_64 rng(7);
  for (int i = 0; i < 300; ++i)
    d.find_or_insert("stable:" + std::to_string(i));
  std::vector<std::string> churn;
  int next = 0;
  for (int round = 0; round < 20; ++round) {
    auto seen = scan_all(d, 1 + round % 7, [&](int call) {
      if ((call / 10) % 2 == 0) {
        for (int j = 0; j < 150; ++j) {
          churn.push_back("churn:" + std::to_string(next++));
          d.find_or_insert(churn.back());
        }
      } else {
        for (int j = 0; j < 200 && !churn.empty(); ++j) {
          size_t pick = rng() % churn.size();
          d.erase(churn[pick]);
          churn[pick] = churn.back();
          churn.pop_back();
        }
      }
    });
    for (int i = 0; i < 300; ++i)
      REQUIRE(seen.count("stable:" + std::to_string(i)) == 1);
  }
}

TEST_CASE("db scan callback may erase the entry it receives") {
  db d;
  for (int i = 0; i < 3000; ++i)
    d.find_or_insert(key_name(i));
  size_t erased = 0;
  uint64_t cursor = 0;
  do {
    cursor = d.scan(cursor, 20, [&](entry& e) {
      std::string k(e.key());
      CHECK(d.erase(k));
      ++erased;
    });
  } while (cursor != 0);
  CHECK(erased == 3000);
  CHECK(d.size() == 0);
}

TEST_CASE("db expires") {
  db d;
  auto [a, created_a] = d.find_or_insert("a");
  auto [b, created_b] = d.find_or_insert("b");
  CHECK(d.expire_at("a") == -1);
  CHECK(d.expire_at("nope") == -1);
  CHECK_FALSE(bool(a->has_expire));
  d.set_expire(*a, 1000);
  CHECK(bool(a->has_expire));
  CHECK(d.expire_at("a") == 1000);
  CHECK(d.expire_at(*a) == 1000);
  d.set_expire(*a, 2000);
  CHECK(d.expire_at(*a) == 2000);
  CHECK(d.expires_size() == 1);
  CHECK_FALSE(d.remove_expire(*b));
  d.set_expire(*b, 5);
  CHECK(d.expires_size() == 2);
  CHECK(d.remove_expire(*a));
  CHECK_FALSE(bool(a->has_expire));
  CHECK(d.expire_at(*a) == -1);
  CHECK(d.expires_size() == 1);
  CHECK(d.erase("b"));
  CHECK(d.expires_size() == 0);

  std::mt19937_64 rng(1);
  CHECK(d.random_volatile(rng) == nullptr);
  for (int i = 0; i < 5000; ++i) {
    entry* e = d.find_or_insert(key_name(i)).first;
    if (i % 5 == 0)
      d.set_expire(*e, i);
  }
  CHECK(d.expires_size() == 1000);
  for (int i = 0; i < 5000; i += 5)
    CHECK(d.expire_at(key_name(i)) == i);
  for (int i = 0; i < 200; ++i) {
    entry* e = d.random_volatile(rng);
    REQUIRE(e != nullptr);
    CHECK(bool(e->has_expire));
  }
  std::unordered_set<std::string> volatile_seen;
  uint64_t cursor = 0;
  do {
    cursor = d.scan_expires(cursor, 20, [&](entry& e) {
      CHECK(bool(e.has_expire));
      volatile_seen.insert(std::string(e.key()));
    });
  } while (cursor != 0);
  CHECK(volatile_seen.size() == 1000);
  // An expire cycle deleting what it samples.
  cursor = 0;
  do {
    cursor = d.scan_expires(cursor, 20, [&](entry& e) {
      if (d.expire_at(e) < 2500)
        d.erase(std::string(e.key()));
    });
  } while (cursor != 0);
  CHECK(d.expires_size() == 500);
  CHECK(d.size() == 4501);
  d.clear();
  CHECK(d.expires_size() == 0);
}

TEST_CASE("db random entries") {
  db d;
  std::mt19937_64 rng(42);
  CHECK(d.random_entry(rng) == nullptr);
  for (int i = 0; i < 20; ++i)
    d.find_or_insert(key_name(i));
  std::unordered_map<std::string, int> hits;
  for (int i = 0; i < 4000; ++i) {
    entry* e = d.random_entry(rng);
    REQUIRE(e != nullptr);
    ++hits[std::string(e->key())];
  }
  CHECK(hits.size() == 20);
  // Also during a rehash.
  for (int i = 20; i < 5000; ++i)
    d.find_or_insert(key_name(i));
  for (int i = 0; i < 100; ++i)
    CHECK(d.random_entry(rng) != nullptr);
}

TEST_CASE("db swap, move and for_each") {
  db a;
  db b;
  a.find_or_insert("x");
  a.find_or_insert("y");
  b.find_or_insert("z");
  a.swap(b);
  CHECK(a.size() == 1);
  CHECK(b.size() == 2);
  CHECK(a.find("z") != nullptr);
  db c(std::move(b));
  CHECK(c.size() == 2);
  CHECK(b.size() == 0);
  CHECK(b.find("x") == nullptr);
  b.find_or_insert("w");  // a moved-from db is usable
  CHECK(b.size() == 1);
  b = std::move(c);
  CHECK(b.size() == 2);
  std::set<std::string> keys;
  b.for_each([&](entry& e) { keys.insert(std::string(e.key())); });
  CHECK(keys == std::set<std::string>{"x", "y"});
  CHECK(b.memory_usage() > 0);
  std::vector<db> many(16);
  many[3].find_or_insert("k");
  CHECK(many[3].size() == 1);
}

TEST_CASE("parse_ll matches string2ll") {
  long long v = 0;
  CHECK(parse_ll("0", v));
  CHECK(v == 0);
  CHECK(parse_ll("-1", v));
  CHECK(v == -1);
  CHECK(parse_ll("9223372036854775807", v));
  CHECK(v == 9223372036854775807LL);
  CHECK(parse_ll("-9223372036854775808", v));
  CHECK(v == -9223372036854775807LL - 1);
  for (const char* bad : {"", "-", "-0", "00", "01", "+1", " 1", "1 ", "1a", "9223372036854775808",
                          "-9223372036854775809", "18446744073709551616", "99999999999999999999999",
                          "0x10", "1.0"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_ll(bad, v));
  }
  CHECK_FALSE(parse_ll(std::string_view("1\0", 2), v));
  CHECK(ll_to_string(-9223372036854775807LL - 1) == "-9223372036854775808");
}

TEST_CASE("parse_long_double and INCRBYFLOAT formatting") {
  CHECK(long_double_to_string(ld("10.5") + ld("0.1")) == "10.6");
  CHECK(long_double_to_string(ld("5.0e3") + ld("2.0e2")) == "5200");
  CHECK(long_double_to_string(ld("3") + ld("1.1")) == "4.1");
  CHECK(long_double_to_string(ld("0.1") + ld("0.2")) == "0.3");
  CHECK(long_double_to_string(ld("1") + ld("0x10")) == "17");
  CHECK(long_double_to_string(ld("123") + ld("1.5e-5")) == "123.000015");
  CHECK(long_double_to_string(ld("1") + ld("-1.0000000000000001")) == "-0.0000000000000001");
  CHECK(long_double_to_string(ld("0") + ld("-1e-20")) == "0");
  CHECK(long_double_to_string(ld("-0")) == "0");
  CHECK(long_double_to_string(ld("1") + ld("1e-400")) == "1");
  CHECK(long_double_to_string(ld("1e200") + ld("1")) ==
        "100000000000000000002458586534161025661508068040050002887327500487325785432383926208"
        "372890736129198739813658147359652238566592960617854587787845326097835852628442219969"
        "983473365844529789269081145212928");
  CHECK(long_double_to_string(ld("1") + ld("1e30")) == "1000000000000000000024696061952");
  CHECK(long_double_to_string(ld("+1") + ld(".5")) == "1.5");
  CHECK(long_double_to_string(ld("5.")) == "5");
  CHECK(long_double_to_string(ld("inf")) == "inf");
  CHECK(long_double_to_string(-ld("infinity")) == "-inf");
  long double v = 0;
  for (const char* bad : {"", " 1", "1 ", "nan", "abc", "1e", "1e5000", "1e-5000", "\t1"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_long_double(bad, v));
  }
  CHECK_FALSE(parse_long_double(std::string(5120, '1'), v));
  // Redis checks that strtold read the whole argument: an embedded NUL,
  // where strtold stops, makes it no number (INCRBYFLOAT k "7\0" errors).
  CHECK_FALSE(parse_long_double(std::string_view("7\0x", 3), v));
  CHECK_FALSE(parse_long_double(std::string_view("7\0", 2), v));
}

TEST_CASE("parse_double matches getDoubleFromObject") {
  double v = 0;
  CHECK(parse_double("1.5", v));
  CHECK(v == 1.5);
  CHECK(parse_double("inf", v));
  CHECK(std::isinf(v));
  CHECK(parse_double("-inf", v));
  CHECK(parse_double("+inf", v));
  CHECK(parse_double("0x10", v));
  CHECK(v == 16);
  CHECK(parse_double("1e-310", v));
  CHECK(parse_double(".5", v));
  for (const char* bad : {"", " 1", "1 ", "nan", "1e-400", "1e400", "x", "1.5x"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_double(bad, v));
  }
  CHECK_FALSE(parse_double(std::string_view("7\0", 2), v));
}

TEST_CASE("double_to_string uses %.17g") {
  CHECK(double_to_string(1.1) == "1.1000000000000001");
  CHECK(double_to_string(1.5) == "1.5");
  CHECK(double_to_string(1e300) == "1.0000000000000001e+300");
  CHECK(double_to_string(0.0001) == "0.0001");
  CHECK(double_to_string(123456789012345678.0) == "1.2345678901234568e+17");
  CHECK(double_to_string(9.9999999999999694e-311) == "9.9999999999999694e-311");
  CHECK(double_to_string(0) == "0");
  CHECK(double_to_string(-0.0) == "-0");
  CHECK(double_to_string(1.0 / 0.0) == "inf");
  CHECK(double_to_string(-1.0 / 0.0) == "-inf");
}

TEST_CASE("glob_match follows stringmatchlen") {
  struct glob_case {
    const char* pattern;
    std::string str;
    bool match;
  };
  std::vector<glob_case> cases = {
      {"*", "anything", true},
      {"*", "", false},  // Redis short-circuits "*" itself before matching
      {"**", "", false},
      {"", "", true},
      {"", "a", false},
      {"h?llo", "hello", true},
      {"h?llo", "hllo", false},
      {"h*llo", "hllo", true},
      {"h*llo", "heeeello", true},
      {"h[ae]llo", "hallo", true},
      {"h[ae]llo", "hillo", false},
      {"h[^e]llo", "hallo", true},
      {"h[^e]llo", "hello", false},
      {"h[a-b]llo", "hbllo", true},
      {"h[b-a]llo", "hallo", true},  // reversed ranges are swapped
      {"h[a-b]llo", "hcllo", false},
      {"a[b-", "ab", true},          // unterminated class
      {"[a", "a", true},
      {"[a", "ab", false},
      {"a[\\b]", "ab", true},
      {"a[\\]]", "a]", true},
      {"a\\*", "a*", true},
      {"a\\*", "ab", false},
      {"\\a*", "ab", true},
      {"a\\", "a", false},
      {"ab\\", "ab", false},
      {"[]a]", "a", false},
      {"[", "a", false},
      {"[^", "x", true},
      {"*b", "ab", true},
      {"a*b*c", "aXbYc", true},
      {"a*b*c", "aXbY", false},
      {"*a", "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", false},
      {"a*", "a", true},
      {"a**", "a", true},
      {"?", "", false},
      {"user:*:name", "user:1000:name", true},
  };
  for (const auto& c : cases) {
    CAPTURE(c.pattern);
    CAPTURE(c.str);
    CHECK(glob_match(c.pattern, c.str) == c.match);
  }
  CHECK_FALSE(glob_match("A*", "ab"));
  CHECK(glob_match("A*", "ab", true));
  CHECK(glob_match("[A-C]x", "bx", true));
  CHECK_FALSE(glob_match("[A-C]x", "bx"));
  CHECK(glob_match("[a]", "A", true));
  CHECK_FALSE(glob_match("[\\a]", "A", true));  // escapes in classes ignore nocase
  CHECK(glob_match("a*", std::string("a\0b", 3)));
  // Pathological patterns stay fast.
  CHECK_FALSE(glob_match("a*a*a*a*a*a*a*a*a*a*a*a*a*b", std::string(200, 'a')));
}

TEST_CASE("crc16 and hash slots") {
  CHECK(crc16("123456789") == 0x31c3);
  CHECK(crc16("") == 0);
  CHECK(key_hash_slot("foo") == 12182);
  CHECK(key_hash_slot("{user1000}.following") == key_hash_slot("user1000"));
  CHECK(key_hash_slot("{user1000}.followers") == key_hash_slot("user1000"));
  CHECK(key_hash_slot("foo{}{bar}") == (crc16("foo{}{bar}") & 16383));
  CHECK(key_hash_slot("foo{{bar}}zap") == key_hash_slot("{bar"));
  CHECK(key_hash_slot("foo{bar}{zap}") == key_hash_slot("bar"));
  CHECK(key_hash_slot("{}") == (crc16("{}") & 16383));
  CHECK(key_hash_slot("{abc") == (crc16("{abc") & 16383));
}

TEST_CASE("case helpers") {
  CHECK(to_lower("GeT") == "get");
  CHECK(to_lower("ÄB") == "Äb");
  CHECK(iequals("SET", "set"));
  CHECK_FALSE(iequals("SET", "sex"));
  CHECK_FALSE(iequals("SET", "SETS"));
}

TEST_CASE("digests") {
  unsigned char empty[digest_size] = {};
  CHECK(digest_hex(empty) == "0000000000000000000000000000000000000000");

  unsigned char ab[digest_size] = {};
  xor_digest(ab, "a");
  xor_digest(ab, "b");
  unsigned char ba[digest_size] = {};
  xor_digest(ba, "b");
  xor_digest(ba, "a");
  CHECK(digest_hex(ab) == digest_hex(ba));
  CHECK(digest_hex(ab) != digest_hex(empty));

  unsigned char m1[digest_size] = {};
  mix_digest(m1, "a");
  mix_digest(m1, "b");
  unsigned char m2[digest_size] = {};
  mix_digest(m2, "b");
  mix_digest(m2, "a");
  CHECK(digest_hex(m1) != digest_hex(m2));
  unsigned char m3[digest_size] = {};
  mix_digest(m3, "a");
  mix_digest(m3, "b");
  CHECK(digest_hex(m1) == digest_hex(m3));
  CHECK(digest_hex(m1).size() == 40);
}

TEST_CASE("digest helpers compute SHA-1 (FIPS 180 test vectors)") {
  auto sha1_hex = [](std::string_view s) {
    unsigned char d[digest_size] = {};
    xor_digest(d, s);  // xor into zeros: the plain SHA-1
    return digest_hex(d);
  };
  CHECK(sha1_hex("") == "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  CHECK(sha1_hex("abc") == "a9993e364706816aba3e25717850c26c9cd0d89d");
  CHECK(sha1_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
  CHECK(sha1_hex(std::string(1000000, 'a')) == "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
  CHECK(sha1_hex(std::string(64, 'x')).size() == 40);
}
