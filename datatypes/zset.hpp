// The sorted set value: members with double scores, ordered by (score,
// member bytes). Two encodings as in Redis 7.0: a listpack of
// member/score pairs while small, a skiplist + hash (zskiplist) beyond
// zset-max-listpack-entries / zset-max-listpack-value. Plain C++, no CAF.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string_view>

#include "datatypes/listpack.hpp"
#include "datatypes/value.hpp"
#include "datatypes/zskiplist.hpp"

namespace actis::datatypes {

/// A score interval with open or closed ends (ZRANGEBYSCORE's "(1" "5").
struct score_range {
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
  bool min_exclusive = false;
  bool max_exclusive = false;

  bool above_min(double s) const { return min_exclusive ? s > min : s >= min; }
  bool below_max(double s) const { return max_exclusive ? s < max : s <= max; }
  bool contains(double s) const { return above_min(s) && below_max(s); }
  /// No score can be inside (Redis's zslIsInRange precheck).
  bool empty() const { return min > max || (min == max && (min_exclusive || max_exclusive)); }
};

/// One end of a lexicographic range: "[a", "(a", "-" or "+". The string is
/// a view of caller-owned text.
struct lex_bound {
  enum class kind : uint8_t { inclusive, exclusive, minus_inf, plus_inf };
  kind k = kind::minus_inf;
  std::string_view text = {};
};

/// A member interval (ZRANGEBYLEX), compared as raw bytes (memcmp, then
/// length) like Redis's sdscmp.
struct lex_range {
  lex_bound min;
  lex_bound max{lex_bound::kind::plus_inf};

  bool above_min(std::string_view m) const;
  bool below_max(std::string_view m) const;
  bool contains(std::string_view m) const { return above_min(m) && below_max(m); }
  bool empty() const;
};

/// When a sorted set leaves the listpack encoding (the config values
/// zset-max-listpack-entries / -value at the time of the change).
struct zset_limits {
  size_t max_listpack_entries = 128;
  size_t max_listpack_value = 64;
};

class zset final : public collection {
public:
  /// An empty set: listpack unless `first_member_len` already exceeds the
  /// value limit or the entry limit is 0 (Redis 7.0's ZADD on a new key
  /// looks at its first member only).
  zset(const zset_limits& limits, size_t first_member_len);
  /// An empty set in the encoding asked for.
  explicit zset(bool listpack_encoded);
  ~zset();
  static const value_traits& type_traits() { return traits; }

  static const value_traits traits;

  bool is_listpack() const { return big_ == nullptr; }
  size_t size() const;
  bool empty() const { return size() == 0; }
  /// Heap bytes used beyond the object itself.
  size_t bytes() const;

  std::optional<double> score(std::string_view member) const;
  /// Sets `member`'s score, adding it if absent; returns true if added.
  /// Adding converts to the skiplist first when the listpack would exceed
  /// `limits` (Redis's zsetAdd); an update never converts.
  bool insert(std::string_view member, double score, const zset_limits& limits);
  /// Removes `member`; false if absent.
  bool erase(std::string_view member);
  /// 0-based rank in ascending order, nullopt if absent.
  std::optional<size_t> rank(std::string_view member) const;

  /// A position in the order, invalidated by any change of the set.
  class cursor {
  public:
    bool valid() const { return valid_; }
    std::string_view member() const;
    double score() const;
    /// 0-based ascending rank.
    size_t rank() const { return rank_; }
    void next();
    void prev();

  private:
    friend class zset;
    const zset* set_ = nullptr;
    listpack::pos pos_ = 0;
    zskiplist::node* node_ = nullptr;
    size_t rank_ = 0;
    bool valid_ = false;
  };

  /// The member at 0-based `rank`; invalid past the end.
  cursor at_rank(size_t rank) const;
  cursor first_in(const score_range& r) const;
  cursor last_in(const score_range& r) const;
  cursor first_in(const lex_range& r) const;
  cursor last_in(const lex_range& r) const;
  /// Members in the range (O(log N) for the skiplist).
  size_t count(const score_range& r) const;
  size_t count(const lex_range& r) const;

  /// Removes the members of 0-based ranks [start, end] (end < size()).
  void erase_ranks(size_t start, size_t end);

  /// Moves everything to the skiplist encoding (no-op if there already).
  void to_skiplist();
  /// Redis's zsetConvertToListpackIfNeeded: back to the listpack when the
  /// set fits `limits` and no member is longer than `max_member_len`.
  void to_listpack_if_fits(const zset_limits& limits, size_t max_member_len);

  /// A deep copy in the same encoding.
  std::unique_ptr<zset> clone() const;

private:
  /// A skiplist cursor at the node `find(rank)` returns (setting rank).
  template <class Find>
  cursor skiplist_cursor(Find find) const;
  listpack small_;
  std::unique_ptr<zskiplist> big_;
};

/// The zset held by `v`, which must be a sorted set value.
inline zset& as_zset(const value& v) { return *static_cast<zset*>(v.coll()); }

} // namespace actis::datatypes
