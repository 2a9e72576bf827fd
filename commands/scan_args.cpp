#include "commands/scan_args.hpp"

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <string>

#include "datatypes/strutil.hpp"

namespace actis::commands {

op_result<uint64_t> parse_scan_cursor(std::string_view arg) {
  std::string text(arg.substr(0, arg.find('\0')));
  if (!text.empty() && std::isspace(static_cast<unsigned char>(text[0])))
    return op_status::invalid_cursor;
  errno = 0;
  char* end = nullptr;
  uint64_t cursor = std::strtoul(text.c_str(), &end, 10);
  if (*end != '\0' || errno == ERANGE)
    return op_status::invalid_cursor;
  return cursor;
}

op_result<scan_options> parse_scan_options(const protocol::command_args& argv, size_t first,
                                           bool with_type) {
  scan_options opt;
  for (size_t i = first; i < argv.size(); i += 2) {
    bool has_value = i + 1 < argv.size();
    if (has_value && datatypes::iequals(argv[i], "count")) {
      long long count;
      if (!datatypes::parse_ll(argv[i + 1], count))
        return op_status::not_integer;
      if (count < 1)
        return op_status::syntax;
      opt.count = static_cast<uint64_t>(count);
    } else if (has_value && datatypes::iequals(argv[i], "match")) {
      opt.pattern = argv[i + 1];
    } else if (has_value && with_type && datatypes::iequals(argv[i], "type")) {
      opt.type = argv[i + 1];
    } else {
      return op_status::syntax;
    }
  }
  return opt;
}

} // namespace actis::commands
