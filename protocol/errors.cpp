// Error texts that embed a command or argument name.
#include "protocol/errors.hpp"

namespace actis::protocol::err {

std::string wrong_arity(std::string_view cmd) {
  std::string out = "ERR wrong number of arguments for '";
  out += cmd;
  out += "' command";
  return out;
}

std::string unknown_subcommand(std::string_view sub, std::string_view cmd_upper) {
  std::string out = "ERR unknown subcommand '";
  out += detail::printf_prefix(sub, detail::max_echoed_name);
  out += "'. Try ";
  for (char c : cmd_upper) out += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
  out += " HELP.";
  detail::replace_newlines(out);
  return out;
}

std::string invalid_expire(std::string_view cmd) {
  std::string out = "ERR invalid expire time in '";
  out += cmd;
  out += "' command";
  return out;
}

std::string partition_unavailable(uint32_t partition, std::string_view why) {
  std::string out = "ERR partition " + std::to_string(partition) + " unavailable (";
  out += why;
  out += ")";
  detail::replace_newlines(out);
  return out;
}

} // namespace actis::protocol::err
