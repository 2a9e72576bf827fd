// Compact 16-byte value representation.
//
// Layout: bytes_[15] is a tag byte; the meaning of bytes 0..14 depends on it.
//   inline   - up to 15 string bytes in bytes 0..14, length in the tag
//   int      - a long long in bytes 0..7
//   compact  - char* (bytes 0..7) to an exact-size malloc block, uint32 length
//              in bytes 8..11; strings never mutated in place
//   owned    - std::string* (bytes 0..7); what mutable_str() hands out
//   coll     - a collection: its value_traits pointer in bytes 8..14 (user
//              space addresses fit 56 bits); bytes 0..7 hold either the
//              owned collection* or, with the tag's low bit set, the
//              one-word collection object itself (emplace_collection)
// Inline and compact strings report "embstr" up to 44 bytes and "raw" beyond;
// owned strings always report "raw", like Redis's sds after APPEND.
#include "datatypes/value.hpp"

#include <cstdlib>
#include <cstring>
#include <new>

#include "datatypes/strutil.hpp"

namespace actis::datatypes {

namespace {

enum class kind : uint8_t { inline_str = 0, int_, compact, owned, coll };

constexpr size_t tag_index = 15;
constexpr size_t inline_capacity = 15;
constexpr uint8_t len_mask = 0x0f;
constexpr int kind_shift = 4;
/// Redis's OBJ_ENCODING_EMBSTR_SIZE_LIMIT.
constexpr size_t embstr_limit = 44;
/// Longest decimal rendering of a long long ("-9223372036854775808").
constexpr size_t max_int_chars = 20;

size_t decimal_length(long long v) {
  unsigned long long u = v < 0 ? 0ULL - static_cast<unsigned long long>(v)
                               : static_cast<unsigned long long>(v);
  size_t n = v < 0 ? 2 : 1;
  while (u >= 10) {
    u /= 10;
    ++n;
  }
  return n;
}

} // namespace

std::string_view encoding_name(obj_encoding e) {
  switch (e) {
    case obj_encoding::raw: return "raw";
    case obj_encoding::int_: return "int";
    case obj_encoding::embstr: return "embstr";
    case obj_encoding::hashtable: return "hashtable";
    case obj_encoding::listpack: return "listpack";
    case obj_encoding::quicklist: return "quicklist";
    case obj_encoding::intset: return "intset";
    case obj_encoding::skiplist: return "skiplist";
    case obj_encoding::stream: return "stream";
  }
  return "unknown";
}

// Accessors over the raw bytes, kept out of the header.
namespace {

struct layout {
  static kind get_kind(const unsigned char* b) {
    return static_cast<kind>(b[tag_index] >> kind_shift);
  }
  static void set_tag(unsigned char* b, kind k, size_t inline_len = 0) {
    b[tag_index] = static_cast<unsigned char>((static_cast<unsigned>(k) << kind_shift) |
                                              (inline_len & len_mask));
  }
  static size_t inline_len(const unsigned char* b) { return b[tag_index] & len_mask; }
  template <class T>
  static T* ptr(const unsigned char* b) {
    T* p;
    std::memcpy(&p, b, sizeof p);
    return p;
  }
  template <class T>
  static void set_ptr(unsigned char* b, T* p) {
    std::memcpy(b, &p, sizeof p);
  }
  static constexpr uint64_t traits_mask = (uint64_t{1} << 56) - 1;
  static constexpr uint8_t inline_coll_bit = 1;
  static const value_traits* coll_traits(const unsigned char* b) {
    uint64_t bits;
    std::memcpy(&bits, b + 8, sizeof bits);
    return reinterpret_cast<const value_traits*>(static_cast<uintptr_t>(bits & traits_mask));
  }
  /// Stores `t` and the coll tag (with the inline bit if `in_place`).
  static void set_coll(unsigned char* b, const value_traits& t, bool in_place) {
    auto bits = static_cast<uint64_t>(reinterpret_cast<uintptr_t>(&t));
    if ((bits & ~traits_mask) != 0)
      throw std::logic_error("value_traits address beyond 56 bits");
    std::memcpy(b + 8, &bits, 7);
    set_tag(b, kind::coll, in_place ? inline_coll_bit : 0);
  }
  static collection* coll_ptr(const unsigned char* b) {
    if (b[tag_index] & inline_coll_bit)
      return reinterpret_cast<collection*>(const_cast<unsigned char*>(b));
    return ptr<collection>(b);
  }
  static long long int_val(const unsigned char* b) {
    long long v;
    std::memcpy(&v, b, sizeof v);
    return v;
  }
  static uint32_t compact_len(const unsigned char* b) {
    uint32_t n;
    std::memcpy(&n, b + 8, sizeof n);
    return n;
  }
};

} // namespace

value::value() noexcept {
  std::memset(bytes_, 0, sizeof bytes_);
}

value::~value() {
  switch (layout::get_kind(bytes_)) {
    case kind::compact: std::free(layout::ptr<char>(bytes_)); break;
    case kind::owned: delete layout::ptr<std::string>(bytes_); break;
    case kind::coll: layout::coll_traits(bytes_)->destroy(layout::coll_ptr(bytes_)); break;
    default: break;
  }
}

value::value(value&& other) noexcept {
  std::memcpy(bytes_, other.bytes_, sizeof bytes_);
  std::memset(other.bytes_, 0, sizeof other.bytes_);
}

value& value::operator=(value&& other) noexcept {
  if (this != &other) {
    this->~value();
    std::memcpy(bytes_, other.bytes_, sizeof bytes_);
    std::memset(other.bytes_, 0, sizeof other.bytes_);
  }
  return *this;
}

value value::from_string(std::string_view s) {
  long long n;
  if (s.size() <= max_int_chars && parse_ll(s, n))
    return from_int(n);
  return plain_string(s);
}

value value::plain_string(std::string_view s) {
  value v;
  if (s.size() <= inline_capacity) {
    std::memcpy(v.bytes_, s.data(), s.size());
    layout::set_tag(v.bytes_, kind::inline_str, s.size());
    return v;
  }
  // Lengths beyond 4 GiB cannot be held compactly; they are "raw" anyway.
  if (s.size() > UINT32_MAX)
    return raw_string(std::string(s));
  char* p = static_cast<char*>(std::malloc(s.size()));
  if (!p)
    throw std::bad_alloc();
  std::memcpy(p, s.data(), s.size());
  layout::set_ptr(v.bytes_, p);
  uint32_t len = static_cast<uint32_t>(s.size());
  std::memcpy(v.bytes_ + 8, &len, sizeof len);
  layout::set_tag(v.bytes_, kind::compact);
  return v;
}

value value::from_int(long long n) {
  value v;
  std::memcpy(v.bytes_, &n, sizeof n);
  layout::set_tag(v.bytes_, kind::int_);
  return v;
}

value value::raw_string(std::string s) {
  value v;
  layout::set_ptr(v.bytes_, new std::string(std::move(s)));
  layout::set_tag(v.bytes_, kind::owned);
  return v;
}

value value::adopt(const value_traits& traits, collection* c) {
  value v;
  layout::set_ptr(v.bytes_, c);
  layout::set_coll(v.bytes_, traits, false);
  return v;
}

void value::set_inline_collection(const value_traits& traits) {
  layout::set_coll(bytes_, traits, true);
}

/// The string type's traits: the layouts above are its encodings.
struct string_type {
  static obj_encoding encoding(const value& v) {
    switch (layout::get_kind(v.bytes_)) {
      case kind::inline_str: return obj_encoding::embstr;
      case kind::int_: return obj_encoding::int_;
      case kind::compact:
        return layout::compact_len(v.bytes_) <= embstr_limit ? obj_encoding::embstr
                                                             : obj_encoding::raw;
      case kind::owned:
      case kind::coll: break;
    }
    return obj_encoding::raw;
  }

  static void digest(const value& v, unsigned char d[digest_size]) {
    std::string scratch;
    mix_digest(d, v.str(scratch));
  }

  static size_t memory_usage(const value& v) {
    switch (layout::get_kind(v.bytes_)) {
      case kind::compact:
        return sizeof(value) + layout::compact_len(v.bytes_);
      case kind::owned: {
        const std::string& s = *layout::ptr<std::string>(v.bytes_);
        size_t heap = s.capacity() > inline_capacity ? s.capacity() + 1 : 0;
        return sizeof(value) + sizeof(std::string) + heap;
      }
      case kind::inline_str:
      case kind::int_:
      case kind::coll: break;
    }
    return sizeof(value);
  }

  static value copy(const value& v) {
    switch (layout::get_kind(v.bytes_)) {
      case kind::compact:
        return value::plain_string(
            std::string_view(layout::ptr<char>(v.bytes_), layout::compact_len(v.bytes_)));
      case kind::owned:
        return value::raw_string(*layout::ptr<std::string>(v.bytes_));
      case kind::inline_str:
      case kind::int_:
      case kind::coll: break;
    }
    value inline_copy;
    std::memcpy(inline_copy.bytes_, v.bytes_, sizeof v.bytes_);
    return inline_copy;
  }
};

namespace {

const value_traits string_traits{
    .type = obj_type::string,
    .name = "string",
    .encoding = &string_type::encoding,
    .digest = &string_type::digest,
    .memory_usage = &string_type::memory_usage,
    .copy = &string_type::copy,
};

[[noreturn]] void throw_not_a_string(const char* accessor) {
  throw wrong_type_access(std::string("value::") + accessor + " on a collection");
}

} // namespace

const value_traits& value::traits() const {
  if (layout::get_kind(bytes_) == kind::coll)
    return *layout::coll_traits(bytes_);
  return string_traits;
}

obj_type value::type() const {
  if (layout::get_kind(bytes_) == kind::coll)
    return layout::coll_traits(bytes_)->type;
  return obj_type::string;
}

value value::clone() const {
  return traits().copy(*this);
}

std::string_view value::str(std::string& scratch) const {
  switch (layout::get_kind(bytes_)) {
    case kind::inline_str:
      return {reinterpret_cast<const char*>(bytes_), layout::inline_len(bytes_)};
    case kind::int_:
      scratch = ll_to_string(layout::int_val(bytes_));
      return scratch;
    case kind::compact:
      return {layout::ptr<char>(bytes_), layout::compact_len(bytes_)};
    case kind::owned:
      return *layout::ptr<std::string>(bytes_);
    case kind::coll:
      break;
  }
  throw_not_a_string("str");
}

bool value::to_int(long long& out) const {
  if (layout::get_kind(bytes_) == kind::int_) {
    out = layout::int_val(bytes_);
    return true;
  }
  if (layout::get_kind(bytes_) == kind::coll)
    throw_not_a_string("to_int");
  std::string scratch;
  return parse_ll(str(scratch), out);
}

size_t value::str_len() const {
  switch (layout::get_kind(bytes_)) {
    case kind::inline_str: return layout::inline_len(bytes_);
    case kind::int_: return decimal_length(layout::int_val(bytes_));
    case kind::compact: return layout::compact_len(bytes_);
    case kind::owned: return layout::ptr<std::string>(bytes_)->size();
    case kind::coll: break;
  }
  throw_not_a_string("str_len");
}

std::string& value::mutable_str() {
  // Converting a collection would destroy it.
  if (layout::get_kind(bytes_) == kind::coll)
    throw_not_a_string("mutable_str");
  if (layout::get_kind(bytes_) != kind::owned) {
    std::string scratch;
    std::string contents(str(scratch));
    *this = raw_string(std::move(contents));
  }
  return *layout::ptr<std::string>(bytes_);
}

collection* value::coll() const {
  return layout::get_kind(bytes_) == kind::coll ? layout::coll_ptr(bytes_) : nullptr;
}

} // namespace actis::datatypes
