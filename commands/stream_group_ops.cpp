#include "commands/stream_group_ops.hpp"

namespace actis::commands {

namespace {

/// A change of consumer-group state, which Redis does not signal to WATCH.
void notify_group(keyspace& ks, int db, std::string_view key, std::string_view event,
                  uint64_t dirty = 1) {
  ks.notify_unsignalled(db, key, event_class::stream, event, dirty);
}

/// The consumer `name` of `g` for a claim, created (and announced) if new.
datatypes::stream_consumer& claimer(keyspace& ks, int db, std::string_view key, stream_group& g,
                                    std::string_view name, claim_result& r) {
  auto& c = g.get_consumer(name, ks.now_ms(), r.consumer_created);
  c.seen_time = ks.now_ms();
  if (r.consumer_created)
    notify_group(ks, db, key, "xgroup-createconsumer");
  return c;
}

claim_record record_of(stream_id id, const datatypes::stream_pending& p) {
  return {id, p.consumer->name, p.delivery_time, p.delivery_count};
}

/// Moves the pending entry `p` of `id` to consumer `c`.
void reassign(datatypes::stream_pending& p, stream_id id, datatypes::stream_consumer& c) {
  if (p.consumer == &c)
    return;
  if (p.consumer != nullptr)
    p.consumer->pending.erase(id);
  c.pending.insert(id);
  p.consumer = &c;
}

} // namespace

bool op_group_create(keyspace& ks, int db, std::string_view key, stream& s,
                     std::string_view group, stream_id last_id, int64_t entries_read) {
  auto [it, inserted] = s.groups.try_emplace(std::string(group));
  if (!inserted)
    return false;
  it->second.last_id = last_id;
  it->second.entries_read = entries_read;
  notify_group(ks, db, key, "xgroup-create");
  return true;
}

void op_group_setid(keyspace& ks, int db, std::string_view key, stream_group& g,
                    stream_id last_id, int64_t entries_read) {
  g.last_id = last_id;
  g.entries_read = entries_read;
  notify_group(ks, db, key, "xgroup-setid");
}

bool op_group_destroy(keyspace& ks, int db, std::string_view key, stream& s,
                      std::string_view group) {
  auto it = s.groups.find(group);
  if (it == s.groups.end())
    return false;
  s.groups.erase(it);
  // Also wakes the readers blocked on the group, which then fail.
  notify_group(ks, db, key, "xgroup-destroy");
  return true;
}

bool op_group_create_consumer(keyspace& ks, int db, std::string_view key, stream_group& g,
                              std::string_view consumer) {
  bool created = false;
  g.get_consumer(consumer, ks.now_ms(), created);
  if (created)
    notify_group(ks, db, key, "xgroup-createconsumer");
  return created;
}

long long op_group_del_consumer(keyspace& ks, int db, std::string_view key, stream_group& g,
                                std::string_view consumer) {
  if (g.find_consumer(consumer) == nullptr)
    return -1;
  auto pending = static_cast<long long>(g.remove_consumer(consumer));
  notify_group(ks, db, key, "xgroup-delconsumer");
  return pending;
}

uint64_t op_xack(keyspace& ks, int db, std::string_view key, stream_group& g,
                 const std::vector<stream_id>& ids) {
  uint64_t acked = 0;
  for (auto id : ids)
    if (g.acknowledge(id))
      ++acked;
  if (acked > 0)
    notify_group(ks, db, key, {}, acked);
  return acked;
}

std::vector<pending_row> op_pending_range(stream_group& g, stream_id start, stream_id end,
                                          long long count, long long min_idle,
                                          const std::string* consumer, int64_t now_ms) {
  std::vector<pending_row> rows;
  auto add = [&](stream_id id, const datatypes::stream_pending& p) {
    if (min_idle != 0 && now_ms - p.delivery_time < min_idle)
      return;
    int64_t idle = now_ms - p.delivery_time;
    rows.push_back({id, p.consumer->name, idle < 0 ? 0 : idle, p.delivery_count});
  };
  if (consumer != nullptr) {
    auto* c = g.find_consumer(*consumer);
    if (c == nullptr)
      return rows;
    for (auto it = c->pending.lower_bound(start);
         static_cast<long long>(rows.size()) < count && it != c->pending.end() && *it <= end;
         ++it)
      add(*it, g.pel.at(*it));
    return rows;
  }
  for (auto it = g.pel.lower_bound(start);
       static_cast<long long>(rows.size()) < count && it != g.pel.end() && it->first <= end;
       ++it)
    add(it->first, it->second);
  return rows;
}

claim_result op_xclaim(keyspace& ks, int db, std::string_view key, stream& s, stream_group& g,
                       std::string_view consumer, const xclaim_args& args) {
  claim_result r;
  const int64_t now = ks.now_ms();
  if (args.last_id > g.last_id) {
    g.last_id = args.last_id;
    r.last_id_moved = true;
  }
  int64_t delivery_time = args.delivery_time;
  if (delivery_time == -1 || delivery_time < 0 || delivery_time > now)
    delivery_time = now;
  datatypes::stream_consumer* target = nullptr;
  uint64_t changed = 0;
  for (auto id : args.ids) {
    auto pit = g.pel.find(id);
    delivered d;
    stream::iterator si(s, id, id, false);
    if (!si.next(d.entry)) {
      // The entry is gone: its pending entry goes too.
      if (pit != g.pel.end()) {
        r.changes.push_back(record_of(id, pit->second));
        r.last_id_moved = false;
        ++changed;
        pit->second.consumer->pending.erase(id);
        g.pel.erase(pit);
      }
      continue;
    }
    if (pit == g.pel.end()) {
      if (!args.force)
        continue;
      pit = g.pel.try_emplace(id).first;
      pit->second.delivery_time = now;
    } else if (args.min_idle != 0 && now - pit->second.delivery_time < args.min_idle) {
      continue;
    }
    auto& p = pit->second;
    if (target == nullptr)
      target = &claimer(ks, db, key, g, consumer, r);
    p.delivery_time = delivery_time;
    if (args.retry_count >= 0)
      p.delivery_count = static_cast<uint64_t>(args.retry_count);
    else if (!args.justid)
      ++p.delivery_count;
    reassign(p, id, *target);
    r.claimed.push_back(std::move(d));
    r.changes.push_back(record_of(id, p));
    r.last_id_moved = false;
    ++changed;
  }
  if (r.last_id_moved)
    ++changed;
  if (changed > 0)
    notify_group(ks, db, key, {}, changed);
  return r;
}

claim_result op_xautoclaim(keyspace& ks, int db, std::string_view key, stream& s,
                           stream_group& g, std::string_view consumer, long long min_idle,
                           stream_id start, long long count, bool justid) {
  claim_result r;
  const int64_t now = ks.now_ms();
  long long attempts = count * 10;
  datatypes::stream_consumer* target = nullptr;
  uint64_t changed = 0;
  auto it = g.pel.lower_bound(start);
  while (attempts-- > 0 && count > 0 && it != g.pel.end()) {
    stream_id id = it->first;
    delivered d;
    stream::iterator si(s, id, id, false);
    if (!si.next(d.entry)) {
      r.changes.push_back(record_of(id, it->second));
      it->second.consumer->pending.erase(id);
      it = g.pel.erase(it);
      r.deleted.push_back(id);
      ++changed;
      --count;
      continue;
    }
    auto& p = it->second;
    if (min_idle != 0 && now - p.delivery_time < min_idle) {
      ++it;
      continue;
    }
    if (target == nullptr)
      target = &claimer(ks, db, key, g, consumer, r);
    p.delivery_time = now;
    if (!justid)
      ++p.delivery_count;
    reassign(p, id, *target);
    r.claimed.push_back(std::move(d));
    r.changes.push_back(record_of(id, p));
    ++changed;
    --count;
    ++it;
  }
  r.cursor = it == g.pel.end() ? stream_id{} : it->first;
  if (changed > 0)
    notify_group(ks, db, key, {}, changed);
  return r;
}

} // namespace actis::commands
