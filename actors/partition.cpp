#include "actors/partition.hpp"

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
  for (auto& cb : batch.batches) {
    res.results.push_back(conn_result{cb.conn, {}});
    auto& replies = res.results.back().replies;
    replies.reserve(cb.items.size());
    for (auto& item : cb.items) {
      replies.emplace_back();
      protocol::reply_builder out(replies.back(), item.resp);
      // The sending connection resolved and checked the command already;
      // the table is immutable, so resolving again cannot fail.
      auto* spec = commands::table().resolve(item.argv, error);
      commands::execute(*spec, item.argv, out, &ks, item.db, nullptr);
    }
  }
  return res;
}

} // namespace actis::actors
