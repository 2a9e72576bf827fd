#include "actors/partition.hpp"

#include <algorithm>
#include <chrono>

namespace actis::actors {

int64_t unix_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

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
  for (auto& cb : batch.batches) {
    res.results.push_back(conn_result{cb.conn, {}});
    auto& replies = res.results.back().replies;
    replies.reserve(cb.items.size());
    size_t reply_bytes = 0;
    for (auto& item : cb.items) {
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
