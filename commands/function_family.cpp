// Redis 7 functions: FCALL, FCALL_RO and FUNCTION. Libraries live in the
// process-wide registry (scripting/functions.hpp); FCALL runs the function
// in this thread's Lua engine holding every partition, as EVAL does.
#include <chrono>
#include <string>
#include <vector>

#include "commands/command.hpp"
#include "commands/context.hpp"
#include "commands/families.hpp"
#include "commands/script_host.hpp"
#include "datatypes/strutil.hpp"
#include "scripting/engine.hpp"
#include "scripting/function_payload.hpp"
#include "scripting/functions.hpp"
#include "scripting/running_script.hpp"
#include "scripting/script_cache.hpp"

namespace actis::commands {

namespace {

using datatypes::iequals;
namespace err = protocol::err;
using scripting::library_registry;

template <bool ReadOnly>
void fcall_cmd(command_context& ctx) {
  // The commands the function runs reach the write stream themselves,
  // as one transaction (MULTI … EXEC when several).
  ctx.suppress_propagation();
  keyspace::atomic_scope transaction(*ctx.ks);
  auto found = library_registry::instance().find_function(ctx.argv[1]);
  if (!found)
    return ctx.reply.error(err::function_not_found);
  long long n = 0;
  if (!datatypes::parse_ll(ctx.argv[2], n))
    return ctx.reply.error(err::bad_number_of_keys);
  if (n > static_cast<long long>(ctx.argv.size()) - 3)
    return ctx.reply.error(err::numkeys_above_args);
  if (n < 0)
    return ctx.reply.error(err::numkeys_negative);
  bool no_writes = (found->second.flags & scripting::sf_no_writes) != 0;
  if (ReadOnly && !no_writes)
    return ctx.reply.error(err::script_write_flag_ro);
  auto numkeys = static_cast<size_t>(n);
  std::span<const std::string> keys(ctx.argv.data() + 3, numkeys);
  std::span<const std::string> args(ctx.argv.data() + 3 + numkeys,
                                    ctx.argv.size() - 3 - numkeys);
  script_host host(ctx, ReadOnly || no_writes);
  {
    auto& running = scripting::current_script();
    std::lock_guard lock(running.mu);
    running.name = found->second.name;
    running.command = ctx.argv;
  }
  scripting::engine::local().call_function(ctx.argv[1], keys, args, host, ctx.reply);
}

void function_load(command_context& ctx) {
  bool replace = false;
  size_t pos = 2;
  for (; pos + 1 < ctx.argv.size(); ++pos) {
    if (!iequals(ctx.argv[pos], "replace"))
      return ctx.reply.error("ERR Unknown option given: " + ctx.argv[pos]);
    replace = true;
  }
  if (pos >= ctx.argv.size())
    return ctx.reply.error(err::function_code_missing);
  const std::string& code = ctx.argv[pos];
  std::string error;
  auto header = scripting::parse_library_header(code, error);
  if (!header)
    return ctx.reply.error(error);
  if (!scripting::valid_function_name(header->name))
    return ctx.reply.error(err::library_name_invalid);
  auto& registry = library_registry::instance();
  if (!replace && registry.has_library(header->name))
    return ctx.reply.error("ERR Library '" + header->name + "' already exists");
  scripting::library lib{header->name, code, {}};
  if (!scripting::engine::local().load_library(code, header->length, lib.functions, error, false))
    return ctx.reply.error(error);
  error = registry.add(std::move(lib), replace);
  if (!error.empty())
    return ctx.reply.error(error);
  ctx.reply.bulk(header->name);
}


void function_restore(command_context& ctx) {
  if (ctx.argv.size() > 4)
    return ctx.reply.error(err::subcommand_usage(ctx.argv[1], "FUNCTION"));
  enum class policy { append, replace, flush } p = policy::append;
  if (ctx.argv.size() == 4) {
    if (iequals(ctx.argv[3], "append"))
      p = policy::append;
    else if (iequals(ctx.argv[3], "replace"))
      p = policy::replace;
    else if (iequals(ctx.argv[3], "flush"))
      p = policy::flush;
    else
      return ctx.reply.error(err::function_restore_policy);
  }
  std::string error;
  auto codes = scripting::parse_function_payload(ctx.argv[2], error);
  if (!codes)
    return ctx.reply.error(error);
  auto& eng = scripting::engine::local();
  std::vector<scripting::library> libs;
  for (auto& code : *codes) {
    scripting::library lib;
    error = build_library(eng, code, lib);
    if (!error.empty())
      return ctx.reply.error(error);
    for (auto& other : libs) {
      if (other.name == lib.name)
        return ctx.reply.error("ERR Library '" + lib.name + "' already exists");
      for (auto& f : lib.functions)
        for (auto& g : other.functions)
          if (iequals(f.name, g.name))
            return ctx.reply.error("ERR Function " + f.name + " already exists");
    }
    libs.push_back(std::move(lib));
  }
  auto& registry = library_registry::instance();
  if (p == policy::flush) {
    registry.replace_all(std::move(libs));
  } else {
    error = registry.join(std::move(libs), p == policy::replace);
    if (!error.empty())
      return ctx.reply.error(error);
  }
  ctx.reply.ok();
}

void function_delete(command_context& ctx) {
  if (!library_registry::instance().remove(ctx.argv[2]))
    return ctx.reply.error(err::library_not_found);
  ctx.reply.ok();
}

void function_flush(command_context& ctx) {
  if (ctx.argv.size() > 3)
    return ctx.reply.error(err::subcommand_usage(ctx.argv[1], "FUNCTION"));
  if (ctx.argv.size() == 3 && !iequals(ctx.argv[2], "sync") && !iequals(ctx.argv[2], "async"))
    return ctx.reply.error(err::function_flush_option);
  library_registry::instance().flush();
  ctx.reply.ok();
}

void function_list(command_context& ctx) {
  bool with_code = false;
  const std::string* pattern = nullptr;
  for (size_t i = 2; i < ctx.argv.size(); ++i) {
    if (!with_code && iequals(ctx.argv[i], "withcode")) {
      with_code = true;
      continue;
    }
    if (pattern == nullptr && iequals(ctx.argv[i], "libraryname")) {
      if (i + 1 >= ctx.argv.size())
        return ctx.reply.error(err::library_name_missing);
      pattern = &ctx.argv[++i];
      continue;
    }
    return ctx.reply.error("ERR Unknown argument " + ctx.argv[i]);
  }
  auto libs = library_registry::instance().snapshot();
  std::vector<const scripting::library*> shown;
  for (auto& l : libs)
    if (pattern == nullptr || datatypes::glob_match(*pattern, l.name, true))
      shown.push_back(&l);
  auto& r = ctx.reply;
  r.array(shown.size());
  for (auto* l : shown) {
    r.map(with_code ? 4 : 3);
    r.bulk("library_name");
    r.bulk(l->name);
    r.bulk("engine");
    r.bulk("LUA");
    r.bulk("functions");
    r.array(l->functions.size());
    for (auto& f : l->functions) {
      r.map(3);
      r.bulk("name");
      r.bulk(f.name);
      r.bulk("description");
      if (f.description)
        r.bulk(*f.description);
      else
        r.null();
      r.bulk("flags");
      auto names = scripting::flag_names(f.flags);
      r.set(names.size());
      for (auto n : names)
        r.simple(n);
    }
    if (with_code) {
      r.bulk("library_code");
      r.bulk(l->code);
    }
  }
}

void function_stats(command_context& ctx) {
  auto& registry = library_registry::instance();
  auto& running = scripting::current_script();
  auto& r = ctx.reply;
  if (running.active.load() && !running.is_function.load())
    return r.error(scripting::kill_error(scripting::kill_outcome::busy_other_kind, true));
  r.map(2);
  r.bulk("running_script");
  if (!running.active.load()) {
    r.null();
  } else {
    auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count();
    r.map(3);
    {
      std::lock_guard lock(running.mu);
      r.bulk("name");
      r.bulk(running.name);
      r.bulk("command");
      r.array(running.command.size());
      for (auto& a : running.command)
        r.bulk(a);
    }
    r.bulk("duration_ms");
    r.integer(now - running.start_ms.load());
  }
  r.bulk("engines");
  r.map(1);
  r.bulk("LUA");
  r.map(2);
  r.bulk("libraries_count");
  r.integer(static_cast<long long>(registry.library_count()));
  r.bulk("functions_count");
  r.integer(static_cast<long long>(registry.function_count()));
}

void function_kill(command_context& ctx) {
  auto outcome = scripting::request_kill(true);
  if (outcome == scripting::kill_outcome::requested)
    return ctx.reply.ok();
  ctx.reply.error(scripting::kill_error(outcome, true));
}

void function_help(command_context& ctx) {
  static constexpr std::string_view lines[] = {
      "FUNCTION <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "LOAD [REPLACE] <FUNCTION CODE>",
      "    Create a new library with the given library name and code.",
      "DELETE <LIBRARY NAME>",
      "    Delete the given library.",
      "LIST [LIBRARYNAME PATTERN] [WITHCODE]",
      "    Return general information on all the libraries:",
      "    * Library name",
      "    * The engine used to run the Library",
      "    * Library description",
      "    * Functions list",
      "    * Library code (if WITHCODE is given)",
      "    It also possible to get only function that matches a pattern using LIBRARYNAME "
      "argument.",
      "STATS",
      "    Return information about the current function running:",
      "    * Function name",
      "    * Command used to run the function",
      "    * Duration in MS that the function is running",
      "    If no function is running, return nil",
      "    In addition, returns a list of available engines.",
      "KILL",
      "    Kill the current running function.",
      "FLUSH [ASYNC|SYNC]",
      "    Delete all the libraries.",
      "    When called without the optional mode argument, the behavior is determined by the",
      "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
      "    * ASYNC: Asynchronously flush the libraries.",
      "    * SYNC: Synchronously flush the libraries.",
      "DUMP",
      "    Return a serialized payload representing the current libraries, can be restored "
      "using FUNCTION RESTORE command",
      "RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
      "    Restore the libraries represented by the given payload, it is possible to give a "
      "restore policy to",
      "    control how to handle existing libraries (default APPEND):",
      "    * FLUSH: delete all existing libraries.",
      "    * APPEND: appends the restored libraries to the existing libraries. On collision, "
      "abort.",
      "    * REPLACE: appends the restored libraries to the existing libraries, On collision, "
      "replace the old",
      "      libraries with the new libraries (notice that even on this option there is a "
      "chance of failure",
      "      in case of functions name collision with another library).",
      "HELP",
      "    Prints this help.",
  };
  reply_help_lines(ctx, lines);
}

} // namespace

std::string build_library(scripting::engine& eng, const std::string& code,
                          scripting::library& lib) {
  std::string error;
  auto header = scripting::parse_library_header(code, error);
  if (!header)
    return error;
  if (!scripting::valid_function_name(header->name))
    return std::string(err::library_name_invalid);
  lib = {header->name, code, {}};
  if (!eng.load_library(code, header->length, lib.functions, error, false))
    return error;
  return {};
}

void function_dump(command_context& ctx) {
  std::vector<std::string> codes;
  for (auto& l : library_registry::instance().snapshot())
    codes.push_back(l.code);
  ctx.reply.bulk(scripting::dump_functions(codes));
}

void register_function_family(command_table& t) {
  constexpr auto group = command_group::scripting;
  constexpr uint32_t fcall_flags = f_noscript | f_stale | f_skip_monitor | f_no_mandatory_keys;
  const key_spec rw_keys = script_keys(true);
  const key_spec ro_keys = script_keys(false);
  constexpr auto everywhere = exec_scope::all_partitions;
  constexpr std::string_view all_shards =
      "request_policy:all_shards response_policy:all_succeeded";
  const command_def rows[] = {
      {.name = "fcall", .arity = -3, .flags = fcall_flags, .group = group, .keys = {rw_keys},
       .scope = everywhere, .handler = fcall_cmd<false>,
       .docs = {"Invoke a function", "7.0.0", "Depends on the function that is executed."}},
      {.name = "fcall_ro", .arity = -3, .flags = fcall_flags | f_readonly, .group = group,
       .keys = {ro_keys}, .scope = everywhere, .handler = fcall_cmd<true>,
       .docs = {"Invoke a read-only function", "7.0.0",
                "Depends on the function that is executed."}},
      {.name = "function", .arity = -2, .group = group,
       .docs = {"A container for function commands", "7.0.0", "Depends on subcommand."}},
      {.name = "function|delete", .arity = 3, .flags = f_write | f_noscript, .group = group,
       .handler = function_delete, .tips = all_shards,
       .docs = {"Delete a function by name", "7.0.0", "O(1)"}},
      {.name = "function|dump", .arity = 2, .flags = f_noscript, .group = group,
       .handler = function_dump,
       .docs = {"Dump all functions into a serialized binary payload", "7.0.0",
                "O(N) where N is the number of functions"}},
      {.name = "function|flush", .arity = -2, .flags = f_write | f_noscript, .group = group,
       .handler = function_flush, .tips = all_shards,
       .docs = {"Deleting all functions", "7.0.0",
                "O(N) where N is the number of functions deleted"}},
      {.name = "function|help", .arity = 2, .flags = f_loading | f_stale, .group = group,
       .handler = function_help,
       .docs = {"Show helpful text about the different subcommands", "7.0.0", "O(1)"}},
      {.name = "function|kill", .arity = 2, .flags = f_noscript | f_allow_busy, .group = group,
       .handler = function_kill,
       .tips = "request_policy:all_shards response_policy:one_succeeded",
       .docs = {"Kill the function currently in execution.", "7.0.0", "O(1)"}},
      {.name = "function|list", .arity = -2, .flags = f_noscript, .group = group,
       .handler = function_list, .tips = "nondeterministic_output_order",
       .docs = {"List information about all the functions", "7.0.0",
                "O(N) where N is the number of functions"}},
      {.name = "function|load", .arity = -3, .flags = f_write | f_denyoom | f_noscript,
       .group = group, .handler = function_load, .tips = all_shards,
       .docs = {"Create a function with the given arguments (name, code, description)",
                "7.0.0", "O(1) (considering compilation time is redundant)"}},
      {.name = "function|restore", .arity = -3, .flags = f_write | f_denyoom | f_noscript,
       .group = group, .handler = function_restore, .tips = all_shards,
       .docs = {"Restore all the functions on the given payload", "7.0.0",
                "O(N) where N is the number of functions on the payload"}},
      {.name = "function|stats", .arity = 2, .flags = f_noscript | f_allow_busy, .group = group,
       .handler = function_stats,
       .tips = "nondeterministic_output request_policy:all_shards response_policy:special",
       .docs = {"Return information about the function currently running (name, description, "
                "duration)", "7.0.0", "O(1)"}},
  };
  t.add(rows);
}

} // namespace actis::commands
