#include "scripting/running_script.hpp"

namespace actis::scripting {

running_script& current_script() {
  static running_script record;
  return record;
}

namespace {

thread_local std::function<void()> serve_while_running;

} // namespace

void set_while_script_runs(std::function<void()> serve) {
  serve_while_running = std::move(serve);
}

const std::function<void()>& while_script_runs() {
  return serve_while_running;
}

kill_outcome request_kill(bool function) {
  auto& r = current_script();
  if (!r.active.load())
    return kill_outcome::not_busy;
  if (r.wrote.load())
    return kill_outcome::unkillable;
  if (r.is_function.load() != function)
    return kill_outcome::busy_other_kind;
  r.kill_requested.store(true);
  return kill_outcome::requested;
}

namespace {

constexpr std::string_view busy_in_script =
    "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.";
constexpr std::string_view busy_in_function =
    "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.";

} // namespace

std::string_view busy_error(int64_t threshold_ms, int64_t now_ms) {
  auto& r = current_script();
  if (!r.active.load(std::memory_order_relaxed)
      || now_ms - r.start_ms.load(std::memory_order_relaxed) < threshold_ms)
    return {};
  return r.is_function.load(std::memory_order_relaxed) ? busy_in_function : busy_in_script;
}

std::string_view kill_error(kill_outcome outcome, bool function) {
  switch (outcome) {
  case kill_outcome::not_busy:
    return "NOTBUSY No scripts in execution right now.";
  case kill_outcome::unkillable:
    return "UNKILLABLE Sorry the script already executed write commands against the dataset. "
           "You can either wait the script termination or kill the server in a hard way using "
           "the SHUTDOWN NOSAVE command.";
  case kill_outcome::busy_other_kind:
    // FUNCTION KILL while a script runs, or SCRIPT KILL while a function does.
    return function ? busy_in_script : busy_in_function;
  case kill_outcome::requested:
    break;
  }
  return {};
}

} // namespace actis::scripting
