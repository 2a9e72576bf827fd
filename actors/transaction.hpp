// The cross-partition transaction conversation, coordinator side.
//
//   coordinator                partition p0 < p1 < ... (ascending)
//      | --- hold ------------->  p0 (if held by another: queued inside p0)
//      | <-- held --------------  p0 now queues all traffic but release
//      | --- hold ------------->  p1 ...
//      | <-- held --------------
//      |  run the command directly on the held partitions' data
//      | --- release ---------->  p0, p1 ... (queued work runs, in order)
//
// Taking partitions in ascending order means two coordinators never wait on
// each other in a cycle. A partition monitors its holder and releases itself
// if the holder dies. A hold that fails (the partition is gone, or did not
// answer within `cross_loop_timeout`) ends the conversation: the coordinator
// sends release to every partition it asked, granted or still queued (a
// partition drops a queued hold of a coordinator that releases it), and
// reports the error instead of running the body. The deadline is kept by
// the coordinator's request_watchdog, not by a CAF request timeout (one
// clock-thread round trip per request). Used by the loop manager's
// transaction rounds (multi-key and all-partition commands; later
// MULTI/EXEC and scripts).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include <caf/all.hpp>

#include "actors/messages.hpp"
#include "actors/watchdog.hpp"
#include "commands/keyspace.hpp"

namespace actis::actors {

struct partition_ref {
  uint32_t index = 0;
  caf::actor actor;
  commands::partition_data* data = nullptr;
};

/// Runs `body` with every partition of `refs` held by `self`; `refs` must be
/// sorted by index and unique. `body` receives a vector of `partition_count`
/// entries where held partitions are non-null. Releases all partitions right
/// after `body` returns. If a hold fails (the partition is gone, or
/// `watchdog` expires it), releases every partition asked so far and calls
/// `failed` (with the partition that failed) instead of `body`. `self` must stay alive until one
/// of them ran (otherwise the partitions release themselves when they see it
/// die).
template <class Self>
void hold_and_run(Self* self, std::vector<partition_ref> refs, uint32_t partition_count,
                  request_watchdog& watchdog,
                  std::function<void(std::vector<commands::partition_data*>&)> body,
                  std::function<void(uint32_t partition, const caf::error&)> failed) {
  struct state {
    std::vector<partition_ref> refs;
    size_t granted = 0;
    uint32_t partition_count;
    std::function<void(std::vector<commands::partition_data*>&)> body;
    std::function<void(uint32_t, const caf::error&)> failed;
  };
  auto st = std::make_shared<state>(
      state{std::move(refs), 0, partition_count, std::move(body), std::move(failed)});
  auto step = std::make_shared<std::function<void()>>();
  *step = [self, st, step, &watchdog] {
    if (st->granted == st->refs.size()) {
      std::vector<commands::partition_data*> parts(st->partition_count, nullptr);
      for (auto& r : st->refs)
        parts[r.index] = r.data;
      st->body(parts);
      for (auto& r : st->refs)
        self->send(r.actor, release_atom::value);
      *step = nullptr; // break the self-reference
      return;
    }
    // Gives up: releases every partition asked so far, granted or queued.
    auto give_up = [self, st, step](const caf::error& err) {
      for (size_t i = 0; i <= st->granted && i < st->refs.size(); ++i)
        self->send(st->refs[i].actor, release_atom::value);
      st->failed(st->refs[st->granted].index, err);
      *step = nullptr;
    };
    auto id = watchdog.add(unix_ms(),
                           [give_up] { give_up(caf::make_error(caf::sec::request_timeout)); });
    self->request(st->refs[st->granted].actor, caf::infinite, hold_atom::value)
        .then(
            [st, step, &watchdog, id](held_atom) {
              if (!watchdog.answered(id))
                return; // gave up already; the release is on its way
              ++st->granted;
              (*step)();
            },
            [&watchdog, id, give_up](caf::error& err) {
              if (watchdog.answered(id))
                give_up(err);
            });
  };
  (*step)();
}

} // namespace actis::actors
