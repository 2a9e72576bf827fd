// Lua 5.1 as Redis's scripts know it, on top of Lua 5.4: the functions 5.4
// dropped or renamed, 5.1's number formatting where scripts observe it
// (tostring, string.format), and Redis's own math.random.
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "scripting/lua_internal.hpp"

namespace actis::scripting::detail {

namespace {

/// 5.1 formats every number with "%.14g" (LUAI_NUMFFORMAT); 5.4 writes
/// floats with an integral value as "5.0".
void push_number_string(lua_State* L, int idx) {
  if (lua_isinteger(L, idx)) {
    lua_pushfstring(L, "%I", static_cast<LUAI_UACINT>(lua_tointeger(L, idx)));
    return;
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.14g", static_cast<double>(lua_tonumber(L, idx)));
  lua_pushstring(L, buf);
}

int compat_tostring(lua_State* L) {
  luaL_checkany(L, 1);
  if (lua_type(L, 1) == LUA_TNUMBER) {
    push_number_string(L, 1);
    return 1;
  }
  luaL_tolstring(L, 1, nullptr);
  return 1;
}

/// Whether only whitespace follows a number 5.1 read (its C string's end).
bool only_spaces(const char* p) {
  while (std::isspace(static_cast<unsigned char>(*p)))
    ++p;
  return *p == '\0';
}

/// 5.1's tonumber. Base 10 keeps 5.4's conversion (so "10" stays an
/// integer) and falls back to 5.1's strtod reading where 5.4 refuses:
/// "inf", "nan", "infinity", and a number that ends at an embedded NUL
/// (5.1 reads the C string). Other bases read with strtoul, as 5.1 did.
int compat_tonumber(lua_State* L) {
  // 5.1 truncates a fractional base.
  auto base = static_cast<lua_Integer>(luaL_optnumber(L, 2, 10));
  if (base == 10) {
    luaL_checkany(L, 1);
    if (lua_type(L, 1) == LUA_TNUMBER) {
      lua_settop(L, 1);
      return 1;
    }
    if (lua_type(L, 1) == LUA_TSTRING) {
      size_t len;
      const char* s = lua_tolstring(L, 1, &len);
      if (lua_stringtonumber(L, s) == len + 1)
        return 1;
      char* end;
      double d = std::strtod(s, &end);
      if (end != s) {
        if (*end == 'x' || *end == 'X')
          d = static_cast<double>(std::strtoul(s, &end, 16));
        if (only_spaces(end)) {
          lua_pushnumber(L, d);
          return 1;
        }
      }
    }
    lua_pushnil(L);
    return 1;
  }
  const char* s = luaL_checkstring(L, 1);
  luaL_argcheck(L, 2 <= base && base <= 36, 2, "base out of range");
  char* end;
  unsigned long n = std::strtoul(s, &end, static_cast<int>(base));
  if (end != s && only_spaces(end)) {
    lua_pushnumber(L, static_cast<double>(n));
    return 1;
  }
  lua_pushnil(L);
  return 1;
}

/// string.format with 5.1's view of numbers: integer conversions truncate
/// floats (5.4 rejects 3.5 for %d) and %s writes floats as 5.1 does.
int compat_format(lua_State* L) {
  size_t len;
  const char* fmt = luaL_checklstring(L, 1, &len);
  int arg = 1;
  for (size_t i = 0; i < len; ++i) {
    if (fmt[i] != '%')
      continue;
    if (++i < len && fmt[i] == '%')
      continue;
    while (i < len && std::strchr("-+ #0123456789.", fmt[i]) != nullptr)
      ++i;
    if (i >= len)
      break;
    ++arg;
    char conv = fmt[i];
    // 5.1's %s takes strings and numbers only.
    if (conv == 's' && arg <= lua_gettop(L) && !lua_isstring(L, arg))
      return luaL_typeerror(L, arg, "string");
    if (arg > lua_gettop(L) || lua_type(L, arg) != LUA_TNUMBER || lua_isinteger(L, arg))
      continue;
    if (std::strchr("diouxXc", conv) != nullptr) {
      double d = lua_tonumber(L, arg);
      if (d >= -9223372036854775808.0 && d < 9223372036854775808.0) {
        lua_pushinteger(L, static_cast<lua_Integer>(d));
        lua_replace(L, arg);
      }
    } else if (conv == 's') {
      push_number_string(L, arg);
      lua_replace(L, arg);
    }
  }
  // The original runs in this same call frame, so its errors name
  // 'format' and the script's line, as when scripts call it directly.
  return lua_tocfunction(L, lua_upvalueindex(1))(L);
}

/// table.concat with 5.1's number formatting ("5", not 5.4's "5.0").
int compat_concat(lua_State* L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  size_t seplen = 0;
  const char* sep = luaL_optlstring(L, 2, "", &seplen);
  lua_Integer first = luaL_optinteger(L, 3, 1);
  lua_Integer last = lua_isnoneornil(L, 4) ? static_cast<lua_Integer>(lua_rawlen(L, 1))
                                            : luaL_checkinteger(L, 4);
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  for (lua_Integer i = first; i <= last; ++i) {
    lua_rawgeti(L, 1, i);
    if (lua_type(L, -1) == LUA_TNUMBER) {
      push_number_string(L, -1);
      lua_remove(L, -2);
    } else if (!lua_isstring(L, -1)) {
      return luaL_error(L, "invalid value (at index %I) in table for 'concat'",
                        static_cast<LUAI_UACINT>(i));
    }
    luaL_addvalue(&b);
    if (i != last)
      luaL_addlstring(&b, sep, seplen);
  }
  luaL_pushresult(&b);
  return 1;
}

int compat_loadstring(lua_State* L) {
  size_t len;
  const char* s = luaL_checklstring(L, 1, &len);
  const char* name = luaL_optstring(L, 2, s);
  if (luaL_loadbufferx(L, s, len, name, "t") == LUA_OK)
    return 1;
  auto msg = lua51_message(lua_tostring(L, -1));
  lua_pop(L, 1);
  lua_pushnil(L);
  lua_pushlstring(L, msg.data(), msg.size());
  return 2;
}

/// 5.1's error: numbers get the position prefix too (5.4 adds it to
/// strings only).
int compat_error(lua_State* L) {
  auto level = static_cast<int>(luaL_optinteger(L, 2, 1));
  lua_settop(L, 1);
  if (lua_type(L, 1) == LUA_TNUMBER && level > 0) {
    luaL_where(L, level);
    lua_pushvalue(L, 1);
    lua_concat(L, 2);
  } else if (lua_type(L, 1) == LUA_TSTRING && level > 0) {
    luaL_where(L, level);
    lua_pushvalue(L, 1);
    lua_concat(L, 2);
  }
  return lua_error(L);
}

/// Redis's pcall: an error table with an `err` field comes back as that
/// string (luaRedisPcall), so `local ok, e = pcall(redis.call, ...)` gives
/// the message.
int redis_pcall(lua_State* L) {
  int argc = lua_gettop(L);
  luaL_checkany(L, 1);
  lua_pushboolean(L, 1);
  lua_insert(L, 1);
  if (lua_pcall(L, argc - 1, LUA_MULTRET, 0) == LUA_OK)
    return lua_gettop(L);
  lua_remove(L, 1);
  if (lua_istable(L, -1)) {
    lua_getfield(L, -1, "err");
    if (lua_isstring(L, -1))
      lua_replace(L, -2);
    else
      lua_pop(L, 1);
  }
  lua_pushboolean(L, 0);
  lua_insert(L, 1);
  return lua_gettop(L);
}

int compat_getn(lua_State* L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_pushinteger(L, static_cast<lua_Integer>(lua_rawlen(L, 1)));
  return 1;
}

int compat_setn(lua_State* L) { return luaL_error(L, "'setn' is obsolete"); }

int compat_maxn(lua_State* L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  double max = 0;
  lua_pushnil(L);
  while (lua_next(L, 1) != 0) {
    lua_pop(L, 1);
    if (lua_type(L, -1) == LUA_TNUMBER) {
      double v = lua_tonumber(L, -1);
      if (v > max)
        max = v;
    }
  }
  if (max == std::floor(max) && max < 9007199254740992.0)
    lua_pushinteger(L, static_cast<lua_Integer>(max));
  else
    lua_pushnumber(L, max);
  return 1;
}

int compat_foreach(lua_State* L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  luaL_checktype(L, 2, LUA_TFUNCTION);
  lua_pushnil(L);
  while (lua_next(L, 1) != 0) {
    lua_pushvalue(L, 2);
    lua_pushvalue(L, -3);
    lua_pushvalue(L, -3);
    lua_call(L, 2, 1);
    if (!lua_isnil(L, -1))
      return 1;
    lua_pop(L, 2);
  }
  return 0;
}

int compat_foreachi(lua_State* L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  luaL_checktype(L, 2, LUA_TFUNCTION);
  auto n = static_cast<lua_Integer>(lua_rawlen(L, 1));
  for (lua_Integer i = 1; i <= n; ++i) {
    lua_pushvalue(L, 2);
    lua_pushinteger(L, i);
    lua_rawgeti(L, 1, i);
    lua_call(L, 2, 1);
    if (!lua_isnil(L, -1))
      return 1;
    lua_pop(L, 1);
  }
  return 0;
}

int compat_pow(lua_State* L) {
  lua_pushnumber(L, std::pow(luaL_checknumber(L, 1), luaL_checknumber(L, 2)));
  return 1;
}
int compat_log10(lua_State* L) {
  lua_pushnumber(L, std::log10(luaL_checknumber(L, 1)));
  return 1;
}
int compat_ldexp(lua_State* L) {
  lua_pushnumber(L, std::ldexp(luaL_checknumber(L, 1), static_cast<int>(luaL_checkinteger(L, 2))));
  return 1;
}
int compat_frexp(lua_State* L) {
  int e = 0;
  lua_pushnumber(L, std::frexp(luaL_checknumber(L, 1), &e));
  lua_pushinteger(L, e);
  return 2;
}
int compat_cosh(lua_State* L) {
  lua_pushnumber(L, std::cosh(luaL_checknumber(L, 1)));
  return 1;
}
int compat_sinh(lua_State* L) {
  lua_pushnumber(L, std::sinh(luaL_checknumber(L, 1)));
  return 1;
}
int compat_tanh(lua_State* L) {
  lua_pushnumber(L, std::tanh(luaL_checknumber(L, 1)));
  return 1;
}
int compat_atan2(lua_State* L) {
  lua_pushnumber(L, std::atan2(luaL_checknumber(L, 1), luaL_checknumber(L, 2)));
  return 1;
}

int compat_gcinfo(lua_State* L) {
  lua_pushinteger(L, lua_gc(L, LUA_GCCOUNT, 0));
  return 1;
}

/// Redis's math.random: its own lrand48 (rand.c), so that the sequence is
/// the one Redis produces, independent of the C library.
uint64_t rand48_state = 0x1234ABCD330EULL;
thread_local uint64_t rand48 = rand48_state;

int32_t redis_lrand48() {
  rand48 = (0x5DEECE66DULL * rand48 + 0xB) & ((1ULL << 48) - 1);
  return static_cast<int32_t>(rand48 >> 17);
}

int redis_math_random(lua_State* L) {
  constexpr int32_t lrand48_max = INT32_MAX;
  double r = static_cast<double>(redis_lrand48() % lrand48_max) / lrand48_max;
  switch (lua_gettop(L)) {
  case 0:
    lua_pushnumber(L, r);
    break;
  case 1: {
    auto u = static_cast<int>(luaL_checknumber(L, 1));
    luaL_argcheck(L, 1 <= u, 1, "interval is empty");
    lua_pushinteger(L, static_cast<lua_Integer>(std::floor(r * u)) + 1);
    break;
  }
  case 2: {
    auto l = static_cast<int>(luaL_checknumber(L, 1));
    auto u = static_cast<int>(luaL_checknumber(L, 2));
    luaL_argcheck(L, l <= u, 2, "interval is empty");
    lua_pushinteger(L, static_cast<lua_Integer>(std::floor(r * (u - l + 1))) + l);
    break;
  }
  default:
    return luaL_error(L, "wrong number of arguments");
  }
  return 1;
}

int redis_math_randomseed(lua_State* L) {
  auto seed = static_cast<uint32_t>(static_cast<int32_t>(luaL_checknumber(L, 1)));
  rand48 = (static_cast<uint64_t>(seed) << 16) | 0x330E;
  return 0;
}

void set_field(lua_State* L, const char* table, const char* name, lua_CFunction f) {
  lua_getglobal(L, table);
  lua_pushcfunction(L, f);
  lua_setfield(L, -2, name);
  lua_pop(L, 1);
}

void alias_field(lua_State* L, const char* table, const char* name, const char* from) {
  lua_getglobal(L, table);
  lua_getfield(L, -1, from);
  lua_setfield(L, -2, name);
  lua_pop(L, 1);
}

} // namespace

std::string lua51_message(std::string_view msg) {
  std::string out(msg);
  // The parser quotes every token in 5.1 ('<eof>').
  for (auto pos = out.find("<eof>"); pos != std::string::npos; pos = out.find("<eof>", pos + 6)) {
    if (pos == 0 || out[pos - 1] != '\'') {
      out.replace(pos, 5, "'<eof>'");
      ++pos;
    }
  }
  if (auto pos = out.find("invalid conversion '"); pos != std::string::npos)
    out.replace(pos, 20, "invalid option '");
  // An expression statement that is not a call: 5.1 expected an assignment.
  if (auto pos = out.find(": syntax error near "); pos != std::string::npos)
    out.replace(pos, 20, ": '=' expected near ");
  // "attempt to OP a TYPE value (KIND 'NAME')" is 5.1's
  // "attempt to OP KIND 'NAME' (a TYPE value)".
  auto at = out.find("attempt to ");
  if (at != std::string::npos && !out.empty() && out.back() == ')') {
    auto paren = out.rfind(" (");
    auto value = out.rfind(" value (");
    auto a = value == std::string::npos ? std::string::npos : out.rfind(" a ", value);
    if (paren != std::string::npos && value != std::string::npos && value + 6 == paren &&
        a != std::string::npos && a > at) {
      auto var = out.substr(paren + 2, out.size() - paren - 3);
      auto type = out.substr(a + 3, value - a - 3);
      // 5.1 names no constants: "attempt to call a string value".
      if (var.substr(0, 9) == "constant ")
        out = out.substr(0, paren);
      else if (var.find(" '") != std::string::npos && type.find(' ') == std::string::npos)
        out = out.substr(0, a) + " " + var + " (a " + type + " value)";
    }
  }
  return out;
}

void open_lua51_compat(lua_State* L) {
  lua_getglobal(L, "table");
  lua_getfield(L, -1, "unpack");
  lua_setglobal(L, "unpack");
  lua_pop(L, 1);
  lua_register(L, "loadstring", compat_loadstring);
  lua_register(L, "tostring", compat_tostring);
  lua_register(L, "tonumber", compat_tonumber);
  lua_register(L, "gcinfo", compat_gcinfo);
  lua_register(L, "error", compat_error);
  lua_register(L, "pcall", redis_pcall);
  lua_pushstring(L, "Lua 5.1");
  lua_setglobal(L, "_VERSION");

  set_field(L, "table", "getn", compat_getn);
  set_field(L, "table", "concat", compat_concat);
  set_field(L, "table", "setn", compat_setn);
  set_field(L, "table", "maxn", compat_maxn);
  set_field(L, "table", "foreach", compat_foreach);
  set_field(L, "table", "foreachi", compat_foreachi);

  alias_field(L, "math", "mod", "fmod");
  set_field(L, "math", "pow", compat_pow);
  set_field(L, "math", "log10", compat_log10);
  set_field(L, "math", "ldexp", compat_ldexp);
  set_field(L, "math", "frexp", compat_frexp);
  set_field(L, "math", "cosh", compat_cosh);
  set_field(L, "math", "sinh", compat_sinh);
  set_field(L, "math", "tanh", compat_tanh);
  set_field(L, "math", "atan2", compat_atan2);
  set_field(L, "math", "random", redis_math_random);
  set_field(L, "math", "randomseed", redis_math_randomseed);
  // 5.1 has no integer subtype.
  lua_getglobal(L, "math");
  for (const char* name : {"tointeger", "type", "ult", "maxinteger", "mininteger"}) {
    lua_pushnil(L);
    lua_setfield(L, -2, name);
  }
  lua_pop(L, 1);

  alias_field(L, "string", "gfind", "gmatch");
  lua_getglobal(L, "string");
  lua_getfield(L, -1, "format");
  lua_pushcclosure(L, compat_format, 1);
  lua_setfield(L, -2, "format");
  for (const char* name : {"pack", "unpack", "packsize"}) {
    lua_pushnil(L);
    lua_setfield(L, -2, name);
  }
  lua_pop(L, 1);
}

} // namespace actis::scripting::detail
