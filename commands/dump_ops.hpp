// DUMP and RESTORE as operations: the value's serialized form in Redis's
// payload format (persistence/rdb_format.hpp) and its way back. Plain C++;
// no replies written here.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "commands/keyspace.hpp"
#include "commands/op_status.hpp"

namespace actis::commands {

/// DUMP: the payload of `key` (RDB value, RDB version, CRC64), compressed
/// as rdbcompression says; nil if the key does not exist.
op_result<std::string> op_dump(keyspace& ks, int db, std::string_view key);

struct restore_options {
  bool replace = false;
  /// The TTL is a unix time in milliseconds, not a duration.
  bool absttl = false;
  /// IDLETIME seconds (-1: not given); applied unless an LFU policy is set.
  long long idle_s = -1;
  /// FREQ (-1: not given). Validated only: actis keeps no access counter.
  int freq = -1;
};

/// What RESTORE did, for the reply and the write stream.
struct restore_outcome {
  /// The key now holds the payload's value.
  bool stored = false;
  /// REPLACE removed an existing key (the only change when the TTL had
  /// already passed).
  bool deleted_old = false;
  /// The absolute expire set (unix ms), 0 for none.
  int64_t expire_ms = 0;
};

/// RESTORE key ttl payload, checked in Redis's order: busy_key (no REPLACE
/// and the key exists), not_integer / restore_ttl_negative for `ttl`,
/// dump_payload_invalid (version or CRC64), bad_data_format (the body does
/// not decode, or is an empty collection). A TTL already in the past stores
/// nothing (after REPLACE removed the old key, which is notified as "del").
/// Notifies "restore" when the key is stored.
op_result<restore_outcome> op_restore(keyspace& ks, int db, std::string_view key,
                                      std::string_view ttl, std::string_view payload,
                                      const restore_options& opt);

} // namespace actis::commands
