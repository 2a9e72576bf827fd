// EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT: the script cache and the
// runs of scripts in this thread's Lua engine (scripting/engine.hpp).
// The EVAL commands run holding every partition (exec_scope::all_partitions):
// a script may build key names it never declared (queue libraries do), and
// holding everything keeps it atomic whatever it touches.
#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "commands/command.hpp"
#include "commands/context.hpp"
#include "commands/families.hpp"
#include "commands/script_host.hpp"
#include "datatypes/strutil.hpp"
#include "scripting/engine.hpp"
#include "scripting/running_script.hpp"
#include "scripting/script_cache.hpp"

namespace actis::commands {

namespace {

using datatypes::iequals;
namespace err = protocol::err;
using scripting::script_cache;

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

/// The numkeys argument of EVAL/FCALL (argv[2]); replies the error and
/// returns false when it is invalid.
bool parse_numkeys(command_context& ctx, size_t& numkeys) {
  long long n = 0;
  if (!datatypes::parse_ll(ctx.argv[2], n)) {
    ctx.reply.error(err::not_integer);
    return false;
  }
  if (n > static_cast<long long>(ctx.argv.size()) - 3) {
    ctx.reply.error(err::numkeys_above_args);
    return false;
  }
  if (n < 0) {
    ctx.reply.error(err::numkeys_negative);
    return false;
  }
  numkeys = static_cast<size_t>(n);
  return true;
}

/// Compiles `body` into this thread's engine `eng` (and the cache): the
/// script's flags, or the error replied. The engine is passed in, never
/// fetched again here: engine::local() rebuilds it after a SCRIPT FLUSH
/// from another thread, which would leave the caller's reference dangling.
bool load_script(scripting::engine& eng, protocol::reply_builder& reply, const std::string& sha,
                 std::string_view body, uint32_t& flags) {
  size_t shebang_len = 0;
  std::string error;
  auto parsed = scripting::parse_eval_shebang(body, shebang_len, error);
  if (!parsed) {
    reply.error(error);
    return false;
  }
  if (!eng.load(sha, body, shebang_len, error)) {
    reply.error(error);
    return false;
  }
  flags = *parsed;
  script_cache::instance().add(sha, body, flags);
  return true;
}

template <bool BySha, bool ReadOnly>
void eval_cmd(command_context& ctx) {
  // The commands the script runs reach the write stream themselves,
  // as one transaction (MULTI … EXEC when several).
  ctx.suppress_propagation();
  keyspace::atomic_scope transaction(*ctx.ks);
  size_t numkeys = 0;
  if (!parse_numkeys(ctx, numkeys))
    return;
  std::string sha;
  uint32_t flags = 0;
  auto& cache = script_cache::instance();
  auto& eng = scripting::engine::local();
  if constexpr (BySha) {
    if (ctx.argv[1].size() != 40)
      return ctx.reply.error(err::noscript);
    sha = lower(ctx.argv[1]);
  } else {
    sha = scripting::sha1_hex(ctx.argv[1]);
  }
  if (auto cached_flags = eng.loaded(sha) ? cache.flags_of(sha) : std::nullopt) {
    flags = *cached_flags;
  } else if constexpr (BySha) {
    auto cached = cache.find(sha);
    if (!cached)
      return ctx.reply.error(err::noscript);
    if (!load_script(eng, ctx.reply, sha, cached->body, flags))
      return;
  } else if (!load_script(eng, ctx.reply, sha, ctx.argv[1], flags)) {
    return;
  }
  bool compat = (flags & scripting::sf_eval_compat) != 0;
  bool no_writes = !compat && (flags & scripting::sf_no_writes) != 0;
  if (ReadOnly && !compat && !no_writes)
    return ctx.reply.error(err::script_write_flag_ro);
  std::span<const std::string> keys(ctx.argv.data() + 3, numkeys);
  std::span<const std::string> args(ctx.argv.data() + 3 + numkeys,
                                    ctx.argv.size() - 3 - numkeys);
  script_host host(ctx, ReadOnly || no_writes);
  eng.run(sha, keys, args, host, ctx.reply);
}

// ------------------------------------------------------------------ SCRIPT

void script_load(command_context& ctx) {
  auto sha = scripting::sha1_hex(ctx.argv[2]);
  uint32_t flags = 0;
  auto& eng = scripting::engine::local();
  if (eng.loaded(sha) && script_cache::instance().contains(sha))
    return ctx.reply.bulk(sha);
  if (load_script(eng, ctx.reply, sha, ctx.argv[2], flags))
    ctx.reply.bulk(sha);
}

void script_exists(command_context& ctx) {
  auto& cache = script_cache::instance();
  ctx.reply.array(ctx.argv.size() - 2);
  for (size_t i = 2; i < ctx.argv.size(); ++i)
    ctx.reply.integer(cache.contains(lower(ctx.argv[i])) ? 1 : 0);
}

void script_flush(command_context& ctx) {
  if (ctx.argv.size() > 3 ||
      (ctx.argv.size() == 3 && !iequals(ctx.argv[2], "sync") && !iequals(ctx.argv[2], "async")))
    return ctx.reply.error(err::script_flush_option);
  // Each thread's Lua state is rebuilt before its next script (the
  // generation changed), so ASYNC and SYNC end the same way.
  script_cache::instance().flush();
  ctx.reply.ok();
}

void script_kill(command_context& ctx) {
  auto outcome = scripting::request_kill(false);
  if (outcome == scripting::kill_outcome::requested)
    return ctx.reply.ok();
  ctx.reply.error(scripting::kill_error(outcome, false));
}

void script_debug(command_context& ctx) {
  if (iequals(ctx.argv[2], "no"))
    return ctx.reply.ok();
  if (iequals(ctx.argv[2], "yes") || iequals(ctx.argv[2], "sync"))
    return ctx.reply.error(err::script_debug_unsupported);
  ctx.reply.error(err::script_debug_option);
}

void script_help(command_context& ctx) {
  static constexpr std::string_view lines[] = {
      "SCRIPT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "DEBUG (YES|SYNC|NO)",
      "    Set the debug mode for subsequent scripts executed.",
      "EXISTS <sha1> [<sha1> ...]",
      "    Return information about the existence of the scripts in the script cache.",
      "FLUSH [ASYNC|SYNC]",
      "    Flush the Lua scripts cache. Very dangerous on replicas.",
      "    When called without the optional mode argument, the behavior is determined by the",
      "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
      "    * ASYNC: Asynchronously flush the scripts cache.",
      "    * SYNC: Synchronously flush the scripts cache.",
      "KILL",
      "    Kill the currently executing Lua script.",
      "LOAD <script>",
      "    Load a script into the scripts cache without executing it.",
      "HELP",
      "    Prints this help.",
  };
  reply_help_lines(ctx, lines);
}

} // namespace

void register_script_family(command_table& t) {
  constexpr auto group = command_group::scripting;
  constexpr uint32_t eval_flags = f_noscript | f_stale | f_skip_monitor | f_no_mandatory_keys;
  const key_spec rw_keys = script_keys(true);
  const key_spec rw_keys_plain = script_keys(true, false);
  const key_spec ro_keys = script_keys(false);
  const key_spec ro_keys_plain = script_keys(false, false);
  constexpr auto everywhere = exec_scope::all_partitions;
  const command_def rows[] = {
      {.name = "eval", .arity = -3, .flags = eval_flags, .group = group, .keys = {rw_keys},
       .scope = everywhere, .handler = eval_cmd<false, false>,
       .docs = {"Execute a Lua script server side", "2.6.0",
                "Depends on the script that is executed."}},
      {.name = "evalsha", .arity = -3, .flags = eval_flags, .group = group,
       .keys = {rw_keys_plain}, .scope = everywhere, .handler = eval_cmd<true, false>,
       .docs = {"Execute a Lua script server side", "2.6.0",
                "Depends on the script that is executed."}},
      {.name = "eval_ro", .arity = -3, .flags = eval_flags | f_readonly, .group = group,
       .keys = {ro_keys}, .scope = everywhere, .handler = eval_cmd<false, true>,
       .docs = {"Execute a read-only Lua script server side", "7.0.0",
                "Depends on the script that is executed."}},
      {.name = "evalsha_ro", .arity = -3, .flags = eval_flags | f_readonly, .group = group,
       .keys = {ro_keys_plain}, .scope = everywhere, .handler = eval_cmd<true, true>,
       .docs = {"Execute a read-only Lua script server side", "7.0.0",
                "Depends on the script that is executed."}},
      {.name = "script", .arity = -2, .group = group,
       .docs = {"A container for Lua scripts management commands", "2.6.0",
                "Depends on subcommand."}},
      {.name = "script|debug", .arity = 3, .flags = f_noscript, .group = group,
       .handler = script_debug,
       .docs = {"Set the debug mode for executed scripts.", "3.2.0", "O(1)"}},
      {.name = "script|exists", .arity = -3, .flags = f_noscript, .group = group,
       .handler = script_exists,
       .tips = "request_policy:all_shards response_policy:agg_logical_and",
       .docs = {"Check existence of scripts in the script cache.", "2.6.0",
                "O(N) with N being the number of scripts to check (so checking a single "
                "script is an O(1) operation)."}},
      {.name = "script|flush", .arity = -2, .flags = f_noscript, .group = group,
       .handler = script_flush,
       .tips = "request_policy:all_nodes response_policy:all_succeeded",
       .docs = {"Remove all the scripts from the script cache.", "2.6.0",
                "O(N) with N being the number of scripts in cache"}},
      {.name = "script|help", .arity = 2, .flags = f_loading | f_stale, .group = group,
       .handler = script_help, .docs = {"Show helpful text about the different subcommands",
                                        "5.0.0", "O(1)"}},
      {.name = "script|kill", .arity = 2, .flags = f_noscript | f_allow_busy, .group = group,
       .handler = script_kill,
       .tips = "request_policy:all_shards response_policy:one_succeeded",
       .docs = {"Kill the script currently in execution.", "2.6.0", "O(1)"}},
      {.name = "script|load", .arity = 3, .flags = f_noscript | f_stale, .group = group,
       .handler = script_load,
       .tips = "request_policy:all_nodes response_policy:all_succeeded",
       .docs = {"Load the specified Lua script into the script cache.", "2.6.0",
                "O(N) with N being the length in bytes of the script body."}},
  };
  t.add(rows);
}

} // namespace actis::commands
