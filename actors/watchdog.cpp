#include "actors/watchdog.hpp"

namespace actis::actors {

uint64_t request_watchdog::add(int64_t now_ms, std::function<void()> on_timeout) {
  pending_.push_back(pending{now_ms, std::move(on_timeout)});
  return first_id_ + pending_.size() - 1;
}

bool request_watchdog::answered(uint64_t id) {
  if (id < first_id_ || pending_[id - first_id_].done)
    return false;
  auto& p = pending_[id - first_id_];
  p.done = true;
  p.on_timeout = nullptr;
  drop_done_front();
  return true;
}

void request_watchdog::expire(int64_t now_ms, int64_t timeout_ms) {
  for (auto& p : pending_) {
    if (now_ms - p.sent_ms <= timeout_ms)
      break;
    if (!p.done) {
      p.done = true;
      auto fire = std::move(p.on_timeout);
      fire();
    }
  }
  drop_done_front();
}

void request_watchdog::drop_done_front() {
  while (!pending_.empty() && pending_.front().done) {
    pending_.pop_front();
    ++first_id_;
  }
}

} // namespace actis::actors
