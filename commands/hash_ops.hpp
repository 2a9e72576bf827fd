// The hash family's operations: what HSET, HGET, HINCRBY ... do to the
// keyspace, without a connection or a reply. Handlers (hash_family.cpp)
// parse, call one of these and reply. Each records its changes through
// keyspace::notify with Redis's event names ("hset", "hdel", "hincrby",
// "hincrbyfloat", and "del" when a hash is emptied). Views returned point
// into the keyspace and are valid until its next write.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "commands/keyspace.hpp"
#include "commands/op_status.hpp"
#include "datatypes/hash_value.hpp"

namespace actis::commands {

using datatypes::hash_value;

/// The encoding limits in force (hash-max-listpack-entries/-value).
datatypes::hash_limits current_hash_limits();

/// The hash at `key` for reading: nullptr (ok) for a missing key,
/// wrong_type for another type.
op_result<const hash_value*> op_hash_read(keyspace& ks, int db, std::string_view key);

/// HSET / HMSET over field, value pairs (`pairs` has even length, >= 2):
/// the number of fields added. Creates the key if missing.
op_result<size_t> op_hset(keyspace& ks, int db, std::string_view key,
                          std::span<const std::string> pairs);

/// HSETNX: true if the field was absent and is now set.
op_result<bool> op_hsetnx(keyspace& ks, int db, std::string_view key, std::string_view field,
                          std::string_view val);

/// HGET: the value; nil for a missing key or field.
op_result<std::string_view> op_hget(keyspace& ks, int db, std::string_view key,
                                    std::string_view field);

/// HMGET: one value per field, nullopt where missing (every one for a
/// missing key).
op_result<std::vector<std::optional<std::string_view>>> op_hmget(
    keyspace& ks, int db, std::string_view key, std::span<const std::string> fields);

/// HDEL: the number of fields removed; an emptied hash is deleted.
op_result<size_t> op_hdel(keyspace& ks, int db, std::string_view key,
                          std::span<const std::string> fields);

/// HLEN: 0 for a missing key.
op_result<size_t> op_hlen(keyspace& ks, int db, std::string_view key);
/// HEXISTS.
op_result<bool> op_hexists(keyspace& ks, int db, std::string_view key, std::string_view field);
/// HSTRLEN: 0 for a missing key or field.
op_result<size_t> op_hstrlen(keyspace& ks, int db, std::string_view key,
                             std::string_view field);

/// HINCRBY: the new value. not_hash_integer if the stored value is not an
/// integer, overflow if the sum leaves the long long range.
op_result<long long> op_hincrby(keyspace& ks, int db, std::string_view key,
                                std::string_view field, long long delta);

/// HINCRBYFLOAT: the new value as stored (the handler propagates it as
/// HSET). `delta` is finite (the handler rejects NaN and infinity).
/// not_hash_float if the stored value is not a number, nan_or_inf if the
/// sum is not finite.
op_result<std::string> op_hincrbyfloat(keyspace& ks, int db, std::string_view key,
                                       std::string_view field, long double delta);

/// HRANDFIELD with a count: `count` distinct fields when count > 0 (the
/// whole hash, in its order, if count >= size), |count| fields that may
/// repeat when count < 0. Empty for a missing key.
op_result<std::vector<hash_value::field_pair>> op_hrandfield(keyspace& ks, int db,
                                                             std::string_view key,
                                                             long long count);
/// HRANDFIELD without a count: one random field; nil for a missing key.
op_result<hash_value::field_pair> op_hrandfield_one(keyspace& ks, int db, std::string_view key);

struct hash_scan_page {
  uint64_t next_cursor = 0;
  std::vector<hash_value::field_pair> pairs;
};

/// HSCAN's walk over a hash already read (Redis looks the key up before it
/// parses HSCAN's options): one page of the fields matching `pattern` (all
/// without one).
hash_scan_page hscan_page(const hash_value& h, uint64_t cursor, size_t count,
                          std::optional<std::string_view> pattern);

} // namespace actis::commands
