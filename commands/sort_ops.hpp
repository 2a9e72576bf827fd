// SORT and SORT_RO as an operation: the parsed options, then the elements
// of a list, set or sorted set ordered, limited and mapped through GET
// patterns, either returned or stored as a list. Plain C++, no replies.
//
// BY and GET patterns name keys the command line does not declare, so the
// handler runs with every partition held (see sort_family.cpp).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "commands/keyspace.hpp"
#include "commands/op_status.hpp"
#include "protocol/resp_parser.hpp"

namespace actis::commands {

struct sort_options {
  bool desc = false;
  bool alpha = false;
  long long limit_start = 0;
  /// Negative: to the end.
  long long limit_count = -1;
  /// BY pattern; without '*' it means "do not sort" (BY nosort).
  std::optional<std::string_view> by;
  bool dont_sort = false;
  /// GET patterns in order ("#" is the element itself).
  std::vector<std::string_view> gets;
  std::optional<std::string_view> store;
  /// Sort a set even BY nosort (STORE and scripts, whose results must be
  /// deterministic; set by the caller, not parsed).
  bool deterministic = false;
};

/// Parses SORT's options from argv[2] on, as Redis does (the last of
/// repeated options wins, GETs accumulate). `read_only` (SORT_RO) refuses
/// STORE. syntax, or not_integer for a LIMIT argument. The views point
/// into `argv`.
op_result<sort_options> parse_sort_options(const protocol::command_args& argv, bool read_only);

/// The elements of one SORT reply: an element, a GET result, or nullopt for
/// a GET whose key (or hash field) is missing or of another type.
using sort_output = std::vector<std::optional<std::string>>;

/// SORT without STORE: the reply's elements. wrong_type if `key` holds
/// something other than a list, set or sorted set; sort_not_double if a
/// numeric sort met a value strtod does not take whole.
op_result<sort_output> op_sort(keyspace& ks, int db, std::string_view key,
                               const sort_options& options);

/// SORT ... STORE: stores the result as a list at options.store (replacing
/// any value and its TTL; an empty result deletes the key) and returns its
/// length.
op_result<size_t> op_sort_store(keyspace& ks, int db, std::string_view key,
                                const sort_options& options);

} // namespace actis::commands
