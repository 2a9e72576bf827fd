// The blocking commands: BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP, BZPOPMIN,
// BZPOPMAX, BZMPOP. Each tries its keys in order as its non-blocking form
// would; when none can serve it, it parks (commands/blocking.hpp) and the
// partition that sees one of its keys change serves it from that key.
// Propagated as the non-blocking command that had the same effect (Redis
// rewrites BLPOP as LPOP, BLMOVE as LMOVE ...).
#include <cmath>
#include <climits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "commands/command.hpp"
#include "commands/context.hpp"
#include "commands/families.hpp"
#include "commands/list_ops.hpp"
#include "commands/mpop.hpp"
#include "commands/zset_ops.hpp"
#include "datatypes/strutil.hpp"

namespace actis::commands {

namespace {

using datatypes::obj_type;

/// Redis's getTimeoutFromObjectOrReply for seconds: a float, in ms rounded
/// up (so 0.0001 waits 1 ms, and -0.0001 is 0: wait forever), 0 waiting
/// forever. A product beyond the range of long long converts to LLONG_MIN
/// as on Redis's x86 builds, hence "negative". Replies the error and
/// returns nullopt.
std::optional<int64_t> parse_timeout(command_context& ctx, std::string_view arg) {
  long double seconds = 0;
  if (!datatypes::parse_long_double(arg, seconds) || std::isnan(seconds)) {
    ctx.reply.error(protocol::err::timeout_not_float);
    return std::nullopt;
  }
  long double product = std::ceil(seconds * 1000.0L);
  constexpr long double limit = 9223372036854775808.0L; // 2^63
  long long ms = product < limit && product > -limit ? static_cast<long long>(product)
                                                     : LLONG_MIN;
  if (ms < 0) {
    ctx.reply.error(protocol::err::timeout_negative);
    return std::nullopt;
  }
  return ms;
}

/// The keys a blocking command may take from now: all of them in order, or
/// only the one that became ready while it is served.
std::vector<std::string_view> candidates(const command_context& ctx,
                                         const std::vector<std::string_view>& keys) {
  if (ctx.ready_key != nullptr)
    return {*ctx.ready_key};
  return keys;
}

/// The key a blocking command takes from now, or nullopt when it has
/// answered already or must not go on: the first of `keys` holding a value
/// holds another type than `t` (WRONGTYPE; while served the command just
/// keeps waiting), none holds one (parked for `timeout_ms`), or, while
/// served, another claimer won the client.
std::optional<std::string_view> key_to_take(command_context& ctx,
                                            std::vector<std::string_view> keys, obj_type t,
                                            int64_t timeout_ms) {
  for (auto key : candidates(ctx, keys)) {
    auto* e = ctx.ks->lookup_write(ctx.db, key);
    if (e == nullptr)
      continue;
    if (e->val.type() != t) {
      if (ctx.ready_key == nullptr)
        ctx.reply.error(protocol::err::wrong_type);
      return std::nullopt;
    }
    if (!begin_serving(ctx))
      return std::nullopt;
    return key;
  }
  park(ctx, std::move(keys), timeout_ms);
  return std::nullopt;
}

std::vector<std::string_view> key_views(const command_args& argv, size_t from, size_t count) {
  std::vector<std::string_view> keys;
  keys.reserve(count);
  for (size_t i = 0; i < count; ++i)
    keys.emplace_back(argv[from + i]);
  return keys;
}

std::string count_arg(size_t count) {
  return datatypes::ll_to_string(static_cast<long long>(count));
}

// --- lists -------------------------------------------------------------------

/// BLPOP / BRPOP key [key ...] timeout
void bpop_list(command_context& ctx, list_end end) {
  auto timeout = parse_timeout(ctx, ctx.argv.back());
  if (!timeout)
    return;
  auto key = key_to_take(ctx, key_views(ctx.argv, 1, ctx.argv.size() - 2), obj_type::list,
                         *timeout);
  if (!key)
    return;
  auto r = op_list_pop(*ctx.ks, ctx.db, *key, end, 1);
  if (!r.ok())
    return reply_error(ctx, r.error());
  ctx.reply.array(2);
  ctx.reply.bulk(*key);
  ctx.reply.bulk(r->front());
  ctx.propagate_as({end == list_end::left ? "LPOP" : "RPOP", std::string(*key)});
}

void blpop_cmd(command_context& ctx) { bpop_list(ctx, list_end::left); }
void brpop_cmd(command_context& ctx) { bpop_list(ctx, list_end::right); }

/// BLMOVE / BRPOPLPUSH: moves from `src` once it holds a list.
void bmove_list(command_context& ctx, list_end from, list_end to, std::string_view timeout_arg,
                bool rpoplpush) {
  auto timeout = parse_timeout(ctx, timeout_arg);
  if (!timeout)
    return;
  const std::string& src = ctx.argv[1];
  const std::string& dst = ctx.argv[2];
  if (!key_to_take(ctx, {src}, obj_type::list, *timeout))
    return;
  // Served from a partition that cannot reach the destination: the client
  // runs it again as an ordinary command holding both.
  if (ctx.ready_key != nullptr && !ctx.ks->holds(dst)) {
    ctx.handed_back = true;
    return;
  }
  auto r = op_list_move(*ctx.ks, ctx.db, src, dst, from, to);
  if (!r.ok())
    return reply_error(ctx, r.error());
  ctx.reply.bulk(*r);
  if (rpoplpush)
    ctx.propagate_as({"RPOPLPUSH", src, dst});
  else
    ctx.propagate_as({"LMOVE", src, dst, from == list_end::left ? "LEFT" : "RIGHT",
                      to == list_end::left ? "LEFT" : "RIGHT"});
}

void blmove_cmd(command_context& ctx) {
  auto from = parse_list_end(ctx.argv[3]);
  auto to = parse_list_end(ctx.argv[4]);
  if (!from || !to)
    return reply_status(ctx.reply, op_status::syntax);
  bmove_list(ctx, *from, *to, ctx.argv[5], false);
}

void brpoplpush_cmd(command_context& ctx) {
  bmove_list(ctx, list_end::right, list_end::left, ctx.argv[3], true);
}

/// BLMPOP timeout numkeys key [key ...] LEFT|RIGHT [COUNT count]
void blmpop_cmd(command_context& ctx) {
  // Redis reads the timeout after the other arguments.
  auto args = parse_mpop(ctx.argv, 2, "left", "right");
  if (!args.ok())
    return reply_error(ctx, args.error());
  auto timeout = parse_timeout(ctx, ctx.argv[1]);
  if (!timeout)
    return;
  auto end = args->first_end ? list_end::left : list_end::right;
  auto key = key_to_take(ctx, key_views(ctx.argv, 3, args->numkeys), obj_type::list, *timeout);
  if (!key)
    return;
  auto r = op_list_pop(*ctx.ks, ctx.db, *key, end, args->count);
  if (!r.ok())
    return reply_error(ctx, r.error());
  ctx.reply.array(2);
  ctx.reply.bulk(*key);
  ctx.reply.array(r->size());
  for (auto& v : *r)
    ctx.reply.bulk(v);
  ctx.propagate_as(
      {end == list_end::left ? "LPOP" : "RPOP", std::string(*key), count_arg(r->size())});
}

// --- sorted sets ----------------------------------------------------------------

/// BZPOPMIN / BZPOPMAX key [key ...] timeout
void bzpop(command_context& ctx, bool max) {
  auto timeout = parse_timeout(ctx, ctx.argv.back());
  if (!timeout)
    return;
  auto key = key_to_take(ctx, key_views(ctx.argv, 1, ctx.argv.size() - 2), obj_type::zset,
                         *timeout);
  if (!key)
    return;
  auto r = op_zset_pop(*ctx.ks, ctx.db, *key, max, 1);
  if (!r.ok())
    return reply_error(ctx, r.error());
  ctx.reply.array(3);
  ctx.reply.bulk(*key);
  ctx.reply.bulk(r->front().member);
  ctx.reply.dbl(r->front().score);
  ctx.propagate_as({max ? "ZPOPMAX" : "ZPOPMIN", std::string(*key)});
}

void bzpopmin_cmd(command_context& ctx) { bzpop(ctx, false); }
void bzpopmax_cmd(command_context& ctx) { bzpop(ctx, true); }

/// BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count]
void bzmpop_cmd(command_context& ctx) {
  // Redis reads the timeout after the other arguments.
  auto args = parse_mpop(ctx.argv, 2, "min", "max");
  if (!args.ok())
    return reply_error(ctx, args.error());
  auto timeout = parse_timeout(ctx, ctx.argv[1]);
  if (!timeout)
    return;
  bool max = !args->first_end;
  auto key = key_to_take(ctx, key_views(ctx.argv, 3, args->numkeys), obj_type::zset, *timeout);
  if (!key)
    return;
  auto r = op_zset_pop(*ctx.ks, ctx.db, *key, max, args->count);
  if (!r.ok())
    return reply_error(ctx, r.error());
  ctx.reply.array(2);
  ctx.reply.bulk(*key);
  ctx.reply.array(r->size());
  for (auto& m : *r) {
    ctx.reply.array(2);
    ctx.reply.bulk(m.member);
    ctx.reply.dbl(m.score);
  }
  ctx.propagate_as({max ? "ZPOPMAX" : "ZPOPMIN", std::string(*key), count_arg(r->size())});
}

} // namespace

void register_blocking_family(command_table& t) {
  constexpr uint32_t blocking_write = f_write | f_blocking;
  constexpr auto list = command_group::list;
  constexpr auto zset = command_group::sorted_set;
  constexpr uint16_t rw_pop = k_rw | k_access | k_delete;
  // All keys but the trailing timeout (BLPOP, BRPOP, BZPOPMIN, BZPOPMAX).
  const key_spec keys_before_timeout{rw_pop, begin_at(1), keys_range(-2)};
  // numkeys at argv[2], the keys after it (BLMPOP, BZMPOP).
  const key_spec counted_keys{rw_pop, begin_at(2), keys_counted(0, 1)};
  const command_def rows[] = {
      {.name = "blpop", .arity = -3, .flags = blocking_write | f_noscript, .group = list,
       .keys = {keys_before_timeout}, .handler = blpop_cmd,
       .docs = {"Pops the first element of the first non-empty list, waiting for one if all are "
                "empty; an emptied list is deleted.",
                "2.0.0", "O(N) where N is the number of provided keys."}},
      {.name = "brpop", .arity = -3, .flags = blocking_write | f_noscript, .group = list,
       .keys = {keys_before_timeout}, .handler = brpop_cmd,
       .docs = {"Pops the last element of the first non-empty list, waiting for one if all are "
                "empty; an emptied list is deleted.",
                "2.0.0", "O(N) where N is the number of provided keys."}},
      {.name = "blmove", .arity = 6, .flags = blocking_write | f_noscript | f_denyoom,
       .group = list,
       .keys = {key_at(1, rw_pop), key_at(2, k_rw | k_insert)}, .handler = blmove_cmd,
       .docs = {"Moves an element from one end of a list to an end of another and returns it, "
                "waiting for one if the source is empty.",
                "6.2.0", "O(1)"}},
      {.name = "brpoplpush", .arity = 4, .flags = blocking_write | f_noscript | f_denyoom,
       .group = list,
       .keys = {key_at(1, rw_pop), key_at(2, k_rw | k_insert)}, .handler = brpoplpush_cmd,
       .docs = {"Moves the last element of a list to the head of another and returns it, "
                "waiting for one if the source is empty.",
                "2.2.0", "O(1)"}},
      {.name = "blmpop", .arity = -5, .flags = blocking_write, .group = list,
       .keys = {counted_keys}, .handler = blmpop_cmd,
       .docs = {"Pops elements from the first non-empty list among several, waiting for one if "
                "all are empty.",
                "7.0.0",
                "O(N+M) where N is the number of provided keys and M is the number of elements "
                "returned."}},
      {.name = "bzpopmin", .arity = -3, .flags = blocking_write | f_noscript | f_fast, .group = zset,
       .keys = {keys_before_timeout}, .handler = bzpopmin_cmd,
       .docs = {"Pops the lowest-scored member of the first non-empty sorted set, waiting for "
                "one if all are empty.",
                "5.0.0",
                "O(log(N)) with N being the number of elements in the sorted set."}},
      {.name = "bzpopmax", .arity = -3, .flags = blocking_write | f_noscript | f_fast, .group = zset,
       .keys = {keys_before_timeout}, .handler = bzpopmax_cmd,
       .docs = {"Pops the highest-scored member of the first non-empty sorted set, waiting for "
                "one if all are empty.",
                "5.0.0",
                "O(log(N)) with N being the number of elements in the sorted set."}},
      {.name = "bzmpop", .arity = -5, .flags = blocking_write, .group = zset,
       .keys = {counted_keys}, .handler = bzmpop_cmd,
       .docs = {"Pops members by score from the first non-empty sorted set among several, "
                "waiting for one if all are empty.",
                "7.0.0",
                "O(K) + O(M*log(N)) where K is the number of provided keys, N being the number "
                "of elements in the sorted set, and M being the number of elements popped."}},
  };
  t.add(rows);
}

} // namespace actis::commands
