// The server commands: SHUTDOWN, TIME, COMMAND, CONFIG, INFO and DEBUG, with
// Redis 7.0's replies.
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
using commands::command_spec;
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

// ------------------------------------------------------------- COMMAND

/// Redis's DEBUG is one plain command; actis splits it into subcommands only
/// so that each part gets its own execution scope. Introspection hides them.
bool lists_subcommands(const command_spec& s) { return s.name != "debug"; }

/// COMMAND INFO flag names in Redis's order ("may_replicate" is never shown;
/// "movablekeys" is derived from the key lookup).
constexpr std::pair<uint32_t, std::string_view> flag_names[] = {
    {commands::f_write, "write"},         {commands::f_readonly, "readonly"},
    {commands::f_denyoom, "denyoom"},     {commands::f_admin, "admin"},
    {commands::f_pubsub, "pubsub"},       {commands::f_noscript, "noscript"},
    {commands::f_blocking, "blocking"},   {commands::f_loading, "loading"},
    {commands::f_stale, "stale"},         {commands::f_skip_monitor, "skip_monitor"},
    {commands::f_skip_slowlog, "skip_slowlog"}, {commands::f_fast, "fast"},
    {commands::f_no_auth, "no_auth"},     {commands::f_no_multi, "no_multi"},
};

std::vector<std::string_view> flag_list(const command_spec& s) {
  std::vector<std::string_view> out;
  for (auto& [bit, name] : flag_names)
    if (s.flags & bit)
      out.push_back(name);
  if (s.getkeys != nullptr)
    out.push_back("movablekeys");
  if (s.flags & commands::f_allow_busy)
    out.push_back("allow_busy");
  return out;
}

/// ACL categories of a spec in Redis's category order.
std::vector<std::string_view> acl_list(const command_spec& s) {
  static constexpr std::string_view order[] = {
      "@keyspace", "@read",   "@write",  "@set",    "@sortedset", "@list",      "@hash",
      "@string",   "@bitmap", "@hyperloglog",       "@geo",       "@stream",    "@pubsub",
      "@admin",    "@fast",   "@slow",   "@blocking", "@dangerous", "@connection",
      "@transaction",         "@scripting"};
  auto rank = [](std::string_view c) {
    auto it = std::find(std::begin(order), std::end(order), c);
    return static_cast<size_t>(it - std::begin(order));
  };
  std::vector<std::string_view> out;
  std::string_view rest(s.acl_categories);
  while (!rest.empty()) {
    auto start = rest.find_first_not_of(' ');
    if (start == std::string_view::npos)
      break;
    rest.remove_prefix(start);
    auto end = std::min(rest.find(' '), rest.size());
    out.push_back(rest.substr(0, end));
    rest.remove_prefix(end);
  }
  std::stable_sort(out.begin(), out.end(),
                   [&](auto a, auto b) { return rank(a) < rank(b); });
  return out;
}

bool has_acl_category(const command_spec& s, std::string_view category) {
  for (auto c : acl_list(s))
    if (c.size() == category.size() + 1 && iequals(c.substr(1), category))
      return true;
  return false;
}

/// A command or "container|subcommand" by its full name, case-insensitive.
const command_spec* find_by_full_name(std::string_view name) {
  auto bar = name.find('|');
  if (bar == std::string_view::npos)
    return commands::table().find(name);
  auto* parent = commands::table().find(name.substr(0, bar));
  if (parent == nullptr || !lists_subcommands(*parent))
    return nullptr;
  for (auto& s : parent->subcommands)
    if (iequals(s.name, name))
      return &s;
  return nullptr;
}

/// One COMMAND INFO entry. Tips and key specifications are not modelled
/// by the table and are reported empty.
void command_info_entry(protocol::reply_builder& r, const command_spec& s) {
  r.array(10);
  r.bulk(s.name);
  r.integer(s.arity);
  auto flags = flag_list(s);
  r.set(flags.size());
  for (auto f : flags)
    r.simple(f);
  r.integer(s.first_key);
  r.integer(s.last_key);
  r.integer(s.key_step);
  auto acl = acl_list(s);
  r.set(acl.size());
  for (auto c : acl)
    r.simple(c);
  r.set(0); // tips
  r.set(0); // key specs
  if (lists_subcommands(s) && !s.subcommands.empty()) {
    r.array(s.subcommands.size());
    for (auto& sub : s.subcommands)
      command_info_entry(r, sub);
  } else {
    r.set(0);
  }
}

void command_docs_entry(protocol::reply_builder& r, const command_spec& s) {
  bool subs = lists_subcommands(s) && !s.subcommands.empty();
  r.map(subs ? 5 : 4);
  r.bulk("summary");
  r.bulk(s.summary);
  r.bulk("since");
  r.bulk(s.since);
  r.bulk("group");
  r.bulk(s.group);
  r.bulk("complexity");
  r.bulk(s.complexity);
  if (subs) {
    r.bulk("subcommands");
    r.map(s.subcommands.size());
    for (auto& sub : s.subcommands) {
      r.bulk(sub.name);
      command_docs_entry(r, sub);
    }
  }
}

void command_handler(command_context& ctx) {
  if (ctx.argv.size() > 1) {
    ctx.reply.error(err::unknown_subcommand(ctx.argv[1], "COMMAND"));
    return;
  }
  auto& all = commands::table().all();
  ctx.reply.array(all.size());
  for (auto& s : all)
    command_info_entry(ctx.reply, s);
}

void command_count_handler(command_context& ctx) {
  ctx.reply.integer(static_cast<long long>(commands::table().all().size()));
}

void command_info_handler(command_context& ctx) {
  if (ctx.argv.size() == 2) {
    command_handler(ctx);
    return;
  }
  ctx.reply.array(ctx.argv.size() - 2);
  for (size_t i = 2; i < ctx.argv.size(); ++i) {
    if (auto* s = find_by_full_name(ctx.argv[i]))
      command_info_entry(ctx.reply, *s);
    else
      ctx.reply.null();
  }
}

void command_docs_handler(command_context& ctx) {
  std::vector<const command_spec*> found;
  if (ctx.argv.size() == 2) {
    for (auto& s : commands::table().all())
      found.push_back(&s);
  } else {
    for (size_t i = 2; i < ctx.argv.size(); ++i)
      if (auto* s = find_by_full_name(ctx.argv[i]))
        found.push_back(s);
  }
  ctx.reply.map(found.size());
  for (auto* s : found) {
    ctx.reply.bulk(s->name);
    command_docs_entry(ctx.reply, *s);
  }
}

void command_list_handler(command_context& ctx) {
  auto& argv = ctx.argv;
  enum class filter { none, module, aclcat, pattern } by = filter::none;
  if (argv.size() == 5 && iequals(argv[2], "filterby")) {
    if (iequals(argv[3], "module"))
      by = filter::module;
    else if (iequals(argv[3], "aclcat"))
      by = filter::aclcat;
    else if (iequals(argv[3], "pattern"))
      by = filter::pattern;
  }
  if (argv.size() != 2 && by == filter::none) {
    ctx.reply.error(err::syntax);
    return;
  }
  auto keep = [&](const command_spec& s) {
    switch (by) {
      case filter::none: return true;
      case filter::module: return false; // no modules
      case filter::aclcat: return has_acl_category(s, argv[4]);
      case filter::pattern: return datatypes::glob_match(argv[4], s.name, true);
    }
    return false;
  };
  std::vector<std::string_view> names;
  for (auto& s : commands::table().all()) {
    if (keep(s))
      names.push_back(s.name);
    if (lists_subcommands(s))
      for (auto& sub : s.subcommands)
        if (keep(sub))
          names.push_back(sub.name);
  }
  ctx.reply.array(names.size());
  for (auto n : names)
    ctx.reply.bulk(n);
}

/// Key-spec flags for GETKEYSANDFLAGS. The table has no per-key flags, so
/// they are derived from the command's: RO/access for read-only commands,
/// RW/access/update for the others (Redis distinguishes OW, RM, insert and
/// delete per key; those are not reported).
std::vector<std::string_view> key_flags(const command_spec& s) {
  if (s.flags & commands::f_readonly)
    return {"RO", "access"};
  return {"RW", "access", "update"};
}

/// COMMAND GETKEYS / GETKEYSANDFLAGS <command> <args...>.
void getkeys(command_context& ctx, bool with_flags) {
  commands::command_args target(ctx.argv.begin() + 2, ctx.argv.end());
  const command_spec* cmd = commands::table().find(target[0]);
  if (cmd != nullptr && !cmd->subcommands.empty() && lists_subcommands(*cmd)
      && target.size() >= 2) {
    auto* parent = cmd;
    cmd = nullptr;
    for (auto& s : parent->subcommands)
      if (iequals(std::string_view(s.name).substr(parent->name.size() + 1), target[1]))
        cmd = &s;
  }
  if (cmd == nullptr) {
    ctx.reply.error(err::getkeys_invalid_command);
    return;
  }
  if (cmd->first_key <= 0 && cmd->getkeys == nullptr) {
    ctx.reply.error(err::getkeys_no_keys);
    return;
  }
  if (!commands::arity_ok(cmd->arity, target.size())) {
    ctx.reply.error(err::getkeys_bad_arity);
    return;
  }
  std::vector<size_t> keys;
  commands::table().key_positions(*cmd, target, keys);
  // Commands with movable keys may legitimately have none (Redis's
  // no_mandatory_keys); a fixed key range always yields at least one.
  if (keys.empty() && cmd->getkeys == nullptr) {
    ctx.reply.error(err::getkeys_bad_arguments);
    return;
  }
  auto flags = key_flags(*cmd);
  ctx.reply.array(keys.size());
  for (auto k : keys) {
    if (with_flags) {
      ctx.reply.array(2);
      ctx.reply.bulk(target[k]);
      ctx.reply.set(flags.size());
      for (auto f : flags)
        ctx.reply.simple(f);
    } else {
      ctx.reply.bulk(target[k]);
    }
  }
}

void command_getkeys_handler(command_context& ctx) { getkeys(ctx, false); }
void command_getkeysandflags_handler(command_context& ctx) { getkeys(ctx, true); }

void command_help_handler(command_context& ctx) {
  help_reply(ctx, "COMMAND",
             {"(no subcommand)",
              "    Describe every command.",
              "COUNT",
              "    Reply with the number of commands.",
              "LIST [FILTERBY (MODULE <module-name>|ACLCAT <category>|PATTERN <pattern>)]",
              "    Reply with the names of the commands and subcommands, optionally filtered.",
              "INFO [<command-name> ...]",
              "    Describe the given commands, or every command.",
              "DOCS [<command-name> ...]",
              "    Reply with the documentation of the given commands, or of every command.",
              "GETKEYS <full-command>",
              "    Reply with the key arguments of a complete command line.",
              "GETKEYSANDFLAGS <full-command>",
              "    Reply with the key arguments of a command line and how they are used."});
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
  reset_info_stats(*ctx.ks);
  ctx.reply.ok();
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

/// enable-debug-command: 0 no, 1 local connections only, 2 yes. Replies the
/// error and returns false when the caller may not run DEBUG.
bool debug_allowed(command_context& ctx) {
  switch (config::live().enable_debug_command.load(std::memory_order_relaxed)) {
    case 2:
      return true;
    case 1:
      if (ctx.conn != nullptr && ctx.conn->is_local())
        return true;
      break;
    default:
      break;
  }
  ctx.reply.error(err::no_permission_debug);
  return false;
}

void debug_usage_error(command_context& ctx) {
  ctx.reply.error("ERR unknown subcommand or wrong number of arguments for '" + ctx.argv[1]
                  + "'. Try DEBUG HELP.");
}

/// Checks permission and argument count (Redis's DEBUG reports both with
/// one error text). `exact` false means "at least".
bool debug_prologue(command_context& ctx, size_t argc, bool exact = true) {
  if (!debug_allowed(ctx))
    return false;
  if (exact ? ctx.argv.size() != argc : ctx.argv.size() < argc) {
    debug_usage_error(ctx);
    return false;
  }
  return true;
}

void debug_handler(command_context& ctx) {
  if (debug_allowed(ctx))
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

/// DEBUG inspects keys without counting as an access or a miss.
constexpr unsigned debug_lookup = commands::lookup_no_touch | commands::lookup_no_notify;

void debug_object_handler(command_context& ctx) {
  if (!debug_prologue(ctx, 3))
    return;
  auto* e = ctx.ks->lookup_read(ctx.db, ctx.argv[2], debug_lookup);
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
  e.val.traits().digest(e.val, d);
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
    if (auto* e = ctx.ks->lookup_read(ctx.db, ctx.argv[i], debug_lookup))
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

// --------------------------------------------------------- registration

constexpr uint32_t admin_flags =
    commands::f_admin | commands::f_noscript | commands::f_loading | commands::f_stale;
const char* const admin_acl = "@admin @slow @dangerous";

command_spec make(std::string name, int arity, uint32_t flags, std::string acl,
                  commands::handler_fn handler, std::string summary, std::string since,
                  std::string complexity = "O(1)",
                  commands::exec_scope scope = commands::exec_scope::connection) {
  return commands::make_command(std::move(name), arity, flags, std::move(acl), {}, scope, handler,
                                {"server", std::move(summary), std::move(since),
                                 std::move(complexity)});
}

void register_command_command(commands::command_table& t) {
  using namespace commands;
  const uint32_t flags = f_loading | f_stale;
  const std::string acl = "@slow @connection";
  auto cmd = make("command", -1, flags, acl, command_handler,
                  "Describes every command of the server.", "2.8.13",
                  "O(N) in the number of commands.");
  auto sub = [&](std::string name, int arity, handler_fn h, std::string summary,
                 std::string since, std::string complexity) {
    cmd.subcommands.push_back(make("command|" + name, arity, flags, acl, h, std::move(summary),
                                   std::move(since), std::move(complexity)));
  };
  const std::string per_command = "O(N) in the number of commands asked about.";
  const std::string per_arg = "O(N) in the number of arguments of the command.";
  sub("count", 2, command_count_handler, "Returns the number of commands.", "2.8.13", "O(1)");
  sub("docs", -2, command_docs_handler, "Returns the documentation of commands.", "7.0.0",
      per_command);
  sub("getkeys", -4, command_getkeys_handler, "Extracts the key arguments of a command line.",
      "2.8.13", per_arg);
  sub("getkeysandflags", -4, command_getkeysandflags_handler,
      "Extracts the key arguments of a command line with their access flags.", "7.0.0",
      per_arg);
  sub("help", 2, command_help_handler, "Describes the COMMAND subcommands.", "5.0.0", "O(1)");
  sub("info", -2, command_info_handler, "Describes the given commands, or all of them.",
      "2.8.13", per_command);
  sub("list", -2, command_list_handler,
      "Returns the names of the commands, optionally filtered.", "7.0.0",
      "O(N) in the number of commands.");
  t.add(std::move(cmd));
}

void register_config_command(commands::command_table& t) {
  using namespace commands;
  auto cfg = make("config", -2, 0, "@slow", nullptr,
                  "Container of the configuration subcommands.", "2.0.0",
                  "Depends on subcommand.");
  const std::string per_param = "O(N) in the number of parameters given.";
  cfg.subcommands.push_back(make("config|get", -3, admin_flags, admin_acl, config_get_handler,
                                 "Returns the parameters matching patterns and their values.",
                                 "2.0.0", per_param));
  cfg.subcommands.push_back(make("config|set", -4, admin_flags, admin_acl, config_set_handler,
                                 "Changes configuration parameters, all or none.", "2.0.0",
                                 per_param));
  cfg.subcommands.push_back(make("config|resetstat", 2, admin_flags, admin_acl,
                                 config_resetstat_handler,
                                 "Zeroes the statistics INFO reports.", "2.0.0", "O(1)",
                                 exec_scope::all_partitions));
  cfg.subcommands.push_back(make("config|rewrite", 2, admin_flags, admin_acl,
                                 config_rewrite_handler,
                                 "Writes the running configuration to the config file.",
                                 "2.8.0"));
  cfg.subcommands.push_back(make("config|help", 2, f_loading | f_stale, "@slow",
                                 config_help_handler, "Describes the CONFIG subcommands.",
                                 "5.0.0"));
  t.add(std::move(cfg));
}

void register_debug_command(commands::command_table& t) {
  using commands::exec_scope;
  auto debug = make("debug", -2, admin_flags, admin_acl, debug_handler,
                    "Container of the debugging subcommands.", "1.0.0",
                    "Depends on subcommand.");
  // Every part takes any argument count: like Redis, each checks its own and
  // reports a mismatch with DEBUG's usage error. Parts that read keys run
  // with every partition held, which also gives them the connection for the
  // enable-debug-command "local" check.
  auto sub = [&](std::string name, commands::handler_fn h, exec_scope scope) {
    debug.subcommands.push_back(make("debug|" + name, -2, admin_flags, admin_acl, h,
                                     "Part of DEBUG.", "1.0.0", "O(1)", scope));
  };
  sub("sleep", debug_sleep_handler, exec_scope::connection);
  sub("set-active-expire", debug_set_active_expire_handler, exec_scope::connection);
  sub("object", debug_object_handler, exec_scope::all_partitions);
  sub("digest", debug_digest_handler, exec_scope::all_partitions);
  sub("digest-value", debug_digest_value_handler, exec_scope::all_partitions);
  sub("help", debug_help_handler, exec_scope::connection);
  t.add(std::move(debug));
}

} // namespace

void register_server_family(commands::command_table& t) {
  using namespace commands;
  t.add(make("time", 1, f_loading | f_stale | f_fast, "@fast", time_handler,
             "Returns the server's clock as unix seconds and microseconds.", "2.6.0"));
  t.add(make("shutdown", -1, admin_flags | f_no_multi | f_allow_busy, admin_acl,
             shutdown_handler, "Stops the server.", "1.0.0", "O(N) when saving"));
  t.add(make("info", -1, f_loading | f_stale, "@slow @dangerous", info_handler,
             "Reports information and statistics about the server.", "1.0.0", "O(1)",
             exec_scope::all_partitions));
  register_command_command(t);
  register_config_command(t);
  register_debug_command(t);
}

} // namespace actis::actors
