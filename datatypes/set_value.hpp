// The set type: a collection of distinct binary-safe strings in one of
// Redis 7.0's two encodings. Plain C++, no CAF.
//
// - intset: every member is an integer (Redis's string2ll form) and there
//   are at most set-max-intset-entries of them. The sorted array lives in the
//   set's own allocation, right after a 4-byte header, so a small set costs
//   one heap block (10 small integers: 24 bytes, glibc's smallest chunk).
// - hashtable: a chained_table of nodes that hold the member bytes inline
//   (one exact-size block per member, no std::string).
// A set converts from intset to hashtable when a non-integer member arrives
// or it outgrows the limit, and never converts back (as Redis 7.0).
//
// Growing an intset may move the set to a bigger allocation, so the
// mutations take the value that owns the set and may replace its collection.
// Single-threaded: owned by whoever owns the value.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <type_traits>

#include "datatypes/value.hpp"

namespace actis::datatypes {

extern const value_traits set_traits;

class set_value final : public collection {
public:
  /// An empty intset (Redis's createIntsetObject).
  static value make_intset();
  /// An empty hashtable (Redis's createSetObject).
  static value make_hashtable();
  /// An empty set of the encoding Redis's setTypeCreate picks for a set
  /// whose first member is `first`: intset for an integer.
  static value make_for(std::string_view first);

  ~set_value();
  static const value_traits& type_traits() { return set_traits; }
  /// Sets live in blocks from std::malloc sized to their contents.
  static void operator delete(void* p) { std::free(p); }

  bool is_intset() const { return width() != 0; }
  /// Element width of an intset (2, 4, 8 bytes): the widest member it ever
  /// held, as Redis never narrows an intset (its RDB blob shows it).
  unsigned intset_width() const { return width(); }
  obj_encoding encoding() const {
    return is_intset() ? obj_encoding::intset : obj_encoding::hashtable;
  }
  size_t size() const;
  bool contains(std::string_view member) const;
  /// Loads the table slots that looking up `members` touches first (see
  /// value_traits::warm_members); nothing for an intset.
  void warm(const std::string_view* members, size_t n) const;

  /// Calls fn(std::string_view) for each member: ascending for an intset,
  /// table order for a hashtable. The view is valid for the call only; fn
  /// must not change the set.
  template <class Fn>
  void for_each(Fn&& fn) const {
    char digits[24];
    if (is_intset()) {
      for (size_t i = 0, n = size(); i < n; ++i)
        fn(render(int_at(i), digits));
    } else {
      table_for_each(&call<Fn>, &fn);
    }
  }

  /// A random member, each equally likely for an intset, as fair as Redis's
  /// dictGetFairRandomKey for a hashtable. The set must not be empty. The
  /// view is valid until the set changes (intset digits are put in `scratch`).
  std::string_view random_member(std::mt19937_64& rng, std::string& scratch) const;

  /// One SSCAN step from `cursor`: an intset delivers everything and returns
  /// 0; a hashtable walks buckets until `count` members were delivered, the
  /// walk completed or 10*count buckets were visited (Redis's scanGeneric).
  /// fn(std::string_view) must not change the set.
  template <class Fn>
  uint64_t scan(uint64_t cursor, size_t count, Fn&& fn) const {
    if (is_intset()) {
      for_each(fn);
      return 0;
    }
    return table_scan(cursor, count, &call<Fn>, &fn);
  }

  /// A deep copy in the same encoding.
  value clone() const;
  /// Heap bytes of the set (its block, the table and its nodes), plus the
  /// owning value's 16 bytes. Walks every member of a hashtable.
  size_t memory_usage() const;
  /// The same from the first `samples` (> 0) members of a hashtable, their
  /// average node size times the cardinality (exact for an intset).
  size_t memory_usage(size_t samples) const;

  /// Adds `member` to the set `self` holds; false if already present.
  /// Converts to a hashtable past `max_intset` integers (at most 2^30 - 1,
  /// the header's length field; Redis caps it at 2^30) or on a non-integer.
  static bool add(value& self, std::string_view member, size_t max_intset);
  /// Removes `member`; false if absent. The set may become empty: the
  /// caller deletes the key then.
  static bool remove(value& self, std::string_view member);
  /// Removes a random member (as random_member) and returns it. Not empty.
  static std::string pop_random(value& self, std::mt19937_64& rng);

private:
  friend struct set_layout;
  explicit set_value(uint32_t header) : header_(header) {}

  /// Element width of the intset (2, 4, 8), 0 for a hashtable.
  unsigned width() const;
  int64_t int_at(size_t i) const;
  static std::string_view render(int64_t v, char (&digits)[24]);

  using member_fn = void (*)(void*, std::string_view);
  /// Calls the callable behind `f` (a member_fn trampoline).
  template <class Fn>
  static void call(void* f, std::string_view m) {
    (*static_cast<std::remove_reference_t<Fn>*>(f))(m);
  }
  void table_for_each(member_fn fn, void* ctx) const;
  uint64_t table_scan(uint64_t cursor, size_t count, member_fn fn, void* ctx) const;

  /// Length in the low 30 bits, the intset width code in the high 2 (0:
  /// hashtable). The intset elements, or the table pointer, follow it.
  uint32_t header_;
};

/// The set `v` holds, nullptr if `v` is not a set.
inline set_value* as_set(const value& v) {
  return v.type() == obj_type::set ? static_cast<set_value*>(v.coll()) : nullptr;
}

} // namespace actis::datatypes
