// WATCH as the partitions that own the watched keys see it. Plain C++.
//
// A client's WATCH creates one watch_session; each watched key is entered
// in the watch_table of the partition that owns it, together with whether
// the key was already logically expired then (Redis 7.0 treats the
// reclaiming of such a key as no change). Every change of a partition's
// data passes commands::notify, which calls the table (as the partition's
// watch_hook) for the changed key; the table marks the sessions watching it
// dirty. EXEC runs holding every partition of its watched keys, so the
// dirty flag it reads there cannot change under it; it also treats a
// watched key that expired since WATCH as changed (Redis 7.0's
// isWatchedKeyExpired). The session's flag is the only state shared
// between threads.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "commands/notify.hpp"

namespace actis::datatypes {
class db;
}

namespace actis::commands {

/// One client's WATCH, from its first WATCH to EXEC, DISCARD, UNWATCH or
/// its departure.
struct watch_session {
  /// A watched key was changed (Redis's CLIENT_DIRTY_CAS).
  std::atomic<bool> dirty{false};
};
using watch_ptr = std::shared_ptr<watch_session>;

/// A key of a watch session, as its client remembers it.
struct watched_key {
  int db;
  std::string key;
  uint32_t partition;
};

/// The watched keys of one partition. It is the partition's watch_hook
/// while it is not empty (install/uninstall through watch_key and
/// unwatch_keys below).
class watch_table final : public watch_hook {
public:
  /// `dbs` are the partition's databases (the table checks whether a key
  /// still exists when an already-expired watched key is touched).
  explicit watch_table(std::vector<datatypes::db>& dbs) : dbs_(dbs) {}

  bool empty() const { return keys_.empty(); }
  /// Enters `key` of `db` for `s`; `expired` tells whether it was
  /// logically expired when watched. Watching it twice keeps one entry.
  void add(int db, std::string_view key, const watch_ptr& s, bool expired);
  /// Removes the entry of `s` for `key` of `db`, if any.
  void remove(int db, std::string_view key, const watch_session* s);
  /// The entry of `s` for `key` of `db` was made for a key that was
  /// already expired then (and not touched since).
  bool watched_expired(int db, std::string_view key, const watch_session* s);

  void touched(int db, std::string_view key) override;
  void touched_all(int db, int replaced_with) override;

private:
  struct watcher {
    watch_ptr session;
    bool expired;
  };
  using key_id = std::pair<int, std::string>;
  struct key_hash {
    size_t operator()(const key_id& k) const {
      return std::hash<std::string_view>{}(k.second) ^ static_cast<size_t>(k.first);
    }
  };
  std::vector<watcher>* find(int db, std::string_view key);
  bool exists(int db, std::string_view key);
  bool logically_expired(int db, std::string_view key);

  std::vector<datatypes::db>& dbs_;
  std::unordered_map<key_id, std::vector<watcher>, key_hash> keys_;
};

struct partition_data;

/// WATCH `key` of `db` for `s` on `p`, the partition owning it, at the
/// command's clock `now_ms`. Thread: the holder of `p`.
void watch_key(partition_data& p, int db, std::string_view key, const watch_ptr& s,
               int64_t now_ms);
/// Forgets `s`'s entry for `key` of `db` on `p`. Thread: the holder of `p`.
void unwatch_key(partition_data& p, int db, std::string_view key, const watch_session* s);
/// EXEC's test for one watched key of `s` on `p`, the partition owning it:
/// true if it counts as changed since WATCH — the key was touched (the
/// session is dirty) or it expired since (it was live when watched).
/// Thread: the holder of `p`.
bool watch_broken(partition_data& p, int db, std::string_view key, const watch_session& s,
                  int64_t now_ms);

} // namespace actis::commands
