// The string commands: GET/SET and friends, counters, ranges and LCS.
#include <algorithm>
#include <climits>
#include <cmath>
#include <string>
#include <string_view>

#include "commands/command.hpp"
#include "commands/context.hpp"
#include "commands/families.hpp"
#include "config/config.hpp"
#include "datatypes/lcs.hpp"
#include "datatypes/strutil.hpp"
#include "protocol/errors.hpp"

namespace actis::commands {

namespace {

namespace err = protocol::err;
using datatypes::iequals;
using datatypes::parse_ll;

/// Replies `e`'s string contents, or null for a missing key.
void reply_string(command_context& ctx, const entry* e) {
  if (e == nullptr) {
    ctx.reply.null();
    return;
  }
  std::string scratch;
  ctx.reply.bulk(e->val.str(scratch));
}

/// Redis's checkStringLength: would a string of `size` + `extra` bytes exceed
/// proto-max-bulk-len? Replies the error if so.
bool reject_too_long(command_context& ctx, long long size, long long extra) {
  long long total;
  long long limit = config::live().proto_max_bulk_len.load(std::memory_order_relaxed);
  if (__builtin_add_overflow(size, extra, &total) || total > limit) {
    ctx.reply.error(err::string_too_long);
    return true;
  }
  return false;
}

// --- SET / GETEX option parsing -------------------------------------------

enum class expire_kind : uint8_t { none, ex, px, exat, pxat };

struct string_options {
  bool nx = false, xx = false, get = false, keepttl = false, persist = false;
  expire_kind expire = expire_kind::none;
  const std::string* expire_arg = nullptr;
};

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

/// Parses the options of SET (`for_set`) or GETEX from argv[from]. Options
/// may repeat; conflicting ones (NX+XX, two different expire kinds, KEEPTTL
/// or PERSIST with an expire) or ones the command lacks are a syntax error.
bool parse_string_options(const command_args& argv, size_t from, bool for_set, string_options& o) {
  for (size_t j = from; j < argv.size(); ++j) {
    const std::string& opt = argv[j];
    bool has_expire = o.expire != expire_kind::none;
    if (for_set && iequals(opt, "nx") && !o.xx) {
      o.nx = true;
    } else if (for_set && iequals(opt, "xx") && !o.nx) {
      o.xx = true;
    } else if (for_set && iequals(opt, "get")) {
      o.get = true;
    } else if (for_set && iequals(opt, "keepttl") && !has_expire) {
      o.keepttl = true;
    } else if (!for_set && iequals(opt, "persist") && !has_expire) {
      o.persist = true;
    } else if (auto kind = expire_option(opt);
               kind != expire_kind::none && !o.keepttl && !o.persist &&
               (!has_expire || o.expire == kind) && j + 1 < argv.size()) {
      o.expire = kind;
      o.expire_arg = &argv[++j];
    } else {
      return false;
    }
  }
  return true;
}

/// Turns the expire argument into an absolute unix time in ms, replying
/// Redis's errors for a non-integer, non-positive or overflowing time.
bool absolute_expire(command_context& ctx, const string_options& o, int64_t& when_ms) {
  long long v;
  if (!parse_ll(*o.expire_arg, v)) {
    ctx.reply.error(err::not_integer);
    return false;
  }
  bool seconds = o.expire == expire_kind::ex || o.expire == expire_kind::exat;
  bool relative = o.expire == expire_kind::ex || o.expire == expire_kind::px;
  if (v <= 0 || (seconds && v > LLONG_MAX / 1000)) {
    ctx.reply.error(err::invalid_expire(ctx.spec.name));
    return false;
  }
  if (seconds)
    v *= 1000;
  if (relative && __builtin_add_overflow(v, ctx.ks->now_ms(), &v)) {
    ctx.reply.error(err::invalid_expire(ctx.spec.name));
    return false;
  }
  when_ms = v;
  return true;
}

/// SET, SETNX, SETEX and PSETEX: stores argv[value_index] at argv[1].
/// `counted` replies 1/0 (SETNX) instead of OK/null.
void set_generic(command_context& ctx, size_t value_index, const string_options& o, bool counted) {
  const std::string& key = ctx.argv[1];
  const std::string& val = ctx.argv[value_index];
  int64_t when_ms = 0;
  if (o.expire != expire_kind::none && !absolute_expire(ctx, o, when_ms))
    return;
  entry* e;
  if (o.get) {
    e = ctx.ks->lookup_read(ctx.db, key);
    if (reject_wrong_type(ctx, e, datatypes::obj_type::string))
      return;
    reply_string(ctx, e);
  } else {
    e = ctx.ks->lookup_write(ctx.db, key);
  }
  bool found = e != nullptr;
  if ((o.nx && found) || (o.xx && !found)) {
    if (!o.get)
      counted ? ctx.reply.integer(0) : ctx.reply.null();
    return;
  }
  entry& stored = found ? ctx.ks->overwrite(ctx.db, key, *e, value::from_string(val), o.keepttl)
                        : ctx.ks->add(ctx.db, key, value::from_string(val));
  ctx.ks->notify(ctx.db, key, event_class::string, "set");
  if (o.expire != expire_kind::none) {
    ctx.ks->set_expire(ctx.db, stored, when_ms);
    // Part of the same change: counted once.
    ctx.ks->notify(change{ctx.db, key, event_class::generic, "expire", 0});
    ctx.propagate_as({"SET", key, val, "PXAT", datatypes::ll_to_string(when_ms)});
  } else if (o.get) {
    // Replicas must not reply, so the GET options are dropped.
    command_args without_get;
    for (size_t j = 0; j < ctx.argv.size(); ++j)
      if (j < 3 || !iequals(ctx.argv[j], "get"))
        without_get.push_back(ctx.argv[j]);
    ctx.propagate_as(std::move(without_get));
  }
  if (!o.get)
    counted ? ctx.reply.integer(1) : ctx.reply.ok();
}

void set_cmd(command_context& ctx) {
  string_options o;
  if (!parse_string_options(ctx.argv, 3, true, o)) {
    ctx.reply.error(err::syntax);
    return;
  }
  set_generic(ctx, 2, o, false);
}

void setnx_cmd(command_context& ctx) {
  string_options o;
  o.nx = true;
  set_generic(ctx, 2, o, true);
}

/// SETEX / PSETEX: key, relative time, value.
template <expire_kind Kind>
void setex_cmd(command_context& ctx) {
  string_options o;
  o.expire = Kind;
  o.expire_arg = &ctx.argv[2];
  set_generic(ctx, 3, o, false);
}

// --- Reads and read-modify commands ----------------------------------------

void get_cmd(command_context& ctx) {
  entry* e = ctx.ks->lookup_read(ctx.db, ctx.argv[1]);
  if (!reject_wrong_type(ctx, e, datatypes::obj_type::string))
    reply_string(ctx, e);
}

void getset_cmd(command_context& ctx) {
  const std::string& key = ctx.argv[1];
  entry* e = ctx.ks->lookup_read(ctx.db, key);
  if (reject_wrong_type(ctx, e, datatypes::obj_type::string))
    return;
  reply_string(ctx, e);
  ctx.ks->set(ctx.db, key, value::from_string(ctx.argv[2]));
  ctx.ks->notify(ctx.db, key, event_class::string, "set");
  ctx.propagate_as({"SET", key, ctx.argv[2]});
}

void getdel_cmd(command_context& ctx) {
  const std::string& key = ctx.argv[1];
  entry* e = ctx.ks->lookup_read(ctx.db, key);
  if (reject_wrong_type(ctx, e, datatypes::obj_type::string))
    return;
  reply_string(ctx, e);
  if (e != nullptr && ctx.ks->remove(ctx.db, key)) {
    ctx.ks->notify(ctx.db, key, event_class::generic, "del");
    ctx.propagate_as({"DEL", key});
  }
}

void getex_cmd(command_context& ctx) {
  const std::string& key = ctx.argv[1];
  string_options o;
  if (!parse_string_options(ctx.argv, 2, false, o)) {
    ctx.reply.error(err::syntax);
    return;
  }
  entry* e = ctx.ks->lookup_read(ctx.db, key);
  if (e == nullptr) {
    ctx.reply.null();
    return;
  }
  if (reject_wrong_type(ctx, e, datatypes::obj_type::string))
    return;
  int64_t when_ms = 0;
  if (o.expire != expire_kind::none && !absolute_expire(ctx, o, when_ms))
    return;
  reply_string(ctx, e);
  bool absolute = o.expire == expire_kind::exat || o.expire == expire_kind::pxat;
  if (absolute && when_ms <= ctx.ks->now_ms()) {
    ctx.ks->remove(ctx.db, key);
    ctx.ks->notify(ctx.db, key, event_class::generic, "del");
    ctx.propagate_as({"DEL", key});
  } else if (o.expire != expire_kind::none) {
    ctx.ks->set_expire(ctx.db, *e, when_ms);
    ctx.ks->notify(ctx.db, key, event_class::generic, "expire");
    ctx.propagate_as({"PEXPIREAT", key, datatypes::ll_to_string(when_ms)});
  } else if (o.persist && ctx.ks->persist(ctx.db, *e)) {
    ctx.ks->notify(ctx.db, key, event_class::generic, "persist");
    ctx.propagate_as({"PERSIST", key});
  }
}

void mget_cmd(command_context& ctx) {
  ctx.reply.array(ctx.argv.size() - 1);
  std::string scratch;
  for (size_t j = 1; j < ctx.argv.size(); ++j) {
    entry* e = ctx.ks->lookup_read(ctx.db, ctx.argv[j]);
    if (e == nullptr || !e->val.is_string())
      ctx.reply.null();
    else
      ctx.reply.bulk(e->val.str(scratch));
  }
}

/// MSET / MSETNX: key value pairs; MSETNX sets nothing if any key exists.
template <bool OnlyIfNoneExist>
void mset_cmd(command_context& ctx) {
  if (ctx.argv.size() % 2 == 0) {
    ctx.reply.error(err::wrong_arity(ctx.spec.name));
    return;
  }
  if constexpr (OnlyIfNoneExist) {
    for (size_t j = 1; j < ctx.argv.size(); j += 2)
      if (ctx.ks->lookup_write(ctx.db, ctx.argv[j]) != nullptr) {
        ctx.reply.integer(0);
        return;
      }
  }
  for (size_t j = 1; j < ctx.argv.size(); j += 2) {
    ctx.ks->set(ctx.db, ctx.argv[j], value::from_string(ctx.argv[j + 1]));
    ctx.ks->notify(ctx.db, ctx.argv[j], event_class::string, "set");
  }
  if constexpr (OnlyIfNoneExist)
    ctx.reply.integer(1);
  else
    ctx.reply.ok();
}

void append_cmd(command_context& ctx) {
  const std::string& key = ctx.argv[1];
  const std::string& tail = ctx.argv[2];
  entry* e = ctx.ks->lookup_write(ctx.db, key);
  size_t total;
  if (e == nullptr) {
    ctx.ks->add(ctx.db, key, value::from_string(tail));
    total = tail.size();
  } else {
    if (reject_wrong_type(ctx, e, datatypes::obj_type::string))
      return;
    if (reject_too_long(ctx, static_cast<long long>(e->val.str_len()),
                        static_cast<long long>(tail.size())))
      return;
    std::string& s = e->val.mutable_str();
    s.append(tail);
    total = s.size();
  }
  ctx.ks->notify(ctx.db, key, event_class::string, "append");
  ctx.reply.integer(static_cast<long long>(total));
}

void strlen_cmd(command_context& ctx) {
  entry* e = ctx.ks->lookup_read(ctx.db, ctx.argv[1]);
  if (reject_wrong_type(ctx, e, datatypes::obj_type::string))
    return;
  ctx.reply.integer(e == nullptr ? 0 : static_cast<long long>(e->val.str_len()));
}

// --- Counters --------------------------------------------------------------

/// INCR/DECR/INCRBY/DECRBY: adds `delta` to the integer at argv[1]. The
/// result is stored "int" encoded and keeps the key's TTL.
void incr_generic(command_context& ctx, long long delta) {
  const std::string& key = ctx.argv[1];
  entry* e = ctx.ks->lookup_write(ctx.db, key);
  if (reject_wrong_type(ctx, e, datatypes::obj_type::string))
    return;
  long long current = 0;
  if (e != nullptr && !e->val.to_int(current)) {
    ctx.reply.error(err::not_integer);
    return;
  }
  long long result;
  if (__builtin_add_overflow(current, delta, &result)) {
    ctx.reply.error(err::overflow);
    return;
  }
  if (e != nullptr)
    e->val = value::from_int(result);
  else
    ctx.ks->add(ctx.db, key, value::from_int(result));
  ctx.ks->notify(ctx.db, key, event_class::string, "incrby");
  ctx.reply.integer(result);
}

void incr_cmd(command_context& ctx) { incr_generic(ctx, 1); }
void decr_cmd(command_context& ctx) { incr_generic(ctx, -1); }

void incrby_cmd(command_context& ctx) {
  long long delta;
  if (!parse_ll(ctx.argv[2], delta)) {
    ctx.reply.error(err::not_integer);
    return;
  }
  incr_generic(ctx, delta);
}

void decrby_cmd(command_context& ctx) {
  long long delta;
  if (!parse_ll(ctx.argv[2], delta)) {
    ctx.reply.error(err::not_integer);
    return;
  }
  if (delta == LLONG_MIN) {
    ctx.reply.error(err::decrement_overflow);
    return;
  }
  incr_generic(ctx, -delta);
}

void incrbyfloat_cmd(command_context& ctx) {
  const std::string& key = ctx.argv[1];
  entry* e = ctx.ks->lookup_write(ctx.db, key);
  if (reject_wrong_type(ctx, e, datatypes::obj_type::string))
    return;
  long double current = 0, delta;
  std::string scratch;
  if ((e != nullptr && !datatypes::parse_long_double(e->val.str(scratch), current)) ||
      !datatypes::parse_long_double(ctx.argv[2], delta)) {
    ctx.reply.error(err::not_float);
    return;
  }
  long double result = current + delta;
  if (std::isnan(result) || std::isinf(result)) {
    ctx.reply.error(err::nan_or_inf);
    return;
  }
  std::string text = datatypes::long_double_to_string(result);
  if (e != nullptr)
    e->val = value::plain_string(text);
  else
    ctx.ks->add(ctx.db, key, value::plain_string(text));
  ctx.ks->notify(ctx.db, key, event_class::string, "incrbyfloat");
  ctx.reply.bulk(text);
  // Replicas get the exact result, never a float computation of their own.
  ctx.propagate_as({"SET", key, text, "KEEPTTL"});
}

// --- Ranges ----------------------------------------------------------------

/// GETRANGE / SUBSTR: inclusive range with negative indexes from the end.
void getrange_cmd(command_context& ctx) {
  long long start, end;
  if (!parse_ll(ctx.argv[2], start) || !parse_ll(ctx.argv[3], end)) {
    ctx.reply.error(err::not_integer);
    return;
  }
  entry* e = ctx.ks->lookup_read(ctx.db, ctx.argv[1]);
  if (e == nullptr) {
    ctx.reply.bulk("");
    return;
  }
  if (reject_wrong_type(ctx, e, datatypes::obj_type::string))
    return;
  std::string scratch;
  std::string_view s = e->val.str(scratch);
  auto len = static_cast<long long>(s.size());
  // Both negative and reversed is empty even where clamping would overlap.
  if (start < 0 && end < 0 && start > end) {
    ctx.reply.bulk("");
    return;
  }
  if (start < 0)
    start = std::max(0LL, len + start);
  if (end < 0)
    end = std::max(0LL, len + end);
  if (end >= len)
    end = len - 1;
  if (start > end || len == 0) {
    ctx.reply.bulk("");
    return;
  }
  ctx.reply.bulk(s.substr(static_cast<size_t>(start), static_cast<size_t>(end - start + 1)));
}

void setrange_cmd(command_context& ctx) {
  const std::string& key = ctx.argv[1];
  const std::string& patch = ctx.argv[3];
  long long offset;
  if (!parse_ll(ctx.argv[2], offset)) {
    ctx.reply.error(err::not_integer);
    return;
  }
  if (offset < 0) {
    ctx.reply.error(err::offset_range);
    return;
  }
  entry* e = ctx.ks->lookup_write(ctx.db, key);
  if (reject_wrong_type(ctx, e, datatypes::obj_type::string))
    return;
  if (patch.empty()) {
    // Writing nothing changes nothing and creates no key.
    ctx.reply.integer(e == nullptr ? 0 : static_cast<long long>(e->val.str_len()));
    return;
  }
  if (reject_too_long(ctx, offset, static_cast<long long>(patch.size())))
    return;
  auto needed = static_cast<size_t>(offset) + patch.size();
  std::string* s;
  if (e == nullptr) {
    s = &ctx.ks->add(ctx.db, key, value::raw_string(std::string(needed, '\0'))).val.mutable_str();
  } else {
    s = &e->val.mutable_str();
    if (s->size() < needed)
      s->resize(needed, '\0');
  }
  s->replace(static_cast<size_t>(offset), patch.size(), patch);
  ctx.ks->notify(ctx.db, key, event_class::string, "setrange");
  ctx.reply.integer(static_cast<long long>(s->size()));
}

// --- LCS -------------------------------------------------------------------

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

void lcs_cmd(command_context& ctx) {
  entry* ea = ctx.ks->lookup_read(ctx.db, ctx.argv[1]);
  entry* eb = ctx.ks->lookup_read(ctx.db, ctx.argv[2]);
  if ((ea != nullptr && !ea->val.is_string()) || (eb != nullptr && !eb->val.is_string())) {
    ctx.reply.error(err::lcs_not_strings);
    return;
  }
  bool want_idx = false, want_len = false, with_match_len = false;
  long long min_match_len = 0;
  for (size_t j = 3; j < ctx.argv.size(); ++j) {
    const std::string& opt = ctx.argv[j];
    if (iequals(opt, "idx")) {
      want_idx = true;
    } else if (iequals(opt, "len")) {
      want_len = true;
    } else if (iequals(opt, "withmatchlen")) {
      with_match_len = true;
    } else if (iequals(opt, "minmatchlen") && j + 1 < ctx.argv.size()) {
      if (!parse_ll(ctx.argv[++j], min_match_len)) {
        ctx.reply.error(err::not_integer);
        return;
      }
      min_match_len = std::max(0LL, min_match_len);
    } else {
      ctx.reply.error(err::syntax);
      return;
    }
  }
  if (want_idx && want_len) {
    ctx.reply.error(err::lcs_len_and_idx);
    return;
  }
  std::string scratch_a, scratch_b;
  std::string_view a = ea ? ea->val.str(scratch_a) : std::string_view{};
  std::string_view b = eb ? eb->val.str(scratch_b) : std::string_view{};
  if (a.size() >= UINT32_MAX - 1 || b.size() >= UINT32_MAX - 1) {
    ctx.reply.error(err::lcs_too_long);
    return;
  }
  auto limit = static_cast<uint64_t>(config::live().proto_max_bulk_len.load(std::memory_order_relaxed));
  if (datatypes::lcs_table_bytes(a.size(), b.size()) > limit) {
    ctx.reply.error(err::lcs_memory);
    return;
  }
  if (want_len && !want_idx) {
    ctx.reply.integer(datatypes::lcs_length(a, b));
    return;
  }
  auto result = datatypes::lcs_compute(a, b, want_idx, static_cast<uint64_t>(min_match_len));
  if (want_idx)
    reply_lcs_matches(ctx, result, with_match_len);
  else
    ctx.reply.bulk(result.common);
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
