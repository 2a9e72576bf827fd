// A partition's data and the keyspace view commands run against.
// Plain C++ (no CAF): the same handlers run inline on the owning loop, in a
// batch shipped to a foreign loop, or inside a cross-partition transaction.
#pragma once

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "commands/blocking.hpp"
#include "commands/notify.hpp"
#include "commands/watch.hpp"
#include "config/config.hpp"
#include "datatypes/db.hpp"
#include "protocol/resp_parser.hpp"

namespace actis::commands {

class partition_snapshot;
void save_before_change(partition_snapshot& s, int db, datatypes::entry& e);

using datatypes::entry;
using datatypes::value;

/// Counters kept per partition and summed on demand for INFO.
struct partition_stats {
  uint64_t keyspace_hits = 0;
  uint64_t keyspace_misses = 0;
  uint64_t expired_keys = 0;
  /// Running estimate of the share of already-expired keys among volatile
  /// ones (Redis's expired_stale_perc), in hundredths of a percent.
  uint64_t expired_stale_perc = 0;
  uint64_t expired_time_cap_reached_count = 0;
  uint64_t dirty = 0;               // changes since last save (see notify())
};

/// All state one keyspace partition owns: its share of every database.
/// Owned by exactly one partition actor; only the holder of the partition
/// (its own loop, or a transaction that was granted it) may touch it.
struct partition_data {
  // Out of line: the snapshot's type is incomplete here.
  partition_data(uint32_t index, int databases);
  ~partition_data();
  partition_data(const partition_data&) = delete;
  partition_data& operator=(const partition_data&) = delete;
  uint32_t index;
  std::vector<datatypes::db> dbs;
  partition_stats stats;
  std::mt19937_64 rng{0x5eed};
  /// Cursors of the active expire cycle, per db.
  std::vector<uint64_t> expire_cursor = std::vector<uint64_t>(dbs.size(), 0);
  /// Database the next active expire step starts with (round robin).
  size_t expire_next_db = 0;
  change_observers observers;
  /// Clients parked on keys of this partition by blocking commands.
  waiter_table waiters;
  /// Keys of this partition that clients WATCH; the watch hook while not
  /// empty.
  watch_table watches{dbs};
  /// The snapshot in progress (commands/snapshot.hpp), null when none.
  std::unique_ptr<partition_snapshot> snapshot;
};

/// Lets a snapshot in progress save `e` as it was at the cut. Called before
/// every change of an existing entry (keyspace does it); one pointer test
/// when no snapshot runs.
inline void before_change(partition_data& p, int db, entry& e) {
  if (p.snapshot != nullptr) [[unlikely]]
    save_before_change(*p.snapshot, db, e);
}

/// Tells the observers of `p` about `c`; use notify().
void report_change(partition_data& p, const change& c);

/// True if notify-keyspace-events asks for events of class `cls` (and for
/// at least one of the keyspace / keyevent channels).
inline bool event_wanted(event_class cls) {
  int flags = config::live().notify_keyspace_events.load(std::memory_order_relaxed);
  return (flags & static_cast<int>(cls)) != 0 &&
         (flags & (config::notify_keyspace | config::notify_keyevent)) != 0;
}

/// The single place a change of partition `p`'s data is recorded: adds
/// c.dirty to the dirty counter, marks the key ready for the clients blocked
/// on it, tells the watch hook (except for the key_miss and new_key
/// announcements) and, if notify-keyspace-events wants the class, the
/// keyspace event sink. Nothing else is paid while nobody waits, watches
/// and no sink is installed. Not the write stream: that carries the
/// command (keyspace::propagate, driven by commands::execute). Thread: the
/// holder of `p`.
inline void notify(partition_data& p, const change& c) {
  p.stats.dirty += c.dirty;
  if (!p.waiters.empty() && c.cls != event_class::key_miss) {
    if (c.whole_db)
      p.waiters.signal_all(c.db);
    else
      p.waiters.signal(c.db, c.key);
  }
  if (p.observers.watch != nullptr || (p.observers.events != nullptr && event_wanted(c.cls)))
    report_change(p, c);
}

/// Redis's LOOKUP_* flags of a read lookup.
enum lookup_flag : unsigned {
  lookup_no_touch = 1,  // keep the LRU clock (TYPE, TTL, EXISTS, OBJECT ...)
  lookup_no_notify = 2, // no key-miss event (OBJECT, DEBUG)
};

/// Receives every change to the dataset as the command that reproduces it.
/// Implemented by the actor layer (global sequence + write stream).
class write_sink {
public:
  virtual ~write_sink() = default;
  /// False while nobody consumes the stream: callers then skip building
  /// the command at all.
  virtual bool active() const { return true; }
  /// `db` is the database the command applies to.
  virtual void emit(int db, protocol::command_args cmd) = 0;
  /// The commands emitted until end_atomic() are one transaction (EXEC, a
  /// script): they reach the stream next to each other, wrapped in MULTI …
  /// EXEC when there are several, as Redis 7.0 propagates them. Call both
  /// while holding every partition the transaction touches.
  virtual void begin_atomic() {}
  virtual void end_atomic() {}
};

/// Thrown when a command touches a key in a partition its execution does not
/// hold (a key it did not declare); execute() answers it with an error.
struct undeclared_key_error {};

/// The keys a command may touch, routed to the partitions that own them.
/// Applies Redis's rules on every access: an expired key is deleted (and a
/// DEL propagated) before anyone sees it.
class keyspace {
public:
  /// `parts[i]` is partition i's data if this execution holds it, else null.
  /// `now_ms` is the command's clock snapshot (Redis's cmd time snapshot).
  keyspace(std::vector<partition_data*>& parts, uint32_t partition_count,
           write_sink* sink, int64_t now_ms)
      : parts_(parts), count_(partition_count), sink_(sink), now_ms_(now_ms) {
    for (auto* p : parts)
      if (p != nullptr)
        only_ = held_count_++ == 0 ? p : nullptr;
  }

  int64_t now_ms() const { return now_ms_; }
  void set_now_ms(int64_t t) { now_ms_ = t; }
  int databases() const;

  /// Partition owning `key` (slot -> partition). Same function everywhere.
  static uint32_t partition_of(std::string_view key, uint32_t partition_count);
  partition_data& part(std::string_view key);
  /// True if this execution holds the partition owning `key`.
  bool holds(std::string_view key) const {
    return parts_[partition_of(key, count_)] != nullptr;
  }
  /// Every partition this execution holds (for all_partitions commands).
  std::vector<partition_data*>& held() { return parts_; }
  uint32_t partition_count() const { return count_; }

  /// Read lookup: lazy expiry, updates hit/miss stats, the LRU clock
  /// (unless lookup_no_touch) and reports a miss as a key_miss event
  /// (unless lookup_no_notify). `flags` is a set of lookup_flag.
  entry* lookup_read(int db, std::string_view key, unsigned flags = 0);
  /// Write lookup: lazy expiry and LRU update, no hit/miss stats.
  entry* lookup_write(int db, std::string_view key);
  /// Lookup without stats or LRU update (OBJECT, TYPE-less peeks, EXISTS uses read).
  entry* lookup_peek(int db, std::string_view key);

  /// Sets key to `v` (fresh LRU clock). Drops any expire unless keep_ttl.
  /// A key that did not exist is announced (new_key). Returns the entry.
  entry& set(int db, std::string_view key, value v, bool keep_ttl = false);
  /// Replaces the value of `e`, the live entry of `key` found by a lookup
  /// of this command (saves a second table lookup). Drops any expire unless
  /// keep_ttl.
  entry& overwrite(int db, std::string_view key, entry& e, value v, bool keep_ttl = false);
  /// Adds a new key that must not exist (after a failed lookup_write) and
  /// announces it (new_key).
  entry& add(int db, std::string_view key, value v);
  /// Deletes key if present. An expired key is expired (DEL propagated)
  /// instead; true only if a live key was removed.
  bool remove(int db, std::string_view key);

  int64_t expire_at(int db, const entry& e) const;
  void set_expire(int db, entry& e, int64_t when_ms);
  bool persist(int db, entry& e);

  /// Records a change through commands::notify on the partition owning
  /// c.key; a whole_db change on every held partition (its dirty counted
  /// once). Every handler's change to the dataset goes through here.
  void notify(const change& c);
  /// notify() of a one-key change that counts once in the dirty counter.
  void notify(int db, std::string_view key, event_class cls, std::string_view event) {
    notify(change{db, key, cls, event});
  }
  /// notify() of a change Redis counts and publishes but does not signal as
  /// a modified key, so WATCH does not see it (change::signals_key).
  void notify_unsignalled(int db, std::string_view key, event_class cls, std::string_view event,
                          uint64_t dirty = 1) {
    notify(change{.db = db, .key = key, .cls = cls, .event = event, .dirty = dirty,
                  .signals_key = false});
  }
  /// A change outside the keys (the function libraries): counted in the
  /// dirty counter, so save points see it and the executor propagates the
  /// command. Needs a held partition (all_partitions scope).
  void count_change() {
    for (auto* p : parts_)
      if (p != nullptr) {
        ++p->stats.dirty;
        return;
      }
  }
  /// True while the write stream is consumed: otherwise handlers need not
  /// build the rewritten forms they would propagate.
  bool propagating() const { return sink_ != nullptr && sink_->active(); }
  /// Sends a command to the write stream (no-op without a sink).
  void propagate(int db, protocol::command_args&& cmd);
  /// Same, copying `cmd` only when the stream is consumed (the executor
  /// passes the client's argv on every write).
  void propagate(int db, const protocol::command_args& cmd);
  /// What propagate() sends between these is one transaction
  /// (write_sink::begin_atomic).
  void begin_atomic() {
    if (sink_ != nullptr)
      sink_->begin_atomic();
  }
  void end_atomic() {
    if (sink_ != nullptr)
      sink_->end_atomic();
  }
  /// begin_atomic() for the lifetime of the scope (a script's handler).
  class atomic_scope {
  public:
    explicit atomic_scope(keyspace& ks) : ks_(ks) { ks_.begin_atomic(); }
    ~atomic_scope() { ks_.end_atomic(); }
    atomic_scope(const atomic_scope&) = delete;
    atomic_scope& operator=(const atomic_scope&) = delete;

  private:
    keyspace& ks_;
  };

  /// Runs one bounded active expire step over this partition (Redis's
  /// activeExpireCycle, slow cycle: sample volatile keys of each db, repeat
  /// while more than the acceptable stale share (10% at effort 1) expired,
  /// stop after `budget_us`). Reports an `expired` change and propagates a
  /// DEL per expired key. Returns keys expired.
  static size_t active_expire(partition_data& p, int64_t now_ms, int64_t budget_us,
                              write_sink* sink);

private:
  bool expire_if_needed(partition_data& p, int db, std::string_view key, entry* e);

  std::vector<partition_data*>& parts_;
  uint32_t count_;
  /// The single held partition, if exactly one is held: every key of the
  /// command lives there, so routing needs no hashing.
  partition_data* only_ = nullptr;
  uint32_t held_count_ = 0;
  friend class write_sink_pause;
  write_sink* sink_;
  int64_t now_ms_;
};

/// While it lives (and `paused`), nothing `ks` runs reaches the write
/// stream: a script's commands after redis.set_repl(redis.REPL_NONE).
class write_sink_pause {
public:
  write_sink_pause(keyspace& ks, bool paused)
      : ks_(ks), saved_(paused ? std::exchange(ks.sink_, nullptr) : ks.sink_) {}
  write_sink_pause(const write_sink_pause&) = delete;
  write_sink_pause& operator=(const write_sink_pause&) = delete;
  ~write_sink_pause() { ks_.sink_ = saved_; }

private:
  keyspace& ks_;
  write_sink* saved_;
};

/// Unix time in ms, read from the clock (commands get theirs as now_ms).
int64_t wall_clock_ms();
/// LRU clock in seconds used for OBJECT IDLETIME: unix seconds in 24 bits,
/// like Redis's LRU_CLOCK().
uint32_t lru_clock();
/// The LRU clock at unix time `now_ms`.
uint32_t lru_clock_at(int64_t now_ms);
/// Seconds elapsed from `lru` to `now_clock`, allowing for the 24-bit wrap.
uint64_t lru_idle_seconds(uint32_t lru, uint32_t now_clock);

// Under an LFU maxmemory-policy an entry's `lru` field holds Redis's LFU
// word instead: the minute of its last decrement (16 bits) above a
// logarithmic access counter (8 bits), which new keys start at 5.
constexpr uint32_t lfu_init_counter = 5;
/// The LFU word of `counter` stamped at `now_ms`.
uint32_t lfu_word(uint32_t counter, int64_t now_ms);
/// The counter of `word` at `now_ms`, less one per lfu-decay-time minutes
/// since its stamp (Redis's LFUDecrAndReturn): OBJECT FREQ.
uint32_t lfu_counter(uint32_t word, int64_t now_ms);
/// The `lru` field of a key made at `now_ms`, per the policy.
uint32_t use_stamp_new(int64_t now_ms);
/// The `lru` field of a key restored at `now_ms` (RESTORE, an RDB load)
/// with an LFU counter `freq` and an idle time `idle_s` (-1: not given),
/// as Redis's objectSetLRUOrLFU: the counter counts under an LFU policy
/// (else 5), the idle time under any other (else none).
uint32_t use_stamp_restored(int freq, int64_t idle_s, int64_t now_ms);
/// The `lru` field of a key that had `old` and is used at `now_ms`: the
/// LRU clock, or the LFU counter decayed and then incremented with
/// probability 1 / ((counter - 5) * lfu-log-factor + 1) (Redis's updateLFU).
uint32_t use_stamp_touched(uint32_t old, int64_t now_ms, std::mt19937_64& rng);

/// Whether Redis would store `v` as one of its shared integers 0..9999
/// (OBJECT REFCOUNT and DEBUG OBJECT report refcount INT_MAX): an int-encoded
/// value in range, unless maxmemory with an LRU/LFU policy forbids sharing.
/// Reads the configuration (not for hot paths).
bool shared_integer(const value& v);

} // namespace actis::commands
