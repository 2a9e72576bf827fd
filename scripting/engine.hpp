// The Lua 5.4 engine that runs EVAL scripts: one per thread that runs
// scripts (thread_local, never shared), each with its own sandboxed Lua
// state built as Redis 7.0 builds its own (Lua 5.1 library surface, read-only
// globals, the `redis` table), compiling the bodies of the process-wide
// script cache (scripting/script_cache.hpp) on first use. The commands a
// script calls go through a script_host the caller supplies. Plain C++.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "protocol/reply.hpp"
#include "scripting/functions.hpp"

struct lua_State;

namespace actis::scripting {

/// What a running script asks of the server.
class script_host {
public:
  virtual ~script_host() = default;
  /// redis.call / redis.pcall: runs `argv` with the script's protocol
  /// version `resp`, appending the command's RESP reply to `out`. Returns
  /// the text of Redis's refusal when the command may not run from this
  /// script (e.g. "Unknown Redis command called from script"), empty when
  /// it ran (its reply, error or not, is in `out`).
  virtual std::string call(const std::vector<std::string>& argv, int resp, std::string& out) = 0;
  /// redis.acl_check_cmd: false if `argv` names no command.
  virtual bool command_exists(const std::vector<std::string>& argv) = 0;
  /// redis.set_repl: where the effects of the commands the script runs
  /// from now on are propagated (repl_aof | repl_replica bits).
  virtual void set_repl(int flags) = 0;
};

/// redis.REPL_* (Redis's PROPAGATE_AOF / PROPAGATE_REPL bits).
inline constexpr int repl_none = 0, repl_aof = 1, repl_replica = 2, repl_all = 3;

/// Receives redis.log lines: level 0 debug .. 3 warning (Redis's LL_*).
using log_callback = void (*)(int level, std::string_view line);
/// Installs the process-wide log sink (null: redis.log discards). Call
/// before any script runs.
void set_log_callback(log_callback cb);

class engine {
public:
  engine();
  ~engine();
  engine(const engine&) = delete;
  engine& operator=(const engine&) = delete;

  /// The calling thread's engine, rebuilt first if SCRIPT FLUSH happened
  /// since it was built.
  static engine& local();

  /// Compiles `body` as the script `sha` unless it is compiled already.
  /// The first `shebang_len` bytes (the shebang line, without its newline)
  /// are skipped so line numbers stay the user's. On a syntax error sets
  /// `error` to Redis's reply line and returns false.
  bool load(const std::string& sha, std::string_view body, size_t shebang_len,
            std::string& error);
  bool loaded(const std::string& sha) const { return compiled_.count(sha) != 0; }

  /// Runs the compiled script `sha` with KEYS and ARGV, writing its result
  /// (or Redis's error reply) to `reply`. Records itself in
  /// current_script() while it runs; SCRIPT KILL stops it at the next hook.
  void run(const std::string& sha, std::span<const std::string> keys,
           std::span<const std::string> args, script_host& host, protocol::reply_builder& reply);

  /// FUNCTION LOAD: runs a library's code (skipping its `header_len` bytes
  /// of shebang) with only the loading API visible and returns the
  /// functions it registered; on failure sets Redis's error line. With
  /// `keep`, the functions become callable in this state.
  bool load_library(std::string_view code, size_t header_len,
                    std::vector<function_meta>& functions, std::string& error, bool keep);
  /// FCALL/FCALL_RO: runs function `name` of the library registry with its
  /// keys and args (loading the registry's libraries first if they changed).
  void call_function(const std::string& name, std::span<const std::string> keys,
                     std::span<const std::string> args, script_host& host,
                     protocol::reply_builder& reply);

  /// What redis.call needs while a script runs (read by the Lua callbacks).
  struct run_state {
    script_host* host = nullptr;
    /// redis.setresp: the protocol of the replies redis.call converts.
    int resp = 2;
  };
  run_state* running() { return running_; }

private:
  lua_State* L_;
  uint64_t generation_;
  std::unordered_set<std::string> compiled_;
  run_state* running_ = nullptr;
  /// The library registry generation this state's functions were loaded at.
  uint64_t functions_generation_ = 0;

  /// Calls the function below the `nargs` arguments on top as a script
  /// labelled `label` in errors, and replies its result.
  void invoke(int nargs, const std::string& label, bool is_function, script_host& host,
              protocol::reply_builder& reply);
  void sync_functions();
};

/// Opens the extra libraries of Redis's Lua (cjson, cmsgpack, struct, bit)
/// in `L`, each as its global table. The one place they are opened, before
/// the globals are made read-only.
void open_libraries(lua_State* L);

} // namespace actis::scripting
