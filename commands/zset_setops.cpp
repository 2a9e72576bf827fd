// ZUNION / ZINTER / ZDIFF, ZINTERCARD and ZRANDMEMBER (see zset_ops.hpp).
#include <algorithm>
#include <cmath>
#include <numeric>
#include <unordered_map>
#include <unordered_set>

#include "commands/zset_ops.hpp"

namespace actis::commands {

using datatypes::as_zset;
using datatypes::obj_type;
using datatypes::zset;

namespace {

/// The sorted sets named by `keys` (nullptr for missing keys), or
/// wrong_type if any key holds another type.
op_result<std::vector<const zset*>> read_all(keyspace& ks, int db,
                                             std::span<const std::string> keys) {
  std::vector<const zset*> sets;
  sets.reserve(keys.size());
  for (const auto& k : keys) {
    entry* e = ks.lookup_read(db, k);
    if (e != nullptr && e->val.type() != obj_type::zset)
      return op_status::wrong_type;
    sets.push_back(e == nullptr ? nullptr : &as_zset(e->val));
  }
  return sets;
}

size_t size_of(const zset* z) { return z == nullptr ? 0 : z->size(); }

/// Redis's zunionInterAggregate: a NaN sum (inf + -inf) counts as 0.
void aggregate(double& target, double v, zaggregate how) {
  switch (how) {
    case zaggregate::sum:
      target += v;
      if (std::isnan(target))
        target = 0;
      break;
    case zaggregate::min: target = std::min(target, v); break;
    case zaggregate::max: target = std::max(target, v); break;
  }
}

/// weight * score, where 0 * inf counts as 0 as in Redis.
double weighted(double score, double weight) {
  double v = score * weight;
  return std::isnan(v) ? 0 : v;
}

void sort_result(std::vector<scored_member>& out) {
  std::sort(out.begin(), out.end(), [](const scored_member& a, const scored_member& b) {
    return a.score < b.score || (a.score == b.score && a.member < b.member);
  });
}

/// Set indexes from the smallest set to the largest (the intersection
/// walks the smallest and probes the others).
std::vector<size_t> by_size(const std::vector<const zset*>& sets) {
  std::vector<size_t> order(sets.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return size_of(sets[a]) < size_of(sets[b]); });
  return order;
}

} // namespace

op_result<std::vector<scored_member>> op_zsetop(keyspace& ks, int db, zsetop op,
                                                std::span<const std::string> keys,
                                                std::span<const double> weights,
                                                zaggregate how) {
  auto found = read_all(ks, db, keys);
  if (!found.ok())
    return found.error();
  const auto& sets = *found;
  auto weight = [&](size_t i) { return weights.empty() ? 1.0 : weights[i]; };
  std::vector<scored_member> out;
  switch (op) {
    case zsetop::union_: {
      std::unordered_map<std::string_view, double> acc;
      std::vector<std::string_view> order;
      for (size_t i = 0; i < sets.size(); ++i) {
        if (sets[i] == nullptr)
          continue;
        for (auto c = sets[i]->at_rank(0); c.valid(); c.next()) {
          double v = weighted(c.score(), weight(i));
          auto [it, fresh] = acc.try_emplace(c.member(), v);
          if (fresh)
            order.push_back(c.member());
          else
            aggregate(it->second, v, how);
        }
      }
      out.reserve(order.size());
      for (auto m : order)
        out.push_back({std::string(m), acc[m]});
      break;
    }
    case zsetop::inter: {
      auto order = by_size(sets);
      const zset* smallest = sets[order[0]];
      if (smallest == nullptr)
        break;
      for (auto c = smallest->at_rank(0); c.valid(); c.next()) {
        double score = weighted(c.score(), weight(order[0]));
        bool everywhere = true;
        for (size_t j = 1; j < order.size() && everywhere; ++j) {
          const zset* other = sets[order[j]];
          auto s = other == nullptr ? std::nullopt : other->score(c.member());
          if (!s)
            everywhere = false;
          else
            aggregate(score, weighted(*s, weight(order[j])), how);
        }
        if (everywhere)
          out.push_back({std::string(c.member()), score});
      }
      break;
    }
    case zsetop::diff: {
      if (sets[0] == nullptr)
        break;
      for (auto c = sets[0]->at_rank(0); c.valid(); c.next()) {
        bool elsewhere = false;
        for (size_t j = 1; j < sets.size() && !elsewhere; ++j)
          elsewhere = sets[j] != nullptr && sets[j]->score(c.member()).has_value();
        if (!elsewhere)
          out.push_back({std::string(c.member()), c.score()});
      }
      break;
    }
  }
  sort_result(out);
  return out;
}

op_result<size_t> op_zintercard(keyspace& ks, int db, std::span<const std::string> keys,
                                size_t limit) {
  auto found = read_all(ks, db, keys);
  if (!found.ok())
    return found.error();
  const auto& sets = *found;
  auto order = by_size(sets);
  const zset* smallest = sets[order[0]];
  size_t n = 0;
  if (smallest == nullptr)
    return n;
  for (auto c = smallest->at_rank(0); c.valid(); c.next()) {
    bool everywhere = true;
    for (size_t j = 1; j < order.size() && everywhere; ++j)
      everywhere = sets[order[j]] != nullptr && sets[order[j]]->score(c.member()).has_value();
    if (everywhere && ++n == limit)
      break;
  }
  return n;
}

op_result<std::vector<scored_member>> op_zrandmember(keyspace& ks, int db, std::string_view key,
                                                     long long count) {
  entry* e = ks.lookup_read(db, key);
  if (e != nullptr && e->val.type() != obj_type::zset)
    return op_status::wrong_type;
  std::vector<scored_member> out;
  if (e == nullptr || count == 0)
    return out;
  const zset& z = as_zset(e->val);
  auto& rng = ks.part(key).rng;
  size_t size = z.size();
  auto pick = [&](size_t rank) {
    auto c = z.at_rank(rank);
    out.push_back({std::string(c.member()), c.score()});
  };
  if (count < 0) {
    // Repeats allowed: each pick independent.
    size_t n = static_cast<size_t>(-(count + 1)) + 1;
    out.reserve(n);
    std::uniform_int_distribution<size_t> any(0, size - 1);
    for (size_t i = 0; i < n; ++i)
      pick(any(rng));
    return out;
  }
  size_t n = static_cast<size_t>(count);
  if (n >= size) {
    // The whole set, highest first: Redis's set-operation iterator walks
    // from the tail.
    for (auto c = z.at_rank(size - 1); c.valid(); c.prev())
      out.push_back({std::string(c.member()), c.score()});
    return out;
  }
  std::unordered_set<size_t> chosen;
  std::uniform_int_distribution<size_t> any(0, size - 1);
  while (chosen.size() < n) {
    size_t r = any(rng);
    if (chosen.insert(r).second)
      pick(r);
  }
  return out;
}

} // namespace actis::commands
