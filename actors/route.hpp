// Where a command runs: decided from the command table, the client's state
// and the key -> partition map alone. One job; the client pipeline decides
// *when* it runs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "commands/command.hpp"

namespace actis::actors {

enum class destination : uint8_t {
  /// Refused before running (unknown command, wrong arity, NOAUTH,
  /// protected): `error` is the reply.
  rejected,
  /// Connection scope (PING, SELECT, CLIENT, CONFIG …).
  connection,
  /// Every key in `partition` (a keyless keyed command: the client's home).
  partition,
  /// Keys in several partitions, or an all-partition command: runs with
  /// `partitions` held.
  partitions,
  /// Reads every partition's summary (INFO, DBSIZE).
  summaries,
};

struct route {
  destination where = destination::rejected;
  const commands::command_spec* spec = nullptr;
  uint32_t partition = 0;
  /// Where argv holds the first key; 0 for a command without keys.
  uint32_t first_key = 0;
  std::vector<uint32_t> partitions; // sorted, unique
  std::string error;
};

/// What routing needs to know about the client.
struct route_client {
  bool authenticated = true;
  bool loopback_peer = true;
  uint32_t home_partition = 0;
};

/// Routes `argv` for a client; `key_scratch` is reused between calls to
/// spare an allocation per command.
route route_command(const protocol::command_args& argv, const route_client& client,
                    uint32_t partition_count, std::vector<size_t>& key_scratch);

} // namespace actis::actors
