// The set commands: membership, algebra (SINTER/SUNION/SDIFF and their
// STORE forms, SINTERCARD), random members (SPOP, SRANDMEMBER) and SSCAN.
// Parsing, replies and registration; the operations are in set_ops.cpp.
#include <climits>
#include <span>
#include <string>
#include <string_view>

#include "commands/command.hpp"
#include "commands/context.hpp"
#include "commands/families.hpp"
#include "commands/scan_args.hpp"
#include "commands/set_ops.hpp"
#include "datatypes/strutil.hpp"

namespace actis::commands {

namespace {

using datatypes::iequals;
using datatypes::parse_ll;

/// SPOP's members go to the write stream as SREMs of at most this many.
constexpr size_t srem_batch = 1024;

std::span<const std::string> args_from(const command_context& ctx, size_t first) {
  return std::span(ctx.argv).subspan(first);
}

/// Replies the members of a set (a RESP3 set) in its iteration order.
void reply_members(command_context& ctx, const set_value* s) {
  if (s == nullptr)
    return ctx.reply.set(0);
  ctx.reply.set(s->size());
  s->for_each([&](std::string_view m) { ctx.reply.bulk(m); });
}

template <class Strings>
void reply_strings(command_context& ctx, const Strings& members, bool as_set) {
  if (as_set)
    ctx.reply.set(members.size());
  else
    ctx.reply.array(members.size());
  for (const auto& m : members)
    ctx.reply.bulk(m);
}

void sadd_cmd(command_context& ctx) {
  auto r = op_sadd(*ctx.ks, ctx.db, ctx.argv[1], args_from(ctx, 2));
  if (!r.ok())
    return reply_error(ctx, r.error());
  ctx.reply.integer(*r);
}

void srem_cmd(command_context& ctx) {
  auto r = op_srem(*ctx.ks, ctx.db, ctx.argv[1], args_from(ctx, 2));
  if (!r.ok())
    return reply_error(ctx, r.error());
  ctx.reply.integer(*r);
}

void scard_cmd(command_context& ctx) {
  auto r = op_scard(*ctx.ks, ctx.db, ctx.argv[1]);
  if (!r.ok())
    return reply_error(ctx, r.error());
  ctx.reply.integer(*r);
}

/// SISMEMBER (`Many` false: one integer) and SMISMEMBER (an array).
template <bool Many>
void ismember_cmd(command_context& ctx) {
  auto r = op_smismember(*ctx.ks, ctx.db, ctx.argv[1], args_from(ctx, 2));
  if (!r.ok())
    return reply_error(ctx, r.error());
  if (!Many)
    return ctx.reply.integer((*r)[0]);
  ctx.reply.array(r->size());
  for (uint8_t found : *r)
    ctx.reply.integer(found);
}

void smembers_cmd(command_context& ctx) {
  auto r = op_read_set(*ctx.ks, ctx.db, ctx.argv[1]);
  if (!r.ok())
    return reply_error(ctx, r.error());
  reply_members(ctx, *r);
}

void smove_cmd(command_context& ctx) {
  auto r = op_smove(*ctx.ks, ctx.db, ctx.argv[1], ctx.argv[2], ctx.argv[3]);
  if (!r.ok())
    return reply_error(ctx, r.error());
  ctx.reply.integer(*r ? 1 : 0);
}

/// SINTER, SUNION, SDIFF: the result set of argv[1..].
template <set_algebra Kind>
void algebra_cmd(command_context& ctx) {
  auto r = op_set_algebra(*ctx.ks, ctx.db, Kind, args_from(ctx, 1));
  if (!r.ok())
    return reply_error(ctx, r.error());
  reply_members(ctx, datatypes::as_set(*r));
}

/// SINTERSTORE, SUNIONSTORE, SDIFFSTORE: the result of argv[2..] at argv[1].
template <set_algebra Kind>
void algebra_store_cmd(command_context& ctx) {
  auto r = op_set_algebra_store(*ctx.ks, ctx.db, Kind, ctx.argv[1], args_from(ctx, 2));
  if (!r.ok())
    return reply_error(ctx, r.error());
  ctx.reply.integer(*r);
}

/// SINTERCARD numkeys key [key ...] [LIMIT limit]
void sintercard_cmd(command_context& ctx) {
  long long numkeys = 0;
  if (!parse_ll(ctx.argv[1], numkeys) || numkeys < 1)
    return reply_status(ctx.reply, op_status::numkeys_not_positive);
  if (static_cast<unsigned long long>(numkeys) > ctx.argv.size() - 2)
    return reply_status(ctx.reply, op_status::numkeys_too_many);
  long long limit = 0;
  for (size_t j = 2 + static_cast<size_t>(numkeys); j < ctx.argv.size(); ++j) {
    if (!iequals(ctx.argv[j], "limit") || j + 1 >= ctx.argv.size())
      return reply_status(ctx.reply, op_status::syntax);
    if (!parse_ll(ctx.argv[++j], limit) || limit < 0)
      return reply_status(ctx.reply, op_status::limit_negative);
  }
  auto keys = std::span(ctx.argv).subspan(2, static_cast<size_t>(numkeys));
  auto r = op_sintercard(*ctx.ks, ctx.db, keys, static_cast<uint64_t>(limit));
  if (!r.ok())
    return reply_error(ctx, r.error());
  ctx.reply.integer(*r);
}

/// SPOP key [count]: the members removed go to the write stream as SREM
/// (the whole set as DEL), since replicas must not draw their own.
void spop_cmd(command_context& ctx) {
  const std::string& key = ctx.argv[1];
  if (ctx.argv.size() > 3)
    return reply_status(ctx.reply, op_status::syntax);
  if (ctx.argv.size() == 2) {
    auto r = op_spop(*ctx.ks, ctx.db, key);
    if (!r.ok())
      return reply_error(ctx, r.error());
    ctx.reply.bulk(*r);
    ctx.propagate_as({"SREM", key, *r});
    return;
  }
  long long count = 0;
  if (!parse_ll(ctx.argv[2], count) || count < 0)
    return reply_status(ctx.reply, op_status::positive_count);
  auto r = op_spop_count(*ctx.ks, ctx.db, key, static_cast<uint64_t>(count));
  if (!r.ok())
    return reply_error(ctx, r.error());
  reply_strings(ctx, r->members, true);
  if (r->members.empty())
    return;
  if (r->deleted)
    return ctx.propagate_as({"DEL", key});
  for (size_t from = 0; from < r->members.size(); from += srem_batch) {
    size_t to = std::min(r->members.size(), from + srem_batch);
    command_args srem{"SREM", key};
    srem.insert(srem.end(), std::make_move_iterator(r->members.begin() + from),
                std::make_move_iterator(r->members.begin() + to));
    ctx.propagate_as(std::move(srem));
  }
}

/// SRANDMEMBER key [count]
void srandmember_cmd(command_context& ctx) {
  const std::string& key = ctx.argv[1];
  if (ctx.argv.size() > 3)
    return reply_status(ctx.reply, op_status::syntax);
  if (ctx.argv.size() == 2) {
    auto r = op_srandmember(*ctx.ks, ctx.db, key);
    if (!r.ok())
      return reply_error(ctx, r.error());
    return ctx.reply.bulk(*r);
  }
  long long count = 0;
  if (!parse_ll(ctx.argv[2], count))
    return reply_status(ctx.reply, op_status::not_integer);
  if (count == LLONG_MIN)
    return reply_status(ctx.reply, op_status::rand_count_range);
  auto r = op_srandmember_count(*ctx.ks, ctx.db, key, count);
  if (!r.ok())
    return reply_error(ctx, r.error());
  reply_strings(ctx, *r, false);
}

/// SSCAN key cursor [MATCH pattern] [COUNT count]: the options are only
/// parsed once the key was found to be a set (as Redis).
void sscan_cmd(command_context& ctx) {
  auto cursor = parse_scan_cursor(ctx.argv[2]);
  if (!cursor.ok())
    return reply_error(ctx, cursor.error());
  auto found = op_read_set(*ctx.ks, ctx.db, ctx.argv[1]);
  if (!found.ok())
    return reply_error(ctx, found.error());
  if (*found == nullptr) {
    ctx.reply.array(2);
    ctx.reply.bulk("0");
    return ctx.reply.array(0);
  }
  auto opt = parse_scan_options(ctx.argv, 3, false);
  if (!opt.ok())
    return reply_error(ctx, opt.error());
  auto page = scan_set(**found, *cursor, opt->count, opt->pattern);
  ctx.reply.array(2);
  ctx.reply.bulk(std::to_string(page.next_cursor));
  reply_strings(ctx, page.members, false);
}

} // namespace

void register_set_family(command_table& t) {
  constexpr uint32_t rw = f_write | f_denyoom;
  constexpr uint32_t rw_fast = f_write | f_denyoom | f_fast;
  constexpr uint32_t ro_fast = f_readonly | f_fast;
  constexpr auto set = command_group::set;
  constexpr uint16_t read = k_ro | k_access;
  const key_spec sources = {read, begin_at(1), keys_range(-1)};
  const key_spec store_sources = {read, begin_at(2), keys_range(-1)};
  const command_def rows[] = {
      {.name = "sadd", .arity = -3, .flags = rw_fast, .group = set,
       .keys = {key_at(1, k_rw | k_insert)}, .handler = sadd_cmd, .member_arg = 2,
       .docs = {"Adds members to a set, creating it if needed.", "1.0.0",
                "O(1) for each member added"}},
      {.name = "scard", .arity = 2, .flags = ro_fast, .group = set, .keys = {key_at(1, k_ro)},
       .handler = scard_cmd,
       .docs = {"Returns the number of members of a set.", "1.0.0", "O(1)"}},
      {.name = "sdiff", .arity = -2, .flags = f_readonly, .group = set, .keys = {sources},
       .handler = algebra_cmd<set_algebra::diff>, .tips = "nondeterministic_output_order",
       .docs = {"Returns the members of the first set missing from the others.", "1.0.0",
                "O(N) for N members of all the sets"}},
      {.name = "sdiffstore", .arity = -3, .flags = rw, .group = set,
       .keys = {key_at(1, k_ow | k_update), store_sources},
       .handler = algebra_store_cmd<set_algebra::diff>,
       .docs = {"Stores the difference of sets at a key.", "1.0.0",
                "O(N) for N members of all the sets"}},
      {.name = "sinter", .arity = -2, .flags = f_readonly, .group = set, .keys = {sources},
       .handler = algebra_cmd<set_algebra::inter>, .tips = "nondeterministic_output_order",
       .docs = {"Returns the members common to all the sets.", "1.0.0",
                "O(N*M) for the smallest set's N members and M sets"}},
      {.name = "sintercard", .arity = -3, .flags = f_readonly, .group = set,
       .keys = {{read, begin_at(1), keys_counted(0, 1)}}, .handler = sintercard_cmd,
       .docs = {"Returns the number of members common to all the sets.", "7.0.0",
                "O(N*M) for the smallest set's N members and M sets"}},
      {.name = "sinterstore", .arity = -3, .flags = rw, .group = set,
       .keys = {key_at(1, k_rw | k_update), store_sources},
       .handler = algebra_store_cmd<set_algebra::inter>,
       .docs = {"Stores the intersection of sets at a key.", "1.0.0",
                "O(N*M) for the smallest set's N members and M sets"}},
      {.name = "sismember", .arity = 3, .flags = ro_fast, .group = set,
       .keys = {key_at(1, k_ro)}, .handler = ismember_cmd<false>, .member_arg = 2,
       .docs = {"Tells whether a string is a member of a set.", "1.0.0", "O(1)"}},
      {.name = "smembers", .arity = 2, .flags = f_readonly, .group = set,
       .keys = {key_at(1, read)}, .handler = smembers_cmd,
       .tips = "nondeterministic_output_order",
       .docs = {"Returns all members of a set.", "1.0.0", "O(N) for N members"}},
      {.name = "smismember", .arity = -3, .flags = ro_fast, .group = set,
       .keys = {key_at(1, read)}, .handler = ismember_cmd<true>, .member_arg = 2,
       .docs = {"Tells for each string whether it is a member of a set.", "6.2.0",
                "O(N) for N strings"}},
      {.name = "smove", .arity = 4, .flags = f_write | f_fast, .group = set,
       .keys = {key_at(1, k_rw | k_access | k_delete), key_at(2, k_rw | k_insert)},
       .handler = smove_cmd,
       .docs = {"Moves a member from one set to another.", "1.0.0", "O(1)"}},
      {.name = "spop", .arity = -2, .flags = f_write | f_fast, .group = set,
       .keys = {key_at(1, k_rw | k_access | k_delete)}, .handler = spop_cmd,
       .tips = "nondeterministic_output",
       .docs = {"Removes and returns random members of a set.", "1.0.0",
                "O(N) for N members removed"}},
      {.name = "srandmember", .arity = -2, .flags = f_readonly, .group = set,
       .keys = {key_at(1, read)}, .handler = srandmember_cmd,
       .tips = "nondeterministic_output",
       .docs = {"Returns random members of a set.", "1.0.0", "O(N) for N members returned"}},
      {.name = "srem", .arity = -3, .flags = f_write | f_fast, .group = set,
       .keys = {key_at(1, k_rw | k_delete)}, .handler = srem_cmd, .member_arg = 2,
       .docs = {"Removes members from a set, deleting it when empty.", "1.0.0",
                "O(N) for N members removed"}},
      {.name = "sscan", .arity = -3, .flags = f_readonly, .group = set,
       .keys = {key_at(1, read)}, .handler = sscan_cmd, .tips = "nondeterministic_output",
       .docs = {"Iterates over the members of a set.", "2.8.0",
                "O(1) per call, O(N) for a complete iteration"}},
      {.name = "sunion", .arity = -2, .flags = f_readonly, .group = set, .keys = {sources},
       .handler = algebra_cmd<set_algebra::union_>, .tips = "nondeterministic_output_order",
       .docs = {"Returns the members of all the sets.", "1.0.0",
                "O(N) for N members of all the sets"}},
      {.name = "sunionstore", .arity = -3, .flags = rw, .group = set,
       .keys = {key_at(1, k_ow | k_update), store_sources},
       .handler = algebra_store_cmd<set_algebra::union_>,
       .docs = {"Stores the union of sets at a key.", "1.0.0",
                "O(N) for N members of all the sets"}},
  };
  t.add(rows);
}

} // namespace actis::commands
