// The list family's operations (see list_ops.hpp).
#include "commands/list_ops.hpp"

#include <algorithm>

#include "config/config.hpp"
#include "datatypes/strutil.hpp"
#include "datatypes/list_value.hpp"

namespace actis::commands {

std::optional<list_end> parse_list_end(std::string_view s) {
  if (datatypes::iequals(s, "left"))
    return list_end::left;
  if (datatypes::iequals(s, "right"))
    return list_end::right;
  return std::nullopt;
}

namespace {

using datatypes::list_items;
using datatypes::obj_type;
using datatypes::quicklist;

/// A write lookup of a list: nil if missing, wrong_type if not a list.
op_result<entry*> write_list(keyspace& ks, int db, std::string_view key) {
  entry* e = ks.lookup_write(db, key);
  if (e == nullptr)
    return op_status::nil;
  if (e->val.type() != obj_type::list)
    return op_status::wrong_type;
  return e;
}

std::string_view push_event(list_end end) { return end == list_end::left ? "lpush" : "rpush"; }
std::string_view pop_event(list_end end) { return end == list_end::left ? "lpop" : "rpop"; }

void push_at(quicklist& q, list_end end, std::string_view s,
             const datatypes::quicklist_limits& lim) {
  if (end == list_end::left)
    q.push_front(s, lim);
  else
    q.push_back(s, lim);
}

/// Records a removal (`event`, counting `dirty`) and deletes the key if its
/// list is now empty, recording "del" after it as Redis does.
void removed(keyspace& ks, int db, std::string_view key, const entry& e, std::string_view event,
             uint64_t dirty) {
  ks.notify(change{db, key, event_class::list, event, dirty});
  if (list_items(e.val).empty()) {
    ks.remove(db, key);
    ks.notify(change{db, key, event_class::generic, "del", 0});
  }
}

/// `index` (negative counts from the end) as a position in a list of `len`,
/// or -1 when out of range.
long long normalize_index(long long index, size_t len) {
  auto n = static_cast<long long>(len);
  if (index < 0)
    index += n;
  return index < 0 || index >= n ? -1 : index;
}

} // namespace

datatypes::quicklist_limits list_limits() {
  return {config::live().list_max_listpack_size.load(std::memory_order_relaxed),
          datatypes::quicklist_packed_threshold()};
}

op_result<size_t> op_list_push(keyspace& ks, int db, std::string_view key,
                               std::span<const std::string> elements, list_end end,
                               bool only_if_exists) {
  entry* e = ks.lookup_write(db, key);
  if (e != nullptr && e->val.type() != obj_type::list)
    return op_status::wrong_type;
  if (e == nullptr) {
    if (only_if_exists)
      return size_t{0};
    e = &ks.add(db, key, datatypes::make_list_value());
  }
  quicklist& q = list_items(e->val);
  auto lim = list_limits();
  for (const auto& s : elements)
    push_at(q, end, s, lim);
  ks.notify(change{db, key, event_class::list, push_event(end), elements.size()});
  return q.size();
}

op_result<long long> op_list_insert(keyspace& ks, int db, std::string_view key, bool after,
                                    std::string_view pivot, std::string_view element) {
  auto found = write_list(ks, db, key);
  if (found.status() == op_status::nil)
    return 0LL;
  if (!found.ok())
    return found.error();
  quicklist& q = list_items((*found)->val);
  size_t index = 0;
  auto c = q.seek(0);
  while (q.get(c) != pivot) {
    ++index;
    if (!q.next(c))
      return -1LL;
  }
  q.insert(after ? index + 1 : index, element, list_limits());
  ks.notify(db, key, event_class::list, "linsert");
  return static_cast<long long>(q.size());
}

op_result<size_t> op_list_length(keyspace& ks, int db, std::string_view key) {
  auto q = op_list_read(ks, db, key);
  if (q.status() == op_status::nil)
    return size_t{0};
  if (!q.ok())
    return q.error();
  return (*q)->size();
}

op_result<bool> op_list_exists_for_write(keyspace& ks, int db, std::string_view key) {
  auto found = write_list(ks, db, key);
  if (found.status() == op_status::nil)
    return false;
  if (!found.ok())
    return found.error();
  return true;
}

op_result<const quicklist*> op_list_read(keyspace& ks, int db, std::string_view key) {
  entry* e = ks.lookup_read(db, key);
  if (e == nullptr)
    return op_status::nil;
  if (e->val.type() != obj_type::list)
    return op_status::wrong_type;
  return &list_items(e->val);
}

op_result<std::string_view> list_index(const quicklist& q, long long index) {
  long long at = normalize_index(index, q.size());
  if (at < 0)
    return op_status::nil;
  return q.at(static_cast<size_t>(at));
}

index_range clamp_list_range(long long start, long long stop, size_t len) {
  auto n = static_cast<long long>(len);
  if (start < 0)
    start += n;
  if (stop < 0)
    stop += n;
  if (start < 0)
    start = 0;
  if (start > stop || start >= n)
    return {};
  if (stop >= n)
    stop = n - 1;
  return {static_cast<size_t>(start), static_cast<size_t>(stop - start + 1)};
}

op_status op_list_set(keyspace& ks, int db, std::string_view key,
                      std::optional<long long> index, std::string_view element) {
  auto found = write_list(ks, db, key);
  if (found.status() == op_status::nil)
    return op_status::no_such_key;
  if (!found.ok())
    return found.status();
  if (!index)
    return op_status::not_integer;
  quicklist& q = list_items((*found)->val);
  long long at = normalize_index(*index, q.size());
  if (at < 0)
    return op_status::index_out_of_range;
  q.replace(static_cast<size_t>(at), element, list_limits());
  ks.notify(db, key, event_class::list, "lset");
  return op_status::ok;
}

op_status op_list_trim(keyspace& ks, int db, std::string_view key, long long start,
                       long long stop) {
  auto found = write_list(ks, db, key);
  if (found.status() == op_status::nil)
    return op_status::ok;
  if (!found.ok())
    return found.status();
  quicklist& q = list_items((*found)->val);
  size_t len = q.size();
  index_range keep = clamp_list_range(start, stop, len);
  size_t tail = keep.count == 0 ? 0 : len - keep.first - keep.count;
  size_t head = keep.count == 0 ? len : keep.first;
  q.erase(len - tail, tail);
  q.erase(0, head);
  removed(ks, db, key, **found, "ltrim", head + tail);
  return op_status::ok;
}

op_result<size_t> op_list_remove(keyspace& ks, int db, std::string_view key, long long count,
                                 std::string_view element) {
  auto found = write_list(ks, db, key);
  if (found.status() == op_status::nil)
    return size_t{0};
  if (!found.ok())
    return found.error();
  quicklist& q = list_items((*found)->val);
  // |count| without overflow for LLONG_MIN.
  auto limit = static_cast<size_t>(count < 0 ? 0 - static_cast<unsigned long long>(count)
                                             : static_cast<unsigned long long>(count));
  size_t n = q.remove(element, limit, count < 0);
  if (n > 0)
    removed(ks, db, key, **found, "lrem", n);
  return n;
}

std::vector<long long> list_positions(const quicklist& q, std::string_view element,
                                      const lpos_options& o) {
  std::vector<long long> out;
  if (q.empty())
    return out;
  bool from_tail = o.rank < 0;
  // As Redis: negating LLONG_MIN leaves it negative, so every match counts
  // (and with COUNT the matches never reach it); unsigned arithmetic wraps
  // where Redis's signed arithmetic does.
  auto rank = static_cast<long long>(from_tail ? 0 - static_cast<unsigned long long>(o.rank)
                                               : static_cast<unsigned long long>(o.rank));
  auto len = static_cast<long long>(q.size());
  long long matches = 0;
  auto c = q.seek(from_tail ? q.size() - 1 : 0);
  for (long long index = 0; o.maxlen == 0 || index < o.maxlen; ++index) {
    if (q.get(c) == element) {
      ++matches;
      if (matches >= rank) {
        out.push_back(from_tail ? len - index - 1 : index);
        if (o.count == -1)
          break;
        auto reached = static_cast<long long>(static_cast<unsigned long long>(matches) -
                                              static_cast<unsigned long long>(rank) + 1);
        if (o.count != 0 && reached >= o.count)
          break;
      }
    }
    if (!(from_tail ? q.prev(c) : q.next(c)))
      break;
  }
  return out;
}

op_result<std::vector<std::string>> op_list_pop(keyspace& ks, int db, std::string_view key,
                                                list_end end, size_t count) {
  auto found = write_list(ks, db, key);
  if (!found.ok())
    return found.error();
  quicklist& q = list_items((*found)->val);
  size_t n = std::min(count, q.size());
  std::vector<std::string> out;
  out.reserve(n);
  auto c = q.seek(end == list_end::left ? 0 : q.size() - 1);
  for (size_t i = 0; i < n; ++i) {
    out.emplace_back(q.get(c));
    if (end == list_end::left)
      q.next(c);
    else
      q.prev(c);
  }
  q.erase(end == list_end::left ? 0 : q.size() - n, n);
  removed(ks, db, key, **found, pop_event(end), n);
  return out;
}

op_result<std::string> op_list_move(keyspace& ks, int db, std::string_view src,
                                    std::string_view dst, list_end from, list_end to) {
  auto source = write_list(ks, db, src);
  if (!source.ok())
    return source.error();
  entry* target = ks.lookup_write(db, dst);
  if (target != nullptr && target->val.type() != obj_type::list)
    return op_status::wrong_type;
  quicklist& q = list_items((*source)->val);
  std::string moved = from == list_end::left ? q.pop_front() : q.pop_back();
  if (target == nullptr)
    target = &ks.add(db, dst, datatypes::make_list_value());
  push_at(list_items(target->val), to, moved, list_limits());
  ks.notify(db, dst, event_class::list, push_event(to));
  // One change in all (Redis counts dirty once).
  removed(ks, db, src, **source, pop_event(from), 0);
  return moved;
}

op_result<mpop_outcome> op_list_mpop(keyspace& ks, int db, std::span<const std::string> keys,
                                     list_end end, size_t count) {
  for (size_t i = 0; i < keys.size(); ++i) {
    auto found = write_list(ks, db, keys[i]);
    if (found.status() == op_status::nil || (found.ok() && list_items((*found)->val).empty()))
      continue;
    if (!found.ok())
      return found.error();
    auto popped = op_list_pop(ks, db, keys[i], end, count);
    if (!popped.ok())
      return popped.error();
    return mpop_outcome{i, std::move(*popped)};
  }
  return op_status::nil;
}

} // namespace actis::commands
