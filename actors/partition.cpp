#include "actors/partition.hpp"

#include <algorithm>
#include <array>
#include <chrono>

namespace actis::actors {

int64_t unix_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

namespace {

/// Loads the keys of a batch's commands ahead of running them, a window at
/// a time (db::warm_lookups), as a connection does for its own pipeline
/// (client_pipeline::prefetch_ahead): a batch from another loop brings many
/// clients' keys that this thread has not touched yet, and their cache
/// misses overlap instead of following one another.
class batch_key_warmer {
public:
  static constexpr size_t window = 16;

  batch_key_warmer(const commands::partition_data& data, const std::vector<conn_batch>& batches)
      : data_(data), batches_(batches) {}

  /// Call before running each item, in order.
  void before_item() {
    if (ahead_ > 0)
      --ahead_;
    else
      warm_next_window();
  }

private:
  void warm_next_window() {
    std::array<uint64_t, window> hashes;
    const datatypes::db* db = nullptr;
    size_t n = 0, taken = 0;
    while (taken < window && conn_ < batches_.size()) {
      auto& items = batches_[conn_].items;
      if (item_ == items.size()) {
        ++conn_;
        item_ = 0;
        continue;
      }
      auto& item = items[item_++];
      ++taken;
      auto db_index = static_cast<size_t>(item.db);
      if (item.first_key == 0 || item.first_key >= item.argv.size()
          || db_index >= data_.dbs.size() || (db != nullptr && db != &data_.dbs[db_index]))
        continue;
      db = &data_.dbs[db_index];
      hashes[n++] = datatypes::db::key_hash(item.argv[item.first_key]);
    }
    // The current item is one of those taken.
    ahead_ = taken > 0 ? taken - 1 : 0;
    if (n >= 2)
      db->warm_lookups(hashes.data(), n);
  }

  const commands::partition_data& data_;
  const std::vector<conn_batch>& batches_;
  size_t conn_ = 0, item_ = 0;
  size_t ahead_ = 0;
};

} // namespace

batch_result run_batch(partition_env& env, std::vector<commands::partition_data*>& parts,
                       partition_batch& batch) {
  batch_result res;
  res.partition = env.data->index;
  res.results.reserve(batch.batches.size());
  commands::keyspace ks(parts, env.partition_count, env.sink, unix_ms());
  std::string error;
  // A client whose replies pass the output buffer's hard limit is dropped
  // by its connection; as in Redis, its commands after that point do not
  // run (they get empty replies that are never sent).
  auto hard_limit = static_cast<size_t>(
      std::max<long long>(0, config::live().obuf_normal_hard.load(std::memory_order_relaxed)));
  batch_key_warmer warmer(*env.data, batch.batches);
  for (auto& cb : batch.batches) {
    res.results.push_back(conn_result{cb.conn, {}});
    auto& replies = res.results.back().replies;
    replies.reserve(cb.items.size());
    size_t reply_bytes = 0;
    for (auto& item : cb.items) {
      warmer.before_item();
      if (hard_limit > 0 && reply_bytes >= hard_limit) {
        replies.emplace_back();
        continue;
      }
      replies.emplace_back();
      protocol::reply_builder out(replies.back(), item.resp);
      // The sending connection resolved and checked the command already
      // (the table is immutable), but a batch is a message: check again.
      auto* spec = commands::table().resolve(item.argv, error);
      if (spec == nullptr)
        out.error(error);
      else
        commands::execute(*spec, item.argv, out, &ks, item.db, nullptr);
      reply_bytes += replies.back().size();
    }
  }
  return res;
}

} // namespace actis::actors
