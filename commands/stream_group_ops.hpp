// Operations of the consumer-group commands on a stream and group the
// handler found (XGROUP, XACK, XPENDING, XCLAIM, XAUTOCLAIM). They change
// the group, record the change through ks.notify and return what the
// reply and the write stream need; never replies. Thread: the holder of
// the key's partition.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "commands/stream_ops.hpp"

namespace actis::commands {

/// XGROUP CREATE on `s` (created beforehand for MKSTREAM): false if the
/// group exists.
bool op_group_create(keyspace& ks, int db, std::string_view key, stream& s,
                     std::string_view group, stream_id last_id, int64_t entries_read);
void op_group_setid(keyspace& ks, int db, std::string_view key, stream_group& g,
                    stream_id last_id, int64_t entries_read);
/// XGROUP DESTROY: false if there was no such group.
bool op_group_destroy(keyspace& ks, int db, std::string_view key, stream& s,
                      std::string_view group);
/// XGROUP CREATECONSUMER: false if it existed.
bool op_group_create_consumer(keyspace& ks, int db, std::string_view key, stream_group& g,
                              std::string_view consumer);
/// XGROUP DELCONSUMER: the pending entries it had; -1 if it did not exist.
long long op_group_del_consumer(keyspace& ks, int db, std::string_view key, stream_group& g,
                                std::string_view consumer);

/// XACK: entries acknowledged.
uint64_t op_xack(keyspace& ks, int db, std::string_view key, stream_group& g,
                 const std::vector<stream_id>& ids);

/// One row of XPENDING's extended form.
struct pending_row {
  stream_id id;
  std::string_view consumer;
  int64_t idle_ms;
  uint64_t delivery_count;
};
/// XPENDING key group [IDLE min] start end count [consumer]: rows of the
/// group's PEL (or `consumer`'s; none if it does not exist) in [start, end].
std::vector<pending_row> op_pending_range(stream_group& g, stream_id start, stream_id end,
                                          long long count, long long min_idle,
                                          const std::string* consumer, int64_t now_ms);

/// A pending entry as XCLAIM propagates it.
struct claim_record {
  stream_id id;
  std::string consumer;
  int64_t delivery_time = 0;
  uint64_t delivery_count = 0;
};

struct xclaim_args {
  long long min_idle = 0;
  /// Unix ms of the delivery to record; -1: now.
  long long delivery_time = -1;
  long long retry_count = -1;
  bool force = false;
  bool justid = false;
  stream_id last_id;
  std::vector<stream_id> ids;
};

struct claim_result {
  /// The claimed entries (with JUSTID only their IDs are used); `missing`
  /// where XCLAIM found an entry pending that is no longer in the stream.
  std::vector<delivered> claimed;
  /// Each pending entry changed or dropped, for propagation as XCLAIM.
  std::vector<claim_record> changes;
  /// XAUTOCLAIM: pending entries dropped because they were deleted.
  std::vector<stream_id> deleted;
  /// XAUTOCLAIM: where the next call starts, 0-0 at the end.
  stream_id cursor;
  bool consumer_created = false;
  /// The group's last ID moved (LASTID) and no XCLAIM carries it.
  bool last_id_moved = false;
};

/// XCLAIM of `args.ids` for `consumer`.
claim_result op_xclaim(keyspace& ks, int db, std::string_view key, stream& s, stream_group& g,
                       std::string_view consumer, const xclaim_args& args);
/// XAUTOCLAIM from `start`, at most `count` entries (10 attempts each).
claim_result op_xautoclaim(keyspace& ks, int db, std::string_view key, stream& s,
                           stream_group& g, std::string_view consumer, long long min_idle,
                           stream_id start, long long count, bool justid);

} // namespace actis::commands
