// The keyspace partition actor: owns one partition_data and serves
//  * exec_batch  - runs a loop's batched commands for its keys, in order;
//  * hold/release - hands its data to one transaction coordinator at a time
//                   (other traffic waits in the mailbox meanwhile);
//  * expire_tick - the active expire cycle, hz times a second.
// Spawned on its loop's multiplexer (spawn_broker) so that connections of the
// same loop may run commands on its data inline, on the same thread, whenever
// it is not held. Written against any scheduled actor type so the
// deterministic tests can run it under the test coordinator.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <vector>

#include <caf/all.hpp>

#include "actors/messages.hpp"
#include "actors/write_stream.hpp"
#include "commands/command.hpp"
#include "commands/executor.hpp"
#include "commands/keyspace.hpp"
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

/// Milliseconds since the epoch (the command clock).
int64_t unix_ms();

template <class Self>
caf::behavior partition_behavior(Self* self, partition_env env) {
  struct state {
    partition_env env;
    std::vector<commands::partition_data*> parts;
    caf::actor_addr holder;
  };
  auto st = std::make_shared<state>();
  st->env = env;
  st->parts.assign(env.partition_count, nullptr);
  st->parts[env.data->index] = env.data;
  auto release = [st] {
    *st->env.held = false;
    st->holder = nullptr;
  };
  self->set_down_handler([st, release](caf::down_msg& dm) {
    if (*st->env.held && dm.source == st->holder)
      release();
  });
  // Redis clamps hz to 1..500 (CONFIG SET hz does the same).
  auto hz = [] { return std::max(1, std::min(500, config::live().hz.load(std::memory_order_relaxed))); };
  auto tick_interval = [hz] { return std::chrono::milliseconds(1000 / hz()); };
  self->delayed_send(self, tick_interval(), expire_tick_atom::value);
  return {
    [st](exec_batch_atom, partition_batch& batch) -> caf::result<batch_result> {
      if (*st->env.held)
        return caf::skip;
      auto res = run_batch(st->env, st->parts, batch);
      st->env.sink->flush();
      return res;
    },
    [self, st](hold_atom) -> caf::result<held_atom> {
      if (*st->env.held)
        return caf::skip;
      *st->env.held = true;
      st->holder = caf::actor_cast<caf::actor_addr>(self->current_sender());
      self->monitor(st->holder);
      return held_atom::value;
    },
    [self, st, release](release_atom) {
      if (!*st->env.held || caf::actor_cast<caf::actor_addr>(self->current_sender()) != st->holder)
        return;
      self->demonitor(st->holder);
      release();
    },
    [self, st, hz, tick_interval](expire_tick_atom) -> caf::result<void> {
      if (*st->env.held)
        return caf::skip;
      if (st->env.active_expire == nullptr || *st->env.active_expire) {
        // Redis's slow cycle may use 25% of each tick.
        int64_t budget_us = 1000000 / hz() / 4;
        commands::keyspace::active_expire(*st->env.data, unix_ms(), budget_us, st->env.sink);
        st->env.sink->flush();
      }
      self->delayed_send(self, tick_interval(), expire_tick_atom::value);
      return caf::unit;
    },
  };
}

} // namespace actis::actors
