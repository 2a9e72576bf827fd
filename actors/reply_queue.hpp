// A client's replies in request order: each command takes a position when it
// starts; results fill their positions whenever they arrive (inline, from a
// batch, a transaction round or a deferred connection command) and only the
// ready prefix is written. Owned by the connection; one thread.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "actors/client_info.hpp"

namespace actis::actors {

class reply_queue {
public:
  explicit reply_queue(client_info& info) : info_(info) {}

  /// A position for the reply of the command starting now. Whether CLIENT
  /// REPLY OFF/SKIP drops it is decided here, when the command starts.
  uint64_t reserve();
  /// Fills position `slot` with its RESP bytes.
  void fill(uint64_t slot, std::string bytes);
  /// The reply of the command starting now is ready: appended straight to
  /// `output` when nothing is pending before it (the common case, no
  /// allocation), else kept in a ready slot.
  void ready_now(std::string_view bytes, std::vector<char>& output);
  /// Re-decides whether `slot` is dropped after a connection command ran
  /// (CLIENT REPLY ON answers although OFF was in force when it started;
  /// OFF and SKIP stay silent).
  void set_dropped(uint64_t slot, bool dropped);
  /// A pushed message (pub/sub): goes out after the replies of every command
  /// started so far, or, with `before`, right ahead of that command's reply
  /// (the command running now published it: Redis writes the message before
  /// the command's reply). Never inside a reply, never dropped by CLIENT
  /// REPLY OFF (Redis 7.0 pushes regardless).
  void push(std::string_view bytes, std::vector<char>& output, const uint64_t* before = nullptr);
  /// Appends the ready prefix to `output` (dropped replies are skipped),
  /// and the messages pushed ahead of the first reply still to come.
  void drain_into(std::vector<char>& output);
  /// True while some reply is not written yet.
  bool pending() const { return !slots_.empty(); }

  /// Consumes a pending CLIENT REPLY SKIP: true if the command starting now
  /// is the one to skip.
  bool take_skip();

private:
  struct slot {
    std::string data;
    bool ready = false;
    bool dropped = false;
    /// Holds only pushed messages (no command's reply).
    bool push_only = false;
    /// Pushed messages written ahead of `data`.
    std::string pushed;
  };
  client_info& info_;
  std::deque<slot> slots_;
  uint64_t first_ = 0;
  uint64_t next_ = 0;
};

} // namespace actis::actors
