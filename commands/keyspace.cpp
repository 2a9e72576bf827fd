#include "commands/keyspace.hpp"

#include <algorithm>
#include <cassert>
#include <chrono>

#include "commands/snapshot.hpp"
#include "config/config.hpp"
#include "datatypes/strutil.hpp"

namespace actis::commands {

namespace {

constexpr uint32_t lru_clock_max = (1u << 24) - 1;

/// Redis's activeExpireCycle tuning at active-expire-effort 1; each extra
/// effort step samples more keys and tolerates fewer stale ones.
constexpr int keys_per_loop_base = 20;
constexpr int acceptable_stale_base = 10;
/// How often (in sampling rounds) the time budget is checked.
constexpr int time_check_every = 16;

/// Deletes an expired key, reports it and tells the write stream, as
/// Redis's deleteExpiredKeyAndPropagate: counts expired_keys, not dirty.
void expire_key(partition_data& p, int db, std::string_view key, write_sink* sink) {
  // The view may point into the entry's own storage: copy before erasing.
  std::string name(key);
  auto& d = p.dbs[static_cast<size_t>(db)];
  if (p.snapshot != nullptr)
    if (entry* e = d.find(name))
      p.snapshot->before_change(db, *e);
  d.erase(name);
  notify(p, change{db, name, event_class::expired, "expired", 0});
  ++p.stats.expired_keys;
  if (sink != nullptr && sink->active())
    sink->emit(db, protocol::command_args{"DEL", std::move(name)});
}

/// One sampling round over `d`'s volatile keys from its expire cursor.
/// Returns (sampled, expired).
std::pair<size_t, size_t> expire_round(partition_data& p, int db, int64_t now_ms,
                                       size_t keys_per_loop, write_sink* sink) {
  auto& d = p.dbs[static_cast<size_t>(db)];
  auto& cursor = p.expire_cursor[static_cast<size_t>(db)];
  // Collect first: the table must not change while it is being walked.
  std::vector<std::string> due;
  size_t sampled = 0;
  // scan_expires bounds the empty buckets it crosses (Redis's max_buckets).
  cursor = d.scan_expires(cursor, keys_per_loop, [&](entry& e) {
    ++sampled;
    if (d.expire_at(e) <= now_ms)
      due.emplace_back(e.key());
  });
  for (auto& key : due)
    expire_key(p, db, key, sink);
  return {sampled, due.size()};
}

} // namespace

partition_data::partition_data(uint32_t index, int databases)
    : index(index), dbs(static_cast<size_t>(databases)) {}

partition_data::~partition_data() = default;

uint32_t lru_clock_at(int64_t now_ms) {
  return static_cast<uint32_t>(now_ms / 1000) & lru_clock_max;
}

int64_t wall_clock_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

uint32_t lru_clock() {
  return lru_clock_at(wall_clock_ms());
}

uint64_t lru_idle_seconds(uint32_t lru, uint32_t now_clock) {
  if (now_clock >= lru)
    return now_clock - lru;
  return static_cast<uint64_t>(now_clock) + (lru_clock_max - lru);
}

namespace {

/// Redis's LFUGetTimeInMinutes: unix minutes in 16 bits.
uint32_t lfu_minutes(int64_t now_ms) {
  return static_cast<uint32_t>(now_ms / 60000) & 0xFFFF;
}

} // namespace

uint32_t lfu_word(uint32_t counter, int64_t now_ms) {
  return (lfu_minutes(now_ms) << 8) | (counter & 0xFF);
}

uint32_t lfu_counter(uint32_t word, int64_t now_ms) {
  uint32_t stamp = word >> 8;
  uint32_t counter = word & 0xFF;
  auto decay = config::live().lfu_decay_time.load(std::memory_order_relaxed);
  if (decay <= 0)
    return counter;
  uint32_t now = lfu_minutes(now_ms);
  uint32_t elapsed = now >= stamp ? now - stamp : 0xFFFF - stamp + now;
  auto periods = static_cast<uint32_t>(elapsed / static_cast<unsigned long long>(decay));
  return periods > counter ? 0 : counter - periods;
}

uint32_t use_stamp_new(int64_t now_ms) {
  if (config::live().lfu_policy.load(std::memory_order_relaxed))
    return lfu_word(lfu_init_counter, now_ms);
  return lru_clock_at(now_ms);
}

uint32_t use_stamp_restored(int freq, int64_t idle_s, int64_t now_ms) {
  if (config::live().lfu_policy.load(std::memory_order_relaxed))
    return lfu_word(freq >= 0 ? static_cast<uint32_t>(freq) : lfu_init_counter, now_ms);
  uint32_t clock = lru_clock_at(now_ms);
  if (idle_s <= 0)
    return clock;
  // Wraps as Redis's 24-bit clock field does.
  return static_cast<uint32_t>((static_cast<uint64_t>(clock) - static_cast<uint64_t>(idle_s))
                               & lru_clock_max);
}

uint32_t use_stamp_touched(uint32_t old, int64_t now_ms, std::mt19937_64& rng) {
  if (!config::live().lfu_policy.load(std::memory_order_relaxed))
    return lru_clock_at(now_ms);
  uint32_t counter = lfu_counter(old, now_ms);
  if (counter < 255) {
    double base = counter > lfu_init_counter ? counter - lfu_init_counter : 0;
    auto factor = config::live().lfu_log_factor.load(std::memory_order_relaxed);
    double p = 1.0 / (base * static_cast<double>(factor) + 1);
    if (std::uniform_real_distribution<double>(0, 1)(rng) < p)
      ++counter;
  }
  return lfu_word(counter, now_ms);
}

bool shared_integer(const value& v) {
  long long n = 0;
  if (v.encoding() != datatypes::obj_encoding::int_ || !v.to_int(n) || n < 0 || n >= 10000)
    return false;
  auto& cfg = config::registry::instance();
  auto policy = cfg.get_one("maxmemory-policy");
  bool evicts_by_use = policy.find("lru") != std::string::npos
                       || policy.find("lfu") != std::string::npos;
  return cfg.get_one("maxmemory") == "0" || !evicts_by_use;
}

int keyspace::databases() const {
  for (auto* p : parts_)
    if (p != nullptr)
      return static_cast<int>(p->dbs.size());
  return config::live().databases.load(std::memory_order_relaxed);
}

uint32_t keyspace::partition_of(std::string_view key, uint32_t partition_count) {
  if (partition_count == 1)
    return 0;
  return datatypes::key_hash_slot(key) % partition_count;
}

partition_data& keyspace::part(std::string_view key) {
  if (only_ != nullptr)
    return *only_;
  auto* p = parts_[partition_of(key, count_)];
  // The router grants every partition a command's declared keys live in;
  // a key it did not declare must not touch data another loop owns. The
  // executor turns this into an error reply.
  if (p == nullptr)
    throw undeclared_key_error{};
  return *p;
}

bool keyspace::expire_if_needed(partition_data& p, int db, std::string_view key, entry* e) {
  if (!e->has_expire || p.dbs[static_cast<size_t>(db)].expire_at(*e) > now_ms_)
    return false;
  expire_key(p, db, key, sink_);
  return true;
}

entry* keyspace::lookup_read(int db, std::string_view key, unsigned flags) {
  auto& p = part(key);
  entry* e = p.dbs[static_cast<size_t>(db)].find(key);
  if (e != nullptr && expire_if_needed(p, db, key, e))
    e = nullptr;
  if (e == nullptr) {
    ++p.stats.keyspace_misses;
    if ((flags & lookup_no_notify) == 0)
      commands::notify(p, change{db, key, event_class::key_miss, "keymiss", 0});
    return nullptr;
  }
  ++p.stats.keyspace_hits;
  if ((flags & lookup_no_touch) == 0)
    e->lru = use_stamp_touched(e->lru, now_ms_, p.rng);
  return e;
}

entry* keyspace::lookup_peek(int db, std::string_view key) {
  auto& p = part(key);
  entry* e = p.dbs[static_cast<size_t>(db)].find(key);
  if (e == nullptr || expire_if_needed(p, db, key, e))
    return nullptr;
  return e;
}

entry* keyspace::lookup_write(int db, std::string_view key) {
  entry* e = lookup_peek(db, key);
  if (e != nullptr) {
    auto& p = part(key);
    before_change(p, db, *e);
    e->lru = use_stamp_touched(e->lru, now_ms_, p.rng);
  }
  return e;
}

entry& keyspace::set(int db, std::string_view key, value v, bool keep_ttl) {
  auto& p = part(key);
  auto& d = p.dbs[static_cast<size_t>(db)];
  auto [e, created] = d.find_or_insert(key);
  if (!created)
    before_change(p, db, *e);
  e->val = std::move(v);
  // Redis's setKey looks the old key up for writing (a use) and keeps its
  // LFU word for the new value.
  e->lru = created ? use_stamp_new(now_ms_) : use_stamp_touched(e->lru, now_ms_, p.rng);
  if (created)
    commands::notify(p, change{db, key, event_class::new_key, "new", 0});
  else if (!keep_ttl)
    d.remove_expire(*e);
  return *e;
}

entry& keyspace::overwrite(int db, std::string_view key, entry& e, value v, bool keep_ttl) {
  before_change(part(key), db, e);
  e.val = std::move(v);
  // The caller looked `e` up for writing, which counted the use; an LFU
  // word stays with the key, as Redis's dbSetValue keeps it.
  if (!config::live().lfu_policy.load(std::memory_order_relaxed))
    e.lru = lru_clock_at(now_ms_);
  if (!keep_ttl)
    part(key).dbs[static_cast<size_t>(db)].remove_expire(e);
  return e;
}

entry& keyspace::add(int db, std::string_view key, value v) {
  auto& p = part(key);
  auto& d = p.dbs[static_cast<size_t>(db)];
  auto [e, created] = d.find_or_insert(key);
  // Callers add after a failed lookup; should the key exist after all, it
  // is overwritten like SET does, never left with a stale expire.
  if (!created) {
    before_change(p, db, *e);
    d.remove_expire(*e);
  }
  e->val = std::move(v);
  e->lru = use_stamp_new(now_ms_);
  if (created)
    commands::notify(p, change{db, key, event_class::new_key, "new", 0});
  return *e;
}

bool keyspace::remove(int db, std::string_view key) {
  auto& p = part(key);
  auto& d = p.dbs[static_cast<size_t>(db)];
  entry* e = d.find(key);
  if (e == nullptr || expire_if_needed(p, db, key, e))
    return false;
  before_change(p, db, *e);
  return d.erase(key);
}

int64_t keyspace::expire_at(int db, const entry& e) const {
  if (!e.has_expire)
    return -1;
  auto* p = parts_[partition_of(e.key(), count_)];
  return p->dbs[static_cast<size_t>(db)].expire_at(e);
}

void keyspace::set_expire(int db, entry& e, int64_t when_ms) {
  auto& p = part(e.key());
  before_change(p, db, e);
  p.dbs[static_cast<size_t>(db)].set_expire(e, when_ms);
}

bool keyspace::persist(int db, entry& e) {
  auto& p = part(e.key());
  before_change(p, db, e);
  return p.dbs[static_cast<size_t>(db)].remove_expire(e);
}

void report_change(partition_data& p, const change& c) {
  auto& [watch, events] = p.observers;
  bool announcement = c.cls == event_class::key_miss || c.cls == event_class::new_key;
  if (watch != nullptr && !announcement && c.signals_key) {
    if (c.whole_db)
      watch->touched_all(c.db, c.replaced_with);
    else
      watch->touched(c.db, c.key);
  }
  if (events == nullptr || c.event.empty() || !event_wanted(c.cls))
    return;
  events->publish(c.db, c.key, c.event,
                  config::live().notify_keyspace_events.load(std::memory_order_relaxed));
}

void keyspace::notify(const change& c) {
  if (!c.whole_db) {
    commands::notify(part(c.key), c);
    return;
  }
  change each = c;
  for (auto* p : parts_) {
    if (p == nullptr)
      continue;
    commands::notify(*p, each);
    each.dirty = 0;
  }
}

void keyspace::propagate(int db, protocol::command_args&& cmd) {
  if (sink_ != nullptr && sink_->active())
    sink_->emit(db, std::move(cmd));
}

void keyspace::propagate(int db, const protocol::command_args& cmd) {
  if (sink_ != nullptr && sink_->active())
    sink_->emit(db, cmd);
}

size_t keyspace::active_expire(partition_data& p, int64_t now_ms, int64_t budget_us,
                               write_sink* sink) {
  using clock = std::chrono::steady_clock;
  auto start = clock::now();
  int effort = std::clamp(config::live().active_expire_effort.load(std::memory_order_relaxed), 1, 10) - 1;
  auto keys_per_loop = static_cast<size_t>(keys_per_loop_base + keys_per_loop_base / 4 * effort);
  auto acceptable_stale = static_cast<size_t>(acceptable_stale_base - effort);

  size_t total_sampled = 0, total_expired = 0;
  bool time_exceeded = false;
  int rounds = 0;
  size_t dbs = p.dbs.size();
  for (size_t n = 0; n < dbs && !time_exceeded; ++n) {
    size_t db_index = (p.expire_next_db + n) % dbs;
    auto db = static_cast<int>(db_index);
    auto& d = p.dbs[db_index];
    d.rehash_step();
    for (;;) {
      if (d.expires_size() == 0)
        break;
      auto [sampled, expired] = expire_round(p, db, now_ms, keys_per_loop, sink);
      total_sampled += sampled;
      total_expired += expired;
      if (++rounds % time_check_every == 0) {
        auto spent = std::chrono::duration_cast<std::chrono::microseconds>(clock::now() - start);
        if (spent.count() > budget_us) {
          time_exceeded = true;
          break;
        }
      }
      if (sampled == 0 || expired * 100 / sampled <= acceptable_stale)
        break;
    }
    if (time_exceeded)
      p.expire_next_db = db_index;
  }
  if (time_exceeded)
    ++p.stats.expired_time_cap_reached_count;
  // Running average weighted 5% on this cycle, as Redis keeps it.
  uint64_t current = total_sampled == 0 ? 0 : total_expired * 10000 / total_sampled;
  p.stats.expired_stale_perc = (current * 5 + p.stats.expired_stale_perc * 95) / 100;
  return total_expired;
}

} // namespace actis::commands
