// How a script's redis.call reaches the command table: Redis's scriptCall
// checks (unknown command, arity, noscript, writes from read-only scripts)
// and then the command itself, nested in the EVAL/FCALL that runs the
// script, on the partitions it holds (all of them).
#pragma once

#include <string>
#include <vector>

#include "commands/context.hpp"
#include "scripting/engine.hpp"

namespace actis::commands {

class script_host final : public scripting::script_host {
public:
  /// `read_only`: EVAL_RO/FCALL_RO or a no-writes script.
  script_host(command_context& ctx, bool read_only) : ctx_(ctx), db_(ctx.db), read_only_(read_only) {}

  std::string call(const std::vector<std::string>& argv, int resp, std::string& out) override;
  bool command_exists(const std::vector<std::string>& argv) override;

private:
  command_context& ctx_;
  /// SELECT inside the script changes this database only (Redis 7.0: the
  /// caller's stays as it was).
  int db_;
  bool read_only_;

  void run_connection_command(const command_spec& spec, const command_args& argv,
                              protocol::reply_builder& rb);
};

} // namespace actis::commands
