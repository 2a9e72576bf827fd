// The write stream: every change of the dataset, as RESP commands, in one
// total order. Persistence (AOF) and replication consume it.
//
// Order: each change takes a number from one process-wide counter at the
// moment it is applied, while its partition is owned by the executing loop
// (or held by a transaction), so numbers follow the real order of changes to
// any key. Loops buffer their records and ship them in batches to the
// sequencer actor, which re-merges the loops' batches by number and hands
// consumers one gap-free sequence.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <vector>

#include <caf/all.hpp>

#include "actors/messages.hpp"
#include "commands/keyspace.hpp"

namespace actis::actors {

/// Process-wide switch and counter. The stream is off until a consumer
/// subscribes; while off, emitting costs one relaxed load.
struct write_stream {
  static std::atomic<bool> active;
  static std::atomic<uint64_t> next_seq;
  /// The sequencer actor (valid while active).
  static caf::actor sequencer;
};

/// A loop's sink: buffers records made on that loop's thread. Not
/// thread-safe; one per event loop (and one per test actor).
class loop_write_sink final : public commands::write_sink {
public:
  bool active() const override { return write_stream::active.load(std::memory_order_relaxed); }
  void emit(int db, protocol::command_args cmd) override;
  /// A transaction's records are numbered together when it ends: its
  /// partitions are held from begin to end, so no change to its keys can
  /// fall between, and one block of numbers keeps every other loop's
  /// records out of the MULTI … EXEC.
  void begin_atomic() override;
  void end_atomic() override;
  /// Ships buffered records to the sequencer (call after each unit of work
  /// on the loop: a read, a batch, an expire step); with defer_to, asks for
  /// ship() at the end of the loop iteration instead.
  void flush();
  /// Sends the buffered records to the sequencer now; the last one's seq,
  /// or 0 when none went.
  uint64_t ship();
  /// Batches per loop iteration rather than per unit of work: `request`
  /// (called once until the next ship()) makes the loop call ship() after
  /// the input that is ready now was read, or up to a millisecond later
  /// (ship_writes in actors/loop.cpp). Each batch wakes the sequencer's
  /// and the AOF writer's threads, so fewer batches are less CPU per write.
  void defer_to(std::function<void()> request) { defer_ = std::move(request); }
  bool empty() const { return buffer_.empty(); }

private:
  std::vector<write_record> buffer_;
  /// Nesting of begin_atomic (a script inside EXEC is one transaction).
  int atomic_depth_ = 0;
  /// Where the open transaction's records start in buffer_.
  size_t atomic_start_ = 0;
  std::function<void()> defer_;
  bool ship_requested_ = false;
};

/// Sequencer: receives write_batch messages from every loop and forwards
/// records to `consumer` strictly in seq order (as write_batch messages).
/// Holds records that arrive ahead of a gap until the gap is filled.
/// `first_seq` is the first number it will see.
caf::behavior write_sequencer(caf::event_based_actor* self, caf::actor consumer,
                              uint64_t first_seq);

/// Turns the stream on with `consumer` as its sink of ordered batches:
/// spawns the sequencer in `sys`. Call before traffic flows.
void start_write_stream(caf::actor_system& sys, caf::actor consumer);

/// In a running server, with every partition held (so no change is
/// numbered meanwhile): the stream goes to `consumer` from the next change
/// on, through the one sequencer (spawned the first time). Loops read the
/// sequencer handle without a lock, so it is never replaced once set.
void connect_write_stream(caf::actor_system& sys, caf::actor consumer);
/// With every partition held: changes are no longer numbered or sent. The
/// ones made before still reach the consumer.
void disconnect_write_stream();

} // namespace actis::actors
