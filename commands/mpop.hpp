// The arguments LMPOP, BLMPOP, ZMPOP and BZMPOP share:
//   numkeys key [key ...] <first>|<second> [COUNT count]
// Plain C++.
#pragma once

#include <cstddef>
#include <string_view>

#include "commands/op_status.hpp"
#include "protocol/resp_parser.hpp"

namespace actis::commands {

struct mpop_args {
  size_t numkeys = 0;
  /// The first of the two ends was named (LEFT, MIN).
  bool first_end = true;
  size_t count = 1;
};

/// Parses from argv[numkeys_index] as Redis's lmpop/zmpop do, in its order:
/// numkeys_not_positive (also for a non-number), syntax when the keys run
/// past argv or the end is neither `first` nor `second` (case-insensitive),
/// count_not_positive, syntax for anything else.
op_result<mpop_args> parse_mpop(const protocol::command_args& argv, size_t numkeys_index,
                                std::string_view first, std::string_view second);

} // namespace actis::commands
