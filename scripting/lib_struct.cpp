// The `struct` library: pack, unpack and size of binary records described by
// a format string, as Roberto Ierusalimschy's struct behaves inside Redis
// (including Redis's bounds checks on unpack).
//
// Format: ' ' ignored; '>' big endian, '<' little endian (the default is the
// machine's, little); '!n' maximum alignment n (a power of 2; '!' alone is
// the machine's, 8), alignment is 1 until a '!' appears; 'x' one pad byte;
// b/B char, h/H short, l/L long, T size_t, i/I int with an optional size n
// (1..32 bytes), lower case signed; f float, d double; s zero-terminated
// string; c n-byte string (pack: 'c0' takes the whole string; unpack: 'c0'
// takes its length from the value unpacked just before).
#include <cctype>
#include <climits>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <utility>

#include "scripting/lua_libs.hpp"

namespace actis::scripting {
namespace {

constexpr int max_int_size = 32;
constexpr int machine_alignment = 8;
constexpr int lua51_stack_slots = 8000;  // offsetof(struct {char c; double d;}, d)

enum class endian { little, big };

struct header {
  endian order = endian::little;
  int align = 1;
};

void push_number(lua_State* L, double d) {
  if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 1e14 && !(d == 0 && std::signbit(d)))
    lua_pushinteger(L, static_cast<lua_Integer>(d));
  else
    lua_pushnumber(L, d);
}

// The optional decimal count after an option; `fallback` when none.
int read_count(lua_State* L, const char** fmt, int fallback) {
  if (!std::isdigit(static_cast<unsigned char>(**fmt))) return fallback;
  int a = 0;
  do {
    const int digit = **fmt - '0';
    if (a > INT_MAX / 10 || a * 10 > INT_MAX - digit) luaL_error(L, "integral size overflow");
    a = a * 10 + digit;
    ++*fmt;
  } while (std::isdigit(static_cast<unsigned char>(**fmt)));
  return a;
}

// The byte size of option `opt` (consuming its count); 0 for the options
// that occupy no fixed space (control options, 's', unknown letters).
size_t option_size(lua_State* L, char opt, const char** fmt) {
  switch (opt) {
    case 'B': case 'b': return sizeof(char);
    case 'H': case 'h': return sizeof(short);
    case 'L': case 'l': return sizeof(long);
    case 'T': return sizeof(size_t);
    case 'f': return sizeof(float);
    case 'd': return sizeof(double);
    case 'x': return 1;
    case 'c': return static_cast<size_t>(read_count(L, fmt, 1));
    case 'i': case 'I': {
      const int size = read_count(L, fmt, sizeof(int));
      if (size > max_int_size)
        luaL_error(L, "integral size %d is larger than limit of %d", size, max_int_size);
      return static_cast<size_t>(size);
    }
    default: return 0;
  }
}

// Padding needed before an item of `size` bytes at offset `len`.
size_t padding(size_t len, const header& h, char opt, size_t size) {
  if (size == 0 || opt == 'c') return 0;
  const size_t align = size > static_cast<size_t>(h.align) ? static_cast<size_t>(h.align) : size;
  return (align - (len & (align - 1))) & (align - 1);
}

void control_option(lua_State* L, char opt, const char** fmt, header& h) {
  switch (opt) {
    case ' ': return;
    case '>': h.order = endian::big; return;
    case '<': h.order = endian::little; return;
    case '!': {
      const int a = read_count(L, fmt, machine_alignment);
      if (a <= 0 || (a & (a - 1)) != 0) luaL_error(L, "alignment %d is not a power of 2", a);
      h.align = a;
      return;
    }
    default:
      luaL_argerror(L, 1, lua_pushfstring(L, "invalid format option '%c'", opt));
  }
}

// double -> 64-bit integer as the x86-64 conversions Redis was built with do
// it: truncation, and 0x8000000000000000 for values out of range or NaN
// (unsigned: values from 2^63 on take the high path, which yields 0 past 2^64).
uint64_t to_bits(double n) {
  if (std::isnan(n)) return 0x8000000000000000ULL;
  if (n < 0) {
    if (!(n >= -9223372036854775808.0)) return 0x8000000000000000ULL;
    return static_cast<uint64_t>(static_cast<int64_t>(n));
  }
  if (n < 9223372036854775808.0) return static_cast<uint64_t>(static_cast<int64_t>(n));
  const double high = n - 9223372036854775808.0;
  if (!(high < 9223372036854775808.0)) return 0;
  return static_cast<uint64_t>(static_cast<int64_t>(high)) ^ 0x8000000000000000ULL;
}

// Redis's pack pushes a nil after its arguments and its 5.1 buffer keeps the
// rest of the stack empty, so a missing argument reads as "got nil" right
// after the last one and "got no value" further on. 5.4's buffer occupies a
// stack slot, so those two cases are reported here instead.
void check_present(lua_State* L, int arg, int nargs, const char* expected) {
  if (arg <= nargs) return;
  luaL_argerror(L, arg, lua_pushfstring(L, "%s expected, got %s", expected,
                                        arg == nargs + 1 ? "nil" : "no value"));
}

double number_arg(lua_State* L, int arg, int nargs) {
  check_present(L, arg, nargs, "number");
  return luaL_checknumber(L, arg);
}

void put_integer(luaL_Buffer* b, double n, endian order, size_t size) {
  uint64_t value = to_bits(n);
  char buf[max_int_size];
  for (size_t i = 0; i < size; ++i) {
    buf[order == endian::little ? i : size - 1 - i] = static_cast<char>(value & 0xff);
    value >>= 8;  // beyond 8 bytes the value is exhausted: zero bytes
  }
  luaL_addlstring(b, buf, size);
}

// Copies a float/double in the requested byte order (the machine is little).
template <typename T>
void put_float(luaL_Buffer* b, T v, endian order) {
  char bytes[sizeof(T)];
  std::memcpy(bytes, &v, sizeof(T));
  if (order == endian::big)
    for (size_t i = 0; i < sizeof(T) / 2; ++i) std::swap(bytes[i], bytes[sizeof(T) - 1 - i]);
  luaL_addlstring(b, bytes, sizeof(T));
}

template <typename T>
T get_float(const char* p, endian order) {
  char bytes[sizeof(T)];
  std::memcpy(bytes, p, sizeof(T));
  if (order == endian::big)
    for (size_t i = 0; i < sizeof(T) / 2; ++i) std::swap(bytes[i], bytes[sizeof(T) - 1 - i]);
  T v;
  std::memcpy(&v, bytes, sizeof(T));
  return v;
}

// Reads `size` bytes as an integer. Only the last 8 bytes read count; the
// sign mask of a signed item wider than 8 bytes is bit 63 (the shift count
// wraps as it does on x86-64).
double get_integer(const char* p, endian order, bool is_signed, size_t size) {
  uint64_t v = 0;
  for (size_t i = 0; i < size; ++i) {
    v <<= 8;
    v |= static_cast<unsigned char>(p[order == endian::big ? i : size - 1 - i]);
  }
  if (!is_signed) return static_cast<double>(v);
  const uint64_t mask = ~uint64_t{0} << ((size * 8 - 1) & 63);
  if (v & mask) v |= mask;
  return static_cast<double>(static_cast<int64_t>(v));
}

int struct_pack(lua_State* L) {
  const char* fmt = luaL_checkstring(L, 1);
  header h;
  const int nargs = lua_gettop(L);
  int arg = 2;
  size_t total = 0;
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  while (*fmt != '\0') {
    const char opt = *fmt++;
    size_t size = option_size(L, opt, &fmt);
    size_t pad = padding(total, h, opt, size);
    total += pad;
    while (pad-- > 0) luaL_addchar(&b, '\0');
    switch (opt) {
      case 'b': case 'B': case 'h': case 'H': case 'l': case 'L': case 'T': case 'i': case 'I':
        put_integer(&b, number_arg(L, arg++, nargs), h.order, size);
        break;
      case 'x':
        luaL_addchar(&b, '\0');
        break;
      case 'f':
        put_float(&b, static_cast<float>(number_arg(L, arg++, nargs)), h.order);
        break;
      case 'd':
        put_float(&b, number_arg(L, arg++, nargs), h.order);
        break;
      case 'c': case 's': {
        size_t len;
        check_present(L, arg, nargs, "string");
        const char* s = luaL_checklstring(L, arg++, &len);
        if (size == 0) size = len;
        // The argument number reported is one past the string's, as in Redis.
        luaL_argcheck(L, len >= size, arg, "string too short");
        luaL_addlstring(&b, s, size);
        if (opt == 's') {
          luaL_addchar(&b, '\0');
          ++size;
        }
        break;
      }
      default:
        control_option(L, opt, &fmt, h);
    }
    total += size;
  }
  luaL_pushresult(&b);
  return 1;
}

// Returns the unpacked values followed by the position after them.
int struct_unpack(lua_State* L) {
  const char* fmt = luaL_checkstring(L, 1);
  size_t len;
  const char* data = luaL_checklstring(L, 2, &len);
  const lua_Integer start = static_cast<lua_Integer>(luaL_optnumber(L, 3, 1));
  luaL_argcheck(L, start != 0, 3, "offset must be 1 or greater");
  // A negative offset wraps to a huge position, which the bounds check below
  // rejects ("data string too short"), as in Redis.
  size_t pos = static_cast<size_t>(start) - 1;
  header h;
  lua_settop(L, 2);
  while (*fmt != '\0') {
    const char opt = *fmt++;
    size_t size = option_size(L, opt, &fmt);
    pos += padding(pos, h, opt, size);
    luaL_argcheck(L, size <= len && pos <= len - size, 2, "data string too short");
    // 5.1 gave a C function at most 8000 stack slots.
    if (lua_gettop(L) + 2 > lua51_stack_slots) luaL_error(L, "stack overflow (too many results)");
    luaL_checkstack(L, 2, "too many results");
    switch (opt) {
      case 'b': case 'B': case 'h': case 'H': case 'l': case 'L': case 'T': case 'i': case 'I':
        push_number(L, get_integer(data + pos, h.order, std::islower(opt) != 0, size));
        break;
      case 'x':
        break;
      case 'f':
        push_number(L, get_float<float>(data + pos, h.order));
        break;
      case 'd':
        push_number(L, get_float<double>(data + pos, h.order));
        break;
      case 'c':
        if (size == 0) {
          if (lua_gettop(L) == 2 || !lua_isnumber(L, -1)) luaL_error(L, "format 'c0' needs a previous size");
          size = static_cast<size_t>(to_bits(lua_tonumber(L, -1)));
          lua_pop(L, 1);
          luaL_argcheck(L, size <= len && pos <= len - size, 2, "data string too short");
        }
        lua_pushlstring(L, data + pos, size);
        break;
      case 's': {
        const void* end = std::memchr(data + pos, '\0', len - pos);
        if (end == nullptr) luaL_error(L, "unfinished string in data");
        size = static_cast<size_t>(static_cast<const char*>(end) - (data + pos)) + 1;
        lua_pushlstring(L, data + pos, size - 1);
        break;
      }
      default:
        control_option(L, opt, &fmt, h);
    }
    pos += size;
  }
  lua_pushinteger(L, static_cast<lua_Integer>(pos + 1));
  return lua_gettop(L) - 2;
}

int struct_size(lua_State* L) {
  const char* fmt = luaL_checkstring(L, 1);
  header h;
  size_t pos = 0;
  while (*fmt != '\0') {
    const char opt = *fmt++;
    const size_t size = option_size(L, opt, &fmt);
    pos += padding(pos, h, opt, size);
    if (opt == 's')
      luaL_argerror(L, 1, "option 's' has no fixed size");
    else if (opt == 'c' && size == 0)
      luaL_argerror(L, 1, "option 'c0' has no fixed size");
    // Letters and digits that are not options count as nothing.
    if (!std::isalnum(static_cast<unsigned char>(opt))) control_option(L, opt, &fmt, h);
    pos += size;
  }
  lua_pushinteger(L, static_cast<lua_Integer>(pos));
  return 1;
}

constexpr luaL_Reg struct_functions[] = {
    {"pack", struct_pack}, {"unpack", struct_unpack}, {"size", struct_size}, {nullptr, nullptr}};

}  // namespace

void open_struct(lua_State* L) {
  luaL_newlib(L, struct_functions);
  lua_setglobal(L, "struct");
}

}  // namespace actis::scripting
