// The sorted set family's operations: what ZADD, ZRANGE, ZPOPMIN ... do to
// the keyspace, without a connection or a reply (zset_family.cpp parses
// and replies; GEO, the blocking pops, MULTI/EXEC and unit tests call these
// the same way). Each write records itself through keyspace::notify with
// Redis's event name; an emptied key is deleted and notified as "del".
// Thread: the holder of the keys' partitions, like every operation.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "commands/keyspace.hpp"
#include "commands/op_status.hpp"
#include "datatypes/zset.hpp"

namespace actis::commands {

struct scored_member {
  std::string member;
  double score;
};

/// The listpack limits as configured now (zset-max-listpack-*).
datatypes::zset_limits zset_limits_now();

// --- ZADD / ZINCRBY ---------------------------------------------------------

struct zadd_options {
  bool nx = false;   // only add new members
  bool xx = false;   // only update existing members
  bool gt = false;   // only update when the new score is greater
  bool lt = false;   // only update when the new score is less
  bool ch = false;   // count changed members too (the handler's reply only)
  bool incr = false; // add the score to the current one (one element)
};

struct zadd_element {
  double score;
  std::string_view member;
};

struct zadd_outcome {
  size_t added = 0;
  /// Existing members whose score changed.
  size_t updated = 0;
  /// INCR only: the member's new score; nullopt when a condition (NX, XX,
  /// GT, LT) skipped it (Redis replies nil).
  std::optional<double> incr_score;
};

/// ZADD semantics (also ZINCRBY with incr, GEOADD): applies the elements in
/// order. The option combinations must already be valid (the handler
/// rejects NX with XX/GT/LT and INCR with several elements). Creates the
/// key unless xx (a new set is a listpack unless the first member is too
/// long). wrong_type; nan_score when INCR produces NaN (nothing changed).
/// Notifies "zincr" (incr) or "zadd" once when something changed, dirty by
/// added + updated.
op_result<zadd_outcome> op_zadd(keyspace& ks, int db, std::string_view key,
                                const zadd_options& options,
                                std::span<const zadd_element> elements);

// --- Reads ------------------------------------------------------------------

/// ZSCORE: the member's score; nil if the key or the member is missing.
op_result<double> op_zscore(keyspace& ks, int db, std::string_view key, std::string_view member);
/// ZMSCORE: one entry per member, nullopt for missing ones (all of them for
/// a missing key).
op_result<std::vector<std::optional<double>>> op_zmscore(keyspace& ks, int db,
                                                         std::string_view key,
                                                         std::span<const std::string> members);
/// ZCARD: 0 for a missing key.
op_result<size_t> op_zcard(keyspace& ks, int db, std::string_view key);

struct rank_result {
  size_t rank;
  double score;
};
/// ZRANK / ZREVRANK: nil if the key or member is missing.
op_result<rank_result> op_zrank(keyspace& ks, int db, std::string_view key,
                                std::string_view member, bool reverse);

/// ZCOUNT / ZLEXCOUNT: 0 for a missing key.
op_result<size_t> op_zcount(keyspace& ks, int db, std::string_view key,
                            const datatypes::score_range& r);
op_result<size_t> op_zlexcount(keyspace& ks, int db, std::string_view key,
                               const datatypes::lex_range& r);

/// What a ZRANGE-like command selects.
struct zrange_spec {
  enum class by : uint8_t { rank, score, lex };
  by kind = by::rank;
  /// by::rank: Redis's indexes (negative ones count from the end), of the
  /// reversed order when `reverse`.
  long long start = 0, stop = -1;
  /// by::score / by::lex: the range, min below max even when `reverse`.
  datatypes::score_range scores;
  datatypes::lex_range lex;
  bool reverse = false;
  /// by::score / by::lex: skip `offset` matches (a negative offset selects
  /// nothing), then return at most `count` (negative: all).
  long long offset = 0;
  long long count = -1;
};

/// ZRANGE and its legacy forms, in reply order; empty for a missing key.
op_result<std::vector<scored_member>> op_zrange(keyspace& ks, int db, std::string_view key,
                                                const zrange_spec& spec);
/// The members with scores in `r` (ascending, or descending when
/// `reverse`), after skipping `offset`, at most `count` (negative: all).
/// The GEO search reads its boxes with it. Empty for a missing key.
op_result<std::vector<scored_member>> op_zrange_by_score(keyspace& ks, int db,
                                                         std::string_view key,
                                                         const datatypes::score_range& r,
                                                         bool reverse = false,
                                                         long long offset = 0,
                                                         long long count = -1);

// --- Removal ----------------------------------------------------------------

/// ZREM: members removed; deletes an emptied key. Notifies "zrem".
op_result<size_t> op_zrem(keyspace& ks, int db, std::string_view key,
                          std::span<const std::string> members);

/// ZREMRANGEBYRANK / BYSCORE / BYLEX (spec.kind; reverse, offset and count
/// unused): members removed. Notifies "zremrangebyrank" / "zremrangebyscore"
/// / "zremrangebylex" then "del" if emptied.
op_result<size_t> op_zremrange(keyspace& ks, int db, std::string_view key,
                               const zrange_spec& spec);

/// Pops up to `count` members with the lowest (max=false) or highest
/// scores, in pop order: nil if the key is missing, wrong_type; deletes the
/// emptied key (events "zpopmin"/"zpopmax" then "del", as Redis). count 0
/// pops nothing (an empty vector for an existing key).
op_result<std::vector<scored_member>> op_zset_pop(keyspace& ks, int db, std::string_view key,
                                                  bool max, size_t count);

// --- Stores -----------------------------------------------------------------

/// Replaces `dst` with a sorted set of `members` (unique members), or
/// deletes it when `members` is empty (notifying "del" if it existed).
/// Encoding as Redis's store commands leave it: listpack when it fits the
/// limits. Notifies `event` ("zunionstore", "geosearchstore" ...) when
/// storing, counted `dirty` times in the dirty counter (Redis counts a
/// GEOSEARCHSTORE once per member stored, the other store commands once).
/// Returns the stored size.
op_result<size_t> op_zset_store(keyspace& ks, int db, std::string_view dst,
                                std::vector<scored_member>&& members, std::string_view event,
                                uint64_t dirty = 1);

/// ZRANGESTORE: the range of `src` stored at `dst` (deleted when empty).
op_result<size_t> op_zrangestore(keyspace& ks, int db, std::string_view dst,
                                 std::string_view src, const zrange_spec& spec);

enum class zsetop : uint8_t { union_, inter, diff };
enum class zaggregate : uint8_t { sum, min, max };

/// Whether a key of type `t` can be an input of the set operations below:
/// a sorted set or a set (anything else is WRONGTYPE).
bool is_zsetop_input(datatypes::obj_type t);

/// ZUNION / ZINTER / ZDIFF and their STORE forms over `keys` (sets are
/// read as sorted sets of score 1). `weights` is empty or one per key.
/// Results in ascending (score, member) order. wrong_type if a key holds
/// another type.
op_result<std::vector<scored_member>> op_zsetop(keyspace& ks, int db, zsetop op,
                                                std::span<const std::string> keys,
                                                std::span<const double> weights,
                                                zaggregate aggregate);
/// ZINTERCARD: size of the intersection of `keys` (sorted sets or sets),
/// counting stops at `limit` (0: no limit).
op_result<size_t> op_zintercard(keyspace& ks, int db, std::span<const std::string> keys,
                                size_t limit);

/// ZRANDMEMBER with a count (Redis's rules: negative allows repeats).
/// Empty for a missing key.
op_result<std::vector<scored_member>> op_zrandmember(keyspace& ks, int db, std::string_view key,
                                                     long long count);

struct zscan_page {
  uint64_t next_cursor = 0;
  std::vector<scored_member> items;
};
/// ZSCAN: a listpack set is returned whole (cursor 0), as Redis does; a
/// skiplist set about `count` members on from the score the cursor encodes
/// (whole groups of equal scores). `pattern` filters members (glob).
/// Empty page for a missing key.
op_result<zscan_page> op_zscan(keyspace& ks, int db, std::string_view key, uint64_t cursor,
                               uint64_t count, std::optional<std::string_view> pattern);

} // namespace actis::commands
