#include "actors/busy_loop.hpp"

#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstdlib>
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
  auto now = unix_ms();
  if (now < ctx.busy_next_poll_ms || ctx.manager == nullptr)
    return;
  ctx.busy_next_poll_ms = now + poll_interval_ms;
  auto threshold = config::registry::instance().get_one("busy-reply-threshold");
  if (scripting::busy_error(std::atoll(threshold.c_str()), now).empty())
    return;
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

void install_busy_service(uint32_t index) {
  scripting::set_while_script_runs([index] { serve_while_busy(index); });
}

} // namespace actis::actors
