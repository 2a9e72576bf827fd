// The server commands: SHUTDOWN, TIME, CONFIG, INFO and DEBUG, with Redis
// 7.0's replies (COMMAND is in command_family.cpp).
#include <arpa/inet.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <thread>

#include <unistd.h>

#include "actors/connection_hooks.hpp"
#include "actors/families.hpp"
#include "actors/info.hpp"
#include "actors/log.hpp"
#include "actors/server.hpp"
#include "commands/command.hpp"
#include "commands/context.hpp"
#include "config/config.hpp"
#include "datatypes/digest.hpp"
#include "datatypes/strutil.hpp"
#include "protocol/errors.hpp"

namespace actis::actors {

namespace {

using commands::command_context;
using datatypes::iequals;
namespace err = protocol::err;

// ------------------------------------------------------------ SHUTDOWN

/// SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]. Nothing is persisted yet,
/// so SAVE fails like a failed save would; otherwise the process stops the
/// way SIGTERM stops it (the main thread owns the exit). No reply: the
/// client sees the connection close, as with Redis.
void shutdown_handler(command_context& ctx) {
  bool save = false, nosave = false, abort = false;
  for (size_t j = 1; j < ctx.argv.size(); ++j) {
    auto& opt = ctx.argv[j];
    if (iequals(opt, "nosave"))
      nosave = true;
    else if (iequals(opt, "save"))
      save = true;
    else if (iequals(opt, "abort"))
      abort = true;
    else if (!iequals(opt, "now") && !iequals(opt, "force")) {
      ctx.reply.error(err::syntax);
      return;
    }
  }
  if ((save && nosave) || (abort && ctx.argv.size() > 2)) {
    ctx.reply.error(err::syntax);
    return;
  }
  if (abort) {
    ctx.reply.error("ERR No shutdown in progress.");
    return;
  }
  if (save) {
    log(log_level::warning, "SHUTDOWN SAVE refused: actis cannot write an RDB file yet");
    ctx.reply.error("ERR Errors trying to SHUTDOWN. Check logs.");
    return;
  }
  log(log_level::warning, "User requested shutdown...");
  ctx.conn->close_after_reply();
  ::kill(::getpid(), SIGTERM);
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
    ctx.reply.error(std::string("ERR Rewriting config file: ") + std::strerror(ENOTSUP));
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

// --------------------------------------------------------------- DEBUG

void debug_usage_error(command_context& ctx) {
  ctx.reply.error("ERR unknown subcommand or wrong number of arguments for '" + ctx.argv[1]
                  + "'. Try DEBUG HELP.");
}

/// Checks the argument count (permission was checked when DEBUG was
/// routed: it is a protected command). `exact` false means "at least".
bool debug_prologue(command_context& ctx, size_t argc, bool exact = true) {
  if (exact ? ctx.argv.size() != argc : ctx.argv.size() < argc) {
    debug_usage_error(ctx);
    return false;
  }
  return true;
}

void debug_handler(command_context& ctx) {
  debug_usage_error(ctx);
}

void debug_sleep_handler(command_context& ctx) {
  if (!debug_prologue(ctx, 3))
    return;
  // Like Redis, the server (here: this event loop) stops for that long.
  double seconds = std::strtod(ctx.argv[2].c_str(), nullptr);
  auto us = static_cast<long long>(seconds * 1000000);
  if (us > 0)
    std::this_thread::sleep_for(std::chrono::microseconds(us));
  ctx.reply.ok();
}

void debug_set_active_expire_handler(command_context& ctx) {
  if (!debug_prologue(ctx, 3))
    return;
  server::instance().active_expire_enabled.store(std::atoi(ctx.argv[2].c_str()) != 0);
  ctx.reply.ok();
}

/// Bytes of an RDB length prefix.
size_t rdb_length_size(uint64_t len) {
  if (len < (1u << 6))
    return 1;
  if (len < (1u << 14))
    return 2;
  return len <= UINT32_MAX ? 5 : 9;
}

/// Bytes of an integer that RDB stores in its compact 8/16/32-bit forms, or
/// 0 if it does not fit them.
size_t rdb_int_size(long long v) {
  if (v >= INT8_MIN && v <= INT8_MAX)
    return 2;
  if (v >= INT16_MIN && v <= INT16_MAX)
    return 3;
  if (v >= INT32_MIN && v <= INT32_MAX)
    return 5;
  return 0;
}

/// DEBUG OBJECT serializedlength of a string: RDB's integer forms for
/// numeric strings, else length prefix and bytes. Redis also LZF-compresses
/// strings over 20 bytes when that saves space; actis has no LZF yet, so
/// compressible long strings report their uncompressed size.
size_t rdb_string_size(const datatypes::value& v) {
  std::string scratch;
  auto s = v.str(scratch);
  long long n = 0;
  if (s.size() <= 11 && datatypes::parse_ll(s, n))
    if (auto size = rdb_int_size(n))
      return size;
  return rdb_length_size(s.size()) + s.size();
}

/// Redis shares the integers 0..9999 between keys (refcount INT_MAX) unless
/// maxmemory with an LRU/LFU policy forbids it (as OBJECT REFCOUNT reports).
bool shared_integer(const datatypes::value& v) {
  long long n = 0;
  if (v.encoding() != datatypes::obj_encoding::int_ || !v.to_int(n) || n < 0 || n >= 10000)
    return false;
  auto& cfg = config::registry::instance();
  auto policy = cfg.get_one("maxmemory-policy");
  bool evicts_by_use = policy.find("lru") != std::string::npos
                       || policy.find("lfu") != std::string::npos;
  return cfg.get_one("maxmemory") == "0" || !evicts_by_use;
}

void debug_object_handler(command_context& ctx) {
  if (!debug_prologue(ctx, 3))
    return;
  auto* e = ctx.ks->lookup_read(ctx.db, ctx.argv[2], false);
  if (e == nullptr) {
    ctx.reply.error(err::no_such_key);
    return;
  }
  auto& v = e->val;
  size_t serialized = v.is_string() ? rdb_string_size(v) : v.memory_usage();
  char buf[256];
  std::snprintf(buf, sizeof(buf),
                "Value at:%p refcount:%d encoding:%s serializedlength:%zu lru:%u "
                "lru_seconds_idle:%llu",
                static_cast<const void*>(&v), shared_integer(v) ? INT_MAX : 1,
                std::string(datatypes::encoding_name(v.encoding())).c_str(), serialized,
                e->lru,
                static_cast<unsigned long long>(
                    commands::lru_idle_seconds(e->lru, commands::lru_clock_at(ctx.ks->now_ms()))));
  ctx.reply.simple(buf);
}

/// Redis's per-value digest: the type, then the contents, then whether the
/// key has an expire (not when: equal datasets written at different times
/// digest the same). Accumulated into `d`.
void value_digest(unsigned char d[datatypes::digest_size], const datatypes::entry& e) {
  uint32_t type = htonl(static_cast<uint32_t>(e.val.type()));
  datatypes::mix_digest(d, &type, sizeof(type));
  if (e.val.is_string()) {
    std::string scratch;
    datatypes::mix_digest(d, e.val.str(scratch));
  }
  // Collection types add their elements here as they are implemented.
  if (e.has_expire)
    datatypes::xor_digest(d, std::string_view("!!expire!!"));
}

void debug_digest_handler(command_context& ctx) {
  if (!debug_prologue(ctx, 2))
    return;
  unsigned char final[datatypes::digest_size] = {};
  auto& held = ctx.ks->held();
  auto dbs = static_cast<size_t>(ctx.ks->databases());
  for (size_t db = 0; db < dbs; ++db) {
    size_t keys = 0;
    for (auto* p : held)
      if (p != nullptr)
        keys += p->dbs[db].size();
    if (keys == 0)
      continue;
    // The database number first, so the same keys in another db differ;
    // then the keys xor-ed in, which makes the order (and the partitioning)
    // irrelevant.
    uint32_t id = htonl(static_cast<uint32_t>(db));
    datatypes::mix_digest(final, &id, sizeof(id));
    for (auto* p : held) {
      if (p == nullptr)
        continue;
      p->dbs[db].for_each([&](datatypes::entry& e) {
        unsigned char d[datatypes::digest_size] = {};
        datatypes::mix_digest(d, e.key());
        value_digest(d, e);
        datatypes::xor_digest(final, d, sizeof(d));
      });
    }
  }
  ctx.reply.simple(datatypes::digest_hex(final));
}

void debug_digest_value_handler(command_context& ctx) {
  if (!debug_prologue(ctx, 2, false))
    return;
  ctx.reply.array(ctx.argv.size() - 2);
  for (size_t i = 2; i < ctx.argv.size(); ++i) {
    unsigned char d[datatypes::digest_size] = {};
    if (auto* e = ctx.ks->lookup_read(ctx.db, ctx.argv[i], false))
      value_digest(d, *e);
    ctx.reply.simple(datatypes::digest_hex(d));
  }
}

void debug_help_handler(command_context& ctx) {
  if (!debug_prologue(ctx, 2))
    return;
  help_reply(ctx, "DEBUG",
             {"DIGEST",
              "    Reply with a hex signature of the whole dataset.",
              "DIGEST-VALUE <key> [<key> ...]",
              "    Reply with a hex signature of the value of each key.",
              "OBJECT <key>",
              "    Describe how the value at <key> is stored.",
              "SET-ACTIVE-EXPIRE <0|1>",
              "    Stop (0) or resume (1) expiring keys in the background; keys still",
              "    expire when accessed.",
              "SLEEP <seconds>",
              "    Block the event loop for <seconds> (decimals allowed)."});
}

} // namespace

// --------------------------------------------------------- registration

void register_server_family(commands::command_table& t) {
  using namespace commands;
  constexpr auto server = command_group::server;
  constexpr auto everywhere = exec_scope::all_partitions;
  constexpr uint32_t admin_flags = f_admin | f_noscript | f_loading | f_stale;
  constexpr auto per_param = "O(N) in the number of parameters given.";
  // Every DEBUG part takes any argument count: like Redis, each checks its
  // own and reports a mismatch with DEBUG's usage error. DEBUG is protected
  // (enable-debug-command, checked when routed) and declares no keys
  // (COMMAND GETKEYS says so); DEBUG OBJECT is routed by its key argument.
  constexpr uint32_t debug_flags = admin_flags | f_protected;
  constexpr command_docs debug_part = {"Part of DEBUG.", "1.0.0", "O(1)"};
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

      {.name = "debug", .arity = -2, .flags = debug_flags, .group = server,
       .handler = debug_handler,
       .docs = {"Container of the debugging subcommands.", "1.0.0", "Depends on subcommand."}},
      {.name = "debug|sleep", .arity = -2, .flags = debug_flags, .group = server,
       .handler = debug_sleep_handler, .docs = debug_part},
      {.name = "debug|set-active-expire", .arity = -2, .flags = debug_flags, .group = server,
       .handler = debug_set_active_expire_handler, .docs = debug_part},
      {.name = "debug|object", .arity = -2, .flags = debug_flags, .group = server,
       .scope = exec_scope::keys, .handler = debug_object_handler, .route_key = 2,
       .docs = debug_part},
      {.name = "debug|digest", .arity = -2, .flags = debug_flags, .group = server,
       .scope = everywhere, .handler = debug_digest_handler, .docs = debug_part},
      {.name = "debug|digest-value", .arity = -2, .flags = debug_flags, .group = server,
       .scope = everywhere, .handler = debug_digest_value_handler, .docs = debug_part},
      {.name = "debug|help", .arity = -2, .flags = debug_flags, .group = server,
       .handler = debug_help_handler, .docs = debug_part},
  };
  t.add(rows);
}

} // namespace actis::actors
