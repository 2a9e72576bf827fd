#include "datatypes/list_value.hpp"

#include <memory>

namespace actis::datatypes {

namespace {

struct list_type {
  static obj_encoding encoding(const value&) { return obj_encoding::quicklist; }

  /// Redis's xorObjectDigest for lists: every element mixed in, head first.
  static void digest(const value& v, unsigned char d[digest_size]) {
    const quicklist& q = list_items(v);
    if (q.empty())
      return;
    auto c = q.seek(0);
    do
      mix_digest(d, q.get(c));
    while (q.next(c));
  }

  static size_t memory_usage(const value& v) {
    return sizeof(value) + sizeof(list_value) + list_items(v).bytes();
  }

  static value copy(const value& v) {
    auto l = std::make_unique<list_value>();
    l->items = list_items(v).clone();
    return value::from_collection(std::move(l));
  }
};

} // namespace

const value_traits list_traits{
    .type = obj_type::list,
    .name = "list",
    .encoding = &list_type::encoding,
    .digest = &list_type::digest,
    .memory_usage = &list_type::memory_usage,
    .copy = &list_type::copy,
};

list_value::list_value() : collection(list_traits) {}

value make_list_value() {
  return value::from_collection(std::make_unique<list_value>());
}

} // namespace actis::datatypes
