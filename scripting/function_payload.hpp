// FUNCTION DUMP / RESTORE payloads in Redis's format: each library's code as
// an RDB string (LZF-compressed when longer than 20 bytes and it pays off)
// after the FUNCTION2 opcode, then the RDB version (2 bytes, little endian)
// and the CRC64 (Jones, little endian) of everything before it.
// The RDB pieces (strings, CRC64, LZF) are persistence/'s. Plain C++.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace actis::scripting {

/// The DUMP payload of the libraries' codes, in the given order.
std::string dump_functions(const std::vector<std::string>& codes);

/// The library codes of a RESTORE payload, or Redis's error line.
std::optional<std::vector<std::string>> parse_function_payload(std::string_view payload,
                                                               std::string& error);

} // namespace actis::scripting
