// The keyspace partition actor: owns one partition_data and serves
//  * exec_batch  - runs a loop's batched commands for its keys, in order;
//  * hold/release - hands its data to one transaction coordinator at a time;
//  * summary, reset_stats - counts and statistics for INFO, DBSIZE and
//                   CONFIG RESETSTAT, without anybody holding it;
//  * expire_tick - the active expire cycle, hz times a second;
//  * unpark      - forget a parked blocking command (it timed out, was
//                   served elsewhere, or its client left);
//  * unwatch     - forget a client's watched keys;
//  * snapshot_chunk / snapshot_abandon - the next serialized part of its
//                   share of the snapshot in progress (actors/rdb_saver.hpp).
//
// While held, everything but the holder's release is queued *inside* the
// partition in arrival order (not skipped in the mailbox): on release the
// queue runs in order until it reaches the next hold, which is granted. So
// coordinators of different loops take turns in the order they asked, and
// the queue holds at most what the clients have in flight (each client has
// a bounded number of units in flight, each loop one transaction round).
//
// Spawned on its loop's multiplexer (spawn_broker) so that connections of the
// same loop may run commands on its data inline, on the same thread, whenever
// it is not held. Written against any scheduled actor type so the
// deterministic tests can run it under the test coordinator.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <deque>
#include <memory>
#include <variant>
#include <vector>

#include <caf/all.hpp>

#include "actors/messages.hpp"
#include "actors/watchdog.hpp"
#include "actors/write_stream.hpp"
#include "commands/command.hpp"
#include "commands/executor.hpp"
#include "commands/keyspace.hpp"
#include "commands/snapshot.hpp"
#include "commands/summary.hpp"
#include "config/config.hpp"

namespace actis::actors {

/// What a partition actor works on. All pointers outlive the actor.
struct partition_env {
  commands::partition_data* data = nullptr;
  bool* held = nullptr;            // partition_slot::held
  uint32_t partition_count = 1;
  loop_write_sink* sink = nullptr;
  const std::atomic<bool>* active_expire = nullptr; // null: always on
};

/// Runs every item of `batch` against the partition, returns their replies.
batch_result run_batch(partition_env& env, std::vector<commands::partition_data*>& parts,
                       partition_batch& batch);


namespace detail {

/// Work that arrived while the partition was held, answered on release.
struct queued_batch {
  caf::response_promise promise;
  partition_batch batch;
};
struct queued_hold {
  caf::response_promise promise;
  caf::actor_addr requester;
};
struct queued_summary {
  caf::response_promise promise;
};
struct queued_reset {
  caf::response_promise promise;
};
struct queued_unpark {
  commands::waiter_ptr waiter;
};
struct queued_chunk {
  caf::response_promise promise;
};
struct queued_abandon {};
using queued_work = std::variant<queued_batch, queued_hold, queued_summary, queued_reset,
                                 queued_unpark, watch_release, queued_chunk, queued_abandon>;

/// Bytes a partition serializes per snapshot_chunk: about a millisecond of
/// work between two commands, and a bounded amount of memory in flight.
constexpr size_t snapshot_chunk_bytes = 128 * 1024;

/// The next part of `p`'s share of the snapshot in progress, and whether it
/// is the last (then the partition forgets the snapshot).
inline std::pair<std::string, bool> snapshot_chunk(commands::partition_data& p) {
  if (p.snapshot == nullptr)
    return {std::string(), true};
  auto bytes = p.snapshot->next_chunk(snapshot_chunk_bytes);
  bool done = p.snapshot->done();
  if (done)
    p.snapshot.reset();
  return {std::move(bytes), done};
}

inline void snapshot_abandon(commands::partition_data& p) {
  if (p.snapshot != nullptr) {
    p.snapshot->abandon();
    p.snapshot.reset();
  }
}

/// Removes `w` from the waiter queues of `p`.
inline void unpark(commands::partition_data& p, const commands::waiter_ptr& w) {
  p.waiters.remove(w->db, w->keys, w.get());
}

inline void unwatch(commands::partition_data& p, const watch_release& r) {
  for (auto& k : r.keys)
    commands::unwatch_key(p, k.db, k.key, r.session.get());
}

} // namespace detail

template <class Self>
caf::behavior partition_behavior(Self* self, partition_env env) {
  struct state {
    partition_env env;
    std::vector<commands::partition_data*> parts;
    caf::actor_addr holder;
    std::deque<detail::queued_work> queue;
  };
  auto st = std::make_shared<state>();
  st->env = env;
  st->parts.assign(env.partition_count, nullptr);
  st->parts[env.data->index] = env.data;
  auto run = [st](partition_batch& batch) {
    auto res = run_batch(st->env, st->parts, batch);
    st->env.sink->flush();
    return res;
  };
  // Hands the partition to `requester`; false if it is gone already.
  auto grant = [self, st](const caf::actor_addr& requester) {
    auto alive = caf::actor_cast<caf::strong_actor_ptr>(requester);
    if (alive == nullptr)
      return false;
    *st->env.held = true;
    st->holder = requester;
    // A holder that dies releases the partition (down handler).
    self->monitor(alive);
    return true;
  };
  // Runs queued work in arrival order until a queued hold takes the
  // partition again.
  auto drain = [st, run, grant] {
    while (!*st->env.held && !st->queue.empty()) {
      auto work = std::move(st->queue.front());
      st->queue.pop_front();
      if (auto* b = std::get_if<detail::queued_batch>(&work)) {
        b->promise.deliver(run(b->batch));
      } else if (auto* h = std::get_if<detail::queued_hold>(&work)) {
        if (grant(h->requester))
          h->promise.deliver(held_atom::value);
      } else if (auto* s = std::get_if<detail::queued_summary>(&work)) {
        s->promise.deliver(commands::summarize(*st->env.data, unix_ms()));
      } else if (auto* r = std::get_if<detail::queued_reset>(&work)) {
        commands::reset_stats(*st->env.data);
        r->promise.deliver(true);
      } else if (auto* u = std::get_if<detail::queued_unpark>(&work)) {
        detail::unpark(*st->env.data, u->waiter);
      } else if (auto* w = std::get_if<watch_release>(&work)) {
        detail::unwatch(*st->env.data, *w);
      } else if (auto* c = std::get_if<detail::queued_chunk>(&work)) {
        auto [bytes, done] = detail::snapshot_chunk(*st->env.data);
        c->promise.deliver(std::move(bytes), done);
      } else if (std::holds_alternative<detail::queued_abandon>(work)) {
        detail::snapshot_abandon(*st->env.data);
      }
    }
  };
  auto release = [self, st, drain] {
    self->demonitor(st->holder);
    *st->env.held = false;
    st->holder = nullptr;
    drain();
  };
  // A coordinator that gave up (timeout, or it died) no longer wants the
  // holds it queued here.
  auto forget_holds_of = [st](const caf::actor_addr& requester) {
    auto& q = st->queue;
    q.erase(std::remove_if(q.begin(), q.end(),
                           [&](const detail::queued_work& w) {
                             auto* h = std::get_if<detail::queued_hold>(&w);
                             return h != nullptr && h->requester == requester;
                           }),
            q.end());
  };
  self->set_down_handler([st, release, forget_holds_of](caf::down_msg& dm) {
    if (*st->env.held && dm.source == st->holder)
      release();
    else
      forget_holds_of(dm.source);
  });
  // Redis clamps hz to 1..500 (CONFIG SET hz does the same).
  auto hz = [] { return std::max(1, std::min(500, config::live().hz.load(std::memory_order_relaxed))); };
  auto tick_interval = [hz] { return std::chrono::milliseconds(1000 / hz()); };
  self->delayed_send(self, tick_interval(), expire_tick_atom::value);
  auto sender = [self] { return caf::actor_cast<caf::actor_addr>(self->current_sender()); };
  return {
    [self, st, run](exec_batch_atom, partition_batch& batch) -> caf::result<batch_result> {
      if (!*st->env.held)
        return run(batch);
      st->queue.emplace_back(detail::queued_batch{self->make_response_promise(), std::move(batch)});
      return caf::delegated<batch_result>{};
    },
    [self, st, grant, sender](hold_atom) -> caf::result<held_atom> {
      if (!*st->env.held) {
        grant(sender());
        return held_atom::value;
      }
      // Before the promise: making it takes the sender out of the message.
      auto requester = sender();
      st->queue.emplace_back(detail::queued_hold{self->make_response_promise(), requester});
      return caf::delegated<held_atom>{};
    },
    [st, release, forget_holds_of, sender](release_atom) {
      auto from = sender();
      if (*st->env.held && from == st->holder)
        release();
      else
        forget_holds_of(from);
    },
    [self, st](summary_atom) -> caf::result<commands::partition_summary> {
      if (!*st->env.held)
        return commands::summarize(*st->env.data, unix_ms());
      st->queue.emplace_back(detail::queued_summary{self->make_response_promise()});
      return caf::delegated<commands::partition_summary>{};
    },
    [self, st](reset_stats_atom) -> caf::result<bool> {
      if (!*st->env.held) {
        commands::reset_stats(*st->env.data);
        return true;
      }
      st->queue.emplace_back(detail::queued_reset{self->make_response_promise()});
      return caf::delegated<bool>{};
    },
    [st](unpark_atom, commands::waiter_ptr& w) {
      if (*st->env.held)
        st->queue.emplace_back(detail::queued_unpark{std::move(w)});
      else
        detail::unpark(*st->env.data, w);
    },
    [st](unwatch_atom, watch_release& r) {
      if (*st->env.held)
        st->queue.emplace_back(std::move(r));
      else
        detail::unwatch(*st->env.data, r);
    },
    [self, st](snapshot_chunk_atom) -> caf::result<std::string, bool> {
      if (!*st->env.held) {
        auto [bytes, done] = detail::snapshot_chunk(*st->env.data);
        return {std::move(bytes), done};
      }
      st->queue.emplace_back(detail::queued_chunk{self->make_response_promise()});
      return caf::delegated<std::string, bool>{};
    },
    [st](snapshot_abandon_atom) {
      if (*st->env.held)
        st->queue.emplace_back(detail::queued_abandon{});
      else
        detail::snapshot_abandon(*st->env.data);
    },
    [self, st, hz, tick_interval](expire_tick_atom) {
      // A held partition belongs to its holder: skip this tick.
      if (!*st->env.held && (st->env.active_expire == nullptr || *st->env.active_expire)) {
        // Redis's slow cycle may use 25% of each tick.
        int64_t budget_us = 1000000 / hz() / 4;
        commands::keyspace::active_expire(*st->env.data, unix_ms(), budget_us, st->env.sink);
        st->env.sink->flush();
      }
      self->delayed_send(self, tick_interval(), expire_tick_atom::value);
    },
  };
}

} // namespace actis::actors
