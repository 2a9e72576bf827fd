#include "persistence/rdb_reader.hpp"

#include <cerrno>
#include <climits>
#include <cmath>
#include <cstring>
#include <limits>
#include <unistd.h>

#include "config/config.hpp"
#include "datatypes/hash_value.hpp"
#include "datatypes/list_value.hpp"
#include "datatypes/set_value.hpp"
#include "datatypes/strutil.hpp"
#include "datatypes/zset.hpp"
#include "persistence/rdb_format.hpp"
#include "persistence/rdb_stream.hpp"
#include "persistence/rdb_string.hpp"
#include "persistence/redis_blobs.hpp"

namespace actis::persistence {

using datatypes::value;


void rdb_handler::aux(std::string_view, std::string_view) {}
void rdb_handler::resize_db(int, uint64_t, uint64_t) {}
void rdb_handler::function(std::string) {}
void rdb_handler::progress(uint64_t) {}

namespace {

/// Memory committed for a string before its bytes arrive: a corrupt length
/// costs at most this much before the input runs out.
constexpr size_t read_step = size_t{1} << 20;

/// The encodings a loaded value takes, read once per load.
struct load_limits {
  datatypes::hash_limits hash;
  datatypes::zset_limits zset;
  datatypes::quicklist_limits list;
  size_t max_intset;

  static load_limits now() {
    auto& live = config::live();
    auto get = [](const std::atomic<long long>& a) {
      return static_cast<size_t>(std::max(a.load(std::memory_order_relaxed), 0LL));
    };
    load_limits l;
    l.hash = {get(live.hash_max_listpack_entries), get(live.hash_max_listpack_value)};
    l.zset = {get(live.zset_max_listpack_entries), get(live.zset_max_listpack_value)};
    l.list = {live.list_max_listpack_size.load(std::memory_order_relaxed),
              datatypes::quicklist_packed_threshold()};
    l.max_intset = get(live.set_max_intset_entries);
    return l;
  }
};

/// The reading side of the format over a byte_source: counts the bytes,
/// folds them into the CRC64 and records the first problem.
class input {
public:
  input(byte_source& src, bool crc) : src_(src), crc_on_(crc) {}

  bool read(void* dst, size_t n) {
    size_t got = 0;
    auto* d = static_cast<char*>(dst);
    while (got < n) {
      size_t r = src_.read(d + got, n - got);
      if (r == 0)
        return fail(src_.error().empty() ? "unexpected end of input"
                                         : "read error: " + src_.error());
      got += r;
    }
    offset_ += n;
    if (crc_on_)
      crc_ = crc64(crc_, std::string_view(d, n));
    return true;
  }
  bool u8(uint8_t& b) { return read(&b, 1); }
  bool le(uint64_t& v, int bytes) {
    unsigned char buf[8];
    if (!read(buf, static_cast<size_t>(bytes)))
      return false;
    v = 0;
    for (int i = bytes - 1; i >= 0; --i)
      v = (v << 8) | buf[i];
    return true;
  }

  /// An RDB length; `encoded` tells a special string encoding (0xC0 | enc).
  bool len(uint64_t& len, bool* encoded = nullptr) {
    uint8_t b;
    if (!u8(b))
      return false;
    if (encoded != nullptr)
      *encoded = false;
    switch (b >> 6) {
    case 0:
      len = b & 0x3F;
      return true;
    case 1: {
      uint8_t b2;
      if (!u8(b2))
        return false;
      len = (static_cast<uint64_t>(b & 0x3F) << 8) | b2;
      return true;
    }
    case 3:
      if (encoded == nullptr)
        return fail("unexpected string encoding in a length");
      *encoded = true;
      len = b & 0x3F;
      return true;
    default: {
      int n = b == 0x80 ? 4 : b == 0x81 ? 8 : 0;
      if (n == 0)
        return fail("unknown length encoding");
      unsigned char buf[8];
      if (!read(buf, static_cast<size_t>(n)))
        return false;
      len = 0;
      for (int i = 0; i < n; ++i)
        len = (len << 8) | buf[i];
      return true;
    }
    }
  }

  /// `n` raw bytes into `out`, growing it only as the bytes arrive.
  bool raw(std::string& out, uint64_t n) {
    out.clear();
    if (n > std::numeric_limits<size_t>::max() / 2)
      return fail("length out of range");
    size_t got = 0;
    while (got < n) {
      size_t step = std::min<size_t>(static_cast<size_t>(n) - got, read_step);
      if (out.capacity() < got + step)
        out.reserve(std::max(out.capacity() * 2, got + step));
      out.resize(got + step);
      if (!read(out.data() + got, step))
        return false;
      got += step;
    }
    return true;
  }

  bool string(std::string& out) {
    uint64_t n = 0;
    bool encoded = false;
    if (!len(n, &encoded))
      return false;
    if (!encoded)
      return raw(out, n);
    if (n <= enc_int32) {
      uint64_t v;
      int bytes = 1 << n;
      if (!le(v, bytes))
        return false;
      int bits = bytes * 8;
      uint64_t m = uint64_t{1} << (bits - 1);
      v &= (uint64_t{1} << bits) - 1;
      out = datatypes::ll_to_string(static_cast<long long>((v ^ m) - m));
      return true;
    }
    if (n != enc_lzf)
      return fail("unknown string encoding");
    uint64_t clen = 0, ulen = 0;
    if (!len(clen) || !len(ulen))
      return false;
    // An LZF back reference of 3 bytes yields at most 264: anything more
    // expansive is corrupt, and refused before allocating for it.
    if (clen == 0 || ulen == 0 || ulen / 88 > clen)
      return fail("bad LZF lengths");
    std::string packed;
    if (!raw(packed, clen))
      return false;
    auto plain = lzf_decompress(packed, static_cast<size_t>(ulen));
    if (!plain)
      return fail("invalid LZF compressed string");
    out = std::move(*plain);
    return true;
  }

  bool fail(std::string_view what) {
    if (!failed_) {
      failed_ = true;
      error_.assign(what);
      error_offset_ = offset_;
    }
    return false;
  }

  /// Forgets a recorded problem (an empty key, which loading skips).
  void clear_error() {
    failed_ = false;
    empty_key = false;
    error_.clear();
  }
  uint64_t offset() const { return offset_; }
  uint64_t crc() const { return crc_; }
  void stop_crc() { crc_on_ = false; }
  bool failed() const { return failed_; }
  const std::string& error() const { return error_; }
  uint64_t error_offset() const { return error_offset_; }
  /// Set by read_object when the value was an empty collection.
  bool empty_key = false;

private:
  byte_source& src_;
  bool crc_on_;
  uint64_t crc_ = 0;
  uint64_t offset_ = 0;
  bool failed_ = false;
  std::string error_;
  uint64_t error_offset_ = 0;
};

bool parse_score(std::string_view s, double& d) {
  return datatypes::parse_double(s, d) && !std::isnan(d);
}

/// Builds values of each type from decoded elements.
class builder {
public:
  /// `deep`: sanitize-dump-payload yes. Duplicates inside an embedded blob
  /// and an unordered intset are then refused; otherwise the duplicates
  /// merge (Redis would keep a corrupt value) and the intset is sorted.
  /// Duplicates of the plain encodings are always refused, as in Redis.
  builder(input& in, const load_limits& lim, bool deep) : in_(in), lim_(lim), deep_(deep) {}

  std::optional<value> list_from(uint8_t type) {
    value v = datatypes::make_list_value();
    auto& q = datatypes::list_items(v);
    auto push = [&](std::string_view s) {
      q.push_back(s, lim_.list);
      return true;
    };
    std::string s;
    uint64_t n = 0;
    if (type == rdb_type::list) {
      if (!in_.len(n))
        return std::nullopt;
      for (uint64_t i = 0; i < n; ++i) {
        if (!in_.string(s))
          return std::nullopt;
        push(s);
      }
    } else if (type == rdb_type::list_ziplist) {
      if (!in_.string(s) || !blob(for_each_ziplist<decltype(push)&>, s, push, "ziplist"))
        return std::nullopt;
    } else {
      if (!in_.len(n))
        return std::nullopt;
      for (uint64_t i = 0; i < n; ++i) {
        uint64_t container = quicklist_node_packed;
        if (type == rdb_type::list_quicklist_2 && !in_.len(container))
          return std::nullopt;
        if (!in_.string(s))
          return std::nullopt;
        if (container == quicklist_node_plain) {
          push(s);
          continue;
        }
        if (container != quicklist_node_packed) {
          in_.fail("unknown quicklist node container");
          return std::nullopt;
        }
        bool ok = type == rdb_type::list_quicklist
                      ? blob(for_each_ziplist<decltype(push)&>, s, push, "quicklist ziplist")
                      : blob(for_each_listpack<decltype(push)&>, s, push, "quicklist listpack");
        if (!ok)
          return std::nullopt;
      }
    }
    return finish(std::move(v), q.size());
  }

  std::optional<value> set_from(uint8_t type) {
    std::optional<value> v;
    bool plain = type == rdb_type::set;
    auto add = [&](std::string_view m) {
      if (!v)
        v = type == rdb_type::set_intset ? datatypes::set_value::make_intset()
                                         : datatypes::set_value::make_for(m);
      return datatypes::set_value::add(*v, m, lim_.max_intset) || !(plain || deep_) ||
             in_.fail("duplicate set members");
    };
    auto walk_intset = [this](std::string_view blob, size_t& count, decltype(add)& fn) {
      return for_each_intset(blob, count, fn, deep_);
    };
    std::string s;
    if (type == rdb_type::set) {
      uint64_t n = 0;
      if (!in_.len(n))
        return std::nullopt;
      for (uint64_t i = 0; i < n; ++i)
        if (!in_.string(s) || !add(s))
          return std::nullopt;
    } else if (!in_.string(s) ||
               !(type == rdb_type::set_intset
                     ? blob(walk_intset, s, add, "intset")
                     : blob(for_each_listpack<decltype(add)&>, s, add, "set listpack"))) {
      return std::nullopt;
    }
    if (!v)
      return empty();
    return v;
  }

  std::optional<value> zset_from(uint8_t type) {
    if (type == rdb_type::zset || type == rdb_type::zset_2) {
      auto z = std::make_unique<datatypes::zset>(false);
      uint64_t n = 0;
      if (!in_.len(n))
        return std::nullopt;
      size_t longest = 0;
      std::string member, text;
      for (uint64_t i = 0; i < n; ++i) {
        double score = 0;
        if (!in_.string(member))
          return std::nullopt;
        if (type == rdb_type::zset_2) {
          uint64_t bits;
          if (!in_.le(bits, 8))
            return std::nullopt;
          std::memcpy(&score, &bits, sizeof score);
        } else if (!string_score(score, text)) {
          return std::nullopt;
        }
        if (std::isnan(score)) {
          in_.fail("sorted set with a NaN score");
          return std::nullopt;
        }
        longest = std::max(longest, member.size());
        if (!z->insert(member, score, unlimited_zset)) {
          in_.fail("duplicate sorted set members");
          return std::nullopt;
        }
      }
      z->to_listpack_if_fits(lim_.zset, longest);
      size_t size = z->size();
      return finish(value::from_collection(std::move(z)), size);
    }
    std::string s;
    if (!in_.string(s))
      return std::nullopt;
    // Too many members for a listpack: straight into the skiplist, so a big
    // blob does not cost a quadratic series of listpack inserts.
    size_t count = 0;
    bool counted = type == rdb_type::zset_ziplist
                       ? for_each_ziplist(s, count, [](std::string_view) { return true; })
                       : for_each_listpack(s, count, [](std::string_view) { return true; });
    if (!counted) {
      in_.fail(type == rdb_type::zset_ziplist ? "invalid sorted set ziplist"
                                              : "invalid sorted set listpack");
      return std::nullopt;
    }
    auto z = std::make_unique<datatypes::zset>(count / 2 <= lim_.zset.max_listpack_entries);
    std::string member;
    bool have_member = false;
    auto pair = [&](std::string_view s) {
      if (!have_member) {
        member.assign(s);
        have_member = true;
        return true;
      }
      have_member = false;
      double score = 0;
      if (!parse_score(s, score))
        return in_.fail("invalid sorted set score");
      return z->insert(member, score, unlimited_zset) || !deep_ ||
             in_.fail("duplicate sorted set members");
    };
    bool ok = type == rdb_type::zset_ziplist
                  ? blob(for_each_ziplist<decltype(pair)&>, s, pair, "sorted set ziplist")
                  : blob(for_each_listpack<decltype(pair)&>, s, pair, "sorted set listpack");
    if (!ok)
      return std::nullopt;
    if (have_member) {
      in_.fail("sorted set listpack with an odd number of entries");
      return std::nullopt;
    }
    if (z->size() > lim_.zset.max_listpack_entries)
      z->to_skiplist();
    size_t size = z->size();
    return finish(value::from_collection(std::move(z)), size);
  }

  std::optional<value> hash_from(uint8_t type) {
    value v = datatypes::make_hash();
    auto& h = datatypes::as_hash(v);
    std::string field, val;
    if (type == rdb_type::hash) {
      uint64_t n = 0;
      if (!in_.len(n))
        return std::nullopt;
      for (uint64_t i = 0; i < n; ++i) {
        if (!in_.string(field) || !in_.string(val))
          return std::nullopt;
        if (!h.set(field, val, lim_.hash)) {
          in_.fail("duplicate hash fields");
          return std::nullopt;
        }
      }
      return finish(std::move(v), h.size());
    }
    std::string s;
    if (!in_.string(s))
      return std::nullopt;
    // A listpack stays a listpack unless it has too many fields, whatever
    // the length of its values (Redis 7.0 looks at the count only); the
    // older blobs convert on either limit.
    auto limits = lim_.hash;
    size_t count = 0;
    if (type == rdb_type::hash_listpack) {
      if (!for_each_listpack(s, count, [](std::string_view) { return true; })) {
        in_.fail("invalid hash listpack");
        return std::nullopt;
      }
      if (count / 2 <= limits.max_entries)
        limits.max_value = std::numeric_limits<size_t>::max();
    }
    bool have_field = false;
    auto pair = [&](std::string_view e) {
      if (!have_field) {
        field.assign(e);
        have_field = true;
        return true;
      }
      have_field = false;
      return h.set(field, e, limits) || !deep_ || in_.fail("duplicate hash fields");
    };
    bool ok = type == rdb_type::hash_zipmap
                  ? blob(for_each_zipmap<decltype(pair)&>, s, pair, "zipmap")
              : type == rdb_type::hash_ziplist
                  ? blob(for_each_ziplist<decltype(pair)&>, s, pair, "hash ziplist")
                  : blob(for_each_listpack<decltype(pair)&>, s, pair, "hash listpack");
    if (!ok)
      return std::nullopt;
    if (have_field) {
      in_.fail("hash listpack with an odd number of entries");
      return std::nullopt;
    }
    return finish(std::move(v), h.size());
  }

private:
  static constexpr datatypes::zset_limits unlimited_zset{std::numeric_limits<size_t>::max(),
                                                         std::numeric_limits<size_t>::max()};

  /// Walks an embedded blob with `walk`, failing with "invalid <what>".
  template <class Walk, class Fn>
  bool blob(Walk walk, std::string_view s, Fn& fn, std::string_view what) {
    size_t count = 0;
    if (walk(s, count, fn))
      return true;
    if (!in_.failed())
      in_.fail("invalid " + std::string(what));
    return false;
  }

  /// RDB_TYPE_ZSET's score: a length byte (253 nan, 254 inf, 255 -inf)
  /// and that many bytes of text.
  bool string_score(double& score, std::string& text) {
    uint8_t n;
    if (!in_.u8(n))
      return false;
    if (n >= 253) {
      score = n == 253   ? std::numeric_limits<double>::quiet_NaN()
              : n == 254 ? std::numeric_limits<double>::infinity()
                         : -std::numeric_limits<double>::infinity();
      return true;
    }
    text.resize(n);
    if (!in_.read(text.data(), n))
      return false;
    if (!datatypes::parse_double(text, score))
      return in_.fail("invalid sorted set score");
    return true;
  }

  std::optional<value> finish(value v, size_t size) {
    if (size == 0)
      return empty();
    return v;
  }
  std::optional<value> empty() {
    in_.empty_key = true;
    in_.fail("empty key");
    return std::nullopt;
  }

  input& in_;
  const load_limits& lim_;
  bool deep_;
};

std::optional<value> read_object(input& in, uint8_t type, const load_limits& lim, bool deep) {
  builder b(in, lim, deep);
  switch (type) {
  case rdb_type::string: {
    std::string s;
    if (!in.string(s))
      return std::nullopt;
    return value::from_string(s);
  }
  case rdb_type::list:
  case rdb_type::list_ziplist:
  case rdb_type::list_quicklist:
  case rdb_type::list_quicklist_2:
    return b.list_from(type);
  case rdb_type::set:
  case rdb_type::set_intset:
  case rdb_type::set_listpack:
    return b.set_from(type);
  case rdb_type::zset:
  case rdb_type::zset_2:
  case rdb_type::zset_ziplist:
  case rdb_type::zset_listpack:
    return b.zset_from(type);
  case rdb_type::hash:
  case rdb_type::hash_zipmap:
  case rdb_type::hash_ziplist:
  case rdb_type::hash_listpack:
    return b.hash_from(type);
  case rdb_type::module:
  case rdb_type::module_2:
    in.fail("module values are not supported");
    return std::nullopt;
  case rdb_type::stream_listpacks:
  case rdb_type::stream_listpacks_2:
    return read_stream(in, type == rdb_type::stream_listpacks_2);
  default:
    in.fail("unknown value type " + std::to_string(type));
    return std::nullopt;
  }
}

std::optional<rdb_error> error_of(const input& in) {
  return rdb_error{in.error(), in.error_offset()};
}

} // namespace

std::optional<rdb_error> load_rdb(byte_source& src, rdb_handler& h, bool verify_checksum,
                                  bool deep_sanitize) {
  input in(src, true);
  char header[9];
  if (!in.read(header, sizeof header))
    return error_of(in);
  if (std::memcmp(header, "REDIS", 5) != 0) {
    in.fail("wrong signature trying to load DB from file");
    return error_of(in);
  }
  int version = 0;
  for (int i = 5; i < 9; ++i) {
    if (header[i] < '0' || header[i] > '9') {
      in.fail("wrong signature trying to load DB from file");
      return error_of(in);
    }
    version = version * 10 + (header[i] - '0');
  }
  if (version < 1 || version > rdb_version) {
    in.fail("can't handle RDB format version " + std::to_string(version));
    return error_of(in);
  }
  auto lim = load_limits::now();
  int db = 0;
  int64_t expire_ms = -1, idle_s = -1;
  int freq = -1;
  uint64_t next_progress = 1 << 20;
  std::string key, aux_key, aux_value;
  for (;;) {
    uint8_t type;
    if (!in.u8(type))
      return error_of(in);
    uint64_t a = 0, b = 0;
    switch (type) {
    case rdb_opcode::expiretime:
      if (!in.le(a, 4))
        return error_of(in);
      expire_ms = static_cast<int64_t>(static_cast<int32_t>(a)) * 1000;
      continue;
    case rdb_opcode::expiretime_ms:
      if (!in.le(a, 8))
        return error_of(in);
      expire_ms = static_cast<int64_t>(a);
      continue;
    case rdb_opcode::freq: {
      uint8_t f;
      if (!in.u8(f))
        return error_of(in);
      freq = f;
      continue;
    }
    case rdb_opcode::idle:
      if (!in.len(a))
        return error_of(in);
      idle_s = static_cast<int64_t>(std::min<uint64_t>(a, INT64_MAX));
      continue;
    case rdb_opcode::selectdb:
      if (!in.len(a))
        return error_of(in);
      if (a > INT_MAX) {
        in.fail("database number out of range");
        return error_of(in);
      }
      db = static_cast<int>(a);
      continue;
    case rdb_opcode::resizedb:
      if (!in.len(a) || !in.len(b))
        return error_of(in);
      h.resize_db(db, a, b);
      continue;
    case rdb_opcode::aux:
      if (!in.string(aux_key) || !in.string(aux_value))
        return error_of(in);
      h.aux(aux_key, aux_value);
      continue;
    case rdb_opcode::module_aux:
      in.fail("module auxiliary data is not supported");
      return error_of(in);
    case rdb_opcode::function_pre_ga:
      in.fail("pre-release function format not supported");
      return error_of(in);
    case rdb_opcode::function2: {
      std::string code;
      if (!in.string(code))
        return error_of(in);
      h.function(std::move(code));
      continue;
    }
    case rdb_opcode::eof:
      break;
    default: {
      if (!in.string(key))
        return error_of(in);
      auto v = read_object(in, type, lim, deep_sanitize);
      if (!v) {
        if (!in.empty_key)
          return error_of(in);
        // Redis skips empty keys and loads the rest.
        in.clear_error();
      } else {
        h.entry(db, std::move(key), std::move(*v), expire_ms, idle_s, freq);
      }
      key.clear();
      expire_ms = idle_s = -1;
      freq = -1;
      if (in.offset() >= next_progress) {
        h.progress(in.offset());
        next_progress = in.offset() + (1 << 20);
      }
      continue;
    }
    }
    break;
  }
  if (version >= 5) {
    uint64_t expected = in.crc();
    in.stop_crc();
    uint64_t stored = 0;
    if (!in.le(stored, 8))
      return error_of(in);
    if (verify_checksum && stored != 0 && stored != expected) {
      in.fail("wrong RDB checksum");
      return rdb_error{in.error(), in.offset() - 8};
    }
  }
  return std::nullopt;
}

std::optional<value> read_value(uint8_t type, std::string_view& bytes, std::string& error,
                                bool deep_sanitize) {
  view_source src(bytes);
  input in(src, false);
  auto lim = load_limits::now();
  auto v = read_object(in, type, lim, deep_sanitize);
  if (!v) {
    error = in.error();
    return std::nullopt;
  }
  bytes = src.rest();
  return v;
}

bool read_string(std::string_view& bytes, std::string& out) {
  view_source src(bytes);
  input in(src, false);
  if (!in.string(out))
    return false;
  bytes = src.rest();
  return true;
}

bool dump_payload_ok(std::string_view payload, bool check_crc) {
  if (payload.size() < 10)
    return false;
  auto footer = reinterpret_cast<const unsigned char*>(payload.data()) + payload.size() - 10;
  unsigned version = footer[0] | (static_cast<unsigned>(footer[1]) << 8);
  if (version > static_cast<unsigned>(rdb_version))
    return false;
  if (!check_crc)
    return true;
  uint64_t crc = 0;
  for (int i = 7; i >= 0; --i)
    crc = (crc << 8) | footer[2 + i];
  return crc64(0, payload.substr(0, payload.size() - 8)) == crc;
}

} // namespace actis::persistence
