// Operations of the stream commands (XADD, XTRIM, XDEL, XRANGE, XREAD,
// XSETID and the consumer-group commands): argument parsing of IDs and
// trimming options, and pure operations that return results or statuses,
// never replies. Entries returned view the stream's storage: reply before
// the stream changes. Thread: the holder of the key's partition.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "commands/keyspace.hpp"
#include "commands/op_status.hpp"
#include "datatypes/stream.hpp"

namespace actis::commands {

using datatypes::stream;
using datatypes::stream_entry;
using datatypes::stream_group;
using datatypes::stream_id;

// --- IDs ------------------------------------------------------------------------

/// Redis's streamGenericParseIDOrReply: "<ms>[-<seq>]" with a missing seq
/// taken as `missing_seq`; unless `strict`, "-" and "+" are the smallest and
/// largest IDs. With `seq_given` non-null, "<ms>-*" is accepted and clears
/// it. False for anything else.
bool parse_stream_id(std::string_view s, stream_id& out, uint64_t missing_seq, bool strict,
                     bool* seq_given = nullptr);
/// An interval bound of XRANGE / XPENDING / XAUTOCLAIM: "(" makes it
/// exclusive (then strict). False if invalid.
bool parse_interval_id(std::string_view s, stream_id& out, bool& exclusive,
                       uint64_t missing_seq);

// --- trimming and XADD ----------------------------------------------------------

/// XADD / XTRIM trimming options as parsed (streamAddTrimArgs).
struct trim_args {
  enum class strategy : uint8_t { none, maxlen, minid };
  strategy how = strategy::none;
  bool approx = false;
  long long maxlen = 0;
  stream_id minid;
  /// Entries a trim may remove (0: no limit), as Redis derives it.
  long long limit = 0;
  /// argv index of the threshold (MAXLEN's count, MINID's id).
  size_t threshold_index = 0;
  /// argv index of LIMIT, 0 if not given.
  size_t limit_index = 0;
};

struct xadd_args {
  trim_args trim;
  bool nomkstream = false;
  bool id_given = false;
  bool seq_given = true;
  stream_id id;
  /// argv index of the ID; the fields follow it.
  size_t id_index = 0;
};

/// Parses the options of XADD (`xadd`) or XTRIM from argv[2]: for XADD up
/// to and including the ID. Returns the error text to reply, empty if fine.
std::string parse_trim_options(const protocol::command_args& argv, bool xadd, xadd_args& out);

struct xadd_result {
  /// The ID added; nullopt when NOMKSTREAM found no stream.
  std::optional<stream_id> id;
  uint64_t trimmed = 0;
};

/// XADD: appends `fields` to the stream at `key` (created unless
/// nomkstream), then trims. Statuses: wrong_type, stream_id_zero,
/// stream_id_too_small, stream_exhausted.
op_result<xadd_result> op_xadd(keyspace& ks, int db, std::string_view key, const xadd_args& args,
                               std::span<const std::string> fields);
/// XTRIM: entries removed (0 for a missing key).
op_result<uint64_t> op_xtrim(keyspace& ks, int db, std::string_view key, const trim_args& args);
/// What a trimmed stream's threshold is after trimming, for propagation
/// (Redis's streamRewriteTrimArgument): its length, or its first ID.
std::string trim_threshold_after(keyspace& ks, int db, std::string_view key,
                                 const trim_args& args);
/// XDEL: entries removed.
op_result<uint64_t> op_xdel(keyspace& ks, int db, std::string_view key,
                            std::span<const stream_id> ids);
/// XSETID. Statuses: no_such_key, wrong_type, and the stream_setid_* ones.
op_status op_xsetid(keyspace& ks, int db, std::string_view key, stream_id id,
                    long long entries_added, stream_id max_deleted);

// --- reads ------------------------------------------------------------------------

/// The stream at `key` for reading: nullptr if missing, wrong_type for
/// another type.
op_result<stream*> op_read_stream(keyspace& ks, int db, std::string_view key);
/// The same for writing (no hit/miss statistics).
op_result<stream*> op_write_stream(keyspace& ks, int db, std::string_view key);
/// Adds an empty stream at `key`, which must not exist (XGROUP CREATE
/// MKSTREAM).
stream& op_create_stream(keyspace& ks, int db, std::string_view key);
/// Entries of [start, end] in order (rev: descending), at most `count`
/// (0: all).
std::vector<stream_entry> stream_range(const stream& s, stream_id start, stream_id end,
                                       size_t count, bool rev);

// --- consumer groups --------------------------------------------------------------

/// Redis's streamEstimateDistanceFromFirstEverEntry: the entries-read
/// counter of `id`, or invalid_entries_read when unknown.
int64_t estimate_entries_read(const stream& s, stream_id id);
/// XINFO GROUPS' lag of `g`, nullopt when unknown.
std::optional<long long> group_lag(const stream& s, const stream_group& g);

/// One entry delivered (or re-delivered) to a consumer; `missing` for a
/// pending entry no longer in the stream (history reads, XCLAIM).
struct delivered {
  stream_entry entry;
  bool missing = false;
  /// The pending entry after delivery (for propagation as XCLAIM).
  int64_t delivery_time = 0;
  uint64_t delivery_count = 0;
};

struct read_group_result {
  std::vector<delivered> entries;
  /// The consumer was created by this read.
  bool consumer_created = false;
  /// The group's last delivered ID moved (propagate XGROUP SETID).
  bool last_id_moved = false;
};

/// XREADGROUP on one stream whose group exists: `history` reads the
/// consumer's own pending entries after `after`; otherwise delivers new
/// entries after the group's last ID (adding them to the PEL unless
/// `noack`). `count` 0: no limit.
read_group_result op_read_group(stream& s, stream_group& g, std::string_view consumer,
                                bool history, stream_id after, size_t count, bool noack,
                                int64_t now_ms);

} // namespace actis::commands
