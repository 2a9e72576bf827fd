// Intrusive chained hash table with Redis-dict-style incremental rehashing.
// Plain C++. The table owns only its bucket arrays; nodes belong to the
// caller and never move in memory (rehashing relinks them).
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <random>
#include <string_view>

namespace actis::datatypes {

/// Node: any type; Traits supplies `static Node*& next(Node&)` (the chain
/// link) and `static uint64_t hash(const Node&)` (recomputed when rehashing).
///
/// Sizes are powers of two. The table grows to the next power of two above
/// the element count when the load factor reaches 1 and shrinks when less
/// than 10% full (maybe_shrink); either way the move happens gradually: while
/// rehashing two bucket arrays exist and callers move a bucket per operation
/// (step) or in batches (rehash).
template <class Node, class Traits>
class chained_table {
public:
  static constexpr uint64_t initial_size = 4;

  chained_table() = default;
  ~chained_table() { release_arrays(); }
  chained_table(const chained_table&) = delete;
  chained_table& operator=(const chained_table&) = delete;

  size_t size() const { return used_[0] + used_[1]; }
  bool rehashing() const { return rehash_idx_ >= 0; }
  size_t bucket_bytes() const { return (size_[0] + size_[1]) * sizeof(Node*); }

  /// One bucket of rehash work, as every Redis dict operation does.
  void step() {
    if (rehashing())
      rehash(1);
  }

  /// First node of hash `h` for which eq(node) holds, or nullptr.
  template <class Eq>
  Node* find(uint64_t h, Eq&& eq) const {
    if (size() == 0)
      return nullptr;
    for (int t = 0; t < 2; ++t) {
      for (Node* n = table_[t][h & (size_[t] - 1)]; n; n = Traits::next(*n))
        if (eq(*n))
          return n;
      if (!rehashing())
        break;
    }
    return nullptr;
  }

  /// Loads the bucket slot(s) of hash `h`: the first of a lookup's two
  /// dependent loads, issued ahead of a batch of lookups (db::warm_lookups).
  void load_bucket(uint64_t h) const {
    for (int t = 0; t < 2 && size_[t] != 0; ++t)
      touch(&table_[t][h & (size_[t] - 1)]);
  }
  /// Loads the first node of hash `h`'s chain (the second load; its bucket
  /// should be cached by now) and returns it, or null. While rehashing,
  /// the newer table's node is returned if both have one.
  const Node* load_chain_head(uint64_t h) const {
    const Node* head = nullptr;
    for (int t = 0; t < 2 && size_[t] != 0; ++t) {
      if (const Node* n = table_[t][h & (size_[t] - 1)]) {
        // Both ends: a node need not start on a cache line.
        touch(n);
        touch(reinterpret_cast<const char*>(n) + sizeof(Node) - 1);
        head = n;
      }
    }
    return head;
  }
  /// Before a batch of `n` lookups: loads each hash's bucket, then each
  /// chain's first node, one pass per level, so the cache misses of the
  /// whole batch overlap instead of following one another. Stores the
  /// heads in `heads` (n entries, null for an empty chain) when given.
  void warm(const uint64_t* hashes, size_t n, const Node** heads = nullptr) const {
    for (size_t i = 0; i < n; ++i)
      load_bucket(hashes[i]);
    for (size_t i = 0; i < n; ++i) {
      const Node* head = load_chain_head(hashes[i]);
      if (heads != nullptr)
        heads[i] = head;
    }
  }
  /// A real load, not a prefetch hint, which the CPU may drop (it does on
  /// this project's VMs when the hint misses the TLB).
  static void touch(const void* p) { (void)*static_cast<const volatile char*>(p); }

  /// warm() for a batch of up to 64 string keys that `hash` hashes as the
  /// table's nodes are hashed (the rest of a longer batch is left cold).
  template <class HashFn>
  void warm_keys(const std::string_view* keys, size_t n, HashFn&& hash) const {
    constexpr size_t max_batch = 64;
    uint64_t hashes[max_batch];
    n = std::min(n, max_batch);
    for (size_t i = 0; i < n; ++i)
      hashes[i] = hash(keys[i]);
    warm(hashes, n);
  }

  /// Links a node the caller knows is absent. Grows first if needed.
  void insert(Node* n, uint64_t h) {
    grow_if_needed();
    int t = rehashing() ? 1 : 0;
    Node*& head = table_[t][h & (size_[t] - 1)];
    Traits::next(*n) = head;
    head = n;
    ++used_[t];
  }

  /// Unlinks and returns the first node of hash `h` matching eq, or nullptr.
  template <class Eq>
  Node* unlink(uint64_t h, Eq&& eq) {
    if (size() == 0)
      return nullptr;
    for (int t = 0; t < 2; ++t) {
      Node** link = &table_[t][h & (size_[t] - 1)];
      while (*link) {
        Node* n = *link;
        if (eq(*n)) {
          *link = Traits::next(*n);
          Traits::next(*n) = nullptr;
          --used_[t];
          return n;
        }
        link = &Traits::next(*n);
      }
      if (!rehashing())
        break;
    }
    return nullptr;
  }

  /// Starts shrinking when less than 10% of the buckets would be used.
  void maybe_shrink() {
    if (rehashing() || size_[0] <= initial_size || used_[0] * 10 >= size_[0])
      return;
    resize(power_at_least(used_[0] < initial_size ? initial_size : used_[0]));
  }

  /// Moves up to `buckets` non-empty buckets (visiting at most ten times as
  /// many empty ones). Returns true if rehashing is still in progress.
  bool rehash(size_t buckets) {
    if (!rehashing() || buckets == 0)
      return rehashing();
    size_t empty_visits = buckets * 10;
    while (buckets-- > 0 && used_[0] != 0) {
      while (table_[0][rehash_idx_] == nullptr) {
        ++rehash_idx_;
        if (--empty_visits == 0)
          return true;
      }
      Node* n = table_[0][rehash_idx_];
      while (n) {
        Node* next = Traits::next(*n);
        Node*& head = table_[1][Traits::hash(*n) & (size_[1] - 1)];
        Traits::next(*n) = head;
        head = n;
        --used_[0];
        ++used_[1];
        n = next;
      }
      table_[0][rehash_idx_] = nullptr;
      ++rehash_idx_;
    }
    if (used_[0] != 0)
      return true;
    std::free(table_[0]);
    table_[0] = table_[1];
    size_[0] = size_[1];
    used_[0] = used_[1];
    table_[1] = nullptr;
    size_[1] = 0;
    used_[1] = 0;
    rehash_idx_ = -1;
    return false;
  }

  /// One position of Redis's reverse-binary cursor walk: calls visit(Node*)
  /// for every node in the buckets the cursor maps to (in the smaller table
  /// and all of its expansions in the larger while rehashing) and returns the
  /// next cursor, 0 when the walk is complete. Nodes present for the whole
  /// walk are visited at least once however the table resizes in between.
  template <class Visit>
  uint64_t scan_step(uint64_t cursor, Visit&& visit) const {
    if (size() == 0)
      return 0;
    if (!rehashing()) {
      uint64_t mask = size_[0] - 1;
      visit_chain(table_[0][cursor & mask], visit);
      return advance(cursor, mask);
    }
    int small = size_[0] <= size_[1] ? 0 : 1;
    int large = 1 - small;
    uint64_t small_mask = size_[small] - 1;
    uint64_t large_mask = size_[large] - 1;
    visit_chain(table_[small][cursor & small_mask], visit);
    // Visit every bucket of the larger table that folds onto the smaller
    // table's bucket: cursors sharing its low bits.
    do {
      visit_chain(table_[large][cursor & large_mask], visit);
      cursor = advance(cursor, large_mask);
    } while (cursor & (small_mask ^ large_mask));
    return cursor;
  }

  /// Calls fn(Node&) for every node; fn must not link or unlink nodes.
  template <class Fn>
  void for_each(Fn&& fn) const {
    for (int t = 0; t < 2; ++t)
      for (uint64_t i = 0; i < size_[t]; ++i)
        for (Node* n = table_[t][i]; n; n = Traits::next(*n))
          fn(*n);
  }

  /// A random node: a random non-empty bucket, then a random chain member.
  Node* random(std::mt19937_64& rng) const {
    if (size() == 0)
      return nullptr;
    Node* head = nullptr;
    if (rehashing()) {
      // Buckets below rehash_idx_ in the old table are empty by now.
      uint64_t first = static_cast<uint64_t>(rehash_idx_);
      uint64_t span = size_[0] + size_[1] - first;
      while (!head) {
        uint64_t i = first + rng() % span;
        head = i >= size_[0] ? table_[1][i - size_[0]] : table_[0][i];
      }
    } else {
      while (!head)
        head = table_[0][rng() & (size_[0] - 1)];
    }
    uint64_t length = 0;
    for (Node* n = head; n; n = Traits::next(*n))
      ++length;
    uint64_t pick = rng() % length;
    while (pick-- > 0)
      head = Traits::next(*head);
    return head;
  }

  /// Unlinks every node, passing each to destroy(Node*), and frees the
  /// bucket arrays.
  template <class Destroy>
  void drain(Destroy&& destroy) {
    for (int t = 0; t < 2; ++t) {
      for (uint64_t i = 0; i < size_[t]; ++i) {
        Node* n = table_[t][i];
        while (n) {
          Node* next = Traits::next(*n);
          destroy(n);
          n = next;
        }
      }
    }
    release_arrays();
  }

private:
  static uint64_t power_at_least(uint64_t n) {
    uint64_t p = initial_size;
    while (p < n)
      p <<= 1;
    return p;
  }

  static uint64_t reverse_bits(uint64_t v) {
    v = ((v >> 1) & 0x5555555555555555ULL) | ((v & 0x5555555555555555ULL) << 1);
    v = ((v >> 2) & 0x3333333333333333ULL) | ((v & 0x3333333333333333ULL) << 2);
    v = ((v >> 4) & 0x0f0f0f0f0f0f0f0fULL) | ((v & 0x0f0f0f0f0f0f0f0fULL) << 4);
    return __builtin_bswap64(v);
  }

  /// Increments the cursor's masked bits from the most significant end, so
  /// buckets split by growth are visited right after each other.
  static uint64_t advance(uint64_t cursor, uint64_t mask) {
    cursor |= ~mask;
    cursor = reverse_bits(cursor);
    ++cursor;
    return reverse_bits(cursor);
  }

  template <class Visit>
  static void visit_chain(Node* n, Visit& visit) {
    while (n) {
      Node* next = Traits::next(*n);
      visit(n);
      n = next;
    }
  }

  void grow_if_needed() {
    if (rehashing())
      return;
    if (size_[0] == 0)
      resize(initial_size);
    else if (used_[0] >= size_[0])
      resize(power_at_least(used_[0] + 1));
  }

  void resize(uint64_t buckets) {
    auto* array = static_cast<Node**>(std::calloc(buckets, sizeof(Node*)));
    if (!array)
      throw std::bad_alloc();
    int t = size_[0] == 0 ? 0 : 1;
    table_[t] = array;
    size_[t] = buckets;
    used_[t] = 0;
    if (t == 1)
      rehash_idx_ = 0;
  }

  void release_arrays() {
    std::free(table_[0]);
    std::free(table_[1]);
    table_[0] = table_[1] = nullptr;
    size_[0] = size_[1] = 0;
    used_[0] = used_[1] = 0;
    rehash_idx_ = -1;
  }

  Node** table_[2] = {nullptr, nullptr};
  uint64_t size_[2] = {0, 0};
  size_t used_[2] = {0, 0};
  int64_t rehash_idx_ = -1;
};

} // namespace actis::datatypes
