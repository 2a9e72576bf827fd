// The `redis` table scripts see, as Redis 7.0 defines it (script_lua.c):
// call/pcall, error_reply/status_reply, sha1hex, log, setresp, set_repl,
// replicate_commands, breakpoint/debug, acl_check_cmd and the constants.
#include <atomic>
#include <cctype>
#include <cstdio>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "protocol/reply.hpp"
#include "scripting/functions.hpp"
#include "scripting/lua_internal.hpp"
#include "scripting/script_cache.hpp"

namespace actis::scripting {

namespace {

std::atomic<log_callback> log_sink{nullptr};

} // namespace

void set_log_callback(log_callback cb) { log_sink.store(cb); }

namespace detail {

void raise_plain(lua_State* L, std::string_view msg) {
  lua_pushlstring(L, msg.data(), msg.size());
  lua_error(L);
  __builtin_unreachable();
}

namespace {

/// Raises Redis's error table for `msg` (luaPushError + luaError).
[[noreturn]] void raise_error_table(lua_State* L, std::string_view msg) {
  push_error_table(L, msg);
  lua_error(L);
  __builtin_unreachable();
}

/// The arguments of redis.call as Redis's luaArgsToRedisArgv takes them:
/// strings as they are, numbers as "%.17g" of their double value. Pushes
/// the error table and returns false otherwise.
bool collect_argv(lua_State* L, std::vector<std::string>& argv) {
  int argc = lua_gettop(L);
  if (argc == 0) {
    push_error_table(L, "Please specify at least one argument for this redis lib call");
    return false;
  }
  argv.reserve(static_cast<size_t>(argc));
  for (int j = 1; j <= argc; ++j) {
    int t = lua_type(L, j);
    if (t == LUA_TNUMBER) {
      char buf[64];
      int n = std::snprintf(buf, sizeof buf, "%.17g", static_cast<double>(lua_tonumber(L, j)));
      argv.emplace_back(buf, static_cast<size_t>(n));
    } else if (t == LUA_TSTRING) {
      size_t len;
      const char* s = lua_tolstring(L, j, &len);
      argv.emplace_back(s, len);
    } else {
      push_error_table(L, "Lua redis lib command arguments must be strings or integers");
      return false;
    }
  }
  return true;
}

/// Runs the command of redis.call/pcall and pushes its result; true if the
/// result is an error table. C++ objects live only in here, so that the
/// caller may raise (a longjmp) afterwards.
bool push_call_result(lua_State* L) {
  auto* run = owner(L)->running();
  std::vector<std::string> argv;
  if (!collect_argv(L, argv))
    return true;
  if (run == nullptr || run->host == nullptr) {
    push_error_table(L, "redis.call/pcall can only be called inside a script invocation");
    return true;
  }
  std::string out;
  auto refusal = run->host->call(argv, run->resp, out);
  if (!refusal.empty()) {
    // Counted in errorstats here, as Redis counts a refused call; the
    // script's error reply made from it is not counted again.
    std::string counted;
    protocol::reply_builder(counted).error(refusal);
    push_error_table(L, refusal);
    lua_pushboolean(L, 1);
    lua_setfield(L, -2, "ignore_error_stats_update");
    return true;
  }
  std::string_view in = out;
  if (!push_resp(L, in)) {
    push_error_table(L, "Malformed reply from Redis command");
    return true;
  }
  return !out.empty() && out[0] == '-';
}

int generic_call(lua_State* L, bool raise) {
  if (push_call_result(L) && raise)
    return lua_error(L);
  return 1;
}

int redis_call(lua_State* L) { return generic_call(L, true); }
int redis_pcall(lua_State* L) { return generic_call(L, false); }

/// redis.status_reply / redis.error_reply argument check.
bool single_string_arg(lua_State* L) {
  if (lua_gettop(L) != 1 || lua_type(L, -1) != LUA_TSTRING) {
    push_error_table(L, "wrong number or type of arguments");
    return false;
  }
  return true;
}

int redis_error_reply(lua_State* L) {
  if (!single_string_arg(L))
    return 1;
  std::string_view text = lua_tostring(L, 1);
  push_error_table(L, !text.empty() && text[0] == '-' ? std::string(text)
                                                      : "-" + std::string(text));
  return 1;
}

int redis_status_reply(lua_State* L) {
  if (!single_string_arg(L))
    return 1;
  lua_newtable(L);
  lua_pushvalue(L, 1);
  lua_setfield(L, -2, "ok");
  return 1;
}

int redis_sha1hex(lua_State* L) {
  if (lua_gettop(L) != 1)
    raise_error_table(L, "wrong number of arguments");
  size_t len = 0;
  const char* s = lua_tolstring(L, 1, &len);
  auto hex = sha1_hex(s == nullptr ? std::string_view() : std::string_view(s, len));
  lua_pushlstring(L, hex.data(), hex.size());
  return 1;
}

int redis_log(lua_State* L) {
  int argc = lua_gettop(L);
  if (argc < 2)
    raise_error_table(L, "redis.log() requires two arguments or more.");
  if (!lua_isnumber(L, 1))
    raise_error_table(L, "First argument must be a number (log level).");
  auto level = lua_tointeger(L, 1);
  if (level < 0 || level > 3)
    raise_error_table(L, "Invalid debug level.");
  std::string line;
  for (int j = 2; j <= argc; ++j) {
    size_t len;
    const char* s = lua_tolstring(L, j, &len);
    if (s == nullptr)
      continue;
    if (!line.empty())
      line += ' ';
    line.append(s, len);
  }
  if (auto sink = log_sink.load())
    sink(static_cast<int>(level), line);
  return 0;
}

int redis_setresp(lua_State* L) {
  if (lua_gettop(L) != 1)
    raise_error_table(L, "redis.setresp() requires one argument.");
  auto resp = lua_tointeger(L, -1);
  if (resp != 2 && resp != 3)
    raise_error_table(L, "RESP version must be 2 or 3.");
  if (auto* run = owner(L)->running())
    run->resp = static_cast<int>(resp);
  return 0;
}

int redis_set_repl(lua_State* L) {
  if (lua_gettop(L) != 1)
    raise_error_table(L, "redis.set_repl() requires two arguments.");
  auto flags = lua_tointeger(L, -1);
  if ((flags & ~repl_all) != 0)
    raise_error_table(L, "Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or "
                         "REPL_NONE.");
  if (auto* run = owner(L)->running())
    run->host->set_repl(static_cast<int>(flags));
  return 0;
}

int redis_replicate_commands(lua_State* L) {
  lua_pushboolean(L, 1);
  return 1;
}

/// Outside the script debugger (which actis does not have) breakpoint()
/// returns false and debug() does nothing, as in Redis.
int redis_breakpoint(lua_State* L) {
  lua_pushboolean(L, 0);
  return 1;
}
int redis_debug(lua_State*) { return 0; }

/// 0: the command exists, 1: error table pushed, 2: unknown command.
int check_command(lua_State* L) {
  std::vector<std::string> argv;
  if (!collect_argv(L, argv))
    return 1;
  auto* run = owner(L)->running();
  return run != nullptr && run->host != nullptr && run->host->command_exists(argv) ? 0 : 2;
}

int redis_acl_check_cmd(lua_State* L) {
  switch (check_command(L)) {
  case 1:
    return lua_error(L);
  case 2:
    raise_error_table(L, "Invalid command passed to redis.acl_check_cmd()");
  default:
    break;
  }
  // No ACL users: the default user may run every command.
  lua_pushboolean(L, 1);
  return 1;
}

// -- FUNCTION LOAD's redis.register_function --------------------------------

/// Reads register_function's arguments into a new entry table on top
/// {name=, callback=, flags=, description=}; on failure pushes the error
/// table instead and returns false.
bool read_function_args(lua_State* L) {
  int argc = lua_gettop(L);
  if (argc < 1 || argc > 2) {
    push_error_table(L, "wrong number of arguments to redis.register_function");
    return false;
  }
  lua_newtable(L);
  int entry = lua_gettop(L);
  lua_pushinteger(L, 0);
  lua_setfield(L, entry, "flags");
  if (argc == 2) {
    if (!lua_isstring(L, 1)) {
      push_error_table(L, "first argument to redis.register_function must be a string");
      return false;
    }
    if (lua_type(L, 2) != LUA_TFUNCTION) {
      push_error_table(L, "second argument to redis.register_function must be a function");
      return false;
    }
    lua_pushstring(L, lua_tostring(L, 1));
    lua_setfield(L, entry, "name");
    lua_pushvalue(L, 2);
    lua_setfield(L, entry, "callback");
    return true;
  }
  if (lua_type(L, 1) != LUA_TTABLE) {
    push_error_table(L, "calling redis.register_function with a single argument is only "
                        "applicable to Lua table (representing named arguments).");
    return false;
  }
  lua_pushnil(L);
  while (lua_next(L, 1) != 0) {
    if (lua_type(L, -2) != LUA_TSTRING) {
      push_error_table(L, "named argument key given to redis.register_function is not a string");
      return false;
    }
    std::string_view key = lua_tostring(L, -2);
    if (key == "function_name") {
      if (!lua_isstring(L, -1)) {
        push_error_table(L, "function_name argument given to redis.register_function must be a "
                            "string");
        return false;
      }
      lua_pushstring(L, lua_tostring(L, -1));
      lua_replace(L, -2);
      lua_setfield(L, entry, "name");
    } else if (key == "description") {
      if (!lua_isstring(L, -1)) {
        push_error_table(L, "description argument given to redis.register_function must be a "
                            "string");
        return false;
      }
      lua_setfield(L, entry, "description");
    } else if (key == "callback") {
      if (lua_type(L, -1) != LUA_TFUNCTION) {
        push_error_table(L, "callback argument given to redis.register_function must be a "
                            "function");
        return false;
      }
      lua_setfield(L, entry, "callback");
    } else if (key == "flags") {
      if (lua_type(L, -1) != LUA_TTABLE) {
        push_error_table(L, "flags argument to redis.register_function must be a table "
                            "representing function flags");
        return false;
      }
      lua_Integer flags = 0;
      for (lua_Integer j = 1;; ++j) {
        lua_rawgeti(L, -1, j);
        if (lua_isnil(L, -1)) {
          lua_pop(L, 1);
          break;
        }
        uint32_t f = lua_type(L, -1) == LUA_TSTRING ? flag_of(lua_tostring(L, -1)) : 0;
        lua_pop(L, 1);
        if (f == 0) {
          push_error_table(L, "unknown flag given");
          return false;
        }
        flags |= f;
      }
      lua_pop(L, 1);
      lua_pushinteger(L, flags);
      lua_setfield(L, entry, "flags");
    } else {
      push_error_table(L, "unknown argument given to redis.register_function");
      return false;
    }
  }
  lua_getfield(L, entry, "name");
  bool has_name = !lua_isnil(L, -1);
  lua_getfield(L, entry, "callback");
  bool has_callback = !lua_isnil(L, -1);
  lua_pop(L, 2);
  if (!has_name) {
    push_error_table(L, "redis.register_function must get a function name argument");
    return false;
  }
  if (!has_callback) {
    push_error_table(L, "redis.register_function must get a callback argument");
    return false;
  }
  return true;
}

bool iequal_names(std::string_view a, std::string_view b) {
  if (a.size() != b.size())
    return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

/// Adds the entry on top to the functions being loaded; false (error table
/// pushed) if it may not be added.
bool add_loading_function(lua_State* L) {
  int entry = lua_gettop(L);
  lua_getfield(L, entry, "name");
  size_t len;
  const char* name = lua_tolstring(L, -1, &len);
  if (!valid_function_name({name, len})) {
    push_error_table(L, "Library names can only contain letters, numbers, or underscores(_) "
                        "and must be at least one character long");
    return false;
  }
  lua_rawgetp(L, LUA_REGISTRYINDEX, &loading_key);
  int loading = lua_gettop(L);
  auto n = static_cast<lua_Integer>(lua_rawlen(L, loading));
  for (lua_Integer j = 1; j <= n; ++j) {
    lua_rawgeti(L, loading, j);
    lua_getfield(L, -1, "name");
    bool same = iequal_names(lua_tostring(L, -1), name);
    lua_pop(L, 2);
    if (same) {
      push_error_table(L, "Function already exists in the library");
      return false;
    }
  }
  lua_pushvalue(L, entry);
  lua_rawseti(L, loading, n + 1);
  lua_settop(L, entry);
  return true;
}

int redis_register_function(lua_State* L) {
  lua_rawgetp(L, LUA_REGISTRYINDEX, &loading_key);
  bool loading = lua_istable(L, -1);
  lua_pop(L, 1);
  if (!loading)
    raise_error_table(L, "redis.register_function can only be called on FUNCTION LOAD command");
  if (!read_function_args(L) || !add_loading_function(L))
    return lua_error(L);
  return 0;
}

void push_constants(lua_State* L) {
  auto constant = [&](const char* name, lua_Integer v) {
    lua_pushinteger(L, v);
    lua_setfield(L, -2, name);
  };
  constant("LOG_DEBUG", 0);
  constant("LOG_VERBOSE", 1);
  constant("LOG_NOTICE", 2);
  constant("LOG_WARNING", 3);
  lua_pushstring(L, config::redis_version);
  lua_setfield(L, -2, "REDIS_VERSION");
  // 0x00MMmmpp as Redis's REDIS_VERSION_NUM.
  unsigned major = 0, minor = 0, patch = 0;
  std::sscanf(config::redis_version, "%u.%u.%u", &major, &minor, &patch);
  constant("REDIS_VERSION_NUM", static_cast<lua_Integer>((major << 16) | (minor << 8) | patch));
}

int load_api_missing(lua_State* L) {
  return luaL_error(L, "Script attempted to access nonexistent global variable '%s'",
                    lua_tostring(L, 2) != nullptr ? lua_tostring(L, 2) : "?");
}

int load_api_readonly(lua_State* L) { return luaL_error(L, "Attempt to modify a readonly table"); }

} // namespace

void push_load_api(lua_State* L) {
  lua_newtable(L);
  static const luaL_Reg functions[] = {
      {"register_function", redis_register_function},
      {"log", redis_log},
      {nullptr, nullptr},
  };
  luaL_newlib(L, functions);
  push_constants(L);
  lua_newtable(L);
  lua_pushcfunction(L, load_api_missing);
  lua_setfield(L, -2, "__index");
  lua_setmetatable(L, -2);
  make_readonly_proxy(L);
  lua_setfield(L, -2, "redis");
  lua_newtable(L);
  lua_pushcfunction(L, load_api_missing);
  lua_setfield(L, -2, "__index");
  lua_pushcfunction(L, load_api_readonly);
  lua_setfield(L, -2, "__newindex");
  lua_setmetatable(L, -2);
}

void open_redis_api(lua_State* L) {
  static const luaL_Reg functions[] = {
      {"call", redis_call},
      {"pcall", redis_pcall},
      {"error_reply", redis_error_reply},
      {"status_reply", redis_status_reply},
      {"sha1hex", redis_sha1hex},
      {"log", redis_log},
      {"setresp", redis_setresp},
      {"set_repl", redis_set_repl},
      {"replicate_commands", redis_replicate_commands},
      {"breakpoint", redis_breakpoint},
      {"debug", redis_debug},
      {"acl_check_cmd", redis_acl_check_cmd},
      {nullptr, nullptr},
  };
  luaL_newlib(L, functions);
  push_constants(L);
  auto constant = [&](const char* name, lua_Integer v) {
    lua_pushinteger(L, v);
    lua_setfield(L, -2, name);
  };
  constant("REPL_NONE", repl_none);
  constant("REPL_AOF", repl_aof);
  constant("REPL_SLAVE", repl_replica);
  constant("REPL_REPLICA", repl_replica);
  constant("REPL_ALL", repl_all);
  lua_setglobal(L, "redis");
}

} // namespace detail

} // namespace actis::scripting
