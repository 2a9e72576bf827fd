// An event loop: one CAF actor system whose multiplexer thread runs this
// loop's connections and partitions. Loops share nothing mutable; they talk
// only through messages (exec_batch, hold/release, client_list/kill).
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <caf/all.hpp>
#include <caf/io/all.hpp>

#include "actors/client_info.hpp"
#include "actors/messages.hpp"
#include "actors/watchdog.hpp"
#include "actors/write_stream.hpp"
#include "commands/keyspace.hpp"

namespace actis::actors {

/// A connection as its loop sees it: where batch replies are delivered.
class batch_client {
public:
  virtual ~batch_client() = default;
  /// Replies to this client's batch for `partition` (batches to one
  /// partition are answered in the order they were posted).
  virtual void on_batch_replies(uint32_t partition, std::vector<std::string>& replies) = 0;
  /// The oldest batch for `partition` did not run (the partition is gone or
  /// did not answer): each of its commands is answered with `error`.
  virtual void on_batch_failed(uint32_t partition, const std::string& error) = 0;
  /// Writes the output that may go out now: at the end of the loop
  /// iteration that produced it, and when more writes are fsynced
  /// (appendfsync always: held replies they cover may go out).
  virtual void write_output() = 0;

  // While a script holds the loop's thread (actors/busy_loop.hpp):
  /// The socket to read from, or -1 to leave the connection alone: it waits
  /// for an earlier command (the script's own client, a command queued
  /// behind the script), has messages to handle first, or is closing.
  virtual int busy_socket() = 0;
  /// Reads what the socket has and serves it: replies (BUSY, or what the
  /// commands allowed then answer) go straight to the socket.
  virtual void busy_read() = 0;
};

/// Commands that need several partitions, waiting for the loop's next
/// transaction round. Exactly one of `body` and `failed` is called.
struct transaction_request {
  std::vector<uint32_t> partitions; // sorted, unique
  /// Commands in `body`, for the round's bound.
  size_t commands = 1;
  /// Runs the commands with `partitions` held (the vector has an entry per
  /// partition, non-null for the held ones).
  std::function<void(std::vector<commands::partition_data*>&)> body;
  /// The holds failed; nothing ran.
  std::function<void(const std::string& error)> failed;
};

/// Bounds of one transaction round, so that other loops and this loop's
/// inline commands get their turn: a round takes at most this many
/// commands, and starts no further transaction after its time budget.
constexpr size_t max_round_commands = 256;
constexpr int64_t round_budget_us = 1000;

/// Takes the next round from the front of `waiting`: transactions in their
/// order while their commands fit in max_round_commands (at least one).
std::vector<transaction_request> take_round(std::deque<transaction_request>& waiting);

/// Runs the round's transactions in order on `held` until the time budget
/// is spent (at least one runs); the ones left go back to the front of
/// `waiting`, in their order. `now_us` is a monotonic clock.
void run_round(std::vector<transaction_request>& round, std::deque<transaction_request>& waiting,
               std::vector<commands::partition_data*>& held,
               const std::function<int64_t()>& now_us);

/// State confined to one loop's thread: its partitions, its clients, the
/// messages it is about to send other loops, and its write-stream buffer.
///
/// Connections post batches and transactions here instead of messaging
/// partitions themselves; the first post of an iteration sends the loop
/// manager a `flush` (a same-thread message, delivered after the sockets
/// that are ready now have been read). The flush sends one exec_batch per
/// partition and starts one transaction round for all waiting transactions,
/// holding the union of their partitions once.
struct loop_context {
  /// Context of loop `i`; only that loop's thread may use it.
  static loop_context& get(uint32_t i);
  static void create(uint32_t loops);

  uint32_t index = 0;
  std::vector<uint32_t> partitions;
  request_watchdog watchdog;
  std::unordered_map<uint64_t, client_info*> clients;
  loop_write_sink sink;

  /// Adds a client of this loop to the registry and the client count.
  void register_client(client_info* c);
  /// Removes client `id` (idempotent: CLIENT KILL removes it at once, the
  /// connection again when it closes). True if it was registered.
  bool unregister(uint64_t id);

  /// Queues one connection's commands for partition `p`.
  void post_batch(uint32_t p, conn_batch batch);
  /// Queues a transaction for the next round.
  void post_transaction(transaction_request txn);
  /// `client` has output to write once this iteration's sockets have
  /// been read. False if no flush can come yet (the manager is not known):
  /// the client writes now.
  bool defer_output(batch_client* client);
  void forget_deferred_output(batch_client* client);

  std::unordered_map<uint64_t, batch_client*> endpoints;
  /// The loop manager and its listening sockets: while a script holds the
  /// thread, connections are accepted behind the multiplexer's back.
  caf::io::broker* manager = nullptr;
  std::vector<int> listeners;
  /// Clock (ms) before which a busy script does not poll the sockets again.
  int64_t busy_next_poll_ms = 0;
  /// While a transaction round runs: the partitions it holds. A client
  /// served from inside the round (a busy script polls the sockets) may run
  /// work on them at once, as Redis runs WATCH during a busy script.
  std::vector<commands::partition_data*>* round_held = nullptr;
  /// The round's script takes work from other loops' clients
  /// (actors/busy_loop.hpp).
  bool handoff_open = false;
  /// Clients holding replies until writes are fsynced (appendfsync always).
  std::unordered_set<uint64_t> awaiting_durability;
  /// Clients whose output the next flush writes (a client leaving before
  /// then takes itself out: forget_deferred_output).
  std::vector<batch_client*> deferred_output;
  std::vector<partition_batch> outbox;          // per partition
  std::deque<transaction_request> waiting_txns;
  bool flush_posted = false;
  bool round_running = false;
  /// When this loop last shipped its write-stream records, and whether a
  /// write_ship is on its way (loop.cpp, ship_writes).
  std::chrono::steady_clock::time_point last_ship;
  bool ship_scheduled = false;

  /// A partition vector with only `p` present (keyspace of an inline or
  /// batched command on partition p). Built once per partition.
  std::vector<commands::partition_data*>& single_partition_view(uint32_t p);

private:
  void request_flush();
  std::vector<std::vector<commands::partition_data*>> views_;
};

/// Serves a connection `manager` (loop `index`'s manager) owns now, accepted
/// by its doorman or while a script held the thread: refuses it past
/// maxclients or in protected mode, else sets its socket options and starts
/// its connection.
void accept_connection(caf::io::broker* manager, caf::io::connection_handle hdl, uint32_t index);

/// Settings the loops are started with.
struct loop_settings {
  uint32_t loops = 1;
  std::vector<std::string> bind_addresses{"127.0.0.1"};
  uint16_t port = 6379;
  /// Spawns the background actors (persistence) into the first loop's
  /// system, after the partitions and before the first client is
  /// accepted. Returns an error text.
  std::function<std::string(caf::actor_system&)> start_services;
};

/// Creates the loops' actor systems, partitions and listeners, starts the
/// services and then accepts clients, in that order. Returns an error text
/// (empty on success). The systems live until the process exits.
std::string start_loops(const loop_settings& settings);

} // namespace actis::actors
