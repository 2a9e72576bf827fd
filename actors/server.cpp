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

} // namespace actis::actors
