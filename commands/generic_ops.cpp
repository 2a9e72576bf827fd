// The generic family's operations (see generic_ops.hpp).
#include "commands/generic_ops.hpp"

#include <climits>
#include <random>

#include "commands/snapshot.hpp"
#include "config/config.hpp"
#include "datatypes/strutil.hpp"

namespace actis::commands {

namespace {

size_t db_slot(int db) { return static_cast<size_t>(db); }

bool is_expired(datatypes::db& d, const entry& e, int64_t now_ms) {
  return e.has_expire && d.expire_at(e) <= now_ms;
}

entry* object_lookup(keyspace& ks, int db, std::string_view key) {
  return ks.lookup_read(db, key, lookup_no_touch | lookup_no_notify);
}

/// True if the NX/XX/GT/LT conditions allow replacing `current` (-1: none)
/// by `when`.
bool expire_condition_met(unsigned flags, int64_t current, int64_t when) {
  if ((flags & expire_nx) && current != -1)
    return false;
  if ((flags & expire_xx) && current == -1)
    return false;
  // No expire counts as an infinite TTL.
  if ((flags & expire_gt) && (current == -1 || when <= current))
    return false;
  if ((flags & expire_lt) && current != -1 && when >= current)
    return false;
  return true;
}

/// Moves the value of `src` (the live entry of src_key in src_db) to dst_key
/// in dst_db, with its idle time (as Redis moves the robj) and expire, and
/// removes src_key. The target must be free.
void move_value(keyspace& ks, int src_db, std::string_view src_key, entry& src, int dst_db,
                std::string_view dst_key) {
  int64_t expire = ks.expire_at(src_db, src);
  uint32_t lru = src.lru;
  entry& moved = ks.add(dst_db, dst_key, std::move(src.val));
  moved.lru = lru;
  if (expire != -1)
    ks.set_expire(dst_db, moved, expire);
  ks.remove(src_db, src_key);
}

} // namespace

int64_t op_del(keyspace& ks, int db, std::span<const std::string> keys) {
  int64_t removed = 0;
  for (const auto& key : keys) {
    if (ks.remove(db, key)) {
      ks.notify(db, key, event_class::generic, "del");
      ++removed;
    }
  }
  return removed;
}

int64_t op_exists(keyspace& ks, int db, std::span<const std::string> keys) {
  int64_t found = 0;
  for (const auto& key : keys)
    if (ks.lookup_read(db, key, lookup_no_touch) != nullptr)
      ++found;
  return found;
}

int64_t op_touch(keyspace& ks, int db, std::span<const std::string> keys) {
  int64_t found = 0;
  for (const auto& key : keys)
    if (ks.lookup_read(db, key) != nullptr)
      ++found;
  return found;
}

std::string_view op_type(keyspace& ks, int db, std::string_view key) {
  entry* e = ks.lookup_read(db, key, lookup_no_touch);
  return e == nullptr ? std::string_view("none") : e->val.traits().name;
}

std::vector<std::string> op_keys(keyspace& ks, int db, std::string_view pattern) {
  bool all = pattern == "*";
  auto now = ks.now_ms();
  std::vector<std::string> found;
  for (auto* p : ks.held()) {
    if (p == nullptr)
      continue;
    auto& d = p->dbs[db_slot(db)];
    d.for_each([&](entry& e) {
      // Expired keys are never listed (and not deleted here: the table must
      // not change while it is walked).
      if ((all || datatypes::glob_match(pattern, e.key())) && !is_expired(d, e, now))
        found.emplace_back(e.key());
    });
  }
  return found;
}

scan_page op_scan(keyspace& ks, int db, uint64_t cursor, const scan_options& options) {
  auto& held = ks.held();
  uint64_t partitions = ks.partition_count();
  uint64_t part = cursor % partitions;
  uint64_t table_cursor = cursor / partitions;
  auto wanted = static_cast<size_t>(options.count);
  std::vector<std::string> keys;
  // db::scan stops after `count` keys or after visiting 10 * count buckets,
  // as Redis's SCAN loop does; an unfinished table ends this call.
  while (part < partitions && keys.size() < wanted) {
    auto& d = held[part]->dbs[db_slot(db)];
    table_cursor = d.scan(table_cursor, wanted - keys.size(),
                          [&](entry& e) { keys.emplace_back(e.key()); });
    if (table_cursor != 0)
      break;
    ++part;
  }
  scan_page page;
  page.next_cursor = part >= partitions ? 0 : table_cursor * partitions + part;
  // Filter after collecting, as Redis does: pattern, then type, then expiry
  // (which deletes the key and propagates the DEL).
  page.keys.reserve(keys.size());
  for (auto& k : keys) {
    if (options.pattern && !datatypes::glob_match(*options.pattern, k))
      continue;
    entry* e = options.type ? ks.lookup_read(db, k, lookup_no_touch) : ks.lookup_peek(db, k);
    if (e == nullptr)
      continue;
    if (options.type && !datatypes::iequals(*options.type, e->val.traits().name))
      continue;
    page.keys.push_back(std::move(k));
  }
  return page;
}

op_result<std::string> op_randomkey(keyspace& ks, int db) {
  auto& held = ks.held();
  auto& rng = held.front()->rng;
  for (;;) {
    size_t total = 0;
    for (auto* p : held)
      total += p->dbs[db_slot(db)].size();
    if (total == 0)
      return op_status::nil;
    // A partition weighted by its key count, then a random key in it.
    size_t pick = std::uniform_int_distribution<size_t>(0, total - 1)(rng);
    partition_data* chosen = nullptr;
    for (auto* p : held) {
      auto n = p->dbs[db_slot(db)].size();
      if (pick < n) {
        chosen = p;
        break;
      }
      pick -= n;
    }
    entry* e = chosen->dbs[db_slot(db)].random_entry(chosen->rng);
    std::string key(e->key());
    // An expired pick is deleted (lazy expiry) and another one drawn.
    if (ks.lookup_peek(db, key) != nullptr)
      return key;
  }
}

op_result<bool> op_rename(keyspace& ks, int db, std::string_view src_key,
                          std::string_view dst_key, bool nx) {
  entry* src = ks.lookup_write(db, src_key);
  if (src == nullptr)
    return op_status::no_such_key;
  if (src_key == dst_key)
    return false;
  if (ks.lookup_write(db, dst_key) != nullptr) {
    if (nx)
      return false;
    ks.remove(db, dst_key);
  }
  move_value(ks, db, src_key, *src, db, dst_key);
  // One change in the dirty counter, two events (as Redis counts it).
  ks.notify(change{db, src_key, event_class::generic, "rename_from", 0});
  ks.notify(db, dst_key, event_class::generic, "rename_to");
  return true;
}

op_result<bool> op_copy(keyspace& ks, int src_db, std::string_view src_key, int dst_db,
                        std::string_view dst_key, bool replace) {
  if (dst_db == src_db && src_key == dst_key)
    return op_status::same_object;
  entry* src = ks.lookup_read(src_db, src_key);
  if (src == nullptr)
    return false;
  int64_t expire = ks.expire_at(src_db, *src);
  bool dst_exists = ks.lookup_write(dst_db, dst_key) != nullptr;
  if (dst_exists && !replace)
    return false;
  auto copy = src->val.clone();
  if (dst_exists)
    ks.remove(dst_db, dst_key);
  entry& added = ks.add(dst_db, dst_key, std::move(copy));
  if (expire != -1)
    ks.set_expire(dst_db, added, expire);
  ks.notify(dst_db, dst_key, event_class::generic, "copy_to");
  return true;
}

// MOVE never crosses partitions: a partition owns its slots in every
// database.
op_result<bool> op_move(keyspace& ks, int db, std::string_view key, int dst_db) {
  if (dst_db == db)
    return op_status::same_object;
  entry* src = ks.lookup_write(db, key);
  if (src == nullptr)
    return false;
  if (ks.lookup_write(dst_db, key) != nullptr)
    return false;
  move_value(ks, db, key, *src, dst_db, key);
  ks.notify(change{db, key, event_class::generic, "move_from", 0});
  ks.notify(dst_db, key, event_class::generic, "move_to");
  return true;
}

op_result<bool> op_swapdb(keyspace& ks, int first, int second) {
  int dbs = ks.databases();
  if (first < 0 || first >= dbs || second < 0 || second >= dbs)
    return op_status::db_index_out_of_range;
  if (first == second) {
    // Nothing moves, but Redis counts it as a change (and so replicates it).
    ks.count_change();
    return false;
  }
  // Reported before the swap: WATCH still sees which keys exist in each.
  ks.notify(change{first, {}, event_class::generic, {}, 1, true, second});
  ks.notify(change{second, {}, event_class::generic, {}, 0, true, first});
  for (auto* p : ks.held()) {
    p->dbs[db_slot(first)].swap(p->dbs[db_slot(second)]);
    std::swap(p->expire_cursor[db_slot(first)], p->expire_cursor[db_slot(second)]);
    if (p->snapshot != nullptr)
      p->snapshot->dbs_swapped(first, second);
  }
  return true;
}

op_result<std::string_view> op_object_encoding(keyspace& ks, int db, std::string_view key) {
  entry* e = object_lookup(ks, db, key);
  if (e == nullptr)
    return op_status::nil;
  return datatypes::encoding_name(e->val.encoding());
}

op_result<int64_t> op_object_refcount(keyspace& ks, int db, std::string_view key) {
  entry* e = object_lookup(ks, db, key);
  if (e == nullptr)
    return op_status::nil;
  return int64_t{shared_integer(e->val) ? INT_MAX : 1};
}

op_result<int64_t> op_object_idletime(keyspace& ks, int db, std::string_view key) {
  entry* e = object_lookup(ks, db, key);
  if (e == nullptr)
    return op_status::nil;
  if (config::live().lfu_policy.load(std::memory_order_relaxed))
    return op_status::lfu_idle_time;
  return static_cast<int64_t>(lru_idle_seconds(e->lru, lru_clock_at(ks.now_ms())));
}

op_result<int64_t> op_object_freq(keyspace& ks, int db, std::string_view key) {
  entry* e = object_lookup(ks, db, key);
  if (e == nullptr)
    return op_status::nil;
  if (!config::live().lfu_policy.load(std::memory_order_relaxed))
    return op_status::lfu_not_selected;
  return int64_t{lfu_counter(e->lru, ks.now_ms())};
}

op_result<int64_t> expire_time(std::string_view arg, int64_t basetime, bool seconds) {
  long long when = 0;
  if (!datatypes::parse_ll(arg, when))
    return op_status::not_integer;
  if (seconds) {
    if (when > LLONG_MAX / 1000 || when < LLONG_MIN / 1000)
      return op_status::invalid_expire;
    when *= 1000;
  }
  if (when > LLONG_MAX - basetime)
    return op_status::invalid_expire;
  return int64_t{when + basetime};
}

expire_outcome op_expire(keyspace& ks, int db, std::string_view key, int64_t when_ms,
                         unsigned flags) {
  entry* e = ks.lookup_write(db, key);
  if (e == nullptr)
    return expire_outcome::unchanged;
  if (flags != 0 && !expire_condition_met(flags, ks.expire_at(db, *e), when_ms))
    return expire_outcome::unchanged;
  if (when_ms <= ks.now_ms()) {
    ks.remove(db, key);
    ks.notify(db, key, event_class::generic, "del");
    return expire_outcome::deleted;
  }
  ks.set_expire(db, *e, when_ms);
  ks.notify(db, key, event_class::generic, "expire");
  return expire_outcome::set;
}

int64_t op_ttl(keyspace& ks, int db, std::string_view key, ttl_query query) {
  entry* e = ks.lookup_read(db, key, lookup_no_touch);
  if (e == nullptr)
    return -2;
  int64_t expire = ks.expire_at(db, *e);
  if (expire == -1)
    return -1;
  int64_t ttl = query.absolute ? expire : expire - ks.now_ms();
  if (ttl < 0)
    ttl = 0;
  // Seconds round half up; split so that huge times cannot overflow.
  return query.millis ? ttl : ttl / 1000 + (ttl % 1000 >= 500 ? 1 : 0);
}

bool op_persist(keyspace& ks, int db, std::string_view key) {
  entry* e = ks.lookup_write(db, key);
  if (e == nullptr || !ks.persist(db, *e))
    return false;
  ks.notify(db, key, event_class::generic, "persist");
  return true;
}

int64_t op_dbsize(const std::vector<partition_summary>& summaries, int db) {
  int64_t total = 0;
  for (auto& p : summaries)
    total += static_cast<int64_t>(p.dbs[db_slot(db)].keys);
  return total;
}

// The removed keys count as changes, reported before they go so that WATCH
// still sees them.
void op_flushdb(keyspace& ks, int db) {
  uint64_t removed = 0;
  for (auto* p : ks.held())
    removed += p->dbs[db_slot(db)].size();
  ks.notify(change{db, {}, event_class::generic, {}, removed, true});
  for (auto* p : ks.held()) {
    if (p->snapshot != nullptr)
      p->snapshot->detach_db(db);
    p->dbs[db_slot(db)].clear();
    p->expire_cursor[db_slot(db)] = 0;
  }
}

void op_flushall(keyspace& ks) {
  for (int db = 0; db < ks.databases(); ++db)
    op_flushdb(ks, db);
}

} // namespace actis::commands
