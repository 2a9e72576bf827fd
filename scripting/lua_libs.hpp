// The four C libraries Redis 7.0 gives every script: cjson, cmsgpack,
// struct and bit, reimplemented for Lua 5.4 with the behaviour they have
// inside redis-server 7.0.15 (which runs Lua 5.1: every number a double).
//
// How 5.1's doubles are shown to a 5.4 script, for all four libraries: a
// number the library produces is a Lua integer when it is integral and
// |n| < 1e14, and a float otherwise (NaN, infinities and -0 stay floats).
// Below 1e14 5.1's "%.14g" prints integral values as plain digits, as 5.4
// prints integers; from 1e14 on "%.14g" switches to an exponent, as 5.4 does
// for floats - so tostring() of a library result reads as it does in Redis,
// and the reply conversion (number -> integer reply) sees the same value.
// Numbers a script passes in are read as 5.1 would hold them: a 5.4 integer
// is taken as the double nearest to it.
//
// Plain C++ (no CAF). Each function creates a fresh library table and sets
// the global (replacing one already there); the configuration cjson keeps
// belongs to its table, so a new state - or open_cjson again - starts from
// Redis's defaults. Making the tables read-only, as Redis 7.0 does, is left
// to the scripting engine's sandbox.
#pragma once

#include <lua.hpp>

namespace actis::scripting {

/// Sets the global `cjson` (encode, decode, the configuration functions,
/// new, null): lua-cjson 2.1.0 as built into Redis.
void open_cjson(lua_State* L);

/// Sets the global `cmsgpack` (pack, unpack, unpack_one, unpack_limit):
/// lua-cmsgpack 0.4.0 as built into Redis.
void open_cmsgpack(lua_State* L);

/// Sets the global `struct` (pack, unpack, size): Roberto Ierusalimschy's
/// struct library as built into Redis.
void open_struct(lua_State* L);

/// Sets the global `bit` (tobit, tohex, bnot, band, bor, bxor, lshift,
/// rshift, arshift, rol, ror, bswap): LuaBitOp 1.0 on 32-bit integers.
void open_bit(lua_State* L);

}  // namespace actis::scripting
