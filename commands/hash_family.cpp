// The hash commands: HSET and friends, reads, counters, HRANDFIELD and
// HSCAN. Parsing, replies and registration; the operations are in
// hash_ops.cpp.
#include <climits>
#include <cmath>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "commands/command.hpp"
#include "commands/context.hpp"
#include "commands/families.hpp"
#include "commands/hash_ops.hpp"
#include "commands/scan_args.hpp"
#include "datatypes/strutil.hpp"

namespace actis::commands {

namespace {

using datatypes::iequals;
using datatypes::parse_ll;

// --- Writes ----------------------------------------------------------------

/// HSET / HMSET: field value pairs from argv[2]; HMSET replies OK.
template <bool ReplyOk>
void hset_cmd(command_context& ctx) {
  if (ctx.argv.size() % 2 != 0)
    return reply_error(ctx, {op_status::wrong_arity});
  auto r = op_hset(*ctx.ks, ctx.db, ctx.argv[1], std::span(ctx.argv).subspan(2));
  if (!r.ok())
    return reply_error(ctx, r.error());
  if constexpr (ReplyOk)
    ctx.reply.ok();
  else
    ctx.reply.integer(static_cast<long long>(*r));
}

void hsetnx_cmd(command_context& ctx) {
  auto r = op_hsetnx(*ctx.ks, ctx.db, ctx.argv[1], ctx.argv[2], ctx.argv[3]);
  if (!r.ok())
    return reply_error(ctx, r.error());
  ctx.reply.integer(*r ? 1 : 0);
}

void hdel_cmd(command_context& ctx) {
  auto r = op_hdel(*ctx.ks, ctx.db, ctx.argv[1], std::span(ctx.argv).subspan(2));
  if (!r.ok())
    return reply_error(ctx, r.error());
  ctx.reply.integer(static_cast<long long>(*r));
}

void hincrby_cmd(command_context& ctx) {
  long long delta;
  if (!parse_ll(ctx.argv[3], delta))
    return reply_status(ctx.reply, op_status::not_integer);
  auto r = op_hincrby(*ctx.ks, ctx.db, ctx.argv[1], ctx.argv[2], delta);
  if (!r.ok())
    return reply_error(ctx, r.error());
  ctx.reply.integer(*r);
}

void hincrbyfloat_cmd(command_context& ctx) {
  long double delta;
  if (!datatypes::parse_long_double(ctx.argv[3], delta))
    return reply_status(ctx.reply, op_status::not_float);
  if (std::isnan(delta) || std::isinf(delta))
    return reply_status(ctx.reply, op_status::value_nan_or_inf);
  const std::string& key = ctx.argv[1];
  auto r = op_hincrbyfloat(*ctx.ks, ctx.db, key, ctx.argv[2], delta);
  if (!r.ok())
    return reply_error(ctx, r.error());
  ctx.reply.bulk(*r);
  // Replicas get the exact result, never a float computation of their own.
  ctx.propagate_as({"HSET", key, ctx.argv[2], std::move(*r)});
}

// --- Reads -----------------------------------------------------------------

void hget_cmd(command_context& ctx) {
  auto r = op_hget(*ctx.ks, ctx.db, ctx.argv[1], ctx.argv[2]);
  if (!r.ok())
    return reply_error(ctx, r.error());
  ctx.reply.bulk(*r);
}

void hmget_cmd(command_context& ctx) {
  auto r = op_hmget(*ctx.ks, ctx.db, ctx.argv[1], std::span(ctx.argv).subspan(2));
  if (!r.ok())
    return reply_error(ctx, r.error());
  ctx.reply.array(r->size());
  for (const auto& v : *r) {
    if (v)
      ctx.reply.bulk(*v);
    else
      ctx.reply.null();
  }
}

void hlen_cmd(command_context& ctx) {
  auto r = op_hlen(*ctx.ks, ctx.db, ctx.argv[1]);
  if (!r.ok())
    return reply_error(ctx, r.error());
  ctx.reply.integer(static_cast<long long>(*r));
}

void hexists_cmd(command_context& ctx) {
  auto r = op_hexists(*ctx.ks, ctx.db, ctx.argv[1], ctx.argv[2]);
  if (!r.ok())
    return reply_error(ctx, r.error());
  ctx.reply.integer(*r ? 1 : 0);
}

void hstrlen_cmd(command_context& ctx) {
  auto r = op_hstrlen(*ctx.ks, ctx.db, ctx.argv[1], ctx.argv[2]);
  if (!r.ok())
    return reply_error(ctx, r.error());
  ctx.reply.integer(static_cast<long long>(*r));
}

enum class hash_part : uint8_t { keys, values, both };

/// HKEYS, HVALS and HGETALL (a map in RESP3).
template <hash_part Part>
void hgetall_cmd(command_context& ctx) {
  auto r = op_hash_read(*ctx.ks, ctx.db, ctx.argv[1]);
  if (!r.ok())
    return reply_error(ctx, r.error());
  const hash_value* h = *r;
  size_t n = h == nullptr ? 0 : h->size();
  if constexpr (Part == hash_part::both)
    ctx.reply.map(n);
  else
    ctx.reply.array(n);
  if (h == nullptr)
    return;
  h->for_each([&](std::string_view f, std::string_view v) {
    if constexpr (Part != hash_part::values)
      ctx.reply.bulk(f);
    if constexpr (Part != hash_part::keys)
      ctx.reply.bulk(v);
  });
}

// --- HRANDFIELD ------------------------------------------------------------

void hrandfield_cmd(command_context& ctx) {
  const std::string& key = ctx.argv[1];
  if (ctx.argv.size() == 2) {
    auto r = op_hrandfield_one(*ctx.ks, ctx.db, key);
    if (!r.ok())
      return reply_error(ctx, r.error());
    return ctx.reply.bulk(r->field);
  }
  long long count;
  if (!parse_ll(ctx.argv[2], count))
    return reply_status(ctx.reply, op_status::not_integer);
  if (count == LLONG_MIN)
    return reply_status(ctx.reply, op_status::long_out_of_range);
  bool with_values = ctx.argv.size() == 4;
  if (ctx.argv.size() > 4 || (with_values && !iequals(ctx.argv[3], "withvalues")))
    return reply_status(ctx.reply, op_status::syntax);
  // Redis doubles the reply length for the values, so it bounds the count.
  if (with_values && (count < -(LLONG_MAX / 2) || count > LLONG_MAX / 2))
    return reply_status(ctx.reply, op_status::value_out_of_range);
  auto r = op_hrandfield(*ctx.ks, ctx.db, key, count);
  if (!r.ok())
    return reply_error(ctx, r.error());
  bool nested = with_values && ctx.reply.resp() >= 3;
  ctx.reply.array(with_values && !nested ? r->size() * 2 : r->size());
  for (const auto& p : *r) {
    if (nested)
      ctx.reply.array(2);
    ctx.reply.bulk(p.field);
    if (with_values)
      ctx.reply.bulk(p.value);
  }
}

// --- HSCAN -----------------------------------------------------------------

void reply_scan_page(command_context& ctx, const hash_scan_page& page) {
  ctx.reply.array(2);
  ctx.reply.bulk(std::to_string(page.next_cursor));
  ctx.reply.array(page.pairs.size() * 2);
  for (const auto& p : page.pairs) {
    ctx.reply.bulk(p.field);
    ctx.reply.bulk(p.value);
  }
}

// Redis reads the cursor, then the key, and only then the options: a
// missing key answers an empty page whatever the options say.
void hscan_cmd(command_context& ctx) {
  auto cursor = parse_scan_cursor(ctx.argv[2]);
  if (!cursor.ok())
    return reply_error(ctx, cursor.error());
  auto h = op_hash_read(*ctx.ks, ctx.db, ctx.argv[1]);
  if (!h.ok())
    return reply_error(ctx, h.error());
  if (*h == nullptr)
    return reply_scan_page(ctx, {});
  auto opt = parse_scan_options(ctx.argv, 3, false);
  if (!opt.ok())
    return reply_error(ctx, opt.error());
  reply_scan_page(ctx, hscan_page(**h, *cursor, opt->count, opt->pattern));
}

} // namespace

void register_hash_family(command_table& t) {
  constexpr uint32_t rw_fast = f_write | f_denyoom | f_fast;
  constexpr uint32_t ro_fast = f_readonly | f_fast;
  constexpr auto hash = command_group::hash;
  constexpr uint16_t read = k_ro | k_access;
  constexpr uint16_t read_modify = k_rw | k_access | k_update;
  const command_def rows[] = {
      {.name = "hset", .arity = -4, .flags = rw_fast, .group = hash,
       .keys = {key_at(1, k_rw | k_update)}, .handler = hset_cmd<false>, .member_arg = 2,
       .docs = {"Creates or modifies the value of a field in a hash.", "2.0.0",
                "O(1) for each field/value pair added, so O(N) to add N field/value pairs "
                "when the command is called with multiple field/value pairs."}},
      {.name = "hsetnx", .arity = 4, .flags = rw_fast, .group = hash,
       .keys = {key_at(1, k_rw | k_insert)}, .handler = hsetnx_cmd, .member_arg = 2,
       .docs = {"Sets the value of a field in a hash only when the field doesn't exist.",
                "2.0.0", "O(1)"}},
      {.name = "hmset", .arity = -4, .flags = rw_fast, .group = hash,
       .keys = {key_at(1, k_rw | k_update)}, .handler = hset_cmd<true>, .member_arg = 2,
       .docs = {"Sets the values of multiple fields.", "2.0.0",
                "O(N) where N is the number of fields being set."}},
      {.name = "hget", .arity = 3, .flags = ro_fast, .group = hash, .keys = {key_at(1, read)},
       .handler = hget_cmd, .member_arg = 2,
       .docs = {"Returns the value of a field in a hash.", "2.0.0", "O(1)"}},
      {.name = "hmget", .arity = -3, .flags = ro_fast, .group = hash, .keys = {key_at(1, read)},
       .handler = hmget_cmd, .member_arg = 2,
       .docs = {"Returns the values of all fields in a hash.", "2.0.0",
                "O(N) where N is the number of fields being requested."}},
      {.name = "hdel", .arity = -3, .flags = f_write | f_fast, .group = hash,
       .keys = {key_at(1, k_rw | k_delete)}, .handler = hdel_cmd, .member_arg = 2,
       .docs = {"Deletes one or more fields and their values from a hash. Deletes the hash if "
                "no fields remain.", "2.0.0", "O(N) where N is the number of fields to be removed."}},
      {.name = "hexists", .arity = 3, .flags = ro_fast, .group = hash, .keys = {key_at(1, k_ro)},
       .handler = hexists_cmd, .member_arg = 2,
       .docs = {"Determines whether a field exists in a hash.", "2.0.0", "O(1)"}},
      {.name = "hlen", .arity = 2, .flags = ro_fast, .group = hash, .keys = {key_at(1, k_ro)},
       .handler = hlen_cmd, .docs = {"Returns the number of fields in a hash.", "2.0.0", "O(1)"}},
      {.name = "hstrlen", .arity = 3, .flags = ro_fast, .group = hash, .keys = {key_at(1, k_ro)},
       .handler = hstrlen_cmd, .member_arg = 2,
       .docs = {"Returns the length of the value of a field.", "3.2.0", "O(1)"}},
      {.name = "hkeys", .arity = 2, .flags = f_readonly, .group = hash, .keys = {key_at(1, read)},
       .handler = hgetall_cmd<hash_part::keys>, .tips = "nondeterministic_output_order",
       .docs = {"Returns all fields in a hash.", "2.0.0",
                "O(N) where N is the size of the hash."}},
      {.name = "hvals", .arity = 2, .flags = f_readonly, .group = hash, .keys = {key_at(1, read)},
       .handler = hgetall_cmd<hash_part::values>, .tips = "nondeterministic_output_order",
       .docs = {"Returns all values in a hash.", "2.0.0",
                "O(N) where N is the size of the hash."}},
      {.name = "hgetall", .arity = 2, .flags = f_readonly, .group = hash,
       .keys = {key_at(1, read)}, .handler = hgetall_cmd<hash_part::both>,
       .tips = "nondeterministic_output_order",
       .docs = {"Returns all fields and values in a hash.", "2.0.0",
                "O(N) where N is the size of the hash."}},
      {.name = "hincrby", .arity = 4, .flags = rw_fast, .group = hash,
       .keys = {key_at(1, read_modify)}, .handler = hincrby_cmd, .member_arg = 2,
       .docs = {"Increments the integer value of a field in a hash by a number. Uses 0 as "
                "initial value if the field doesn't exist.", "2.0.0", "O(1)"}},
      {.name = "hincrbyfloat", .arity = 4, .flags = rw_fast, .group = hash,
       .keys = {key_at(1, read_modify)}, .handler = hincrbyfloat_cmd, .member_arg = 2,
       .docs = {"Increments the floating point value of a field by a number. Uses 0 as "
                "initial value if the field doesn't exist.", "2.6.0", "O(1)"}},
      {.name = "hrandfield", .arity = -2, .flags = f_readonly, .group = hash,
       .keys = {key_at(1, read)}, .handler = hrandfield_cmd, .tips = "nondeterministic_output",
       .docs = {"Returns one or more random fields from a hash.", "6.2.0",
                "O(N) where N is the number of fields returned"}},
      {.name = "hscan", .arity = -3, .flags = f_readonly, .group = hash,
       .keys = {key_at(1, read)}, .handler = hscan_cmd, .tips = "nondeterministic_output",
       .docs = {"Iterates over fields and values of a hash.", "2.8.0",
                "O(1) for every call. O(N) for a complete iteration, including enough command "
                "calls for the cursor to return back to 0. N is the size of the collection."}},
  };
  t.add(rows);
}

} // namespace actis::commands
