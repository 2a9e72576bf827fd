#include "datatypes/stream.hpp"

#include <algorithm>
#include <climits>
#include <cstring>
#include <memory>

#include "datatypes/strutil.hpp"

namespace actis::datatypes {

namespace {

constexpr uint8_t flag_same_fields = 1;

void put_varint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

uint64_t get_varint(const std::string& in, uint32_t& off) {
  uint64_t v = 0;
  int shift = 0;
  for (;;) {
    auto b = static_cast<uint8_t>(in[off++]);
    v |= static_cast<uint64_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0)
      return v;
    shift += 7;
  }
}

std::string_view get_string(const std::string& in, uint32_t& off) {
  auto len = static_cast<uint32_t>(get_varint(in, off));
  std::string_view s(in.data() + off, len);
  off += len;
  return s;
}

void put_string(std::string& out, std::string_view s) {
  put_varint(out, s.size());
  out.append(s);
}

/// Offset of the first entry: after the master fields.
uint32_t header_end(const stream_node& n) {
  uint32_t off = 0;
  auto fields = get_varint(n.data, off);
  for (uint64_t i = 0; i < fields; ++i)
    get_string(n.data, off);
  return off;
}

/// The master field names at the head of `n`.
void master_fields(const stream_node& n, std::vector<std::string_view>& out) {
  out.clear();
  uint32_t off = 0;
  auto fields = get_varint(n.data, off);
  for (uint64_t i = 0; i < fields; ++i)
    out.push_back(get_string(n.data, off));
}

// Sizes of Redis's listpack elements, to close nodes where Redis does.
size_t lp_backlen_size(size_t l) {
  return l < 128 ? 1 : l < 16384 ? 2 : l < 2097152 ? 3 : l < 268435456 ? 4 : 5;
}

size_t lp_int_size(int64_t v) {
  size_t enc = v >= 0 && v <= 127                 ? 1
               : v >= -4096 && v <= 4095          ? 2
               : v >= -32768 && v <= 32767        ? 3
               : v >= -8388608 && v <= 8388607    ? 4
               : v >= INT32_MIN && v <= INT32_MAX ? 5
                                                  : 9;
  return enc + lp_backlen_size(enc);
}

/// A string element: stored as an integer when it reads as one.
size_t lp_string_size(std::string_view s) {
  long long v = 0;
  if (s.size() <= 20 && parse_ll(s, v))
    return lp_int_size(v);
  size_t l = s.size();
  size_t enc = l < 64 ? 1 + l : l < 4096 ? 2 + l : 5 + l;
  return enc + lp_backlen_size(enc);
}

/// Redis's listpack bytes of `n` (header, end and counters included).
size_t lp_bytes(const stream_node& n) {
  return n.lp_rest + lp_int_size(n.count) + lp_int_size(n.deleted);
}

/// True if the entry's field names `kv` (field, value, ...) are the
/// node's master fields, read from the header of `data`.
bool same_names(const std::string& data, std::span<const std::string> kv) {
  uint32_t off = 0;
  auto fields = get_varint(data, off);
  if (fields * 2 != kv.size())
    return false;
  for (size_t i = 0; i < fields; ++i)
    if (get_string(data, off) != kv[2 * i])
      return false;
  return true;
}

} // namespace

bool stream_id::incr() {
  if (seq == UINT64_MAX) {
    if (ms == UINT64_MAX)
      return false;
    ++ms;
    seq = 0;
  } else {
    ++seq;
  }
  return true;
}

bool stream_id::decr() {
  if (seq == 0) {
    if (ms == 0)
      return false;
    --ms;
    seq = UINT64_MAX;
  } else {
    --seq;
  }
  return true;
}

std::string stream_id::str() const {
  return std::to_string(ms) + "-" + std::to_string(seq);
}

stream_consumer* stream_group::find_consumer(std::string_view name) {
  auto it = consumers.find(name);
  return it == consumers.end() ? nullptr : &it->second;
}

stream_consumer& stream_group::get_consumer(std::string_view name, int64_t now_ms,
                                            bool& created) {
  auto it = consumers.find(name);
  created = it == consumers.end();
  if (created) {
    it = consumers.emplace(std::string(name), stream_consumer{}).first;
    it->second.name = it->first;
    it->second.seen_time = now_ms;
  }
  return it->second;
}

size_t stream_group::remove_consumer(std::string_view name) {
  auto it = consumers.find(name);
  if (it == consumers.end())
    return 0;
  size_t n = it->second.pending.size();
  for (auto id : it->second.pending)
    pel.erase(id);
  consumers.erase(it);
  return n;
}

bool stream_group::acknowledge(stream_id id) {
  auto it = pel.find(id);
  if (it == pel.end())
    return false;
  it->second.consumer->pending.erase(id);
  pel.erase(it);
  return true;
}

stream_group* stream::find_group(std::string_view name) {
  auto it = groups.find(name);
  return it == groups.end() ? nullptr : &it->second;
}

void stream::master_field_names(const stream_node& n, std::vector<std::string_view>& out) {
  master_fields(n, out);
}

void stream::decode_offsets(const stream_node& n, std::vector<std::string_view>& master,
                            std::vector<uint32_t>& offsets) {
  master_fields(n, master);
  offsets.clear();
  uint32_t off = header_end(n);
  stream_entry scratch;
  while (off < n.data.size()) {
    offsets.push_back(off);
    off = decode_entry(n, {}, off, master, scratch);
  }
}

uint32_t stream::decode_entry(const stream_node& n, stream_id base, uint32_t off,
                              const std::vector<std::string_view>& master, stream_entry& out) {
  auto flags = static_cast<uint8_t>(n.data[off++]);
  uint64_t dms = get_varint(n.data, off);
  uint64_t dseq = get_varint(n.data, off);
  out.id.ms = base.ms + dms;
  out.id.seq = dms == 0 ? base.seq + dseq : dseq;
  out.fields.clear();
  if (flags & flag_same_fields) {
    for (auto f : master) {
      out.fields.push_back(f);
      out.fields.push_back(get_string(n.data, off));
    }
  } else {
    auto count = get_varint(n.data, off);
    for (uint64_t i = 0; i < count; ++i) {
      out.fields.push_back(get_string(n.data, off));
      out.fields.push_back(get_string(n.data, off));
    }
  }
  return off;
}

void stream::append(stream_id id, std::span<const std::string> kv) {
  // Redis's rule (streamAppendItem): a new node when the raw size of the
  // fields would take the node's listpack to the byte limit, or when live
  // and deleted entries reach the entry limit.
  size_t raw = 0;
  for (auto& s : kv)
    raw += s.size();
  auto last = nodes_.empty() ? nodes_.end() : std::prev(nodes_.end());
  if (last == nodes_.end() || lp_bytes(last->second) + raw >= node_max_bytes ||
      last->second.count + last->second.deleted >= node_max_entries) {
    // The closed node keeps an exact-size block.
    if (last != nodes_.end())
      last->second.data.shrink_to_fit();
    stream_node fresh;
    put_varint(fresh.data, kv.size() / 2);
    // Listpack header and end, the master fields and their terminator.
    size_t lp = 7 + lp_int_size(static_cast<int64_t>(kv.size() / 2)) + lp_int_size(0);
    for (size_t i = 0; i < kv.size(); i += 2) {
      put_string(fresh.data, kv[i]);
      lp += lp_string_size(kv[i]);
    }
    fresh.lp_rest = static_cast<uint32_t>(lp);
    last = nodes_.emplace_hint(nodes_.end(), id, std::move(fresh));
  }
  stream_node& n = last->second;
  const stream_id base = last->first;
  bool same = same_names(n.data, kv);
  // The entry as Redis lays it out: flags, ms and seq deltas, [count,
  // fields,] values, its element count.
  size_t nfields = kv.size() / 2;
  size_t lp = lp_int_size(same ? 2 : 0) + lp_int_size(static_cast<int64_t>(id.ms - base.ms)) +
              lp_int_size(static_cast<int64_t>(id.seq - base.seq)) +
              lp_int_size(static_cast<int64_t>(same ? nfields + 3 : 2 * nfields + 4));
  if (!same)
    lp += lp_int_size(static_cast<int64_t>(nfields));
  for (size_t i = same ? 1 : 0; i < kv.size(); i += same ? 2 : 1)
    lp += lp_string_size(kv[i]);
  n.lp_rest += static_cast<uint32_t>(lp);
  n.data.push_back(static_cast<char>(same ? flag_same_fields : 0));
  uint64_t dms = id.ms - base.ms;
  put_varint(n.data, dms);
  put_varint(n.data, dms == 0 ? id.seq - base.seq : id.seq);
  if (same) {
    for (size_t i = 1; i < kv.size(); i += 2)
      put_string(n.data, kv[i]);
  } else {
    put_varint(n.data, kv.size() / 2);
    for (auto& s : kv)
      put_string(n.data, s);
  }
  ++n.count;
  if (++length_ == 1)
    recorded_first_id = id;
  ++entries_added;
  last_id = id;
}

bool stream::contains(stream_id id) const {
  iterator it(*this, id, id, false);
  stream_entry e;
  return it.next(e);
}

bool stream::erase(stream_id id) {
  if (nodes_.empty())
    return false;
  auto it = nodes_.upper_bound(id);
  if (it == nodes_.begin())
    return false;
  --it;
  stream_node& n = it->second;
  std::vector<std::string_view> master;
  master_fields(n, master);
  uint32_t off = header_end(n);
  stream_entry e;
  while (off < n.data.size()) {
    uint32_t next = decode_entry(n, it->first, off, master, e);
    if (e.id == id) {
      --length_;
      ++n.deleted;
      if (--n.count == 0)
        nodes_.erase(it);
      else
        n.data.erase(off, next - off);
      return true;
    }
    if (e.id > id)
      return false;
    off = next;
  }
  return false;
}

void stream::drop_front(std::map<stream_id, stream_node>::iterator it, uint32_t k) {
  stream_node& n = it->second;
  std::vector<std::string_view> master;
  master_fields(n, master);
  uint32_t start = header_end(n);
  uint32_t off = start;
  stream_entry e;
  for (uint32_t i = 0; i < k; ++i)
    off = decode_entry(n, it->first, off, master, e);
  n.data.erase(start, off - start);
  n.count -= k;
  n.deleted += k;
  length_ -= k;
}

uint64_t stream::trim_maxlen(uint64_t maxlen, bool approx, uint64_t limit) {
  uint64_t removed = 0;
  while (!nodes_.empty() && length_ > maxlen) {
    auto it = nodes_.begin();
    uint32_t count = it->second.count;
    if (limit != 0 && removed + count > limit)
      break;
    if (length_ - count >= maxlen) {
      nodes_.erase(it);
      length_ -= count;
      removed += count;
      continue;
    }
    if (approx)
      break;
    auto k = static_cast<uint32_t>(length_ - maxlen);
    drop_front(it, k);
    removed += k;
    break;
  }
  return removed;
}

uint64_t stream::trim_minid(stream_id minid, bool approx, uint64_t limit) {
  uint64_t removed = 0;
  std::vector<std::string_view> master;
  stream_entry e;
  while (!nodes_.empty()) {
    auto it = nodes_.begin();
    stream_node& n = it->second;
    if (limit != 0 && removed + n.count > limit)
      break;
    master_fields(n, master);
    // Count the node's leading entries older than minid.
    uint32_t off = header_end(n);
    uint32_t older = 0;
    while (off < n.data.size()) {
      off = decode_entry(n, it->first, off, master, e);
      if (e.id >= minid)
        break;
      ++older;
    }
    if (older == n.count) {
      length_ -= n.count;
      removed += n.count;
      nodes_.erase(it);
      continue;
    }
    if (!approx && older > 0) {
      drop_front(it, older);
      removed += older;
    }
    break;
  }
  return removed;
}

stream_id stream::first_id() const {
  if (nodes_.empty())
    return {};
  iterator it(*this, {}, stream_id::max(), false);
  stream_entry e;
  it.next(e);
  return e.id;
}

stream_id stream::last_entry_id() const {
  if (nodes_.empty())
    return {};
  iterator it(*this, {}, stream_id::max(), true);
  stream_entry e;
  it.next(e);
  return e.id;
}

size_t stream::radix_nodes() const {
  // Each key as Redis stores it: 16 big-endian bytes.
  std::vector<std::string> keys;
  keys.reserve(nodes_.size());
  for (auto& [id, n] : nodes_) {
    std::string k(16, '\0');
    for (int i = 0; i < 8; ++i) {
      k[i] = static_cast<char>(id.ms >> (56 - 8 * i));
      k[8 + i] = static_cast<char>(id.seq >> (56 - 8 * i));
    }
    keys.push_back(std::move(k));
  }
  if (keys.empty())
    return 1;
  // A node per branching point and per chain of single-child bytes leading
  // to one, plus a leaf per key; the range [lo, hi) shares `depth` bytes.
  struct counter {
    const std::vector<std::string>& k;
    size_t count(size_t lo, size_t hi, size_t depth) const {
      if (depth == 16)
        return 1;
      // Follow the chain while every key agrees on the next byte.
      size_t d = depth;
      while (d < 16 && k[lo][d] == k[hi - 1][d])
        ++d;
      if (d == 16)
        return d == depth ? 1 : 2;
      size_t total = (d == depth ? 1 : 2);
      for (size_t i = lo; i < hi;) {
        size_t j = i;
        while (j < hi && k[j][d] == k[i][d])
          ++j;
        total += count(i, j, d + 1);
        i = j;
      }
      return total;
    }
  };
  return counter{keys}.count(0, keys.size(), 0);
}

size_t stream::memory_usage() const { return memory_usage(nodes_.size()); }

size_t stream::memory_usage(size_t samples) const {
  size_t bytes = sizeof(value) + sizeof(stream);
  size_t sampled = 0, seen = 0;
  for (auto it = nodes_.begin(); it != nodes_.end() && seen < samples; ++it, ++seen)
    sampled += 64 + it->second.data.capacity();
  if (seen != 0)
    bytes += seen == nodes_.size() ? sampled : sampled * nodes_.size() / seen;
  for (auto& [name, g] : groups) {
    bytes += 96 + name.size();
    bytes += g.pel.size() * 80;
    for (auto& [cname, c] : g.consumers)
      bytes += 96 + cname.size() + c.pending.size() * 48;
  }
  return bytes;
}

value stream::clone() const {
  auto copy = std::make_unique<stream>();
  copy->nodes_ = nodes_;
  copy->length_ = length_;
  copy->last_id = last_id;
  copy->max_deleted_id = max_deleted_id;
  copy->entries_added = entries_added;
  copy->recorded_first_id = recorded_first_id;
  for (auto& [name, g] : groups) {
    stream_group& cg = copy->groups[name];
    cg.last_id = g.last_id;
    cg.entries_read = g.entries_read;
    for (auto& [cname, c] : g.consumers) {
      auto& cc = cg.consumers.emplace(cname, c).first->second;
      cc.name = cname;
    }
    for (auto& [id, p] : g.pel) {
      stream_pending cp = p;
      cp.consumer = &cg.consumers.find(p.consumer->name)->second;
      cg.pel.emplace(id, cp);
    }
  }
  return value::from_collection(std::move(copy));
}

stream::iterator::iterator(const stream& s, stream_id start, stream_id end, bool rev)
    : s_(s), start_(start), end_(end), rev_(rev) {
  if (start > end || s.nodes_.empty()) {
    done_ = true;
    return;
  }
  auto& nodes = s.nodes_;
  // The node that may hold the boundary: the last one whose master ID is
  // not above it.
  auto it = nodes.upper_bound(rev ? end : start);
  if (it != nodes.begin())
    --it;
  else if (rev) {
    done_ = true;
    return;
  }
  load(it);
}

bool stream::iterator::load(std::map<stream_id, stream_node>::const_iterator it) {
  node_ = it;
  if (rev_) {
    decode_offsets(it->second, master_, offsets_);
    pos_ = offsets_.size();
  } else {
    master_fields(it->second, master_);
    pos_ = header_end(it->second);
  }
  return true;
}

bool stream::iterator::next(stream_entry& out) {
  while (!done_) {
    if (rev_ ? pos_ == 0 : pos_ == node_->second.data.size()) {
      if (rev_) {
        if (node_ == s_.nodes_.begin()) {
          done_ = true;
          return false;
        }
        load(std::prev(node_));
      } else {
        auto nx = std::next(node_);
        if (nx == s_.nodes_.end() || nx->first > end_) {
          done_ = true;
          return false;
        }
        load(nx);
      }
      continue;
    }
    if (rev_)
      decode_entry(node_->second, node_->first, offsets_[--pos_], master_, out);
    else
      pos_ = decode_entry(node_->second, node_->first, static_cast<uint32_t>(pos_), master_, out);
    if (rev_) {
      if (out.id > end_)
        continue;
      if (out.id < start_) {
        done_ = true;
        return false;
      }
    } else {
      if (out.id < start_)
        continue;
      if (out.id > end_) {
        done_ = true;
        return false;
      }
    }
    return true;
  }
  return false;
}

namespace {

const stream* as_stream(const value& v) { return static_cast<const stream*>(v.coll()); }

obj_encoding stream_encoding(const value&) { return obj_encoding::stream; }

// Redis's xorObjectDigest for streams: each entry's "<ms>.<seq>", then its
// fields and values, mixed in order; groups are not part of it.
void stream_digest(const value& v, unsigned char d[digest_size]) {
  stream::iterator it(*as_stream(v), {}, stream_id::max(), false);
  stream_entry e;
  while (it.next(e)) {
    std::string id = std::to_string(e.id.ms) + "." + std::to_string(e.id.seq);
    mix_digest(d, id);
    for (auto f : e.fields)
      mix_digest(d, f);
  }
}

size_t stream_memory_usage(const value& v) { return as_stream(v)->memory_usage(); }

size_t stream_sampled_memory_usage(const value& v, size_t samples) {
  return as_stream(v)->memory_usage(samples);
}

value stream_copy(const value& v) { return as_stream(v)->clone(); }

} // namespace

const value_traits stream_traits{
    .type = obj_type::stream,
    .name = "stream",
    .encoding = &stream_encoding,
    .digest = &stream_digest,
    .memory_usage = &stream_memory_usage,
    .sampled_memory_usage = &stream_sampled_memory_usage,
    .copy = &stream_copy,
    .destroy = &delete_collection<stream>,
};

} // namespace actis::datatypes
