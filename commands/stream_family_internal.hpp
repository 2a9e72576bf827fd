// What the two stream command files share: reply shapes, argument helpers
// and the propagated forms of group changes.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "commands/context.hpp"
#include "commands/stream_group_ops.hpp"
#include "datatypes/strutil.hpp"

namespace actis::commands::stream_detail {

inline void reply_id(protocol::reply_builder& r, stream_id id) { r.bulk(id.str()); }

/// [id, [field, value, ...]]
inline void reply_entry(protocol::reply_builder& r, const stream_entry& e) {
  r.array(2);
  reply_id(r, e.id);
  r.array(e.fields.size());
  for (auto f : e.fields)
    r.bulk(f);
}

inline void reply_entries(protocol::reply_builder& r, std::span<const stream_entry> entries) {
  r.array(entries.size());
  for (auto& e : entries)
    reply_entry(r, e);
}

/// Parses a stream ID argument, replying Redis's error if invalid.
inline bool id_arg(command_context& ctx, std::string_view s, stream_id& out, bool strict = true,
                   uint64_t missing_seq = 0) {
  if (parse_stream_id(s, out, missing_seq, strict))
    return true;
  ctx.reply.error(protocol::err::invalid_stream_id);
  return false;
}

/// Parses a long long argument, replying `error` if invalid.
inline bool ll_arg(command_context& ctx, std::string_view s, long long& out,
                   std::string_view error = protocol::err::not_integer) {
  if (datatypes::parse_ll(s, out))
    return true;
  ctx.reply.error(error);
  return false;
}

/// XCLAIM <key> <group> <consumer> 0 <id> TIME <ms> RETRYCOUNT <n> FORCE
/// JUSTID LASTID <last>: the idempotent form of one pending entry's state
/// (Redis's streamPropagateXCLAIM).
inline protocol::command_args xclaim_form(std::string_view key, std::string_view group,
                                          const claim_record& c, stream_id last_id) {
  return {"XCLAIM", std::string(key), std::string(group), c.consumer, "0", c.id.str(), "TIME",
          datatypes::ll_to_string(c.delivery_time), "RETRYCOUNT",
          datatypes::ll_to_string(static_cast<long long>(c.delivery_count)), "FORCE", "JUSTID",
          "LASTID", last_id.str()};
}

/// XGROUP SETID <key> <group> <last> ENTRIESREAD <n> (streamPropagateGroupID).
inline protocol::command_args setid_form(std::string_view key, std::string_view group,
                                         const stream_group& g) {
  return {"XGROUP", "SETID", std::string(key), std::string(group), g.last_id.str(),
          "ENTRIESREAD", datatypes::ll_to_string(g.entries_read)};
}

inline protocol::command_args create_consumer_form(std::string_view key, std::string_view group,
                                                   std::string_view consumer) {
  return {"XGROUP", "CREATECONSUMER", std::string(key), std::string(group),
          std::string(consumer)};
}

} // namespace actis::commands::stream_detail
