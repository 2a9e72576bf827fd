// What the server knows about one client connection (CLIENT LIST / INFO).
// Owned by the connection actor; its loop keeps a pointer in its registry.
// Only the owning loop's thread reads or writes it.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include <caf/all.hpp>

#include "actors/messages.hpp"

namespace actis::actors {

enum class reply_mode : uint8_t { on, off, skip };

class pubsub_subscriptions;

struct client_info {
  uint64_t id = 0;
  int fd = -1;
  std::string addr;         // ip:port of the peer
  std::string laddr;        // ip:port of our socket
  std::string name;
  std::string lib_name, lib_ver;
  int db = 0;
  int resp = 2;
  int64_t created_ms = 0;
  int64_t last_interaction_ms = 0;
  std::string last_cmd = "NULL";
  uint64_t qbuf = 0;        // query buffer bytes pending
  uint64_t obuf = 0;        // output bytes not yet sent
  uint64_t tot_net_in = 0, tot_net_out = 0, tot_cmds = 0;
  reply_mode replies = reply_mode::on;
  /// False while requirepass is set and the client has not passed AUTH or
  /// HELLO AUTH: only no-auth commands run.
  bool authenticated = true;
  /// The peer is on a loopback address (enable-debug-command local).
  bool loopback = false;
  caf::actor actor;         // the connection actor (for CLIENT KILL)
  /// A blocking command of this client is parked (flag b; exempt from the
  /// idle timeout, as in Redis).
  bool blocked = false;
  /// Commands queued since MULTI, or -1 outside MULTI (CLIENT LIST multi=,
  /// flag x).
  int multi = -1;
  /// Channels, patterns and shard channels subscribed to (CLIENT LIST sub=,
  /// psub=, ssub=; kept by `pubsub`).
  uint32_t sub = 0, psub = 0, ssub = 0;
  /// The client's subscriptions (actors/pubsub.hpp); set by the connection.
  pubsub_subscriptions* pubsub = nullptr;
  /// In Redis's pub/sub context (flag P, type pubsub, RESP2 restrictions).
  bool subscribed() const { return sub + psub + ssub != 0; }
  /// CLIENT UNBLOCK of this client (its pipeline's unblock); loop thread.
  std::function<bool(bool with_error)> unblock;

  /// This client's CLIENT LIST / CLIENT INFO line, newline-terminated.
  std::string describe(int64_t now_ms) const;
};

/// Whether `c` passes filter `f` of CLIENT KILL / CLIENT LIST (a client is of
/// type "pubsub" while subscribed, else "normal").
bool matches(const client_info& c, const client_filter& f);

} // namespace actis::actors
