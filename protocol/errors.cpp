// Error texts that embed a command or argument name.
#include "protocol/errors.hpp"

namespace actis::protocol::err {

namespace {

/// "<head><arg><tail>": the shape of every error that quotes one argument.
std::string quoting(std::string_view head, std::string_view arg, std::string_view tail) {
  std::string out;
  out.reserve(head.size() + arg.size() + tail.size());
  out += head;
  out += arg;
  out += tail;
  return out;
}

} // namespace

std::string wrong_arity(std::string_view cmd) {
  return quoting("ERR wrong number of arguments for '", cmd, "' command");
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
  return quoting("ERR invalid expire time in '", cmd, "' command");
}


std::string unsupported_option(std::string_view opt) {
  return quoting("ERR Unsupported option ", opt, "");
}

std::string unknown_client_type(std::string_view type) {
  return quoting("ERR Unknown client type '", type, "'");
}

std::string hello_syntax(std::string_view opt) {
  return quoting("ERR Syntax error in HELLO option '", opt, "'");
}

std::string no_such_user(std::string_view user) {
  return quoting("ERR No such user '", user, "'");
}

std::string config_rewrite_failed(std::string_view reason) {
  return quoting("ERR Rewriting config file: ", reason, "");
}

std::string subcommand_usage(std::string_view sub, std::string_view cmd_upper) {
  std::string tail = "'. Try ";
  tail += cmd_upper;
  tail += " HELP.";
  return quoting("ERR unknown subcommand or wrong number of arguments for '", sub, tail);
}

std::string partition_unavailable(uint32_t partition, std::string_view why) {
  std::string out = "ERR partition " + std::to_string(partition) + " unavailable (";
  out += why;
  out += ")";
  detail::replace_newlines(out);
  return out;
}

} // namespace actis::protocol::err
