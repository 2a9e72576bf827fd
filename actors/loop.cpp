#include "actors/loop.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>

#include "actors/aof_service.hpp"
#include "actors/busy_loop.hpp"
#include "actors/connection.hpp"
#include "actors/messages.hpp"
#include "actors/partition.hpp"
#include "actors/pubsub.hpp"
#include "actors/server.hpp"
#include "actors/transaction.hpp"
#include "commands/command_stats.hpp"
#include "config/config.hpp"
#include "protocol/errors.hpp"

namespace actis::actors {

namespace {

std::vector<std::unique_ptr<loop_context>>& contexts() {
  static std::vector<std::unique_ptr<loop_context>> all;
  return all;
}

std::vector<std::unique_ptr<caf::actor_system_config>> configs;
std::vector<std::unique_ptr<caf::actor_system>> systems;

/// A listening socket with SO_REUSEPORT, so every loop accepts on its own
/// socket and the kernel spreads connections across loops. With `probe`,
/// only binds without SO_REUSEPORT (and closes): that fails if any other
/// process serves the port, which SO_REUSEPORT alone would let us share
/// with another actis of the same user.
int open_listener(const std::string& address, uint16_t port, bool probe, std::string& error) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST;
  addrinfo* res = nullptr;
  std::string host = address;
  if (!host.empty() && host[0] == '-') // "-::1": optional address (Redis 7)
    host = host.substr(1);
  if (host == "*") // Redis's wildcards
    host = "0.0.0.0";
  else if (host == "::*")
    host = "::";
  if (getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &res) != 0) {
    error = "Invalid bind address '" + address + "'";
    return -1;
  }
  int fd = socket(res->ai_family, res->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  if (!probe)
    setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
  if (res->ai_family == AF_INET6)
    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
  if (bind(fd, res->ai_addr, res->ai_addrlen) != 0 || (!probe && listen(fd, 511) != 0)) {
    error = "Could not create server TCP listening socket " + address + ":"
            + std::to_string(port) + ": " + std::strerror(errno);
    close(fd);
    freeaddrinfo(res);
    return -1;
  }
  freeaddrinfo(res);
  if (probe)
    close(fd);
  return fd;
}

/// Answers a connection we do not serve with one error line, then closes it.
void reject_connection(caf::io::broker* self, caf::io::connection_handle hdl,
                       std::string_view error) {
  std::string line = "-" + std::string(error) + "\r\n";
  self->write(hdl, line.size(), line.data());
  self->flush(hdl);
  self->close(hdl);
}

bool is_loopback_peer(int fd) {
  sockaddr_storage sa{};
  socklen_t len = sizeof(sa);
  if (getpeername(fd, reinterpret_cast<sockaddr*>(&sa), &len) != 0)
    return false;
  if (sa.ss_family == AF_INET) {
    auto addr = ntohl(reinterpret_cast<sockaddr_in*>(&sa)->sin_addr.s_addr);
    return (addr >> 24) == 127;
  }
  if (sa.ss_family == AF_INET6) {
    auto& a6 = reinterpret_cast<sockaddr_in6*>(&sa)->sin6_addr;
    return IN6_IS_ADDR_LOOPBACK(&a6) || (IN6_IS_ADDR_V4MAPPED(&a6) && a6.s6_addr[12] == 127);
  }
  return true; // unix sockets are local
}

/// Redis's protected mode: without a password only loopback clients are
/// served, so a server started with the defaults is not open to the network.
bool protected_mode_rejects(int fd) {
  auto& cfg = config::registry::instance();
  return cfg.get_one("protected-mode") == "yes" && cfg.get_one("requirepass").empty()
         && !is_loopback_peer(fd);
}

/// Ships the iteration's batches (one message per partition) and routes the
/// replies back to the connections that are still there. Replies for a
/// connection that is gone are dropped: its commands ran all the same.
void send_batches(caf::io::broker* self, loop_context& ctx) {
  auto& srv = server::instance();
  for (uint32_t p = 0; p < ctx.outbox.size(); ++p) {
    if (ctx.outbox[p].batches.empty())
      continue;
    // Only the connection ids are kept for the error path.
    std::vector<uint64_t> conns;
    conns.reserve(ctx.outbox[p].batches.size());
    for (auto& b : ctx.outbox[p].batches)
      conns.push_back(b.conn);
    partition_batch batch;
    batch.batches.swap(ctx.outbox[p].batches);
    auto fail = [&ctx, p, conns = std::move(conns)](const std::string& why) {
      auto error = protocol::err::partition_unavailable(p, why);
      for (auto id : conns)
        if (auto it = ctx.endpoints.find(id); it != ctx.endpoints.end())
          it->second->on_batch_failed(p, error);
    };
    auto id = ctx.watchdog.add(unix_ms(), [fail] { fail("timeout"); });
    self->request(srv.partitions[p].actor, caf::infinite, exec_batch_atom::value,
                  std::move(batch))
        .then(
            [&ctx, id](batch_result& res) {
              if (!ctx.watchdog.answered(id))
                return;
              for (auto& r : res.results)
                if (auto it = ctx.endpoints.find(r.conn); it != ctx.endpoints.end())
                  it->second->on_batch_replies(res.partition, r.replies);
              ctx.sink.flush();
            },
            [&ctx, id, fail](caf::error& err) {
              if (ctx.watchdog.answered(id))
                fail(caf::to_string(err));
            });
  }
}

/// The command clock (commands::stats), in microseconds.
int64_t monotonic_us() {
  return static_cast<int64_t>(commands::stats::now_ns() / 1000);
}

/// Runs waiting transactions under one hold of the union of their
/// partitions, so a loop pays the hold round trip once per round, not once
/// per command. A round is bounded (max_round_commands, round_budget_us) so
/// other loops, queued behind it at the partitions, and this loop's own
/// inline commands get their turn; what it did not take waits for the next
/// round, which asks again after the releases (and so after the loops that
/// queued holds meanwhile). Transactions run one after another, each atomic.
/// The partitions a running round holds, published on its loop context
/// (loop_context::round_held) for as long as the round runs.
class round_scope {
public:
  round_scope(loop_context& ctx, std::vector<commands::partition_data*>& held)
      : ctx_(ctx), held_(held) {
    ctx_.round_held = &held_;
  }
  ~round_scope() {
    end_busy_handoff(ctx_.index, held_);
    ctx_.round_held = nullptr;
  }
  round_scope(const round_scope&) = delete;
  round_scope& operator=(const round_scope&) = delete;

private:
  loop_context& ctx_;
  std::vector<commands::partition_data*>& held_;
};

void start_transaction_round(caf::io::broker* self, loop_context& ctx) {
  if (ctx.round_running || ctx.waiting_txns.empty())
    return;
  ctx.round_running = true;
  auto round = std::make_shared<std::vector<transaction_request>>(take_round(ctx.waiting_txns));
  std::vector<uint32_t> parts;
  for (auto& t : *round)
    parts.insert(parts.end(), t.partitions.begin(), t.partitions.end());
  std::sort(parts.begin(), parts.end());
  parts.erase(std::unique(parts.begin(), parts.end()), parts.end());
  auto& srv = server::instance();
  std::vector<partition_ref> refs;
  for (auto p : parts)
    refs.push_back(partition_ref{p, srv.partitions[p].actor, srv.partitions[p].data.get()});
  auto finish = [self, &ctx] {
    ctx.sink.flush();
    ctx.round_running = false;
    // The releases go out first; the next round (and the bodies' follow-up
    // work) comes after them.
    self->send(self, flush_atom::value);
  };
  hold_and_run(
      self, std::move(refs), srv.partition_count(), ctx.watchdog,
      [&ctx, round, finish](std::vector<commands::partition_data*>& held) {
        {
          round_scope scope(ctx, held);
          run_round(*round, ctx.waiting_txns, held, monotonic_us);
        }
        finish();
      },
      [round, finish](uint32_t partition, const caf::error& err) {
        auto error = protocol::err::partition_unavailable(partition, caf::to_string(err));
        for (auto& t : *round)
          t.failed(error);
        finish();
      });
}

} // namespace

std::vector<transaction_request> take_round(std::deque<transaction_request>& waiting) {
  std::vector<transaction_request> round;
  size_t commands = 0;
  while (!waiting.empty()
         && (round.empty() || commands + waiting.front().commands <= max_round_commands)) {
    commands += waiting.front().commands;
    round.push_back(std::move(waiting.front()));
    waiting.pop_front();
  }
  return round;
}

void run_round(std::vector<transaction_request>& round, std::deque<transaction_request>& waiting,
               std::vector<commands::partition_data*>& held,
               const std::function<int64_t()>& now_us) {
  auto deadline = now_us() + round_budget_us;
  size_t ran = 0;
  while (ran < round.size() && (ran == 0 || now_us() < deadline))
    round[ran++].body(held);
  waiting.insert(waiting.begin(), std::make_move_iterator(round.begin() + ran),
                 std::make_move_iterator(round.end()));
}

namespace {

/// How long a loop waits at the end of an iteration for the fsync of its
/// writes under appendfsync always (aof_runtime::wait_durable): above an
/// fsync on a local SSD, far below a client's patience, and short enough
/// that a failing or slow disk only slows the loop it holds.
constexpr auto durable_wait_limit = std::chrono::microseconds(2000);

/// Sends the replies held for appendfsync always that the durable seq now
/// covers (each connection checks its own marks and asks again if needed).
void release_durable_replies(loop_context& ctx) {
  auto waiting = std::move(ctx.awaiting_durability);
  ctx.awaiting_durability.clear();
  for (auto id : waiting)
    if (auto it = ctx.endpoints.find(id); it != ctx.endpoints.end())
      it->second->write_output();
}

/// Writes the output the iteration's clients deferred (defer_output).
void write_deferred_output(loop_context& ctx) {
  auto clients = std::move(ctx.deferred_output);
  ctx.deferred_output.clear();
  for (auto* client : clients)
    client->write_output();
}

/// Unless replies wait for the records (appendfsync always), a loop ships
/// them at most this often: each batch wakes the scheduler thread that runs
/// the sequencer and the AOF writer, and under everysec a batch per loop
/// iteration cost a wakeup every few commands. Redis's AOF write and
/// replication feed happen once per loop iteration; a millisecond later
/// changes nothing a client can see.
constexpr auto ship_interval = std::chrono::milliseconds(1);

/// Ships the loop's write-stream records, or asks for a write_ship when the
/// last batch went less than ship_interval ago.
void ship_writes(caf::io::broker* self, loop_context& ctx) {
  auto now = std::chrono::steady_clock::now();
  auto next = ctx.last_ship + ship_interval;
  if (ctx.sink.empty() || now >= next) {
    if (ctx.sink.ship() != 0)
      ctx.last_ship = now;
    return;
  }
  if (!ctx.ship_scheduled) {
    ctx.ship_scheduled = true;
    self->delayed_send(self, next - now, write_ship_atom::value);
  }
}

/// Closes clients idle for longer than `timeout` seconds (0: never).
void close_idle_clients(caf::io::broker* self, loop_context& ctx) {
  auto timeout = config::live().timeout.load(std::memory_order_relaxed);
  if (timeout <= 0)
    return;
  auto now = unix_ms();
  std::vector<client_info*> idle;
  for (auto& [id, c] : ctx.clients)
    if (!c->blocked && !c->subscribed() && now - c->last_interaction_ms > timeout * 1000)
      idle.push_back(c);
  for (auto* c : idle) {
    self->send(c->actor, client_kill_atom::value);
    ctx.unregister(c->id);
  }
}

caf::behavior loop_manager(caf::io::broker* self, uint32_t index, std::vector<int> fds) {
  for (auto fd : fds)
    self->add_doorman(fd);
  auto& ctx = loop_context::get(index);
  ctx.manager = self;
  ctx.listeners = fds;
  // This runs on the loop's thread, the one its scripts run on.
  install_busy_service(index);
  self->delayed_send(self, std::chrono::seconds(1), tick_atom::value);
  return {
    [self, index](tick_atom) {
      auto& ctx = loop_context::get(index);
      ctx.watchdog.expire(unix_ms(), std::chrono::duration_cast<std::chrono::milliseconds>(
                                         cross_loop_timeout).count());
      close_idle_clients(self, ctx);
      self->delayed_send(self, std::chrono::seconds(1), tick_atom::value);
    },
    [index](aof_durable_atom, uint64_t) { release_durable_replies(loop_context::get(index)); },
    [self, index](flush_atom) {
      auto& ctx = loop_context::get(index);
      ctx.flush_posted = false;
      // A round may run other loops' partitions here: their keyspace events
      // are published from this thread's registry.
      loop_pubsub(index).bind_thread();
      send_batches(self, ctx);
      start_transaction_round(self, ctx);
      // The held replies' marks are taken here, before the records ship.
      write_deferred_output(ctx);
      if (!aof_runtime::instance().hold_replies.load(std::memory_order_relaxed)) {
        ship_writes(self, ctx);
        return;
      }
      uint64_t shipped = ctx.sink.ship();
      if (shipped != 0 && !ctx.awaiting_durability.empty()
          && aof_runtime::instance().wait_durable(shipped, durable_wait_limit))
        release_durable_replies(ctx);
    },
    [self, index](write_ship_atom) {
      auto& ctx = loop_context::get(index);
      ctx.ship_scheduled = false;
      ctx.last_ship = {};
      ship_writes(self, ctx);
    },
    [self, index](const caf::io::new_connection_msg& msg) {
      accept_connection(self, msg.handle, index);
    },
    [index](client_list_atom, const client_filter& f) {
      std::vector<client_line> out;
      auto now = unix_ms();
      for (auto& [id, c] : loop_context::get(index).clients)
        if (matches(*c, f))
          out.push_back(client_line{id, c->describe(now)});
      return out;
    },
    [self, index](client_kill_atom, const client_filter& f) {
      auto& ctx = loop_context::get(index);
      std::vector<client_info*> victims;
      for (auto& [id, c] : ctx.clients)
        if (matches(*c, f))
          victims.push_back(c);
      // Unlisted at once, so a CLIENT LIST right after no longer shows them.
      for (auto* c : victims) {
        self->send(c->actor, client_kill_atom::value);
        ctx.unregister(c->id);
      }
      return static_cast<uint64_t>(victims.size());
    },
    [index](client_unblock_atom, uint64_t id, bool with_error) {
      auto& clients = loop_context::get(index).clients;
      auto it = clients.find(id);
      return it != clients.end() && it->second->unblock && it->second->unblock(with_error);
    },
    [index](pubsub_atom, const pubsub_message& m) { loop_pubsub(index).deliver(m); },
    [index](pubsub_flush_atom) { loop_pubsub(index).flush(); },
    [](const caf::io::acceptor_closed_msg&) {},
    [](const caf::io::connection_closed_msg&) {},
  };
}

caf::behavior partition_broker(caf::io::broker* self, partition_env env) {
  return partition_behavior(self, env);
}

} // namespace

void accept_connection(caf::io::broker* self, caf::io::connection_handle hdl, uint32_t index) {
  auto& srv = server::instance();
  auto& stats = srv.loops[index]->stats;
  auto maxclients = config::live().maxclients.load(std::memory_order_relaxed);
  if (static_cast<long long>(srv.sum(&loop_stats::connected_clients)) >= maxclients) {
    stats.rejected_connections.fetch_add(1, std::memory_order_relaxed);
    reject_connection(self, hdl, protocol::err::max_clients);
    return;
  }
  if (protected_mode_rejects(static_cast<int>(hdl.id()))) {
    reject_connection(self, hdl, protocol::err::protected_mode_denied);
    return;
  }
  stats.total_connections_received.fetch_add(1, std::memory_order_relaxed);
  int fd = static_cast<int>(hdl.id());
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  // tcp-keepalive: probe idle peers so dead ones are noticed (Redis
  // sets the idle time to the configured seconds).
  if (int idle = static_cast<int>(config::live().tcp_keepalive.load()); idle > 0) {
    setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
    int interval = std::max(1, idle / 3);
    int count = 3;
    setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle));
    setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &interval, sizeof(interval));
    setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &count, sizeof(count));
  }
  start_connection(self, hdl, index);
}

loop_context& loop_context::get(uint32_t i) {
  return *contexts()[i];
}

void loop_context::create(uint32_t loops) {
  contexts().clear();
  for (uint32_t i = 0; i < loops; ++i) {
    contexts().push_back(std::make_unique<loop_context>());
    auto* ctx = contexts().back().get();
    ctx->index = i;
    ctx->sink.defer_to([ctx] { ctx->request_flush(); });
  }
}

void loop_context::register_client(client_info* c) {
  clients.emplace(c->id, c);
  auto& n = server::instance().loops[index]->stats.connected_clients;
  n.store(n.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
}

bool loop_context::unregister(uint64_t id) {
  if (clients.erase(id) == 0)
    return false;
  auto& n = server::instance().loops[index]->stats.connected_clients;
  n.store(n.load(std::memory_order_relaxed) - 1, std::memory_order_relaxed);
  return true;
}

void loop_context::post_batch(uint32_t p, conn_batch batch) {
  if (outbox.empty())
    outbox.resize(server::instance().partition_count());
  outbox[p].batches.push_back(std::move(batch));
  request_flush();
}

void loop_context::post_transaction(transaction_request txn) {
  waiting_txns.push_back(std::move(txn));
  request_flush();
}

bool loop_context::defer_output(batch_client* client) {
  request_flush();
  if (!flush_posted)
    return false;
  deferred_output.push_back(client);
  return true;
}

void loop_context::forget_deferred_output(batch_client* client) {
  std::erase(deferred_output, client);
}

void loop_context::request_flush() {
  // The manager as this thread knows it (none before it started: the next
  // post asks again). server::loops' handle is assigned by the main thread
  // once spawning returned, which the loop's first clients can beat: their
  // flush was lost, and with it every later one of the loop.
  if (flush_posted || manager == nullptr)
    return;
  flush_posted = true;
  caf::anon_send(caf::actor_cast<caf::actor>(manager), flush_atom::value);
}

std::vector<commands::partition_data*>& loop_context::single_partition_view(uint32_t p) {
  auto& srv = server::instance();
  if (views_.empty())
    views_.resize(srv.partition_count());
  auto& v = views_[p];
  if (v.empty()) {
    v.assign(srv.partition_count(), nullptr);
    v[p] = srv.partitions[p].data.get();
  }
  return v;
}

std::string start_loops(const loop_settings& settings) {
  auto& srv = server::instance();
  auto loops = std::max<uint32_t>(1, settings.loops);
  // One partition per loop: a key's partition is also the loop that owns it.
  auto databases = config::live().databases.load();
  srv.partitions = std::vector<partition_slot>(loops);
  for (uint32_t p = 0; p < loops; ++p) {
    srv.partitions[p].data = std::make_unique<commands::partition_data>(p, databases);
    srv.partitions[p].loop = p;
  }
  loop_context::create(loops);
  create_pubsub(loops);
  for (uint32_t p = 0; p < loops; ++p)
    srv.partitions[p].data->observers.events = keyspace_sink(srv.partitions[p].loop);
  if (settings.port == 0)
    return "Configured to not listen anywhere, exiting.";
  std::vector<std::vector<int>> fds(loops);
  std::string error;
  for (auto& addr : settings.bind_addresses) {
    bool optional = !addr.empty() && addr[0] == '-';
    if (open_listener(addr, settings.port, true, error) < 0) {
      if (optional)
        continue; // an optional address that is not available here
      return error;
    }
    for (uint32_t i = 0; i < loops; ++i) {
      int fd = open_listener(addr, settings.port, false, error);
      if (fd < 0)
        return error;
      fds[i].push_back(fd);
    }
  }
  for (uint32_t i = 0; i < loops; ++i) {
    auto cfg = std::make_unique<caf::actor_system_config>();
    cfg->load<caf::io::middleman>();
    add_message_types(*cfg);
    // Loop threads run all request work; the scheduler only runs background
    // actors (write sequencer, later persistence), so keep it small.
    cfg->set("scheduler.max-threads", 1);
    // ... and those get a message at a time from the loops (the write
    // stream): an idle worker waits on its condition variable instead of
    // polling every 50 us, which cost a tenth of the CPU of a write load.
    cfg->set("work-stealing.aggressive-poll-attempts", 16);
    cfg->set("work-stealing.moderate-poll-attempts", 0);
    // One read per ready socket per loop iteration, as Redis: CAF's default
    // (50 consecutive reads) lets a client with a deep pipeline keep the
    // loop for megabytes of commands while other clients wait.
    cfg->set("middleman.max-consecutive-reads", 1);
    cfg->set("logger.file-verbosity", caf::atom("quiet"));
    cfg->set("logger.console-verbosity", caf::atom("quiet"));
    configs.push_back(std::move(cfg));
    systems.push_back(std::make_unique<caf::actor_system>(*configs.back()));
    srv.loops.push_back(std::make_unique<loop_slot>());
  }
  for (uint32_t p = 0; p < loops; ++p) {
    auto& part = srv.partitions[p];
    auto& ctx = loop_context::get(part.loop);
    ctx.partitions.push_back(p);
    partition_env env;
    env.data = part.data.get();
    env.held = &part.held;
    env.partition_count = srv.partition_count();
    env.sink = &ctx.sink;
    env.active_expire = &srv.active_expire_enabled;
    part.actor = systems[part.loop]->middleman().spawn_broker(partition_broker, env);
  }
  if (settings.start_services)
    if (auto err = settings.start_services(*systems[0]); !err.empty())
      return err;
  for (uint32_t i = 0; i < loops; ++i)
    srv.loops[i]->manager = systems[i]->middleman().spawn_broker(loop_manager, i, fds[i]);
  return {};
}

} // namespace actis::actors
