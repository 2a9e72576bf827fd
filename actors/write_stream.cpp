#include "actors/write_stream.hpp"

#include <map>

namespace actis::actors {

std::atomic<bool> write_stream::active{false};
std::atomic<uint64_t> write_stream::next_seq{1};
caf::actor write_stream::sequencer;

void loop_write_sink::emit(int db, protocol::command_args cmd) {
  uint64_t seq = 0; // numbered at end_atomic
  if (atomic_depth_ == 0)
    seq = write_stream::next_seq.fetch_add(1, std::memory_order_relaxed);
  buffer_.push_back(write_record{seq, db, std::move(cmd)});
}

void loop_write_sink::begin_atomic() {
  if (atomic_depth_++ == 0)
    atomic_start_ = buffer_.size();
}

void loop_write_sink::end_atomic() {
  if (--atomic_depth_ > 0)
    return;
  size_t n = buffer_.size() - atomic_start_;
  if (n == 0)
    return;
  if (n > 1) {
    int db = buffer_[atomic_start_].db;
    buffer_.insert(buffer_.begin() + static_cast<long>(atomic_start_),
                   write_record{0, db, {"MULTI"}});
    buffer_.push_back(write_record{0, buffer_.back().db, {"EXEC"}});
    n += 2;
  }
  auto seq = write_stream::next_seq.fetch_add(n, std::memory_order_relaxed);
  for (size_t i = atomic_start_; i < buffer_.size(); ++i)
    buffer_[i].seq = seq++;
}

void loop_write_sink::flush() {
  // An open transaction's records have no numbers yet.
  if (buffer_.empty() || atomic_depth_ > 0)
    return;
  if (defer_) {
    if (!ship_requested_) {
      ship_requested_ = true;
      defer_();
    }
    return;
  }
  ship();
}

uint64_t loop_write_sink::ship() {
  ship_requested_ = false;
  if (buffer_.empty() || atomic_depth_ > 0)
    return 0;
  std::vector<write_record> out;
  out.swap(buffer_);
  uint64_t last = out.back().seq;
  caf::anon_send(write_stream::sequencer, write_batch_atom::value, std::move(out));
  return last;
}

namespace {

struct sequencer_state {
  uint64_t next = 1;
  std::map<uint64_t, write_record> waiting;
  caf::actor consumer;
};

/// Whether `batch` is numbered first, first + 1, ... without a gap.
bool in_order_from(const std::vector<write_record>& batch, uint64_t first) {
  for (auto& r : batch)
    if (r.seq != first++)
      return false;
  return !batch.empty();
}

} // namespace

caf::behavior write_sequencer(caf::event_based_actor* self, caf::actor consumer,
                              uint64_t first_seq) {
  auto st = std::make_shared<sequencer_state>();
  st->next = first_seq;
  st->consumer = std::move(consumer);
  return {
    [=](write_batch_atom, std::vector<write_record>& batch) {
      // One loop ships its records in order: the whole batch goes on as it
      // came, without a pass through the map.
      if (st->waiting.empty() && in_order_from(batch, st->next)) {
        st->next += batch.size();
        self->send(st->consumer, write_batch_atom::value, std::move(batch));
        return;
      }
      for (auto& r : batch)
        st->waiting.emplace(r.seq, std::move(r));
      std::vector<write_record> ready;
      for (auto it = st->waiting.begin();
           it != st->waiting.end() && it->first == st->next;
           it = st->waiting.erase(it), ++st->next)
        ready.push_back(std::move(it->second));
      if (!ready.empty())
        self->send(st->consumer, write_batch_atom::value, std::move(ready));
    },
    [=](write_consumer_atom, caf::actor& next_consumer) {
      st->consumer = std::move(next_consumer);
    },
  };
}

void start_write_stream(caf::actor_system& sys, caf::actor consumer) {
  write_stream::sequencer =
      sys.spawn(write_sequencer, std::move(consumer), write_stream::next_seq.load());
  write_stream::active.store(true);
}

void connect_write_stream(caf::actor_system& sys, caf::actor consumer) {
  if (!write_stream::sequencer) {
    start_write_stream(sys, std::move(consumer));
    return;
  }
  caf::anon_send(write_stream::sequencer, write_consumer_atom::value, std::move(consumer));
  write_stream::active.store(true);
}

void disconnect_write_stream() { write_stream::active.store(false); }

} // namespace actis::actors
