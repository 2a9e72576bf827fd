// The string commands: GET/SET and friends, counters, ranges and LCS.
// Parsing, replies and registration; the operations are in string_ops.cpp.
#include <algorithm>
#include <climits>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "commands/command.hpp"
#include "commands/context.hpp"
#include "commands/families.hpp"
#include "commands/string_ops.hpp"
#include "datatypes/strutil.hpp"

namespace actis::commands {

namespace {

using datatypes::iequals;
using datatypes::parse_ll;

/// Replies a string an operation read, or null for a missing key.
void reply_string(command_context& ctx, const std::optional<string_value>& s) {
  if (s)
    ctx.reply.bulk(s->view());
  else
    ctx.reply.null();
}

// --- SET / GETEX option parsing -------------------------------------------

expire_kind expire_option(std::string_view opt) {
  if (iequals(opt, "ex"))
    return expire_kind::ex;
  if (iequals(opt, "px"))
    return expire_kind::px;
  if (iequals(opt, "exat"))
    return expire_kind::exat;
  if (iequals(opt, "pxat"))
    return expire_kind::pxat;
  return expire_kind::none;
}

/// Parses the options of SET (`set` non-null) or GETEX (`getex`) from
/// argv[from]. Options may repeat; conflicting ones (NX+XX, two different
/// expire kinds, KEEPTTL or PERSIST with an expire) or ones the command
/// lacks are a syntax error.
bool parse_string_options(const command_args& argv, size_t from, set_options* set,
                          getex_options* getex) {
  expire_arg& expire = set != nullptr ? set->expire : getex->expire;
  bool keep_ttl = false, persist = false;
  for (size_t j = from; j < argv.size(); ++j) {
    const std::string& opt = argv[j];
    bool has_expire = expire.kind != expire_kind::none;
    if (set != nullptr && iequals(opt, "nx") && set->condition != set_condition::if_present) {
      set->condition = set_condition::if_absent;
    } else if (set != nullptr && iequals(opt, "xx") &&
               set->condition != set_condition::if_absent) {
      set->condition = set_condition::if_present;
    } else if (set != nullptr && iequals(opt, "get")) {
      set->get = true;
    } else if (set != nullptr && iequals(opt, "keepttl") && !has_expire) {
      keep_ttl = true;
    } else if (getex != nullptr && iequals(opt, "persist") && !has_expire) {
      persist = true;
    } else if (auto kind = expire_option(opt);
               kind != expire_kind::none && !keep_ttl && !persist &&
               (!has_expire || expire.kind == kind) && j + 1 < argv.size()) {
      expire = {kind, argv[++j]};
    } else {
      return false;
    }
  }
  if (set != nullptr)
    set->keep_ttl = keep_ttl;
  else
    getex->persist = persist;
  return true;
}

/// SET, SETNX, SETEX and PSETEX: stores argv[value_index] at argv[1].
/// `counted` replies 1/0 (SETNX) instead of OK/null.
void set_generic(command_context& ctx, size_t value_index, const set_options& o, bool counted) {
  const std::string& key = ctx.argv[1];
  const std::string& val = ctx.argv[value_index];
  auto r = op_set(*ctx.ks, ctx.db, key, val, o);
  if (!r.ok())
    return reply_error(ctx, r.error());
  if (o.get)
    reply_string(ctx, r->old);
  else if (counted)
    ctx.reply.integer(r->stored ? 1 : 0);
  else if (r->stored)
    ctx.reply.ok();
  else
    ctx.reply.null();
  if (!r->stored)
    return;
  if (r->expire_at_ms != -1) {
    ctx.propagate_as({"SET", key, val, "PXAT", datatypes::ll_to_string(r->expire_at_ms)});
  } else if (o.get) {
    // Replicas must not reply, so the GET options are dropped.
    command_args without_get;
    for (size_t j = 0; j < ctx.argv.size(); ++j)
      if (j < 3 || !iequals(ctx.argv[j], "get"))
        without_get.push_back(ctx.argv[j]);
    ctx.propagate_as(std::move(without_get));
  }
}

void set_cmd(command_context& ctx) {
  set_options o;
  if (!parse_string_options(ctx.argv, 3, &o, nullptr))
    return reply_status(ctx.reply, op_status::syntax);
  set_generic(ctx, 2, o, false);
}

void setnx_cmd(command_context& ctx) {
  set_options o;
  o.condition = set_condition::if_absent;
  set_generic(ctx, 2, o, true);
}

/// SETEX / PSETEX: key, relative time, value.
template <expire_kind Kind>
void setex_cmd(command_context& ctx) {
  set_options o;
  o.expire = {Kind, ctx.argv[2]};
  set_generic(ctx, 3, o, false);
}

// --- Reads and read-modify commands ----------------------------------------

void get_cmd(command_context& ctx) {
  auto r = op_get(*ctx.ks, ctx.db, ctx.argv[1]);
  if (!r.ok())
    return reply_error(ctx, r.error());
  ctx.reply.bulk(r->view());
}

void getset_cmd(command_context& ctx) {
  const std::string& key = ctx.argv[1];
  set_options o;
  o.get = true;
  auto r = op_set(*ctx.ks, ctx.db, key, ctx.argv[2], o);
  if (!r.ok())
    return reply_error(ctx, r.error());
  reply_string(ctx, r->old);
  ctx.propagate_as({"SET", key, ctx.argv[2]});
}

void getdel_cmd(command_context& ctx) {
  auto r = op_getdel(*ctx.ks, ctx.db, ctx.argv[1]);
  if (!r.ok())
    return reply_error(ctx, r.error());
  ctx.reply.bulk(r->view());
  ctx.propagate_as({"DEL", ctx.argv[1]});
}

void getex_cmd(command_context& ctx) {
  const std::string& key = ctx.argv[1];
  getex_options o;
  if (!parse_string_options(ctx.argv, 2, nullptr, &o))
    return reply_status(ctx.reply, op_status::syntax);
  auto r = op_getex(*ctx.ks, ctx.db, key, o);
  if (!r.ok())
    return reply_error(ctx, r.error());
  ctx.reply.bulk(r->value.view());
  switch (r->change) {
    case ttl_change::none: break;
    case ttl_change::deleted: ctx.propagate_as({"DEL", key}); break;
    case ttl_change::expire_set:
      ctx.propagate_as({"PEXPIREAT", key, datatypes::ll_to_string(r->expire_at_ms)});
      break;
    case ttl_change::persisted: ctx.propagate_as({"PERSIST", key}); break;
  }
}

void mget_cmd(command_context& ctx) {
  auto found = op_mget(*ctx.ks, ctx.db, std::span(ctx.argv).subspan(1));
  ctx.reply.array(found.size());
  for (const auto& s : found)
    reply_string(ctx, s);
}

/// MSET / MSETNX: key value pairs; MSETNX sets nothing if any key exists.
template <bool OnlyIfNoneExist>
void mset_cmd(command_context& ctx) {
  if (ctx.argv.size() % 2 == 0)
    return reply_error(ctx, {op_status::wrong_arity});
  bool stored = op_mset(*ctx.ks, ctx.db, std::span(ctx.argv).subspan(1), OnlyIfNoneExist);
  if constexpr (OnlyIfNoneExist)
    ctx.reply.integer(stored ? 1 : 0);
  else
    ctx.reply.ok();
}

void append_cmd(command_context& ctx) {
  auto r = op_append(*ctx.ks, ctx.db, ctx.argv[1], ctx.argv[2]);
  if (!r.ok())
    return reply_error(ctx, r.error());
  ctx.reply.integer(static_cast<long long>(*r));
}

void strlen_cmd(command_context& ctx) {
  auto r = op_strlen(*ctx.ks, ctx.db, ctx.argv[1]);
  if (!r.ok())
    return reply_error(ctx, r.error());
  ctx.reply.integer(static_cast<long long>(*r));
}

// --- Counters --------------------------------------------------------------

void reply_incr(command_context& ctx, long long delta) {
  auto r = op_incrby(*ctx.ks, ctx.db, ctx.argv[1], delta);
  if (!r.ok())
    return reply_error(ctx, r.error());
  ctx.reply.integer(*r);
}

void incr_cmd(command_context& ctx) { reply_incr(ctx, 1); }
void decr_cmd(command_context& ctx) { reply_incr(ctx, -1); }

void incrby_cmd(command_context& ctx) {
  long long delta;
  if (!parse_ll(ctx.argv[2], delta))
    return reply_status(ctx.reply, op_status::not_integer);
  reply_incr(ctx, delta);
}

void decrby_cmd(command_context& ctx) {
  long long delta;
  if (!parse_ll(ctx.argv[2], delta))
    return reply_status(ctx.reply, op_status::not_integer);
  if (delta == LLONG_MIN)
    return reply_status(ctx.reply, op_status::decrement_overflow);
  reply_incr(ctx, -delta);
}

void incrbyfloat_cmd(command_context& ctx) {
  const std::string& key = ctx.argv[1];
  auto r = op_incrbyfloat(*ctx.ks, ctx.db, key, ctx.argv[2]);
  if (!r.ok())
    return reply_error(ctx, r.error());
  ctx.reply.bulk(*r);
  // Replicas get the exact result, never a float computation of their own.
  ctx.propagate_as({"SET", key, std::move(*r), "KEEPTTL"});
}

// --- Ranges ----------------------------------------------------------------

void getrange_cmd(command_context& ctx) {
  long long start, end;
  if (!parse_ll(ctx.argv[2], start) || !parse_ll(ctx.argv[3], end))
    return reply_status(ctx.reply, op_status::not_integer);
  auto r = op_getrange(*ctx.ks, ctx.db, ctx.argv[1], start, end);
  if (!r.ok())
    return reply_error(ctx, r.error());
  ctx.reply.bulk(r->view());
}

void setrange_cmd(command_context& ctx) {
  long long offset;
  if (!parse_ll(ctx.argv[2], offset))
    return reply_status(ctx.reply, op_status::not_integer);
  auto r = op_setrange(*ctx.ks, ctx.db, ctx.argv[1], offset, ctx.argv[3]);
  if (!r.ok())
    return reply_error(ctx, r.error());
  ctx.reply.integer(static_cast<long long>(*r));
}

// --- LCS -------------------------------------------------------------------

op_result<lcs_options> parse_lcs_options(const command_args& argv) {
  lcs_options o;
  for (size_t j = 3; j < argv.size(); ++j) {
    const std::string& opt = argv[j];
    if (iequals(opt, "idx")) {
      o.idx = true;
    } else if (iequals(opt, "len")) {
      o.len = true;
    } else if (iequals(opt, "withmatchlen")) {
      o.with_match_len = true;
    } else if (iequals(opt, "minmatchlen") && j + 1 < argv.size()) {
      long long min_len;
      if (!parse_ll(argv[++j], min_len))
        return op_status::not_integer;
      o.min_match_len = static_cast<uint64_t>(std::max(0LL, min_len));
    } else {
      return op_status::syntax;
    }
  }
  if (o.idx && o.len)
    return op_status::lcs_len_and_idx;
  return o;
}

void reply_lcs_matches(command_context& ctx, const datatypes::lcs_result& r, bool with_len) {
  ctx.reply.map(2);
  ctx.reply.bulk("matches");
  ctx.reply.array(r.matches.size());
  for (const auto& m : r.matches) {
    ctx.reply.array(with_len ? 3 : 2);
    ctx.reply.array(2);
    ctx.reply.integer(m.a_start);
    ctx.reply.integer(m.a_end);
    ctx.reply.array(2);
    ctx.reply.integer(m.b_start);
    ctx.reply.integer(m.b_end);
    if (with_len)
      ctx.reply.integer(m.length());
  }
  ctx.reply.bulk("len");
  ctx.reply.integer(r.length);
}

// Redis reads both keys before it parses the options, so a wrong type
// wins over a syntax error.
void lcs_cmd(command_context& ctx) {
  auto strings = op_lcs_read(*ctx.ks, ctx.db, ctx.argv[1], ctx.argv[2]);
  if (!strings.ok())
    return reply_error(ctx, strings.error());
  auto o = parse_lcs_options(ctx.argv);
  if (!o.ok())
    return reply_error(ctx, o.error());
  auto r = op_lcs(*strings, *o);
  if (!r.ok())
    return reply_error(ctx, r.error());
  if (o->idx)
    reply_lcs_matches(ctx, *r, o->with_match_len);
  else if (o->len)
    ctx.reply.integer(r->length);
  else
    ctx.reply.bulk(r->common);
}

// --- Registration ----------------------------------------------------------

/// SET reads the old value only when asked to return it (GET).
void set_keys(const command_args& argv, std::vector<key_ref>& keys) {
  uint16_t flags = k_ow | k_update;
  for (size_t i = 3; i < argv.size(); ++i)
    if (iequals(argv[i], "get"))
      flags = k_rw | k_access | k_update;
  keys.push_back({1, flags});
}

} // namespace

void register_string_family(command_table& t) {
  constexpr uint32_t rw = f_write | f_denyoom;
  constexpr uint32_t rw_fast = f_write | f_denyoom | f_fast;
  constexpr uint32_t ro_fast = f_readonly | f_fast;
  constexpr auto string = command_group::string;
  constexpr uint16_t read = k_ro | k_access;
  constexpr uint16_t read_modify = k_rw | k_access | k_update;
  const command_def rows[] = {
      {.name = "get", .arity = 2, .flags = ro_fast, .group = string, .keys = {key_at(1, read)},
       .handler = get_cmd,
       .docs = {"Returns the string stored at a key.", "1.0.0", "O(1)"}},
      {.name = "set", .arity = -3, .flags = rw, .group = string,
       .keys = {key_at(1, read_modify | k_variable_flags,
                       "RW and ACCESS due to the optional `GET` argument")},
       .handler = set_cmd, .getkeys = set_keys,
       .docs = {"Stores a string at a key, with optional expiry and conditions.", "1.0.0",
                "O(1)"}},
      {.name = "setnx", .arity = 3, .flags = rw_fast, .group = string,
       .keys = {key_at(1, k_ow | k_insert)}, .handler = setnx_cmd,
       .docs = {"Stores a string at a key only when the key is absent.", "1.0.0", "O(1)"}},
      {.name = "setex", .arity = 4, .flags = rw, .group = string,
       .keys = {key_at(1, k_ow | k_update)}, .handler = setex_cmd<expire_kind::ex>,
       .docs = {"Stores a string at a key with a time to live in seconds.", "2.0.0", "O(1)"}},
      {.name = "psetex", .arity = 4, .flags = rw, .group = string,
       .keys = {key_at(1, k_ow | k_update)}, .handler = setex_cmd<expire_kind::px>,
       .docs = {"Stores a string at a key with a time to live in milliseconds.", "2.6.0",
                "O(1)"}},
      {.name = "getset", .arity = 3, .flags = rw_fast, .group = string,
       .keys = {key_at(1, read_modify)}, .handler = getset_cmd,
       .docs = {"Replaces the string at a key and returns the previous one.", "1.0.0", "O(1)"}},
      {.name = "getdel", .arity = 2, .flags = f_write | f_fast, .group = string,
       .keys = {key_at(1, k_rw | k_access | k_delete)}, .handler = getdel_cmd,
       .docs = {"Returns the string at a key and deletes the key.", "6.2.0", "O(1)"}},
      {.name = "getex", .arity = -2, .flags = f_write | f_fast, .group = string,
       .keys = {key_at(1, read_modify, "RW and UPDATE because it changes the TTL")},
       .handler = getex_cmd,
       .docs = {"Returns the string at a key and changes or removes its expiry.", "6.2.0",
                "O(1)"}},
      {.name = "mget", .arity = -2, .flags = ro_fast, .group = string,
       .keys = {{read, begin_at(1), keys_range(-1)}}, .handler = mget_cmd,
       .tips = "request_policy:multi_shard",
       .docs = {"Returns the strings stored at several keys.", "1.0.0", "O(N) for N keys"}},
      {.name = "mset", .arity = -3, .flags = rw, .group = string,
       .keys = {{k_ow | k_update, begin_at(1), keys_range(-1, 2)}}, .handler = mset_cmd<false>,
       .tips = "request_policy:multi_shard response_policy:all_succeeded",
       .docs = {"Stores strings at several keys at once.", "1.0.1", "O(N) for N keys"}},
      {.name = "msetnx", .arity = -3, .flags = rw, .group = string,
       .keys = {{k_ow | k_insert, begin_at(1), keys_range(-1, 2)}}, .handler = mset_cmd<true>,
       .tips = "request_policy:multi_shard response_policy:agg_min",
       .docs = {"Stores strings at several keys only when none of them exists.", "1.0.1",
                "O(N) for N keys"}},
      {.name = "append", .arity = 3, .flags = rw_fast, .group = string,
       .keys = {key_at(1, k_rw | k_insert)}, .handler = append_cmd,
       .docs = {"Appends to the string at a key, creating it if needed.", "2.0.0",
                "O(1) amortized"}},
      {.name = "strlen", .arity = 2, .flags = ro_fast, .group = string, .keys = {key_at(1, k_ro)},
       .handler = strlen_cmd,
       .docs = {"Returns the length of the string at a key.", "2.2.0", "O(1)"}},
      {.name = "incr", .arity = 2, .flags = rw_fast, .group = string,
       .keys = {key_at(1, read_modify)}, .handler = incr_cmd,
       .docs = {"Adds one to the integer at a key.", "1.0.0", "O(1)"}},
      {.name = "decr", .arity = 2, .flags = rw_fast, .group = string,
       .keys = {key_at(1, read_modify)}, .handler = decr_cmd,
       .docs = {"Subtracts one from the integer at a key.", "1.0.0", "O(1)"}},
      {.name = "incrby", .arity = 3, .flags = rw_fast, .group = string,
       .keys = {key_at(1, read_modify)}, .handler = incrby_cmd,
       .docs = {"Adds an amount to the integer at a key.", "1.0.0", "O(1)"}},
      {.name = "decrby", .arity = 3, .flags = rw_fast, .group = string,
       .keys = {key_at(1, read_modify)}, .handler = decrby_cmd,
       .docs = {"Subtracts an amount from the integer at a key.", "1.0.0", "O(1)"}},
      {.name = "incrbyfloat", .arity = 3, .flags = rw_fast, .group = string,
       .keys = {key_at(1, read_modify)}, .handler = incrbyfloat_cmd,
       .docs = {"Adds a floating point amount to the number at a key.", "2.6.0", "O(1)"}},
      {.name = "getrange", .arity = 4, .flags = f_readonly, .group = string,
       .keys = {key_at(1, read)}, .handler = getrange_cmd,
       .docs = {"Returns a byte range of the string at a key.", "2.4.0",
                "O(N) for a returned length N"}},
      {.name = "substr", .arity = 4, .flags = f_readonly, .group = string,
       .keys = {key_at(1, read)}, .handler = getrange_cmd,
       .docs = {"Returns a byte range of the string at a key (old name of GETRANGE).", "1.0.0",
                "O(N) for a returned length N"}},
      {.name = "setrange", .arity = 4, .flags = rw, .group = string,
       .keys = {key_at(1, k_rw | k_update)}, .handler = setrange_cmd,
       .docs = {"Overwrites part of the string at a key from an offset.", "2.2.0",
                "O(M) for a written length M, plus zero padding"}},
      {.name = "lcs", .arity = -3, .flags = f_readonly, .group = string,
       .keys = {{read, begin_at(1), keys_range(1)}}, .handler = lcs_cmd,
       .docs = {"Finds the longest common subsequence of two strings.", "7.0.0",
                "O(N*M) for string lengths N and M"}},
  };
  t.add(rows);
}

} // namespace actis::commands
