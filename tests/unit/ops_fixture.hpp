// One partition and a keyspace view over it, for tests that call a family's
// operations directly: no command table, executor or reply.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "commands/keyspace.hpp"
#include "datatypes/value.hpp"

namespace ops_test {

using actis::commands::keyspace;
using actis::commands::partition_data;
using actis::datatypes::value;

/// A collection type standing in for lists, to provoke wrong_type.
struct fake_list : actis::datatypes::collection {
  static const actis::datatypes::value_traits& type_traits();
};

inline const actis::datatypes::value_traits fake_list_traits{
    .type = actis::datatypes::obj_type::list,
    .name = "list",
    .encoding = [](const value&) { return actis::datatypes::obj_encoding::quicklist; },
    .digest = [](const value&, unsigned char*) {},
    .memory_usage = [](const value&) { return sizeof(value); },
    .copy = [](const value&) { return value::from_collection(std::make_unique<fake_list>()); },
    .destroy = &actis::datatypes::delete_collection<fake_list>,
};

inline const actis::datatypes::value_traits& fake_list::type_traits() {
  return fake_list_traits;
}

struct world {
  static constexpr int64_t start_ms = 1'000'000'000'000;

  partition_data part{0, 16};
  std::vector<partition_data*> parts{&part};
  keyspace ks{parts, 1, nullptr, start_ms};

  void put(std::string_view key, std::string_view val, int db = 0) {
    ks.set(db, key, value::from_string(val));
  }
  void put_list(std::string_view key, int db = 0) {
    ks.set(db, key, value::from_collection(std::make_unique<fake_list>()));
  }
  /// The string at `key` as stored, "<none>" if absent.
  std::string stored(std::string_view key, int db = 0) {
    auto* e = part.dbs[static_cast<size_t>(db)].find(key);
    if (e == nullptr)
      return "<none>";
    std::string scratch;
    return std::string(e->val.str(scratch));
  }
  /// Absolute expire of `key` in ms, -1 without one, -2 if absent.
  int64_t expire_of(std::string_view key, int db = 0) {
    auto* e = part.dbs[static_cast<size_t>(db)].find(key);
    return e == nullptr ? -2 : ks.expire_at(db, *e);
  }
  uint64_t dirty() const { return part.stats.dirty; }
};

} // namespace ops_test
