// The string family's operations (see string_ops.hpp).
#include "commands/string_ops.hpp"

#include <algorithm>
#include <climits>
#include <cmath>

#include "config/config.hpp"
#include "datatypes/strutil.hpp"

namespace actis::commands {

namespace {

using datatypes::obj_type;

bool holds_other_type(const entry* e) { return e != nullptr && e->val.type() != obj_type::string; }

/// A read lookup of a string: nil if missing, wrong_type if not a string.
op_result<entry*> read_string(keyspace& ks, int db, std::string_view key) {
  entry* e = ks.lookup_read(db, key);
  if (e == nullptr)
    return op_status::nil;
  if (holds_other_type(e))
    return op_status::wrong_type;
  return e;
}

/// Redis's checkStringLength: would `size` + `extra` bytes exceed
/// proto-max-bulk-len?
bool too_long(long long size, long long extra) {
  long long total;
  long long limit = config::live().proto_max_bulk_len.load(std::memory_order_relaxed);
  return __builtin_add_overflow(size, extra, &total) || total > limit;
}

} // namespace

op_result<int64_t> absolute_expire(const expire_arg& e, int64_t now_ms) {
  long long v;
  if (!datatypes::parse_ll(e.time, v))
    return op_status::not_integer;
  bool seconds = e.kind == expire_kind::ex || e.kind == expire_kind::exat;
  bool relative = e.kind == expire_kind::ex || e.kind == expire_kind::px;
  if (v <= 0 || (seconds && v > LLONG_MAX / 1000))
    return op_status::invalid_expire;
  if (seconds)
    v *= 1000;
  if (relative && __builtin_add_overflow(v, now_ms, &v))
    return op_status::invalid_expire;
  return int64_t{v};
}

op_result<set_outcome> op_set(keyspace& ks, int db, std::string_view key, std::string_view val,
                              const set_options& options) {
  set_outcome out;
  if (options.expire.kind != expire_kind::none) {
    auto when = absolute_expire(options.expire, ks.now_ms());
    if (!when.ok())
      return when.error();
    out.expire_at_ms = *when;
  }
  entry* e = options.get ? ks.lookup_read(db, key) : ks.lookup_write(db, key);
  if (options.get && holds_other_type(e))
    return op_status::wrong_type;
  bool found = e != nullptr;
  if ((options.condition == set_condition::if_absent && found) ||
      (options.condition == set_condition::if_present && !found)) {
    if (options.get && found)
      out.old.emplace(e->val);
    out.expire_at_ms = -1;
    return out;
  }
  if (options.get && found)
    out.old.emplace(std::move(e->val));
  entry& stored = found ? ks.overwrite(db, key, *e, value::from_string(val), options.keep_ttl)
                        : ks.add(db, key, value::from_string(val));
  ks.notify(db, key, event_class::string, "set");
  if (out.expire_at_ms != -1) {
    ks.set_expire(db, stored, out.expire_at_ms);
    // Part of the same change: counted once.
    ks.notify(change{db, key, event_class::generic, "expire", 0});
  }
  out.stored = true;
  return out;
}

bool op_mset(keyspace& ks, int db, std::span<const std::string> pairs, bool only_if_none_exist) {
  if (only_if_none_exist)
    for (size_t j = 0; j < pairs.size(); j += 2)
      if (ks.lookup_write(db, pairs[j]) != nullptr)
        return false;
  for (size_t j = 0; j < pairs.size(); j += 2) {
    ks.set(db, pairs[j], value::from_string(pairs[j + 1]));
    ks.notify(db, pairs[j], event_class::string, "set");
  }
  return true;
}

op_result<string_value> op_get(keyspace& ks, int db, std::string_view key) {
  auto e = read_string(ks, db, key);
  if (!e.ok())
    return e.error();
  return string_value((*e)->val);
}

std::vector<std::optional<string_value>> op_mget(keyspace& ks, int db,
                                                 std::span<const std::string> keys) {
  std::vector<std::optional<string_value>> out;
  out.reserve(keys.size());
  for (const auto& key : keys) {
    entry* e = ks.lookup_read(db, key);
    if (e == nullptr || !e->val.is_string())
      out.emplace_back();
    else
      out.emplace_back(e->val);
  }
  return out;
}

op_result<string_value> op_getdel(keyspace& ks, int db, std::string_view key) {
  auto e = read_string(ks, db, key);
  if (!e.ok())
    return e.error();
  string_value taken(std::move((*e)->val));
  ks.remove(db, key);
  ks.notify(db, key, event_class::generic, "del");
  return taken;
}

op_result<getex_outcome> op_getex(keyspace& ks, int db, std::string_view key,
                                  const getex_options& options) {
  auto found = read_string(ks, db, key);
  if (!found.ok())
    return found.error();
  entry* e = *found;
  int64_t when_ms = -1;
  if (options.expire.kind != expire_kind::none) {
    auto when = absolute_expire(options.expire, ks.now_ms());
    if (!when.ok())
      return when.error();
    when_ms = *when;
  }
  bool absolute = options.expire.kind == expire_kind::exat || options.expire.kind == expire_kind::pxat;
  if (absolute && when_ms <= ks.now_ms()) {
    getex_outcome out{string_value(std::move(e->val)), ttl_change::deleted};
    ks.remove(db, key);
    ks.notify(db, key, event_class::generic, "del");
    return out;
  }
  getex_outcome out{string_value(e->val)};
  if (when_ms != -1) {
    ks.set_expire(db, *e, when_ms);
    ks.notify(db, key, event_class::generic, "expire");
    out.change = ttl_change::expire_set;
    out.expire_at_ms = when_ms;
  } else if (options.persist && ks.persist(db, *e)) {
    ks.notify(db, key, event_class::generic, "persist");
    out.change = ttl_change::persisted;
  }
  return out;
}

op_result<size_t> op_strlen(keyspace& ks, int db, std::string_view key) {
  entry* e = ks.lookup_read(db, key);
  if (holds_other_type(e))
    return op_status::wrong_type;
  return e == nullptr ? size_t{0} : e->val.str_len();
}

op_result<string_slice> op_getrange(keyspace& ks, int db, std::string_view key, long long start,
                                    long long end) {
  entry* e = ks.lookup_read(db, key);
  if (e == nullptr)
    return string_slice{};
  if (holds_other_type(e))
    return op_status::wrong_type;
  // Both negative and reversed is empty even where clamping would overlap.
  if (start < 0 && end < 0 && start > end)
    return string_slice{};
  auto len = static_cast<long long>(e->val.str_len());
  datatypes::clamp_range(start, end, len);
  if (start > end || len == 0)
    return string_slice{};
  return string_slice{string_value(e->val), static_cast<size_t>(start),
                      static_cast<size_t>(end - start + 1)};
}

op_result<size_t> op_append(keyspace& ks, int db, std::string_view key, std::string_view tail) {
  entry* e = ks.lookup_write(db, key);
  size_t total;
  if (e == nullptr) {
    ks.add(db, key, value::from_string(tail));
    total = tail.size();
  } else {
    if (holds_other_type(e))
      return op_status::wrong_type;
    if (too_long(static_cast<long long>(e->val.str_len()), static_cast<long long>(tail.size())))
      return op_status::string_too_long;
    std::string& s = e->val.mutable_str();
    s.append(tail);
    total = s.size();
  }
  ks.notify(db, key, event_class::string, "append");
  return total;
}

op_result<size_t> op_setrange(keyspace& ks, int db, std::string_view key, long long offset,
                              std::string_view patch) {
  if (offset < 0)
    return op_status::offset_out_of_range;
  entry* e = ks.lookup_write(db, key);
  if (holds_other_type(e))
    return op_status::wrong_type;
  if (patch.empty())
    // Writing nothing changes nothing and creates no key.
    return e == nullptr ? size_t{0} : e->val.str_len();
  if (too_long(offset, static_cast<long long>(patch.size())))
    return op_status::string_too_long;
  auto needed = static_cast<size_t>(offset) + patch.size();
  std::string* s;
  if (e == nullptr) {
    s = &ks.add(db, key, value::raw_string(std::string(needed, '\0'))).val.mutable_str();
  } else {
    s = &e->val.mutable_str();
    if (s->size() < needed)
      s->resize(needed, '\0');
  }
  s->replace(static_cast<size_t>(offset), patch.size(), patch);
  ks.notify(db, key, event_class::string, "setrange");
  return s->size();
}

op_result<int64_t> op_incrby(keyspace& ks, int db, std::string_view key, int64_t delta) {
  entry* e = ks.lookup_write(db, key);
  if (holds_other_type(e))
    return op_status::wrong_type;
  long long current = 0;
  if (e != nullptr && !e->val.to_int(current))
    return op_status::not_integer;
  long long result;
  if (__builtin_add_overflow(current, delta, &result))
    return op_status::overflow;
  if (e != nullptr)
    e->val = value::from_int(result);
  else
    ks.add(db, key, value::from_int(result));
  ks.notify(db, key, event_class::string, "incrby");
  return int64_t{result};
}

op_result<std::string> op_incrbyfloat(keyspace& ks, int db, std::string_view key,
                                      std::string_view increment) {
  entry* e = ks.lookup_write(db, key);
  if (holds_other_type(e))
    return op_status::wrong_type;
  long double current = 0, delta;
  std::string scratch;
  if ((e != nullptr && !datatypes::parse_long_double(e->val.str(scratch), current)) ||
      !datatypes::parse_long_double(increment, delta))
    return op_status::not_float;
  long double result = current + delta;
  if (std::isnan(result) || std::isinf(result))
    return op_status::nan_or_inf;
  std::string text = datatypes::long_double_to_string(result);
  if (e != nullptr)
    e->val = value::plain_string(text);
  else
    ks.add(db, key, value::plain_string(text));
  ks.notify(db, key, event_class::string, "incrbyfloat");
  return text;
}

op_result<lcs_strings> op_lcs_read(keyspace& ks, int db, std::string_view key_a,
                                   std::string_view key_b) {
  entry* ea = ks.lookup_read(db, key_a);
  entry* eb = ks.lookup_read(db, key_b);
  if (holds_other_type(ea) || holds_other_type(eb))
    return op_status::lcs_not_strings;
  lcs_strings out;
  if (ea != nullptr)
    out.a.emplace(ea->val);
  if (eb != nullptr)
    out.b.emplace(eb->val);
  return out;
}

op_result<datatypes::lcs_result> op_lcs(const lcs_strings& strings, const lcs_options& options) {
  std::string_view a = strings.a ? strings.a->view() : std::string_view{};
  std::string_view b = strings.b ? strings.b->view() : std::string_view{};
  if (a.size() >= UINT32_MAX - 1 || b.size() >= UINT32_MAX - 1)
    return op_status::lcs_too_long;
  auto limit = static_cast<uint64_t>(config::live().proto_max_bulk_len.load(std::memory_order_relaxed));
  if (datatypes::lcs_table_bytes(a.size(), b.size()) > limit)
    return op_status::lcs_memory;
  if (options.len && !options.idx) {
    datatypes::lcs_result length_only;
    length_only.length = datatypes::lcs_length(a, b);
    return length_only;
  }
  return datatypes::lcs_compute(a, b, options.idx, options.min_match_len);
}

} // namespace actis::commands
