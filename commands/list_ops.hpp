// The list family's operations: what LPUSH, LRANGE, LPOP, LMOVE ... do to
// the keyspace, without a connection or a reply. Handlers (list_family.cpp)
// parse, call one of these and reply; the blocking commands build on
// op_list_pop and op_list_move. Every insertion into a list is recorded with
// ks.notify on the destination key ("lpush", "rpush", "linsert"), the point
// blocked clients are woken from; an emptied list is deleted and its "del"
// recorded after the command's own event, as Redis does.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "commands/keyspace.hpp"
#include "commands/op_status.hpp"
#include "datatypes/quicklist.hpp"

namespace actis::commands {

enum class list_end : uint8_t { left, right };

/// Redis's getListPositionFromObjectOrReply: LEFT or RIGHT (any case).
std::optional<list_end> parse_list_end(std::string_view s);

/// The node limits for new insertions, from list-max-listpack-size and the
/// packed threshold.
datatypes::quicklist_limits list_limits();

/// LPUSH/RPUSH (and the X variants with `only_if_exists`): pushes each of
/// `elements` in turn at `end`. Returns the new length; 0 (nothing done) for
/// a missing key with only_if_exists; wrong_type.
op_result<size_t> op_list_push(keyspace& ks, int db, std::string_view key,
                               std::span<const std::string> elements, list_end end,
                               bool only_if_exists);

/// LINSERT: inserts `element` before (or after) the first `pivot`. Returns
/// the new length, -1 if the pivot is absent, 0 if the key is missing;
/// wrong_type.
op_result<long long> op_list_insert(keyspace& ks, int db, std::string_view key, bool after,
                                    std::string_view pivot, std::string_view element);

/// LLEN: 0 for a missing key; wrong_type.
op_result<size_t> op_list_length(keyspace& ks, int db, std::string_view key);

/// Whether `key` holds a list, with a write lookup (LPOP key 0): false if
/// missing; wrong_type.
op_result<bool> op_list_exists_for_write(keyspace& ks, int db, std::string_view key);

/// The list at `key` for a read (LRANGE, LINDEX, LPOS): nil if missing,
/// wrong_type. The pointer is valid until the next write to the keyspace.
op_result<const datatypes::quicklist*> op_list_read(keyspace& ks, int db, std::string_view key);

/// LINDEX on a list op_list_read found: nil when out of range. The view is
/// valid until the next write.
op_result<std::string_view> list_index(const datatypes::quicklist& q, long long index);

/// LRANGE's clamping of [start, stop] (negative counts from the end) to a
/// list of `len` elements: the first index and the count (0: empty).
struct index_range {
  size_t first = 0;
  size_t count = 0;
};
index_range clamp_list_range(long long start, long long stop, size_t len);

/// LSET: no_such_key for a missing key, wrong_type, then not_integer for
/// an index that did not parse (nullopt: Redis checks the key first) and
/// index_out_of_range.
op_status op_list_set(keyspace& ks, int db, std::string_view key,
                      std::optional<long long> index, std::string_view element);

/// LTRIM: keeps [start, stop]; deletes the key if nothing is left. A missing
/// key is no change (ok); wrong_type.
op_status op_list_trim(keyspace& ks, int db, std::string_view key, long long start,
                       long long stop);

/// LREM: removes `count` matches from the head (negative: from the tail;
/// 0: all). Returns how many; 0 for a missing key; wrong_type.
op_result<size_t> op_list_remove(keyspace& ks, int db, std::string_view key, long long count,
                                 std::string_view element);

/// LPOS's options as parsed (rank 1, count -1 and maxlen 0 when absent).
struct lpos_options {
  long long rank = 1;
  /// -1: no COUNT option (reply one index or nil); 0: every match.
  long long count = -1;
  long long maxlen = 0;
};
/// LPOS on a list op_list_read found: the matching indexes (at most one
/// without COUNT).
std::vector<long long> list_positions(const datatypes::quicklist& q, std::string_view element,
                                      const lpos_options& o);

/// Pops up to `count` elements (count >= 1) from `key`'s end: nil if the key
/// is missing, wrong_type; deletes the emptied key (notify "del" after the
/// "lpop"/"rpop" event, as Redis).
op_result<std::vector<std::string>> op_list_pop(keyspace& ks, int db, std::string_view key,
                                                list_end end, size_t count);

/// LMOVE: pops from src's `from` end and pushes to dst's `to` end (src ==
/// dst allowed: rotation); nil if src is missing; wrong_type if either is
/// not a list (checked before any change, as Redis).
op_result<std::string> op_list_move(keyspace& ks, int db, std::string_view src,
                                    std::string_view dst, list_end from, list_end to);

/// What LMPOP popped: the index in `keys` of the list and its elements.
struct mpop_outcome {
  size_t key_index = 0;
  std::vector<std::string> elements;
};
/// LMPOP: pops up to `count` from the first non-empty list of `keys`; nil
/// if none; wrong_type at the first key holding another type (keys before it
/// are missing).
op_result<mpop_outcome> op_list_mpop(keyspace& ks, int db, std::span<const std::string> keys,
                                     list_end end, size_t count);

} // namespace actis::commands
