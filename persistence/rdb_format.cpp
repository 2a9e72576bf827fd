#include "persistence/rdb_format.hpp"

#include <algorithm>
#include <climits>
#include <cmath>
#include <stdexcept>
#include <vector>

#include "datatypes/hash_value.hpp"
#include "datatypes/list_value.hpp"
#include "datatypes/set_value.hpp"
#include "datatypes/stream.hpp"
#include "datatypes/strutil.hpp"
#include "datatypes/zset.hpp"
#include "persistence/redis_blobs.hpp"
#include "persistence/rdb_stream.hpp"
#include "persistence/rdb_string.hpp"

namespace actis::persistence {

using datatypes::obj_type;
using datatypes::value;

namespace {

/// d2string as Redis 7.0 formats a listpack score: an integral value within
/// +-LLONG_MAX/2 (-0 included) in plain digits (double2ll), "inf"/"-inf",
/// otherwise %.17g.
std::string score_text(double d) {
  constexpr double limit = static_cast<double>(LLONG_MAX / 2);
  if (!std::isnan(d) && d >= -limit && d <= limit) {
    auto ll = static_cast<long long>(d);
    if (static_cast<double>(ll) == d)
      return datatypes::ll_to_string(ll);
  }
  return datatypes::double_to_string(d);
}

/// Redis 7.0 writes lists as quicklist 2: each node is one listpack (or a
/// plain node holding one big element). actis's nodes are found by walking
/// the cursor, which names the node each element lives in. Under
/// list-compress-depth the inner nodes are written as Redis keeps them, LZF
/// blobs made by its quicklist rule (at least 48 bytes, saving more than
/// 8), whatever rdbcompression says.
void put_list(std::string& out, const datatypes::quicklist& q, bool compress) {
  size_t nodes = q.node_count();
  put_len(out, nodes);
  if (q.empty())
    return;
  auto depth = static_cast<size_t>(std::max(q.describe().compress_depth, 0));
  bool any_inner = depth > 0 && nodes > 2 * depth;
  size_t threshold = datatypes::quicklist_packed_threshold();
  listpack_builder lp;
  // A plain node's element, copied: the view dies when the cursor moves on.
  std::string only;
  auto c = q.seek(0);
  size_t node = c.node;
  auto flush = [&] {
    if (lp.size() == 1 && !only.empty()) {
      put_len(out, quicklist_node_plain);
      put_string(out, only, compress);
      lp.finish();
      only.clear();
      return;
    }
    put_len(out, quicklist_node_packed);
    std::string blob = lp.finish();
    if (any_inner && node >= depth && node < nodes - depth && blob.size() >= 48) {
      auto packed = lzf_compress(blob, blob.size());
      if (packed && packed->size() + 8 < blob.size()) {
        out.push_back(static_cast<char>(0xC0 | enc_lzf));
        put_len(out, packed->size());
        put_len(out, blob.size());
        out += *packed;
        return;
      }
    }
    put_string(out, blob, compress);
  };
  bool more = true;
  while (more) {
    auto s = q.get(c);
    if (lp.size() == 0 && s.size() >= threshold)
      only = s;
    lp.add(s);
    more = q.next(c);
    if (!more || c.node != node) {
      flush();
      node = c.node;
    }
  }
}

void put_set(std::string& out, const datatypes::set_value& s, bool compress) {
  if (s.is_intset()) {
    std::vector<int64_t> ints;
    ints.reserve(s.size());
    s.for_each([&](std::string_view m) {
      long long v = 0;
      datatypes::parse_ll(m, v);
      ints.push_back(v);
    });
    put_string(out, intset_blob(ints.data(), ints.size(), s.intset_width()), compress);
    return;
  }
  put_len(out, s.size());
  s.for_each([&](std::string_view m) { put_string(out, m, compress); });
}

void put_zset(std::string& out, const datatypes::zset& z, bool compress) {
  if (z.is_listpack()) {
    listpack_builder lp;
    for (auto c = z.at_rank(0); c.valid(); c.next()) {
      lp.add(c.member());
      lp.add(score_text(c.score()));
    }
    put_string(out, lp.finish(), compress);
    return;
  }
  // Highest score first, as Redis 7.0 writes ZSET_2 so that loading
  // inserts each member at the head of the skiplist.
  put_len(out, z.size());
  for (auto c = z.at_rank(z.size() - 1); c.valid(); c.prev()) {
    put_string(out, c.member(), compress);
    put_binary_double(out, c.score());
  }
}

void put_hash(std::string& out, const datatypes::hash_value& h, bool compress) {
  if (h.is_listpack()) {
    listpack_builder lp;
    h.for_each([&](std::string_view f, std::string_view v) {
      lp.add(f);
      lp.add(v);
    });
    put_string(out, lp.finish(), compress);
    return;
  }
  put_len(out, h.size());
  h.for_each([&](std::string_view f, std::string_view v) {
    put_string(out, f, compress);
    put_string(out, v, compress);
  });
}

uint8_t type_byte(const value& v) {
  switch (v.type()) {
  case obj_type::string:
    return rdb_type::string;
  case obj_type::list:
    return rdb_type::list_quicklist_2;
  case obj_type::set:
    return datatypes::as_set(v)->is_intset() ? rdb_type::set_intset : rdb_type::set;
  case obj_type::zset:
    return datatypes::as_zset(v).is_listpack() ? rdb_type::zset_listpack : rdb_type::zset_2;
  case obj_type::hash:
    return datatypes::as_hash(v).is_listpack() ? rdb_type::hash_listpack : rdb_type::hash;
  case obj_type::stream:
    return rdb_type::stream_listpacks_2;
  }
  throw std::invalid_argument("RDB: no encoding for this value type");
}

void put_body(std::string& out, const value& v, bool compress) {
  switch (v.type()) {
  case obj_type::string: {
    std::string scratch;
    put_string(out, v.str(scratch), compress);
    return;
  }
  case obj_type::list:
    return put_list(out, datatypes::list_items(v), compress);
  case obj_type::set:
    return put_set(out, *datatypes::as_set(v), compress);
  case obj_type::zset:
    return put_zset(out, datatypes::as_zset(v), compress);
  case obj_type::hash:
    return put_hash(out, datatypes::as_hash(v), compress);
  case obj_type::stream:
    return put_stream(out, *static_cast<const datatypes::stream*>(v.coll()), compress);
  }
  throw std::invalid_argument("RDB: no encoding for this value type");
}

} // namespace

void put_header(std::string& out) {
  out += "REDIS0010";
}

void put_aux(std::string& out, std::string_view key, std::string_view value) {
  out.push_back(static_cast<char>(rdb_opcode::aux));
  put_string(out, key, false);
  put_string(out, value, false);
}

void put_aux(std::string& out, std::string_view key, long long value) {
  put_aux(out, key, datatypes::ll_to_string(value));
}

void put_select_db(std::string& out, int db) {
  out.push_back(static_cast<char>(rdb_opcode::selectdb));
  put_len(out, static_cast<uint64_t>(db));
}

void put_resize_db(std::string& out, uint64_t keys, uint64_t expires) {
  out.push_back(static_cast<char>(rdb_opcode::resizedb));
  put_len(out, keys);
  put_len(out, expires);
}

void put_entry(std::string& out, std::string_view key, const value& v, int64_t expire_ms,
               bool compress, int64_t idle_s, int lfu_freq) {
  uint8_t type = type_byte(v);
  if (expire_ms >= 0) {
    out.push_back(static_cast<char>(rdb_opcode::expiretime_ms));
    put_le(out, static_cast<uint64_t>(expire_ms), 8);
  }
  if (idle_s >= 0) {
    out.push_back(static_cast<char>(rdb_opcode::idle));
    put_len(out, static_cast<uint64_t>(idle_s));
  }
  if (lfu_freq >= 0) {
    out.push_back(static_cast<char>(rdb_opcode::freq));
    out.push_back(static_cast<char>(lfu_freq & 0xFF));
  }
  out.push_back(static_cast<char>(type));
  put_string(out, key, compress);
  put_body(out, v, compress);
}

void put_function(std::string& out, std::string_view library_code, bool compress) {
  out.push_back(static_cast<char>(rdb_opcode::function2));
  put_string(out, library_code, compress);
}

void put_eof(std::string& out) {
  out.push_back(static_cast<char>(rdb_opcode::eof));
}

uint8_t put_value(std::string& out, const value& v, bool compress) {
  uint8_t type = type_byte(v);
  out.push_back(static_cast<char>(type));
  put_body(out, v, compress);
  return type;
}

std::string dump_payload(const value& v, bool compress) {
  std::string out;
  put_value(out, v, compress);
  put_le(out, rdb_version, 2);
  put_le(out, crc64(0, out), 8);
  return out;
}

} // namespace actis::persistence
