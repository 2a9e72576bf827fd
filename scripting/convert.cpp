// Conversions between RESP replies and Lua values, both ways, as Redis 7.0
// does them (script_lua.c: redisProtocolToLuaType, luaReplyToRedisReply).
#include <cmath>
#include <cstdlib>
#include <string>

#include "scripting/lua_internal.hpp"

namespace actis::scripting::detail {

namespace {

/// Lua values nested deeper than this are replied as an error instead of
/// exhausting the C stack (a table containing itself).
constexpr int max_reply_depth = 1000;

bool read_line(std::string_view& in, std::string_view& line) {
  auto end = in.find("\r\n");
  if (end == std::string_view::npos)
    return false;
  line = in.substr(1, end - 1);
  in.remove_prefix(end + 2);
  return true;
}

bool read_count(std::string_view& in, long long& n) {
  std::string_view line;
  if (!read_line(in, line))
    return false;
  n = std::strtoll(std::string(line).c_str(), nullptr, 10);
  return true;
}

bool read_bulk(std::string_view& in, long long len, std::string_view& s) {
  if (len < 0 || in.size() < static_cast<size_t>(len) + 2)
    return false;
  s = in.substr(0, static_cast<size_t>(len));
  in.remove_prefix(static_cast<size_t>(len) + 2);
  return true;
}

/// {name = <value on top>}: Redis wraps RESP3 types in one-field tables.
void wrap_top(lua_State* L, const char* name) {
  lua_newtable(L);
  lua_insert(L, -2);
  lua_setfield(L, -2, name);
}

/// Lua's number to C's long long the way Redis's (long long) cast of a
/// double behaves on x86-64: out-of-range and NaN give LLONG_MIN.
/// Every Lua 5.1 number is a double, so 5.4 integers go through one too
/// (2^53 + 1 is replied as 2^53, as Redis does).
long long lua_to_integer(lua_State* L, int idx) {
  double d = lua_tonumber(L, idx);
  if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0))
    return INT64_MIN;
  return static_cast<long long>(d);
}

std::string without_newlines(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (c == '\r' || c == '\n')
      c = ' ';
  return out;
}

void reply_value(lua_State* L, protocol::reply_builder& out, int script_resp, int depth);

/// Pushes t[name] of the table on top without metamethods.
void raw_field(lua_State* L, const char* name) {
  lua_pushstring(L, name);
  lua_rawget(L, -2);
}

/// Replies the table on top (not popped) when it is one of Redis's special
/// one-field tables; false if it is a plain array.
bool reply_special_table(lua_State* L, protocol::reply_builder& out, int script_resp,
                         int depth) {
  raw_field(L, "err");
  if (lua_type(L, -1) == LUA_TSTRING) {
    std::string_view line = lua_tostring(L, -1);
    // The table sits below the message now.
    lua_pushstring(L, "ignore_error_stats_update");
    lua_rawget(L, -3);
    bool counted = lua_toboolean(L, -1);
    lua_pop(L, 1);
    if (counted)
      out.error_counted_before(line);
    else
      out.error_verbatim(line);
    lua_pop(L, 1);
    return true;
  }
  lua_pop(L, 1);
  raw_field(L, "ok");
  if (lua_type(L, -1) == LUA_TSTRING) {
    out.simple(without_newlines(lua_tostring(L, -1)));
    lua_pop(L, 1);
    return true;
  }
  lua_pop(L, 1);
  raw_field(L, "double");
  if (lua_type(L, -1) == LUA_TNUMBER) {
    out.dbl(lua_tonumber(L, -1));
    lua_pop(L, 1);
    return true;
  }
  lua_pop(L, 1);
  raw_field(L, "big_number");
  if (lua_type(L, -1) == LUA_TSTRING) {
    size_t len;
    const char* s = lua_tolstring(L, -1, &len);
    out.big_number(without_newlines({s, len}));
    lua_pop(L, 1);
    return true;
  }
  lua_pop(L, 1);
  raw_field(L, "map");
  if (lua_type(L, -1) == LUA_TTABLE) {
    size_t pairs = 0;
    lua_pushnil(L);
    while (lua_next(L, -2) != 0) {
      lua_pop(L, 1);
      ++pairs;
    }
    out.map(pairs);
    lua_pushnil(L);
    while (lua_next(L, -2) != 0) {
      lua_pushvalue(L, -2);
      reply_value(L, out, script_resp, depth + 1);  // the key
      reply_value(L, out, script_resp, depth + 1);  // the value
    }
    lua_pop(L, 1);
    return true;
  }
  lua_pop(L, 1);
  raw_field(L, "set");
  if (lua_type(L, -1) == LUA_TTABLE) {
    size_t n = 0;
    lua_pushnil(L);
    while (lua_next(L, -2) != 0) {
      lua_pop(L, 1);
      ++n;
    }
    out.set(n);
    lua_pushnil(L);
    while (lua_next(L, -2) != 0) {
      lua_pop(L, 1);
      lua_pushvalue(L, -1);
      reply_value(L, out, script_resp, depth + 1);
    }
    lua_pop(L, 1);
    return true;
  }
  lua_pop(L, 1);
  return false;
}

void reply_value(lua_State* L, protocol::reply_builder& out, int script_resp, int depth) {
  if (depth > max_reply_depth || !lua_checkstack(L, 4)) {
    out.error("reached lua stack limit");
    lua_pop(L, 1);
    return;
  }
  switch (lua_type(L, -1)) {
  case LUA_TSTRING: {
    size_t len;
    const char* s = lua_tolstring(L, -1, &len);
    out.bulk({s, len});
    break;
  }
  case LUA_TBOOLEAN:
    if (script_resp == 2) {
      if (lua_toboolean(L, -1))
        out.integer(1);
      else
        out.null();
    } else {
      out.boolean(lua_toboolean(L, -1));
    }
    break;
  case LUA_TNUMBER:
    out.integer(lua_to_integer(L, -1));
    break;
  case LUA_TTABLE: {
    if (reply_special_table(L, out, script_resp, depth))
      break;
    // An array: elements 1, 2, ... up to the first nil, counted first.
    size_t n = 0;
    for (;; ++n) {
      lua_rawgeti(L, -1, static_cast<lua_Integer>(n + 1));
      bool end = lua_isnil(L, -1);
      lua_pop(L, 1);
      if (end)
        break;
    }
    out.array(n);
    for (size_t j = 1; j <= n; ++j) {
      lua_rawgeti(L, -1, static_cast<lua_Integer>(j));
      reply_value(L, out, script_resp, depth + 1);
    }
    break;
  }
  default:
    out.null();
  }
  lua_pop(L, 1);
}

} // namespace

void push_error_table(lua_State* L, std::string_view text) {
  std::string code = "ERR", msg;
  if (!text.empty() && text[0] == '-') {
    auto space = text.find(' ');
    if (space == std::string_view::npos) {
      msg = std::string(text.substr(1));
    } else {
      code = std::string(text.substr(1, space - 1));
      msg = std::string(text.substr(space + 1));
    }
  } else {
    msg = std::string(text);
  }
  while (!msg.empty() && (msg.back() == '\r' || msg.back() == '\n'))
    msg.pop_back();
  while (!msg.empty() && (msg.front() == '\r' || msg.front() == '\n'))
    msg.erase(0, 1);
  std::string full = code + " " + msg;
  lua_newtable(L);
  lua_pushlstring(L, full.data(), full.size());
  lua_setfield(L, -2, "err");
}

bool push_resp(lua_State* L, std::string_view& in) {
  if (in.empty() || !lua_checkstack(L, 5))
    return false;
  std::string_view line, s;
  long long n = 0;
  switch (in[0]) {
  case '+':
    if (!read_line(in, line))
      return false;
    lua_pushlstring(L, line.data(), line.size());
    wrap_top(L, "ok");
    return true;
  case '-':
    if (!read_line(in, line))
      return false;
    push_error_table(L, "-" + std::string(line));
    // The command's error was counted when it was replied.
    lua_pushboolean(L, 1);
    lua_setfield(L, -2, "ignore_error_stats_update");
    return true;
  case ':':
    if (!read_count(in, n))
      return false;
    lua_pushinteger(L, n);
    return true;
  case '$':
    if (!read_count(in, n))
      return false;
    if (n < 0) {
      lua_pushboolean(L, 0);
      return true;
    }
    if (!read_bulk(in, n, s))
      return false;
    lua_pushlstring(L, s.data(), s.size());
    return true;
  case '*':
  case '>':
    if (!read_count(in, n))
      return false;
    if (n < 0) {
      lua_pushboolean(L, 0);
      return true;
    }
    lua_createtable(L, static_cast<int>(n), 0);
    for (long long i = 1; i <= n; ++i) {
      if (!push_resp(L, in)) {
        lua_pop(L, 1);
        return false;
      }
      lua_rawseti(L, -2, i);
    }
    return true;
  case '%':
  case '~': {
    bool is_map = in[0] == '%';
    if (!read_count(in, n))
      return false;
    lua_createtable(L, 0, static_cast<int>(n));
    for (long long i = 0; i < n; ++i) {
      if (!push_resp(L, in)) {
        lua_pop(L, 1);
        return false;
      }
      if (is_map) {
        if (!push_resp(L, in)) {
          lua_pop(L, 2);
          return false;
        }
      } else {
        lua_pushboolean(L, 1);
      }
      lua_settable(L, -3);
    }
    wrap_top(L, is_map ? "map" : "set");
    return true;
  }
  case '|': {
    // Attributes carry no value for the script: skipped, the reply follows.
    if (!read_count(in, n))
      return false;
    for (long long i = 0; i < 2 * n; ++i) {
      if (!push_resp(L, in))
        return false;
      lua_pop(L, 1);
    }
    return push_resp(L, in);
  }
  case '_':
    if (!read_line(in, line))
      return false;
    lua_pushnil(L);
    return true;
  case '#':
    if (!read_line(in, line))
      return false;
    lua_pushboolean(L, line == "t");
    return true;
  case ',': {
    if (!read_line(in, line))
      return false;
    std::string d(line);
    double v = d == "inf" ? HUGE_VAL : d == "-inf" ? -HUGE_VAL : std::strtod(d.c_str(), nullptr);
    lua_pushnumber(L, v);
    wrap_top(L, "double");
    return true;
  }
  case '(':
    if (!read_line(in, line))
      return false;
    lua_pushlstring(L, line.data(), line.size());
    wrap_top(L, "big_number");
    return true;
  case '=': {
    if (!read_count(in, n) || !read_bulk(in, n, s) || s.size() < 4)
      return false;
    lua_newtable(L);
    lua_pushlstring(L, s.data(), 3);
    lua_setfield(L, -2, "format");
    lua_pushlstring(L, s.data() + 4, s.size() - 4);
    lua_setfield(L, -2, "string");
    wrap_top(L, "verbatim_string");
    return true;
  }
  default:
    return false;
  }
}

void reply_from_lua(lua_State* L, protocol::reply_builder& out, int script_resp) {
  reply_value(L, out, script_resp, 0);
}

} // namespace actis::scripting::detail
