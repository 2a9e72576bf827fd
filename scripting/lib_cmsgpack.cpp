// The `cmsgpack` library: MessagePack pack/unpack as lua-cmsgpack 0.4.0
// behaves inside Redis 7.0 (built for Lua 5.1).
//
// pack(v1, v2, ...) packs each value and returns the concatenation. Numbers
// are doubles to it: an integral value in int64 range packs as the smallest
// integer format, any other as a float32 when that is exact, else a float64.
// A table whose keys are exactly 1..n (n fitting an int) is an array (so {}
// is an empty array), any other a map; tables nested 16 deep pack as nil, as
// do functions, userdata and threads.
//
// unpack(s) returns every value in s; unpack_one(s [, offset]) and
// unpack_limit(s, limit [, offset]) return the offset of the next value (-1
// at the end) followed by the values. bin, ext and 0xc1 are "Bad data
// format"; a truncated value is "Missing bytes". Redis's 5.1 stack held 8000
// slots; the stack overflow errors it gives for deep nesting or too many
// results are reproduced by counting the slots its decoder would use.
//
// Packing is msgpack-cxx's packer (its integer, string, array and map
// formats are cmsgpack's); floats are written by pack_number.
// Unpacking is a cursor of our own: cmsgpack decides bad format from the
// first byte before it needs any length (a truncated bin is "Bad data
// format", not missing bytes), fails at the first bad byte of a stream whose
// earlier values are fine, and sets map entries one by one (a nil key fails
// when it is stored) - a general parser reports these differently.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <new>
#include <string>

#include <msgpack.hpp>

#include "scripting/lua_libs.hpp"

namespace actis::scripting {
namespace {

constexpr int max_nesting = 16;
constexpr int lua51_stack_slots = 8000;

using packer = msgpack::packer<msgpack::sbuffer>;

void push_number(lua_State* L, double d) {
  if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 1e14 && !(d == 0 && std::signbit(d)))
    lua_pushinteger(L, static_cast<lua_Integer>(d));
  else
    lua_pushnumber(L, d);
}

// ---- pack ----------------------------------------------------------------

// Floats are written by hand: msgpack-cxx's pack_float/pack_double turn an
// integral value into an integer format, and cmsgpack writes 2^63 (not an
// int64) as a float32.
void pack_number(packer& pk, msgpack::sbuffer& out, double d) {
  if (d >= -9223372036854775808.0 && d < 9223372036854775808.0 && d == std::trunc(d)) {
    pk.pack_int64(static_cast<int64_t>(d));
    return;
  }
  const auto f = static_cast<float>(d);
  char buf[9];
  size_t len;
  uint64_t bits;
  if (static_cast<double>(f) == d) {
    uint32_t fbits;
    std::memcpy(&fbits, &f, sizeof fbits);
    buf[0] = static_cast<char>(0xca);
    bits = fbits;
    len = 4;
  } else {
    std::memcpy(&bits, &d, sizeof bits);
    buf[0] = static_cast<char>(0xcb);
    len = 8;
  }
  for (size_t i = 0; i < len; ++i) buf[len - i] = static_cast<char>((bits >> (8 * i)) & 0xff);
  out.write(buf, len + 1);
}

// True when the table on top has exactly the keys 1..n (n >= 0).
bool is_array(lua_State* L) {
  int64_t count = 0;
  double max = 0;
  lua_pushnil(L);
  while (lua_next(L, -2) != 0) {
    lua_pop(L, 1);
    const double k = lua_type(L, -1) == LUA_TNUMBER ? lua_tonumber(L, -1) : 0;
    if (!(k > 0 && k <= INT32_MAX && k == std::floor(k))) {
      lua_pop(L, 1);
      return false;
    }
    if (k > max) max = k;
    ++count;
  }
  return max == static_cast<double>(count);
}

// Packs the value on top of the stack and pops it.
void pack_value(lua_State* L, packer& pk, msgpack::sbuffer& out, int level) {
  int type = lua_type(L, -1);
  if (type == LUA_TTABLE && (level == max_nesting || !lua_checkstack(L, 3))) type = LUA_TNIL;
  switch (type) {
    case LUA_TSTRING: {
      size_t len;
      const char* s = lua_tolstring(L, -1, &len);
      pk.pack_str(static_cast<uint32_t>(len));
      pk.pack_str_body(s, static_cast<uint32_t>(len));
      break;
    }
    case LUA_TBOOLEAN:
      if (lua_toboolean(L, -1))
        pk.pack_true();
      else
        pk.pack_false();
      break;
    case LUA_TNUMBER: pack_number(pk, out, lua_tonumber(L, -1)); break;
    case LUA_TTABLE:
      if (is_array(L)) {
        const auto len = static_cast<lua_Integer>(lua_rawlen(L, -1));
        pk.pack_array(static_cast<uint32_t>(len));
        for (lua_Integer i = 1; i <= len; ++i) {
          lua_rawgeti(L, -1, i);
          pack_value(L, pk, out, level + 1);
        }
      } else {
        uint32_t count = 0;
        lua_pushnil(L);
        while (lua_next(L, -2) != 0) {
          lua_pop(L, 1);
          ++count;
        }
        pk.pack_map(count);
        lua_pushnil(L);
        while (lua_next(L, -2) != 0) {
          lua_pushvalue(L, -2);
          pack_value(L, pk, out, level + 1);  // the key
          pack_value(L, pk, out, level + 1);  // the value
        }
      }
      break;
    default: pk.pack_nil(); break;
  }
  lua_pop(L, 1);
}

int mp_pack(lua_State* L) {
  const int nargs = lua_gettop(L);
  if (nargs == 0) return luaL_argerror(L, 0, "MessagePack pack needs input.");
  bool out_of_memory = false;
  {
    msgpack::sbuffer buffer;
    try {
      packer pk(buffer);
      for (int i = 1; i <= nargs; ++i) {
        lua_pushvalue(L, i);
        pack_value(L, pk, buffer, 0);
      }
      lua_pushlstring(L, buffer.data(), buffer.size());
    } catch (const std::bad_alloc&) {
      out_of_memory = true;
    }
  }
  if (out_of_memory) return luaL_error(L, "not enough memory");
  return 1;
}

// ---- unpack --------------------------------------------------------------

// An unpack error: raised with the caller's position (luaL_error) or, for
// the table index errors Lua itself raised in Redis, without.
struct unpack_failure {
  std::string message;
  bool with_position = true;
};

[[noreturn]] void missing_bytes() { throw unpack_failure{"Missing bytes in input."}; }
[[noreturn]] void bad_format() { throw unpack_failure{"Bad data format in input."}; }

class unpacker {
 public:
  unpacker(lua_State* L, const unsigned char* p, size_t left, int slots)
      : L_(L), p_(p), left_(left), slots_(slots) {}

  size_t left() const { return left_; }

  // One top-level value, pushed.
  void top_value() {
    check_slots("too many return values at once; use unpack_one or unpack_limit instead.");
    value();
  }

  // Room for the offset unpack_one/unpack_limit push in front.
  void reserve_offset() { check_slots("in function mp_unpack_full"); }

 private:
  void check_slots(const char* where) {
    if (slots_ + 1 > lua51_stack_slots || !lua_checkstack(L_, 4))
      throw unpack_failure{std::string("stack overflow (") + where + ")"};
  }

  void need(size_t n) const {
    if (left_ < n) missing_bytes();
  }

  void consume(size_t n) {
    p_ += n;
    left_ -= n;
  }

  uint64_t big_endian(size_t offset, size_t bytes) const {
    uint64_t v = 0;
    for (size_t i = 0; i < bytes; ++i) v = (v << 8) | p_[offset + i];
    return v;
  }

  // A fixed-size scalar: `bytes` after the type byte, pushed as a number.
  void integer(size_t bytes, bool is_signed) {
    need(1 + bytes);
    const uint64_t raw = big_endian(1, bytes);
    int64_t v;
    if (!is_signed) {
      v = static_cast<int64_t>(raw);  // 0xcf above 2^63 wraps, as in Redis
    } else {
      const unsigned shift = static_cast<unsigned>(64 - 8 * bytes);
      v = static_cast<int64_t>(raw << shift) >> shift;
    }
    consume(1 + bytes);
    push(static_cast<double>(v));
  }

  void string(size_t length_bytes) {
    need(1 + length_bytes);
    const auto len = static_cast<size_t>(big_endian(1, length_bytes));
    need(1 + length_bytes + len);
    lua_pushlstring(L_, reinterpret_cast<const char*>(p_ + 1 + length_bytes), len);
    ++slots_;
    consume(1 + length_bytes + len);
  }

  void push(double d) {
    push_number(L_, d);
    ++slots_;
  }

  void value() {
    need(1);
    const unsigned char c = p_[0];
    switch (c) {
      case 0xcc: return integer(1, false);
      case 0xcd: return integer(2, false);
      case 0xce: return integer(4, false);
      case 0xcf: return integer(8, false);
      case 0xd0: return integer(1, true);
      case 0xd1: return integer(2, true);
      case 0xd2: return integer(4, true);
      case 0xd3: return integer(8, true);
      case 0xc0: lua_pushnil(L_); ++slots_; return consume(1);
      case 0xc2: lua_pushboolean(L_, 0); ++slots_; return consume(1);
      case 0xc3: lua_pushboolean(L_, 1); ++slots_; return consume(1);
      case 0xca: {
        need(5);
        const auto bits = static_cast<uint32_t>(big_endian(1, 4));
        float f;
        std::memcpy(&f, &bits, sizeof f);
        consume(5);
        return push(static_cast<double>(f));
      }
      case 0xcb: {
        need(9);
        const uint64_t bits = big_endian(1, 8);
        double d;
        std::memcpy(&d, &bits, sizeof d);
        consume(9);
        return push(d);
      }
      case 0xd9: return string(1);
      case 0xda: return string(2);
      case 0xdb: return string(4);
      case 0xdc: need(3); return array(static_cast<size_t>(big_endian(1, 2)), 3);
      case 0xdd: need(5); return array(static_cast<size_t>(big_endian(1, 4)), 5);
      case 0xde: need(3); return map(static_cast<size_t>(big_endian(1, 2)), 3);
      case 0xdf: need(5); return map(static_cast<size_t>(big_endian(1, 4)), 5);
      default: break;
    }
    if ((c & 0x80) == 0) {
      consume(1);
      push(c);
    } else if ((c & 0xe0) == 0xe0) {
      consume(1);
      push(static_cast<signed char>(c));
    } else if ((c & 0xe0) == 0xa0) {
      const size_t len = c & 0x1f;
      need(1 + len);
      lua_pushlstring(L_, reinterpret_cast<const char*>(p_ + 1), len);
      ++slots_;
      consume(1 + len);
    } else if ((c & 0xf0) == 0x90) {
      array(c & 0xf, 1);
    } else if ((c & 0xf0) == 0x80) {
      map(c & 0xf, 1);
    } else {
      bad_format();
    }
  }

  // Redis's array decoder pushes each index before the element, so an
  // array level costs two of 5.1's stack slots.
  void array(size_t len, size_t header) {
    consume(header);
    lua_newtable(L_);
    ++slots_;
    check_slots("in function mp_decode_to_lua_array");
    for (lua_Integer i = 1; len > 0; --len, ++i) {
      ++slots_;
      value();
      lua_rawseti(L_, -2, i);  // a nil element leaves a hole
      slots_ -= 2;
    }
  }

  void map(size_t len, size_t header) {
    consume(header);
    lua_newtable(L_);
    ++slots_;
    check_slots("too many return values at once; use unpack_one or unpack_limit instead.");
    for (; len > 0; --len) {
      value();
      value();
      if (lua_isnil(L_, -2)) throw unpack_failure{"table index is nil", false};
      if (lua_type(L_, -2) == LUA_TNUMBER && std::isnan(lua_tonumber(L_, -2)))
        throw unpack_failure{"table index is NaN", false};
      lua_rawset(L_, -3);  // a nil value stores nothing
      slots_ -= 2;
    }
  }

  lua_State* L_;
  const unsigned char* p_;
  size_t left_;
  int slots_;  // the 5.1 stack slots Redis's decoder would hold
};

// limit == 0 && offset == 0 decodes everything and returns only the values;
// otherwise the next offset (-1 when the input is used up) comes first.
int unpack_full(lua_State* L, lua_Integer limit, lua_Integer offset) {
  size_t len;
  const char* s = luaL_checklstring(L, 1, &len);
  const bool decode_all = limit == 0 && offset == 0;
  if (offset < 0 || limit < 0)
    return luaL_error(L, "Invalid request to unpack with offset of %d and limit of %d.",
                      static_cast<int>(offset), static_cast<int>(len));
  if (static_cast<size_t>(offset) > len)
    return luaL_error(L, "Start offset %d greater than input length %d.", static_cast<int>(offset),
                      static_cast<int>(len));
  if (decode_all) limit = INT32_MAX;
  const int base = lua_gettop(L);
  bool failed = false;
  bool with_position = true;
  lua_Integer count = 0;
  size_t left = 0;
  {
    unpacker up(L, reinterpret_cast<const unsigned char*>(s) + offset, len - static_cast<size_t>(offset), base);
    try {
      for (; up.left() > 0 && count < limit; ++count) up.top_value();
      if (!decode_all) up.reserve_offset();
      left = up.left();
    } catch (const unpack_failure& e) {
      lua_settop(L, base);
      lua_pushlstring(L, e.message.data(), e.message.size());
      with_position = e.with_position;
      failed = true;
    }
  }
  if (failed) {
    if (with_position) {
      luaL_where(L, 1);
      lua_insert(L, -2);
      lua_concat(L, 2);
    }
    return lua_error(L);
  }
  if (!decode_all) {
    lua_pushinteger(L, left == 0 ? -1 : static_cast<lua_Integer>(len - left));
    lua_insert(L, base + 1);
    ++count;
  }
  return static_cast<int>(count);
}

// 5.1 read integer arguments by truncating any number; so do these.
lua_Integer int_arg(lua_State* L, int idx) {
  const double n = luaL_checknumber(L, idx);
  if (!(n > -9223372036854775808.0 && n < 9223372036854775808.0)) return INT32_MIN;
  return static_cast<int>(static_cast<lua_Integer>(n));
}

int mp_unpack(lua_State* L) { return unpack_full(L, 0, 0); }

int mp_unpack_one(lua_State* L) {
  const lua_Integer offset = lua_isnoneornil(L, 2) ? 0 : int_arg(L, 2);
  lua_settop(L, 1);
  return unpack_full(L, 1, offset);
}

int mp_unpack_limit(lua_State* L) {
  const lua_Integer limit = int_arg(L, 2);
  const lua_Integer offset = lua_isnoneornil(L, 3) ? 0 : int_arg(L, 3);
  lua_settop(L, 1);
  return unpack_full(L, limit, offset);
}

constexpr luaL_Reg cmsgpack_functions[] = {{"pack", mp_pack},
                                           {"unpack", mp_unpack},
                                           {"unpack_one", mp_unpack_one},
                                           {"unpack_limit", mp_unpack_limit},
                                           {nullptr, nullptr}};

}  // namespace

void open_cmsgpack(lua_State* L) {
  luaL_newlib(L, cmsgpack_functions);
  lua_pushliteral(L, "cmsgpack");
  lua_setfield(L, -2, "_NAME");
  lua_pushliteral(L, "lua-cmsgpack 0.4.0");
  lua_setfield(L, -2, "_VERSION");
  lua_pushliteral(L, "Copyright (C) 2012, Salvatore Sanfilippo");
  lua_setfield(L, -2, "_COPYRIGHT");
  lua_pushliteral(L, "MessagePack C implementation for Lua");
  lua_setfield(L, -2, "_DESCRIPTION");
  lua_setglobal(L, "cmsgpack");
}

}  // namespace actis::scripting
