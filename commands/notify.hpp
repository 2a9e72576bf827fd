// What a change of the dataset looks like to those who follow it: the dirty
// counter, WATCH and keyspace notifications. The recording itself is
// commands::notify (keyspace.hpp), the single place every change passes.
// Plain C++.
#pragma once

#include <cstdint>
#include <string_view>

#include "config/keyspace_events.hpp"

namespace actis::commands {

using config::event_class;

/// One change of the dataset as Redis's notifyKeyspaceEvent,
/// signalModifiedKey and server.dirty++ see it together. Also carries the
/// two announcements that change nothing themselves: a read that missed
/// (key_miss) and a key being added (new_key, always followed by the event
/// of the command that wrote it). Eviction will report
/// {db, key, evicted, "evicted", 0} and RESTORE {db, key, generic, "restore"}.
struct change {
  int db;
  /// The key; unused for a whole-database change. Only valid for the call.
  std::string_view key;
  event_class cls;
  /// Redis's event name ("set", "expired", "rename_from" ...); empty where
  /// Redis publishes nothing (FLUSHDB, FLUSHALL, SWAPDB).
  std::string_view event;
  /// Added to the dirty counter (rdb_changes_since_last_save; the executor
  /// propagates a write command when it grew): 1 for most changes; 0 for
  /// expiry, eviction, announcements and the first half of a pair (RENAME's
  /// rename_from, MOVE's move_from); the removed keys for FLUSHDB.
  uint64_t dirty = 1;
  /// Every key of `db` (FLUSHDB, FLUSHALL, SWAPDB). Reported *before* it is
  /// applied, so that a watch hook still sees which watched keys exist.
  bool whole_db = false;
  /// For a whole_db change, the database whose keys replace `db`'s
  /// (SWAPDB), or -1 when `db` is emptied (FLUSHDB, FLUSHALL).
  int replaced_with = -1;
  /// Whether WATCH sees it (Redis's signalModifiedKey). False where Redis
  /// 7.0 only counts the change and publishes its event: a stream's
  /// consumer groups (XGROUP, XACK, XCLAIM, XAUTOCLAIM, XREADGROUP's
  /// deliveries), XSETID and PFDEBUG's conversion to dense.
  bool signals_key = true;
};

/// WATCH's side of changes, implemented by MULTI/EXEC. A partition carries
/// one only while some client watches a key in it, so an unwatched
/// partition pays a null check per change. Called on the partition's
/// owning thread, right after the change (before it, for whole_db).
class watch_hook {
public:
  virtual ~watch_hook() = default;
  /// `key` of `db` was written, deleted, expired or evicted. The view is
  /// only valid for the call.
  virtual void touched(int db, std::string_view key) = 0;
  /// Every key of `db` is about to be removed (FLUSHDB, FLUSHALL) or
  /// replaced by those of database `replaced_with` (SWAPDB; else -1); the
  /// partition still holds the old keys.
  virtual void touched_all(int db, int replaced_with) = 0;
};

/// Keyspace notifications, implemented by pub/sub. Called only for events
/// whose class notify-keyspace-events enables together with K or E, on the
/// partition's owning thread.
class keyspace_event_sink {
public:
  virtual ~keyspace_event_sink() = default;
  /// `flags` is notify-keyspace-events at the time: publish on
  /// __keyspace@<db>__:<key> if config::notify_keyspace is set and on
  /// __keyevent@<db>__:<event> if config::notify_keyevent is. The views are
  /// only valid for the call.
  virtual void publish(int db, std::string_view key, std::string_view event, int flags) = 0;
};

/// Who follows a partition's changes besides its dirty counter. Set by the
/// partition's owner (the actor layer); null means nobody.
struct change_observers {
  watch_hook* watch = nullptr;
  keyspace_event_sink* events = nullptr;
};

} // namespace actis::commands
