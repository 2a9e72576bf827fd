// The Redis hash type: field -> value maps in one of two encodings, as
// Redis keeps them. Plain C++, no CAF.
//
// listpack: fields and values alternate in one forward_listpack block, in
// insertion order (new fields are appended, updates stay in place). Used
// while the hash has at most `max_entries` fields and no field or value
// longer than `max_value` bytes.
// hashtable: a chained table of nodes, one heap block per field holding
// the field and its value. Once converted a hash never goes back, as in
// Redis.
//
// Views returned by get() and passed to visitors are valid until the next
// change of the hash. Single-threaded: owned by the keyspace partition.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <random>
#include <string_view>
#include <type_traits>

#include "datatypes/listpack.hpp"
#include "datatypes/value.hpp"

namespace actis::datatypes {

/// hash-max-listpack-entries / hash-max-listpack-value.
struct hash_limits {
  size_t max_entries = 512;
  size_t max_value = 64;
};

class hash_value : public collection {
public:
  hash_value();
  ~hash_value();
  static const value_traits& type_traits() { return traits_entry; }
  /// Exchanges contents (both encodings are one relocatable word).
  void swap(hash_value& other) noexcept;
  hash_value(const hash_value&) = delete;
  hash_value& operator=(const hash_value&) = delete;

  /// A deep copy in the same encoding.
  std::unique_ptr<hash_value> clone() const;

  size_t size() const;
  bool empty() const { return size() == 0; }
  bool is_listpack() const {
    uintptr_t bits;
    std::memcpy(&bits, &repr_, sizeof bits);
    return (bits & table_tag) == 0;
  }

  /// The value of `field`, nullopt if absent.
  std::optional<std::string_view> get(std::string_view field) const;
  bool contains(std::string_view field) const { return get(field).has_value(); }

  /// Sets `field` to `val`; true if the field was added. Converts to the
  /// hashtable first when `field` or `val` is longer than
  /// limits.max_value, and afterwards when the hash has more than
  /// limits.max_entries fields. The views must not point into this hash.
  bool set(std::string_view field, std::string_view val, const hash_limits& limits);
  /// Removes `field`; true if it was there.
  bool erase(std::string_view field);

  /// Calls fn(field, value) for every field, in listpack order for the
  /// listpack and in table order for the hashtable. fn must not change the
  /// hash.
  template <class Fn>
  void for_each(Fn&& fn) const {
    if (is_listpack()) {
      for (auto p = repr_.lp.first(); p != repr_.lp.end();) {
        auto f = repr_.lp.get(p);
        p = repr_.lp.next(p);
        fn(f, repr_.lp.get(p));
        p = repr_.lp.next(p);
      }
      return;
    }
    visit_table(&call<Fn>, erase_ref(fn));
  }

  struct field_pair {
    std::string_view field, value;
  };
  /// A random field of a non-empty hash (uniform over listpack entries;
  /// Redis's bucket-then-chain pick over the table).
  field_pair random(std::mt19937_64& rng) const;

  /// One HSCAN call. The listpack is returned whole and the walk ends
  /// (next cursor 0), as Redis does for its small encodings. The table is
  /// walked with Redis's reverse-binary cursor until at least `count`
  /// fields were visited, the walk ended or 10*count buckets were seen.
  /// Calls fn(field, value); returns the next cursor.
  template <class Fn>
  uint64_t scan(uint64_t cursor, size_t count, Fn&& fn) const {
    if (is_listpack()) {
      for_each(fn);
      return 0;
    }
    return scan_table(cursor, count, &call<Fn>, erase_ref(fn));
  }

  /// Loads the table slots that looking up `fields` touches first (see
  /// value_traits::warm_members); nothing for the listpack.
  void warm(const std::string_view* fields, size_t n) const;

  /// Heap bytes used: the listpack block or the table's nodes and buckets
  /// (the object itself lives in the value's 16 bytes, not included).
  size_t bytes() const;

  /// The type's entry (TYPE "hash", encodings, digest, memory, copy).
  static const value_traits traits_entry;

private:
  struct table;
  using visit_fn = void (*)(void* ctx, std::string_view field, std::string_view val);
  /// The visitor behind `ctx`, called through a plain function pointer so
  /// the table's walk can stay out of this header.
  template <class Fn>
  static void call(void* ctx, std::string_view field, std::string_view val) {
    (*static_cast<std::remove_reference_t<Fn>*>(ctx))(field, val);
  }
  template <class Fn>
  static void* erase_ref(Fn& fn) {
    return const_cast<void*>(static_cast<const void*>(&fn));
  }
  void visit_table(visit_fn fn, void* ctx) const;
  uint64_t scan_table(uint64_t cursor, size_t count, visit_fn fn, void* ctx) const;
  void convert_to_table();

  /// The hashtable encoding's table (only while !is_listpack()).
  table* tbl() const { return reinterpret_cast<table*>(repr_.tagged_table & ~table_tag); }

  /// Either the listpack or the table's address with its low bit set. The
  /// listpack is one malloc'd block pointer, whose low bit is always clear,
  /// so the bit tells the encodings apart and the whole object is one word,
  /// kept inside the owning value: a small hash costs its listpack block
  /// and nothing more.
  static constexpr uintptr_t table_tag = 1;
  union representation {
    representation() : lp() {}
    ~representation() {}
    forward_listpack lp;
    uintptr_t tagged_table;
  } repr_;
  static_assert(sizeof(forward_listpack) == sizeof(uintptr_t), "a listpack is its block pointer");
};

/// The hash held by `v` (whose type() is hash).
inline hash_value& as_hash(const value& v) {
  return *static_cast<hash_value*>(v.coll());
}

/// A value holding a new, empty listpack hash.
value make_hash();

} // namespace actis::datatypes
