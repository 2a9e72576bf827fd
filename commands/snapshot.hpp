// One partition's share of a point-in-time snapshot, taken without fork.
// Plain C++ (no CAF): the actors drive it (docs/ARCHITECTURE.md,
// "Snapshots").
//
// The cut: while a coordinator holds every partition, each gets a
// partition_snapshot, which flips the snapshot epoch of each of its
// databases (datatypes::db::pending): every entry existing at that instant
// is pending, in O(1). From then on:
//  * before any change of a pending entry (a write lookup, an overwrite, an
//    expire change, a delete, an expiry) keyspace calls before_change(),
//    which serializes the entry as it was at the cut and marks it saved;
//  * next_chunk(), run by the partition between commands, scans the
//    databases with the rehash-safe SCAN walk and serializes the pending
//    entries it meets;
//  * FLUSHDB/FLUSHALL hand the whole old table to the snapshot (detach_db),
//    which serializes it at leisure and frees it; SWAPDB swaps the
//    snapshot's view of the two databases (dbs_swapped).
// Entries created after the cut are born saved, so each entry of the cut is
// written exactly once, with its value at the cut, and nothing else is. The
// extra memory is the serialized bytes not yet handed to the writer.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "datatypes/db.hpp"

namespace actis::commands {

struct partition_data;

/// What a snapshot writes: RDB entries (dump.rdb, an RDB-preamble AOF
/// base) or, for an AOF base with aof-use-rdb-preamble no, commands.
enum class snapshot_encoding { rdb, rdb_compressed, aof_commands };

class partition_snapshot {
public:
  /// The cut of `p` (call while holding it).
  partition_snapshot(partition_data& p, snapshot_encoding encoding);
  partition_snapshot(const partition_snapshot&) = delete;
  partition_snapshot& operator=(const partition_snapshot&) = delete;

  /// Saves `e` of database `db` if it is still pending (keyspace calls it
  /// before every change of an existing entry).
  void before_change(int db, datatypes::entry& e);
  /// FLUSHDB of `db`: takes over the database's table, leaving an empty one.
  void detach_db(int db);
  /// SWAPDB of `a` and `b` (after the tables were swapped).
  void dbs_swapped(int a, int b);

  /// Serializes pending entries until about `budget_bytes` are ready and
  /// returns everything serialized since the last call: entries, each run
  /// of them after a SELECTDB (or SELECT) of the database they belonged to
  /// at the cut, so chunks of different partitions can be concatenated in any
  /// order.
  std::string next_chunk(size_t budget_bytes);
  /// True once every entry of the cut was serialized and handed out.
  bool done() const;
  /// Gives up: marks every pending entry saved without serializing it, so
  /// the next snapshot's cut starts from a clean state.
  void abandon();

  /// Keys at the cut and keys written so far (INFO current_save_keys_*).
  uint64_t keys_total() const { return keys_total_; }
  uint64_t keys_saved() const { return keys_saved_; }

private:
  /// A database as the snapshot walks it.
  struct table_walk {
    int cut_db;           // its number at the cut
    uint64_t cursor = 0;  // SCAN cursor
    bool finished = false;
  };
  /// A table FLUSHDB handed over.
  struct detached_table {
    int cut_db;
    datatypes::db table;
    uint64_t cursor = 0;
  };

  /// `now_ms`: the clock for the idle time or LFU counter the entry carries.
  void save(int cut_db, datatypes::db& d, datatypes::entry& e, int64_t now_ms);
  /// One SCAN step over `d`; returns the next cursor (0: finished).
  uint64_t walk_step(int cut_db, datatypes::db& d, uint64_t cursor, int64_t now_ms);

  partition_data& p_;
  snapshot_encoding encoding_;
  /// Indexed by the database's current number.
  std::vector<table_walk> walks_;
  std::deque<detached_table> detached_;
  std::string out_;
  int out_db_ = -1;  // the db of the last entry in out_, -1 after a hand-out
  uint64_t keys_total_ = 0;
  uint64_t keys_saved_ = 0;
};

/// keyspace's hook, out of line so the hot path pays one pointer test.
void save_before_change(partition_snapshot& s, int db, datatypes::entry& e);

} // namespace actis::commands
