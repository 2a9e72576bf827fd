// One logical database's share of keys inside one partition. Plain C++.
#pragma once

#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <string_view>

#include "datatypes/value.hpp"

namespace actis::datatypes {

/// A key's slot in the table. Pointers stay valid until that key is erased
/// or the database is cleared (nodes never move on rehash).
struct entry {
  std::string_view key() const;
  value val;

private:
  friend struct entry_access;
  entry* next_ = nullptr;  // hash chain

public:
  /// LRU clock in seconds (for OBJECT IDLETIME), 32 bits as Redis's 24-bit clock.
  uint32_t lru = 0;
  bool has_expire : 1 = false;
  /// The db's snapshot epoch when the entry was made or last saved by a
  /// snapshot (db::pending).
  bool saved_epoch : 1 = false;

private:
  // Key storage, laid out by db.cpp: a short key lives inline, from
  // key_store_ on to the end of the entry's node, whose size (40 to 64
  // bytes) the key's length picks; a longer one on the heap.
  uint8_t key_tag_ = 0;
  unsigned char key_store_[10];
};

/// Keys, values and expire times of one database within one partition.
/// Single-threaded: owned by its partition; whoever holds the partition may
/// call it. Expiry is NOT applied here: callers check expire_at() against the
/// clock (see commands/keyspace.hpp), so this stays a pure container.
/// Incremental rehashing like Redis's dict so no operation stalls on growth.
class db {
public:
  db();
  ~db();
  db(const db&) = delete;
  db& operator=(const db&) = delete;
  db(db&&) noexcept;
  db& operator=(db&&) noexcept;

  /// Exact lookup, nullptr if missing.
  entry* find(std::string_view key);
  /// Exact lookup of `key`, whose key_hash() the caller has, without the
  /// incremental rehash step find() takes: for looking ahead at a batch
  /// (warming), which must change nothing.
  const entry* peek(std::string_view key, uint64_t hash) const;
  /// Inserts an empty-string value under `key` if missing. Returns the entry
  /// and whether it was created.
  std::pair<entry*, bool> find_or_insert(std::string_view key);
  /// The hash lookups of `key` use; for warm_lookups.
  static uint64_t key_hash(std::string_view key);
  /// Before a batch of lookups (pipelined commands): loads what each of
  /// the `n` keys will touch first — its bucket, the first entry of its
  /// chain, a long key's bytes — one pass per level, so the cache misses of
  /// the whole batch overlap instead of following one another.
  void warm_lookups(const uint64_t* key_hashes, size_t n) const;
  /// Removes key (and its expire). Returns false if it did not exist.
  bool erase(std::string_view key);
  size_t size() const;
  void clear();
  /// Swaps whole contents with another db (SWAPDB within a partition).
  void swap(db& other) noexcept;

  /// Expire time in unix ms, or -1 if the key has none / does not exist.
  int64_t expire_at(std::string_view key) const;
  int64_t expire_at(const entry& e) const;
  void set_expire(entry& e, int64_t when_ms);
  /// Returns true if an expire was removed.
  bool remove_expire(entry& e);
  size_t expires_size() const;

  /// Redis-style SCAN over keys: reverse-binary cursor over bucket indexes,
  /// guaranteeing every key present during the whole scan is visited at least
  /// once even across resizes. Calls fn for each entry; returns next cursor
  /// (0 when done). Like Redis, walks buckets until at least `count` entries
  /// were delivered, the walk completes, or 10*count buckets were visited.
  /// fn may erase the entry it is given or insert keys, nothing else.
  uint64_t scan(uint64_t cursor, size_t count, const std::function<void(entry&)>& fn);
  /// Same walk over keys that have an expire (for the active expire cycle);
  /// fn may erase the entry it is given.
  uint64_t scan_expires(uint64_t cursor, size_t count, const std::function<void(entry&)>& fn);
  /// Calls fn for every entry (KEYS, DEBUG DIGEST). fn must not modify the db.
  void for_each(const std::function<void(entry&)>& fn);
  /// A random entry (RANDOMKEY), nullptr if empty; fair enough as Redis's.
  entry* random_entry(std::mt19937_64& rng);
  /// A random entry among those with an expire, nullptr if none.
  entry* random_volatile(std::mt19937_64& rng);

  /// Snapshots without fork (commands/snapshot.hpp): flipping the epoch
  /// makes every entry existing now pending, in O(1); entries inserted
  /// afterwards are born saved. The snapshot saves each pending entry once,
  /// before its first change or when its scan reaches it, and marks it.
  void flip_snapshot_epoch() { epoch_ = !epoch_; }
  bool pending(const entry& e) const { return e.saved_epoch != epoch_; }
  void mark_saved(entry& e) const { e.saved_epoch = epoch_; }

  /// Does a bounded amount of incremental rehash work; true if more remains.
  bool rehash_step(int buckets = 100);
  /// Approximate bytes used by entries (including inline values), keys and
  /// the tables, in O(1). Out-of-line value storage (long strings,
  /// collections) is not included: see value::memory_usage().
  size_t memory_usage() const;
  /// The part of memory_usage() the expire table holds (its buckets and
  /// nodes), in O(1): MEMORY STATS's overhead.hashtable.expires.
  size_t expires_memory_usage() const;
  /// What one key's expire adds: its record and a bucket pointer.
  static size_t expire_record_bytes();
  /// The bytes of `e`'s node (its value included, a heap key's block not).
  static size_t entry_bytes(const entry& e);

private:
  struct impl;
  impl* impl_;
  bool epoch_ = false;
};

} // namespace actis::datatypes
