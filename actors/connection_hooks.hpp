// Services a connection offers to connection-scope command handlers
// (actors/connection_family.cpp, actors/server_family.cpp).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "actors/client_info.hpp"
#include "actors/messages.hpp"

namespace actis::commands {

class connection_hooks {
public:
  virtual ~connection_hooks() = default;
  virtual actors::client_info& client() = 0;
  /// Close the connection once the replies so far are written (QUIT).
  virtual void close_after_reply() = 0;
  /// The reply of the running command will come later: call the returned
  /// function exactly once with its RESP bytes. Replies stay in order.
  virtual std::function<void(std::string)> defer() = 0;
  /// CLIENT LIST lines of all loops' clients matching `f`, in no order.
  virtual void list_clients(actors::client_filter f,
                            std::function<void(std::vector<actors::client_line>)> done) = 0;
  /// Kills all loops' clients matching `f`; reports how many.
  virtual void kill_clients(actors::client_filter f, std::function<void(uint64_t)> done) = 0;
  /// CLIENT UNBLOCK: ends the parked blocking command of client `id`, as
  /// timed out or with an error; reports whether it was blocked.
  virtual void unblock_client(uint64_t id, bool with_error, std::function<void(bool)> done) = 0;
  /// Zeroes every partition's statistics (CONFIG RESETSTAT); `done` runs
  /// once all of them have.
  virtual void reset_partition_stats(std::function<void()> done) = 0;
  /// Asks the persistence actor for SAVE, BGSAVE, ...; `done` receives
  /// the command's RESP reply.
  virtual void persist(actors::persist_op op, std::function<void(std::string)> done) = 0;
  /// True for a loopback peer (enable-debug-command local).
  virtual bool is_local() const = 0;
  /// Ends MULTI: drops the queued commands and forgets the watched keys
  /// (DISCARD, RESET).
  virtual void discard_transaction() = 0;
  /// Forgets the watched keys (UNWATCH).
  virtual void unwatch() = 0;
};

} // namespace actis::commands
