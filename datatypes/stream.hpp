// The stream type: entries ordered by ID in packed nodes, and its consumer
// groups with their pending entries lists. Plain C++ (no CAF).
//
// Layout: a std::map from a node's master ID (the ID of the first entry it
// was created with) to the node, so seeking an ID is O(log nodes) plus a
// scan of one node of at most node_max_entries entries. A node is one byte
// block: a header with the master entry's field names, then each entry as
// [flags][ms - master.ms][seq, relative to master.seq when ms is equal]
// [field names unless flag same_fields][value per field], lengths and
// numbers as LEB128 varints. Most streams repeat one set of field names,
// so an entry usually costs its two small deltas and its values. Deleted
// entries are cut out of their node at once (Redis marks them deleted),
// and an emptied node is dropped.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "datatypes/value.hpp"

namespace actis::datatypes {

extern const value_traits stream_traits;

/// A stream entry ID: milliseconds and sequence number, ordered as a pair.
struct stream_id {
  uint64_t ms = 0;
  uint64_t seq = 0;

  auto operator<=>(const stream_id&) const = default;
  static constexpr stream_id max() { return {UINT64_MAX, UINT64_MAX}; }
  bool is_zero() const { return ms == 0 && seq == 0; }
  /// The next ID; false (and unchanged) if this is the largest.
  bool incr();
  /// The previous ID; false (and unchanged) if this is 0-0.
  bool decr();
  /// "<ms>-<seq>".
  std::string str() const;
};

/// One entry as read from a stream: its ID and its fields and values
/// (field, value, field, value ...), viewing the stream's storage: valid
/// until the stream changes.
struct stream_entry {
  stream_id id;
  std::vector<std::string_view> fields;
};

struct stream_consumer;

/// One delivered, not yet acknowledged entry of a group (Redis's NACK).
struct stream_pending {
  /// Unix ms of the last delivery.
  int64_t delivery_time = 0;
  uint64_t delivery_count = 0;
  /// The consumer it was delivered to; an element of the group's consumers.
  stream_consumer* consumer = nullptr;
};

/// A consumer of a group.
struct stream_consumer {
  std::string name;
  /// Unix ms of its last attempted interaction (XREADGROUP, XCLAIM ...).
  int64_t seen_time = 0;
  /// Its share of the group's PEL.
  std::set<stream_id> pending;
};

/// A consumer group.
struct stream_group {
  /// The last ID delivered to a consumer with `>`.
  stream_id last_id;
  /// Entries the group read (its logical position for the lag), or
  /// invalid_entries_read when unknown.
  int64_t entries_read = -1;
  static constexpr int64_t invalid_entries_read = -1;
  /// Delivered, unacknowledged entries in ID order (the global PEL).
  std::map<stream_id, stream_pending> pel;
  /// Consumers by name (ordered, as XINFO CONSUMERS lists them).
  std::map<std::string, stream_consumer, std::less<>> consumers;

  stream_consumer* find_consumer(std::string_view name);
  /// The consumer `name`, created (seen at `now_ms`) if missing; sets
  /// `created` accordingly.
  stream_consumer& get_consumer(std::string_view name, int64_t now_ms, bool& created);
  /// Removes the consumer and its pending entries; returns how many it had.
  size_t remove_consumer(std::string_view name);
  /// Drops `id` from the PEL and from its consumer's; false if not pending.
  bool acknowledge(stream_id id);
};

/// Packed storage of a run of entries (see the file comment).
struct stream_node {
  std::string data;
  /// Live entries.
  uint32_t count = 0;
  /// Entries deleted since the node was created: Redis keeps them in its
  /// node (flagged), so they count towards node_max_entries.
  uint32_t deleted = 0;
  /// The size Redis's listpack for this node would have, without its two
  /// counters (live, deleted): nodes close where Redis's would.
  uint32_t lp_rest = 0;
};

class stream final : public collection {
public:
  static const value_traits& type_traits() { return stream_traits; }
  /// Nodes are closed at this many entries or bytes (Redis's defaults of
  /// stream-node-max-entries and stream-node-max-bytes).
  static constexpr uint32_t node_max_entries = 100;
  static constexpr size_t node_max_bytes = 4096;

  uint64_t length() const { return length_; }
  /// The ID of the first live entry, 0-0 if empty.
  stream_id first_id() const;
  /// The ID of the last live entry, 0-0 if empty.
  stream_id last_entry_id() const;
  /// The largest ID ever added (or set by XSETID).
  stream_id last_id;
  /// The largest ID removed by XDEL (tombstones), 0-0 if none.
  stream_id max_deleted_id;
  /// Entries ever added (or set by XSETID).
  uint64_t entries_added = 0;
  /// Redis's s->first_id: the first entry as last recorded (set by the
  /// first append to an empty stream, by trimming, and by XDEL of it).
  stream_id recorded_first_id;

  /// Appends an entry with `fields` (field, value, ...; an even count > 0).
  /// `id` must be greater than last_id; sets last_id and counts it.
  void append(stream_id id, std::span<const std::string> fields);
  /// Removes the entry `id`; false if there is none.
  bool erase(stream_id id);
  bool contains(stream_id id) const;
  /// Removes the oldest entries while more than `maxlen` remain (maxlen
  /// strategy) or while older than `minid` (minid strategy). Approximate
  /// trimming removes whole nodes only. `limit` (0: none) caps the entries
  /// removed, counted by whole nodes as Redis does. Returns entries removed.
  uint64_t trim_maxlen(uint64_t maxlen, bool approx, uint64_t limit);
  uint64_t trim_minid(stream_id minid, bool approx, uint64_t limit);

  /// The nodes by master ID, for the RDB writer (persistence/rdb_stream).
  const std::map<stream_id, stream_node>& nodes() const { return nodes_; }
  /// The master entry's field names of `n`, viewing its storage.
  static void master_field_names(const stream_node& n, std::vector<std::string_view>& out);

  /// Number of nodes (XINFO STREAM's radix-tree-keys).
  size_t node_count() const { return nodes_.size(); }
  /// What Redis's radix tree of these node keys would count as its nodes
  /// (XINFO STREAM's radix-tree-nodes), for the canonical compressed trie.
  size_t radix_nodes() const;
  size_t memory_usage() const;
  /// The same with the nodes' bytes estimated from the first `samples`
  /// (> 0) nodes; groups and consumers are all counted (as Redis does).
  size_t memory_usage(size_t samples) const;
  value clone() const;

  std::map<std::string, stream_group, std::less<>> groups;
  stream_group* find_group(std::string_view name);

  /// Walks entries with IDs in [start, end], ascending or (rev) descending.
  /// Invalidated by any change of the stream.
  class iterator {
  public:
    iterator(const stream& s, stream_id start, stream_id end, bool rev);
    /// The next entry into `out`; false at the end.
    bool next(stream_entry& out);

  private:
    bool load(std::map<stream_id, stream_node>::const_iterator it);
    const stream& s_;
    stream_id start_, end_;
    bool rev_;
    bool done_ = false;
    std::map<stream_id, stream_node>::const_iterator node_;
    std::vector<std::string_view> master_;
    /// Entry offsets of the node, for descending walks only.
    std::vector<uint32_t> offsets_;
    /// Ascending: offset of the next entry in the node; descending: one
    /// past the index of the next entry in offsets_.
    size_t pos_ = 0;
  };

private:
  friend class iterator;
  /// Offsets of the entries of `n`, decoding its master fields into `master`.
  static void decode_offsets(const stream_node& n, std::vector<std::string_view>& master,
                             std::vector<uint32_t>& offsets);
  /// Decodes the entry at `off` of node `n` (master ID `base`) into `out`;
  /// returns the offset after it.
  static uint32_t decode_entry(const stream_node& n, stream_id base, uint32_t off,
                               const std::vector<std::string_view>& master, stream_entry& out);
  /// Cuts the first `k` entries out of the node at `it`.
  void drop_front(std::map<stream_id, stream_node>::iterator it, uint32_t k);

  std::map<stream_id, stream_node> nodes_;
  uint64_t length_ = 0;
};

} // namespace actis::datatypes
