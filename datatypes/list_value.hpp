// The list type: a quicklist behind the collection interface, and its
// value_traits entry. Plain C++.
#pragma once

#include "datatypes/quicklist.hpp"
#include "datatypes/value.hpp"

namespace actis::datatypes {

/// A list value. 24 bytes: the collection header and the quicklist word.
struct list_value : collection {
  list_value();
  quicklist items;
};

/// TYPE "list"; OBJECT ENCODING "quicklist" for every list, as Redis 7.0.
extern const value_traits list_traits;

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
