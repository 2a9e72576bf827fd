#include "actors/client_pipeline.hpp"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <utility>

#include "actors/aof_service.hpp"
#include "actors/fan_out.hpp"
#include "actors/partition.hpp"
#include "actors/pubsub.hpp"
#include "actors/rdb_saver.hpp"
#include "commands/command_stats.hpp"
#include "commands/executor.hpp"
#include "config/config.hpp"
#include "protocol/errors.hpp"
#include "protocol/reply.hpp"
#include "scripting/running_script.hpp"

namespace actis::actors {

namespace {

/// Commands of one batch; a longer run of commands for one partition is
/// split into chained batches so no single message monopolizes a loop.
constexpr size_t max_batch_commands = 1024;

/// A parked command of this connection: the partition that serves it tells
/// the connection actor, whichever loop it runs on.
class pipeline_waiter final : public commands::blocked_client {
public:
  pipeline_waiter(const commands::command_spec& spec, protocol::command_args argv, int db,
                  int resp, caf::actor conn, uint64_t seq)
      : blocked_client(spec, std::move(argv), db, resp), conn_(std::move(conn)), seq_(seq) {}

  void deliver(std::string reply) override {
    caf::anon_send(conn_, blocked_reply_atom::value, seq_, std::move(reply));
  }
  void retry() override { caf::anon_send(conn_, blocked_retry_atom::value, seq_); }

private:
  caf::actor conn_;
  uint64_t seq_;
};

} // namespace

std::string error_reply(std::string_view error, int resp) {
  std::string bytes;
  protocol::reply_builder out(bytes, resp);
  out.error(error);
  return bytes;
}

void sort_unique(std::vector<uint32_t>& parts) {
  std::sort(parts.begin(), parts.end());
  parts.erase(std::unique(parts.begin(), parts.end()), parts.end());
}

client_pipeline::client_pipeline(host& conn, client_info& info, reply_queue& replies,
                                 loop_context& loop, caf::io::broker* self)
    : conn_(conn), info_(info), replies_(replies), loop_(loop), srv_(server::instance()),
      self_(self) {}

void client_pipeline::push(protocol::command_args argv) {
  size_t bytes = 0;
  for (auto& a : argv)
    bytes += a.size();
  queued_bytes_ += bytes;
  queue_.push_back(queued{std::move(argv), {}, false, bytes});
}

void client_pipeline::pop_front() {
  queued_bytes_ -= queue_.front().bytes;
  queue_.pop_front();
}

const route& client_pipeline::route_of(queued& cmd) {
  if (!cmd.routed) {
    route_client client{info_.authenticated, info_.loopback, loop_.partitions.front()};
    cmd.r = route_command(cmd.argv, client, srv_.partition_count(), key_scratch_);
    cmd.routed = true;
  }
  return cmd.r;
}

const route& client_pipeline::route_front() {
  auto& cmd = queue_.front();
  const route& r = route_of(cmd);
  if (!cmd.counted) {
    cmd.counted = true;
    ++info_.tot_cmds;
    if (r.where == destination::rejected)
      commands::stats::rejected(commands::table().lookup(cmd.argv));
    else
      info_.last_cmd = r.spec->name;
  }
  return r;
}

void client_pipeline::prefetch_ahead() {
  std::array<uint64_t, prefetch_window> hashes;
  std::array<member_lookahead, prefetch_window> with_members;
  const datatypes::db* db = nullptr;
  size_t n = 0, members = 0;
  size_t window = std::min(queue_.size(), prefetch_window);
  for (size_t i = 0; i < window; ++i) {
    auto& cmd = queue_[i];
    bool done_before = std::exchange(cmd.prefetched, true);
    const route& r = route_of(cmd);
    if (r.where != destination::partition) {
      // A connection command may change how later ones route (AUTH,
      // SELECT): routes other than a partition's are made at the front.
      if (i > 0)
        cmd.routed = false;
      break;
    }
    auto& target = srv_.partitions[r.partition];
    if (done_before || target.loop != loop_.index || target.held)
      continue;
    const auto& key_db = target.data->dbs[static_cast<size_t>(info_.db)];
    if (r.first_key == 0 || (db != nullptr && db != &key_db))
      continue;
    db = &key_db;
    hashes[n++] = datatypes::db::key_hash(cmd.argv[r.first_key]);
    if (r.spec->member_arg != 0)
      with_members[members++] = {&cmd, hashes[n - 1]};
  }
  if (n < 2)
    return;
  db->warm_lookups(hashes.data(), n);
  warm_members(*db, with_members.data(), members);
}

void client_pipeline::warm_members(const datatypes::db& db, const member_lookahead* cmds,
                                   size_t n) {
  // A batch mostly names one big collection: one call per run of commands
  // on the same key, so the collection overlaps their misses.
  std::array<std::string_view, prefetch_window> members;
  auto key_of = [&](size_t i) { return cmds[i].cmd->argv[cmds[i].cmd->r.first_key]; };
  for (size_t i = 0; i < n;) {
    size_t run_start = i;
    std::string_view key = key_of(i);
    size_t m = 0;
    for (; i < n && key_of(i) == key; ++i)
      members[m++] = cmds[i].cmd->argv[static_cast<size_t>(cmds[i].cmd->r.spec->member_arg)];
    const datatypes::entry* e = db.peek(key, cmds[run_start].key_hash);
    if (e == nullptr)
      continue;
    if (auto warm = e->val.traits().warm_members)
      warm(e->val, members.data(), m);
  }
}

void client_pipeline::run() {
  now_ms_ = unix_ms();
  watch_elsewhere_finished();
  while (!queue_.empty()) {
    if (!queue_.front().prefetched && queue_.size() > 1)
      prefetch_ahead();
    const route& r = route_front();
    // In the order of Redis's processCommand: MISCONF, the pub/sub
    // context, LOADING, a busy script.
    if (r.where != destination::rejected && refuse_when_misconfigured(*r.spec))
      continue;
    if (refused_when_subscribed(r))
      continue;
    if (r.where != destination::rejected
        && (refuse_while_loading(*r.spec) || refuse_while_busy(*r.spec)))
      continue;
    if (info_.multi >= 0 && queue_in_multi(r))
      continue;
    bool busy = waiting_ != waiting_for::nothing || !open_.items.empty();
    if (r.where == destination::rejected) {
      scratch_ = error_reply(r.error, info_.resp);
      replies_.ready_now(scratch_, conn_.output());
      pop_front();
      continue;
    }
    bool keyed = r.where == destination::partition || r.where == destination::partitions;
    if (keyed && (r.spec->flags & commands::f_blocking) != 0 &&
        commands::may_block(*r.spec, queue_.front().argv)) {
      if (busy)
        break;
      queued cmd = std::move(queue_.front());
      pop_front();
      start_blocking(cmd.r, std::move(cmd.argv));
      continue;
    }
    if (r.where == destination::partition) {
      auto p = r.partition;
      auto& target = srv_.partitions[p];
      if (!busy && target.loop == loop_.index && !target.held) {
        run_inline(*r.spec, queue_.front().argv, p);
        pop_front();
        continue;
      }
      bool joins_open = !open_.items.empty() && open_partition_ == p;
      bool chains = open_.items.empty()
                    && (waiting_ == waiting_for::nothing
                        || (waiting_ == waiting_for::batches && batch_partition_ == p
                            && batch_slots_.size() < max_chained_batches));
      if (!joins_open && !chains)
        break;
      open_partition_ = p;
      add_to_open_batch(queue_.front());
      pop_front();
      continue;
    }
    if (busy)
      break;
    if (r.where == destination::partitions) {
      // One partition in all (an all-partition command at --threads 1: a
      // script, FLUSHALL, KEYS …) that is this loop's and free: holding it
      // is what running now on this thread does, without the round's
      // messages.
      if (r.partitions.size() == 1) {
        auto p = r.partitions.front();
        auto& target = srv_.partitions[p];
        if (target.loop == loop_.index && !target.held) {
          run_inline(*r.spec, queue_.front().argv, p);
          pop_front();
          continue;
        }
      }
      start_transaction_unit();
      continue;
    }
    // Moved out first: a connection command may close the client, which
    // discards the queue under our feet.
    queued cmd = std::move(queue_.front());
    pop_front();
    if (cmd.r.where == destination::summaries) {
      start_summaries(*cmd.r.spec, std::move(cmd.argv));
      continue;
    }
    if (start_transaction_command(cmd))
      continue;
    bool skipped = replies_.take_skip();
    auto slot = replies_.reserve();
    waiting_ = waiting_for::connection;
    bool finished = conn_.run_at_connection(*cmd.r.spec, cmd.argv, slot);
    // As Redis: CLIENT REPLY ON answers even though OFF was in force when it
    // started; OFF and SKIP themselves stay silent.
    replies_.set_dropped(slot, skipped || info_.replies == reply_mode::off);
    if (finished)
      waiting_ = waiting_for::nothing;
  }
  post_open_batch();
  loop_.sink.flush();
}

bool client_pipeline::refused_when_subscribed(const route& r) {
  if (info_.resp != 2 || !info_.subscribed() || r.where == destination::rejected
      || allowed_when_subscribed(*r.spec))
    return false;
  refuse_front(*r.spec, protocol::err::subscribed_context(r.spec->name));
  return true;
}

void client_pipeline::refuse_front(const commands::command_spec& spec, std::string_view error) {
  // Redis's rejectCommand: counted as rejected, and it fails a MULTI.
  commands::stats::rejected(&spec);
  if (info_.multi >= 0)
    multi_failed_ = true;
  scratch_ = error_reply(error, info_.resp);
  replies_.ready_now(scratch_, conn_.output());
  pop_front();
}

std::string_view client_pipeline::busy_error_now() {
  // One relaxed load per command while no script runs.
  if (!scripting::current_script().active.load(std::memory_order_relaxed))
    return {};
  auto threshold = config::registry::instance().get_one("busy-reply-threshold");
  return scripting::busy_error(std::atoll(threshold.c_str()), unix_ms());
}

bool client_pipeline::refuse_while_busy(const commands::command_spec& spec) {
  if ((spec.flags & commands::f_allow_busy) != 0)
    return false;
  auto busy = busy_error_now();
  if (busy.empty())
    return false;
  refuse_front(spec, busy);
  return true;
}

bool client_pipeline::refuse_while_loading(const commands::command_spec& spec) {
  // One relaxed load per command once the dataset is loaded.
  if (!srv_.loading.load(std::memory_order_relaxed) || (spec.flags & commands::f_loading) != 0)
    return false;
  refuse_front(spec, protocol::err::loading);
  return true;
}

bool client_pipeline::refuse_when_misconfigured(const commands::command_spec& spec) {
  // A relaxed load or two per command while persistence is healthy.
  bool rdb_failed = !rdb_status::instance().last_ok.load(std::memory_order_relaxed);
  auto* aof = aof_runtime::instance().status.get();
  bool aof_failed = aof->enabled.load(std::memory_order_relaxed) && aof->write_error();
  if ((!rdb_failed && !aof_failed)
      || ((spec.flags & commands::f_write) == 0 && spec.name != "ping"))
    return false;
  if (rdb_failed && rdb_status::instance().refuses_writes())
    refuse_front(spec, protocol::err::misconf);
  else if (aof_failed)
    refuse_front(spec, protocol::err::misconf_aof(aof->error_text()));
  else
    return false;
  return true;
}

void client_pipeline::run_inline(const commands::command_spec& spec,
                                 const protocol::command_args& argv, uint32_t partition) {
  auto& parts = loop_.single_partition_view(partition);
  commands::keyspace ks(parts, srv_.partition_count(), &loop_.sink, now_ms_);
  scratch_.clear();
  protocol::reply_builder out(scratch_, info_.resp);
  commands::execute(spec, argv, out, &ks, info_.db, nullptr);
  replies_.ready_now(scratch_, conn_.output());
}

void client_pipeline::add_to_open_batch(queued& cmd) {
  open_slots_.push_back(replies_.reserve());
  open_.items.push_back(batch_item{info_.db, info_.resp, std::move(cmd.argv), cmd.r.first_key});
  if (open_.items.size() >= max_batch_commands)
    post_open_batch();
}

void client_pipeline::post_open_batch() {
  if (open_.items.empty())
    return;
  open_.conn = info_.id;
  loop_.post_batch(open_partition_, std::move(open_));
  open_ = conn_batch{};
  batch_slots_.push_back(std::move(open_slots_));
  open_slots_.clear();
  waiting_ = waiting_for::batches;
  batch_partition_ = open_partition_;
}

void client_pipeline::batch_replies(uint32_t, std::vector<std::string>& replies) {
  auto slots = std::move(batch_slots_.front());
  batch_slots_.pop_front();
  for (size_t i = 0; i < slots.size(); ++i)
    replies_.fill(slots[i], std::move(replies[i]));
  if (batch_slots_.empty())
    waiting_ = waiting_for::nothing;
  finish_unit();
}

void client_pipeline::batch_failed(uint32_t, const std::string& error) {
  auto slots = std::move(batch_slots_.front());
  batch_slots_.pop_front();
  for (auto slot : slots)
    replies_.fill(slot, error_reply(error, info_.resp));
  if (batch_slots_.empty())
    waiting_ = waiting_for::nothing;
  finish_unit();
}

void client_pipeline::connection_command_done() {
  waiting_ = waiting_for::nothing;
  finish_unit();
}

void client_pipeline::finish_unit() {
  run();
  conn_.on_progress();
}

void client_pipeline::start_transaction_unit() {
  struct unit_command {
    const commands::command_spec* spec;
    protocol::command_args argv;
    uint64_t slot;
  };
  auto unit = std::make_shared<std::vector<unit_command>>();
  std::vector<uint32_t> parts;
  // The multi-partition command and the keyed commands right after it run
  // in order under one hold, so a pipeline of them shares one round.
  while (!queue_.empty() && unit->size() < max_unit_commands) {
    const route& r = route_front();
    if (r.where == destination::rejected) {
      replies_.fill(replies_.reserve(), error_reply(r.error, info_.resp));
    } else if ((r.spec->flags & commands::f_blocking) != 0 &&
               commands::may_block(*r.spec, queue_.front().argv)) {
      // Runs alone (start_blocking), after this unit.
      break;
    } else if (r.where == destination::partition) {
      parts.push_back(r.partition);
    } else if (r.where == destination::partitions) {
      parts.insert(parts.end(), r.partitions.begin(), r.partitions.end());
    } else {
      break;
    }
    if (r.where != destination::rejected)
      unit->push_back(unit_command{r.spec, std::move(queue_.front().argv), replies_.reserve()});
    pop_front();
  }
  sort_unique(parts);
  waiting_ = waiting_for::transaction;
  int db = info_.db;
  int resp = info_.resp;
  // The unit owns its commands: they run even if the client is gone by then.
  post_unit(
      std::move(parts), unit->size(),
      [unit, db, resp](commands::keyspace& ks, client_pipeline* self) {
        std::vector<std::string> replies(unit->size());
        for (size_t i = 0; i < unit->size(); ++i) {
          auto& c = (*unit)[i];
          protocol::reply_builder out(replies[i], resp);
          commands::execute(*c.spec, c.argv, out, &ks, db, nullptr);
        }
        if (self == nullptr)
          return;
        for (size_t i = 0; i < unit->size(); ++i)
          self->replies_.fill((*unit)[i].slot, std::move(replies[i]));
        self->waiting_ = waiting_for::nothing;
        self->resume_later();
      },
      [unit, resp](client_pipeline& self, const std::string& error) {
        for (auto& c : *unit)
          self.replies_.fill(c.slot, error_reply(error, resp));
        self.waiting_ = waiting_for::nothing;
        self.resume_later();
      });
}

void client_pipeline::resume_later() {
  self_->send(caf::actor_cast<caf::actor>(self_), resume_atom::value);
}

std::string client_pipeline::summaries_reply(const commands::command_spec& spec,
                                             const protocol::command_args& argv,
                                             std::vector<commands::partition_summary>& parts) {
  std::string bytes;
  protocol::reply_builder out(bytes, info_.resp);
  commands::execute(spec, argv, out, nullptr, info_.db, nullptr, &parts);
  return bytes;
}

void client_pipeline::start_summaries(const commands::command_spec& spec,
                                      protocol::command_args argv) {
  auto slot = replies_.reserve();
  if (srv_.loading.load(std::memory_order_relaxed)) {
    // The partitions are being filled (INFO while LOADING): nothing to
    // count yet, and asking would wait for the load.
    std::vector<commands::partition_summary> empty(srv_.partition_count());
    for (auto& part : empty)
      part.dbs.resize(static_cast<size_t>(config::live().databases.load()));
    replies_.fill(slot, summaries_reply(spec, argv, empty));
    return;
  }
  waiting_ = waiting_for::summaries;
  auto weak = weak_from_this();
  ask_all<commands::partition_summary>(
      self_, srv_.partition_actors(),
      [weak, &spec, argv = std::move(argv), slot](
          std::vector<commands::partition_summary>& parts, const fan_out_failure& failure) {
        auto self = weak.lock();
        if (self == nullptr)
          return;
        self->replies_.fill(
            slot, failure.index >= 0
                      ? error_reply(protocol::err::partition_unavailable(
                                        static_cast<uint32_t>(failure.index), failure.why),
                                    self->info_.resp)
                      : self->summaries_reply(spec, argv, parts));
        self->waiting_ = waiting_for::nothing;
        self->finish_unit();
      },
      summary_atom::value);
}

// -- blocking commands ----------------------------------------------------------

void client_pipeline::start_blocking(const route& r, protocol::command_args argv) {
  blocking_run run{r.spec, {}, replies_.reserve(), nullptr};
  if (r.where == destination::partition)
    run.partitions.push_back(r.partition);
  else
    run.partitions = r.partitions;
  blocking_.emplace(std::move(run));
  run_blocking(std::move(argv));
}

void client_pipeline::run_blocking(protocol::command_args argv) {
  auto& b = *blocking_;
  auto w = std::make_shared<pipeline_waiter>(*b.spec, std::move(argv), info_.db, info_.resp,
                                             caf::actor_cast<caf::actor>(self_), ++block_seq_);
  b.waiter = w;
  if (b.partitions.size() == 1) {
    auto p = b.partitions.front();
    auto& target = srv_.partitions[p];
    if (target.loop == loop_.index && !target.held) {
      commands::keyspace ks(loop_.single_partition_view(p), srv_.partition_count(), &loop_.sink,
                            unix_ms());
      std::string reply;
      protocol::reply_builder out(reply, info_.resp);
      bool parked = commands::execute(*b.spec, w->argv, out, &ks, info_.db, nullptr, nullptr, w);
      loop_.sink.flush();
      blocking_ran(parked, std::move(reply), false);
      return;
    }
  }
  waiting_ = waiting_for::transaction;
  int db = info_.db;
  int resp = info_.resp;
  post_unit(
      b.partitions, 1,
      [w, db, resp](commands::keyspace& ks, client_pipeline* self) {
        std::string reply;
        protocol::reply_builder out(reply, resp);
        bool parked = commands::execute(w->spec, w->argv, out, &ks, db, nullptr, nullptr, w);
        // Only at shutdown (a connection outlives its units): claimed, the
        // waiter is skipped and dropped by the next serve that meets it.
        if (self == nullptr) {
          w->claim();
          return;
        }
        self->blocking_ran(parked, std::move(reply), true);
      },
      [resp](client_pipeline& self, const std::string& error) {
        auto bytes = error_reply(error, resp);
        self.end_blocking(&bytes, false);
        self.resume_later();
      });
}

void client_pipeline::blocking_ran(bool parked, std::string reply, bool in_round) {
  auto& b = *blocking_;
  if (!parked) {
    end_blocking(&reply, false);
  } else if (abandoned_) {
    discard_unstarted();
    if (b.waiter->claim())
      end_blocking(nullptr, true);
  } else {
    waiting_ = waiting_for::blocked;
    auto now = unix_ms();
    if (b.deadline_ms < 0) {
      b.deadline_ms = b.waiter->timeout_ms > 0 ? now + b.waiter->timeout_ms : 0;
      info_.blocked = true;
      srv_.loops[loop_.index]->stats.blocked_clients.fetch_add(1, std::memory_order_relaxed);
    }
    if (b.deadline_ms > 0) {
      std::chrono::milliseconds left(std::max<int64_t>(0, b.deadline_ms - now));
      self_->delayed_send(self_, left, block_timeout_atom::value, block_seq_);
    }
  }
  // A round must release its partitions before the pipeline goes on; a
  // parked command lets the replies before it go out meanwhile.
  if (in_round)
    resume_later();
}

void client_pipeline::end_blocking(const std::string* reply, bool unpark) {
  auto& b = *blocking_;
  // An abandoned command's slot gets nothing, so the replies before it
  // still drain.
  replies_.fill(b.slot, reply != nullptr ? *reply : std::string());
  // A command parked on one partition and served there is gone from it
  // already; otherwise every partition of its keys may still hold it.
  if (b.waiter != nullptr && b.waiter->parked() && (unpark || b.partitions.size() > 1))
    for (auto p : b.partitions)
      self_->send(srv_.partitions[p].actor, unpark_atom::value, b.waiter);
  if (b.deadline_ms >= 0) {
    info_.blocked = false;
    srv_.loops[loop_.index]->stats.blocked_clients.fetch_sub(1, std::memory_order_relaxed);
  }
  blocking_.reset();
  waiting_ = waiting_for::nothing;
}

std::string client_pipeline::timeout_reply() const {
  std::string bytes;
  protocol::reply_builder out(bytes, info_.resp);
  out.null_array();
  return bytes;
}

void client_pipeline::blocked_reply(uint64_t seq, std::string& reply) {
  if (!blocked() || seq != block_seq_)
    return;
  end_blocking(&reply, false);
  finish_unit();
}

void client_pipeline::blocked_retry(uint64_t seq) {
  if (!blocked() || seq != block_seq_)
    return;
  auto& b = *blocking_;
  for (auto p : b.partitions)
    self_->send(srv_.partitions[p].actor, unpark_atom::value, b.waiter);
  if (abandoned_) {
    end_blocking(nullptr, false);
    finish_unit();
    return;
  }
  waiting_ = waiting_for::nothing;
  run_blocking(b.waiter->argv);
  if (waiting_ == waiting_for::nothing)
    finish_unit();
}

void client_pipeline::block_timeout(uint64_t seq) {
  if (!blocked() || seq != block_seq_ || !blocking_->waiter->claim())
    return;
  // Redis counts a blocking command once, when it ends (here: timed out).
  commands::stats::executed(*blocking_->spec, 0, false);
  auto bytes = timeout_reply();
  end_blocking(&bytes, true);
  finish_unit();
}

bool client_pipeline::unblock(bool with_error) {
  if (!blocked() || !blocking_->waiter->claim())
    return false;
  auto bytes = with_error ? error_reply(protocol::err::unblocked, info_.resp) : timeout_reply();
  commands::stats::executed(*blocking_->spec, 0, with_error);
  end_blocking(&bytes, true);
  resume_later();
  return true;
}

void client_pipeline::abandon() {
  abandoned_ = true;
  discard_transaction();
  if (!blocked())
    return;
  discard_unstarted();
  if (blocking_->waiter->claim())
    end_blocking(nullptr, true);
}

} // namespace actis::actors
