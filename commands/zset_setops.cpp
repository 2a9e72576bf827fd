// ZUNION / ZINTER / ZDIFF, ZINTERCARD and ZRANDMEMBER (see zset_ops.hpp).
#include <algorithm>
#include <cmath>
#include <numeric>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "commands/zset_ops.hpp"
#include "datatypes/set_value.hpp"

namespace actis::commands {

using datatypes::as_zset;
using datatypes::obj_type;
using datatypes::zset;

namespace {

/// One input of a set operation, as Redis's zsetopsrc: a sorted set, a
/// plain set whose members all score 1, or nothing (a missing key).
class setop_input {
public:
  setop_input() = default;
  explicit setop_input(const datatypes::value& v) {
    if (v.type() == obj_type::zset)
      zset_ = &as_zset(v);
    else
      set_ = datatypes::as_set(v);
  }

  size_t size() const {
    return zset_ != nullptr ? zset_->size() : set_ != nullptr ? set_->size() : 0;
  }

  /// Calls fn(member, score) for each member; the view lasts for the call.
  template <class Fn>
  void for_each(Fn&& fn) const {
    if (zset_ != nullptr) {
      for (auto c = zset_->at_rank(0); c.valid(); c.next())
        fn(c.member(), c.score());
    } else if (set_ != nullptr) {
      set_->for_each([&](std::string_view m) { fn(m, 1.0); });
    }
  }

  std::optional<double> score(std::string_view member) const {
    if (zset_ != nullptr)
      return zset_->score(member);
    if (set_ != nullptr && set_->contains(member))
      return 1.0;
    return std::nullopt;
  }

private:
  const zset* zset_ = nullptr;
  const datatypes::set_value* set_ = nullptr;
};

/// The inputs named by `keys`, or wrong_type if a key holds neither a
/// sorted set nor a set.
op_result<std::vector<setop_input>> read_all(keyspace& ks, int db,
                                             std::span<const std::string> keys) {
  std::vector<setop_input> inputs;
  inputs.reserve(keys.size());
  for (const auto& k : keys) {
    entry* e = ks.lookup_read(db, k);
    if (e == nullptr) {
      inputs.emplace_back();
      continue;
    }
    if (!is_zsetop_input(e->val.type()))
      return op_status::wrong_type;
    inputs.emplace_back(e->val);
  }
  return inputs;
}

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

/// Input indexes from the smallest input to the largest. Redis sorts the
/// union and intersection inputs so, and the order shows: it is the order
/// in which a SUM adds floating-point scores.
std::vector<size_t> by_size(const std::vector<setop_input>& inputs) {
  std::vector<size_t> order(inputs.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return inputs[a].size() < inputs[b].size(); });
  return order;
}

/// Calls fn(member, weighted score) for each member of the intersection,
/// its score aggregated over the inputs from the smallest; stops when fn
/// returns false.
template <class Fn>
void for_each_common(const std::vector<setop_input>& inputs, std::span<const double> weights,
                     zaggregate how, Fn&& fn) {
  auto weight = [&](size_t i) { return weights.empty() ? 1.0 : weights[i]; };
  auto order = by_size(inputs);
  bool more = true;
  inputs[order[0]].for_each([&](std::string_view member, double first) {
    if (!more)
      return;
    double score = weighted(first, weight(order[0]));
    for (size_t j = 1; j < order.size(); ++j) {
      auto s = inputs[order[j]].score(member);
      if (!s)
        return;
      aggregate(score, weighted(*s, weight(order[j])), how);
    }
    more = fn(member, score);
  });
}

} // namespace

bool is_zsetop_input(obj_type t) { return t == obj_type::zset || t == obj_type::set; }

op_result<std::vector<scored_member>> op_zsetop(keyspace& ks, int db, zsetop op,
                                                std::span<const std::string> keys,
                                                std::span<const double> weights,
                                                zaggregate how) {
  auto found = read_all(ks, db, keys);
  if (!found.ok())
    return found.error();
  const auto& inputs = *found;
  std::vector<scored_member> out;
  switch (op) {
    case zsetop::union_: {
      std::unordered_map<std::string, double> acc;
      for (size_t i : by_size(inputs)) {
        double w = weights.empty() ? 1.0 : weights[i];
        inputs[i].for_each([&](std::string_view member, double score) {
          double v = weighted(score, w);
          auto [it, fresh] = acc.try_emplace(std::string(member), v);
          if (!fresh)
            aggregate(it->second, v, how);
        });
      }
      out.reserve(acc.size());
      while (!acc.empty()) {
        auto node = acc.extract(acc.begin());
        out.push_back({std::move(node.key()), node.mapped()});
      }
      break;
    }
    case zsetop::inter:
      for_each_common(inputs, weights, how, [&](std::string_view member, double score) {
        out.push_back({std::string(member), score});
        return true;
      });
      break;
    case zsetop::diff:
      inputs[0].for_each([&](std::string_view member, double score) {
        for (size_t j = 1; j < inputs.size(); ++j)
          if (inputs[j].score(member))
            return;
        out.push_back({std::string(member), score});
      });
      break;
  }
  sort_result(out);
  return out;
}

op_result<size_t> op_zintercard(keyspace& ks, int db, std::span<const std::string> keys,
                                size_t limit) {
  auto found = read_all(ks, db, keys);
  if (!found.ok())
    return found.error();
  size_t n = 0;
  for_each_common(*found, {}, zaggregate::sum, [&](std::string_view, double) {
    return ++n != limit;
  });
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
