// Deadlines of the requests one loop sends other loops.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>

namespace actis::actors {

/// Milliseconds since the epoch: the command clock, and the clock request
/// deadlines are kept in.
int64_t unix_ms();

/// How long one loop waits for another loop's partition to answer before it
/// gives up and answers its clients with an error. Generous: it only fires
/// when a loop is stuck (a bug, or a DEBUG SLEEP longer than this).
constexpr auto cross_loop_timeout = std::chrono::seconds(60);

/// Deadlines of the requests a loop sends other loops. A CAF request
/// timeout costs a round trip through CAF's clock thread per request (it
/// was a third of the CPU of a pipelined benchmark at two loops), so
/// requests go out without one and register here instead; the loop
/// manager's one-second tick fails those older than cross_loop_timeout.
/// Ids are consecutive, so bookkeeping is a deque: O(1) per request.
/// Thread: the loop's.
class request_watchdog {
public:
  /// Registers a request sent at `now_ms`; `on_timeout` answers its clients
  /// with an error if no answer came in time.
  uint64_t add(int64_t now_ms, std::function<void()> on_timeout);
  /// The answer to request `id` arrived: true if it is to be used, false if
  /// the request timed out already (its clients got the error).
  bool answered(uint64_t id);
  /// Fails every request sent more than `timeout_ms` before `now_ms`.
  void expire(int64_t now_ms, int64_t timeout_ms);

private:
  struct pending {
    int64_t sent_ms;
    std::function<void()> on_timeout;
    bool done = false;
  };
  /// Forgets the answered or expired requests at the front.
  void drop_done_front();
  /// Requests in id order; ids are consecutive from first_id_.
  std::deque<pending> pending_;
  uint64_t first_id_ = 1;
};

} // namespace actis::actors
