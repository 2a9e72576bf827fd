// The functions half of the engine: running a library's code for FUNCTION
// LOAD (only the loading API visible, as Redis's function_lua.c does) and
// calling its functions for FCALL.
#include <cctype>
#include <chrono>
#include <string>

#include "scripting/engine.hpp"
#include "scripting/lua_internal.hpp"

namespace actis::scripting {

namespace {

using namespace detail;

void push_array(lua_State* L, std::span<const std::string> items) {
  lua_createtable(L, static_cast<int>(items.size()), 0);
  lua_Integer i = 0;
  for (auto& s : items) {
    lua_pushlstring(L, s.data(), s.size());
    lua_rawseti(L, -2, ++i);
  }
}

/// Function names are case-insensitive, as in Redis.
std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

/// Points the globals' __index at the table on top (popped).
void set_globals_index(lua_State* L) {
  lua_rawgetp(L, LUA_REGISTRYINDEX, &globals_meta_key);
  lua_insert(L, -2);
  lua_setfield(L, -2, "__index");
  lua_pop(L, 1);
}

/// FUNCTION LOAD gives a library's code this long to register its
/// functions (Redis's LOAD_TIMEOUT_MS).
constexpr auto load_timeout = std::chrono::milliseconds(500);
thread_local std::chrono::steady_clock::time_point load_started;

void load_hook(lua_State* L, lua_Debug*) {
  if (std::chrono::steady_clock::now() - load_started <= load_timeout)
    return;
  lua_sethook(L, load_hook, LUA_MASKLINE, 0);
  push_error_table(L, "FUNCTION LOAD timeout");
  lua_error(L);
}

} // namespace

bool engine::load_library(std::string_view code, size_t header_len,
                          std::vector<function_meta>& functions, std::string& error, bool keep) {
  auto body = code.substr(header_len);
  if (luaL_loadbuffer(L_, body.data(), body.size(), "@user_function") != LUA_OK) {
    error = "ERR Error compiling function: " + lua51_message(lua_tostring(L_, -1));
    lua_settop(L_, 0);
    return false;
  }
  lua_newtable(L_);
  lua_rawsetp(L_, LUA_REGISTRYINDEX, &loading_key);
  lua_rawgetp(L_, LUA_REGISTRYINDEX, &load_api_key);
  set_globals_index(L_);
  lua_rawgetp(L_, LUA_REGISTRYINDEX, &error_handler_key);
  lua_insert(L_, -2);
  load_started = std::chrono::steady_clock::now();
  lua_sethook(L_, load_hook, LUA_MASKCOUNT, 100000);
  int status = lua_pcall(L_, 0, 0, 1);
  lua_sethook(L_, nullptr, 0, 0);
  lua_rawgetp(L_, LUA_REGISTRYINDEX, &real_globals_key);
  set_globals_index(L_);
  if (status != LUA_OK) {
    std::string msg;
    if (lua_istable(L_, -1)) {
      lua_getfield(L_, -1, "err");
      if (lua_isstring(L_, -1))
        msg = lua_tostring(L_, -1);
      lua_pop(L_, 1);
    } else if (lua_isstring(L_, -1)) {
      msg = lua_tostring(L_, -1);
    }
    error = "ERR Error registering functions: " + msg;
    lua_pushnil(L_);
    lua_rawsetp(L_, LUA_REGISTRYINDEX, &loading_key);
    lua_settop(L_, 0);
    return false;
  }
  lua_settop(L_, 0);
  lua_rawgetp(L_, LUA_REGISTRYINDEX, &loading_key);
  lua_rawgetp(L_, LUA_REGISTRYINDEX, &functions_key);
  auto n = static_cast<lua_Integer>(lua_rawlen(L_, 1));
  for (lua_Integer j = 1; j <= n; ++j) {
    lua_rawgeti(L_, 1, j);
    function_meta f;
    lua_getfield(L_, -1, "name");
    f.name = lua_tostring(L_, -1);
    lua_pop(L_, 1);
    lua_getfield(L_, -1, "description");
    if (lua_isstring(L_, -1))
      f.description = lua_tostring(L_, -1);
    lua_pop(L_, 1);
    lua_getfield(L_, -1, "flags");
    f.flags = static_cast<uint32_t>(lua_tointeger(L_, -1));
    lua_pop(L_, 1);
    if (keep)
      lua_setfield(L_, 2, lower(f.name).c_str());
    else
      lua_pop(L_, 1);
    functions.push_back(std::move(f));
  }
  lua_pushnil(L_);
  lua_rawsetp(L_, LUA_REGISTRYINDEX, &loading_key);
  lua_settop(L_, 0);
  if (functions.empty()) {
    error = "ERR No functions registered";
    return false;
  }
  return true;
}

void engine::sync_functions() {
  auto& registry = library_registry::instance();
  auto generation = registry.generation();
  if (generation == functions_generation_)
    return;
  lua_newtable(L_);
  lua_rawsetp(L_, LUA_REGISTRYINDEX, &functions_key);
  for (auto& lib : registry.snapshot()) {
    std::string error;
    std::vector<function_meta> functions;
    auto header = parse_library_header(lib.code, error);
    if (header)
      load_library(lib.code, header->length, functions, error, true);
  }
  functions_generation_ = generation;
}

void engine::call_function(const std::string& name, std::span<const std::string> keys,
                           std::span<const std::string> args, script_host& host,
                           protocol::reply_builder& reply) {
  sync_functions();
  lua_rawgetp(L_, LUA_REGISTRYINDEX, &functions_key);
  lua_getfield(L_, -1, lower(name).c_str());
  if (!lua_istable(L_, -1)) {
    lua_settop(L_, 0);
    return reply.error("ERR Function not found");
  }
  lua_getfield(L_, -1, "callback");
  lua_replace(L_, 1);
  lua_settop(L_, 1);
  // Functions get their keys and args as parameters: the KEYS and ARGV the
  // last EVAL of this thread left in the globals must not show.
  lua_rawgetp(L_, LUA_REGISTRYINDEX, &real_globals_key);
  for (const char* name : {"KEYS", "ARGV"}) {
    lua_pushstring(L_, name);
    lua_pushnil(L_);
    lua_rawset(L_, -3);
  }
  lua_pop(L_, 1);
  push_array(L_, keys);
  push_array(L_, args);
  invoke(2, name, true, host, reply);
}

} // namespace actis::scripting
