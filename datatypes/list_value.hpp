// The list type: a quicklist behind the collection interface, and its
// value_traits entry. Plain C++.
#pragma once

#include "datatypes/quicklist.hpp"
#include "datatypes/value.hpp"

namespace actis::datatypes {

/// TYPE "list"; OBJECT ENCODING "quicklist" for every list, as Redis 7.0.
extern const value_traits list_traits;

/// A list value: the quicklist word, stored inside the owning value.
struct list_value : collection {
  static const value_traits& type_traits() { return list_traits; }
  quicklist items;
};

/// A new value holding an empty list (the caller fills it before storing).
value make_list_value();

/// The list inside `v`, which must hold a list (checked by the caller).
inline quicklist& list_items(value& v) {
  return static_cast<list_value*>(v.coll())->items;
}
inline const quicklist& list_items(const value& v) {
  return static_cast<const list_value*>(v.coll())->items;
}

} // namespace actis::datatypes
