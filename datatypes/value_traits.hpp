// Everything that depends on a value's type, in one entry per type. Plain C++.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "datatypes/digest.hpp"

namespace actis::datatypes {

class value;
struct collection;

/// Redis's object types (numbering as OBJ_* in Redis, used by RDB later).
enum class obj_type : uint8_t { string = 0, list = 1, set = 2, zset = 3, hash = 4, stream = 6 };

/// Encodings as OBJECT ENCODING names them.
enum class obj_encoding : uint8_t {
  raw, int_, embstr, hashtable, listpack, quicklist, intset, skiplist, stream
};

std::string_view encoding_name(obj_encoding e); // "raw", "int", "embstr", ...

/// One value type as the rest of the server sees it. Each type defines one
/// constant instance next to its implementation: strings in value.cpp, a
/// collection type beside its class, whose constructor hands the instance
/// to the `collection` base. Nothing else switches on the type. The
/// functions receive a value of this very type (a collection's may
/// static_cast value::coll() to their concrete class).
struct value_traits {
  obj_type type;
  /// TYPE's reply and SCAN's TYPE filter: "string", "list", ...
  std::string_view name;
  /// OBJECT ENCODING.
  obj_encoding (*encoding)(const value& v);
  /// Adds the contents to a DEBUG DIGEST-VALUE digest as Redis's
  /// xorObjectDigest does for this type (the caller adds type and expire).
  void (*digest)(const value& v, unsigned char d[digest_size]);
  /// Bytes the value uses, its own 16 bytes included (MEMORY USAGE, DEBUG
  /// OBJECT).
  size_t (*memory_usage)(const value& v);
  /// MEMORY USAGE's estimate from at most `samples` elements or nodes
  /// (> 0), extrapolated to the whole value as Redis's objectComputeSize
  /// does. Null where memory_usage is already cheap (O(1), or per node of
  /// many elements): memory_usage is used then.
  size_t (*sampled_memory_usage)(const value& v, size_t samples) = nullptr;
  /// A deep copy (COPY): shares nothing with `v`.
  value (*copy)(const value& v);
  /// Ends a collection of this type (delete_collection<T> or, for a type
  /// stored in the value, destroy_inline_collection<T>). Null for strings.
  void (*destroy)(collection* c) = nullptr;
  /// Before a batch of pipelined commands on this value: loads what
  /// looking up each of the `n` members (hash fields, set members) touches
  /// first, so the cache misses of the batch overlap (nothing while the
  /// value is one block: listpack, intset). Null for the types without
  /// such lookups, and for sorted sets, where it measured no gain.
  void (*warm_members)(const value& v, const std::string_view* members, size_t n) = nullptr;
  /// Appends the value's RDB payload (after the type byte) to `out`. Null
  /// until the persistence issue fills it in for every type.
  void (*rdb_save)(const value& v, std::string& out) = nullptr;
};

} // namespace actis::datatypes
