#include "actors/server.hpp"

namespace actis::actors {

server& server::instance() {
  static server srv;
  return srv;
}

uint64_t server::sum(std::atomic<uint64_t> loop_stats::*field) const {
  uint64_t total = 0;
  for (auto& loop : loops)
    total += (loop->stats.*field).load(std::memory_order_relaxed);
  return total;
}

std::vector<caf::actor> server::partition_actors() const {
  std::vector<caf::actor> out;
  for (auto& p : partitions)
    out.push_back(p.actor);
  return out;
}

std::vector<caf::actor> server::manager_actors() const {
  std::vector<caf::actor> out;
  for (auto& loop : loops)
    out.push_back(loop->manager);
  return out;
}

} // namespace actis::actors
