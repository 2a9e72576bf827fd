// A stored Redis value. Plain C++, no CAF.
#pragma once

#include <cstdint>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "datatypes/value_traits.hpp"

namespace actis::datatypes {

/// Thrown by a string accessor of a value that holds a collection: the
/// caller skipped its type check (where Redis would panic). A bug, never an
/// expected failure; the value is left untouched.
class wrong_type_access : public std::logic_error {
public:
  using std::logic_error::logic_error;
};

/// Base of collection values: an empty tag. A collection carries neither a
/// vtable nor a traits pointer (16 bytes that would push every small set
/// into a bigger malloc chunk): the owning value keeps the type's
/// value_traits entry beside the pointer, and traits.destroy ends the object.
/// Each type T provides `static const value_traits& type_traits()`.
/// A type whose object is one trivially relocatable word (hash, list) lives
/// inside the value itself (emplace_collection), saving a heap block per key.
struct collection {};

/// value_traits::destroy for a type allocated with new.
template <class T>
void delete_collection(collection* c) {
  delete static_cast<T*>(c);
}
/// value_traits::destroy for a type stored inside the value.
template <class T>
void destroy_inline_collection(collection* c) {
  static_cast<T*>(c)->~T();
}

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
  /// Adopts a heap collection (destroyed by T's traits.destroy).
  template <class T>
  static value from_collection(std::unique_ptr<T> c) {
    return adopt(T::type_traits(), c.release());
  }
  /// Constructs a T (at most 8 bytes, trivially relocatable: moved by
  /// memcpy) inside the value.
  template <class T, class... Args>
  static value emplace_collection(Args&&... args) {
    static_assert(sizeof(T) <= 8 && alignof(T) <= 8, "an inline collection is one word");
    value v;
    v.set_inline_collection(T::type_traits());
    new (v.bytes_) T(std::forward<Args>(args)...);
    return v;
  }

  obj_type type() const;
  bool is_string() const { return type() == obj_type::string; }
  /// The entry of this value's type: name, encoding, digest, memory, copy.
  const value_traits& traits() const;
  /// Shorthands for the traits' functions applied to this value.
  obj_encoding encoding() const { return traits().encoding(*this); }
  value clone() const;
  size_t memory_usage() const { return traits().memory_usage(*this); }

  // String accessors. Each throws wrong_type_access on a collection.

  /// String contents. For int-encoded values the digits are rendered into
  /// `scratch`, so the view lives as long as both `*this` and `scratch`.
  std::string_view str(std::string& scratch) const;
  /// True and sets `out` if the string is int-encoded or parses as a
  /// long long the way Redis's string2ll does.
  bool to_int(long long& out) const;
  size_t str_len() const;
  /// Turns the value into a "raw" string and returns its buffer for in-place
  /// changes (APPEND, SETRANGE, SETBIT, BITFIELD).
  std::string& mutable_str();

  collection* coll() const;               // nullptr for strings

private:
  static value adopt(const value_traits& traits, collection* c);
  void set_inline_collection(const value_traits& traits);
  /// The string type's traits functions, which read the layout.
  friend struct string_type;
  // Layout is private to value.cpp; 16 bytes.
  alignas(8) unsigned char bytes_[16];
};

} // namespace actis::datatypes
