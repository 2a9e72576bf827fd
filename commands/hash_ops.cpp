#include "commands/hash_ops.hpp"

#include <algorithm>
#include <climits>
#include <cmath>

#include "config/config.hpp"
#include "datatypes/strutil.hpp"

namespace actis::commands {

namespace {

using datatypes::as_hash;
using datatypes::obj_type;

bool holds_other_type(const entry* e) { return e != nullptr && e->val.type() != obj_type::hash; }

/// The hash at `key` for writing, created (empty, listpack) if missing;
/// nullptr if the key holds another type.
hash_value* hash_for_write(keyspace& ks, int db, std::string_view key) {
  entry* e = ks.lookup_write(db, key);
  if (holds_other_type(e))
    return nullptr;
  if (e == nullptr)
    e = &ks.add(db, key, datatypes::make_hash());
  return &as_hash(e->val);
}

/// The hash at `key` for writing, nullptr if missing; wrong_type for
/// another type.
op_result<hash_value*> existing_for_write(keyspace& ks, int db, std::string_view key) {
  entry* e = ks.lookup_write(db, key);
  if (holds_other_type(e))
    return op_status::wrong_type;
  return e == nullptr ? nullptr : &as_hash(e->val);
}

} // namespace

datatypes::hash_limits current_hash_limits() {
  const auto& live = config::live();
  return {static_cast<size_t>(live.hash_max_listpack_entries.load(std::memory_order_relaxed)),
          static_cast<size_t>(live.hash_max_listpack_value.load(std::memory_order_relaxed))};
}

op_result<const hash_value*> op_hash_read(keyspace& ks, int db, std::string_view key) {
  entry* e = ks.lookup_read(db, key);
  if (holds_other_type(e))
    return op_status::wrong_type;
  return e == nullptr ? nullptr : &as_hash(e->val);
}

op_result<size_t> op_hset(keyspace& ks, int db, std::string_view key,
                          std::span<const std::string> pairs) {
  hash_value* h = hash_for_write(ks, db, key);
  if (h == nullptr)
    return op_status::wrong_type;
  auto limits = current_hash_limits();
  size_t added = 0;
  for (size_t i = 0; i + 1 < pairs.size(); i += 2)
    added += h->set(pairs[i], pairs[i + 1], limits) ? 1 : 0;
  // Redis counts every pair written in the dirty counter.
  ks.notify(change{db, key, event_class::hash, "hset", pairs.size() / 2});
  return added;
}

op_result<bool> op_hsetnx(keyspace& ks, int db, std::string_view key, std::string_view field,
                          std::string_view val) {
  hash_value* h = hash_for_write(ks, db, key);
  if (h == nullptr)
    return op_status::wrong_type;
  if (h->contains(field))
    return false;
  h->set(field, val, current_hash_limits());
  ks.notify(db, key, event_class::hash, "hset");
  return true;
}

op_result<std::string_view> op_hget(keyspace& ks, int db, std::string_view key,
                                    std::string_view field) {
  auto h = op_hash_read(ks, db, key);
  if (!h.ok())
    return h.error();
  if (*h == nullptr)
    return op_status::nil;
  auto v = (*h)->get(field);
  if (!v)
    return op_status::nil;
  return *v;
}

op_result<std::vector<std::optional<std::string_view>>> op_hmget(
    keyspace& ks, int db, std::string_view key, std::span<const std::string> fields) {
  auto h = op_hash_read(ks, db, key);
  if (!h.ok())
    return h.error();
  std::vector<std::optional<std::string_view>> out;
  out.reserve(fields.size());
  for (const auto& f : fields)
    out.push_back(*h == nullptr ? std::nullopt : (*h)->get(f));
  return out;
}

op_result<size_t> op_hdel(keyspace& ks, int db, std::string_view key,
                          std::span<const std::string> fields) {
  auto h = existing_for_write(ks, db, key);
  if (!h.ok())
    return h.error();
  if (*h == nullptr)
    return size_t{0};
  size_t removed = 0;
  bool emptied = false;
  for (const auto& f : fields) {
    if ((*h)->erase(f)) {
      ++removed;
      if ((*h)->empty()) {
        emptied = true;
        break;
      }
    }
  }
  if (removed == 0)
    return size_t{0};
  ks.notify(change{db, key, event_class::hash, "hdel", removed});
  if (emptied) {
    ks.remove(db, key);
    ks.notify(change{db, key, event_class::generic, "del", 0});
  }
  return removed;
}

op_result<size_t> op_hlen(keyspace& ks, int db, std::string_view key) {
  auto h = op_hash_read(ks, db, key);
  if (!h.ok())
    return h.error();
  return *h == nullptr ? size_t{0} : (*h)->size();
}

op_result<bool> op_hexists(keyspace& ks, int db, std::string_view key, std::string_view field) {
  auto h = op_hash_read(ks, db, key);
  if (!h.ok())
    return h.error();
  return *h != nullptr && (*h)->contains(field);
}

op_result<size_t> op_hstrlen(keyspace& ks, int db, std::string_view key,
                             std::string_view field) {
  auto h = op_hash_read(ks, db, key);
  if (!h.ok())
    return h.error();
  if (*h == nullptr)
    return size_t{0};
  auto v = (*h)->get(field);
  return v ? v->size() : size_t{0};
}

op_result<long long> op_hincrby(keyspace& ks, int db, std::string_view key,
                                std::string_view field, long long delta) {
  auto found = existing_for_write(ks, db, key);
  if (!found.ok())
    return found.error();
  long long current = 0;
  if (*found != nullptr) {
    auto v = (*found)->get(field);
    if (v && !datatypes::parse_ll(*v, current))
      return op_status::not_hash_integer;
  }
  if ((delta < 0 && current < 0 && delta < LLONG_MIN - current) ||
      (delta > 0 && current > 0 && delta > LLONG_MAX - current))
    return op_status::overflow;
  long long result = current + delta;
  hash_value* h = *found != nullptr ? *found : hash_for_write(ks, db, key);
  h->set(field, datatypes::ll_to_string(result), current_hash_limits());
  ks.notify(db, key, event_class::hash, "hincrby");
  return result;
}

op_result<std::string> op_hincrbyfloat(keyspace& ks, int db, std::string_view key,
                                       std::string_view field, long double delta) {
  auto found = existing_for_write(ks, db, key);
  if (!found.ok())
    return found.error();
  long double current = 0;
  if (*found != nullptr) {
    auto v = (*found)->get(field);
    if (v && !datatypes::parse_long_double(*v, current))
      return op_status::not_hash_float;
  }
  long double result = current + delta;
  if (std::isnan(result) || std::isinf(result))
    return op_status::nan_or_inf;
  std::string text = datatypes::long_double_to_string(result);
  hash_value* h = *found != nullptr ? *found : hash_for_write(ks, db, key);
  h->set(field, text, current_hash_limits());
  ks.notify(db, key, event_class::hash, "hincrbyfloat");
  return text;
}

op_result<std::vector<hash_value::field_pair>> op_hrandfield(keyspace& ks, int db,
                                                             std::string_view key,
                                                             long long count) {
  auto found = op_hash_read(ks, db, key);
  if (!found.ok())
    return found.error();
  std::vector<hash_value::field_pair> out;
  const hash_value* h = *found;
  if (h == nullptr || count == 0)
    return out;
  auto& rng = ks.part(key).rng;
  // Repeats allowed (a negative count), or a single pick: independent draws.
  if (count < 0 || count == 1) {
    unsigned long long n = count < 0 ? 0ULL - static_cast<unsigned long long>(count) : 1;
    out.reserve(n);
    while (n-- > 0)
      out.push_back(h->random(rng));
    return out;
  }
  out.reserve(h->size());
  h->for_each([&](std::string_view f, std::string_view v) { out.push_back({f, v}); });
  auto wanted = static_cast<unsigned long long>(count);
  if (wanted >= out.size())
    return out;
  // Distinct fields: a partial shuffle picks `wanted` of them uniformly.
  for (size_t i = 0; i < wanted; ++i) {
    size_t j = i + static_cast<size_t>(rng() % (out.size() - i));
    std::swap(out[i], out[j]);
  }
  out.resize(wanted);
  return out;
}

op_result<hash_value::field_pair> op_hrandfield_one(keyspace& ks, int db, std::string_view key) {
  auto found = op_hash_read(ks, db, key);
  if (!found.ok())
    return found.error();
  if (*found == nullptr)
    return op_status::nil;
  return (*found)->random(ks.part(key).rng);
}

hash_scan_page hscan_page(const hash_value& h, uint64_t cursor, size_t count,
                          std::optional<std::string_view> pattern) {
  hash_scan_page page;
  bool filter = pattern && *pattern != "*";
  page.next_cursor = h.scan(cursor, count, [&](std::string_view f, std::string_view v) {
    if (!filter || datatypes::glob_match(*pattern, f))
      page.pairs.push_back({f, v});
  });
  return page;
}

} // namespace actis::commands
