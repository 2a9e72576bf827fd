// One database's keyspace: a chained hash table of 40- to 64-byte entries
// carved from node pools (one per entry size), plus a second table holding
// expire times of volatile keys only (so persistent keys pay nothing for
// expiry support).
#include "datatypes/db.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <new>
#include <utility>
#include <vector>

#include "datatypes/chained_table.hpp"
#include "datatypes/hash.hpp"
#include "datatypes/node_pool.hpp"

namespace actis::datatypes {

/// Knows entry's private key layout: key_tag_ is the length of a key stored
/// inline from key_store_ on, or heap_tag when key_store_ holds a malloc'ed
/// key's pointer, length and hash bits. Entries come in four node sizes, 40
/// to 64 bytes in steps of 8, the smallest whose inline room (10 to 34
/// bytes) holds the key; a longer key goes to the heap from a 48-byte node,
/// whose 18 bytes of room hold its slot.
struct entry_access {
  // entry mixes public and private members, so it is not standard-layout;
  // g++ lays it out in declaration order all the same and supports offsetof.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Winvalid-offsetof"
  static constexpr size_t key_offset = offsetof(entry, key_store_);
#pragma GCC diagnostic pop
  static constexpr size_t min_node = sizeof(entry);
  static constexpr size_t node_classes = 4;
  static constexpr size_t inline_max = min_node - key_offset + 8 * (node_classes - 1);
  static constexpr uint8_t heap_tag = 0xff;
  static constexpr size_t heap_class = 1;

  static entry*& next(entry& e) { return e.next_; }

  /// Where the key bytes start; the room runs to the end of the node.
  static unsigned char* store(entry& e) { return reinterpret_cast<unsigned char*>(&e) + key_offset; }
  static const unsigned char* store(const entry& e) {
    return reinterpret_cast<const unsigned char*>(&e) + key_offset;
  }
  static constexpr size_t room(size_t node_class) { return min_node - key_offset + 8 * node_class; }
  static constexpr size_t node_bytes(size_t node_class) { return min_node + 8 * node_class; }

  /// The node size class an entry for a key of `len` bytes takes.
  static size_t class_for(size_t len) {
    if (len > inline_max)
      return heap_class;
    return len <= room(0) ? 0 : (len - room(0) + 7) / 8;
  }
  static size_t class_of(const entry& e) {
    return e.key_tag_ == heap_tag ? heap_class : class_for(e.key_tag_);
  }

  // A heap key's slot holds: pointer (8 bytes), length (4), and the low 48
  // bits of its hash (6). The hash bits let chain walks and rehashing skip
  // other keys without touching their heap bytes (a cache miss each); 48
  // bits cover every possible table size.
  static constexpr size_t len_at = sizeof(char*);
  static constexpr size_t hash_at = len_at + sizeof(uint32_t);
  static constexpr size_t hash_bytes_kept = 6;

  static std::string_view key(const entry& e) {
    if (e.key_tag_ != heap_tag)
      return {reinterpret_cast<const char*>(store(e)), e.key_tag_};
    const char* p;
    uint32_t len;
    std::memcpy(&p, store(e), sizeof p);
    std::memcpy(&len, store(e) + len_at, sizeof len);
    return {p, len};
  }

  static bool on_heap(const entry& e) { return e.key_tag_ == heap_tag; }

  static uint64_t stored_hash(const entry& e) {
    uint64_t h = 0;
    std::memcpy(&h, store(e) + hash_at, hash_bytes_kept);
    return h;
  }

  static uint64_t low_hash(uint64_t h) { return h & ((uint64_t{1} << (8 * hash_bytes_kept)) - 1); }

  /// Stores `k` (whose hash is `h`) into a fresh entry of class_for(k.size());
  /// returns the heap bytes used.
  static size_t set_key(entry& e, std::string_view k, uint64_t h) {
    if (k.size() <= inline_max) {
      std::memcpy(store(e), k.data(), k.size());
      e.key_tag_ = static_cast<uint8_t>(k.size());
      return 0;
    }
    char* p = static_cast<char*>(std::malloc(k.size()));
    if (!p)
      throw std::bad_alloc();
    std::memcpy(p, k.data(), k.size());
    auto len = static_cast<uint32_t>(k.size());
    uint64_t kept = low_hash(h);
    std::memcpy(store(e), &p, sizeof p);
    std::memcpy(store(e) + len_at, &len, sizeof len);
    std::memcpy(store(e) + hash_at, &kept, hash_bytes_kept);
    e.key_tag_ = heap_tag;
    return len;
  }

  /// Hash bits good for bucket selection at any table size.
  static uint64_t bucket_hash(const entry& e) {
    return e.key_tag_ == heap_tag ? stored_hash(e) : hash_bytes(key(e));
  }

  /// Frees a heap key; returns the heap bytes released.
  static size_t free_key(entry& e) {
    if (e.key_tag_ != heap_tag)
      return 0;
    std::string_view k = key(e);
    std::free(const_cast<char*>(k.data()));
    e.key_tag_ = 0;
    return k.size();
  }

  static bool key_equals(const entry& e, std::string_view k, uint64_t h) {
    if (e.key_tag_ != heap_tag)
      return e.key_tag_ == k.size() && std::memcmp(store(e), k.data(), k.size()) == 0;
    return stored_hash(e) == low_hash(h) && key(e) == k;
  }
};

static_assert(sizeof(entry) == 40, "entry layout must stay compact");
static_assert(entry_access::room(entry_access::heap_class) >=
                  entry_access::hash_at + entry_access::hash_bytes_kept,
              "heap key slot layout");

std::string_view entry::key() const {
  return entry_access::key(*this);
}

namespace {

struct entry_traits {
  static entry*& next(entry& e) { return entry_access::next(e); }
  static uint64_t hash(const entry& e) { return entry_access::bucket_hash(e); }
};

/// Expire time of one volatile key, found by the address of its entry.
struct expire_node {
  expire_node* next;
  entry* owner;
  int64_t when_ms;
};

uint64_t owner_hash(const entry* e) {
  return hash_u64(reinterpret_cast<uintptr_t>(e));
}

struct expire_traits {
  static expire_node*& next(expire_node& n) { return n.next; }
  static uint64_t hash(const expire_node& n) { return owner_hash(n.owner); }
};

auto key_is(std::string_view k, uint64_t h) {
  return [k, h](const entry& e) { return entry_access::key_equals(e, k, h); };
}

auto owner_is(const entry* owner) {
  return [owner](const expire_node& n) { return n.owner == owner; };
}

} // namespace

struct db::impl {
  chained_table<entry, entry_traits> keys;
  chained_table<expire_node, expire_traits> expires;
  node_pool entry_pools[entry_access::node_classes]{
      node_pool(entry_access::node_bytes(0)), node_pool(entry_access::node_bytes(1)),
      node_pool(entry_access::node_bytes(2)), node_pool(entry_access::node_bytes(3))};
  node_pool expire_pool{sizeof(expire_node)};
  size_t heap_key_bytes = 0;

  ~impl() { destroy_all(); }

  size_t entry_pool_bytes() const {
    size_t bytes = 0;
    for (const node_pool& pool : entry_pools)
      bytes += pool.bytes();
    return bytes;
  }

  expire_node* find_expire(const entry& e) const {
    return expires.find(owner_hash(&e), owner_is(&e));
  }

  void drop_expire(entry& e) {
    expires.step();
    expire_node* n = expires.unlink(owner_hash(&e), owner_is(&e));
    if (n)
      expire_pool.release(n);
    e.has_expire = false;
    expires.maybe_shrink();
  }

  /// Ends `e` and gives its node back to its pool.
  void destroy_entry(entry* e) {
    node_pool& pool = entry_pools[entry_access::class_of(*e)];
    heap_key_bytes -= entry_access::free_key(*e);
    e->~entry();
    pool.release(e);
  }

  /// Frees every entry, expire and chunk; the database is empty afterwards.
  void destroy_all() {
    keys.drain([this](entry* e) { destroy_entry(e); });
    expires.drain([](expire_node*) {});
    for (node_pool& pool : entry_pools)
      pool.reset();
    expire_pool.reset();
    heap_key_bytes = 0;
  }
};

db::db() : impl_(nullptr) {}

db::~db() {
  delete impl_;
}

db::db(db&& other) noexcept
    : impl_(std::exchange(other.impl_, nullptr)), epoch_(other.epoch_) {}

db& db::operator=(db&& other) noexcept {
  if (this != &other) {
    delete impl_;
    impl_ = std::exchange(other.impl_, nullptr);
    epoch_ = other.epoch_;
  }
  return *this;
}

entry* db::find(std::string_view key) {
  if (!impl_)
    return nullptr;
  uint64_t h = hash_bytes(key);
  impl_->keys.step();
  return impl_->keys.find(h, key_is(key, h));
}

const entry* db::peek(std::string_view key, uint64_t hash) const {
  if (!impl_)
    return nullptr;
  return impl_->keys.find(hash, key_is(key, hash));
}

uint64_t db::key_hash(std::string_view key) {
  return hash_bytes(key);
}

void db::warm_lookups(const uint64_t* key_hashes, size_t n) const {
  if (!impl_)
    return;
  constexpr size_t max_batch = 64;
  const entry* heads[max_batch];
  n = std::min(n, max_batch);
  impl_->keys.warm(key_hashes, n, heads);
  for (size_t i = 0; i < n; ++i)
    if (heads[i] != nullptr && entry_access::on_heap(*heads[i]))
      decltype(impl_->keys)::touch(entry_access::key(*heads[i]).data());
}

std::pair<entry*, bool> db::find_or_insert(std::string_view key) {
  if (!impl_)
    impl_ = new impl();
  uint64_t h = hash_bytes(key);
  impl_->keys.step();
  if (entry* e = impl_->keys.find(h, key_is(key, h)))
    return {e, false};
  node_pool& pool = impl_->entry_pools[entry_access::class_for(key.size())];
  void* mem = pool.allocate();
  entry* e = new (mem) entry();
  e->saved_epoch = epoch_;
  try {
    impl_->heap_key_bytes += entry_access::set_key(*e, key, h);
  } catch (...) {
    e->~entry();
    pool.release(mem);
    throw;
  }
  impl_->keys.insert(e, h);
  return {e, true};
}

bool db::erase(std::string_view key) {
  if (!impl_)
    return false;
  uint64_t h = hash_bytes(key);
  impl_->keys.step();
  entry* e = impl_->keys.unlink(h, key_is(key, h));
  if (!e)
    return false;
  if (e->has_expire)
    impl_->drop_expire(*e);
  impl_->destroy_entry(e);
  if (impl_->keys.size() == 0)
    impl_->destroy_all();  // give the chunks and bucket arrays back
  else
    impl_->keys.maybe_shrink();
  return true;
}

size_t db::size() const {
  return impl_ ? impl_->keys.size() : 0;
}

void db::clear() {
  if (impl_)
    impl_->destroy_all();
}

void db::swap(db& other) noexcept {
  std::swap(impl_, other.impl_);
  std::swap(epoch_, other.epoch_);
}

int64_t db::expire_at(std::string_view key) const {
  if (!impl_)
    return -1;
  uint64_t h = hash_bytes(key);
  const entry* e = impl_->keys.find(h, key_is(key, h));
  return e ? expire_at(*e) : -1;
}

int64_t db::expire_at(const entry& e) const {
  if (!e.has_expire || !impl_)
    return -1;
  const expire_node* n = impl_->find_expire(e);
  return n ? n->when_ms : -1;
}

void db::set_expire(entry& e, int64_t when_ms) {
  if (!impl_)
    impl_ = new impl();
  impl_->expires.step();
  if (e.has_expire) {
    if (expire_node* n = impl_->find_expire(e)) {
      n->when_ms = when_ms;
      return;
    }
  }
  auto* n = static_cast<expire_node*>(impl_->expire_pool.allocate());
  *n = expire_node{nullptr, &e, when_ms};
  impl_->expires.insert(n, owner_hash(&e));
  e.has_expire = true;
}

bool db::remove_expire(entry& e) {
  if (!e.has_expire || !impl_)
    return false;
  impl_->drop_expire(e);
  return true;
}

size_t db::expires_size() const {
  return impl_ ? impl_->expires.size() : 0;
}

namespace {

/// One SCAN call over `table` (keys or expires): whole cursor steps, each
/// step's entries gathered before `fn` runs, so `fn` may erase the entry it
/// is given or add keys without disturbing the walk.
template <class Table, class ToEntry>
uint64_t scan_walk(Table& table, uint64_t cursor, size_t count, ToEntry to_entry,
                   const std::function<void(entry&)>& fn) {
  if (table.size() == 0)
    return 0;
  std::vector<entry*> batch;
  size_t delivered = 0;
  size_t steps_left = count * 10;
  do {
    batch.clear();
    cursor = table.scan_step(cursor, [&](auto* node) { batch.push_back(to_entry(node)); });
    for (entry* e : batch)
      fn(*e);
    delivered += batch.size();
  } while (cursor != 0 && steps_left-- > 0 && delivered < count);
  return cursor;
}

} // namespace

uint64_t db::scan(uint64_t cursor, size_t count, const std::function<void(entry&)>& fn) {
  if (!impl_)
    return 0;
  return scan_walk(impl_->keys, cursor, count, [](entry* e) { return e; }, fn);
}

uint64_t db::scan_expires(uint64_t cursor, size_t count,
                          const std::function<void(entry&)>& fn) {
  if (!impl_)
    return 0;
  return scan_walk(impl_->expires, cursor, count, [](expire_node* n) { return n->owner; }, fn);
}

void db::for_each(const std::function<void(entry&)>& fn) {
  if (impl_)
    impl_->keys.for_each(fn);
}

entry* db::random_entry(std::mt19937_64& rng) {
  if (!impl_)
    return nullptr;
  impl_->keys.step();
  return impl_->keys.random(rng);
}

entry* db::random_volatile(std::mt19937_64& rng) {
  if (!impl_)
    return nullptr;
  impl_->expires.step();
  expire_node* n = impl_->expires.random(rng);
  return n ? n->owner : nullptr;
}

bool db::rehash_step(int buckets) {
  if (!impl_)
    return false;
  size_t n = buckets > 0 ? static_cast<size_t>(buckets) : 0;
  impl_->keys.maybe_shrink();
  impl_->expires.maybe_shrink();
  bool keys_busy = impl_->keys.rehash(n);
  bool expires_busy = impl_->expires.rehash(n);
  return keys_busy || expires_busy;
}

size_t db::memory_usage() const {
  if (!impl_)
    return 0;
  return sizeof(impl) + impl_->keys.bucket_bytes() + impl_->expires.bucket_bytes() +
         impl_->entry_pool_bytes() + impl_->expire_pool.bytes() + impl_->heap_key_bytes;
}

size_t db::entry_bytes(const entry& e) {
  return entry_access::node_bytes(entry_access::class_of(e));
}

size_t db::expire_record_bytes() { return sizeof(expire_node) + sizeof(expire_node*); }

size_t db::expires_memory_usage() const {
  return impl_ ? impl_->expires.bucket_bytes() + impl_->expire_pool.bytes() : 0;
}

} // namespace actis::datatypes
