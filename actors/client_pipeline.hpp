// A client's commands in program order, and the one rule that keeps that
// order at any number of loops:
//
//   a command starts only when every earlier command of the client has
//   taken effect — except that consecutive commands for the same partition
//   may travel together (they share one FIFO path to it and run there in
//   order).
//
// So a client's commands take effect in the order it sent them, as if run
// one at a time; since each partition runs atomically, the whole server is
// linearizable (DESIGN: docs/ARCHITECTURE.md, "Program order"). Units of
// work, in the order they start:
//   * inline: a command for this loop's partition while nothing of the client
//     is in flight and the partition is not held — runs now;
//   * a batch: consecutive commands for one partition (another loop's, or
//     this loop's while held), posted to the loop's outbox; further batches
//     for the same partition may follow before it is answered (bounded);
//   * a transaction unit: a multi-partition or all-partition command and the
//     keyed commands right after it (bounded), run in order under one hold;
//   * summaries: INFO / DBSIZE, after every partition's summary arrived;
//   * a connection command, which may defer its reply (CLIENT LIST …);
//   * a blocking command (BLPOP …), alone: inline or as a transaction unit of
//     one; if it parks, the client waits until a partition serves it, it
//     times out or CLIENT UNBLOCK ends it (commands/blocking.hpp);
//   * WATCH and EXEC: inline or as a transaction unit over the partitions of
//     the watched keys (and, for EXEC, of its queued commands). Between
//     MULTI and EXEC commands are queued here, not started
//     (actors/client_transaction.cpp).
//
// Every command the pipeline has been given runs exactly once, also when the
// connection is gone: a unit, once posted, carries its commands by value,
// and the connection lives on until its pipeline is idle (its output goes
// nowhere meanwhile). Thread: the owning loop's.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <caf/all.hpp>
#include <caf/io/all.hpp>

#include "actors/client_info.hpp"
#include "actors/loop.hpp"
#include "actors/messages.hpp"
#include "actors/reply_queue.hpp"
#include "actors/route.hpp"
#include "actors/server.hpp"
#include "protocol/resp_parser.hpp"

namespace actis::actors {

/// RESP of one error line in protocol `resp`, for a reply made outside a
/// command (a refusal, a failed unit).
std::string error_reply(std::string_view error, int resp);
/// Sorts `parts` and drops repeats: the partitions a unit holds, ascending.
void sort_unique(std::vector<uint32_t>& parts);

class client_pipeline : public std::enable_shared_from_this<client_pipeline> {
public:
  /// Batches for one partition that may be in flight at once.
  static constexpr size_t max_chained_batches = 8;
  /// Commands of one transaction unit.
  static constexpr size_t max_unit_commands = 64;

  /// What the pipeline needs from its connection.
  class host {
  public:
    virtual ~host() = default;
    /// Runs a connection-scope command whose reply goes to `slot`. Returns
    /// false if the reply comes later (the host then calls
    /// client_pipeline::connection_command_done).
    virtual bool run_at_connection(const commands::command_spec& spec,
                                   const protocol::command_args& argv, uint64_t slot) = 0;
    /// Replies may have become ready, or the pipeline became idle.
    virtual void on_progress() = 0;
    /// The output buffer replies are appended to.
    virtual std::vector<char>& output() = 0;
    /// Runs a connection-scope command queued in MULTI, inside EXEC; its
    /// reply goes to `slot`, now or (CLIENT LIST …) later.
    virtual void run_in_exec(const commands::command_spec& spec,
                             const protocol::command_args& argv, uint64_t slot) = 0;
  };

  client_pipeline(host& conn, client_info& info, reply_queue& replies, loop_context& loop,
                  caf::io::broker* self);

  /// Appends a parsed command.
  void push(protocol::command_args argv);
  /// Starts every command that may start now, then posts the open batch.
  void run();
  /// Drops the commands not started yet (QUIT, CLIENT KILL, limits: Redis
  /// stops reading a client it is closing).
  void discard_unstarted() {
    queue_.clear();
    queued_bytes_ = 0;
  }

  /// True when nothing is queued or in flight.
  bool idle() const { return queue_.empty() && waiting_ == waiting_for::nothing; }
  /// True while a blocking command of this client is parked.
  bool blocked() const { return waiting_ == waiting_for::blocked; }
  /// The reply slot of the parked blocking command, if one is parked (the
  /// client's last: nothing after it starts before it ends).
  const uint64_t* parked_slot() const { return blocked() ? &blocking_->slot : nullptr; }
  /// Bytes of the commands read but not started yet: with the parser's
  /// pending bytes, what Redis calls the query buffer (qbuf), and what
  /// client-query-buffer-limit bounds.
  size_t queued_bytes() const { return queued_bytes_; }
  /// True while a unit on the partitions (batch, transaction, summaries) is
  /// in flight: its replies follow within a loop iteration or two.
  bool waiting_for_partitions() const {
    return waiting_ == waiting_for::batches || waiting_ == waiting_for::transaction
           || waiting_ == waiting_for::summaries;
  }

  // -- completions (from the loop manager, rounds, replies) --------------------
  void batch_replies(uint32_t partition, std::vector<std::string>& replies);
  void batch_failed(uint32_t partition, const std::string& error);
  void connection_command_done();

  // -- a parked blocking command ------------------------------------------------
  /// Its reply, from the partition that served it (`seq` names the run).
  void blocked_reply(uint64_t seq, std::string& reply);
  /// It must run again as an ordinary command (its partition handed it back).
  void blocked_retry(uint64_t seq);
  /// Its timeout expired.
  void block_timeout(uint64_t seq);
  /// CLIENT UNBLOCK: ends it as timed out, or with the UNBLOCKED error;
  /// false if nothing was parked. The pipeline continues on a resume message.
  bool unblock(bool with_error);
  /// The client is gone: a parked command (now or when it parks) is dropped,
  /// nothing popped for it, and so are the commands after it, as Redis frees
  /// a blocked client. Without one, the commands read still run. Its
  /// watched keys are forgotten.
  void abandon();

  // -- MULTI / EXEC / WATCH (actors/client_transaction.cpp) -------------------
  /// DISCARD, RESET: drops the queued commands, ends MULTI, forgets the
  /// watched keys.
  void discard_transaction();
  /// UNWATCH: forgets the watched keys.
  void unwatch();

private:
  struct queued {
    protocol::command_args argv;
    route r;
    bool routed;
    size_t bytes; // of argv, counted in queued_bytes_ until it starts
    /// Counted in the client's statistics (once it reached the front).
    bool counted = false;
    /// prefetch_ahead has looked at it.
    bool prefetched = false;
  };
  enum class waiting_for : uint8_t {
    nothing, batches, transaction, summaries, connection, blocked
  };
  /// A command queued between MULTI and EXEC.
  struct multi_command {
    const commands::command_spec* spec;
    protocol::command_args argv;
    route r;
  };
  /// The blocking command in progress; its argv lives in its waiter.
  struct blocking_run {
    const commands::command_spec* spec;
    std::vector<uint32_t> partitions; // of its keys, ascending
    uint64_t slot;
    commands::waiter_ptr waiter;
    /// Absolute ms of its timeout, 0 for none, -1 until it first parks.
    int64_t deadline_ms = -1;
  };

  /// Routes `cmd` if not yet done. Routing depends on client state that
  /// only connection commands change (AUTH, SELECT …), so a command may be
  /// routed early when only keyed commands come before it.
  const route& route_of(queued& cmd);
  /// Routes the front command and counts it in the client's statistics.
  const route& route_front();
  /// Pipelined keyed commands for this loop's free partition: loads their
  /// keys' hash buckets, then entries (db::warm_lookups), before any of
  /// them runs, so the cache misses of a read overlap instead of costing
  /// one after another.
  void prefetch_ahead();
  /// Commands prefetch_ahead looks at. Deeper than a typical pipeline read
  /// (-P 16) gains little: the core keeps about that many misses in flight.
  static constexpr size_t prefetch_window = 16;
  /// A command prefetch_ahead saw naming a member of its key's collection
  /// (command_spec::member_arg), with its key's hash.
  struct member_lookahead {
    const queued* cmd;
    uint64_t key_hash;
  };
  /// The second step of prefetch_ahead for `n` (at most prefetch_window)
  /// such commands: the members' lookups in those collections.
  void warm_members(const datatypes::db& db, const member_lookahead* cmds, size_t n);
  /// In RESP2 a subscribed client runs only (P|S)(UN)SUBSCRIBE, PING, QUIT
  /// and RESET: answers and drops the front command otherwise (true).
  bool refused_when_subscribed(const route& r);
  /// While the dataset loads at start-up, answers LOADING to every
  /// command not flagged loading (INFO, CONFIG, SHUTDOWN …).
  bool refuse_while_loading(const commands::command_spec& spec);
  /// While a script runs past busy-reply-threshold, answers the front
  /// command with BUSY unless it is allowed then (SCRIPT KILL, SHUTDOWN …).
  bool refuse_while_busy(const commands::command_spec& spec);
  /// The BUSY error while a script runs past busy-reply-threshold, else "".
  static std::string_view busy_error_now();
  /// MISCONF for writes (and PING) while the last save failed and
  /// stop-writes-on-bgsave-error is on, or the AOF cannot be written, as
  /// Redis's processCommand.
  bool refuse_when_misconfigured(const commands::command_spec& spec);
  /// Answers the front command with `error` instead of running it, as
  /// Redis's rejectCommand: counted as rejected, and it fails a MULTI.
  void refuse_front(const commands::command_spec& spec, std::string_view error);
  /// Removes the front command (started, or answered as rejected).
  void pop_front();
  void run_inline(const commands::command_spec& spec, const protocol::command_args& argv,
                  uint32_t partition);
  void add_to_open_batch(queued& cmd);
  void post_open_batch();
  void start_transaction_unit();
  void start_summaries(const commands::command_spec& spec, protocol::command_args argv);
  /// The reply of a summaries command (INFO, DBSIZE …) over `parts`.
  std::string summaries_reply(const commands::command_spec& spec,
                              const protocol::command_args& argv,
                              std::vector<commands::partition_summary>& parts);
  void finish_unit();
  /// Posts a transaction unit of `commands` commands over `parts`:
  /// `run(ks, self)` executes them inside the loop's round with the
  /// partitions held (`self` is null if this pipeline is gone: the commands
  /// still run); `failed(self, error)` answers them if a partition did not.
  template <class Run, class Failed>
  void post_unit(std::vector<uint32_t> parts, size_t commands, Run run, Failed failed);
  /// Continues the pipeline on a message to the connection: after a round
  /// has released its partitions, or outside a handler that must not re-enter.
  void resume_later();
  void start_blocking(const route& r, protocol::command_args argv);
  /// Runs (again) the blocking command with a fresh waiter.
  void run_blocking(protocol::command_args argv);
  /// After a run: its reply, or it parked. `in_round`: called from a
  /// transaction round, which must release before the pipeline continues.
  void blocking_ran(bool parked, std::string reply, bool in_round);
  /// Ends the blocking command: fills its slot (with nothing if `reply` is
  /// null) and
  /// tells its partitions to drop it when `unpark`.
  void end_blocking(const std::string* reply, bool unpark);
  /// RESP of a timed-out blocking command.
  std::string timeout_reply() const;

  /// Between MULTI and EXEC: queues the front command (or answers it, if
  /// it ends the queueing it returns false and is left in place).
  bool queue_in_multi(const route& r);
  /// The front connection command, if the pipeline runs it itself: EXEC in
  /// MULTI, WATCH outside it. True if it started it.
  bool start_transaction_command(queued& cmd);
  void start_watch(protocol::command_args argv);
  /// While a script of another loop is busy holding the keys' partitions:
  /// hands the WATCH to the script's thread (actors/busy_loop.hpp), which
  /// enters it at once, as Redis does; the reply comes with the resume that
  /// follows. False if it was not handed over (the caller then waits).
  bool watch_beside_busy_script(const std::vector<commands::watched_key>& keys, uint64_t slot);
  /// Answers such a WATCH once it was entered.
  void watch_elsewhere_finished();
  void start_exec();
  /// Runs `body(ks, self)` holding `parts`: inline when that is one local
  /// partition nobody holds, else as a transaction unit of `commands`
  /// commands; `failed(self, error)` if a partition did not answer.
  template <class Body, class Failed>
  void run_holding(std::vector<uint32_t> parts, size_t commands, Body body, Failed failed);

  host& conn_;
  client_info& info_;
  reply_queue& replies_;
  loop_context& loop_;
  server& srv_;
  caf::io::broker* self_;
  /// Clock snapshot of the current run(): its commands run "at the same
  /// time", one clock read per run instead of per command.
  int64_t now_ms_ = 0;
  std::deque<queued> queue_;
  size_t queued_bytes_ = 0;
  std::vector<size_t> key_scratch_;
  std::string scratch_;

  waiting_for waiting_ = waiting_for::nothing;
  /// While waiting for batches: their partition and, oldest first, the reply
  /// slots of each.
  uint32_t batch_partition_ = 0;
  std::deque<std::vector<uint64_t>> batch_slots_;
  /// The batch being built by this run(), posted when it ends.
  conn_batch open_;
  std::vector<uint64_t> open_slots_;
  uint32_t open_partition_ = 0;

  /// The commands queued since MULTI (client_info::multi counts them).
  std::vector<multi_command> multi_;
  /// A command queued since MULTI was refused: EXEC answers EXECABORT.
  bool multi_failed_ = false;
  /// The client's WATCH and the keys it watches.
  commands::watch_ptr watch_;
  std::vector<commands::watched_key> watched_;
  /// A WATCH handed to a busy script's thread: its reply slot and whether
  /// it was entered (set there).
  struct watch_elsewhere {
    uint64_t slot = 0;
    std::shared_ptr<std::atomic<bool>> done;
  } watch_elsewhere_;

  std::optional<blocking_run> blocking_;
  /// Numbers the runs of blocking commands, so late messages about an
  /// earlier run are ignored.
  uint64_t block_seq_ = 0;
  bool abandoned_ = false;
};

template <class Run, class Failed>
void client_pipeline::post_unit(std::vector<uint32_t> parts, size_t commands, Run run,
                                Failed failed) {
  auto weak = weak_from_this();
  auto& loop = loop_;
  auto partition_count = srv_.partition_count();
  auto body = [weak, &loop, partition_count,
               run = std::move(run)](std::vector<commands::partition_data*>& held) {
    commands::keyspace ks(held, partition_count, &loop.sink, unix_ms());
    auto self = weak.lock();
    run(ks, self.get());
  };
  auto on_failure = [weak, failed = std::move(failed)](const std::string& error) {
    if (auto self = weak.lock())
      failed(*self, error);
  };
  loop_.post_transaction(
      transaction_request{std::move(parts), commands, std::move(body), std::move(on_failure)});
}

} // namespace actis::actors
