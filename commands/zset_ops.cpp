// The sorted set family's operations (see zset_ops.hpp): lookups, ZADD,
// ranges, removal and pops. The set operations and ZRANDMEMBER are in
// zset_setops.cpp.
#include "commands/zset_ops.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "config/config.hpp"
#include "datatypes/strutil.hpp"

namespace actis::commands {

using datatypes::as_zset;
using datatypes::obj_type;
using datatypes::zset;

datatypes::zset_limits zset_limits_now() {
  auto& live = config::live();
  auto entries = live.zset_max_listpack_entries.load(std::memory_order_relaxed);
  auto bytes = live.zset_max_listpack_value.load(std::memory_order_relaxed);
  return {static_cast<size_t>(std::max(entries, 0LL)), static_cast<size_t>(std::max(bytes, 0LL))};
}

namespace {

/// A read lookup of a sorted set: nullptr (ok) if missing, wrong_type if
/// the key holds another type.
op_result<zset*> read_zset(keyspace& ks, int db, std::string_view key) {
  entry* e = ks.lookup_read(db, key);
  if (e == nullptr)
    return static_cast<zset*>(nullptr);
  if (e->val.type() != obj_type::zset)
    return op_status::wrong_type;
  return &as_zset(e->val);
}

op_result<zset*> write_zset(keyspace& ks, int db, std::string_view key) {
  entry* e = ks.lookup_write(db, key);
  if (e == nullptr)
    return static_cast<zset*>(nullptr);
  if (e->val.type() != obj_type::zset)
    return op_status::wrong_type;
  return &as_zset(e->val);
}

/// Records a removal of `removed` members under `event`, and deletes the
/// key when that emptied it.
void after_removal(keyspace& ks, int db, std::string_view key, const zset& z,
                   std::string_view event, size_t removed) {
  ks.notify(change{db, key, event_class::zset, event, removed});
  if (z.empty()) {
    ks.remove(db, key);
    ks.notify(change{db, key, event_class::generic, "del", 0});
  }
}

/// Redis's rank clamp: negative indexes from the end; false if empty.
bool clamp_ranks(long long& start, long long& stop, long long size) {
  if (start < 0)
    start += size;
  if (stop < 0)
    stop += size;
  if (start < 0)
    start = 0;
  if (start > stop || start >= size)
    return false;
  if (stop >= size)
    stop = size - 1;
  return true;
}

/// Calls emit(cursor) for every member `spec` selects, in reply order.
template <class Emit>
void walk_range(const zset& z, const zrange_spec& spec, Emit emit) {
  if (spec.kind == zrange_spec::by::rank) {
    long long start = spec.start, stop = spec.stop;
    long long size = static_cast<long long>(z.size());
    if (!clamp_ranks(start, stop, size))
      return;
    long long n = stop - start + 1;
    if (spec.reverse) {
      for (auto c = z.at_rank(static_cast<size_t>(size - 1 - start)); n-- > 0; c.prev())
        emit(c);
    } else {
      for (auto c = z.at_rank(static_cast<size_t>(start)); n-- > 0; c.next())
        emit(c);
    }
    return;
  }
  if (spec.offset < 0 || (spec.offset > 0 && static_cast<size_t>(spec.offset) >= z.size()))
    return;
  bool by_score = spec.kind == zrange_spec::by::score;
  zset::cursor c;
  if (by_score)
    c = spec.reverse ? z.last_in(spec.scores) : z.first_in(spec.scores);
  else
    c = spec.reverse ? z.last_in(spec.lex) : z.first_in(spec.lex);
  auto step = [&] { spec.reverse ? c.prev() : c.next(); };
  for (long long skip = spec.offset; c.valid() && skip > 0; --skip)
    step();
  for (long long left = spec.count; c.valid() && left != 0; --left) {
    bool inside;
    if (by_score)
      inside = spec.reverse ? spec.scores.above_min(c.score()) : spec.scores.below_max(c.score());
    else
      inside = spec.reverse ? spec.lex.above_min(c.member()) : spec.lex.below_max(c.member());
    if (!inside)
      break;
    emit(c);
    step();
  }
}

} // namespace

// --- ZADD -------------------------------------------------------------------

op_result<zadd_outcome> op_zadd(keyspace& ks, int db, std::string_view key,
                                const zadd_options& o, std::span<const zadd_element> elements) {
  zadd_outcome out;
  entry* e = ks.lookup_write(db, key);
  if (e != nullptr && e->val.type() != obj_type::zset)
    return op_status::wrong_type;
  if (elements.empty())
    return out;
  auto limits = zset_limits_now();
  if (e == nullptr) {
    if (o.xx)
      return out;
    e = &ks.add(db, key,
                datatypes::value::from_collection(
                    std::make_unique<zset>(limits, elements.front().member.size())));
  }
  zset& z = as_zset(e->val);
  bool nan = false;
  for (const auto& el : elements) {
    double score = el.score;
    auto current = z.score(el.member);
    if (current) {
      if (o.nx)
        continue;
      if (o.incr) {
        score += *current;
        if (std::isnan(score)) {
          nan = true;
          break;
        }
      }
      if ((o.lt && score >= *current) || (o.gt && score <= *current))
        continue;
      if (o.incr)
        out.incr_score = score;
      if (score != *current) {
        z.insert(el.member, score, limits);
        ++out.updated;
      }
    } else if (!o.xx) {
      z.insert(el.member, score, limits);
      ++out.added;
      if (o.incr)
        out.incr_score = score;
    }
  }
  if (out.added + out.updated > 0)
    ks.notify(change{db, key, event_class::zset, o.incr ? "zincr" : "zadd",
                     out.added + out.updated});
  if (nan)
    return op_status::score_nan;
  return out;
}

// --- Reads ------------------------------------------------------------------

op_result<double> op_zscore(keyspace& ks, int db, std::string_view key, std::string_view member) {
  auto z = read_zset(ks, db, key);
  if (!z.ok())
    return z.error();
  if (*z == nullptr)
    return op_status::nil;
  auto s = (*z)->score(member);
  if (!s)
    return op_status::nil;
  return *s;
}

op_result<std::vector<std::optional<double>>> op_zmscore(keyspace& ks, int db,
                                                         std::string_view key,
                                                         std::span<const std::string> members) {
  auto z = read_zset(ks, db, key);
  if (!z.ok())
    return z.error();
  std::vector<std::optional<double>> out(members.size());
  if (*z != nullptr)
    for (size_t i = 0; i < members.size(); ++i)
      out[i] = (*z)->score(members[i]);
  return out;
}

op_result<size_t> op_zcard(keyspace& ks, int db, std::string_view key) {
  auto z = read_zset(ks, db, key);
  if (!z.ok())
    return z.error();
  return *z == nullptr ? size_t{0} : (*z)->size();
}

op_result<rank_result> op_zrank(keyspace& ks, int db, std::string_view key,
                                std::string_view member, bool reverse) {
  auto z = read_zset(ks, db, key);
  if (!z.ok())
    return z.error();
  if (*z == nullptr)
    return op_status::nil;
  auto r = (*z)->rank(member);
  if (!r)
    return op_status::nil;
  double score = *(*z)->score(member);
  return rank_result{reverse ? (*z)->size() - 1 - *r : *r, score};
}

op_result<size_t> op_zcount(keyspace& ks, int db, std::string_view key,
                            const datatypes::score_range& r) {
  auto z = read_zset(ks, db, key);
  if (!z.ok())
    return z.error();
  return *z == nullptr ? size_t{0} : (*z)->count(r);
}

op_result<size_t> op_zlexcount(keyspace& ks, int db, std::string_view key,
                               const datatypes::lex_range& r) {
  auto z = read_zset(ks, db, key);
  if (!z.ok())
    return z.error();
  return *z == nullptr ? size_t{0} : (*z)->count(r);
}

op_result<std::vector<scored_member>> op_zrange(keyspace& ks, int db, std::string_view key,
                                                const zrange_spec& spec) {
  auto z = read_zset(ks, db, key);
  if (!z.ok())
    return z.error();
  std::vector<scored_member> out;
  if (*z != nullptr)
    walk_range(**z, spec, [&](const zset::cursor& c) {
      out.push_back({std::string(c.member()), c.score()});
    });
  return out;
}

op_result<std::vector<scored_member>> op_zrange_by_score(keyspace& ks, int db,
                                                         std::string_view key,
                                                         const datatypes::score_range& r,
                                                         bool reverse, long long offset,
                                                         long long count) {
  zrange_spec spec;
  spec.kind = zrange_spec::by::score;
  spec.scores = r;
  spec.reverse = reverse;
  spec.offset = offset;
  spec.count = count;
  return op_zrange(ks, db, key, spec);
}

// --- Removal ----------------------------------------------------------------

op_result<size_t> op_zrem(keyspace& ks, int db, std::string_view key,
                          std::span<const std::string> members) {
  auto z = write_zset(ks, db, key);
  if (!z.ok())
    return z.error();
  if (*z == nullptr)
    return size_t{0};
  size_t removed = 0;
  for (const auto& m : members) {
    if ((*z)->erase(m))
      ++removed;
    if ((*z)->empty())
      break;
  }
  if (removed > 0)
    after_removal(ks, db, key, **z, "zrem", removed);
  return removed;
}

op_result<size_t> op_zremrange(keyspace& ks, int db, std::string_view key,
                               const zrange_spec& spec) {
  auto found = write_zset(ks, db, key);
  if (!found.ok())
    return found.error();
  if (*found == nullptr)
    return size_t{0};
  zset& z = **found;
  size_t start = 0, stop = 0;
  std::string_view event;
  switch (spec.kind) {
    case zrange_spec::by::rank: {
      long long from = spec.start, to = spec.stop;
      if (!clamp_ranks(from, to, static_cast<long long>(z.size())))
        return size_t{0};
      start = static_cast<size_t>(from);
      stop = static_cast<size_t>(to);
      event = "zremrangebyrank";
      break;
    }
    case zrange_spec::by::score: {
      auto first = z.first_in(spec.scores);
      if (!first.valid())
        return size_t{0};
      start = first.rank();
      stop = start + z.count(spec.scores) - 1;
      event = "zremrangebyscore";
      break;
    }
    case zrange_spec::by::lex: {
      auto first = z.first_in(spec.lex);
      if (!first.valid())
        return size_t{0};
      start = first.rank();
      stop = start + z.count(spec.lex) - 1;
      event = "zremrangebylex";
      break;
    }
  }
  z.erase_ranks(start, stop);
  size_t removed = stop - start + 1;
  after_removal(ks, db, key, z, event, removed);
  return removed;
}

op_result<std::vector<scored_member>> op_zset_pop(keyspace& ks, int db, std::string_view key,
                                                  bool max, size_t count) {
  auto found = write_zset(ks, db, key);
  if (!found.ok())
    return found.error();
  if (*found == nullptr)
    return op_status::nil;
  zset& z = **found;
  std::vector<scored_member> out;
  size_t n = std::min(count, z.size());
  if (n == 0)
    return out;
  out.reserve(n);
  size_t start = max ? z.size() - n : 0;
  if (max) {
    for (auto c = z.at_rank(z.size() - 1); out.size() < n; c.prev())
      out.push_back({std::string(c.member()), c.score()});
  } else {
    for (auto c = z.at_rank(0); out.size() < n; c.next())
      out.push_back({std::string(c.member()), c.score()});
  }
  z.erase_ranks(start, start + n - 1);
  after_removal(ks, db, key, z, max ? "zpopmax" : "zpopmin", n);
  return out;
}

// --- Stores -----------------------------------------------------------------

op_result<size_t> op_zset_store(keyspace& ks, int db, std::string_view dst,
                                std::vector<scored_member>&& members, std::string_view event,
                                uint64_t dirty) {
  if (members.empty()) {
    if (ks.remove(db, dst))
      ks.notify(db, dst, event_class::generic, "del");
    return size_t{0};
  }
  auto limits = zset_limits_now();
  auto z = std::make_unique<zset>(false);
  size_t longest = 0;
  for (const auto& m : members) {
    z->insert(m.member, m.score, limits);
    longest = std::max(longest, m.member.size());
  }
  z->to_listpack_if_fits(limits, longest);
  size_t n = z->size();
  ks.set(db, dst, datatypes::value::from_collection(std::move(z)));
  ks.notify(change{db, dst, event_class::zset, event, dirty});
  return n;
}

op_result<size_t> op_zrangestore(keyspace& ks, int db, std::string_view dst,
                                 std::string_view src, const zrange_spec& spec) {
  auto found = read_zset(ks, db, src);
  if (!found.ok())
    return found.error();
  // Redis fills a listpack set member by member (zsetAdd's conversions).
  auto limits = zset_limits_now();
  auto out = std::make_unique<zset>(true);
  if (*found != nullptr)
    walk_range(**found, spec, [&](const zset::cursor& c) {
      out->insert(c.member(), c.score(), limits);
    });
  if (out->empty()) {
    if (ks.remove(db, dst))
      ks.notify(db, dst, event_class::generic, "del");
    return size_t{0};
  }
  size_t n = out->size();
  ks.set(db, dst, datatypes::value::from_collection(std::move(out)));
  ks.notify(db, dst, event_class::zset, "zrangestore");
  return n;
}

namespace {

/// ZSCAN cursors of a skiplist set are scores, mapped to unsigned integers
/// in the same order (0 stays "start" / "done": no double maps to it).
uint64_t score_cursor(double d) {
  uint64_t bits;
  std::memcpy(&bits, &d, sizeof bits);
  return (bits >> 63) != 0 ? ~bits : bits | (uint64_t{1} << 63);
}

double cursor_score(uint64_t cursor) {
  uint64_t bits = (cursor >> 63) != 0 ? cursor & ~(uint64_t{1} << 63) : ~cursor;
  double d;
  std::memcpy(&d, &bits, sizeof d);
  return d;
}

} // namespace

op_result<zscan_page> op_zscan(keyspace& ks, int db, std::string_view key, uint64_t cursor,
                               uint64_t count, std::optional<std::string_view> pattern) {
  auto found = read_zset(ks, db, key);
  if (!found.ok())
    return found.error();
  zscan_page page;
  if (*found == nullptr)
    return page;
  const zset& z = **found;
  auto add = [&](const zset::cursor& c) {
    if (!pattern || datatypes::glob_match(*pattern, c.member()))
      page.items.push_back({std::string(c.member()), c.score()});
  };
  if (z.is_listpack()) {
    for (auto c = z.at_rank(0); c.valid(); c.next())
      add(c);
    return page;
  }
  // Resuming at the first score not below the cursor's survives inserts and
  // deletes (SCAN's guarantee); a page ends only between two scores, so
  // ties may make it longer than `count` but never repeat forever.
  auto c = cursor == 0 ? z.at_rank(0) : z.first_in(datatypes::score_range{cursor_score(cursor)});
  double last = 0;
  for (uint64_t n = 0; c.valid() && n < count; ++n, c.next()) {
    last = c.score();
    add(c);
  }
  for (; c.valid() && c.score() == last; c.next())
    add(c);
  if (c.valid())
    page.next_cursor = score_cursor(c.score());
  return page;
}

} // namespace actis::commands
