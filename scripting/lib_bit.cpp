// The `bit` library: 32-bit operations on Lua numbers, as LuaBitOp 1.0
// behaves inside Redis (Lua 5.1, doubles). Every result is a signed 32-bit
// value, returned as a Lua integer.
#include <cstdint>
#include <cstring>

#include "scripting/lua_libs.hpp"

namespace actis::scripting {
namespace {

// A number argument reduced to 32 bits the way LuaBitOp does it on doubles:
// adding 2^52 + 2^51 rounds to the nearest integer (ties to even) and leaves
// the low 32 bits of the result in the low word of the mantissa. Values
// beyond 2^51 thus wrap the way they do in Redis, not modulo 2^32 of the
// exact value. Strings convertible to numbers are accepted (5.1 coercion).
uint32_t bit_arg(lua_State* L, int idx) {
  const double n = luaL_checknumber(L, idx);
  const double shifted = n + 6755399441055744.0;
  uint64_t bits;
  std::memcpy(&bits, &shifted, sizeof bits);
  return static_cast<uint32_t>(bits);
}

int push_bits(lua_State* L, uint32_t b) {
  lua_pushinteger(L, static_cast<int32_t>(b));
  return 1;
}

int bit_tobit(lua_State* L) { return push_bits(L, bit_arg(L, 1)); }
int bit_bnot(lua_State* L) { return push_bits(L, ~bit_arg(L, 1)); }

int bit_bswap(lua_State* L) {
  const uint32_t b = bit_arg(L, 1);
  return push_bits(L, (b >> 24) | ((b >> 8) & 0xff00) | ((b & 0xff00) << 8) | (b << 24));
}

// band/bor/bxor read their arguments from the last to the second, so the
// error for several bad arguments names the highest one, as LuaBitOp does.
template <typename Op>
int fold_args(lua_State* L, Op op) {
  uint32_t b = bit_arg(L, 1);
  for (int i = lua_gettop(L); i > 1; --i) b = op(b, bit_arg(L, i));
  return push_bits(L, b);
}

int bit_band(lua_State* L) {
  return fold_args(L, [](uint32_t a, uint32_t b) { return a & b; });
}
int bit_bor(lua_State* L) {
  return fold_args(L, [](uint32_t a, uint32_t b) { return a | b; });
}
int bit_bxor(lua_State* L) {
  return fold_args(L, [](uint32_t a, uint32_t b) { return a ^ b; });
}

// Shift counts use their low 5 bits only: lshift(1, 33) is 2.
template <typename Op>
int shift(lua_State* L, Op op) {
  const uint32_t b = bit_arg(L, 1);
  const uint32_t n = bit_arg(L, 2) & 31;
  return push_bits(L, op(b, n));
}

int bit_lshift(lua_State* L) {
  return shift(L, [](uint32_t b, uint32_t n) { return b << n; });
}
int bit_rshift(lua_State* L) {
  return shift(L, [](uint32_t b, uint32_t n) { return b >> n; });
}
int bit_arshift(lua_State* L) {
  return shift(L, [](uint32_t b, uint32_t n) {
    return static_cast<uint32_t>(static_cast<int32_t>(b) >> n);
  });
}
int bit_rol(lua_State* L) {
  return shift(L, [](uint32_t b, uint32_t n) { return n == 0 ? b : (b << n) | (b >> (32 - n)); });
}
int bit_ror(lua_State* L) {
  return shift(L, [](uint32_t b, uint32_t n) { return n == 0 ? b : (b >> n) | (b << (32 - n)); });
}

// tohex(x [, n]): n hex digits (default 8, at most 8), upper case when n is
// negative. The count is itself reduced to 32 bits first, so -2^31 (whose
// negation does not fit) means 8 upper-case digits, as in Redis.
int bit_tohex(lua_State* L) {
  uint32_t b = bit_arg(L, 1);
  int64_t n = lua_isnone(L, 2) ? 8 : static_cast<int32_t>(bit_arg(L, 2));
  const char* digits = "0123456789abcdef";
  if (n < 0) {
    n = -n;
    digits = "0123456789ABCDEF";
  }
  if (n > 8) n = 8;
  char buf[8];
  for (int64_t i = n - 1; i >= 0; --i) {
    buf[i] = digits[b & 15];
    b >>= 4;
  }
  lua_pushlstring(L, buf, static_cast<size_t>(n));
  return 1;
}

constexpr luaL_Reg bit_functions[] = {
    {"tobit", bit_tobit},   {"bnot", bit_bnot},       {"band", bit_band},
    {"bor", bit_bor},       {"bxor", bit_bxor},       {"lshift", bit_lshift},
    {"rshift", bit_rshift}, {"arshift", bit_arshift}, {"rol", bit_rol},
    {"ror", bit_ror},       {"bswap", bit_bswap},     {"tohex", bit_tohex},
    {nullptr, nullptr}};

}  // namespace

void open_bit(lua_State* L) {
  luaL_newlib(L, bit_functions);
  lua_setglobal(L, "bit");
}

}  // namespace actis::scripting
