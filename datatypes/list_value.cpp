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
    return sizeof(value) + list_items(v).bytes();
  }

  static value copy(const value& v) {
    value out = make_list_value();
    list_items(out) = list_items(v).clone();
    return out;
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
    .destroy = &destroy_inline_collection<list_value>,
};

static_assert(sizeof(list_value) == 8, "a list is its quicklist word, inside the value");

value make_list_value() {
  return value::emplace_collection<list_value>();
}

} // namespace actis::datatypes
