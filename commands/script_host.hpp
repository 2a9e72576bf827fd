// How a script's redis.call reaches the command table: Redis's scriptCall
// checks (unknown command, arity, noscript, writes from read-only scripts)
// and then the command itself, nested in the EVAL/FCALL that runs the
// script, on the partitions it holds (all of them).
#pragma once

#include <span>
#include <string>
#include <string_view>
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
  void set_repl(int flags) override;

private:
  command_context& ctx_;
  /// SELECT inside the script changes this database only (Redis 7.0: the
  /// caller's stays as it was).
  int db_;
  bool read_only_;
  /// redis.set_repl kept REPL_AOF: the commands' effects reach the write
  /// stream.
  bool propagate_ = true;

  void run_connection_command(const command_spec& spec, const command_args& argv,
                              protocol::reply_builder& rb);
};

/// Validates one library's code as FUNCTION LOAD does (into `lib`): for
/// FUNCTION RESTORE and for libraries read from RDB files. The error line
/// on failure, empty on success.
std::string build_library(scripting::engine& eng, const std::string& code,
                          scripting::library& lib);

/// The key specs of EVAL and FCALL (`read_write`) and of their _RO forms,
/// with Redis's note unless `noted` is false (EVALSHA's specs have none).
key_spec script_keys(bool read_write, bool noted = true);

} // namespace actis::commands
