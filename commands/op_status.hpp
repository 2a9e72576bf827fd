// What an operation on the keyspace returns: a value or a status. Plain C++.
// Operations (commands/*_ops.hpp) never write a reply; handlers turn a
// status into Redis's error text with reply_status(), the one place that
// mapping lives.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>

namespace actis::protocol {
class reply_builder;
}

namespace actis::commands {

enum class op_status : uint8_t {
  ok,
  /// No value (a missing key): replied as a null bulk string.
  nil,
  wrong_type,
  not_integer,
  not_float,
  overflow,
  decrement_overflow,
  nan_or_inf,
  syntax,
  no_such_key,
  string_too_long,
  /// detail: the command's name as Redis prints it.
  invalid_expire,
  /// detail: the command's name as Redis prints it.
  wrong_arity,
  offset_out_of_range,
  same_object,
  db_index_out_of_range,
  int_out_of_range,
  invalid_first_db,
  invalid_second_db,
  invalid_cursor,
  /// detail: the option as the client wrote it.
  unsupported_option,
  expire_nx_and_other,
  expire_gt_and_lt,
  lfu_idle_time,
  lfu_not_selected,
  lcs_not_strings,
  lcs_len_and_idx,
  lcs_too_long,
  lcs_memory,
  bit_offset,
  bit_value,
  bit_argument,
  bitop_not_single,
  bitfield_type,
  bitfield_overflow_type,
  bitfield_ro_get_only,
  not_hash_integer,
  not_hash_float,
  /// An argument that is itself NaN or infinite (HINCRBYFLOAT's increment).
  value_nan_or_inf,
  value_out_of_range,
  long_out_of_range,
  sort_not_double,
  positive_count,
  numkeys_not_positive,
  numkeys_too_many,
  limit_negative,
  /// SRANDMEMBER's count is LLONG_MIN (its negation does not exist).
  rand_count_range,
  count_not_positive,
  index_out_of_range,
  /// A string that is not a HyperLogLog (WRONGTYPE with Redis's HLL text).
  hll_not_hll,
  hll_corrupt,
  hll_no_such_key,
  hll_not_sparse,
  /// detail: the subcommand as the client wrote it.
  hll_unknown_subcommand,
  /// detail: "<lon>,<lat>" as Redis prints them (%f).
  geo_invalid_pair,
  geo_member_not_found,
  geo_unit,
  geo_radius_not_number,
  geo_width_not_number,
  geo_height_not_number,
  geo_radius_negative,
  geo_box_negative,
  geo_count_not_positive,
  /// detail: "GEOSEARCHSTORE" or "STORE option in GEORADIUS".
  geo_store_with_options,
  /// detail: the command name as the client wrote it.
  geo_from_missing,
  /// detail: the command name as the client wrote it.
  geo_by_missing,
  geo_any_without_count,
  /// ZADD INCR / ZINCRBY produced NaN.
  score_nan,
  stream_id_zero,
  stream_id_too_small,
  stream_exhausted,
  stream_setid_below_top,
  stream_setid_entries_added,
  /// RESTORE: the target exists (no REPLACE), a negative TTL, a payload
  /// whose version or CRC64 is wrong, a body that does not decode.
  busy_key,
  restore_ttl_negative,
  dump_payload_invalid,
  bad_data_format,
};

/// A status and the text a few statuses need (see op_status). `detail`
/// views caller-owned text (an argument, a command name): no allocation.
struct op_error {
  op_status status;
  std::string_view detail = {};
};

/// A value or a status. Never allocates beyond what T itself does.
template <class T>
class op_result {
public:
  op_result(T v) : value_(std::move(v)) {}
  op_result(op_status s, std::string_view detail = {}) : error_{s, detail} {}
  op_result(op_error e) : error_(e) {}

  bool ok() const { return error_.status == op_status::ok; }
  op_status status() const { return error_.status; }
  const op_error& error() const { return error_; }
  T& value() { return *value_; }
  const T& value() const { return *value_; }
  T& operator*() { return *value_; }
  const T& operator*() const { return *value_; }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }

private:
  std::optional<T> value_;
  op_error error_{op_status::ok};
};

/// Writes the reply of a non-ok status: Redis's error text from
/// protocol/errors.hpp (null for nil).
void reply_status(protocol::reply_builder& reply, op_status status, std::string_view detail = {});
inline void reply_status(protocol::reply_builder& reply, const op_error& e) {
  reply_status(reply, e.status, e.detail);
}

} // namespace actis::commands
