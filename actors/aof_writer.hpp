// The AOF writer actor: the write stream's consumer that appends every
// batch to the current incr file and fsyncs per appendfsync (the files and
// policies live in persistence/aof_log.hpp; messages in
// actors/messages.hpp, "AOF writer").
//
// Group commit: a batch is buffered, and the write (and under always the
// fsync) happens when the writer's own flush message comes round, so every
// batch that arrived meanwhile shares one write and one fsync. Ticks (every
// 100 ms while there is work) run the everysec fsync, postponed writes and
// the retries after a write error.
#pragma once

#include <functional>
#include <memory>

#include <caf/all.hpp>

#include "persistence/aof_log.hpp"

namespace actis::actors {

/// Called on the writer's thread with the highest seq fsynced (under
/// appendfsync always) or written (when leaving always).
using durable_callback = std::function<void(uint64_t seq)>;

/// Spawns the writer over an opened log (persistence::aof_log::open),
/// announcing durability to `on_durable` (may be empty). The log's
/// status() stays readable (INFO) for as long as the caller keeps the
/// status pointer it configured.
caf::actor spawn_aof_writer(caf::actor_system& sys, std::unique_ptr<persistence::aof_log> log,
                            durable_callback on_durable);

} // namespace actis::actors
