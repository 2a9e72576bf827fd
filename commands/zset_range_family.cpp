// The sorted set family's range commands (ZRANGE and its legacy forms,
// ZRANGESTORE, ZCOUNT, ZLEXCOUNT, ZREMRANGEBY*) and set operations (ZUNION,
// ZINTER, ZDIFF, their STORE forms, ZINTERCARD): parsing and replies.
#include <cstdlib>
#include <string>

#include "commands/zset_family_internal.hpp"
#include "datatypes/strutil.hpp"

namespace actis::commands::zset_family {

namespace err = protocol::err;
using datatypes::iequals;
using datatypes::lex_bound;
using datatypes::parse_ll;

void reply_members(command_context& ctx, std::span<const scored_member> members,
                   bool withscores) {
  bool pairs = withscores && ctx.reply.resp() > 2;
  ctx.reply.array(withscores && !pairs ? members.size() * 2 : members.size());
  for (const auto& m : members) {
    if (pairs)
      ctx.reply.array(2);
    ctx.reply.bulk(m.member);
    if (withscores)
      ctx.reply.dbl(m.score);
  }
}

namespace {

/// One end of a score range as Redis's zslParseRange reads it: an optional
/// '(' then strtod up to the end of the C string; NaN is refused, an empty
/// number is 0.
bool parse_score_bound(std::string_view arg, double& out, bool& exclusive) {
  std::string text(arg.substr(0, arg.find('\0')));
  const char* p = text.c_str();
  exclusive = p[0] == '(';
  if (exclusive)
    ++p;
  char* end = nullptr;
  out = std::strtod(p, &end);
  return *end == '\0' && !std::isnan(out);
}

bool parse_score_range(std::string_view min, std::string_view max, datatypes::score_range& r) {
  return parse_score_bound(min, r.min, r.min_exclusive) &&
         parse_score_bound(max, r.max, r.max_exclusive);
}

/// Redis's zslParseLexRangeItem: "+", "-", "[text" or "(text".
bool parse_lex_bound(std::string_view arg, lex_bound& out) {
  if (arg.empty())
    return false;
  bool alone = arg.size() == 1 || arg[1] == '\0';
  switch (arg[0]) {
    case '+': out = {lex_bound::kind::plus_inf}; return alone;
    case '-': out = {lex_bound::kind::minus_inf}; return alone;
    case '(': out = {lex_bound::kind::exclusive, arg.substr(1)}; return true;
    case '[': out = {lex_bound::kind::inclusive, arg.substr(1)}; return true;
    default: return false;
  }
}

bool parse_lex_range(std::string_view min, std::string_view max, datatypes::lex_range& r) {
  return parse_lex_bound(min, r.min) && parse_lex_bound(max, r.max);
}

enum class direction : uint8_t { automatic, forward, reverse };
enum class range_type : uint8_t { automatic, rank, score, lex };

/// Redis's zrangeGenericCommand: argv[first] is the source key, followed by
/// the two range ends and the options. Fills `spec` (and withscores) or
/// replies the error and returns false.
bool parse_zrange(command_context& ctx, size_t first, range_type type, direction dir,
                  bool store, zrange_spec& spec, bool& withscores) {
  const auto& argv = ctx.argv;
  long long offset = 0, limit = -1;
  withscores = false;
  for (size_t j = first + 3; j < argv.size(); ++j) {
    size_t left = argv.size() - j - 1;
    if (!store && iequals(argv[j], "withscores")) {
      withscores = true;
    } else if (iequals(argv[j], "limit") && left >= 2) {
      if (!parse_ll(argv[j + 1], offset) || !parse_ll(argv[j + 2], limit)) {
        ctx.reply.error(err::not_integer);
        return false;
      }
      j += 2;
    } else if (dir == direction::automatic && iequals(argv[j], "rev")) {
      dir = direction::reverse;
    } else if (type == range_type::automatic && iequals(argv[j], "bylex")) {
      type = range_type::lex;
    } else if (type == range_type::automatic && iequals(argv[j], "byscore")) {
      type = range_type::score;
    } else {
      ctx.reply.error(err::syntax);
      return false;
    }
  }
  if (dir == direction::automatic)
    dir = direction::forward;
  if (type == range_type::automatic)
    type = range_type::rank;
  if (limit != -1 && type == range_type::rank) {
    ctx.reply.error(err::zrange_limit_without_by);
    return false;
  }
  if (withscores && type == range_type::lex) {
    ctx.reply.error(err::zrange_withscores_bylex);
    return false;
  }
  spec.reverse = dir == direction::reverse;
  spec.offset = offset;
  spec.count = limit;
  // Reversed score and lex ranges are written max first.
  std::string_view lo = argv[first + 1], hi = argv[first + 2];
  if (spec.reverse && type != range_type::rank)
    std::swap(lo, hi);
  switch (type) {
    case range_type::automatic:
    case range_type::rank:
      spec.kind = zrange_spec::by::rank;
      if (!parse_ll(lo, spec.start) || !parse_ll(hi, spec.stop)) {
        ctx.reply.error(err::not_integer);
        return false;
      }
      break;
    case range_type::score:
      spec.kind = zrange_spec::by::score;
      if (!parse_score_range(lo, hi, spec.scores)) {
        ctx.reply.error(err::min_max_not_float);
        return false;
      }
      break;
    case range_type::lex:
      spec.kind = zrange_spec::by::lex;
      if (!parse_lex_range(lo, hi, spec.lex)) {
        ctx.reply.error(err::min_max_not_lex);
        return false;
      }
      break;
  }
  return true;
}

void zrange_generic(command_context& ctx, range_type type, direction dir) {
  zrange_spec spec;
  bool withscores;
  if (!parse_zrange(ctx, 1, type, dir, false, spec, withscores))
    return;
  auto r = op_zrange(*ctx.ks, ctx.db, ctx.argv[1], spec);
  if (!r.ok())
    return reply_error(ctx, r.error());
  reply_members(ctx, *r, withscores);
}

} // namespace

void zrange_cmd(command_context& ctx) { zrange_generic(ctx, range_type::automatic, direction::automatic); }
void zrevrange_cmd(command_context& ctx) { zrange_generic(ctx, range_type::rank, direction::reverse); }
void zrangebyscore_cmd(command_context& ctx) { zrange_generic(ctx, range_type::score, direction::forward); }
void zrevrangebyscore_cmd(command_context& ctx) { zrange_generic(ctx, range_type::score, direction::reverse); }
void zrangebylex_cmd(command_context& ctx) { zrange_generic(ctx, range_type::lex, direction::forward); }
void zrevrangebylex_cmd(command_context& ctx) { zrange_generic(ctx, range_type::lex, direction::reverse); }

void zrangestore_cmd(command_context& ctx) {
  zrange_spec spec;
  bool withscores;
  if (!parse_zrange(ctx, 2, range_type::automatic, direction::automatic, true, spec, withscores))
    return;
  auto r = op_zrangestore(*ctx.ks, ctx.db, ctx.argv[1], ctx.argv[2], spec);
  if (!r.ok())
    return reply_error(ctx, r.error());
  ctx.reply.integer(static_cast<long long>(*r));
}

void zcount_cmd(command_context& ctx) {
  datatypes::score_range range;
  if (!parse_score_range(ctx.argv[2], ctx.argv[3], range))
    return ctx.reply.error(err::min_max_not_float);
  auto r = op_zcount(*ctx.ks, ctx.db, ctx.argv[1], range);
  if (!r.ok())
    return reply_error(ctx, r.error());
  ctx.reply.integer(static_cast<long long>(*r));
}

void zlexcount_cmd(command_context& ctx) {
  datatypes::lex_range range;
  if (!parse_lex_range(ctx.argv[2], ctx.argv[3], range))
    return ctx.reply.error(err::min_max_not_lex);
  auto r = op_zlexcount(*ctx.ks, ctx.db, ctx.argv[1], range);
  if (!r.ok())
    return reply_error(ctx, r.error());
  ctx.reply.integer(static_cast<long long>(*r));
}

namespace {

void zremrange_generic(command_context& ctx, zrange_spec::by kind) {
  zrange_spec spec;
  spec.kind = kind;
  bool ok = true;
  switch (kind) {
    case zrange_spec::by::rank:
      if (!parse_ll(ctx.argv[2], spec.start) || !parse_ll(ctx.argv[3], spec.stop))
        return ctx.reply.error(err::not_integer);
      break;
    case zrange_spec::by::score:
      ok = parse_score_range(ctx.argv[2], ctx.argv[3], spec.scores);
      if (!ok)
        return ctx.reply.error(err::min_max_not_float);
      break;
    case zrange_spec::by::lex:
      ok = parse_lex_range(ctx.argv[2], ctx.argv[3], spec.lex);
      if (!ok)
        return ctx.reply.error(err::min_max_not_lex);
      break;
  }
  auto r = op_zremrange(*ctx.ks, ctx.db, ctx.argv[1], spec);
  if (!r.ok())
    return reply_error(ctx, r.error());
  ctx.reply.integer(static_cast<long long>(*r));
}

} // namespace

void zremrangebyrank_cmd(command_context& ctx) { zremrange_generic(ctx, zrange_spec::by::rank); }
void zremrangebyscore_cmd(command_context& ctx) { zremrange_generic(ctx, zrange_spec::by::score); }
void zremrangebylex_cmd(command_context& ctx) { zremrange_generic(ctx, zrange_spec::by::lex); }

// --- ZUNION / ZINTER / ZDIFF ----------------------------------------------

namespace {

struct setop_args {
  std::vector<std::string> keys;
  std::vector<double> weights;
  zaggregate how = zaggregate::sum;
  bool withscores = false;
  long long limit = 0;
};

/// Redis's zunionInterDiffGenericCommand argument handling: numkeys at
/// argv[numkeys_index], the keys, then WEIGHTS / AGGREGATE (not for ZDIFF
/// or ZINTERCARD), WITHSCORES (not for stores), LIMIT (ZINTERCARD only).
/// A wrong-typed key is reported before any option error, as Redis looks
/// the keys up first. Replies the error and returns false.
bool parse_setop(command_context& ctx, size_t numkeys_index, zsetop op, bool store,
                 bool cardinality, setop_args& a) {
  const auto& argv = ctx.argv;
  long long numkeys;
  if (!parse_ll(argv[numkeys_index], numkeys)) {
    ctx.reply.error(err::not_integer);
    return false;
  }
  if (numkeys < 1) {
    ctx.reply.error(err::zset_no_input_keys(ctx.spec.name));
    return false;
  }
  if (numkeys > static_cast<long long>(argv.size() - numkeys_index - 1)) {
    ctx.reply.error(err::syntax);
    return false;
  }
  size_t n = static_cast<size_t>(numkeys);
  a.keys.assign(argv.begin() + static_cast<long>(numkeys_index) + 1,
                argv.begin() + static_cast<long>(numkeys_index + 1 + n));
  for (const auto& k : a.keys) {
    entry* e = ctx.ks->lookup_peek(ctx.db, k);
    if (e != nullptr && !is_zsetop_input(e->val.type())) {
      ctx.reply.error(err::wrong_type);
      return false;
    }
  }
  bool weighted = op != zsetop::diff && !cardinality;
  for (size_t j = numkeys_index + 1 + n; j < argv.size();) {
    size_t left = argv.size() - j;
    if (weighted && left >= n + 1 && iequals(argv[j], "weights")) {
      ++j;
      a.weights.resize(n);
      for (size_t i = 0; i < n; ++i, ++j)
        if (!datatypes::parse_double(argv[j], a.weights[i])) {
          ctx.reply.error(err::weight_not_float);
          return false;
        }
    } else if (weighted && left >= 2 && iequals(argv[j], "aggregate")) {
      const auto& how = argv[j + 1];
      if (iequals(how, "sum"))
        a.how = zaggregate::sum;
      else if (iequals(how, "min"))
        a.how = zaggregate::min;
      else if (iequals(how, "max"))
        a.how = zaggregate::max;
      else {
        ctx.reply.error(err::syntax);
        return false;
      }
      j += 2;
    } else if (!store && !cardinality && iequals(argv[j], "withscores")) {
      a.withscores = true;
      ++j;
    } else if (cardinality && left >= 2 && iequals(argv[j], "limit")) {
      // Redis gives one message for a non-number and a negative number.
      if (!parse_ll(argv[j + 1], a.limit) || a.limit < 0) {
        ctx.reply.error(err::limit_negative);
        return false;
      }
      j += 2;
    } else {
      ctx.reply.error(err::syntax);
      return false;
    }
  }
  return true;
}

void setop_read(command_context& ctx, zsetop op) {
  setop_args a;
  if (!parse_setop(ctx, 1, op, false, false, a))
    return;
  auto r = op_zsetop(*ctx.ks, ctx.db, op, a.keys, a.weights, a.how);
  if (!r.ok())
    return reply_error(ctx, r.error());
  reply_members(ctx, *r, a.withscores);
}

void setop_store(command_context& ctx, zsetop op, std::string_view event) {
  setop_args a;
  if (!parse_setop(ctx, 2, op, true, false, a))
    return;
  auto r = op_zsetop(*ctx.ks, ctx.db, op, a.keys, a.weights, a.how);
  if (!r.ok())
    return reply_error(ctx, r.error());
  auto n = op_zset_store(*ctx.ks, ctx.db, ctx.argv[1], std::move(*r), event);
  if (!n.ok())
    return reply_error(ctx, n.error());
  ctx.reply.integer(static_cast<long long>(*n));
}

} // namespace

void zunion_cmd(command_context& ctx) { setop_read(ctx, zsetop::union_); }
void zinter_cmd(command_context& ctx) { setop_read(ctx, zsetop::inter); }
void zdiff_cmd(command_context& ctx) { setop_read(ctx, zsetop::diff); }
void zunionstore_cmd(command_context& ctx) { setop_store(ctx, zsetop::union_, "zunionstore"); }
void zinterstore_cmd(command_context& ctx) { setop_store(ctx, zsetop::inter, "zinterstore"); }
void zdiffstore_cmd(command_context& ctx) { setop_store(ctx, zsetop::diff, "zdiffstore"); }

void zintercard_cmd(command_context& ctx) {
  setop_args a;
  if (!parse_setop(ctx, 1, zsetop::inter, false, true, a))
    return;
  auto r = op_zintercard(*ctx.ks, ctx.db, a.keys, static_cast<size_t>(a.limit));
  if (!r.ok())
    return reply_error(ctx, r.error());
  ctx.reply.integer(static_cast<long long>(*r));
}

} // namespace actis::commands::zset_family
