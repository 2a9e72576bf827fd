#include "commands/set_ops.hpp"

#include <algorithm>
#include <cstdint>
#include <unordered_set>
#include <utility>

#include "datatypes/strutil.hpp"

namespace actis::commands {

using datatypes::as_set;

namespace {

size_t max_intset() {
  long long v = config::live().set_max_intset_entries.load(std::memory_order_relaxed);
  return v < 0 ? 0 : static_cast<size_t>(v);
}

/// The set at `key` for writing: nullptr if missing, wrong_type for another type.
op_result<entry*> write_set(keyspace& ks, int db, std::string_view key) {
  entry* e = ks.lookup_write(db, key);
  if (e != nullptr && e->val.type() != datatypes::obj_type::set)
    return op_status::wrong_type;
  return e;
}

/// Deletes `key`, whose set became empty, with Redis's generic "del" event
/// (the command's own event already counted the change).
void delete_emptied(keyspace& ks, int db, std::string_view key) {
  ks.remove(db, key);
  ks.notify(change{db, key, event_class::generic, "del", 0});
}

/// The sets at `keys` for a multi-key read (null entries for missing keys);
/// wrong_type if any key holds another type.
op_result<std::vector<const set_value*>> read_sets(keyspace& ks, int db,
                                                   std::span<const std::string> keys) {
  std::vector<const set_value*> sets;
  sets.reserve(keys.size());
  for (const auto& key : keys) {
    auto s = op_read_set(ks, db, key);
    if (!s.ok())
      return s.error();
    sets.push_back(*s);
  }
  return sets;
}

bool has_missing(const std::vector<const set_value*>& sets) {
  return std::find(sets.begin(), sets.end(), nullptr) != sets.end();
}

void by_ascending_size(std::vector<const set_value*>& sets) {
  std::sort(sets.begin(), sets.end(),
            [](const set_value* a, const set_value* b) { return a->size() < b->size(); });
}

/// Calls fn(member) for each member of the smallest set that every other
/// set holds, until fn returns false. `sets` are present, smallest first.
template <class Fn>
void for_each_common(const std::vector<const set_value*>& sets, Fn&& fn) {
  bool go_on = true;
  sets[0]->for_each([&](std::string_view m) {
    if (!go_on)
      return;
    for (size_t j = 1; j < sets.size(); ++j)
      if (sets[j] != sets[0] && !sets[j]->contains(m))
        return;
    go_on = fn(m);
  });
}

/// `for_reply`: the result is only listed (SINTER), in the smallest set's
/// order as Redis lists it; an intset smallest set keeps the result an
/// intset whatever the limit, so that order is ascending there too.
datatypes::value compute_inter(std::vector<const set_value*> sets, bool for_reply) {
  datatypes::value result = set_value::make_intset();
  if (has_missing(sets))
    return result;
  by_ascending_size(sets);
  size_t limit = for_reply && sets[0]->is_intset() ? SIZE_MAX : max_intset();
  for_each_common(sets, [&](std::string_view m) {
    set_value::add(result, m, limit);
    return true;
  });
  return result;
}

/// Redis's sunionDiffGenericCommand, including its choice between the two
/// difference algorithms (which decides the encoding of the result).
datatypes::value compute_union_diff(std::vector<const set_value*> sets, bool diff) {
  datatypes::value result = set_value::make_intset();
  size_t limit = max_intset();
  if (!diff) {
    for (const set_value* s : sets)
      if (s != nullptr)
        s->for_each([&](std::string_view m) { set_value::add(result, m, limit); });
    return result;
  }
  if (sets[0] == nullptr)
    return result;
  for (size_t j = 1; j < sets.size(); ++j)
    if (sets[j] == sets[0])
      return result;  // the first set minus itself
  size_t one_work = 0, two_work = 0;
  for (const set_value* s : sets) {
    if (s == nullptr)
      continue;
    one_work += sets[0]->size();
    two_work += s->size();
  }
  if (one_work / 2 <= two_work) {
    // Each member of the first set is looked up in the others, largest first.
    std::stable_sort(sets.begin() + 1, sets.end(), [](const set_value* a, const set_value* b) {
      return (a ? a->size() : 0) > (b ? b->size() : 0);
    });
    sets[0]->for_each([&](std::string_view m) {
      for (size_t j = 1; j < sets.size(); ++j)
        if (sets[j] != nullptr && sets[j]->contains(m))
          return;
      set_value::add(result, m, limit);
    });
    return result;
  }
  // The first set is copied, then every member of the others is removed.
  sets[0]->for_each([&](std::string_view m) { set_value::add(result, m, limit); });
  for (size_t j = 1; j < sets.size() && as_set(result)->size() != 0; ++j)
    if (sets[j] != nullptr)
      sets[j]->for_each([&](std::string_view m) { set_value::remove(result, m); });
  return result;
}

} // namespace

op_result<const set_value*> op_read_set(keyspace& ks, int db, std::string_view key) {
  entry* e = ks.lookup_read(db, key);
  if (e == nullptr)
    return static_cast<const set_value*>(nullptr);
  const set_value* s = as_set(e->val);
  if (s == nullptr)
    return op_status::wrong_type;
  return s;
}

op_result<int64_t> op_sadd(keyspace& ks, int db, std::string_view key,
                           std::span<const std::string> members) {
  auto found = write_set(ks, db, key);
  if (!found.ok())
    return found.error();
  entry* e = *found;
  if (e == nullptr)
    e = &ks.add(db, key, set_value::make_for(members[0]));
  size_t limit = max_intset();
  int64_t added = 0;
  for (const auto& m : members)
    added += set_value::add(e->val, m, limit) ? 1 : 0;
  if (added > 0)
    ks.notify(change{db, key, event_class::set, "sadd", static_cast<uint64_t>(added)});
  return added;
}

op_result<int64_t> op_srem(keyspace& ks, int db, std::string_view key,
                           std::span<const std::string> members) {
  auto found = write_set(ks, db, key);
  if (!found.ok())
    return found.error();
  entry* e = *found;
  if (e == nullptr)
    return int64_t{0};
  int64_t removed = 0;
  bool emptied = false;
  for (const auto& m : members) {
    if (set_value::remove(e->val, m)) {
      ++removed;
      if (as_set(e->val)->size() == 0) {
        emptied = true;
        break;
      }
    }
  }
  if (removed > 0)
    ks.notify(change{db, key, event_class::set, "srem", static_cast<uint64_t>(removed)});
  if (emptied)
    delete_emptied(ks, db, key);
  return removed;
}

op_result<int64_t> op_scard(keyspace& ks, int db, std::string_view key) {
  auto s = op_read_set(ks, db, key);
  if (!s.ok())
    return s.error();
  return static_cast<int64_t>(*s == nullptr ? 0 : (*s)->size());
}

op_result<std::vector<uint8_t>> op_smismember(keyspace& ks, int db, std::string_view key,
                                              std::span<const std::string> members) {
  auto s = op_read_set(ks, db, key);
  if (!s.ok())
    return s.error();
  std::vector<uint8_t> found(members.size(), 0);
  if (*s != nullptr)
    for (size_t i = 0; i < members.size(); ++i)
      found[i] = (*s)->contains(members[i]) ? 1 : 0;
  return found;
}

op_result<bool> op_smove(keyspace& ks, int db, std::string_view src, std::string_view dst,
                         std::string_view member) {
  auto from = write_set(ks, db, src);
  if (from.ok() && *from == nullptr)
    return false;
  auto to = write_set(ks, db, dst);
  if (!from.ok() || !to.ok())
    return op_status::wrong_type;
  entry* s = *from;
  entry* d = *to;
  if (s == d)
    return as_set(s->val)->contains(member);
  if (!set_value::remove(s->val, member))
    return false;
  ks.notify(db, src, event_class::set, "srem");
  if (as_set(s->val)->size() == 0)
    delete_emptied(ks, db, src);
  if (d == nullptr)
    d = &ks.add(db, dst, set_value::make_for(member));
  if (set_value::add(d->val, member, max_intset()))
    ks.notify(db, dst, event_class::set, "sadd");
  return true;
}

namespace {

/// The result of `kind` over `keys`; see compute_inter for `for_reply`.
op_result<datatypes::value> set_algebra_of(keyspace& ks, int db, set_algebra kind,
                                           std::span<const std::string> keys, bool for_reply) {
  auto sets = read_sets(ks, db, keys);
  if (!sets.ok())
    return sets.error();
  if (kind == set_algebra::inter)
    return compute_inter(std::move(*sets), for_reply);
  return compute_union_diff(std::move(*sets), kind == set_algebra::diff);
}

} // namespace

op_result<datatypes::value> op_set_algebra(keyspace& ks, int db, set_algebra kind,
                                           std::span<const std::string> keys) {
  return set_algebra_of(ks, db, kind, keys, true);
}

op_result<int64_t> op_set_algebra_store(keyspace& ks, int db, set_algebra kind,
                                        std::string_view dst, std::span<const std::string> keys) {
  auto result = set_algebra_of(ks, db, kind, keys, false);
  if (!result.ok())
    return result.error();
  auto size = static_cast<int64_t>(as_set(*result)->size());
  if (size == 0) {
    if (ks.remove(db, dst))
      ks.notify(db, dst, event_class::generic, "del");
    return size;
  }
  ks.set(db, dst, std::move(*result));
  static constexpr std::string_view events[] = {"sinterstore", "sunionstore", "sdiffstore"};
  ks.notify(db, dst, event_class::set, events[static_cast<size_t>(kind)]);
  return size;
}

op_result<int64_t> op_sintercard(keyspace& ks, int db, std::span<const std::string> keys,
                                 uint64_t limit) {
  auto sets = read_sets(ks, db, keys);
  if (!sets.ok())
    return sets.error();
  if (has_missing(*sets))
    return int64_t{0};
  by_ascending_size(*sets);
  uint64_t count = 0;
  for_each_common(*sets, [&](std::string_view) { return ++count != limit; });
  return static_cast<int64_t>(count);
}

op_result<std::string> op_spop(keyspace& ks, int db, std::string_view key) {
  auto found = write_set(ks, db, key);
  if (!found.ok())
    return found.error();
  entry* e = *found;
  if (e == nullptr)
    return op_status::nil;
  std::string member = set_value::pop_random(e->val, ks.part(key).rng);
  ks.notify(db, key, event_class::set, "spop");
  if (as_set(e->val)->size() == 0)
    delete_emptied(ks, db, key);
  return member;
}

op_result<spop_outcome> op_spop_count(keyspace& ks, int db, std::string_view key,
                                      uint64_t count) {
  auto found = write_set(ks, db, key);
  if (!found.ok())
    return found.error();
  entry* e = *found;
  spop_outcome out;
  if (e == nullptr || count == 0)
    return out;
  const set_value* s = as_set(e->val);
  if (count >= s->size()) {
    out.members.reserve(s->size());
    s->for_each([&](std::string_view m) { out.members.emplace_back(m); });
    out.deleted = true;
    ks.notify(db, key, event_class::set, "spop");
    delete_emptied(ks, db, key);
    return out;
  }
  out.members.reserve(count);
  auto& rng = ks.part(key).rng;
  for (uint64_t i = 0; i < count; ++i)
    out.members.push_back(set_value::pop_random(e->val, rng));
  ks.notify(change{db, key, event_class::set, "spop", count});
  return out;
}

op_result<std::string> op_srandmember(keyspace& ks, int db, std::string_view key) {
  auto s = op_read_set(ks, db, key);
  if (!s.ok())
    return s.error();
  if (*s == nullptr)
    return op_status::nil;
  std::string member;
  std::string_view m = (*s)->random_member(ks.part(key).rng, member);
  if (m.data() != member.data())
    member.assign(m);
  return member;
}

op_result<std::vector<std::string>> op_srandmember_count(keyspace& ks, int db,
                                                         std::string_view key, long long count) {
  auto found = op_read_set(ks, db, key);
  if (!found.ok())
    return found.error();
  std::vector<std::string> out;
  const set_value* s = *found;
  if (s == nullptr || count == 0)
    return out;
  auto& rng = ks.part(key).rng;
  std::string scratch;
  if (count < 0) {
    // Drawn with replacement: the count may exceed the set.
    auto n = static_cast<unsigned long long>(-count);
    // Up front: a count no memory holds fails here (the executor refuses
    // it), not after filling the memory.
    out.reserve(n);
    for (unsigned long long i = 0; i < n; ++i)
      out.emplace_back(s->random_member(rng, scratch));
    return out;
  }
  auto wanted = static_cast<unsigned long long>(count);
  if (wanted >= s->size()) {
    out.reserve(s->size());
    s->for_each([&](std::string_view m) { out.emplace_back(m); });
    return out;
  }
  if (wanted * 3 > s->size()) {
    // Most of the set: take all, keep a random subset (partial Fisher-Yates).
    s->for_each([&](std::string_view m) { out.emplace_back(m); });
    for (size_t i = 0; i < wanted; ++i)
      std::swap(out[i], out[i + rng() % (out.size() - i)]);
    out.resize(wanted);
    return out;
  }
  // A small part: draw until enough distinct members were seen.
  std::unordered_set<std::string> seen;
  while (out.size() < wanted) {
    std::string_view m = s->random_member(rng, scratch);
    if (seen.emplace(m).second)
      out.emplace_back(m);
  }
  return out;
}

sscan_page scan_set(const set_value& set, uint64_t cursor, size_t count,
                    std::optional<std::string_view> pattern) {
  sscan_page page;
  bool match_all = !pattern || *pattern == "*";
  page.next_cursor = set.scan(cursor, count, [&](std::string_view m) {
    if (match_all || datatypes::glob_match(*pattern, m))
      page.members.emplace_back(m);
  });
  return page;
}

} // namespace actis::commands
