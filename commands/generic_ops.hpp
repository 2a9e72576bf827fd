// The generic (keyspace) family's operations: what DEL, RENAME, EXPIRE,
// SCAN ... do to the keyspace, without a connection or a reply. Handlers
// (generic_family.cpp) parse, call one of these and reply; MULTI/EXEC,
// scripts and unit tests can call them the same way. Changes are recorded
// through keyspace::notify; what the write stream needs beyond the command
// as sent is part of the returned value.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "commands/keyspace.hpp"
#include "commands/op_status.hpp"
#include "commands/scan_args.hpp"
#include "commands/summary.hpp"

namespace actis::commands {

/// DEL / UNLINK: keys removed (each reports a `del` event).
int64_t op_del(keyspace& ks, int db, std::span<const std::string> keys);
/// EXISTS: keys that exist, a repeated key counted each time (LRU untouched).
int64_t op_exists(keyspace& ks, int db, std::span<const std::string> keys);
/// TOUCH: as EXISTS, refreshing each key's LRU clock.
int64_t op_touch(keyspace& ks, int db, std::span<const std::string> keys);
/// TYPE: the type's name, "none" for a missing key.
std::string_view op_type(keyspace& ks, int db, std::string_view key);

/// KEYS: every live key of `db` in the held partitions matching `pattern`.
std::vector<std::string> op_keys(keyspace& ks, int db, std::string_view pattern);

struct scan_page {
  uint64_t next_cursor = 0;
  std::vector<std::string> keys;
};

/// SCAN over every partition: the cursor is table_cursor * partitions +
/// partition, so one cursor walks partition 0's table, then partition 1's...
/// Each table walk keeps Redis's guarantee, hence so does the whole scan.
scan_page op_scan(keyspace& ks, int db, uint64_t cursor, const scan_options& options);

/// RANDOMKEY: nil in an empty database.
op_result<std::string> op_randomkey(keyspace& ks, int db);

/// RENAME / RENAMENX (`nx`): true if renamed (false: RENAMENX found the
/// target taken, or source and target are the same key). no_such_key.
op_result<bool> op_rename(keyspace& ks, int db, std::string_view src, std::string_view dst,
                          bool nx);
/// COPY: true if copied. same_object when source and target coincide.
op_result<bool> op_copy(keyspace& ks, int src_db, std::string_view src, int dst_db,
                        std::string_view dst, bool replace);
/// MOVE: true if moved (the key must be absent in `dst_db`). same_object.
op_result<bool> op_move(keyspace& ks, int db, std::string_view key, int dst_db);
/// SWAPDB: db_index_out_of_range; true if two different databases were
/// swapped. A swap of a database with itself counts as one change, as in
/// Redis (save points see it, replicas get it).
op_result<bool> op_swapdb(keyspace& ks, int first, int second);

/// OBJECT ENCODING: the encoding's name; nil for a missing key.
op_result<std::string_view> op_object_encoding(keyspace& ks, int db, std::string_view key);
/// OBJECT REFCOUNT: 1, or INT_MAX for a shared integer; nil.
op_result<int64_t> op_object_refcount(keyspace& ks, int db, std::string_view key);
/// OBJECT IDLETIME: seconds; nil, lfu_idle_time under an LFU policy.
op_result<int64_t> op_object_idletime(keyspace& ks, int db, std::string_view key);
/// OBJECT FREQ: the LFU counter; nil, lfu_not_selected without LFU.
op_result<int64_t> op_object_freq(keyspace& ks, int db, std::string_view key);

// --- Expiry ----------------------------------------------------------------

/// EXPIRE's NX / XX / GT / LT.
enum expire_flag : unsigned { expire_nx = 1, expire_xx = 2, expire_gt = 4, expire_lt = 8 };

/// The absolute time (ms) an EXPIRE-family argument stands for: the
/// argument (in seconds if `seconds`) plus `basetime` (now for EXPIRE and
/// PEXPIRE, 0 for the *AT forms). not_integer, invalid_expire on overflow.
op_result<int64_t> expire_time(std::string_view arg, int64_t basetime, bool seconds);

enum class expire_outcome : uint8_t { unchanged, deleted, set };

/// EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT at absolute `when_ms` under
/// `flags` (expire_flag). A time in the past deletes the key (replicated as
/// DEL); `set` is replicated as PEXPIREAT with the absolute time.
expire_outcome op_expire(keyspace& ks, int db, std::string_view key, int64_t when_ms,
                         unsigned flags);

struct ttl_query {
  bool millis = false;
  /// Unix time of the expiry instead of the time left (EXPIRETIME).
  bool absolute = false;
};

/// TTL, PTTL, EXPIRETIME, PEXPIRETIME: -2 no key, -1 no expire.
int64_t op_ttl(keyspace& ks, int db, std::string_view key, ttl_query query);
/// PERSIST: true if an expire was removed.
bool op_persist(keyspace& ks, int db, std::string_view key);

// --- Whole databases -------------------------------------------------------

/// DBSIZE from every partition's summary.
int64_t op_dbsize(const std::vector<partition_summary>& summaries, int db);
/// FLUSHDB: empties `db` in every held partition.
void op_flushdb(keyspace& ks, int db);
/// FLUSHALL: empties every database in every held partition.
void op_flushall(keyspace& ks);

} // namespace actis::commands
