// The sorted set commands: ZADD, ZINCRBY, lookups, ZREM, pops, ZRANDMEMBER,
// ZSCAN, and the registration of the whole family (the range and set
// operation handlers are in zset_range_family.cpp). Operations are in
// zset_ops.cpp / zset_setops.cpp.
#include <climits>
#include <string>
#include <vector>

#include "commands/families.hpp"
#include "commands/mpop.hpp"
#include "commands/scan_args.hpp"
#include "commands/zset_family_internal.hpp"
#include "datatypes/strutil.hpp"

namespace actis::commands {

namespace {

namespace err = protocol::err;
using datatypes::iequals;
using datatypes::parse_ll;
using zset_family::reply_members;

// --- ZADD / ZINCRBY ----------------------------------------------------------

/// Redis's zaddGenericCommand from the options on: flags until the first
/// non-flag, then score/member pairs.
void zadd_generic(command_context& ctx, zadd_options o) {
  const auto& argv = ctx.argv;
  size_t j = 2;
  for (; j < argv.size(); ++j) {
    const auto& opt = argv[j];
    if (iequals(opt, "nx")) o.nx = true;
    else if (iequals(opt, "xx")) o.xx = true;
    else if (iequals(opt, "ch")) o.ch = true;
    else if (iequals(opt, "incr")) o.incr = true;
    else if (iequals(opt, "gt")) o.gt = true;
    else if (iequals(opt, "lt")) o.lt = true;
    else break;
  }
  size_t rest = argv.size() - j;
  if (rest == 0 || rest % 2 != 0)
    return ctx.reply.error(err::syntax);
  if (o.nx && o.xx)
    return ctx.reply.error(err::xx_and_nx);
  if ((o.gt && o.nx) || (o.lt && o.nx) || (o.gt && o.lt))
    return ctx.reply.error(err::zadd_gt_lt_nx);
  if (o.incr && rest > 2)
    return ctx.reply.error(err::zadd_incr_pair);
  std::vector<zadd_element> elements(rest / 2);
  for (size_t i = 0; i < elements.size(); ++i) {
    if (!datatypes::parse_double(argv[j + 2 * i], elements[i].score))
      return ctx.reply.error(err::not_float);
    elements[i].member = argv[j + 2 * i + 1];
  }
  auto r = op_zadd(*ctx.ks, ctx.db, argv[1], o, elements);
  if (!r.ok())
    return reply_error(ctx, r.error());
  if (o.incr) {
    if (r->incr_score)
      ctx.reply.dbl(*r->incr_score);
    else
      ctx.reply.null();
  } else {
    ctx.reply.integer(static_cast<long long>(o.ch ? r->added + r->updated : r->added));
  }
}

void zadd_cmd(command_context& ctx) { zadd_generic(ctx, {}); }

void zincrby_cmd(command_context& ctx) {
  zadd_options o;
  o.incr = true;
  zadd_generic(ctx, o);
}

// --- Lookups -------------------------------------------------------------------

void zcard_cmd(command_context& ctx) {
  auto r = op_zcard(*ctx.ks, ctx.db, ctx.argv[1]);
  if (!r.ok())
    return reply_error(ctx, r.error());
  ctx.reply.integer(static_cast<long long>(*r));
}

void zscore_cmd(command_context& ctx) {
  auto r = op_zscore(*ctx.ks, ctx.db, ctx.argv[1], ctx.argv[2]);
  if (!r.ok())
    return reply_error(ctx, r.error());
  ctx.reply.dbl(*r);
}

void zmscore_cmd(command_context& ctx) {
  std::span<const std::string> members(ctx.argv.data() + 2, ctx.argv.size() - 2);
  auto r = op_zmscore(*ctx.ks, ctx.db, ctx.argv[1], members);
  if (!r.ok())
    return reply_error(ctx, r.error());
  ctx.reply.array(r->size());
  for (const auto& s : *r) {
    if (s)
      ctx.reply.dbl(*s);
    else
      ctx.reply.null();
  }
}

template <bool Reverse>
void zrank_cmd(command_context& ctx) {
  auto r = op_zrank(*ctx.ks, ctx.db, ctx.argv[1], ctx.argv[2], Reverse);
  if (!r.ok())
    return reply_error(ctx, r.error());
  ctx.reply.integer(static_cast<long long>(r->rank));
}

// --- Removal and pops ----------------------------------------------------------

void zrem_cmd(command_context& ctx) {
  std::span<const std::string> members(ctx.argv.data() + 2, ctx.argv.size() - 2);
  auto r = op_zrem(*ctx.ks, ctx.db, ctx.argv[1], members);
  if (!r.ok())
    return reply_error(ctx, r.error());
  ctx.reply.integer(static_cast<long long>(*r));
}

/// ZPOPMIN / ZPOPMAX key [count]: a flat member/score array, nested pairs in
/// RESP3 when a count is given.
template <bool Max>
void zpop_cmd(command_context& ctx) {
  if (ctx.argv.size() > 3)
    return ctx.reply.error(err::syntax);
  long long count = 1;
  bool counted = ctx.argv.size() == 3;
  if (counted && (!parse_ll(ctx.argv[2], count) || count < 0))
    return ctx.reply.error(err::positive_count);
  auto r = op_zset_pop(*ctx.ks, ctx.db, ctx.argv[1], Max, static_cast<size_t>(count));
  if (r.status() == op_status::nil)
    return ctx.reply.array(0);
  if (!r.ok())
    return reply_error(ctx, r.error());
  bool pairs = counted && ctx.reply.resp() > 2;
  ctx.reply.array(pairs ? r->size() : r->size() * 2);
  for (const auto& m : *r) {
    if (pairs)
      ctx.reply.array(2);
    ctx.reply.bulk(m.member);
    ctx.reply.dbl(m.score);
  }
}

/// ZMPOP numkeys key... MIN|MAX [COUNT count]: pops from the first
/// non-empty key; replicated as ZPOPMIN/ZPOPMAX key count.
void zmpop_cmd(command_context& ctx) {
  const auto& argv = ctx.argv;
  auto args = parse_mpop(argv, 1, "min", "max");
  if (!args.ok())
    return reply_error(ctx, args.error());
  bool max = !args->first_end;
  auto count = static_cast<long long>(args->count);
  size_t where = 2 + args->numkeys;
  for (size_t k = 2; k < where; ++k) {
    auto r = op_zset_pop(*ctx.ks, ctx.db, argv[k], max, static_cast<size_t>(count));
    if (r.status() == op_status::nil)
      continue;
    if (!r.ok())
      return reply_error(ctx, r.error());
    ctx.reply.array(2);
    ctx.reply.bulk(argv[k]);
    // [member, score] pairs in both protocols.
    ctx.reply.array(r->size());
    for (const auto& m : *r) {
      ctx.reply.array(2);
      ctx.reply.bulk(m.member);
      ctx.reply.dbl(m.score);
    }
    ctx.propagate_as({max ? "ZPOPMAX" : "ZPOPMIN", argv[k], std::to_string(count)});
    return;
  }
  ctx.reply.null_array();
}

// --- ZRANDMEMBER / ZSCAN -------------------------------------------------------

void zrandmember_cmd(command_context& ctx) {
  const auto& argv = ctx.argv;
  if (argv.size() == 2) {
    auto r = op_zrandmember(*ctx.ks, ctx.db, argv[1], 1);
    if (!r.ok())
      return reply_error(ctx, r.error());
    if (r->empty())
      return ctx.reply.null();
    return ctx.reply.bulk(r->front().member);
  }
  long long count;
  if (!parse_ll(argv[2], count))
    return ctx.reply.error(err::not_integer);
  if (count == LLONG_MIN)
    return ctx.reply.error(err::long_out_of_range);
  if (argv.size() > 4 || (argv.size() == 4 && !iequals(argv[3], "withscores")))
    return ctx.reply.error(err::syntax);
  bool withscores = argv.size() == 4;
  // The reply would need more than LONG_MAX elements.
  if (withscores && (count < -(LLONG_MAX / 2) || count > LLONG_MAX / 2))
    return ctx.reply.error(err::value_out_of_range);
  auto r = op_zrandmember(*ctx.ks, ctx.db, argv[1], count);
  if (!r.ok())
    return reply_error(ctx, r.error());
  reply_members(ctx, *r, withscores);
}

void zscan_cmd(command_context& ctx) {
  const auto& argv = ctx.argv;
  auto cursor = parse_scan_cursor(argv[2]);
  if (!cursor.ok())
    return reply_error(ctx, cursor.error());
  // Redis answers a missing key and a wrong type before reading options.
  auto size = op_zcard(*ctx.ks, ctx.db, argv[1]);
  if (!size.ok())
    return reply_error(ctx, size.error());
  if (*size == 0) {
    ctx.reply.array(2);
    ctx.reply.bulk("0");
    return ctx.reply.array(0);
  }
  auto opt = parse_scan_options(argv, 3, false);
  if (!opt.ok())
    return reply_error(ctx, opt.error());
  auto page = op_zscan(*ctx.ks, ctx.db, argv[1], *cursor, opt->count, opt->pattern);
  if (!page.ok())
    return reply_error(ctx, page.error());
  ctx.reply.array(2);
  ctx.reply.bulk(std::to_string(page->next_cursor));
  ctx.reply.array(page->items.size() * 2);
  for (const auto& m : page->items) {
    ctx.reply.bulk(m.member);
    ctx.reply.bulk(datatypes::double_to_string(m.score));
  }
}

} // namespace

void register_zset_family(command_table& t) {
  using namespace zset_family;
  constexpr auto zset = command_group::sorted_set;
  constexpr uint32_t ro = f_readonly;
  constexpr uint32_t ro_fast = f_readonly | f_fast;
  constexpr uint16_t read = k_ro | k_access;
  constexpr uint16_t remove = k_rw | k_access | k_delete;
  const key_spec counted_reads{read, begin_at(1), keys_counted(0, 1, 1)};
  const std::vector<key_spec> store_keys = {key_at(1, k_ow | k_update),
                                            {read, begin_at(2), keys_counted(0, 1, 1)}};
  const command_def rows[] = {
      {.name = "zadd", .arity = -4, .flags = f_write | f_denyoom | f_fast, .group = zset,
       .keys = {key_at(1, k_rw | k_update)}, .handler = zadd_cmd,
       .docs = {"Adds members to a sorted set, or updates their scores.", "1.2.0",
                "O(log(N)) for each added member"}},
      {.name = "zincrby", .arity = 4, .flags = f_write | f_denyoom | f_fast, .group = zset,
       .keys = {key_at(1, k_rw | k_access | k_update)}, .handler = zincrby_cmd,
       .docs = {"Adds an amount to the score of a sorted set member.", "1.2.0", "O(log(N))"}},
      {.name = "zcard", .arity = 2, .flags = ro_fast, .group = zset, .keys = {key_at(1, k_ro)},
       .handler = zcard_cmd, .docs = {"Returns the size of a sorted set.", "1.2.0", "O(1)"}},
      {.name = "zcount", .arity = 4, .flags = ro_fast, .group = zset, .keys = {key_at(1, read)},
       .handler = zcount_cmd,
       .docs = {"Counts the members of a sorted set within a score range.", "2.0.0",
                "O(log(N))"}},
      {.name = "zlexcount", .arity = 4, .flags = ro_fast, .group = zset,
       .keys = {key_at(1, read)}, .handler = zlexcount_cmd,
       .docs = {"Counts the members of a sorted set within a lexicographic range.", "2.8.9",
                "O(log(N))"}},
      {.name = "zscore", .arity = 3, .flags = ro_fast, .group = zset, .keys = {key_at(1, read)},
       .handler = zscore_cmd,
       .docs = {"Returns the score of a sorted set member.", "1.2.0", "O(1)"}},
      {.name = "zmscore", .arity = -3, .flags = ro_fast, .group = zset,
       .keys = {key_at(1, read)}, .handler = zmscore_cmd,
       .docs = {"Returns the scores of several sorted set members.", "6.2.0",
                "O(N) for N members"}},
      {.name = "zrank", .arity = 3, .flags = ro_fast, .group = zset, .keys = {key_at(1, read)},
       .handler = zrank_cmd<false>,
       .docs = {"Returns the ascending rank of a sorted set member.", "2.0.0", "O(log(N))"}},
      {.name = "zrevrank", .arity = 3, .flags = ro_fast, .group = zset,
       .keys = {key_at(1, read)}, .handler = zrank_cmd<true>,
       .docs = {"Returns the descending rank of a sorted set member.", "2.0.0", "O(log(N))"}},
      {.name = "zrem", .arity = -3, .flags = f_write | f_fast, .group = zset,
       .keys = {key_at(1, k_rw | k_delete)}, .handler = zrem_cmd,
       .docs = {"Removes members from a sorted set.", "1.2.0",
                "O(M*log(N)) for M removed members"}},
      {.name = "zremrangebyrank", .arity = 4, .flags = f_write, .group = zset,
       .keys = {key_at(1, k_rw | k_delete)}, .handler = zremrangebyrank_cmd,
       .docs = {"Removes the members of a sorted set within a rank range.", "2.0.0",
                "O(log(N)+M) for M removed members"}},
      {.name = "zremrangebyscore", .arity = 4, .flags = f_write, .group = zset,
       .keys = {key_at(1, k_rw | k_delete)}, .handler = zremrangebyscore_cmd,
       .docs = {"Removes the members of a sorted set within a score range.", "1.2.0",
                "O(log(N)+M) for M removed members"}},
      {.name = "zremrangebylex", .arity = 4, .flags = f_write, .group = zset,
       .keys = {key_at(1, k_rw | k_delete)}, .handler = zremrangebylex_cmd,
       .docs = {"Removes the members of a sorted set within a lexicographic range.", "2.8.9",
                "O(log(N)+M) for M removed members"}},
      {.name = "zpopmin", .arity = -2, .flags = f_write | f_fast, .group = zset,
       .keys = {key_at(1, remove)}, .handler = zpop_cmd<false>,
       .docs = {"Removes and returns the members with the lowest scores.", "5.0.0",
                "O(log(N)*M) for M popped members"}},
      {.name = "zpopmax", .arity = -2, .flags = f_write | f_fast, .group = zset,
       .keys = {key_at(1, remove)}, .handler = zpop_cmd<true>,
       .docs = {"Removes and returns the members with the highest scores.", "5.0.0",
                "O(log(N)*M) for M popped members"}},
      {.name = "zmpop", .arity = -4, .flags = f_write, .group = zset,
       .keys = {{remove, begin_at(1), keys_counted(0, 1, 1)}}, .handler = zmpop_cmd,
       .docs = {"Pops members with the lowest or highest scores from the first non-empty "
                "sorted set.", "7.0.0", "O(K) + O(M*log(N)) for K keys and M popped members"}},
      {.name = "zrandmember", .arity = -2, .flags = ro, .group = zset,
       .keys = {key_at(1, read)}, .handler = zrandmember_cmd, .tips = "nondeterministic_output",
       .docs = {"Returns random members of a sorted set.", "6.2.0",
                "O(N) for N returned members"}},
      {.name = "zscan", .arity = -3, .flags = ro, .group = zset, .keys = {key_at(1, read)},
       .handler = zscan_cmd, .tips = "nondeterministic_output",
       .docs = {"Iterates over the members and scores of a sorted set.", "2.8.0",
                "O(1) for every call, O(N) for a complete iteration"}},
      {.name = "zrange", .arity = -4, .flags = ro, .group = zset, .keys = {key_at(1, read)},
       .handler = zrange_cmd,
       .docs = {"Returns members of a sorted set by rank, score or lexicographic range.",
                "1.2.0", "O(log(N)+M) for M returned members"}},
      {.name = "zrangestore", .arity = -5, .flags = f_write | f_denyoom, .group = zset,
       .keys = {key_at(1, k_ow | k_update), key_at(2, read)}, .handler = zrangestore_cmd,
       .docs = {"Stores a range of a sorted set in another key.", "6.2.0",
                "O(log(N)+M) for M stored members"}},
      {.name = "zrevrange", .arity = -4, .flags = ro, .group = zset, .keys = {key_at(1, read)},
       .handler = zrevrange_cmd,
       .docs = {"Returns members of a sorted set by rank, highest scores first.", "1.2.0",
                "O(log(N)+M) for M returned members"}},
      {.name = "zrangebyscore", .arity = -4, .flags = ro, .group = zset,
       .keys = {key_at(1, read)}, .handler = zrangebyscore_cmd,
       .docs = {"Returns members of a sorted set within a score range.", "1.0.5",
                "O(log(N)+M) for M returned members"}},
      {.name = "zrevrangebyscore", .arity = -4, .flags = ro, .group = zset,
       .keys = {key_at(1, read)}, .handler = zrevrangebyscore_cmd,
       .docs = {"Returns members of a sorted set within a score range, highest first.",
                "2.2.0", "O(log(N)+M) for M returned members"}},
      {.name = "zrangebylex", .arity = -4, .flags = ro, .group = zset,
       .keys = {key_at(1, read)}, .handler = zrangebylex_cmd,
       .docs = {"Returns members of a sorted set within a lexicographic range.", "2.8.9",
                "O(log(N)+M) for M returned members"}},
      {.name = "zrevrangebylex", .arity = -4, .flags = ro, .group = zset,
       .keys = {key_at(1, read)}, .handler = zrevrangebylex_cmd,
       .docs = {"Returns members of a sorted set within a lexicographic range, in reverse.",
                "2.8.9", "O(log(N)+M) for M returned members"}},
      {.name = "zunion", .arity = -3, .flags = ro, .group = zset, .keys = {counted_reads},
       .handler = zunion_cmd,
       .docs = {"Returns the union of sorted sets.", "6.2.0",
                "O(N)+O(M*log(M)) for N input and M result members"}},
      {.name = "zinter", .arity = -3, .flags = ro, .group = zset, .keys = {counted_reads},
       .handler = zinter_cmd,
       .docs = {"Returns the intersection of sorted sets.", "6.2.0",
                "O(N*K)+O(M*log(M)) for the smallest input N, K inputs, M results"}},
      {.name = "zintercard", .arity = -3, .flags = ro, .group = zset, .keys = {counted_reads},
       .handler = zintercard_cmd,
       .docs = {"Returns the size of the intersection of sorted sets.", "7.0.0",
                "O(N*K) for the smallest input N and K inputs"}},
      {.name = "zdiff", .arity = -3, .flags = ro, .group = zset, .keys = {counted_reads},
       .handler = zdiff_cmd,
       .docs = {"Returns the difference between the first sorted set and the others.",
                "6.2.0", "O(L + (N-K)log(N)) worst case"}},
      {.name = "zunionstore", .arity = -4, .flags = f_write | f_denyoom, .group = zset,
       .keys = store_keys, .handler = zunionstore_cmd,
       .docs = {"Stores the union of sorted sets in a key.", "2.0.0",
                "O(N)+O(M*log(M)) for N input and M result members"}},
      {.name = "zinterstore", .arity = -4, .flags = f_write | f_denyoom, .group = zset,
       .keys = store_keys, .handler = zinterstore_cmd,
       .docs = {"Stores the intersection of sorted sets in a key.", "2.0.0",
                "O(N*K)+O(M*log(M)) for the smallest input N, K inputs, M results"}},
      {.name = "zdiffstore", .arity = -4, .flags = f_write | f_denyoom, .group = zset,
       .keys = store_keys, .handler = zdiffstore_cmd,
       .docs = {"Stores the difference of sorted sets in a key.", "6.2.0",
                "O(L + (N-K)log(N)) worst case"}},
  };
  t.add(rows);
}

} // namespace actis::commands
