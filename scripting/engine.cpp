// The per-thread Lua state: Redis 7.0's sandbox (libraries, read-only
// globals, the error handler that gives errors their "script: ..." tail),
// compiling, running and the instruction hook behind SCRIPT KILL.
#include "scripting/engine.hpp"

#include <chrono>
#include <memory>
#include <string>

#include "scripting/lua_internal.hpp"
#include "scripting/lua_libs.hpp"
#include "scripting/running_script.hpp"
#include "scripting/script_cache.hpp"

namespace actis::scripting {

namespace {

using namespace detail;

/// Instructions between two checks of the kill flag and two calls of the
/// thread's work while a script runs (as Redis's hook).
constexpr int hook_interval = 100000;

int readonly_error(lua_State* L) { return luaL_error(L, "Attempt to modify a readonly table"); }

int missing_global(lua_State* L) {
  return luaL_error(L, "Script attempted to access nonexistent global variable '%s'",
                    lua_tostring(L, 2) != nullptr ? lua_tostring(L, 2) : "?");
}

bool is_readonly(lua_State* L, int idx) {
  if (lua_type(L, idx) != LUA_TTABLE)
    return false;
  idx = lua_absindex(L, idx);
  lua_rawgetp(L, LUA_REGISTRYINDEX, &readonly_key);
  lua_pushvalue(L, idx);
  lua_rawget(L, -2);
  bool ro = lua_toboolean(L, -1);
  lua_pop(L, 2);
  return ro;
}

/// rawset and setmetatable refuse the read-only tables, as Redis's Lua
/// (whose tables have a read-only bit) does, without a position prefix.
/// The original runs in this call frame, so its own errors read as before.
int guarded_rawset(lua_State* L) {
  if (is_readonly(L, 1))
    raise_plain(L, "Attempt to modify a readonly table");
  return lua_tocfunction(L, lua_upvalueindex(1))(L);
}

int guarded_setmetatable(lua_State* L) {
  if (is_readonly(L, 1))
    raise_plain(L, "Attempt to modify a readonly table");
  return lua_tocfunction(L, lua_upvalueindex(1))(L);
}

int proxy_pairs(lua_State* L) {
  lua_getglobal(L, "next");
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_pushnil(L);
  return 3;
}

} // namespace

/// Reads reach the table through __index (a table, so the VM follows it
/// without a call), writes raise Redis's error.
void detail::make_readonly_proxy(lua_State* L) {
  int real = lua_gettop(L);
  lua_newtable(L);  // the proxy
  lua_newtable(L);  // its metatable
  lua_pushvalue(L, real);
  lua_setfield(L, -2, "__index");
  lua_pushcfunction(L, readonly_error);
  lua_setfield(L, -2, "__newindex");
  lua_pushvalue(L, real);
  lua_pushcclosure(L, proxy_pairs, 1);
  lua_setfield(L, -2, "__pairs");
  lua_setmetatable(L, -2);
  lua_rawgetp(L, LUA_REGISTRYINDEX, &readonly_key);
  lua_pushvalue(L, -2);
  lua_pushboolean(L, 1);
  lua_rawset(L, -3);
  lua_pop(L, 1);
  lua_replace(L, real);
}

namespace {

/// The message handler of Redis 7.0's scripts: turns the error into the
/// table {err=..., source=..., line=...} of the script line that raised it
/// (one level further when a C function such as redis.call raised it).
int error_handler(lua_State* L) {
  lua_Debug ar;
  bool have = lua_getstack(L, 1, &ar) && lua_getinfo(L, "nSl", &ar);
  if (have && std::string_view(ar.what) == "C")
    have = lua_getstack(L, 2, &ar) && lua_getinfo(L, "nSl", &ar);
  if (lua_type(L, 1) != LUA_TTABLE) {
    luaL_tolstring(L, 1, nullptr);
    auto msg = "ERR " + lua51_message(lua_tostring(L, -1));
    lua_pop(L, 1);
    lua_pushlstring(L, msg.data(), msg.size());
    lua_newtable(L);
    lua_insert(L, -2);
    lua_setfield(L, -2, "err");
    lua_replace(L, 1);
  }
  if (have) {
    lua_pushstring(L, ar.source);
    lua_setfield(L, 1, "source");
    lua_pushinteger(L, ar.currentline);
    lua_setfield(L, 1, "line");
  }
  lua_settop(L, 1);
  return 1;
}

/// The thread's own work while a script holds it (while_script_runs), not
/// re-entered; nothing may be thrown through Lua's C frames.
void serve_while_running() noexcept {
  static thread_local bool serving = false;
  auto& serve = while_script_runs();
  if (!serve || serving)
    return;
  serving = true;
  try {
    serve();
  } catch (...) {
  }
  serving = false;
}

void kill_hook(lua_State* L, lua_Debug*) {
  // A SCRIPT KILL served here takes effect at once.
  serve_while_running();
  if (!current_script().kill_requested.load(std::memory_order_relaxed))
    return;
  // From now on check at every line: a pcall in the script cannot swallow
  // the kill and go on.
  lua_sethook(L, kill_hook, LUA_MASKLINE, 0);
  push_error_table(L, "Script killed by user with SCRIPT KILL...");
  lua_error(L);
}

void remove_global(lua_State* L, const char* name) {
  lua_pushnil(L);
  lua_setglobal(L, name);
}

/// Wraps global function `name` in a C closure `f` taking it as upvalue 1.
void wrap_global(lua_State* L, const char* name, lua_CFunction f) {
  lua_getglobal(L, name);
  lua_pushcclosure(L, f, 1);
  lua_setglobal(L, name);
}

lua_State* build_state(engine* owner_engine) {
  lua_State* L = luaL_newstate();
  owner(L) = owner_engine;
  // Redis's Lua 5.1 has coroutine inside its base library; no io, os,
  // package, utf8 or debug.
  const luaL_Reg libs[] = {{"_G", luaopen_base},         {LUA_TABLIBNAME, luaopen_table},
                           {LUA_STRLIBNAME, luaopen_string}, {LUA_MATHLIBNAME, luaopen_math},
                           {LUA_COLIBNAME, luaopen_coroutine}};
  for (auto& lib : libs) {
    luaL_requiref(L, lib.name, lib.func, 1);
    lua_pop(L, 1);
  }
  for (const char* name : {"dofile", "loadfile", "print", "require", "warn", "rawlen"})
    remove_global(L, name);
  open_lua51_compat(L);
  open_libraries(L);
  open_redis_api(L);

  lua_newtable(L);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &scripts_key);
  lua_newtable(L);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &functions_key);
  lua_pushcfunction(L, error_handler);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &error_handler_key);
  lua_newtable(L);
  lua_newtable(L);
  lua_pushstring(L, "k");
  lua_setfield(L, -2, "__mode");
  lua_setmetatable(L, -2);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &readonly_key);
  push_load_api(L);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &load_api_key);

  wrap_global(L, "rawset", guarded_rawset);
  wrap_global(L, "setmetatable", guarded_setmetatable);

  // Every library table becomes read-only, then the globals themselves:
  // the registry's globals (what compiled chunks get as _ENV) become the
  // proxy, whose misses end in Redis's "nonexistent global" error.
  lua_pushglobaltable(L);
  int g = lua_gettop(L);
  lua_pushnil(L);
  std::vector<std::string> tables;
  while (lua_next(L, g) != 0) {
    if (lua_type(L, -1) == LUA_TTABLE && !lua_rawequal(L, -1, g) &&
        lua_type(L, -2) == LUA_TSTRING)
      tables.emplace_back(lua_tostring(L, -2));
    lua_pop(L, 1);
  }
  for (auto& name : tables) {
    lua_getfield(L, g, name.c_str());
    make_readonly_proxy(L);
    lua_setfield(L, g, name.c_str());
  }
  // Strings' methods come from the read-only string table too
  // (getmetatable("").__index == string, as in Redis).
  lua_pushliteral(L, "");
  lua_getmetatable(L, -1);
  lua_getfield(L, g, "string");
  lua_setfield(L, -2, "__index");
  lua_pop(L, 2);
  lua_newtable(L);
  lua_pushcfunction(L, missing_global);
  lua_setfield(L, -2, "__index");
  lua_pushcfunction(L, readonly_error);
  lua_setfield(L, -2, "__newindex");
  lua_setmetatable(L, g);
  lua_pushvalue(L, g);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &real_globals_key);
  lua_pushvalue(L, g);
  make_readonly_proxy(L);
  lua_getmetatable(L, -1);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &globals_meta_key);
  lua_pushstring(L, "_G");
  lua_pushvalue(L, -2);
  lua_rawset(L, g);
  lua_rawseti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
  lua_settop(L, 0);
  return L;
}

/// Sets global `name` (behind the read-only proxy) to an array of `items`.
void set_global_array(lua_State* L, const char* name, std::span<const std::string> items) {
  lua_rawgetp(L, LUA_REGISTRYINDEX, &real_globals_key);
  lua_pushstring(L, name);
  lua_createtable(L, static_cast<int>(items.size()), 0);
  lua_Integer i = 0;
  for (auto& s : items) {
    lua_pushlstring(L, s.data(), s.size());
    lua_rawseti(L, -2, ++i);
  }
  lua_rawset(L, -3);
  lua_pop(L, 1);
}

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

/// The reply for the error table on top: "<err> script: <sha>, on
/// <source>:<line>." as Redis's luaCallFunction writes it.
void reply_script_error(lua_State* L, const std::string& sha, protocol::reply_builder& reply) {
  if (lua_type(L, -1) != LUA_TTABLE) {
    const char* msg = lua_isstring(L, -1) ? lua_tostring(L, -1) : "execution failure";
    reply.error("ERR Error running script " + sha + ", " + std::string(msg).substr(0, 100));
    return;
  }
  lua_getfield(L, -1, "err");
  std::string msg = lua_isstring(L, -1) ? lua_tostring(L, -1) : "";
  lua_getfield(L, -2, "source");
  lua_getfield(L, -3, "line");
  if (lua_isstring(L, -2) && lua_isstring(L, -1)) {
    msg += " script: " + sha + ", on " + lua_tostring(L, -2) + ":" + lua_tostring(L, -1) + ".";
  }
  lua_getfield(L, -4, "ignore_error_stats_update");
  bool counted = lua_toboolean(L, -1);
  lua_pop(L, 4);
  // An error raised from a nested command's was counted when it replied.
  if (counted)
    reply.error_counted_before(msg);
  else
    reply.error_verbatim(msg);
}

} // namespace

engine::engine()
    : L_(build_state(this)), generation_(script_cache::instance().generation()) {}

engine::~engine() { lua_close(L_); }

engine& engine::local() {
  thread_local std::unique_ptr<engine> e;
  if (!e || e->generation_ != script_cache::instance().generation())
    e = std::make_unique<engine>();
  return *e;
}

bool engine::load(const std::string& sha, std::string_view body, size_t shebang_len,
                  std::string& error) {
  if (loaded(sha))
    return true;
  auto code = body.substr(shebang_len);
  if (luaL_loadbuffer(L_, code.data(), code.size(), "@user_script") != LUA_OK) {
    error = "ERR Error compiling script (new function): " + lua51_message(lua_tostring(L_, -1));
    lua_pop(L_, 1);
    return false;
  }
  lua_rawgetp(L_, LUA_REGISTRYINDEX, &scripts_key);
  lua_insert(L_, -2);
  lua_setfield(L_, -2, sha.c_str());
  lua_pop(L_, 1);
  compiled_.insert(sha);
  return true;
}

void engine::run(const std::string& sha, std::span<const std::string> keys,
                 std::span<const std::string> args, script_host& host,
                 protocol::reply_builder& reply) {
  set_global_array(L_, "KEYS", keys);
  set_global_array(L_, "ARGV", args);
  lua_rawgetp(L_, LUA_REGISTRYINDEX, &scripts_key);
  lua_getfield(L_, -1, sha.c_str());
  lua_remove(L_, -2);
  invoke(0, sha, false, host, reply);
}

void engine::invoke(int nargs, const std::string& label, bool is_function, script_host& host,
                    protocol::reply_builder& reply) {
  run_state state{&host, 2};
  running_ = &state;
  lua_rawgetp(L_, LUA_REGISTRYINDEX, &error_handler_key);
  lua_insert(L_, -(nargs + 2));
  int handler = lua_gettop(L_) - nargs - 1;

  auto& record = current_script();
  record.kill_requested.store(false);
  record.wrote.store(false);
  record.is_function.store(is_function);
  record.start_ms.store(now_ms());
  record.active.store(true);
  lua_sethook(L_, kill_hook, LUA_MASKCOUNT, hook_interval);
  int status = lua_pcall(L_, nargs, 1, handler);
  lua_sethook(L_, nullptr, 0, 0);
  record.active.store(false);
  record.kill_requested.store(false);

  if (status != LUA_OK)
    reply_script_error(L_, label, reply);
  else
    reply_from_lua(L_, reply, state.resp);
  lua_settop(L_, 0);
  running_ = nullptr;
}

void open_libraries(lua_State* L) {
  open_cjson(L);
  open_cmsgpack(L);
  open_struct(L);
  open_bit(L);
}

} // namespace actis::scripting
