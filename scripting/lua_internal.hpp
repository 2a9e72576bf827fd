// Pieces of the engine shared by its source files (not for other users).
#pragma once

#include <lua.hpp>

#include <string>
#include <string_view>

#include "protocol/reply.hpp"
#include "scripting/engine.hpp"

namespace actis::scripting::detail {

// Registry keys of the engine's tables (their addresses are the keys).
inline char scripts_key;        // sha -> compiled EVAL script
inline char functions_key;      // function name -> {callback=, flags=}
inline char loading_key;        // functions registered by the library being loaded
inline char real_globals_key;   // the globals table behind the read-only proxy
inline char globals_meta_key;   // the proxy's metatable (its __index: the globals)
inline char load_api_key;       // what a library's code sees while it loads
inline char readonly_key;       // set of read-only proxies (weak keys)
inline char error_handler_key;  // the message handler of every run

/// The engine owning `L` (kept in the state's extra space).
inline engine*& owner(lua_State* L) { return *static_cast<engine**>(lua_getextraspace(L)); }

/// Pushes Redis's error table {err="CODE msg"} for `text` as
/// luaPushErrorBuff builds it: "-CODE msg" keeps its code, anything else
/// gets "ERR "; trailing CR/LF are trimmed.
void push_error_table(lua_State* L, std::string_view text);

/// Converts one RESP reply at the front of `in` to a Lua value on the stack
/// (Redis's redisProtocolToLuaType) and consumes it. Returns false on
/// malformed input (nothing pushed).
bool push_resp(lua_State* L, std::string_view& in);

/// Writes the Lua value on top of the stack as a reply (Redis's
/// luaReplyToRedisReply) and pops it. `script_resp` is the script's
/// redis.setresp version (it decides how booleans are sent).
void reply_from_lua(lua_State* L, protocol::reply_builder& out, int script_resp);

/// The `redis` global table with its functions and constants.
void open_redis_api(lua_State* L);

/// The globals a library's code sees while FUNCTION LOAD runs it: only a
/// `redis` table with register_function, log and the constants. Pushes it.
void push_load_api(lua_State* L);

/// Replaces the table on top by a read-only proxy of it.
void make_readonly_proxy(lua_State* L);

/// What Lua 5.1 (Redis's Lua) has and 5.4 lacks or spells differently:
/// unpack, loadstring, table.getn, math.mod, 5.1 number formatting...
void open_lua51_compat(lua_State* L);

/// Rewrites a Lua 5.4 error message the way Lua 5.1 words it, where the
/// two differ in ways scripts and clients see (syntax errors, type errors
/// naming a variable).
std::string lua51_message(std::string_view msg);

/// Raises `msg` as Redis raises errors from C (no position prefix).
[[noreturn]] void raise_plain(lua_State* L, std::string_view msg);

} // namespace actis::scripting::detail
