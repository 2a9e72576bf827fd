// Clients parked by blocking commands (BLPOP, BZPOPMIN, BLMOVE, ...), as
// the partitions that own their keys see them. Plain C++ (no CAF).
//
// The conversation (docs/ARCHITECTURE.md, "Blocking commands"):
//  1. A blocking command runs like any other, on the partition(s) of its
//     keys. If it cannot complete, its handler parks the command's
//     blocked_client in the waiter queue of each of its keys, on each of
//     their partitions, in the same step (no wake-up can fall in between)
//     and replies nothing.
//  2. Every change of a key passes commands::notify; a key with waiters is
//     marked ready there.
//  3. After each command (never in the middle of one), the executor serves
//     the ready keys of the partitions it holds: each waiter, oldest first,
//     re-runs its command against the one ready key. The first of
//     {a partition serving it, its timeout, its client leaving, CLIENT
//     UNBLOCK} to claim() the client wins, so a client waiting on several
//     partitions is served exactly once; a partition claims only after it
//     saw the command can complete there, and then completes it at once.
//  4. A command that cannot complete with the ready key's partition alone
//     (BLMOVE into a key of a partition not held) is claimed and handed
//     back to its client, which runs it again as an ordinary command.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "protocol/resp_parser.hpp"

namespace actis::commands {

struct command_spec;

/// One parked blocking command of one client. Created by the client's side
/// for each run of a blocking command and shared (read-only but for the
/// atomics) by every partition the command waits in; it lives until the
/// last of them dropped it.
class blocked_client {
public:
  blocked_client(const command_spec& spec, protocol::command_args argv, int db, int resp)
      : spec(spec), argv(std::move(argv)), db(db), resp(resp) {}
  virtual ~blocked_client() = default;
  blocked_client(const blocked_client&) = delete;
  blocked_client& operator=(const blocked_client&) = delete;

  const command_spec& spec;
  const protocol::command_args argv;
  const int db;
  const int resp;

  // Written by park() before mark_parked(); read by others after parked().
  /// The keys waited on, viewing argv.
  std::vector<std::string_view> keys;
  /// Relative timeout in ms; 0 waits forever.
  int64_t timeout_ms = 0;
  /// Arguments the command resolved when it first ran, for the runs that
  /// serve it (XREAD's `$`: the stream's last ID at that time).
  std::vector<std::string> resolved;

  /// True for the first caller only: that caller owns the outcome (serve,
  /// time out, unblock, drop). Any thread.
  bool claim() noexcept { return !claimed_.exchange(true, std::memory_order_acq_rel); }
  bool claimed() const noexcept { return claimed_.load(std::memory_order_acquire); }
  /// True once the command parked in its partitions (it replied nothing).
  bool parked() const noexcept { return parked_.load(std::memory_order_acquire); }
  void mark_parked() noexcept { parked_.store(true, std::memory_order_release); }

  /// The served command's reply, for the client. Called once, by the
  /// claimer, on the serving partition's thread.
  virtual void deliver(std::string reply) = 0;
  /// The command must run again as an ordinary command (step 4 above).
  /// Called once, by the claimer, on the serving partition's thread.
  virtual void retry() = 0;

private:
  std::atomic<bool> claimed_{false};
  std::atomic<bool> parked_{false};
};

using waiter_ptr = std::shared_ptr<blocked_client>;

/// True if this run of a command flagged blocking may park: false for XREAD
/// and XREADGROUP without BLOCK, which then run like any other command
/// (batched, inline, pipelined). Any thread.
bool may_block(const command_spec& spec, const protocol::command_args& argv);

/// The waiters of one partition: per database and key, a FIFO of parked
/// commands, and the keys changed since they were last served.
/// Thread: the holder of the partition.
class waiter_table {
public:
  /// True while nobody waits here: the only cost notify() pays then.
  bool empty() const { return keys_waited_ == 0; }
  /// Number of keys with waiters.
  size_t keys_waited() const { return keys_waited_; }

  /// Appends `w` to the queue of `key` in `db`.
  void park(int db, std::string_view key, waiter_ptr w);
  /// Removes `w` from the queues of `keys` (those without it are skipped).
  void remove(int db, const std::vector<std::string_view>& keys, const blocked_client* w);
  /// The queue of `key` in `db`, nullptr if nobody waits on it.
  std::deque<waiter_ptr>* queue(int db, std::string_view key);
  /// Drops the queue of `key` if it became empty.
  void drop_if_empty(int db, std::string_view key);

  /// notify()'s hook: `key` changed; marks it ready if somebody waits on it.
  void signal(int db, std::string_view key);
  /// Every key of `db` changed (FLUSHDB, SWAPDB): all its waited keys.
  void signal_all(int db);
  bool has_ready() const { return !ready_.empty(); }
  /// The keys signalled since the last call, in signalling order.
  std::vector<std::pair<int, std::string>> take_ready();

private:
  using key_queues = std::unordered_map<std::string, std::deque<waiter_ptr>>;
  key_queues& db_queues(int db);

  std::vector<key_queues> dbs_;
  size_t keys_waited_ = 0;
  std::vector<std::pair<int, std::string>> ready_;
  std::unordered_set<std::string> ready_set_; // "<db>\n<key>" of ready_
};

} // namespace actis::commands
