#include "commands/op_status.hpp"

#include "protocol/errors.hpp"
#include "protocol/reply.hpp"

namespace actis::commands {

void reply_status(protocol::reply_builder& reply, op_status status, std::string_view detail) {
  namespace err = protocol::err;
  switch (status) {
    case op_status::ok:
      // A successful operation replies its value; nothing to say here.
      return;
    case op_status::nil: reply.null(); return;
    case op_status::wrong_type: reply.error(err::wrong_type); return;
    case op_status::not_integer: reply.error(err::not_integer); return;
    case op_status::not_float: reply.error(err::not_float); return;
    case op_status::overflow: reply.error(err::overflow); return;
    case op_status::decrement_overflow: reply.error(err::decrement_overflow); return;
    case op_status::nan_or_inf: reply.error(err::nan_or_inf); return;
    case op_status::syntax: reply.error(err::syntax); return;
    case op_status::no_such_key: reply.error(err::no_such_key); return;
    case op_status::string_too_long: reply.error(err::string_too_long); return;
    case op_status::invalid_expire: reply.error(err::invalid_expire(detail)); return;
    case op_status::wrong_arity: reply.error(err::wrong_arity(detail)); return;
    case op_status::offset_out_of_range: reply.error(err::offset_range); return;
    case op_status::same_object: reply.error(err::same_object); return;
    case op_status::db_index_out_of_range: reply.error(err::db_index_out_of_range); return;
    case op_status::int_out_of_range: reply.error(err::int_out_of_range); return;
    case op_status::invalid_first_db: reply.error(err::invalid_first_db); return;
    case op_status::invalid_second_db: reply.error(err::invalid_second_db); return;
    case op_status::invalid_cursor: reply.error(err::invalid_cursor); return;
    case op_status::unsupported_option: reply.error(err::unsupported_option(detail)); return;
    case op_status::expire_nx_and_other: reply.error(err::expire_options); return;
    case op_status::expire_gt_and_lt: reply.error(err::expire_gt_lt); return;
    case op_status::lfu_idle_time: reply.error(err::lfu_idle_time); return;
    case op_status::busy_key: reply.error(err::busy_key); return;
    case op_status::restore_ttl_negative: reply.error(err::restore_ttl_negative); return;
    case op_status::dump_payload_invalid: reply.error(err::dump_payload_invalid); return;
    case op_status::bad_data_format: reply.error(err::bad_data_format); return;
    case op_status::lfu_not_selected: reply.error(err::lfu_not_selected); return;
    case op_status::lcs_not_strings: reply.error(err::lcs_not_strings); return;
    case op_status::lcs_len_and_idx: reply.error(err::lcs_len_and_idx); return;
    case op_status::lcs_too_long: reply.error(err::lcs_too_long); return;
    case op_status::lcs_memory: reply.error(err::lcs_memory); return;
    case op_status::bit_offset: reply.error(err::bit_offset); return;
    case op_status::bit_value: reply.error(err::bit_value); return;
    case op_status::bit_argument: reply.error(err::bit_argument); return;
    case op_status::bitop_not_single: reply.error(err::bitop_not_single); return;
    case op_status::bitfield_type: reply.error(err::bitfield_type); return;
    case op_status::bitfield_overflow_type: reply.error(err::bitfield_overflow_type); return;
    case op_status::bitfield_ro_get_only: reply.error(err::bitfield_ro_get_only); return;
    case op_status::numkeys_not_positive: reply.error(err::numkeys_not_positive); return;
    case op_status::count_not_positive: reply.error(err::count_not_positive); return;
    case op_status::index_out_of_range: reply.error(err::index_out_of_range); return;
    case op_status::hll_not_hll: reply.error(err::hll_not_hll); return;
    case op_status::hll_corrupt: reply.error(err::hll_corrupt); return;
    case op_status::hll_no_such_key: reply.error(err::hll_no_such_key); return;
    case op_status::hll_not_sparse: reply.error(err::hll_not_sparse); return;
    case op_status::hll_unknown_subcommand:
      reply.error(err::hll_unknown_subcommand(detail));
      return;
    case op_status::geo_invalid_pair: reply.error(err::geo_invalid_pair(detail)); return;
    case op_status::geo_member_not_found: reply.error(err::geo_member_not_found); return;
    case op_status::geo_unit: reply.error(err::geo_unit); return;
    case op_status::geo_radius_not_number: reply.error(err::geo_radius_not_number); return;
    case op_status::geo_width_not_number: reply.error(err::geo_width_not_number); return;
    case op_status::geo_height_not_number: reply.error(err::geo_height_not_number); return;
    case op_status::geo_radius_negative: reply.error(err::geo_radius_negative); return;
    case op_status::geo_box_negative: reply.error(err::geo_box_negative); return;
    case op_status::geo_count_not_positive: reply.error(err::geo_count_not_positive); return;
    case op_status::geo_store_with_options:
      reply.error(err::geo_store_with_options(detail));
      return;
    case op_status::geo_from_missing: reply.error(err::geo_from_missing(detail)); return;
    case op_status::geo_by_missing: reply.error(err::geo_by_missing(detail)); return;
    case op_status::geo_any_without_count: reply.error(err::geo_any_without_count); return;
    case op_status::score_nan: reply.error(err::score_nan); return;
    case op_status::stream_id_zero: reply.error(err::stream_id_zero); return;
    case op_status::stream_id_too_small: reply.error(err::stream_id_too_small); return;
    case op_status::stream_exhausted: reply.error(err::stream_exhausted); return;
    case op_status::stream_setid_below_top: reply.error(err::stream_setid_below_top); return;
    case op_status::stream_setid_entries_added:
      reply.error(err::stream_setid_entries_added);
      return;
    case op_status::positive_count: reply.error(err::positive_count); return;
    case op_status::numkeys_too_many: reply.error(err::numkeys_too_many); return;
    case op_status::limit_negative: reply.error(err::limit_negative); return;
    case op_status::rand_count_range: reply.error(err::long_out_of_range); return;
    case op_status::not_hash_integer: reply.error(err::hash_not_integer); return;
    case op_status::not_hash_float: reply.error(err::hash_not_float); return;
    case op_status::value_nan_or_inf: reply.error(err::value_nan_or_inf); return;
    case op_status::value_out_of_range: reply.error(err::value_out_of_range); return;
    case op_status::long_out_of_range: reply.error(err::long_out_of_range); return;
    case op_status::sort_not_double: reply.error(err::sort_not_double); return;
  }
}

} // namespace actis::commands
