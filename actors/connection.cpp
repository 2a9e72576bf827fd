#include "actors/connection.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <deque>
#include <memory>

#include "actors/aof_service.hpp"
#include "actors/client_info.hpp"
#include "actors/client_pipeline.hpp"
#include "actors/connection_hooks.hpp"
#include "actors/fan_out.hpp"
#include "actors/loop.hpp"
#include "actors/messages.hpp"
#include "actors/partition.hpp"
#include "actors/pubsub.hpp"
#include "actors/reply_queue.hpp"
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

using protocol::command_args;

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

/// Output that is sent even while more replies are on their way.
constexpr size_t eager_flush_bytes = 16 * 1024;

/// Read sizes. After every read the multiplexer zero-fills its read buffer
/// back to the read size (CAF's stream), so a client sending small
/// commands reads into a small buffer; one whose read filled the buffer
/// gets a bigger one, up to Redis's PROTO_IOBUF_LEN.
constexpr size_t small_read_bytes = 1024;
constexpr size_t large_read_bytes = 16 * 1024;
constexpr int small_reads_to_shrink = 16;

/// One client connection: the socket, the parser and its limits, the
/// output, and the connection-scope services. What runs when is the
/// pipeline's job; where replies go, the reply queue's.
class connection_state final : public commands::connection_hooks,
                               public batch_client,
                               public client_pipeline::host,
                               public pubsub_subscriber {
public:
  connection_state(caf::io::broker* self, caf::io::connection_handle hdl, uint32_t loop_index)
      : self_(self), hdl_(hdl), srv_(server::instance()), loop_slot_(*srv_.loops[loop_index]),
        local_(loop_context::get(loop_index)), replies_(info_),
        pubsub_(loop_pubsub(loop_index)), subscriptions_(info_, pubsub_, *this) {
    auto now = unix_ms();
    info_.id = srv_.next_client_id.fetch_add(1);
    info_.fd = static_cast<int>(hdl.id());
    info_.addr = endpoint_of(info_.fd, true);
    info_.laddr = endpoint_of(info_.fd, false);
    info_.loopback = info_.addr.rfind("127.", 0) == 0 || info_.addr.rfind("::1:", 0) == 0;
    info_.created_ms = now;
    info_.last_interaction_ms = now;
    info_.actor = caf::actor_cast<caf::actor>(self);
    info_.authenticated = config::registry::instance().get_one("requirepass").empty();
    info_.pubsub = &subscriptions_;
    pubsub_.bind_thread();
    local_.register_client(&info_);
    local_.endpoints.emplace(info_.id, this);
  }

  ~connection_state() override {
    forget();
    local_.endpoints.erase(info_.id);
    if (output_deferred_)
      local_.forget_deferred_output(this);
  }

  void start(std::shared_ptr<connection_state> self_ref) {
    self_ref_ = self_ref;
    pipeline_ = std::make_shared<client_pipeline>(*this, info_, replies_, local_, self_);
    info_.unblock = [this](bool with_error) { return pipeline_->unblock(with_error); };
  }

  client_pipeline& pipeline() { return *pipeline_; }

  /// Removes this client from the loop's registry and drops its
  /// subscriptions (idempotent).
  void forget() {
    local_.unregister(info_.id);
    subscriptions_.unsubscribe_all();
    pubsub_.forget(this);
  }

  // -- connection_hooks -------------------------------------------------------

  client_info& client() override { return info_; }

  void close_after_reply() override {
    close_after_reply_ = true;
    pipeline_->discard_unstarted();
  }

  std::function<void(std::string)> defer() override {
    deferred_ = true;
    auto slot = current_slot_;
    auto weak = self_ref_;
    // Inside EXEC the pipeline does not wait for this reply: it only fills
    // its place among EXEC's replies.
    bool in_exec = in_exec_;
    return [weak, slot, in_exec](std::string bytes) {
      if (auto st = weak.lock()) {
        st->replies_.fill(slot, std::move(bytes));
        if (in_exec)
          st->write_ready_replies();
        else
          st->pipeline_->connection_command_done();
      }
    };
  }

  void discard_transaction() override { pipeline_->discard_transaction(); }
  void unwatch() override { pipeline_->unwatch(); }

  void list_clients(client_filter f,
                    std::function<void(std::vector<client_line>)> done) override {
    // The caller describes itself as it is now: inside EXEC it is still in
    // MULTI (flag x, the queued count), as Redis shows it, though its
    // loop's answer comes after the EXEC.
    std::string own = matches(info_, f) ? info_.describe(unix_ms()) : std::string();
    ask_all<std::vector<client_line>>(
        self_, srv_.manager_actors(),
        [done, id = info_.id, own = std::move(own)](std::vector<std::vector<client_line>>& parts,
                                                    const fan_out_failure&) {
          std::vector<client_line> all;
          for (auto& p : parts)
            all.insert(all.end(), p.begin(), p.end());
          if (!own.empty())
            for (auto& line : all)
              if (line.id == id)
                line.text = own;
          done(std::move(all));
        },
        client_list_atom::value, f);
  }

  void kill_clients(client_filter f, std::function<void(uint64_t)> done) override {
    ask_all<uint64_t>(
        self_, srv_.manager_actors(),
        [done](std::vector<uint64_t>& parts, const fan_out_failure&) {
          uint64_t n = 0;
          for (auto p : parts)
            n += p;
          done(n);
        },
        client_kill_atom::value, f);
  }

  void unblock_client(uint64_t id, bool with_error, std::function<void(bool)> done) override {
    ask_all<bool>(
        self_, srv_.manager_actors(),
        [done](std::vector<bool>& parts, const fan_out_failure&) {
          done(std::find(parts.begin(), parts.end(), true) != parts.end());
        },
        client_unblock_atom::value, id, with_error);
  }

  void reset_partition_stats(std::function<void()> done) override {
    ask_all<bool>(self_, srv_.partition_actors(),
                  [done](std::vector<bool>&, const fan_out_failure&) { done(); },
                  reset_stats_atom::value);
  }

  void persist(persist_op op, std::function<void(std::string)> done) override {
    self_->request(srv_.persistence, caf::infinite, persist_atom::value, static_cast<int32_t>(op))
        .then([done](std::string& reply) { done(std::move(reply)); },
              [done](caf::error& err) { done("-ERR " + caf::to_string(err) + "\r\n"); });
  }

  bool is_local() const override { return info_.loopback; }

  // -- client_pipeline::host --------------------------------------------------

  bool run_at_connection(const commands::command_spec& spec, const command_args& argv,
                         uint64_t slot) override {
    current_slot_ = slot;
    deferred_ = false;
    std::string bytes;
    protocol::reply_builder out(bytes, info_.resp);
    running_command_ = true;
    commands::execute(spec, argv, out, nullptr, info_.db, this);
    running_command_ = false;
    if (deferred_)
      return false;
    replies_.fill(slot, std::move(bytes));
    return true;
  }

  void run_in_exec(const commands::command_spec& spec, const command_args& argv,
                   uint64_t slot) override {
    // A deferred reply (CLIENT LIST …) fills its slot when it comes.
    in_exec_ = true;
    run_at_connection(spec, argv, slot);
    in_exec_ = false;
  }

  void on_progress() override { write_ready_replies(); }

  std::vector<char>& output() override {
    if (closing_) {
      discarded_.clear();
      return discarded_;
    }
    return output_;
  }

  // -- pubsub_subscriber -------------------------------------------------------

  void push_message(std::string_view frame) override {
    if (closing_ || over_pubsub_hard_limit_)
      return;
    std::string_view bytes = frame;
    if (info_.resp >= 3) {
      push_scratch_.assign(frame);
      push_scratch_[0] = '>';
      bytes = push_scratch_;
    }
    // Ahead of the reply of the command that published it, or of a parked
    // blocking command (Redis delivers to blocked RESP3 clients); inside
    // EXEC the running command's slot is part of EXEC's reply, so the
    // message goes after all of it.
    const uint64_t* ahead_of = pipeline_->parked_slot();
    if (running_command_ && !in_exec_)
      ahead_of = &current_slot_;
    replies_.push(bytes, output(), ahead_of);
    info_.obuf += bytes.size();
    // Past the hard limit nothing more is buffered: the client is dropped
    // when this iteration's messages are flushed.
    auto hard = config::live().obuf_pubsub_hard.load(std::memory_order_relaxed);
    if (hard > 0 && static_cast<long long>(info_.obuf) >= hard)
      over_pubsub_hard_limit_ = true;
  }

  void flush_messages() override { write_ready_replies(); }

  // -- batch_client -----------------------------------------------------------

  void on_batch_replies(uint32_t partition, std::vector<std::string>& replies) override {
    pipeline_->batch_replies(partition, replies);
  }

  void on_batch_failed(uint32_t partition, const std::string& error) override {
    pipeline_->batch_failed(partition, error);
  }

  void write_output() override {
    output_deferred_ = false;
    flush_output();
    close_if_done();
  }

  int busy_socket() override {
    // Messages first (a CLIENT KILL, say): a blocked inbox has none.
    auto& mailbox = self_->mailbox();
    if (closing_ || close_after_reply_ || !protocol_error_.empty() || peer_gone_
        || multiplexer_writing_ || !pipeline_->idle() || !(mailbox.blocked() || mailbox.empty()))
      return -1;
    return info_.fd;
  }

  void busy_read() override {
    // What the multiplexer would read; read here, it is not there when the
    // multiplexer next looks (its polling is level-triggered).
    static thread_local std::vector<char> buf;
    buf.resize(large_read_bytes);
    auto n = ::recv(info_.fd, buf.data(), buf.size(), MSG_DONTWAIT);
    if (n <= 0) {
      // The multiplexer reports the close once it runs again.
      if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
        peer_gone_ = true;
      return;
    }
    buf.resize(static_cast<size_t>(n));
    serving_busy_ = true;
    on_data(buf);
    serving_busy_ = false;
  }

  // -- network input ----------------------------------------------------------

  void on_data(const std::vector<char>& buf) {
    if (closing_ || close_after_reply_ || !protocol_error_.empty())
      return;
    bump(loop_slot_.stats.net_input_bytes, buf.size());
    info_.tot_net_in += buf.size();
    adapt_read_size(buf.size());
    info_.last_interaction_ms = unix_ms();
    apply_limits();
    auto status = parse(std::string_view(buf.data(), buf.size()));
    // The parser stops early at a request too big for an unauthenticated
    // client; the AUTH before it may have lifted the caps once it ran.
    while (status == protocol::parse_status::ok && parser_.has_deferred_input()
           && pipeline_->idle()) {
      apply_limits();
      status = parse({});
    }
    if (status == protocol::parse_status::protocol_error) {
      // Redis answers the commands before the bad bytes, then the error
      // (write_ready_replies sends it once they have all run).
      protocol_error_ = parser_.error_message();
    } else if (status == protocol::parse_status::query_buffer_limit) {
      bump(loop_slot_.stats.client_query_buffer_limit_disconnections);
      abort();
      return;
    }
    write_ready_replies();
  }

  /// Grows the read size when a read filled it, shrinks it after a run of
  /// small reads (a big value's last bytes are one small read).
  void adapt_read_size(size_t got) {
    size_t next = read_size_;
    small_reads_ = got <= small_read_bytes / 2 ? small_reads_ + 1 : 0;
    if (got >= read_size_)
      next = std::min(read_size_ * 4, large_read_bytes);
    else if (small_reads_ >= small_reads_to_shrink)
      next = small_read_bytes;
    if (next != read_size_) {
      read_size_ = next;
      self_->configure_read(hdl_, caf::io::receive_policy::at_most(next));
    }
  }

  /// Feeds input to the parser and runs what may run now.
  protocol::parse_status parse(std::string_view input) {
    auto status = parser_.feed(input, parsed_);
    for (auto& cmd : parsed_)
      pipeline_->push(std::move(cmd));
    parsed_.clear();
    pipeline_->run();
    // Commands read but not started count as query buffer, as in Redis
    // (where they are unparsed bytes): a client that pipelines faster than
    // its commands can run is bounded by client-query-buffer-limit.
    info_.qbuf = parser_.pending_bytes() + pipeline_->queued_bytes();
    auto limit = config::live().client_query_buffer_limit.load(std::memory_order_relaxed);
    if (status == protocol::parse_status::ok && limit > 0
        && info_.qbuf > static_cast<uint64_t>(limit))
      return protocol::parse_status::query_buffer_limit;
    return status;
  }

  /// The peer closed: every complete command already read still runs (the
  /// pipeline keeps going, replies are dropped); the actor quits once the
  /// pipeline is idle.
  void on_closed() {
    closing_ = true;
    forget();
    pipeline_->abandon();
    quit_when_idle();
  }

  /// Asked by the loop (CLIENT KILL, timeout): as Redis, commands not
  /// started yet are dropped; the replies already owed are written (the
  /// killer itself still gets its answer), then the connection closes.
  void kill() {
    close_after_reply_ = true;
    pipeline_->discard_unstarted();
    pipeline_->abandon();
    write_ready_replies();
  }

  /// Continues after a transaction round that ran this client's unit.
  void resume() {
    pipeline_->run();
    write_ready_replies();
  }

  /// Drops the connection now, discarding output not yet sent (output
  /// buffer limit, query buffer limit): with linger 0 the close resets the
  /// connection instead of trickling megabytes to a client that does not
  /// read; the shutdown makes the multiplexer give up its pending writes.
  /// Commands already started finish; the unstarted ones are dropped.
  void abort() {
    output().clear();
    linger drop{1, 0};
    ::setsockopt(info_.fd, SOL_SOCKET, SO_LINGER, &drop, sizeof(drop));
    ::shutdown(info_.fd, SHUT_RDWR);
    pipeline_->discard_unstarted();
    close_now();
  }

  /// Progress report of the multiplexer while it owns our output: `written`
  /// more bytes went out. The multiplexer owns the output until every byte
  /// handed to it is reported written; its own "remaining" figure cannot
  /// tell, since a report may be older than the last hand-over, and writing
  /// directly before then would put newer replies ahead of older ones.
  void on_transferred(uint64_t written) {
    multiplexer_pending_ -= std::min(written, multiplexer_pending_);
    info_.obuf = multiplexer_pending_ + output().size();
    if (multiplexer_pending_ == 0) {
      multiplexer_writing_ = false;
      self_->ack_writes(hdl_, false);
      close_if_done();
    }
  }

private:
  // -- replies in order ---------------------------------------------------------

  void write_ready_replies() {
    if (closing_) {
      quit_when_idle();
      return;
    }
    if (!protocol_error_.empty() && pipeline_->idle() && !close_after_reply_) {
      std::string bytes;
      protocol::reply_builder out(bytes, info_.resp);
      out.error(protocol_error_);
      replies_.ready_now(bytes, output());
      close_after_reply_ = true;
    }
    replies_.drain_into(output());
    // The limit applies to what piled up before it is written, as Redis
    // checks a client's buffer while replies are added to it.
    info_.obuf = output().size() + multiplexer_pending_;
    if (over_output_limit()) {
      bump(loop_slot_.stats.client_output_buffer_limit_disconnections);
      abort();
      return;
    }
    // Like Redis, which writes clients' replies before its loop sleeps: the
    // loop writes them once this iteration's sockets have all been read, so
    // the sends come in one burst after the commands (waking each client's
    // thread costs less then: measured 16.3 -> 14.3 us of server CPU per
    // MULTI/EXEC group without pipelining). While this client's commands
    // still run on partitions, their replies follow within an iteration or
    // two and go out together in one send() (at two loops a pipeline
    // otherwise took one send per partition switch). A large output, the
    // last output before a close, and replies from inside a busy script
    // (the loop is held) go out at once.
    if (output().size() >= eager_flush_bytes || close_after_reply_ || serving_busy_) {
      flush_output();
    } else if (!pipeline_->waiting_for_partitions() && !output_deferred_ && !output().empty()) {
      output_deferred_ = local_.defer_output(this);
      if (!output_deferred_)
        flush_output();
    }
    info_.qbuf = parser_.pending_bytes() + pipeline_->queued_bytes();
    close_if_done();
  }

  void close_if_done() {
    if (close_after_reply_ && !replies_.pending() && pipeline_->idle() && !multiplexer_writing_
        && held_marks_.empty())
      close_now();
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
    size_t n = wr.size();
    if (aof_runtime::instance().hold_replies.load(std::memory_order_relaxed) && !closing_) {
      n = durable_prefix(wr.size());
      if (n == 0)
        return;
    } else {
      held_marks_.clear(); // the policy no longer holds replies
    }
    bump(loop_slot_.stats.net_output_bytes, n);
    info_.tot_net_out += n;
    if (!multiplexer_writing_) {
      auto sent = ::send(info_.fd, wr.data(), n, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (sent == static_cast<ssize_t>(n)) {
        wr.erase(wr.begin(), wr.begin() + static_cast<long>(n));
        return;
      }
      if (sent < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
        wr.clear(); // the peer is gone; the read side reports the close
        held_marks_.clear();
        return;
      }
      if (sent > 0) {
        wr.erase(wr.begin(), wr.begin() + sent);
        n -= static_cast<size_t>(sent);
      }
      multiplexer_writing_ = true;
      self_->ack_writes(hdl_, true);
    }
    auto& mpx = self_->wr_buf(hdl_);
    mpx.insert(mpx.end(), wr.begin(), wr.begin() + static_cast<long>(n));
    multiplexer_pending_ += n;
    wr.erase(wr.begin(), wr.begin() + static_cast<long>(n));
    info_.obuf = multiplexer_pending_ + wr.size();
    self_->flush(hdl_);
  }

  /// appendfsync always: how much of the `size` bytes of output may go out.
  /// Each stretch of output is marked with the last write number at the
  /// time it became ready, which covers every change its replies report
  /// (changes are numbered before their replies exist); it is released once
  /// the AOF writer announced that number durable.
  size_t durable_prefix(size_t size) {
    if (held_marks_.empty() || held_marks_.back().first < size)
      held_marks_.emplace_back(size, last_write_seq());
    uint64_t durable = aof_runtime::instance().durable_seq.load(std::memory_order_acquire);
    size_t ready = 0;
    while (!held_marks_.empty() && held_marks_.front().second <= durable) {
      ready = held_marks_.front().first;
      held_marks_.pop_front();
    }
    for (auto& mark : held_marks_)
      mark.first -= ready;
    if (!held_marks_.empty())
      local_.awaiting_durability.insert(info_.id);
    return ready;
  }

  /// client-output-buffer-limit (the pubsub class while subscribed, else
  /// normal): bytes we could not hand to the kernel yet, against the hard
  /// limit and the soft limit held for its number of seconds.
  bool over_output_limit() {
    auto& live = config::live();
    bool pubsub = info_.subscribed();
    if (pubsub && over_pubsub_hard_limit_)
      return true;
    auto& hard_limit = pubsub ? live.obuf_pubsub_hard : live.obuf_normal_hard;
    auto& soft_limit = pubsub ? live.obuf_pubsub_soft : live.obuf_normal_soft;
    auto hard = hard_limit.load(std::memory_order_relaxed);
    auto soft = soft_limit.load(std::memory_order_relaxed);
    auto pending = static_cast<long long>(info_.obuf);
    if (hard > 0 && pending >= hard)
      return true;
    if (soft > 0 && pending >= soft) {
      auto now = unix_ms();
      if (soft_limit_since_ == 0)
        soft_limit_since_ = now;
      auto secs = (pubsub ? live.obuf_pubsub_soft_secs : live.obuf_normal_soft_secs)
                      .load(std::memory_order_relaxed);
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

  /// Closes the socket; the actor stays until the commands it started have
  /// run (their units carry the commands; the replies are dropped).
  void close_now() {
    if (closing_)
      return;
    closing_ = true;
    forget();
    self_->close(hdl_);
    pipeline_->abandon();
    quit_when_idle();
  }

  void quit_when_idle() {
    if (!pipeline_->idle())
      return;
    // Served from inside a busy script (another actor's handler): the
    // broker quits when it next runs.
    if (serving_busy_)
      self_->send(self_, resume_atom::value);
    else
      self_->quit();
  }

  caf::io::broker* self_;
  caf::io::connection_handle hdl_;
  server& srv_;
  loop_slot& loop_slot_;
  loop_context& local_;
  std::weak_ptr<connection_state> self_ref_;
  client_info info_;
  reply_queue replies_;
  pubsub_registry& pubsub_;
  pubsub_subscriptions subscriptions_;
  /// A connection command is running (its pushes precede its reply).
  bool running_command_ = false;
  /// Set once pushed messages reached the pubsub hard limit.
  bool over_pubsub_hard_limit_ = false;
  std::string push_scratch_;
  std::shared_ptr<client_pipeline> pipeline_;
  bool closing_ = false;
  bool close_after_reply_ = false;
  /// Set when the input broke the protocol: replied and closed after the
  /// commands received before it.
  std::string protocol_error_;

  protocol::request_parser parser_;
  std::vector<command_args> parsed_;

  uint64_t current_slot_ = 0;
  bool deferred_ = false;
  /// A connection command runs inside EXEC (run_in_exec).
  bool in_exec_ = false;
  int64_t soft_limit_since_ = 0;
  /// Replies not handed to the socket or the multiplexer yet. Not the
  /// multiplexer's write buffer: CAF flushes that buffer by itself after
  /// each read, so replies held there (while a unit is in flight) would be
  /// written later than a direct send() of newer ones.
  std::vector<char> output_;
  /// appendfsync always: (end offset in output_, write number it waits for)
  /// of the output not released yet, oldest first.
  std::deque<std::pair<size_t, uint64_t>> held_marks_;
  /// Where replies go once the socket is closed.
  std::vector<char> discarded_;
  bool multiplexer_writing_ = false;
  size_t read_size_ = small_read_bytes;
  /// Reads in a row of at most half small_read_bytes.
  int small_reads_ = 0;
  /// busy_read() runs: this broker is not the actor running.
  bool serving_busy_ = false;
  /// The loop writes our output at the end of its iteration (write_output).
  bool output_deferred_ = false;
  /// busy_read() met the end of the input.
  bool peer_gone_ = false;
  /// Bytes handed to the multiplexer and not reported written yet.
  uint64_t multiplexer_pending_ = 0;
};

} // namespace

namespace {

/// The forked broker's behavior; its state was built when it was forked.
caf::behavior connection_actor(caf::io::broker* self, caf::io::connection_handle hdl,
                               std::shared_ptr<std::shared_ptr<connection_state>> made) {
  auto st = std::move(*made);
  self->configure_read(hdl, caf::io::receive_policy::at_most(small_read_bytes));
  return {
    [st](const caf::io::new_data_msg& msg) { st->on_data(msg.buf); },
    [st](const caf::io::connection_closed_msg&) { st->on_closed(); },
    [st](client_kill_atom) { st->kill(); },
    [st](resume_atom) { st->resume(); },
    [st](blocked_reply_atom, uint64_t seq, std::string& reply) {
      st->pipeline().blocked_reply(seq, reply);
    },
    [st](blocked_retry_atom, uint64_t seq) { st->pipeline().blocked_retry(seq); },
    [st](block_timeout_atom, uint64_t seq) { st->pipeline().block_timeout(seq); },
    [st](const caf::io::data_transferred_msg& msg) { st->on_transferred(msg.written); },
  };
}

} // namespace

void start_connection(caf::io::broker* manager, caf::io::connection_handle hdl,
                      uint32_t loop_index) {
  auto made = std::make_shared<std::shared_ptr<connection_state>>();
  auto forked = manager->fork(connection_actor, hdl, made);
  auto* self = static_cast<caf::io::broker*>(caf::actor_cast<caf::abstract_actor*>(forked));
  auto st = std::make_shared<connection_state>(self, hdl, loop_index);
  st->start(st);
  *made = std::move(st);
}

} // namespace actis::actors
