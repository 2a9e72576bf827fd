// An event loop: one CAF actor system whose multiplexer thread runs this
// loop's connections and partitions. Loops share nothing mutable; they talk
// only through messages (exec_batch, hold/release, client_list/kill).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include <caf/all.hpp>
#include <caf/io/all.hpp>

#include "actors/client_info.hpp"
#include "actors/write_stream.hpp"
#include "commands/keyspace.hpp"

namespace actis::actors {

/// State confined to one loop's thread: its partitions, its clients and its
/// write-stream buffer.
struct loop_context {
  /// Context of loop `i`; only that loop's thread may use it.
  static loop_context& get(uint32_t i);
  static void create(uint32_t loops);

  uint32_t index = 0;
  std::vector<uint32_t> partitions;
  std::unordered_map<uint64_t, client_info*> clients;
  loop_write_sink sink;

  /// Adds a client of this loop to the registry and the client count.
  void register_client(client_info* c);
  /// Removes client `id` (idempotent: CLIENT KILL removes it at once, the
  /// connection again when it closes). True if it was registered.
  bool unregister(uint64_t id);

  /// A partition vector with only `p` present (keyspace of an inline or
  /// batched command on partition p). Built once per partition.
  std::vector<commands::partition_data*>& single_partition_view(uint32_t p);

private:
  std::vector<std::vector<commands::partition_data*>> views_;
};

/// Settings the loops are started with.
struct loop_settings {
  uint32_t loops = 1;
  std::vector<std::string> bind_addresses{"127.0.0.1"};
  uint16_t port = 6379;
};

/// Creates the loops' actor systems, partitions and listeners. Returns an
/// error text (empty on success). The systems live until the process exits.
std::string start_loops(const loop_settings& settings);

} // namespace actis::actors
