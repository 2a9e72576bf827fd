#include "scripting/function_payload.hpp"

#include "persistence/rdb_format.hpp"
#include "persistence/rdb_reader.hpp"
#include "persistence/rdb_string.hpp"

namespace actis::scripting {

namespace rdb = persistence;

std::string dump_functions(const std::vector<std::string>& codes) {
  std::string out;
  for (auto& code : codes)
    rdb::put_function(out, code);
  rdb::put_le(out, rdb::rdb_version, 2);
  rdb::put_le(out, rdb::crc64(0, out), 8);
  return out;
}

std::optional<std::vector<std::string>> parse_function_payload(std::string_view payload,
                                                               std::string& error) {
  if (!rdb::dump_payload_ok(payload, true)) {
    error = "ERR DUMP payload version or checksum are wrong";
    return std::nullopt;
  }
  std::vector<std::string> codes;
  auto body = payload.substr(0, payload.size() - 10);
  while (!body.empty()) {
    auto type = static_cast<unsigned char>(body[0]);
    body.remove_prefix(1);
    if (type != rdb::rdb_opcode::function_pre_ga && type != rdb::rdb_opcode::function2) {
      error = "ERR given type is not a function";
      return std::nullopt;
    }
    std::string code;
    if (type == rdb::rdb_opcode::function_pre_ga || !rdb::read_string(body, code)) {
      error = "ERR failed loading the given functions payload";
      return std::nullopt;
    }
    codes.push_back(std::move(code));
  }
  return codes;
}

} // namespace actis::scripting
