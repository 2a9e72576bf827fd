// The RDB format: payloads byte-identical to redis-server 7.0.15's, round
// trips of every type and encoding, legacy encodings (ziplist, zipmap,
// quicklist 1) built by hand, whole files through load_rdb, and a fuzz of
// truncated and bit-flipped input that must fail cleanly.
#include <doctest/doctest.h>

#include <cstring>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "datatypes/hash_value.hpp"
#include "datatypes/list_value.hpp"
#include "datatypes/set_value.hpp"
#include "datatypes/zset.hpp"
#include "persistence/rdb_format.hpp"
#include "persistence/rdb_reader.hpp"
#include "persistence/rdb_string.hpp"
#include "persistence/redis_blobs.hpp"

using namespace actis;
using namespace actis::persistence;
using datatypes::value;

namespace {

std::string unhex(std::string_view hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2)
    out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  return out;
}

std::string hex(std::string_view s) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 15]);
  }
  return out;
}

std::string digest(const value& v) {
  unsigned char d[datatypes::digest_size] = {};
  v.traits().digest(v, d);
  return datatypes::digest_hex(d);
}

value list_of(const std::vector<std::string>& items) {
  value v = datatypes::make_list_value();
  for (auto& s : items)
    datatypes::list_items(v).push_back(s, datatypes::quicklist_limits{});
  return v;
}

value hash_of(const std::vector<std::pair<std::string, std::string>>& pairs) {
  value v = datatypes::make_hash();
  for (auto& [f, x] : pairs)
    datatypes::as_hash(v).set(f, x, datatypes::hash_limits{});
  return v;
}

value zset_of(const std::vector<std::pair<std::string, double>>& pairs) {
  datatypes::zset_limits lim;
  auto z = std::make_unique<datatypes::zset>(lim, pairs.empty() ? 0 : pairs[0].first.size());
  for (auto& [m, s] : pairs)
    z->insert(m, s, lim);
  return value::from_collection(std::move(z));
}

value set_of(const std::vector<std::string>& members) {
  value v = datatypes::set_value::make_for(members.at(0));
  for (auto& m : members)
    datatypes::set_value::add(v, m, 512);
  return v;
}

/// DUMP payload -> value, as RESTORE decodes it.
std::optional<value> undump(std::string_view payload, std::string& error) {
  REQUIRE(dump_payload_ok(payload, true));
  auto body = payload.substr(1, payload.size() - 11);
  auto v = read_value(static_cast<uint8_t>(payload[0]), body, error);
  if (v)
    CHECK(body.empty());
  return v;
}

void check_round_trip(const value& v, bool compress = true) {
  auto payload = dump_payload(v, compress);
  std::string error;
  auto back = undump(payload, error);
  REQUIRE_MESSAGE(back, error);
  CHECK(back->type() == v.type());
  CHECK(back->encoding() == v.encoding());
  CHECK(digest(*back) == digest(v));
  // Writing what was read gives the same bytes (same encoding, same order
  // for the small encodings and for lists).
  if (v.type() == datatypes::obj_type::list || v.type() == datatypes::obj_type::string ||
      v.encoding() == datatypes::obj_encoding::listpack ||
      v.encoding() == datatypes::obj_encoding::intset)
    CHECK(hex(dump_payload(*back, compress)) == hex(payload));
}

std::string random_text(std::mt19937_64& rng, size_t max_len) {
  size_t n = rng() % (max_len + 1);
  std::string s;
  int kind = static_cast<int>(rng() % 4);
  if (kind == 0)
    return std::to_string(static_cast<long long>(rng()) >> (rng() % 64));
  for (size_t i = 0; i < n; ++i)
    s.push_back(kind == 1 ? static_cast<char>('a' + rng() % 3) : static_cast<char>(rng()));
  return s;
}

} // namespace

TEST_CASE("rdb: DUMP payloads are byte-identical to redis-server 7.0.15's") {
  struct sample {
    value v;
    const char* redis_hex;
  };
  std::vector<sample> samples;
  samples.push_back({list_of({"a", "b", "1", "-5", "300", "70000", "hello world", "12345678901",
                              "-99999999999"}),
                     "1201023b3b00000009008161028162020101dffb02c12c02f2701101048b68656c6c6f20776f"
                     "726c640cf4351cdcdf0200000009f4011889b7e8ffffff09ff0a00f05424d9d186c420"});
  samples.push_back({hash_of({{"f1", "v1"}, {"f2", "2"}, {"f3", "-3000"}}),
                     "101c1c0000000600826631038276310382663203020182663303d44802ff0a000cc6fc16a3"
                     "745cad"});
  samples.push_back({zset_of({{"a", 1}, {"b", 2.5}, {"c", -3}, {"d", 1e100}}),
                     "1125250000000800816302dffd02816102010181620283322e35048164028631652b313030"
                     "07ff0a00c4a3f63e5ccdb472"});
  samples.push_back(
      {zset_of({{"a", 0.1}, {"b", 1.1}, {"c", 0.3333333333333333}, {"d", 123456789012345678.0},
                {"e", 1.5e-7}, {"f", 4503599627370497.0}, {"g", -0.0}, {"h", 1e15},
                {"i", 1e16}, {"j", 12.75}}),
       "11c3408040ac12ac0000001400816702000181650296312e3439e005000c652d30371781610293302e3130"
       "e00500033114816340170033e0060020170362029231e0072f1d3113816a028531322e373506816802f400"
       "80c6a47e8d030009816602f401208702000010200c006920190500c16ff28623200c0c6402f450f330a64b"
       "9bb60109ff0a009a1c135370eab4f1"});
  samples.push_back({set_of({"1", "2", "3", "-70000"}),
                     "0b18040000000400000090eefeff0100000002000000030000000a00a8b63c622cbf2c9c"});
  samples.push_back({set_of({"1", "2", "3"}), "0b0e02000000030000000100020003000a00a5025ce26d6e4d1b"});
  samples.push_back({value::from_string("hello"), "000568656c6c6f0a006372df766534200a"});
  samples.push_back({value::from_string("12345"), "00c139300a009d94ea2793fc08b9"});
  samples.push_back({value::from_string("5000000000"), "000a353030303030303030300a0069a90fd57e0ff425"});
  samples.push_back({value::from_string(std::string(60, 'a')),
                     "00c3093c016161e02f000161610a00a67e08b217d09780"});
  for (auto& s : samples) {
    CHECK(hex(dump_payload(s.v, true)) == s.redis_hex);
    std::string error;
    auto back = undump(unhex(s.redis_hex), error);
    REQUIRE_MESSAGE(back, error);
    CHECK(digest(*back) == digest(s.v));
    CHECK(back->encoding() == s.v.encoding());
  }
}

TEST_CASE("rdb: every type round trips in every encoding, across the thresholds") {
  std::mt19937_64 rng(42);
  for (int round = 0; round < 60; ++round) {
    size_t n = 1 + rng() % (round % 3 == 0 ? 1200 : 140);
    size_t max_len = round % 4 == 0 ? 300 : 12;
    check_round_trip(value::from_string(random_text(rng, max_len * 10)), round % 2 == 0);

    std::vector<std::string> items;
    for (size_t i = 0; i < n; ++i)
      items.push_back(random_text(rng, max_len));
    check_round_trip(list_of(items), round % 2 == 0);

    std::vector<std::pair<std::string, std::string>> pairs;
    for (size_t i = 0; i < n; ++i)
      pairs.emplace_back(random_text(rng, max_len), random_text(rng, max_len));
    check_round_trip(hash_of(pairs));

    std::vector<std::pair<std::string, double>> scored;
    for (size_t i = 0; i < n; ++i)
      scored.emplace_back(random_text(rng, max_len),
                          rng() % 3 == 0 ? static_cast<double>(rng() % 1000)
                                         : static_cast<double>(rng()) / 7.0 - 1e18);
    check_round_trip(zset_of(scored));

    std::vector<std::string> members;
    for (size_t i = 0; i < n; ++i)
      members.push_back(round % 2 ? std::to_string(static_cast<int64_t>(rng()) >> (rng() % 64))
                                  : random_text(rng, max_len));
    check_round_trip(set_of(members));
  }
}

TEST_CASE("rdb: big elements and many nodes") {
  std::vector<std::string> items;
  for (int i = 0; i < 5000; ++i)
    items.push_back("element-" + std::to_string(i));
  items.push_back(std::string(100000, 'x'));
  auto v = list_of(items);
  CHECK(datatypes::list_items(v).node_count() > 1);
  check_round_trip(v);
  check_round_trip(v, false);
}

namespace {

/// A ziplist of `items`, written here from the format's description.
std::string ziplist_of(const std::vector<std::string>& items) {
  std::string body;
  size_t prev = 0, last = 10;
  for (auto& s : items) {
    std::string e;
    if (prev < 254) {
      e.push_back(static_cast<char>(prev));
    } else {
      e.push_back(static_cast<char>(254));
      put_le(e, prev, 4);
    }
    long long v = 0;
    bool is_int = !s.empty() && s.size() < 19 &&
                  s.find_first_not_of("0123456789", s[0] == '-' ? 1 : 0) == std::string::npos;
    if (is_int)
      v = std::stoll(s);
    if (is_int && v >= 0 && v <= 12) {
      e.push_back(static_cast<char>(0xF1 + v));
    } else if (is_int && v >= INT8_MIN && v <= INT8_MAX) {
      e.push_back(static_cast<char>(0xFE));
      put_le(e, static_cast<uint64_t>(v), 1);
    } else if (is_int) {
      e.push_back(static_cast<char>(0xE0));
      put_le(e, static_cast<uint64_t>(v), 8);
    } else if (s.size() < 64) {
      e.push_back(static_cast<char>(s.size()));
      e += s;
    } else {
      e.push_back(static_cast<char>(0x40 | (s.size() >> 8)));
      e.push_back(static_cast<char>(s.size() & 0xFF));
      e += s;
    }
    last = 10 + body.size();
    body += e;
    prev = e.size();
  }
  std::string zl;
  put_le(zl, 10 + body.size() + 1, 4);
  put_le(zl, last, 4);
  put_le(zl, items.size(), 2);
  zl += body;
  zl.push_back(static_cast<char>(0xFF));
  return zl;
}

std::string zipmap_of(const std::vector<std::pair<std::string, std::string>>& pairs) {
  std::string zm(1, static_cast<char>(pairs.size()));
  for (auto& [k, v] : pairs) {
    zm.push_back(static_cast<char>(k.size()));
    zm += k;
    zm.push_back(static_cast<char>(v.size()));
    zm.push_back(2);  // free bytes after the value
    zm += v;
    zm += "..";
  }
  zm.push_back(static_cast<char>(0xFF));
  return zm;
}

std::optional<value> decode(uint8_t type, const std::string& body, std::string& error) {
  std::string_view in = body;
  return read_value(type, in, error);
}

std::vector<std::string> elements_of(const value& v) {
  std::vector<std::string> out;
  auto& q = datatypes::list_items(v);
  for (size_t i = 0; i < q.size(); ++i)
    out.emplace_back(q.at(i));
  return out;
}

} // namespace

TEST_CASE("rdb: legacy ziplist, zipmap and quicklist 1 encodings load") {
  std::vector<std::string> items{"a", "7", "-100", "123456789012", std::string(100, 'z'), "", "hello"};
  std::string error;
  std::string body;
  put_string(body, ziplist_of(items), false);
  auto l = decode(rdb_type::list_ziplist, body, error);
  REQUIRE_MESSAGE(l, error);
  CHECK(elements_of(*l) == items);

  body.clear();
  put_len(body, 2);
  put_string(body, ziplist_of(items), true);
  put_string(body, ziplist_of({"tail"}), true);
  auto q = decode(rdb_type::list_quicklist, body, error);
  REQUIRE_MESSAGE(q, error);
  auto want = items;
  want.push_back("tail");
  CHECK(elements_of(*q) == want);

  body.clear();
  put_string(body, zipmap_of({{"f1", "v1"}, {"name", "actis"}}), false);
  auto h = decode(rdb_type::hash_zipmap, body, error);
  REQUIRE_MESSAGE(h, error);
  CHECK(digest(*h) == digest(hash_of({{"f1", "v1"}, {"name", "actis"}})));
  CHECK(h->encoding() == datatypes::obj_encoding::listpack);

  body.clear();
  put_string(body, ziplist_of({"f1", "v1", "f2", "12"}), false);
  auto hz = decode(rdb_type::hash_ziplist, body, error);
  REQUIRE_MESSAGE(hz, error);
  CHECK(digest(*hz) == digest(hash_of({{"f1", "v1"}, {"f2", "12"}})));

  body.clear();
  put_string(body, ziplist_of({"m1", "1.5", "m2", "-3"}), false);
  auto z = decode(rdb_type::zset_ziplist, body, error);
  REQUIRE_MESSAGE(z, error);
  CHECK(digest(*z) == digest(zset_of({{"m1", 1.5}, {"m2", -3}})));

  // RDB_TYPE_ZSET: scores as text (and 253..255 for nan/inf/-inf).
  body.clear();
  put_len(body, 2);
  put_string(body, "x", false);
  body += "\x03"
          "2.5";
  put_string(body, "y", false);
  body.push_back(static_cast<char>(254));
  auto zs = decode(rdb_type::zset, body, error);
  REQUIRE_MESSAGE(zs, error);
  CHECK(digest(*zs) == digest(zset_of({{"x", 2.5}, {"y", HUGE_VAL}})));

  // Old plain lists and sets convert to the encodings actis picks.
  body.clear();
  put_len(body, 3);
  for (auto s : {"1", "2", "3"})
    put_string(body, s, false);
  auto s = decode(rdb_type::set, body, error);
  REQUIRE_MESSAGE(s, error);
  CHECK(s->encoding() == datatypes::obj_encoding::intset);
  auto ll = decode(rdb_type::list, body, error);
  REQUIRE_MESSAGE(ll, error);
  CHECK(elements_of(*ll) == std::vector<std::string>{"1", "2", "3"});
}

TEST_CASE("rdb: corrupt blobs, duplicates and empty values are refused") {
  std::string error;
  std::string body;
  auto bad_ziplist = ziplist_of({"a", "b"});
  bad_ziplist[4] = 0x7F;  // a wrong tail offset
  put_string(body, bad_ziplist, false);
  CHECK_FALSE(decode(rdb_type::list_ziplist, body, error));
  CHECK(error == "invalid ziplist");

  body.clear();
  put_len(body, 2);
  put_string(body, "x", false);
  put_string(body, "x", false);
  CHECK_FALSE(decode(rdb_type::set, body, error));
  CHECK(error == "duplicate set members");

  body.clear();
  put_len(body, 0);
  CHECK_FALSE(decode(rdb_type::hash, body, error));
  CHECK(error == "empty key");

  body.clear();
  put_string(body, intset_blob(nullptr, 0), false);
  CHECK_FALSE(decode(rdb_type::set_intset, body, error));

  int64_t unsorted[] = {3, 1};
  body.clear();
  put_string(body, intset_blob(unsorted, 2), false);
  CHECK_FALSE(decode(rdb_type::set_intset, body, error));

  // Without deep sanitization the order is not checked: the set sorts it.
  {
    std::string_view in = body;
    auto v = read_value(rdb_type::set_intset, in, error, false);
    REQUIRE_MESSAGE(v, error);
    CHECK(digest(*v) == digest(set_of({"1", "3"})));
  }

  body = "x";
  CHECK_FALSE(decode(rdb_type::stream_listpacks_2, body, error));
  CHECK_FALSE(decode(rdb_type::module_2, body, error));
  CHECK_FALSE(decode(99, body, error));
}

namespace {

struct collected : rdb_handler {
  struct item {
    int db;
    std::string key;
    std::string digest;
    int64_t expire;
    int64_t idle;
    int freq;
  };
  std::vector<item> items;
  std::map<std::string, std::string> aux_fields;
  std::vector<std::string> functions;
  void aux(std::string_view k, std::string_view v) override { aux_fields[std::string(k)] = v; }
  void entry(int db, std::string key, value v, int64_t expire_ms, int64_t idle,
             int freq) override {
    items.push_back({db, std::move(key), digest(v), expire_ms, idle, freq});
  }
  void function(std::string code) override { functions.push_back(std::move(code)); }
};

std::string sample_file() {
  std::string f;
  put_header(f);
  put_aux(f, "redis-ver", "7.0.15");
  put_aux(f, "redis-bits", 64);
  put_aux(f, "ctime", 1700000000);
  put_function(f, "#!lua name=lib\nredis.register_function('f', function() return 1 end)");
  put_select_db(f, 0);
  put_resize_db(f, 2, 1);
  put_entry(f, "str", value::from_string("v"), -1, true);
  put_entry(f, "list", list_of({"a", "b", "c"}), 1800000000000, true);
  put_select_db(f, 3);
  put_resize_db(f, 2, 0);
  put_entry(f, "hash", hash_of({{"f", "v"}}), -1, true);
  put_entry(f, "zset", zset_of({{"m", 1}}), -1, true);
  put_entry(f, "idle", value::from_string("x"), -1, true, 12345);
  put_entry(f, "freq", value::from_string("y"), 1900000000000, true, -1, 200);
  put_eof(f);
  put_le(f, crc64(0, f), 8);
  return f;
}

} // namespace

TEST_CASE("rdb: a whole file loads, stopping right after its checksum") {
  auto file = sample_file() + "*1\r\n$4\r\nPING\r\n";
  view_source src(file);
  collected h;
  auto err = load_rdb(src, h, true);
  REQUIRE_FALSE(err);
  CHECK(src.rest() == "*1\r\n$4\r\nPING\r\n");
  CHECK(h.aux_fields["redis-ver"] == "7.0.15");
  CHECK(h.aux_fields["redis-bits"] == "64");
  CHECK(h.aux_fields["ctime"] == "1700000000");
  REQUIRE(h.functions.size() == 1);
  REQUIRE(h.items.size() == 6);
  CHECK(h.items[4].idle == 12345);
  CHECK(h.items[4].freq == -1);
  CHECK(h.items[5].freq == 200);
  CHECK(h.items[5].expire == 1900000000000);
  CHECK(h.items[3].idle == -1);

  // Through a buffer over a source: what follows the checksum is still
  // there to read from the buffer.
  view_source raw(file);
  buffered_source buffered(raw);
  collected hb;
  REQUIRE_FALSE(load_rdb(buffered, hb, true));
  char tail[64];
  size_t n = buffered.read(tail, sizeof tail);
  CHECK(std::string_view(tail, n) == "*1\r\n$4\r\nPING\r\n");
  CHECK(hb.items.size() == 6);
  CHECK(h.items[1].key == "list");
  CHECK(h.items[1].expire == 1800000000000);
  CHECK(h.items[0].expire == -1);
  CHECK(h.items[2].db == 3);
  CHECK(h.items[3].digest == digest(zset_of({{"m", 1}})));

  // A flipped bit in a string body is caught by the checksum.
  auto bad = sample_file();
  bad[bad.find("7.0.15")] ^= 1;
  view_source bad_src(bad);
  collected h2;
  auto e = load_rdb(bad_src, h2, true);
  REQUIRE(e);
  CHECK(e->message == "wrong RDB checksum");
  view_source unchecked(bad);
  collected h3;
  CHECK_FALSE(load_rdb(unchecked, h3, false));

  std::string wrong = "REDIS0011";
  view_source ws(wrong);
  auto we = load_rdb(ws, h3, true);
  REQUIRE(we);
  CHECK(we->message == "can't handle RDB format version 11");
}

TEST_CASE("rdb: truncated and bit-flipped input fails cleanly") {
  std::mt19937_64 rng(9);
  std::vector<std::string> payloads;
  std::vector<std::string> items;
  for (int i = 0; i < 300; ++i)
    items.push_back(random_text(rng, 20));
  payloads.push_back(dump_payload(list_of(items), true));
  std::vector<std::pair<std::string, std::string>> pairs;
  for (int i = 0; i < 40; ++i)
    pairs.emplace_back("f" + std::to_string(i), random_text(rng, 30));
  payloads.push_back(dump_payload(hash_of(pairs), true));
  pairs.resize(600, {"", ""});
  for (int i = 40; i < 600; ++i)
    pairs[i] = {"g" + std::to_string(i), "v"};
  payloads.push_back(dump_payload(hash_of(pairs), true));
  payloads.push_back(dump_payload(zset_of({{"a", 1}, {"b", 2}, {"c", 3.5}}), true));
  payloads.push_back(dump_payload(set_of({"1", "2", "300000", "-5"}), true));
  payloads.push_back(dump_payload(set_of({"x", "y", "z"}), true));
  payloads.push_back(dump_payload(value::from_string(std::string(200, 'q') + "tail"), true));
  std::string zl_body;
  put_string(zl_body, ziplist_of({"a", "7", "-100", std::string(70, 'z')}), false);
  payloads.push_back(std::string(1, static_cast<char>(rdb_type::list_ziplist)) + zl_body + "0000000000");
  std::string zm_body;
  put_string(zm_body, zipmap_of({{"f1", "v1"}, {"k", "value"}}), false);
  payloads.push_back(std::string(1, static_cast<char>(rdb_type::hash_zipmap)) + zm_body + "0000000000");

  size_t accepted = 0, rejected = 0;
  for (int iter = 0; iter < 6000; ++iter) {
    auto p = payloads[rng() % payloads.size()];
    auto body = p.substr(0, p.size() - 10);
    if (rng() % 2 == 0) {
      body.resize(rng() % body.size());
    } else {
      int flips = 1 + static_cast<int>(rng() % 4);
      for (int k = 0; k < flips; ++k)
        body[rng() % body.size()] ^= static_cast<char>(1u << (rng() % 8));
    }
    if (body.empty())
      continue;
    std::string_view in = std::string_view(body).substr(1);
    std::string error;
    auto v = read_value(static_cast<uint8_t>(body[0]), in, error);
    if (v) {
      ++accepted;
      (void)digest(*v);  // the value is usable
    } else {
      ++rejected;
      CHECK_FALSE(error.empty());
    }
  }
  CHECK(rejected > 1000);
  MESSAGE("fuzz: accepted " << accepted << ", rejected " << rejected);

  auto file = sample_file();
  for (int iter = 0; iter < 3000; ++iter) {
    auto f = file;
    if (rng() % 2 == 0)
      f.resize(rng() % f.size());
    else
      f[rng() % f.size()] ^= static_cast<char>(1u << (rng() % 8));
    view_source src(f);
    collected h;
    auto err = load_rdb(src, h, rng() % 2 == 0);
    if (err)
      CHECK(err->offset <= f.size());
  }
}
