// The server commands: SHUTDOWN, TIME, CONFIG and INFO, with Redis 7.0's
// replies (COMMAND is in command_family.cpp, DEBUG in debug_family.cpp).
#include <algorithm>
#include <chrono>
#include <csignal>
#include <climits>
#include <cstdlib>
#include <cstring>

#include <unistd.h>

#include "actors/connection_hooks.hpp"
#include "actors/families.hpp"
#include "actors/info.hpp"
#include "actors/log.hpp"
#include "actors/server.hpp"
#include "actors/watchdog.hpp"
#include "commands/command.hpp"
#include "commands/context.hpp"
#include "config/config.hpp"
#include "datatypes/strutil.hpp"
#include "protocol/errors.hpp"
#include "scripting/running_script.hpp"

namespace actis::actors {

namespace {

using commands::command_context;
using datatypes::iequals;
namespace err = protocol::err;

// ------------------------------------------------------------ SHUTDOWN

/// SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]. Saves first when asked to
/// or when save points are configured (and not NOSAVE); a failed save keeps
/// the server running unless FORCE. The process then stops the way SIGTERM
/// stops it (the main thread owns the exit), told not to save again. No
/// reply on success: the client sees the connection close, as with Redis.
void shutdown_handler(command_context& ctx) {
  bool save = false, nosave = false, abort = false, force = false;
  for (size_t j = 1; j < ctx.argv.size(); ++j) {
    auto& opt = ctx.argv[j];
    if (iequals(opt, "nosave"))
      nosave = true;
    else if (iequals(opt, "save"))
      save = true;
    else if (iequals(opt, "abort"))
      abort = true;
    else if (iequals(opt, "force"))
      force = true;
    else if (!iequals(opt, "now")) {
      ctx.reply.error(err::syntax);
      return;
    }
  }
  if ((save && nosave) || (abort && ctx.argv.size() > 2)) {
    ctx.reply.error(err::syntax);
    return;
  }
  if (abort) {
    ctx.reply.error(err::no_shutdown);
    return;
  }
  // As Redis: while a script runs past busy-reply-threshold only NOSAVE
  // may stop the server.
  if (!nosave) {
    auto threshold = config::registry::instance().get_one("busy-reply-threshold");
    if (auto busy = scripting::busy_error(std::atoll(threshold.c_str()), unix_ms());
        !busy.empty()) {
      ctx.reply.error(busy);
      return;
    }
  }
  auto* conn = ctx.conn;
  auto stop = [conn] {
    log(log_level::warning, "User requested shutdown...");
    server::instance().shutdown_saved = true;
    conn->close_after_reply();
    ::kill(::getpid(), SIGTERM);
  };
  bool save_points = !config::registry::instance().get_one("save").empty();
  // As Redis: a dataset still loading is never saved over its files.
  if (nosave || (!save && !save_points) || server::instance().loading.load()) {
    stop();
    return;
  }
  auto reply = conn->defer();
  conn->persist(persist_op::save, [reply, stop, force](std::string answer) {
    if (answer != protocol::ok_reply && !force) {
      log(log_level::warning, "Error trying to save the DB, can't exit.");
      reply(std::string("-") + std::string(err::shutdown_failed) + "\r\n");
      return;
    }
    reply(std::string());
    stop();
  });
}

// ---------------------------------------------------------------- TIME

void time_handler(command_context& ctx) {
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                std::chrono::system_clock::now().time_since_epoch())
                .count();
  ctx.reply.array(2);
  ctx.reply.bulk(std::to_string(us / 1000000));
  ctx.reply.bulk(std::to_string(us % 1000000));
}

// -------------------------------------------------------------- CONFIG

void config_get_handler(command_context& ctx) {
  std::vector<std::string> patterns(ctx.argv.begin() + 2, ctx.argv.end());
  auto pairs = config::registry::instance().get(patterns);
  ctx.reply.map(pairs.size());
  for (auto& [name, value] : pairs) {
    ctx.reply.bulk(name);
    ctx.reply.bulk(value);
  }
}

void config_set_handler(command_context& ctx) {
  if (ctx.argv.size() % 2 != 0) {
    ctx.reply.error(err::syntax);
    return;
  }
  std::vector<std::pair<std::string, std::string>> pairs;
  for (size_t i = 2; i + 1 < ctx.argv.size(); i += 2)
    pairs.emplace_back(ctx.argv[i], ctx.argv[i + 1]);
  auto error = config::registry::instance().set(pairs);
  if (error.empty())
    ctx.reply.ok();
  else
    ctx.reply.error(error);
}

void config_resetstat_handler(command_context& ctx) {
  reset_loop_stats();
  auto reply = ctx.conn->defer();
  ctx.conn->reset_partition_stats([reply] { reply(std::string(protocol::ok_reply)); });
}

void config_rewrite_handler(command_context& ctx) {
  if (server::instance().config_file.empty())
    ctx.reply.error(err::no_config_file);
  else // Rewriting is not implemented; say so the way Redis reports a failure.
    ctx.reply.error(err::config_rewrite_failed(std::strerror(ENOTSUP)));
}

void config_help_handler(command_context& ctx) {
  help_reply(ctx, "CONFIG",
             {"GET <pattern>",
              "    Reply with the parameters matching the glob-style <pattern> and their values.",
              "SET <directive> <value>",
              "    Change the value of a parameter.",
              "RESETSTAT",
              "    Zero the statistics INFO reports.",
              "REWRITE",
              "    Write the current configuration back to the configuration file."});
}

} // namespace

// --------------------------------------------------------- registration

void register_server_family(commands::command_table& t) {
  using namespace commands;
  constexpr auto server = command_group::server;
  constexpr uint32_t admin_flags = f_admin | f_noscript | f_loading | f_stale;
  constexpr auto per_param = "O(N) in the number of parameters given.";
  const command_def rows[] = {
      {.name = "time", .arity = 1, .flags = f_loading | f_stale | f_fast, .group = server,
       .handler = time_handler, .tips = "nondeterministic_output",
       .docs = {"Returns the server's clock as unix seconds and microseconds.", "2.6.0",
                "O(1)"}},
      {.name = "shutdown", .arity = -1, .flags = admin_flags | f_no_multi | f_allow_busy,
       .group = server, .handler = shutdown_handler,
       .docs = {"Stops the server.", "1.0.0", "O(N) when saving"}},
      {.name = "info", .arity = -1, .flags = f_loading | f_stale, .group = server,
       .scope = exec_scope::summaries, .handler = info_handler,
       .tips = "nondeterministic_output request_policy:all_shards response_policy:special",
       .extra_acl = acl_dangerous,
       .docs = {"Reports information and statistics about the server.", "1.0.0", "O(1)"}},

      {.name = "config", .arity = -2, .group = server,
       .docs = {"Container of the configuration subcommands.", "2.0.0",
                "Depends on subcommand."}},
      {.name = "config|get", .arity = -3, .flags = admin_flags, .group = server,
       .handler = config_get_handler,
       .docs = {"Returns the parameters matching patterns and their values.", "2.0.0",
                per_param}},
      {.name = "config|set", .arity = -4, .flags = admin_flags, .group = server,
       .handler = config_set_handler,
       .tips = "request_policy:all_nodes response_policy:all_succeeded",
       .docs = {"Changes configuration parameters, all or none.", "2.0.0", per_param}},
      {.name = "config|resetstat", .arity = 2, .flags = admin_flags, .group = server,
       .handler = config_resetstat_handler,
       .docs = {"Zeroes the statistics INFO reports.", "2.0.0", "O(1)"}},
      {.name = "config|rewrite", .arity = 2, .flags = admin_flags, .group = server,
       .handler = config_rewrite_handler,
       .docs = {"Writes the running configuration to the config file.", "2.8.0", "O(1)"}},
      {.name = "config|help", .arity = 2, .flags = f_loading | f_stale, .group = server,
       .handler = config_help_handler,
       .docs = {"Describes the CONFIG subcommands.", "5.0.0", "O(1)"}},
  };
  t.add(rows);
}

} // namespace actis::actors
