// MULTI / EXEC / DISCARD / WATCH / UNWATCH in the client pipeline.
//
// MULTI (a connection command) sets client_info::multi; from then on the
// pipeline queues each command here instead of starting it, answering
// +QUEUED, or the error that makes EXEC fail (unknown command, arity,
// not allowed in a transaction). EXEC, once every earlier command has taken
// effect, runs the queue as one unit holding the union of the partitions
// of the queued commands and of the watched keys: it first checks the
// watches there (a watched key changed or expired since WATCH: null reply,
// nothing runs), then runs every command in order, the blocked clients
// woken by them served only after the last. WATCH registers its keys on
// their partitions (commands/watch.hpp) in program order, like any write.
#include <algorithm>

#include "actors/busy_loop.hpp"
#include "actors/client_pipeline.hpp"
#include "commands/command_stats.hpp"
#include "commands/executor.hpp"
#include "protocol/errors.hpp"
#include "protocol/reply.hpp"

namespace actis::actors {

namespace {

const commands::command_spec* spec_named(std::string_view name) {
  return commands::table().find(name);
}

/// Redis's processCommand queues everything in MULTI but these.
bool ends_queueing(const commands::command_spec* spec) {
  static const commands::command_spec* const ending[] = {
      spec_named("exec"), spec_named("discard"), spec_named("multi"),
      spec_named("watch"), spec_named("quit"),   spec_named("reset")};
  return std::find(std::begin(ending), std::end(ending), spec) != std::end(ending);
}

void add_partitions(const route& r, std::vector<uint32_t>& parts, uint32_t partition_count) {
  switch (r.where) {
    case destination::partition:
      parts.push_back(r.partition);
      break;
    case destination::partitions:
      parts.insert(parts.end(), r.partitions.begin(), r.partitions.end());
      break;
    case destination::summaries:
      for (uint32_t p = 0; p < partition_count; ++p)
        parts.push_back(p);
      break;
    default:
      break;
  }
}

} // namespace

bool client_pipeline::queue_in_multi(const route& r) {
  if (r.where != destination::rejected && ends_queueing(r.spec))
    return false;
  static const auto* const exec = spec_named("exec");
  std::string_view refusal;
  if (r.where == destination::rejected && commands::table().lookup(queue_.front().argv) == exec) {
    // A refused EXEC ends the transaction (Redis's execCommandAbort).
    std::string_view why = r.error;
    if (why.rfind("ERR ", 0) == 0)
      why.remove_prefix(4);
    scratch_ = error_reply(std::string(protocol::err::exec_abort_because) + std::string(why),
                           info_.resp);
    replies_.ready_now(scratch_, conn_.output());
    pop_front();
    discard_transaction();
    return true;
  }
  if (r.where == destination::rejected)
    refusal = r.error;
  else if ((r.spec->flags & commands::f_no_multi) != 0)
    refusal = protocol::err::not_allowed_in_multi;
  if (!refusal.empty()) {
    multi_failed_ = true;
    scratch_ = error_reply(refusal, info_.resp);
  } else {
    auto& cmd = queue_.front();
    multi_.push_back(multi_command{r.spec, std::move(cmd.argv), std::move(cmd.r)});
    ++info_.multi;
    scratch_ = "+QUEUED\r\n";
  }
  replies_.ready_now(scratch_, conn_.output());
  pop_front();
  return true;
}

bool client_pipeline::start_transaction_command(queued& cmd) {
  static const auto* const exec = spec_named("exec");
  static const auto* const watch = spec_named("watch");
  if (cmd.r.spec == exec && info_.multi >= 0) {
    start_exec();
    return true;
  }
  if (cmd.r.spec == watch && info_.multi < 0) {
    start_watch(std::move(cmd.argv));
    return true;
  }
  return false;
}

template <class Body, class Failed>
void client_pipeline::run_holding(std::vector<uint32_t> parts, size_t commands, Body body,
                                  Failed failed) {
  if (parts.size() == 1) {
    auto& target = srv_.partitions[parts.front()];
    if (target.loop == loop_.index && !target.held) {
      commands::keyspace ks(loop_.single_partition_view(parts.front()), srv_.partition_count(),
                            &loop_.sink, now_ms_);
      body(ks, this);
      loop_.sink.flush();
      return;
    }
  }
  // Served by a busy script from inside this loop's running round (only
  // allow-busy work gets here then: WATCH; EXEC answers BUSY): the
  // partitions are this thread's already, so it runs now, between two of
  // the script's instructions, as in Redis. No pipeline runs inside a
  // round otherwise (they resume after it).
  auto held_here = [&](uint32_t p) { return (*loop_.round_held)[p] != nullptr; };
  if (loop_.round_held != nullptr && !busy_error_now().empty()
      && std::all_of(parts.begin(), parts.end(), held_here)) {
    commands::keyspace ks(*loop_.round_held, srv_.partition_count(), &loop_.sink, now_ms_);
    body(ks, this);
    return;
  }
  waiting_ = waiting_for::transaction;
  post_unit(
      std::move(parts), commands,
      [body = std::move(body)](commands::keyspace& ks, client_pipeline* self) {
        body(ks, self);
        if (self == nullptr)
          return;
        self->waiting_ = waiting_for::nothing;
        self->resume_later();
      },
      [failed = std::move(failed)](client_pipeline& self, const std::string& error) {
        failed(self, error);
        self.waiting_ = waiting_for::nothing;
        self.resume_later();
      });
}

void client_pipeline::start_watch(protocol::command_args argv) {
  if (watch_ == nullptr)
    watch_ = std::make_shared<commands::watch_session>();
  std::vector<uint32_t> parts;
  std::vector<commands::watched_key> keys;
  for (size_t i = 1; i < argv.size(); ++i) {
    auto p = commands::keyspace::partition_of(argv[i], srv_.partition_count());
    parts.push_back(p);
    keys.push_back(commands::watched_key{info_.db, argv[i], p});
  }
  sort_unique(parts);
  auto slot = replies_.reserve();
  for (auto& k : keys)
    if (std::none_of(watched_.begin(), watched_.end(),
                     [&](auto& w) { return w.db == k.db && w.key == k.key; }))
      watched_.push_back(k);
  commands::stats::executed(*spec_named("watch"), 0, false);
  if (watch_beside_busy_script(keys, slot))
    return;
  run_holding(
      std::move(parts), 1,
      [session = watch_, keys = std::move(keys), slot](commands::keyspace& ks,
                                                      client_pipeline* self) {
        for (auto& k : keys)
          commands::watch_key(ks.part(k.key), k.db, k.key, session, ks.now_ms());
        if (self != nullptr)
          self->replies_.fill(slot, std::string(protocol::ok_reply));
      },
      [slot](client_pipeline& self, const std::string& error) {
        self.replies_.fill(slot, error_reply(error, self.info_.resp));
      });
}

bool client_pipeline::watch_beside_busy_script(const std::vector<commands::watched_key>& keys,
                                               uint64_t slot) {
  // Only from a loop other than the script's (whose own clients are served
  // inside its round, run_holding), and only once clients see it busy.
  if (loop_.round_held != nullptr || busy_error_now().empty())
    return false;
  auto done = std::make_shared<std::atomic<bool>>(false);
  bool handed = run_beside_busy_script(
      [session = watch_, keys, done, conn = caf::actor_cast<caf::actor>(self_)](
          commands::keyspace& ks) {
        for (auto& k : keys)
          commands::watch_key(ks.part(k.key), k.db, k.key, session, ks.now_ms());
        done->store(true, std::memory_order_release);
        caf::anon_send(conn, resume_atom::value);
      });
  if (!handed)
    return false;
  waiting_ = waiting_for::transaction;
  watch_elsewhere_ = {slot, std::move(done)};
  return true;
}

void client_pipeline::watch_elsewhere_finished() {
  if (!watch_elsewhere_.done || !watch_elsewhere_.done->load(std::memory_order_acquire))
    return;
  replies_.fill(watch_elsewhere_.slot, std::string(protocol::ok_reply));
  watch_elsewhere_ = {};
  waiting_ = waiting_for::nothing;
}

void client_pipeline::start_exec() {
  info_.multi = -1;
  bool skipped = replies_.take_skip();
  auto header = replies_.reserve();
  replies_.set_dropped(header, skipped || info_.replies == reply_mode::off);
  if (multi_failed_) {
    multi_.clear();
    multi_failed_ = false;
    commands::stats::executed(*spec_named("exec"), 0, true);
    replies_.fill(header, error_reply(protocol::err::exec_abort, info_.resp));
    unwatch();
    return;
  }
  // The replies go to as few slots as possible: one for the array header
  // and the replies up to the first connection command, whose reply may
  // come later (CLIENT LIST …) and has a slot of its own, followed by a
  // slot for the replies after it, and so on.
  struct exec_command {
    multi_command cmd;
    uint64_t slot;          // a connection command's own slot
    uint64_t continuation;  // the slot of the replies after it
  };
  // What the body needs wherever it runs, in one shared block sized once;
  // multi_ keeps its capacity for the client's next transaction.
  struct exec_plan {
    std::vector<exec_command> run;
    std::vector<uint64_t> slots;
  };
  auto plan = std::make_shared<exec_plan>();
  plan->run.reserve(multi_.size());
  plan->slots.push_back(header);
  std::vector<uint32_t> parts;
  for (auto& c : multi_) {
    add_partitions(c.r, parts, srv_.partition_count());
    exec_command e{std::move(c), 0, 0};
    if (e.cmd.r.where == destination::connection) {
      e.slot = replies_.reserve();
      e.continuation = replies_.reserve();
      plan->slots.push_back(e.slot);
      plan->slots.push_back(e.continuation);
    }
    plan->run.push_back(std::move(e));
  }
  multi_.clear();
  for (auto& w : watched_)
    parts.push_back(w.partition);
  sort_unique(parts);
  commands::stats::executed(*spec_named("exec"), 0, false);
  auto watch = std::move(watch_);
  auto watched = std::move(watched_);
  watch_.reset();
  watched_.clear();
  auto body = [plan, watch, watched = std::move(watched), db = info_.db,
               resp = info_.resp](commands::keyspace& ks, client_pipeline* self) {
    bool broken = false;
    for (auto& w : watched) {
      auto& p = ks.part(w.key);
      broken = broken || commands::watch_broken(p, w.db, w.key, *watch, ks.now_ms());
      commands::unwatch_key(p, w.db, w.key, watch.get());
    }
    std::string chunk;
    uint64_t chunk_slot = plan->slots.front();
    protocol::reply_builder out(chunk, resp);
    if (broken) {
      out.null_array();
      if (self != nullptr)
        for (auto slot : plan->slots)
          self->replies_.fill(slot, slot == chunk_slot ? std::move(chunk) : std::string());
      return;
    }
    out.array(plan->run.size());
    ks.begin_atomic();
    int cur_db = db;
    for (auto& c : plan->run) {
      auto& spec = *c.cmd.spec;
      if (c.cmd.r.where == destination::connection) {
        // SELECT, CLIENT SETNAME … change the client, so the commands after
        // them see it; without a client (shutdown) they do nothing. As in
        // Redis, the client is still in MULTI while EXEC runs (CLIENT INFO
        // shows flag x and the queued count).
        if (self != nullptr) {
          self->replies_.fill(chunk_slot, std::move(chunk));
          self->info_.multi = static_cast<int>(plan->run.size());
          self->conn_.run_in_exec(spec, c.cmd.argv, c.slot);
          self->info_.multi = -1;
          cur_db = self->info_.db;
        }
        chunk.clear();
        chunk_slot = c.continuation;
        continue;
      }
      if (c.cmd.r.where == destination::summaries) {
        std::vector<commands::partition_summary> sums;
        for (auto* p : ks.held())
          sums.push_back(commands::summarize(*p, ks.now_ms()));
        commands::execute(spec, c.cmd.argv, out, nullptr, cur_db, nullptr, &sums);
      } else {
        commands::execute_nested(spec, c.cmd.argv, out, ks, cur_db, false);
      }
    }
    ks.end_atomic();
    commands::serve_waiters(ks);
    if (self != nullptr)
      self->replies_.fill(chunk_slot, std::move(chunk));
  };
  auto failed = [plan](client_pipeline& self, const std::string& error) {
    for (auto slot : plan->slots)
      self.replies_.fill(slot, slot == plan->slots.front() ? error_reply(error, self.info_.resp)
                                                      : std::string());
  };
  if (parts.empty()) {
    // Only connection commands: nothing to hold.
    std::vector<commands::partition_data*> none(srv_.partition_count(), nullptr);
    commands::keyspace ks(none, srv_.partition_count(), &loop_.sink, now_ms_);
    body(ks, this);
    return;
  }
  run_holding(std::move(parts), plan->run.size() + 1, std::move(body), std::move(failed));
}

void client_pipeline::discard_transaction() {
  multi_.clear();
  multi_failed_ = false;
  info_.multi = -1;
  unwatch();
}

void client_pipeline::unwatch() {
  if (watch_ == nullptr)
    return;
  std::vector<uint32_t> parts;
  for (auto& w : watched_)
    parts.push_back(w.partition);
  sort_unique(parts);
  for (auto p : parts) {
    watch_release r{watch_, {}};
    for (auto& w : watched_)
      if (w.partition == p)
        r.keys.push_back(w);
    auto& target = srv_.partitions[p];
    if (target.loop == loop_.index && !target.held) {
      for (auto& k : r.keys)
        commands::unwatch_key(*target.data, k.db, k.key, watch_.get());
    } else {
      caf::anon_send(target.actor, unwatch_atom::value, std::move(r));
    }
  }
  watch_.reset();
  watched_.clear();
}

} // namespace actis::actors
