// A stored Redis value. Plain C++, no CAF.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace actis::datatypes {

/// Redis's object types (numbering as OBJ_* in Redis, used by RDB later).
enum class obj_type : uint8_t { string = 0, list = 1, set = 2, zset = 3, hash = 4, stream = 6 };

/// Encodings as OBJECT ENCODING names them.
enum class obj_encoding : uint8_t {
  raw, int_, embstr, hashtable, listpack, quicklist, intset, skiplist, stream
};

std::string_view type_name(obj_type t);       // "string", "list", ...
std::string_view encoding_name(obj_encoding e); // "raw", "int", "embstr", ...

/// Base of collection values (lists, hashes, ... added by later issues).
struct collection {
  virtual ~collection() = default;
  virtual obj_type type() const = 0;
  virtual obj_encoding encoding() const = 0;
  virtual size_t memory_usage() const = 0;
  virtual std::unique_ptr<collection> clone() const = 0;
};

/// A value as held by the keyspace: a string (int / embstr / raw encodings
/// chosen as Redis's tryObjectEncoding does) or an owned collection.
/// Compact: 16 bytes; short strings and integers live inline.
/// Move-only; copy explicitly with clone().
class value {
public:
  value() noexcept;                       // empty string, embstr
  ~value();
  value(value&& other) noexcept;
  value& operator=(value&& other) noexcept;
  value(const value&) = delete;
  value& operator=(const value&) = delete;

  /// String value with Redis's encoding choice: "int" if `s` is the canonical
  /// form of a long long (no leading zeros/+, <=20 chars), "embstr" if
  /// <= 44 bytes, else "raw".
  static value from_string(std::string_view s);
  /// String value without the integer check: "embstr" if <= 44 bytes, else
  /// "raw" (Redis's createStringObject, e.g. INCRBYFLOAT's result).
  static value plain_string(std::string_view s);
  static value from_int(long long v);     // "int" encoding
  /// Always "raw" (used after APPEND/SETRANGE/SETBIT, as Redis does).
  static value raw_string(std::string s);
  static value from_collection(std::unique_ptr<collection> c);

  obj_type type() const;
  obj_encoding encoding() const;
  bool is_string() const { return type() == obj_type::string; }

  /// String contents. For int-encoded values the digits are rendered into
  /// `scratch`, so the view lives as long as both `*this` and `scratch`.
  std::string_view str(std::string& scratch) const;
  /// True and sets `out` if the string is int-encoded or parses as a
  /// long long the way Redis's string2ll does.
  bool to_int(long long& out) const;
  size_t str_len() const;
  /// Turns the value into a "raw" string and returns its buffer for in-place
  /// changes (APPEND, SETRANGE, SETBIT, BITFIELD). Pre: is_string().
  std::string& mutable_str();

  collection* coll() const;               // nullptr for strings
  value clone() const;
  /// Bytes this value uses (for MEMORY USAGE / INFO later).
  size_t memory_usage() const;

private:
  // Layout is private to value.cpp; 16 bytes.
  alignas(8) unsigned char bytes_[16];
};

} // namespace actis::datatypes
