#include "actors/connection.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <deque>
#include <memory>

#include "actors/client_info.hpp"
#include "actors/connection_hooks.hpp"
#include "actors/loop.hpp"
#include "actors/messages.hpp"
#include "actors/partition.hpp"
#include "actors/server.hpp"
#include "commands/command.hpp"
#include "commands/command_stats.hpp"
#include "commands/executor.hpp"
#include "config/config.hpp"
#include "protocol/errors.hpp"
#include "protocol/reply.hpp"
#include "protocol/resp_parser.hpp"

namespace actis::actors {

namespace {

using commands::command_spec;
using commands::exec_scope;
using protocol::command_args;

/// Single-writer counter bump: no locked instruction on the hot path.
inline void bump(std::atomic<uint64_t>& c, uint64_t n = 1) {
  c.store(c.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
}

std::string endpoint_of(int fd, bool peer) {
  sockaddr_storage sa{};
  socklen_t len = sizeof(sa);
  int rc = peer ? getpeername(fd, reinterpret_cast<sockaddr*>(&sa), &len)
                : getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len);
  if (rc != 0)
    return "?:0";
  char host[INET6_ADDRSTRLEN] = "?";
  uint16_t port = 0;
  if (sa.ss_family == AF_INET) {
    auto* in = reinterpret_cast<sockaddr_in*>(&sa);
    inet_ntop(AF_INET, &in->sin_addr, host, sizeof(host));
    port = ntohs(in->sin_port);
  } else if (sa.ss_family == AF_INET6) {
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&sa);
    inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
    port = ntohs(in6->sin6_port);
  }
  return std::string(host) + ":" + std::to_string(port);
}

/// A reply position in request order.
struct reply_slot {
  std::string data;
  bool ready = false;
  bool dropped = false; // CLIENT REPLY OFF/SKIP was in force for its command
};

class connection_state final : public commands::connection_hooks, public batch_client {
public:
  connection_state(caf::io::broker* self, caf::io::connection_handle hdl, uint32_t loop_index)
      : self_(self), hdl_(hdl), loop_(loop_index), srv_(server::instance()),
        loop_slot_(*srv_.loops[loop_index]), local_(loop_context::get(loop_index)),
        outgoing_(srv_.partition_count()), outgoing_slots_(srv_.partition_count()),
        in_flight_slots_(srv_.partition_count()) {
    auto now = unix_ms();
    info_.id = srv_.next_client_id.fetch_add(1);
    info_.fd = static_cast<int>(hdl.id());
    info_.addr = endpoint_of(info_.fd, true);
    info_.laddr = endpoint_of(info_.fd, false);
    info_.created_ms = now;
    info_.last_interaction_ms = now;
    info_.actor = caf::actor_cast<caf::actor>(self);
    info_.authenticated = config::registry::instance().get_one("requirepass").empty();
    local_.register_client(&info_);
    local_.endpoints.emplace(info_.id, this);
  }

  ~connection_state() override {
    forget();
    local_.endpoints.erase(info_.id);
  }

  /// Removes this client from the loop's registry (idempotent).
  void forget() { local_.unregister(info_.id); }

  // -- connection_hooks -------------------------------------------------------

  client_info& client() override { return info_; }
  void close_after_reply() override { close_after_reply_ = true; }

  std::function<void(std::string)> defer() override {
    deferred_ = true;
    auto slot = current_slot_;
    auto weak = weak_from_self();
    return [weak, slot](std::string bytes) {
      if (auto st = weak.lock()) {
        st->complete_slot(slot, std::move(bytes));
        st->resume();
      }
    };
  }

  void list_clients(client_filter f,
                    std::function<void(std::vector<client_line>)> done) override {
    gather<std::vector<client_line>>(client_list_atom::value, std::move(f),
                                     [done](std::vector<std::vector<client_line>>& parts) {
                                       std::vector<client_line> all;
                                       for (auto& p : parts)
                                         all.insert(all.end(), p.begin(), p.end());
                                       done(std::move(all));
                                     });
  }

  void kill_clients(client_filter f, std::function<void(uint64_t)> done) override {
    gather<uint64_t>(client_kill_atom::value, std::move(f),
                     [done](std::vector<uint64_t>& parts) {
                       uint64_t n = 0;
                       for (auto p : parts)
                         n += p;
                       done(n);
                     });
  }

  bool is_local() const override {
    return info_.addr.rfind("127.", 0) == 0 || info_.addr.rfind("::1:", 0) == 0;
  }

  // -- network input ----------------------------------------------------------

  void on_data(const std::vector<char>& buf) {
    if (closing_ || close_after_reply_ || !protocol_error_.empty())
      return;
    bump(loop_slot_.stats.net_input_bytes, buf.size());
    info_.tot_net_in += buf.size();
    now_ms_ = unix_ms();
    info_.last_interaction_ms = now_ms_;
    apply_limits();
    auto status = parse(std::string_view(buf.data(), buf.size()));
    // The parser stops early at a request too big for an unauthenticated
    // client; the AUTH before it may have lifted the caps by now.
    while (status == protocol::parse_status::ok && parser_.has_deferred_input()
           && queue_.empty()) {
      apply_limits();
      status = parse({});
    }
    if (status == protocol::parse_status::protocol_error) {
      // Redis answers the commands before the bad bytes, then the error
      // (process_queue sends it once they have all run).
      protocol_error_ = parser_.error_message();
      process_queue();
    } else if (status == protocol::parse_status::query_buffer_limit) {
      bump(loop_slot_.stats.client_query_buffer_limit_disconnections);
      abort();
      return;
    }
    send_batches();
    write_ready_replies();
  }

  /// Feeds input to the parser and runs what it completed.
  protocol::parse_status parse(std::string_view input) {
    auto status = parser_.feed(input, parsed_);
    for (auto& cmd : parsed_)
      queue_.push_back(std::move(cmd));
    parsed_.clear();
    info_.qbuf = parser_.pending_bytes();
    process_queue();
    return status;
  }

  void on_closed() {
    closing_ = true;
    forget();
    self_->quit();
  }

  /// Asked by the loop (CLIENT KILL): drop the connection once the replies
  /// already owed are written (the killer itself still gets its answer).
  void kill() {
    close_after_reply_ = true;
    write_ready_replies();
  }

  /// Drops the connection now, discarding output not yet sent (output
  /// buffer limit, query buffer limit): with linger 0 the close resets the
  /// connection instead of trickling megabytes to a client that does not
  /// read; the shutdown makes the multiplexer give up its pending writes.
  void abort() {
    output().clear();
    linger drop{1, 0};
    ::setsockopt(info_.fd, SOL_SOCKET, SO_LINGER, &drop, sizeof(drop));
    ::shutdown(info_.fd, SHUT_RDWR);
    close_now();
  }

  std::weak_ptr<connection_state> weak_from_self() { return self_ref_; }
  void set_self_ref(std::weak_ptr<connection_state> w) { self_ref_ = std::move(w); }

private:
  // -- command routing --------------------------------------------------------

  void process_queue() {
    while (!queue_.empty() && !closing_ && !close_after_reply_) {
      if (pending_txns_ > 0 && !can_follow_transaction(queue_.front()))
        break;
      command_args argv = std::move(queue_.front());
      queue_.pop_front();
      route(argv);
    }
    if (queue_.empty() && pending_txns_ == 0 && !protocol_error_.empty() && !close_after_reply_) {
      reply_now([this](protocol::reply_builder& out) { out.error(protocol_error_); });
      close_after_reply_ = true;
    }
  }

  /// While a transaction of this client waits for its round, later keyed
  /// commands join the transaction queue behind it (rounds run in posting
  /// order, so this client's order holds) instead of stalling the whole
  /// pipeline; connection-scope commands wait for it to finish.
  bool can_follow_transaction(const command_args& argv) const {
    std::string ignored;
    auto* spec = commands::table().resolve(argv, ignored);
    return spec == nullptr || spec->scope != exec_scope::connection;
  }

  void route(command_args& argv) {
    ++info_.tot_cmds;
    std::string error;
    const command_spec* spec = commands::table().resolve(argv, error);
    if (spec != nullptr && !info_.authenticated && (spec->flags & commands::f_no_auth) == 0) {
      spec = nullptr;
      error = protocol::err::no_auth;
    }
    if (spec == nullptr) {
      commands::stats::rejected(commands::table().lookup(argv));
      reply_now([&](protocol::reply_builder& out) { out.error(error); });
      return;
    }
    info_.last_cmd = spec->name;
    switch (spec->scope) {
      case exec_scope::connection:
        run_at_connection(*spec, argv);
        return;
      case exec_scope::all_partitions: {
        std::vector<uint32_t> all(srv_.partition_count());
        for (uint32_t i = 0; i < all.size(); ++i)
          all[i] = i;
        start_transaction(*spec, argv, std::move(all));
        return;
      }
      case exec_scope::keys:
        break;
    }
    key_positions_.clear();
    commands::table().key_positions(*spec, argv, key_positions_);
    auto n = srv_.partition_count();
    uint32_t first = key_positions_.empty()
                         ? local_.partitions.front()
                         : commands::keyspace::partition_of(argv[key_positions_[0]], n);
    bool single = true;
    for (size_t i = 1; i < key_positions_.size() && single; ++i)
      single = commands::keyspace::partition_of(argv[key_positions_[i]], n) == first;
    if (!single || pending_txns_ > 0) {
      std::vector<uint32_t> parts{first};
      for (auto pos : key_positions_)
        parts.push_back(commands::keyspace::partition_of(argv[pos], n));
      std::sort(parts.begin(), parts.end());
      parts.erase(std::unique(parts.begin(), parts.end()), parts.end());
      start_transaction(*spec, argv, std::move(parts));
      return;
    }
    auto& target = srv_.partitions[first];
    if (target.loop == loop_ && !target.held && in_flight_slots_[first].empty()
        && outgoing_[first].items.empty()) {
      run_inline(*spec, argv, first);
      return;
    }
    outgoing_slots_[first].push_back(new_slot());
    outgoing_[first].items.push_back(batch_item{info_.db, info_.resp, std::move(argv)});
  }

  void run_inline(const command_spec& spec, const command_args& argv, uint32_t partition) {
    auto& parts = local_.single_partition_view(partition);
    commands::keyspace ks(parts, srv_.partition_count(), &local_.sink, now_ms_);
    reply_now([&](protocol::reply_builder& out) {
      commands::execute(spec, argv, out, &ks, info_.db, nullptr);
    });
  }

  void run_at_connection(const command_spec& spec, const command_args& argv) {
    bool skipped = take_skip();
    auto slot = new_slot();
    current_slot_ = slot;
    deferred_ = false;
    std::string bytes;
    protocol::reply_builder out(bytes, info_.resp);
    commands::execute(spec, argv, out, nullptr, info_.db, this);
    // As Redis: CLIENT REPLY ON answers even though OFF was in force when it
    // started; OFF and SKIP themselves stay silent.
    slots_[slot - first_slot_].dropped = skipped || info_.replies == reply_mode::off;
    if (!deferred_)
      complete_slot(slot, std::move(bytes));
  }

  // -- cross-partition transactions ---------------------------------------------

  void start_transaction(const command_spec& spec, command_args& argv,
                         std::vector<uint32_t> partitions) {
    // Batches queued so far go out in the same loop flush, before the
    // transaction's holds, so this client's earlier commands run first.
    send_batches();
    ++pending_txns_;
    auto slot = new_slot();
    auto weak = weak_from_self();
    local_.post_transaction(transaction_request{
        std::move(partitions),
        [weak, &spec, argv = std::move(argv), slot, db = info_.db,
         resp = info_.resp](std::vector<commands::partition_data*>& parts) {
          if (auto st = weak.lock())
            st->run_transaction(spec, argv, slot, db, resp, parts);
        }});
  }

  void run_transaction(const command_spec& spec, const command_args& argv, uint64_t slot,
                       int db, int resp, std::vector<commands::partition_data*>& parts) {
    commands::keyspace ks(parts, srv_.partition_count(), &local_.sink, unix_ms());
    current_slot_ = slot;
    deferred_ = false;
    std::string bytes;
    protocol::reply_builder out(bytes, resp);
    commands::execute(spec, argv, out, &ks, db, this);
    local_.sink.flush();
    if (!deferred_)
      complete_slot(slot, std::move(bytes));
    --pending_txns_;
    // This runs inside the loop's transaction round: write the replies and
    // continue with the next commands only after the round has released its
    // partitions (once per round, however many of ours it ran).
    if (!resume_posted_) {
      resume_posted_ = true;
      self_->send(caf::actor_cast<caf::actor>(self_), resume_atom::value);
    }
  }

public:
  /// Continues with the commands that waited for a transaction.
  void resume() {
    resume_posted_ = false;
    now_ms_ = unix_ms();
    process_queue();
    send_batches();
    write_ready_replies();
  }

private:

  // -- batches to foreign partitions --------------------------------------------

  void send_batches() {
    for (uint32_t p = 0; p < outgoing_.size(); ++p) {
      if (outgoing_[p].items.empty())
        continue;
      in_flight_slots_[p].emplace_back();
      in_flight_slots_[p].back().swap(outgoing_slots_[p]);
      conn_batch batch{info_.id, {}};
      batch.items.swap(outgoing_[p].items);
      local_.post_batch(p, std::move(batch));
    }
    local_.sink.flush();
  }

public:
  void on_batch_replies(uint32_t partition, std::vector<std::string>& replies) override {
    auto slots = std::move(in_flight_slots_[partition].front());
    in_flight_slots_[partition].pop_front();
    for (size_t i = 0; i < slots.size(); ++i)
      complete_slot(slots[i], std::move(replies[i]));
    resume();
  }

private:
  // -- replies in order ---------------------------------------------------------

  /// A slot for the next reply; its fate under CLIENT REPLY is decided when
  /// the command starts (only connection-scope commands can change the mode,
  /// and run_at_connection re-decides after they ran).
  uint64_t new_slot() {
    slots_.emplace_back();
    slots_.back().dropped = take_skip() || info_.replies == reply_mode::off;
    return next_slot_++;
  }

  /// Consumes a pending CLIENT REPLY SKIP: true if this command's reply is
  /// the one to skip.
  bool take_skip() {
    if (info_.replies != reply_mode::skip)
      return false;
    info_.replies = reply_mode::on;
    return true;
  }

  void complete_slot(uint64_t slot, std::string bytes) {
    auto& s = slots_[slot - first_slot_];
    s.data = std::move(bytes);
    s.ready = true;
  }

  /// Runs `fill` to produce a reply that is ready now; takes the direct path
  /// to the output buffer when nothing is waiting before it.
  template <class F>
  void reply_now(F fill) {
    if (slots_.empty() && info_.replies == reply_mode::on) {
      scratch_.clear();
      protocol::reply_builder out(scratch_, info_.resp);
      fill(out);
      auto& wr = output();
      wr.insert(wr.end(), scratch_.begin(), scratch_.end());
      return;
    }
    auto slot = new_slot();
    std::string bytes;
    protocol::reply_builder out(bytes, info_.resp);
    fill(out);
    complete_slot(slot, std::move(bytes));
  }

  void write_ready_replies() {
    while (!slots_.empty() && slots_.front().ready) {
      if (!slots_.front().dropped) {
        auto& data = slots_.front().data;
        auto& wr = output();
        wr.insert(wr.end(), data.begin(), data.end());
      }
      slots_.pop_front();
      ++first_slot_;
    }
    flush_output();
    if (over_output_limit()) {
      bump(loop_slot_.stats.client_output_buffer_limit_disconnections);
      abort();
      return;
    }
    if (close_after_reply_ && slots_.empty() && pending_txns_ == 0 && !multiplexer_writing_)
      close_now();
  }

  /// The socket's output buffer. The multiplexer finds it by a hash lookup
  /// per call; the buffer lives as long as the connection, so look it up once.
  std::vector<char>& output() {
    if (output_ == nullptr)
      output_ = &self_->wr_buf(hdl_);
    return *output_;
  }

  /// Writes pending output. While the multiplexer has nothing queued for this
  /// socket we write it ourselves, like Redis before it sleeps: one send()
  /// instead of registering for write readiness and waiting another epoll
  /// round. Only a partial write hands the rest to the multiplexer, which
  /// then owns the output (and reports progress) until it has drained.
  void flush_output() {
    auto& wr = output();
    if (wr.empty())
      return;
    bump(loop_slot_.stats.net_output_bytes, wr.size());
    info_.tot_net_out += wr.size();
    if (!multiplexer_writing_) {
      auto n = ::send(info_.fd, wr.data(), wr.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n == static_cast<ssize_t>(wr.size())) {
        wr.clear();
        return;
      }
      if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
        wr.clear(); // the peer is gone; the read side reports the close
        return;
      }
      if (n > 0)
        wr.erase(wr.begin(), wr.begin() + n);
      multiplexer_writing_ = true;
      self_->ack_writes(hdl_, true);
    }
    info_.obuf = wr.size() + multiplexer_pending_;
    self_->flush(hdl_);
  }

public:
  /// Progress report of the multiplexer while it owns our output.
  void on_transferred(uint64_t remaining) {
    multiplexer_pending_ = remaining;
    info_.obuf = remaining;
    if (remaining == 0) {
      multiplexer_writing_ = false;
      self_->ack_writes(hdl_, false);
      if (close_after_reply_ && slots_.empty() && pending_txns_ == 0)
        close_now();
    }
  }

private:
  /// client-output-buffer-limit (normal class): bytes we could not hand to
  /// the kernel yet, against the hard limit and the soft limit held for its
  /// number of seconds.
  bool over_output_limit() {
    auto& live = config::live();
    auto hard = live.obuf_normal_hard.load(std::memory_order_relaxed);
    auto soft = live.obuf_normal_soft.load(std::memory_order_relaxed);
    auto pending = static_cast<long long>(info_.obuf);
    if (hard > 0 && pending >= hard)
      return true;
    if (soft > 0 && pending >= soft) {
      auto now = unix_ms();
      if (soft_limit_since_ == 0)
        soft_limit_since_ = now;
      auto secs = live.obuf_normal_soft_secs.load(std::memory_order_relaxed);
      return now - soft_limit_since_ >= secs * 1000;
    }
    soft_limit_since_ = 0;
    return false;
  }

  void apply_limits() {
    auto& live = config::live();
    // Before AUTH, Redis caps request sizes so an unauthenticated client
    // cannot make the server buffer much.
    parser_.set_auth_required(!info_.authenticated);
    protocol::parser_limits lim;
    lim.proto_max_bulk_len = static_cast<size_t>(live.proto_max_bulk_len.load(std::memory_order_relaxed));
    lim.query_buffer_limit =
        static_cast<size_t>(live.client_query_buffer_limit.load(std::memory_order_relaxed));
    parser_.set_limits(lim);
  }

  void close_now() {
    if (closing_)
      return;
    closing_ = true;
    forget();
    self_->close(hdl_);
    self_->quit();
  }

  // -- fan-out to every loop ----------------------------------------------------

  template <class T, class Done>
  void gather(caf::atom_value atom, client_filter f, Done done) {
    struct acc {
      std::vector<T> parts;
      size_t left;
    };
    auto a = std::make_shared<acc>();
    a->left = srv_.loops.size();
    for (auto& loop : srv_.loops) {
      self_->request(loop->manager, caf::infinite, atom, f)
          .then([a, done](T& part) {
            a->parts.push_back(std::move(part));
            if (--a->left == 0)
              done(a->parts);
          });
    }
  }

  caf::io::broker* self_;
  caf::io::connection_handle hdl_;
  uint32_t loop_;
  server& srv_;
  loop_slot& loop_slot_;
  loop_context& local_;
  std::weak_ptr<connection_state> self_ref_;
  client_info info_;
  bool closing_ = false;
  bool close_after_reply_ = false;
  /// Set when the input broke the protocol: replied and closed after the
  /// commands received before it.
  std::string protocol_error_;

  protocol::request_parser parser_;
  std::vector<command_args> parsed_;
  std::deque<command_args> queue_;
  std::vector<size_t> key_positions_;
  std::string scratch_;

  /// Commands of this read for each partition, and their reply slots.
  std::vector<conn_batch> outgoing_;
  std::vector<std::vector<uint64_t>> outgoing_slots_;
  /// Reply slots of batches posted and not yet answered, per partition.
  std::vector<std::deque<std::vector<uint64_t>>> in_flight_slots_;
  /// Transactions posted to the loop and not yet run.
  uint32_t pending_txns_ = 0;
  bool resume_posted_ = false;

  std::deque<reply_slot> slots_;
  uint64_t first_slot_ = 0;
  uint64_t next_slot_ = 0;
  uint64_t current_slot_ = 0;
  bool deferred_ = false;
  int64_t soft_limit_since_ = 0;
  /// Clock snapshot of the current read: commands of one read run "at the
  /// same time", one clock read per read instead of per command.
  int64_t now_ms_ = 0;
  std::vector<char>* output_ = nullptr;
  bool multiplexer_writing_ = false;
  uint64_t multiplexer_pending_ = 0;
};

} // namespace

caf::behavior connection_actor(caf::io::broker* self, caf::io::connection_handle hdl,
                               uint32_t loop_index) {
  auto st = std::make_shared<connection_state>(self, hdl, loop_index);
  st->set_self_ref(st);
  // Redis's read size (PROTO_IOBUF_LEN): the multiplexer clears the unused
  // part of its read buffer after every read, so bigger costs memset time.
  self->configure_read(hdl, caf::io::receive_policy::at_most(16 * 1024));
  return {
    [st](const caf::io::new_data_msg& msg) { st->on_data(msg.buf); },
    [st](const caf::io::connection_closed_msg&) { st->on_closed(); },
    [st](client_kill_atom) { st->kill(); },
    [st](resume_atom) { st->resume(); },
    [st](const caf::io::data_transferred_msg& msg) { st->on_transferred(msg.remaining); },
  };
}

} // namespace actis::actors
