#include "actors/reply_queue.hpp"

namespace actis::actors {

bool reply_queue::take_skip() {
  if (info_.replies != reply_mode::skip)
    return false;
  info_.replies = reply_mode::on;
  return true;
}

uint64_t reply_queue::reserve() {
  slots_.emplace_back();
  slots_.back().dropped = take_skip() || info_.replies == reply_mode::off;
  return next_++;
}

void reply_queue::fill(uint64_t slot, std::string bytes) {
  auto& s = slots_[slot - first_];
  s.data = std::move(bytes);
  s.ready = true;
}

void reply_queue::ready_now(std::string_view bytes, std::vector<char>& output) {
  if (slots_.empty() && info_.replies == reply_mode::on) {
    output.insert(output.end(), bytes.begin(), bytes.end());
    return;
  }
  fill(reserve(), std::string(bytes));
}

void reply_queue::set_dropped(uint64_t slot, bool dropped) {
  slots_[slot - first_].dropped = dropped;
}

void reply_queue::push(std::string_view bytes, std::vector<char>& output,
                       const uint64_t* before) {
  if (before != nullptr && *before >= first_ && *before < next_) {
    slots_[*before - first_].pushed.append(bytes);
    return;
  }
  if (slots_.empty()) {
    output.insert(output.end(), bytes.begin(), bytes.end());
    return;
  }
  if (!slots_.back().push_only) {
    slots_.emplace_back();
    slots_.back().ready = true;
    slots_.back().push_only = true;
    ++next_;
  }
  slots_.back().data.append(bytes);
}

void reply_queue::drain_into(std::vector<char>& output) {
  while (!slots_.empty() && slots_.front().ready) {
    auto& pushed = slots_.front().pushed;
    output.insert(output.end(), pushed.begin(), pushed.end());
    if (!slots_.front().dropped) {
      auto& data = slots_.front().data;
      output.insert(output.end(), data.begin(), data.end());
    }
    slots_.pop_front();
    ++first_;
  }
  // Messages pushed ahead of the first reply still to come can go now:
  // everything before them is written.
  if (!slots_.empty() && !slots_.front().pushed.empty()) {
    auto& pushed = slots_.front().pushed;
    output.insert(output.end(), pushed.begin(), pushed.end());
    pushed.clear();
  }
}

} // namespace actis::actors
