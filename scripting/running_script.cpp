#include "scripting/running_script.hpp"

namespace actis::scripting {

running_script& current_script() {
  static running_script record;
  return record;
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

std::string_view kill_error(kill_outcome outcome, bool function) {
  switch (outcome) {
  case kill_outcome::not_busy:
    return "NOTBUSY No scripts in execution right now.";
  case kill_outcome::unkillable:
    return "UNKILLABLE Sorry the script already executed write commands against the dataset. "
           "You can either wait the script termination or kill the server in a hard way using "
           "the SHUTDOWN NOSAVE command.";
  case kill_outcome::busy_other_kind:
    return function ? "BUSY Redis is busy running a script. You can only call SCRIPT KILL or "
                      "SHUTDOWN NOSAVE."
                    : "BUSY Redis is busy running a script. You can only call FUNCTION KILL or "
                      "SHUTDOWN NOSAVE.";
  case kill_outcome::requested:
    break;
  }
  return {};
}

} // namespace actis::scripting
