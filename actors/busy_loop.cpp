#include "actors/busy_loop.hpp"

#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstdlib>
#include <mutex>
#include <vector>

#include "actors/loop.hpp"
#include "actors/server.hpp"
#include "config/config.hpp"
#include "scripting/running_script.hpp"

namespace actis::actors {

namespace {

/// Milliseconds between two polls of the sockets: the hook fires far more
/// often (every 100000 instructions); a poll costs a syscall and a walk
/// over the connections (with 1000 idle ones, every 2 ms slowed a script by
/// ~15%).
constexpr int64_t poll_interval_ms = 5;
/// Connections accepted per listening socket and poll.
constexpr int max_accepts_per_poll = 64;

/// The hand-off to the thread of the running script. Scripts hold every
/// partition, so at most one round anywhere runs one.
struct busy_handoff {
  std::mutex mu;
  /// The loop whose round takes work, or -1.
  int64_t loop = -1;
  std::vector<busy_work> work;
};

busy_handoff& handoff() {
  static busy_handoff h;
  return h;
}

void open_handoff(uint32_t index) {
  auto& h = handoff();
  std::lock_guard lock(h.mu);
  h.loop = index;
}

/// Runs the work handed over so far, on loop `index`'s thread, with the
/// partitions its round holds; `close` takes no more afterwards.
void run_handed_work(uint32_t index, std::vector<commands::partition_data*>& held, bool close) {
  auto& h = handoff();
  std::vector<busy_work> work;
  {
    std::lock_guard lock(h.mu);
    if (h.loop != static_cast<int64_t>(index))
      return;
    work.swap(h.work);
    if (close)
      h.loop = -1;
  }
  if (work.empty())
    return;
  auto& ctx = loop_context::get(index);
  commands::keyspace ks(held, server::instance().partition_count(), &ctx.sink, unix_ms());
  for (auto& w : work)
    w(ks);
}

void accept_while_busy(loop_context& ctx, int listener) {
  for (int i = 0; i < max_accepts_per_poll; ++i) {
    int fd = ::accept4(listener, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0)
      return; // EAGAIN, or an error the doorman meets again later
    accept_connection(ctx.manager, ctx.manager->add_scribe(fd), ctx.index);
  }
}

void serve_while_busy(uint32_t index) {
  auto& ctx = loop_context::get(index);
  // Open from the script's first hook on, long before other loops' clients
  // can see it busy; the round closes it.
  if (ctx.round_held != nullptr && !ctx.handoff_open) {
    ctx.handoff_open = true;
    open_handoff(index);
  }
  auto now = unix_ms();
  if (now < ctx.busy_next_poll_ms || ctx.manager == nullptr)
    return;
  ctx.busy_next_poll_ms = now + poll_interval_ms;
  auto threshold = config::registry::instance().get_one("busy-reply-threshold");
  if (scripting::busy_error(std::atoll(threshold.c_str()), now).empty())
    return;
  if (ctx.handoff_open)
    run_handed_work(index, *ctx.round_held, false);
  static thread_local std::vector<pollfd> fds;
  static thread_local std::vector<uint64_t> ids;
  fds.clear();
  ids.clear();
  for (int fd : ctx.listeners)
    fds.push_back(pollfd{fd, POLLIN, 0});
  for (auto& [id, client] : ctx.endpoints)
    if (int fd = client->busy_socket(); fd >= 0) {
      fds.push_back(pollfd{fd, POLLIN, 0});
      ids.push_back(id);
    }
  if (::poll(fds.data(), fds.size(), 0) <= 0)
    return;
  auto listeners = ctx.listeners.size();
  for (size_t i = 0; i < ids.size(); ++i) {
    if (fds[listeners + i].revents == 0)
      continue;
    // Looked up again: serving one client may have closed another.
    if (auto it = ctx.endpoints.find(ids[i]); it != ctx.endpoints.end())
      it->second->busy_read();
  }
  for (size_t i = 0; i < listeners; ++i)
    if (fds[i].revents != 0)
      accept_while_busy(ctx, fds[i].fd);
}

} // namespace

bool run_beside_busy_script(busy_work work) {
  auto& h = handoff();
  std::lock_guard lock(h.mu);
  if (h.loop < 0)
    return false;
  h.work.push_back(std::move(work));
  return true;
}

void end_busy_handoff(uint32_t index, std::vector<commands::partition_data*>& held) {
  auto& ctx = loop_context::get(index);
  if (!ctx.handoff_open)
    return;
  ctx.handoff_open = false;
  run_handed_work(index, held, true);
}

void install_busy_service(uint32_t index) {
  scripting::set_while_script_runs([index] { serve_while_busy(index); });
}

} // namespace actis::actors
