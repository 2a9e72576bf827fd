// The `cjson` library: JSON encode/decode as lua-cjson 2.1.0 behaves inside
// Redis 7.0 - its number format ("%.14g" by default), its escaping ('/' is
// written "\/"), its array detection and sparse-array rule, its error texts
// and its configuration functions (encode_sparse_array, encode_max_depth,
// decode_max_depth, encode_number_precision, encode_keep_buffer,
// encode_invalid_numbers, decode_invalid_numbers), `new` for a table with a
// configuration of its own, and `null` (a NULL light userdata).
//
// Errors inside the encoder and the parser are C++ exceptions, raised as Lua
// errors only once the C++ objects are gone (a Lua error is a longjmp).
// Decoded numbers follow the rule in lua_libs.hpp: cjson.decode("1") is the
// integer 1, cjson.decode("1.5") and cjson.decode("1e15") are floats.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>

#include <strings.h>

#include "scripting/lua_libs.hpp"

namespace actis::scripting {
namespace {

/// Raises the message on top of the stack, prefixed by the position of the
/// calling Lua line, as luaL_error would have written it (the message was
/// built while C++ objects were alive, which lua_error must not skip).
int raise_at_caller(lua_State* L) {
  luaL_where(L, 1);
  lua_insert(L, -2);
  lua_concat(L, 2);
  return lua_error(L);
}

enum class invalid_numbers : int { off = 0, on = 1, null = 2 };

struct config {
  bool sparse_convert = false;
  int sparse_ratio = 2;
  int sparse_safe = 10;
  int encode_max_depth = 1000;
  int decode_max_depth = 1000;
  int number_precision = 14;
  bool keep_buffer = true;
  invalid_numbers encode_invalid = invalid_numbers::off;
  bool decode_invalid = true;
};

// An error message to raise as a Lua error once the C++ frames are unwound.
struct lua_failure {
  std::string message;
};

config& config_of(lua_State* L) {
  return *static_cast<config*>(lua_touserdata(L, lua_upvalueindex(1)));
}

void push_number(lua_State* L, double d) {
  if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 1e14 && !(d == 0 && std::signbit(d)))
    lua_pushinteger(L, static_cast<lua_Integer>(d));
  else
    lua_pushnumber(L, d);
}

// ---- configuration -------------------------------------------------------

// Every configuration function takes at most `args` arguments (missing ones
// are nil) and returns the current settings.
config& config_args(lua_State* L, int args) {
  luaL_argcheck(L, lua_gettop(L) <= args, args + 1, "found too many arguments");
  lua_settop(L, args);
  return config_of(L);
}

// A 5.1 integer argument: any number, truncated.
void integer_option(lua_State* L, int idx, int& setting, int min, int max) {
  if (!lua_isnil(L, idx)) {
    const double n = luaL_checknumber(L, idx);
    const int64_t value = std::isnan(n) ? INT64_MIN : static_cast<int64_t>(std::fmax(std::fmin(n, 9e18), -9e18));
    const auto truncated = static_cast<int>(value);  // as 5.1's lua_Integer -> int
    if (!(min <= truncated && truncated <= max)) {
      luaL_argerror(L, 1, lua_pushfstring(L, "expected integer between %d and %d", min, max));
    }
    setting = truncated;
  }
  lua_pushinteger(L, setting);
}

// An option given as a boolean or one of `names`; returned as a boolean when
// it is off or on, else as its name.
template <typename T>
void enum_option(lua_State* L, int idx, T& setting, const char* const* names) {
  if (!lua_isnil(L, idx)) {
    if (lua_isboolean(L, idx))
      setting = static_cast<T>(lua_toboolean(L, idx));
    else
      setting = static_cast<T>(luaL_checkoption(L, idx, nullptr, names));
  }
  const int value = static_cast<int>(setting);
  if (value == 0 || value == 1)
    lua_pushboolean(L, value);
  else
    lua_pushstring(L, names[value]);
}

constexpr const char* on_off[] = {"off", "on", nullptr};
constexpr const char* on_off_null[] = {"off", "on", "null", nullptr};

int cfg_encode_sparse_array(lua_State* L) {
  config& cfg = config_args(L, 3);
  enum_option(L, 1, cfg.sparse_convert, on_off);
  integer_option(L, 2, cfg.sparse_ratio, 0, INT32_MAX);
  integer_option(L, 3, cfg.sparse_safe, 0, INT32_MAX);
  return 3;
}

int cfg_encode_max_depth(lua_State* L) {
  config& cfg = config_args(L, 1);
  integer_option(L, 1, cfg.encode_max_depth, 1, INT32_MAX);
  return 1;
}

int cfg_decode_max_depth(lua_State* L) {
  config& cfg = config_args(L, 1);
  integer_option(L, 1, cfg.decode_max_depth, 1, INT32_MAX);
  return 1;
}

int cfg_encode_number_precision(lua_State* L) {
  config& cfg = config_args(L, 1);
  integer_option(L, 1, cfg.number_precision, 1, 14);
  return 1;
}

int cfg_encode_keep_buffer(lua_State* L) {
  config& cfg = config_args(L, 1);
  enum_option(L, 1, cfg.keep_buffer, on_off);
  return 1;
}

int cfg_encode_invalid_numbers(lua_State* L) {
  config& cfg = config_args(L, 1);
  enum_option(L, 1, cfg.encode_invalid, on_off_null);
  return 1;
}

int cfg_decode_invalid_numbers(lua_State* L) {
  config& cfg = config_args(L, 1);
  enum_option(L, 1, cfg.decode_invalid, on_off);
  return 1;
}

// ---- encoding ------------------------------------------------------------

// 5.1 let a C function hold at most 8000 stack slots. lua-cjson checks for 3
// free ones before each table it encodes or decodes, so past the configured
// depths deep documents still fail - at depth 4000 for objects (key and
// value per level) and about 8000 for arrays (one slot per level). The
// encoder and the parser count the slots lua-cjson would hold to fail at the
// same depth (which also bounds the C recursion).
constexpr int lua51_stack_slots = 8000;

class encoder {
 public:
  encoder(lua_State* L, const config& cfg) : L_(L), cfg_(cfg) {}

  std::string& out() { return out_; }

  // Appends the value on top of the stack; leaves the stack as it was.
  void value(int depth) {
    switch (lua_type(L_, -1)) {
      case LUA_TSTRING: string(-1); break;
      case LUA_TNUMBER: number(-1); break;
      case LUA_TBOOLEAN: out_ += lua_toboolean(L_, -1) ? "true" : "false"; break;
      case LUA_TTABLE: table(depth + 1); break;
      case LUA_TNIL: out_ += "null"; break;
      case LUA_TLIGHTUSERDATA:
        if (lua_touserdata(L_, -1) == nullptr) {
          out_ += "null";
          break;
        }
        [[fallthrough]];
      default: fail(-1, "type not supported");
    }
  }

 private:
  [[noreturn]] void fail(int idx, const char* reason) {
    throw lua_failure{std::string("Cannot serialise ") + luaL_typename(L_, idx) + ": " + reason};
  }

  void string(int idx) {
    size_t len;
    const char* s = lua_tolstring(L_, idx, &len);
    out_.reserve(out_.size() + len + 2);
    out_ += '"';
    for (size_t i = 0; i < len; ++i) {
      const auto c = static_cast<unsigned char>(s[i]);
      switch (c) {
        case '"': out_ += "\\\""; break;
        case '\\': out_ += "\\\\"; break;
        case '/': out_ += "\\/"; break;
        case '\b': out_ += "\\b"; break;
        case '\f': out_ += "\\f"; break;
        case '\n': out_ += "\\n"; break;
        case '\r': out_ += "\\r"; break;
        case '\t': out_ += "\\t"; break;
        default:
          if (c < 0x20 || c == 0x7f) {
            char esc[8];
            std::snprintf(esc, sizeof esc, "\\u%04x", c);
            out_ += esc;
          } else {
            out_ += static_cast<char>(c);
          }
      }
    }
    out_ += '"';
  }

  // Numbers are doubles to cjson: a 5.4 integer is formatted as the double
  // nearest to it.
  void number(int idx) {
    const double d = lua_tonumber(L_, idx);
    if (std::isnan(d) || std::isinf(d)) {
      switch (cfg_.encode_invalid) {
        case invalid_numbers::off: fail(idx, "must not be NaN or Inf");
        case invalid_numbers::null: out_ += "null"; return;
        case invalid_numbers::on:
          if (std::isnan(d)) {
            out_ += "nan";
            return;
          }
          break;
      }
    }
    char buf[32];
    const int n = std::snprintf(buf, sizeof buf, "%.*g", cfg_.number_precision, d);
    out_.append(buf, static_cast<size_t>(n));
  }

  // The table's array length when its keys are all integers >= 1 (0 for an
  // empty table), or -1 when it is to be written as an object. lua-cjson
  // keeps the largest key in an int: a key from 2^31 on stores INT_MIN
  // there (x86-64), which makes the table an object unless a later key is
  // larger again.
  int array_length() {
    int max = 0;
    int64_t items = 0;
    lua_pushnil(L_);
    while (lua_next(L_, -2) != 0) {
      lua_pop(L_, 1);
      if (lua_type(L_, -1) == LUA_TNUMBER) {
        const double k = lua_tonumber(L_, -1);
        if (k >= 1 && std::floor(k) == k) {
          if (k > max) max = k < 2147483648.0 ? static_cast<int>(k) : INT32_MIN;
          ++items;
          continue;
        }
      }
      lua_pop(L_, 1);
      return -1;
    }
    if (cfg_.sparse_ratio > 0 && max > items * cfg_.sparse_ratio && max > cfg_.sparse_safe) {
      if (!cfg_.sparse_convert) fail(-1, "excessively sparse array");
      return -1;
    }
    return max;
  }

  void table(int depth) {
    if (depth > cfg_.encode_max_depth || slots_ + 3 > lua51_stack_slots || !lua_checkstack(L_, 3))
      throw lua_failure{"Cannot serialise, excessive nesting (" + std::to_string(depth) + ")"};
    const int len = array_length();
    if (len > 0) {
      out_ += '[';
      for (int i = 1; i <= len; ++i) {
        if (i > 1) out_ += ',';
        lua_rawgeti(L_, -1, i);
        ++slots_;
        value(depth);
        --slots_;
        lua_pop(L_, 1);
      }
      out_ += ']';
      return;
    }
    out_ += '{';
    bool first = true;
    lua_pushnil(L_);
    while (lua_next(L_, -2) != 0) {
      if (!first) out_ += ',';
      first = false;
      const int key_type = lua_type(L_, -2);
      if (key_type == LUA_TNUMBER) {
        out_ += '"';
        number(-2);
        out_ += "\":";
      } else if (key_type == LUA_TSTRING) {
        string(-2);
        out_ += ':';
      } else {
        fail(-2, "table key must be a number or string");
      }
      slots_ += 2;
      value(depth);
      slots_ -= 2;
      lua_pop(L_, 1);
    }
    out_ += '}';
  }

  lua_State* L_;
  const config& cfg_;
  std::string out_;
  int slots_ = 1;  // the 5.1 stack slots lua-cjson would hold: the argument, ...
};

int json_encode(lua_State* L) {
  luaL_argcheck(L, lua_gettop(L) == 1, 1, "expected 1 argument");
  bool failed = false;
  {
    encoder enc(L, config_of(L));
    try {
      enc.value(0);
      lua_pushlstring(L, enc.out().data(), enc.out().size());
    } catch (const lua_failure& e) {
      lua_pushlstring(L, e.message.data(), e.message.size());
      failed = true;
    }
  }
  return failed ? raise_at_caller(L) : 1;
}

// ---- decoding ------------------------------------------------------------

enum class token_type {
  obj_begin, obj_end, arr_begin, arr_end, string, number, boolean, null, colon, comma, end, error
};

// The names lua-cjson prints in its parse errors.
constexpr const char* token_names[] = {"T_OBJ_BEGIN", "T_OBJ_END", "T_ARR_BEGIN", "T_ARR_END",
                                       "T_STRING",    "T_NUMBER",  "T_BOOLEAN",   "T_NULL",
                                       "T_COLON",     "T_COMMA",   "T_END",       "T_ERROR"};

struct token {
  token_type type = token_type::end;
  size_t index = 0;  // of the token's start, or of the fault for errors
  double number = 0;
  bool boolean = false;
  const char* error = nullptr;
};

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

int hex4(const char* p) {
  int v = 0;
  for (int i = 0; i < 4; ++i) {
    const int d = hex_digit(p[i]);
    if (d < 0) return -1;
    v = (v << 4) | d;
  }
  return v;
}

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xc0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xe0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else {
    out += static_cast<char>(0xf0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  }
}

// A token that starts like a number but is not JSON: '+', hex, leading
// zeros, inf and nan. decode_invalid_numbers decides whether strtod gets them.
bool is_invalid_number(const char* p) {
  if (*p == '+') return true;
  if (*p == '-') ++p;
  if (*p == '0') {
    const char c = p[1];
    return (c | 0x20) == 'x' || (c >= '0' && c <= '9');
  }
  if (*p <= '9') return false;
  return strncasecmp(p, "inf", 3) == 0 || strncasecmp(p, "nan", 3) == 0;
}

// A recursive-descent parser over a NUL-terminated buffer (Lua strings are):
// a NUL byte ends the document, as in lua-cjson.
class parser {
 public:
  parser(lua_State* L, const config& cfg, const char* data) : L_(L), cfg_(cfg), data_(data), p_(data) {}

  // Pushes the document's value; throws lua_failure on a syntax error.
  void document() {
    token t;
    next(t);
    value(t);
    next(t);
    if (t.type != token_type::end) expected("the end", t);
  }

 private:
  [[noreturn]] void expected(const char* what, const token& t) {
    const char* found = t.type == token_type::error ? t.error : token_names[static_cast<int>(t.type)];
    throw lua_failure{std::string("Expected ") + what + " but found " + found + " at character " +
                      std::to_string(t.index + 1)};
  }

  void set_error(token& t, const char* what) {
    t.type = token_type::error;
    t.index = static_cast<size_t>(p_ - data_);
    t.error = what;
  }

  void next(token& t) {
    while (*p_ == ' ' || *p_ == '\t' || *p_ == '\n' || *p_ == '\r') ++p_;
    t.index = static_cast<size_t>(p_ - data_);
    const char c = *p_;
    switch (c) {
      case '\0': t.type = token_type::end; return;
      case '{': t.type = token_type::obj_begin; ++p_; return;
      case '}': t.type = token_type::obj_end; ++p_; return;
      case '[': t.type = token_type::arr_begin; ++p_; return;
      case ']': t.type = token_type::arr_end; ++p_; return;
      case ':': t.type = token_type::colon; ++p_; return;
      case ',': t.type = token_type::comma; ++p_; return;
      case '"': string_token(t); return;
      default: break;
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
      if (!cfg_.decode_invalid && is_invalid_number(p_)) return set_error(t, "invalid number");
      return number_token(t);
    }
    if (std::strncmp(p_, "true", 4) == 0) {
      t.type = token_type::boolean;
      t.boolean = true;
      p_ += 4;
    } else if (std::strncmp(p_, "false", 5) == 0) {
      t.type = token_type::boolean;
      t.boolean = false;
      p_ += 5;
    } else if (std::strncmp(p_, "null", 4) == 0) {
      t.type = token_type::null;
      p_ += 4;
    } else if (cfg_.decode_invalid && is_invalid_number(p_)) {
      number_token(t);
    } else {
      set_error(t, "invalid token");
    }
  }

  void number_token(token& t) {
    char* end;
    t.number = std::strtod(p_, &end);
    if (end == p_) return set_error(t, "invalid number");
    t.type = token_type::number;
    p_ = end;
  }

  // The string's bytes go to scratch_, valid until the next string token.
  void string_token(token& t) {
    scratch_.clear();
    ++p_;
    while (*p_ != '"') {
      if (*p_ == '\0') return set_error(t, "unexpected end of string");
      if (*p_ != '\\') {
        scratch_ += *p_++;
        continue;
      }
      switch (p_[1]) {
        case '"': scratch_ += '"'; break;
        case '\\': scratch_ += '\\'; break;
        case '/': scratch_ += '/'; break;
        case 'b': scratch_ += '\b'; break;
        case 'f': scratch_ += '\f'; break;
        case 'n': scratch_ += '\n'; break;
        case 'r': scratch_ += '\r'; break;
        case 't': scratch_ += '\t'; break;
        case 'u':
          if (!unicode_escape()) return set_error(t, "invalid unicode escape code");
          continue;
        default: return set_error(t, "invalid escape code");
      }
      p_ += 2;
    }
    ++p_;
    t.type = token_type::string;
  }

  // \uXXXX at p_ (a high surrogate must be followed by \uXXXX with the low
  // one); appends the UTF-8 bytes and moves past the escape(s).
  bool unicode_escape() {
    int cp = hex4(p_ + 2);
    if (cp < 0) return false;
    int length = 6;
    if ((cp & 0xf800) == 0xd800) {
      if (cp & 0x400) return false;
      if (p_[6] != '\\' || p_[7] != 'u') return false;
      const int low = hex4(p_ + 8);
      if (low < 0 || (low & 0xfc00) != 0xdc00) return false;
      cp = (((cp & 0x3ff) << 10) | (low & 0x3ff)) + 0x10000;
      length = 12;
    }
    append_utf8(scratch_, static_cast<uint32_t>(cp));
    p_ += length;
    return true;
  }

  void descend(int slots) {
    ++depth_;
    if (depth_ <= cfg_.decode_max_depth && slots_ + slots <= lua51_stack_slots && lua_checkstack(L_, slots)) return;
    throw lua_failure{"Found too many nested data structures (" + std::to_string(depth_) + ") at character " +
                      std::to_string(p_ - data_)};
  }

  void value(token& t) {
    switch (t.type) {
      case token_type::string: lua_pushlstring(L_, scratch_.data(), scratch_.size()); return;
      case token_type::number: push_number(L_, t.number); return;
      case token_type::boolean: lua_pushboolean(L_, t.boolean); return;
      case token_type::null: lua_pushlightuserdata(L_, nullptr); return;
      case token_type::obj_begin: object(); return;
      case token_type::arr_begin: array(); return;
      default: expected("value", t);
    }
  }

  void object() {
    descend(3);
    lua_newtable(L_);
    ++slots_;
    token t;
    next(t);
    if (t.type != token_type::obj_end) {
      for (;;) {
        if (t.type != token_type::string) expected("object key string", t);
        lua_pushlstring(L_, scratch_.data(), scratch_.size());
        ++slots_;
        next(t);
        if (t.type != token_type::colon) expected("colon", t);
        next(t);
        value(t);
        lua_rawset(L_, -3);
        --slots_;
        next(t);
        if (t.type == token_type::obj_end) break;
        if (t.type != token_type::comma) expected("comma or object end", t);
        next(t);
      }
    }
    --slots_;
    --depth_;
  }

  void array() {
    descend(2);
    lua_newtable(L_);
    ++slots_;
    token t;
    next(t);
    if (t.type != token_type::arr_end) {
      for (lua_Integer i = 1;; ++i) {
        value(t);
        lua_rawseti(L_, -2, i);
        next(t);
        if (t.type == token_type::arr_end) break;
        if (t.type != token_type::comma) expected("comma or array end", t);
        next(t);
      }
    }
    --slots_;
    --depth_;
  }

  lua_State* L_;
  const config& cfg_;
  const char* data_;
  const char* p_;
  int depth_ = 0;
  int slots_ = 1;  // as in the encoder: the argument, then the open tables and keys
  std::string scratch_;
};

int json_decode(lua_State* L) {
  luaL_argcheck(L, lua_gettop(L) == 1, 1, "expected 1 argument");
  size_t len;
  const char* data = luaL_checklstring(L, 1, &len);
  // UTF-16 and UTF-32 put a NUL in one of the first two bytes.
  if (len >= 2 && (data[0] == '\0' || data[1] == '\0'))
    luaL_error(L, "JSON parser does not support UTF-16 or UTF-32");
  bool failed = false;
  {
    parser parse(L, config_of(L), data);
    try {
      parse.document();
    } catch (const lua_failure& e) {
      lua_settop(L, 1);
      lua_pushlstring(L, e.message.data(), e.message.size());
      failed = true;
    }
  }
  return failed ? raise_at_caller(L) : 1;
}

// ---- the library table ---------------------------------------------------

int json_new(lua_State* L);

constexpr luaL_Reg cjson_functions[] = {{"encode", json_encode},
                                        {"decode", json_decode},
                                        {"encode_sparse_array", cfg_encode_sparse_array},
                                        {"encode_max_depth", cfg_encode_max_depth},
                                        {"decode_max_depth", cfg_decode_max_depth},
                                        {"encode_number_precision", cfg_encode_number_precision},
                                        {"encode_keep_buffer", cfg_encode_keep_buffer},
                                        {"encode_invalid_numbers", cfg_encode_invalid_numbers},
                                        {"decode_invalid_numbers", cfg_decode_invalid_numbers},
                                        {"new", json_new},
                                        {nullptr, nullptr}};

// Pushes a cjson table whose functions share one fresh configuration (a
// userdata upvalue, collected with the table).
void push_cjson_table(lua_State* L) {
  lua_newtable(L);
  new (lua_newuserdatauv(L, sizeof(config), 0)) config{};
  luaL_setfuncs(L, cjson_functions, 1);
  lua_pushlightuserdata(L, nullptr);
  lua_setfield(L, -2, "null");
  lua_pushliteral(L, "cjson");
  lua_setfield(L, -2, "_NAME");
  lua_pushliteral(L, "2.1.0");
  lua_setfield(L, -2, "_VERSION");
}

int json_new(lua_State* L) {
  push_cjson_table(L);
  return 1;
}

}  // namespace

void open_cjson(lua_State* L) {
  push_cjson_table(L);
  lua_setglobal(L, "cjson");
}

}  // namespace actis::scripting
