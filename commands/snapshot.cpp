#include "commands/snapshot.hpp"

#include "commands/keyspace.hpp"
#include "config/config.hpp"
#include "persistence/aof_rewrite.hpp"
#include "persistence/rdb_format.hpp"

namespace actis::commands {

namespace {
/// Buckets visited per SCAN step: small enough that a step between two
/// commands stays short.
constexpr size_t keys_per_step = 64;

/// What Redis's rdbSaveKeyValuePair adds under an LRU policy: the idle
/// seconds (RDB_OPCODE_IDLE); -1 for none.
int64_t saved_idle(const datatypes::entry& e, int64_t now_ms) {
  if (!config::live().lru_policy.load(std::memory_order_relaxed))
    return -1;
  return static_cast<int64_t>(lru_idle_seconds(e.lru, lru_clock_at(now_ms)));
}

/// ... and under an LFU policy: the decayed counter (RDB_OPCODE_FREQ).
int saved_freq(const datatypes::entry& e, int64_t now_ms) {
  if (!config::live().lfu_policy.load(std::memory_order_relaxed))
    return -1;
  return static_cast<int>(lfu_counter(e.lru, now_ms));
}

} // namespace

partition_snapshot::partition_snapshot(partition_data& p, snapshot_encoding encoding)
    : p_(p), encoding_(encoding) {
  walks_.reserve(p.dbs.size());
  for (size_t i = 0; i < p.dbs.size(); ++i) {
    p.dbs[i].flip_snapshot_epoch();
    keys_total_ += p.dbs[i].size();
    walks_.push_back(table_walk{static_cast<int>(i), 0, p.dbs[i].size() == 0});
  }
}

void partition_snapshot::save(int cut_db, datatypes::db& d, datatypes::entry& e,
                              int64_t now_ms) {
  bool commands = encoding_ == snapshot_encoding::aof_commands;
  if (out_db_ != cut_db) {
    if (commands)
      persistence::put_select_command(out_, cut_db);
    else
      persistence::put_select_db(out_, cut_db);
    out_db_ = cut_db;
  }
  if (commands)
    persistence::put_entry_commands(out_, e.key(), e.val, d.expire_at(e));
  else
    persistence::put_entry(out_, e.key(), e.val, d.expire_at(e),
                           encoding_ == snapshot_encoding::rdb_compressed, saved_idle(e, now_ms),
                           saved_freq(e, now_ms));
  d.mark_saved(e);
  ++keys_saved_;
}

void partition_snapshot::before_change(int db, datatypes::entry& e) {
  auto& d = p_.dbs[static_cast<size_t>(db)];
  if (d.pending(e))
    save(walks_[static_cast<size_t>(db)].cut_db, d, e, wall_clock_ms());
}

void partition_snapshot::detach_db(int db) {
  auto& walk = walks_[static_cast<size_t>(db)];
  auto& d = p_.dbs[static_cast<size_t>(db)];
  if (!walk.finished) {
    // The cursor is kept: the entries it passed are saved already.
    detached_.push_back(detached_table{walk.cut_db, std::move(d), walk.cursor});
    walk.finished = true;
  }
  // What the database holds from now on was made after the cut.
  d = datatypes::db();
}

void partition_snapshot::dbs_swapped(int a, int b) {
  std::swap(walks_[static_cast<size_t>(a)], walks_[static_cast<size_t>(b)]);
}

uint64_t partition_snapshot::walk_step(int cut_db, datatypes::db& d, uint64_t cursor,
                                       int64_t now_ms) {
  return d.scan(cursor, keys_per_step, [&](datatypes::entry& e) {
    if (d.pending(e))
      save(cut_db, d, e, now_ms);
  });
}

std::string partition_snapshot::next_chunk(size_t budget_bytes) {
  // One clock read per chunk, as Redis reads its cached clocks.
  const int64_t now_ms = wall_clock_ms();
  while (out_.size() < budget_bytes && !detached_.empty()) {
    auto& t = detached_.front();
    t.cursor = walk_step(t.cut_db, t.table, t.cursor, now_ms);
    if (t.cursor == 0)
      detached_.pop_front(); // frees the flushed table
  }
  for (size_t i = 0; i < walks_.size() && out_.size() < budget_bytes; ++i) {
    auto& walk = walks_[i];
    while (!walk.finished && out_.size() < budget_bytes) {
      walk.cursor = walk_step(walk.cut_db, p_.dbs[i], walk.cursor, now_ms);
      walk.finished = walk.cursor == 0;
    }
  }
  out_db_ = -1;
  return std::exchange(out_, std::string());
}

bool partition_snapshot::done() const {
  if (!out_.empty() || !detached_.empty())
    return false;
  for (auto& walk : walks_)
    if (!walk.finished)
      return false;
  return true;
}

void partition_snapshot::abandon() {
  detached_.clear();
  for (size_t i = 0; i < walks_.size(); ++i) {
    auto& d = p_.dbs[i];
    if (!walks_[i].finished)
      d.for_each([&](datatypes::entry& e) { d.mark_saved(e); });
    walks_[i].finished = true;
  }
  out_.clear();
}

void save_before_change(partition_snapshot& s, int db, datatypes::entry& e) {
  s.before_change(db, e);
}

} // namespace actis::commands
