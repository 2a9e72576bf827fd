#include "commands/mpop.hpp"

#include <climits>

#include "datatypes/strutil.hpp"

namespace actis::commands {

op_result<mpop_args> parse_mpop(const protocol::command_args& argv, size_t numkeys_index,
                                std::string_view first, std::string_view second) {
  using datatypes::iequals;
  mpop_args out;
  long long numkeys = 0;
  if (!datatypes::parse_ll(argv[numkeys_index], numkeys) || numkeys <= 0 ||
      numkeys > LONG_MAX)
    return op_status::numkeys_not_positive;
  if (static_cast<unsigned long long>(numkeys) >= argv.size() - numkeys_index - 1)
    return op_status::syntax;
  out.numkeys = static_cast<size_t>(numkeys);
  size_t end_index = numkeys_index + out.numkeys + 1;
  if (iequals(argv[end_index], first))
    out.first_end = true;
  else if (iequals(argv[end_index], second))
    out.first_end = false;
  else
    return op_status::syntax;
  bool counted = false;
  for (size_t j = end_index + 1; j < argv.size(); ++j) {
    if (!counted && iequals(argv[j], "count") && j + 1 < argv.size()) {
      long long count = 0;
      if (!datatypes::parse_ll(argv[++j], count) || count <= 0)
        return op_status::count_not_positive;
      out.count = static_cast<size_t>(count);
      counted = true;
    } else {
      return op_status::syntax;
    }
  }
  return out;
}

} // namespace actis::commands
