// The RDB encoding of streams as redis-server 7.0.15 writes it
// (RDB_TYPE_STREAM_LISTPACKS_2; STREAM_LISTPACKS also loads): the nodes as
// (16-byte big-endian master ID, Redis listpack) pairs, the stream's
// counters, then the consumer groups with their PELs and consumers.
//
// A node's listpack: the master entry [count][deleted][n][field names...]
// [0], then per entry [flags][ms - master.ms][seq - master.seq]
// ([n][field value ...] | [value ...] under flag same_fields) [elements].
// A loaded stream is rebuilt through stream::append, so it takes actis's
// own node layout; entries Redis kept flagged as deleted are skipped.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "datatypes/stream.hpp"

namespace actis::persistence {

void put_stream(std::string& out, const datatypes::stream& s, bool compress);

/// Appends the live entries of one node (its 16-byte key and listpack) to
/// `s`. False if the key or listpack is malformed, its counters disagree
/// with its entries, or an entry does not follow the stream's last one.
bool load_stream_node(datatypes::stream& s, std::string_view key, std::string_view blob);

/// Reads a 16-byte big-endian stream ID.
datatypes::stream_id stream_id_from(const unsigned char* p);

/// Redis's streamEstimateDistanceFromFirstEverEntry: a group's
/// entries_read when the file (STREAM_LISTPACKS) does not hold it.
int64_t estimate_entries_read(const datatypes::stream& s, datatypes::stream_id id);

/// Reads a stream body from `in` (rdb_reader's input: len, string, read,
/// le, fail), after the value's type byte.
template <class In>
std::optional<datatypes::value> read_stream(In& in, bool v2);

// -- implementation ---------------------------------------------------------

template <class In>
bool read_stream_id(In& in, datatypes::stream_id& id, bool raw) {
  if (!raw)
    return in.len(id.ms) && in.len(id.seq);
  unsigned char b[16];
  if (!in.read(b, sizeof b))
    return false;
  id = stream_id_from(b);
  return true;
}

template <class In>
bool read_stream_group(In& in, datatypes::stream& s, bool v2) {
  using datatypes::stream_id;
  std::string name;
  stream_id last;
  if (!in.string(name) || !read_stream_id(in, last, false))
    return false;
  int64_t entries_read = 0;
  if (v2) {
    uint64_t n = 0;
    if (!in.len(n))
      return false;
    entries_read = static_cast<int64_t>(n);
  } else {
    entries_read = estimate_entries_read(s, last);
  }
  auto [it, fresh] = s.groups.try_emplace(name);
  if (!fresh)
    return in.fail("duplicated consumer group name loading stream");
  auto& g = it->second;
  g.last_id = last;
  g.entries_read = entries_read;
  uint64_t n = 0;
  if (!in.len(n))
    return false;
  for (uint64_t i = 0; i < n; ++i) {
    stream_id id;
    uint64_t time = 0, count = 0;
    if (!read_stream_id(in, id, true) || !in.le(time, 8) || !in.len(count))
      return false;
    auto [p, fresh] = g.pel.try_emplace(id);
    if (!fresh)
      return in.fail("duplicated global PEL entry loading stream consumer group");
    p->second.delivery_time = static_cast<int64_t>(time);
    p->second.delivery_count = count;
  }
  if (!in.len(n))
    return false;
  for (uint64_t i = 0; i < n; ++i) {
    std::string cname;
    uint64_t seen = 0, pending = 0;
    if (!in.string(cname) || !in.le(seen, 8) || !in.len(pending))
      return false;
    auto [c, added] = g.consumers.try_emplace(cname);
    if (!added)
      return in.fail("duplicated consumer name loading stream consumer group");
    c->second.name = cname;
    c->second.seen_time = static_cast<int64_t>(seen);
    for (uint64_t j = 0; j < pending; ++j) {
      stream_id id;
      if (!read_stream_id(in, id, true))
        return false;
      auto p = g.pel.find(id);
      if (p == g.pel.end())
        return in.fail("consumer entry not found in group global PEL");
      if (p->second.consumer != nullptr)
        return in.fail("duplicated consumer PEL entry loading a stream consumer group");
      p->second.consumer = &c->second;
      c->second.pending.insert(id);
    }
  }
  // actis's PEL entries always name their consumer.
  for (auto& [id, p] : g.pel)
    if (p.consumer == nullptr)
      return in.fail("stream CG PEL entry without consumer");
  return true;
}

template <class In>
std::optional<datatypes::value> read_stream(In& in, bool v2) {
  using datatypes::stream_id;
  auto s = std::make_unique<datatypes::stream>();
  uint64_t nodes = 0;
  if (!in.len(nodes))
    return std::nullopt;
  std::string key, blob;
  for (uint64_t i = 0; i < nodes; ++i) {
    if (!in.string(key) || !in.string(blob))
      return std::nullopt;
    if (!load_stream_node(*s, key, blob)) {
      in.fail("invalid stream listpack");
      return std::nullopt;
    }
  }
  uint64_t length = 0;
  stream_id last;
  if (!in.len(length) || !read_stream_id(in, last, false))
    return std::nullopt;
  if (length != s->length()) {
    in.fail("stream length does not match its entries");
    return std::nullopt;
  }
  if (s->last_entry_id() > last) {
    in.fail("stream last ID is smaller than its last entry");
    return std::nullopt;
  }
  stream_id first = s->first_id(), max_deleted;
  uint64_t added = length;
  if (v2 && (!read_stream_id(in, first, false) || !read_stream_id(in, max_deleted, false) ||
             !in.len(added)))
    return std::nullopt;
  s->last_id = last;
  s->recorded_first_id = first;
  s->max_deleted_id = max_deleted;
  s->entries_added = added;
  uint64_t groups = 0;
  if (!in.len(groups))
    return std::nullopt;
  for (uint64_t i = 0; i < groups; ++i)
    if (!read_stream_group(in, *s, v2))
      return std::nullopt;
  return datatypes::value::from_collection(std::move(s));
}

} // namespace actis::persistence
