// The arguments SCAN, SSCAN, HSCAN and ZSCAN share: the cursor and the
// MATCH / COUNT (/ TYPE) options, parsed the way Redis's scanGeneric does.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "commands/op_status.hpp"
#include "protocol/resp_parser.hpp"

namespace actis::commands {

struct scan_options {
  uint64_t count = 10;
  std::optional<std::string_view> pattern, type;
};

/// Redis's parseScanCursorOrReply: strtoul semantics (sign allowed, a
/// negative value wraps, the text ends at the first NUL), no leading space.
/// invalid_cursor otherwise.
op_result<uint64_t> parse_scan_cursor(std::string_view arg);

/// The options from argv[first] on, in pairs: COUNT (an integer >= 1),
/// MATCH, and TYPE where `with_type` (SCAN only). The views point into
/// argv. not_integer for a non-numeric count, syntax for the rest.
op_result<scan_options> parse_scan_options(const protocol::command_args& argv, size_t first,
                                           bool with_type);

} // namespace actis::commands
