// The set family's operations: what SADD, SINTER, SPOP ... do to the
// keyspace, without a connection or a reply (set_family.cpp parses and
// replies). Each records its changes through keyspace::notify with Redis's
// event names; what the write stream needs instead of the command as sent
// (SPOP's exact members) is part of the returned value.
// Thread: the holder of the partitions of the keys involved.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "commands/keyspace.hpp"
#include "commands/op_status.hpp"
#include "datatypes/set_value.hpp"

namespace actis::commands {

using datatypes::set_value;

/// The set at `key` for reading: nullptr for a missing key, wrong_type for
/// another type. Valid until the next write to the keyspace.
op_result<const set_value*> op_read_set(keyspace& ks, int db, std::string_view key);

/// SADD: members added; creates the key (encoding as Redis's setTypeCreate
/// for the first member). Event "sadd" if any was added.
op_result<int64_t> op_sadd(keyspace& ks, int db, std::string_view key,
                           std::span<const std::string> members);
/// SREM: members removed (0 for a missing key). Events "srem", then "del"
/// when the set became empty and was deleted.
op_result<int64_t> op_srem(keyspace& ks, int db, std::string_view key,
                           std::span<const std::string> members);
/// SCARD: the number of members, 0 for a missing key.
op_result<int64_t> op_scard(keyspace& ks, int db, std::string_view key);
/// SMISMEMBER / SISMEMBER: for each member whether it is in the set.
op_result<std::vector<uint8_t>> op_smismember(keyspace& ks, int db, std::string_view key,
                                              std::span<const std::string> members);
/// SMOVE: true if `member` was moved (or, with src == dst, is present).
/// false for a missing source even if dst has another type (as Redis).
/// Events "srem" (src), "del" (emptied src), "sadd" (dst, if it was new there).
op_result<bool> op_smove(keyspace& ks, int db, std::string_view src, std::string_view dst,
                         std::string_view member);

enum class set_algebra : uint8_t { inter, union_, diff };

/// SINTER / SUNION / SDIFF of the sets at `keys` (a missing key is an empty
/// set; wrong_type if any key holds another type, checked for every key
/// before computing). The result is a set value built as Redis builds its
/// result set (intset first, converting as members arrive), so its
/// encoding is the one SINTERSTORE and friends store.
op_result<datatypes::value> op_set_algebra(keyspace& ks, int db, set_algebra kind,
                                           std::span<const std::string> keys);
/// SINTERSTORE / SUNIONSTORE / SDIFFSTORE: stores the result at `dst`
/// (replacing any value and TTL) and returns its size; an empty result
/// deletes `dst` instead (event "del" if it existed). Event
/// "sinterstore" / "sunionstore" / "sdiffstore".
op_result<int64_t> op_set_algebra_store(keyspace& ks, int db, set_algebra kind,
                                        std::string_view dst, std::span<const std::string> keys);
/// SINTERCARD: the size of the intersection, counting stops at `limit`
/// (0: no limit).
op_result<int64_t> op_sintercard(keyspace& ks, int db, std::span<const std::string> keys,
                                 uint64_t limit);

/// SPOP without a count: the removed member; nil for a missing key.
/// Events "spop", then "del" if the set became empty.
op_result<std::string> op_spop(keyspace& ks, int db, std::string_view key);

struct spop_outcome {
  std::vector<std::string> members;
  /// The whole set was taken and the key deleted (propagated as DEL).
  bool deleted = false;
};
/// SPOP with a count: up to `count` random distinct members, removed (an
/// empty list for a missing key). Events "spop" and, if it emptied the
/// set, "del".
op_result<spop_outcome> op_spop_count(keyspace& ks, int db, std::string_view key,
                                      uint64_t count);

/// SRANDMEMBER without a count: a random member, nil for a missing key.
op_result<std::string> op_srandmember(keyspace& ks, int db, std::string_view key);
/// SRANDMEMBER with a count: `count` > 0 distinct members (the whole set,
/// in its order, if it has no more than that), `count` < 0 that many
/// members drawn with replacement.
op_result<std::vector<std::string>> op_srandmember_count(keyspace& ks, int db,
                                                         std::string_view key, long long count);

struct sscan_page {
  uint64_t next_cursor = 0;
  std::vector<std::string> members;
};
/// SSCAN on a set found by op_read_set: one step from `cursor` (see
/// set_value::scan), members filtered by the glob `pattern` if given.
sscan_page scan_set(const set_value& set, uint64_t cursor, size_t count,
                    std::optional<std::string_view> pattern);

} // namespace actis::commands
