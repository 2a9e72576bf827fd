#include "persistence/rdb_stream.hpp"

#include <vector>

#include "datatypes/strutil.hpp"
#include "persistence/rdb_string.hpp"
#include "persistence/redis_blobs.hpp"

namespace actis::persistence {

using datatypes::stream;
using datatypes::stream_id;

namespace {

constexpr long long flag_deleted = 1;
constexpr long long flag_same_fields = 2;

void put_raw_id(std::string& out, stream_id id) {
  for (int i = 0; i < 8; ++i)
    out.push_back(static_cast<char>(id.ms >> (56 - 8 * i)));
  for (int i = 0; i < 8; ++i)
    out.push_back(static_cast<char>(id.seq >> (56 - 8 * i)));
}

void put_id(std::string& out, stream_id id) {
  put_len(out, id.ms);
  put_len(out, id.seq);
}

/// The listpack of the node at master ID `master` holding entries up to
/// `end`. Deleted entries are gone from actis's nodes, so the deleted
/// counter is 0 and the blob agrees with itself.
std::string node_listpack(const stream& s, stream_id master, const datatypes::stream_node& n,
                          stream_id end) {
  std::vector<std::string_view> names;
  stream::master_field_names(n, names);
  listpack_builder lp;
  lp.add(static_cast<long long>(n.count));
  lp.add(0LL);
  lp.add(static_cast<long long>(names.size()));
  for (auto f : names)
    lp.add(f);
  lp.add(0LL);
  stream::iterator it(s, master, end, false);
  datatypes::stream_entry e;
  while (it.next(e)) {
    size_t nf = e.fields.size() / 2;
    bool same = nf == names.size();
    for (size_t i = 0; same && i < nf; ++i)
      same = e.fields[2 * i] == names[i];
    lp.add(same ? flag_same_fields : 0LL);
    lp.add(static_cast<long long>(e.id.ms - master.ms));
    lp.add(static_cast<long long>(e.id.seq - master.seq));
    if (same) {
      for (size_t i = 1; i < e.fields.size(); i += 2)
        lp.add(e.fields[i]);
      lp.add(static_cast<long long>(nf + 3));
    } else {
      lp.add(static_cast<long long>(nf));
      for (auto f : e.fields)
        lp.add(f);
      lp.add(static_cast<long long>(2 * nf + 4));
    }
  }
  return lp.finish();
}

} // namespace

stream_id stream_id_from(const unsigned char* p) {
  stream_id id;
  for (int i = 0; i < 8; ++i)
    id.ms = (id.ms << 8) | p[i];
  for (int i = 8; i < 16; ++i)
    id.seq = (id.seq << 8) | p[i];
  return id;
}

void put_stream(std::string& out, const stream& s, bool compress) {
  auto& nodes = s.nodes();
  put_len(out, nodes.size());
  for (auto it = nodes.begin(); it != nodes.end(); ++it) {
    auto next = std::next(it);
    stream_id end = stream_id::max();
    if (next != nodes.end()) {
      end = next->first;
      end.decr();
    }
    std::string key;
    put_raw_id(key, it->first);
    put_string(out, key, compress);
    put_string(out, node_listpack(s, it->first, it->second, end), compress);
  }
  put_len(out, s.length());
  put_id(out, s.last_id);
  put_id(out, s.recorded_first_id);
  put_id(out, s.max_deleted_id);
  put_len(out, s.entries_added);
  put_len(out, s.groups.size());
  for (auto& [name, g] : s.groups) {
    put_string(out, name, compress);
    put_id(out, g.last_id);
    put_len(out, static_cast<uint64_t>(g.entries_read));
    put_len(out, g.pel.size());
    for (auto& [id, p] : g.pel) {
      put_raw_id(out, id);
      put_le(out, static_cast<uint64_t>(p.delivery_time), 8);
      put_len(out, p.delivery_count);
    }
    put_len(out, g.consumers.size());
    for (auto& [cname, c] : g.consumers) {
      put_string(out, cname, compress);
      put_le(out, static_cast<uint64_t>(c.seen_time), 8);
      put_len(out, c.pending.size());
      for (auto id : c.pending)
        put_raw_id(out, id);
    }
  }
}

bool load_stream_node(stream& s, std::string_view key, std::string_view blob) {
  if (key.size() != 16)
    return false;
  auto master = stream_id_from(reinterpret_cast<const unsigned char*>(key.data()));
  std::vector<std::string> elems;
  size_t count = 0;
  if (!for_each_listpack(blob, count, [&](std::string_view e) {
        elems.emplace_back(e);
        return true;
      }))
    return false;
  size_t i = 0;
  auto num = [&](long long& v) { return i < elems.size() && datatypes::parse_ll(elems[i++], v); };
  long long live = 0, deleted = 0, nf = 0;
  if (!num(live) || !num(deleted) || !num(nf) || live < 0 || deleted < 0 || nf < 1 ||
      static_cast<size_t>(nf) + 1 > elems.size() - i)
    return false;
  std::vector<std::string> kv(2 * static_cast<size_t>(nf));
  std::vector<std::string> names(elems.begin() + static_cast<long>(i),
                                 elems.begin() + static_cast<long>(i) + nf);
  i += static_cast<size_t>(nf);
  long long terminator = -1;
  if (!num(terminator) || terminator != 0)
    return false;
  long long seen_live = 0, seen_deleted = 0;
  while (i < elems.size()) {
    long long flags = 0, dms = 0, dseq = 0, fields = nf, lp_count = 0;
    if (!num(flags) || !num(dms) || !num(dseq) || (flags & ~(flag_deleted | flag_same_fields)))
      return false;
    bool same = flags & flag_same_fields;
    if (!same && (!num(fields) || fields < 1))
      return false;
    size_t n = static_cast<size_t>(fields);
    if (n > (elems.size() - i) / (same ? 1 : 2))
      return false;
    kv.resize(2 * n);
    for (size_t f = 0; f < n; ++f) {
      kv[2 * f] = same ? names[f] : std::move(elems[i++]);
      kv[2 * f + 1] = std::move(elems[i++]);
    }
    auto expected = static_cast<long long>(same ? n + 3 : 2 * n + 4);
    if (!num(lp_count) || lp_count != expected)
      return false;
    stream_id id{master.ms + static_cast<uint64_t>(dms), master.seq + static_cast<uint64_t>(dseq)};
    if (flags & flag_deleted) {
      ++seen_deleted;
      continue;
    }
    ++seen_live;
    // Entries ascend across the whole stream; append relies on it.
    if (s.length() > 0 && id <= s.last_id)
      return false;
    s.append(id, kv);
  }
  return seen_live == live && seen_deleted == deleted;
}

int64_t estimate_entries_read(const stream& s, stream_id id) {
  constexpr int64_t invalid = datatypes::stream_group::invalid_entries_read;
  if (s.entries_added == 0)
    return 0;
  if (s.length() == 0 && id <= s.last_id)
    return static_cast<int64_t>(s.entries_added);
  if (id == s.last_id)
    return static_cast<int64_t>(s.entries_added);
  if (id > s.last_id)
    return invalid;
  if (s.max_deleted_id.is_zero() || s.max_deleted_id < s.recorded_first_id) {
    if (id < s.recorded_first_id)
      return static_cast<int64_t>(s.entries_added - s.length());
    if (id == s.recorded_first_id)
      return static_cast<int64_t>(s.entries_added - s.length() + 1);
  }
  return invalid;
}

} // namespace actis::persistence
