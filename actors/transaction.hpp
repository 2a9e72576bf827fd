// The cross-partition transaction conversation, coordinator side.
//
//   coordinator                partition p0 < p1 < ... (ascending)
//      | --- hold ------------->  p0 (if held by another: stays in mailbox)
//      | <-- held --------------  p0 now skips all traffic but release
//      | --- hold ------------->  p1 ...
//      | <-- held --------------
//      |  run the command directly on the held partitions' data
//      | --- release ---------->  p0, p1 ... (skipped messages resume)
//
// Taking partitions in ascending order means two coordinators never wait on
// each other in a cycle. A partition monitors its holder and releases itself
// if the holder dies. Used by the loop manager's transaction rounds
// (multi-key and all-partition commands; later MULTI/EXEC and scripts).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include <caf/all.hpp>

#include "actors/messages.hpp"
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
/// after `body` returns. `self` must stay alive until then (otherwise the
/// partitions release themselves when they see it die).
template <class Self>
void hold_and_run(Self* self, std::vector<partition_ref> refs, uint32_t partition_count,
                  std::function<void(std::vector<commands::partition_data*>&)> body) {
  struct state {
    std::vector<partition_ref> refs;
    size_t granted = 0;
    uint32_t partition_count;
    std::function<void(std::vector<commands::partition_data*>&)> body;
  };
  auto st = std::make_shared<state>(state{std::move(refs), 0, partition_count, std::move(body)});
  auto step = std::make_shared<std::function<void()>>();
  *step = [self, st, step] {
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
    self->request(st->refs[st->granted].actor, caf::infinite, hold_atom::value)
        .then([st, step](held_atom) {
          ++st->granted;
          (*step)();
        });
  };
  (*step)();
}

} // namespace actis::actors
