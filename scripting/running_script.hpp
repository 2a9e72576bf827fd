// The one script or function running right now, process-wide: scripts and
// functions run holding every partition, so at most one runs at a time.
// SCRIPT KILL / FUNCTION KILL (from any thread) read and flag it; the actor
// layer reads it to answer -BUSY while a script runs past
// busy-reply-threshold. Plain C++.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace actis::scripting {

struct running_script {
  /// A script or function is running.
  std::atomic<bool> active{false};
  /// It came from FCALL/FCALL_RO (FUNCTION KILL), not EVAL (SCRIPT KILL).
  std::atomic<bool> is_function{false};
  /// Wall clock (ms) when it started.
  std::atomic<int64_t> start_ms{0};
  /// It ran a write command: it can no longer be killed.
  std::atomic<bool> wrote{false};
  /// SCRIPT KILL / FUNCTION KILL asked it to stop; the instruction hook
  /// raises the kill error at its next check.
  std::atomic<bool> kill_requested{false};

  /// FUNCTION STATS: the running function's name and command line, set by
  /// FCALL before it runs; guarded by `mu`.
  std::mutex mu;
  std::string name;
  std::vector<std::string> command;
};

/// The process-wide record.
running_script& current_script();

enum class kill_outcome { requested, not_busy, unkillable, busy_other_kind };

/// SCRIPT KILL (`function` false) or FUNCTION KILL (true): flags the running
/// script when Redis would, and says what to answer.
kill_outcome request_kill(bool function);

/// While a script has been running for at least `threshold_ms`
/// (busy-reply-threshold) at `now_ms`: the BUSY error other clients get for
/// commands not flagged allow-busy; else empty.
std::string_view busy_error(int64_t threshold_ms, int64_t now_ms);

/// What the thread running a script does meanwhile, as Redis's
/// processEventsWhileBlocked: the engine's instruction hook calls it about
/// every 100000 instructions while a script runs on this thread. Per thread
/// (an event loop installs its own, so that its other clients are answered
/// while a script holds its thread); none by default. It must not run a
/// script itself; an exception it throws is dropped.
void set_while_script_runs(std::function<void()> serve);
const std::function<void()>& while_script_runs();

/// Redis's replies for each outcome of request_kill except `requested`
/// (the full error lines, without '-').
std::string_view kill_error(kill_outcome outcome, bool function);

} // namespace actis::scripting
