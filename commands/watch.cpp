#include "commands/watch.hpp"

#include <algorithm>
#include <chrono>

#include "commands/keyspace.hpp"
#include "datatypes/db.hpp"

namespace actis::commands {

namespace {

int64_t clock_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

bool expired_in(datatypes::db& d, std::string_view key, int64_t now_ms) {
  int64_t at = d.expire_at(key);
  return at >= 0 && at <= now_ms;
}

} // namespace

std::vector<watch_table::watcher>* watch_table::find(int db, std::string_view key) {
  auto it = keys_.find(key_id{db, std::string(key)});
  return it == keys_.end() ? nullptr : &it->second;
}

bool watch_table::exists(int db, std::string_view key) {
  return dbs_[static_cast<size_t>(db)].find(key) != nullptr;
}

bool watch_table::logically_expired(int db, std::string_view key) {
  return expired_in(dbs_[static_cast<size_t>(db)], key, clock_ms());
}

void watch_table::add(int db, std::string_view key, const watch_ptr& s, bool expired) {
  auto& list = keys_[key_id{db, std::string(key)}];
  for (auto& w : list)
    if (w.session == s)
      return;
  list.push_back(watcher{s, expired});
}

void watch_table::remove(int db, std::string_view key, const watch_session* s) {
  auto it = keys_.find(key_id{db, std::string(key)});
  if (it == keys_.end())
    return;
  auto& list = it->second;
  list.erase(std::remove_if(list.begin(), list.end(),
                            [s](const watcher& w) { return w.session.get() == s; }),
             list.end());
  if (list.empty())
    keys_.erase(it);
}

bool watch_table::watched_expired(int db, std::string_view key, const watch_session* s) {
  if (auto* list = find(db, key))
    for (auto& w : *list)
      if (w.session.get() == s)
        return w.expired;
  return false;
}

void watch_table::touched(int db, std::string_view key) {
  auto* list = find(db, key);
  if (list == nullptr)
    return;
  bool gone = !exists(db, key);
  for (auto& w : *list) {
    // The key was expired already when watched and is now reclaimed:
    // logically nothing changed (Redis 7.0). Deleted keys are not expired.
    if (w.expired && gone) {
      w.expired = false;
      continue;
    }
    w.session->dirty.store(true, std::memory_order_relaxed);
  }
}

void watch_table::touched_all(int db, int replaced_with) {
  for (auto& [id, list] : keys_) {
    if (id.first != db)
      continue;
    const std::string& key = id.second;
    bool in_emptied = exists(db, key);
    bool in_replacement = replaced_with >= 0 && exists(replaced_with, key);
    if (!in_emptied && !in_replacement)
      continue; // a key that did not exist and still does not: no change
    for (auto& w : list) {
      if (w.expired) {
        if (!in_replacement) {
          w.expired = false; // the expired key is simply gone
          continue;
        }
        if (logically_expired(replaced_with, key))
          continue; // expired before, expired after
      } else if (!in_emptied && logically_expired(replaced_with, key)) {
        w.expired = true; // a missing key replaced by an expired one
        continue;
      }
      w.session->dirty.store(true, std::memory_order_relaxed);
    }
  }
}

void watch_key(partition_data& p, int db, std::string_view key, const watch_ptr& s,
               int64_t now_ms) {
  bool expired = expired_in(p.dbs[static_cast<size_t>(db)], key, now_ms);
  p.watches.add(db, key, s, expired);
  p.observers.watch = &p.watches;
}

void unwatch_key(partition_data& p, int db, std::string_view key, const watch_session* s) {
  p.watches.remove(db, key, s);
  if (p.watches.empty())
    p.observers.watch = nullptr;
}

bool watch_broken(partition_data& p, int db, std::string_view key, const watch_session& s,
                  int64_t now_ms) {
  if (s.dirty.load(std::memory_order_relaxed))
    return true;
  return !p.watches.watched_expired(db, key, &s)
         && expired_in(p.dbs[static_cast<size_t>(db)], key, now_ms);
}

} // namespace actis::commands
