#include "actors/aof_writer.hpp"

#include <chrono>
#include <optional>

#include "actors/messages.hpp"

namespace actis::actors {

namespace {

using aof_flush_now_atom = caf::atom_constant<caf::atom("aofflushnw")>;
using aof_tick_atom = caf::atom_constant<caf::atom("aoftick")>;

constexpr auto tick_interval = std::chrono::milliseconds(100);

struct writer_state {
  std::shared_ptr<persistence::aof_log> log;
  durable_callback on_durable;
  bool flush_pending = false;
  bool tick_pending = false;
  /// A rewrite waiting for the stream to reach its cut.
  std::optional<uint64_t> cut;
  caf::response_promise cut_promise;
  /// aof_flush / aof_stop callers waiting for the stream to reach `up_to`.
  struct flush_waiter {
    uint64_t up_to;
    bool stop;
    caf::response_promise promise;
  };
  std::vector<flush_waiter> flush_waiters;
  static inline const char* name = "aof_writer";
};

using writer_actor = caf::stateful_actor<writer_state>;

int64_t steady_ms(writer_actor* self) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             self->clock().now().time_since_epoch())
      .count();
}

int64_t unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void announce(writer_actor* self, uint64_t seq) {
  if (seq != 0 && self->state.on_durable)
    self->state.on_durable(seq);
}

void schedule_tick(writer_actor* self) {
  auto& st = self->state;
  if (!st.tick_pending && st.log->wants_tick()) {
    st.tick_pending = true;
    self->delayed_send(self, tick_interval, aof_tick_atom::value);
  }
}

void flush(writer_actor* self, bool force) {
  announce(self, self->state.log->flush(steady_ms(self), force));
  schedule_tick(self);
}

/// Opens the rewrite's new incr file and answers the lead.
void rotate(writer_actor* self) {
  auto& st = self->state;
  uint64_t cut = *st.cut;
  st.cut.reset();
  std::string err = st.log->start_rewrite(steady_ms(self), unix_ms());
  announce(self, st.log->synced_seq());
  st.cut_promise.deliver(err, cut);
}

/// Writes and fsyncs everything and answers the waiters whose records have
/// all arrived; a stop closes the log and ends the writer.
void answer_flush_waiters(writer_actor* self) {
  auto& st = self->state;
  auto& waiters = st.flush_waiters;
  bool stop = false;
  for (auto i = waiters.begin(); i != waiters.end();) {
    if (i->up_to > st.log->last_seq()) {
      ++i;
      continue;
    }
    std::string err = i->stop ? st.log->close(steady_ms(self))
                              : st.log->flush_and_sync(steady_ms(self));
    announce(self, st.log->synced_seq());
    i->promise.deliver(err, st.log->synced_seq());
    stop = stop || i->stop;
    i = waiters.erase(i);
  }
  if (stop)
    self->quit();
  else
    schedule_tick(self);
}

caf::behavior writer(writer_actor* self, std::shared_ptr<persistence::aof_log> log,
                     durable_callback on_durable) {
  self->state.log = std::move(log);
  self->state.on_durable = std::move(on_durable);
  return {
    [=](write_batch_atom, std::vector<write_record>& batch) {
      auto& st = self->state;
      int64_t now_s = unix_ms() / 1000;
      for (auto& r : batch) {
        // A record from before this log's start belongs to an earlier
        // log (appendonly turned off and on again).
        if (r.seq <= st.log->last_seq())
          continue;
        st.log->add(r.seq, r.db, r.argv, now_s);
        if (st.cut && r.seq == *st.cut)
          rotate(self);
      }
      if (!st.flush_waiters.empty())
        answer_flush_waiters(self);
      if (!st.flush_pending) {
        st.flush_pending = true;
        self->send(self, aof_flush_now_atom::value);
      }
    },
    [=](aof_flush_now_atom) {
      self->state.flush_pending = false;
      flush(self, false);
    },
    [=](aof_tick_atom) {
      self->state.tick_pending = false;
      flush(self, false);
    },
    [=](aof_rewrite_start_atom, uint64_t cut) -> caf::result<std::string, uint64_t> {
      auto& st = self->state;
      uint64_t last = st.log->last_seq();
      if (st.cut || st.log->status().rewrite_in_progress.load())
        return {std::string("an AOF rewrite is already in progress"), last};
      if (cut == 0)
        cut = last;
      if (cut < last)
        return {"the rewrite cut " + std::to_string(cut) + " is behind the AOF (" +
                    std::to_string(last) + ")",
                last};
      st.cut = cut;
      st.cut_promise = self->make_response_promise();
      auto promise = st.cut_promise;
      if (cut == last)
        rotate(self);
      return promise;
    },
    [=](aof_rewrite_finish_atom, const std::string& temp_path, bool rdb) {
      return self->state.log->finish_rewrite(temp_path, rdb, unix_ms());
    },
    [=](aof_rewrite_abort_atom) {
      auto& st = self->state;
      if (st.cut) {
        st.cut.reset();
        st.cut_promise.deliver(std::string("AOF rewrite aborted"), uint64_t{0});
      }
      st.log->abort_rewrite();
    },
    [=](aof_policy_atom, const std::string& value) {
      auto& st = self->state;
      persistence::fsync_policy p;
      if (!persistence::parse_fsync_policy(value, p))
        return;
      bool leaving_always =
          st.log->policy() == persistence::fsync_policy::always && p != persistence::fsync_policy::always;
      st.log->set_policy(p);
      flush(self, true);
      // Replies held for always are released: the new policy does not wait.
      if (leaving_always)
        announce(self, st.log->written_seq());
    },
    [=](aof_timestamps_atom, bool on) { self->state.log->set_timestamps(on); },
    [=](aof_flush_atom, uint64_t up_to) -> caf::result<std::string, uint64_t> {
      auto promise = self->make_response_promise();
      self->state.flush_waiters.push_back({up_to, false, promise});
      answer_flush_waiters(self);
      return promise;
    },
    [=](aof_stop_atom, uint64_t up_to) -> caf::result<std::string, uint64_t> {
      auto promise = self->make_response_promise();
      self->state.flush_waiters.push_back({up_to, true, promise});
      answer_flush_waiters(self);
      return promise;
    },
  };
}

} // namespace

caf::actor spawn_aof_writer(caf::actor_system& sys, std::unique_ptr<persistence::aof_log> log,
                            durable_callback on_durable) {
  std::shared_ptr<persistence::aof_log> shared(std::move(log));
  return sys.spawn(writer, std::move(shared), std::move(on_durable));
}

} // namespace actis::actors
