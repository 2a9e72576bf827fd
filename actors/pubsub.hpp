// Pub/sub: who is subscribed to what, and how a message reaches them
// (DESIGN: docs/ARCHITECTURE.md, "Pub/sub").
//
//  * pubsub_counts: one process-wide table of subscription counts per
//    channel / pattern / shard channel and loop. Written on (un)subscribe,
//    read by every PUBLISH (receiver count and which loops to tell) and by
//    PUBSUB CHANNELS / NUMSUB / NUMPAT / SHARD*, without a round trip.
//  * pubsub_registry: one per event loop, on its thread: the subscribers of
//    that loop's connections. A publish delivers to the local ones at once
//    and sends one message to each other loop that has receivers; that
//    loop's manager delivers it to its own subscribers. Subscribers are
//    written once per loop iteration (pubsub_flush).
//  * pubsub_subscriptions: one client's channels, patterns and shard
//    channels, owned by its connection.
#pragma once

#include <cstdint>
#include <set>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <caf/all.hpp>

#include "commands/notify.hpp"

namespace actis::commands {
struct command_spec;
} // namespace actis::commands

namespace actis::actors {

struct client_info;

enum class pubsub_kind : uint8_t { channel = 0, pattern = 1, shard = 2 };

/// A connection that receives messages. Implemented by the connection; the
/// registry holds it by pointer while it has subscriptions on that loop.
class pubsub_subscriber {
public:
  virtual ~pubsub_subscriber() = default;
  /// Appends one message frame after the replies of the commands started
  /// so far (before the reply of a command running now). `frame` is RESP2
  /// (an array header); a RESP3 client turns the header into a push.
  virtual void push_message(std::string_view frame) = 0;
  /// Writes what push_message appended in this loop iteration (and drops
  /// the client if it is over its output buffer limit).
  virtual void flush_messages() = 0;

  /// Written to since the registry's last flush (registry use only).
  bool flush_pending = false;
};

/// One message crossing loops.
struct pubsub_message {
  bool shard = false;
  std::string channel;
  std::string message;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, pubsub_message& x) {
  return f(caf::meta::type_name("pubsub_message"), x.shard, x.channel, x.message);
}

/// Process-wide subscription counts per name and loop. Any thread.
class pubsub_counts {
public:
  static pubsub_counts& instance();
  /// Sets the number of loops (start-up, before any subscription).
  void set_loops(uint32_t loops);
  uint32_t loops() const { return loops_; }

  /// One subscription of `kind` to `name` on `loop` more (delta 1) or less (-1).
  void add(pubsub_kind kind, const std::string& name, uint32_t loop, int delta);
  /// Receivers of a message on `channel` (shard channel if `shard`): channel
  /// subscribers plus, for ordinary channels, every matching pattern
  /// subscription; `per_loop[i]` gets loop i's share (size loops()).
  uint64_t receivers(bool shard, std::string_view channel, std::vector<uint32_t>& per_loop);
  /// Active channels (or shard channels) matching `pattern` (all if null).
  std::vector<std::string> channels(bool shard, const std::string_view* pattern);
  /// Subscribers of `channel` (pattern subscriptions not included).
  uint64_t subscribers(bool shard, std::string_view channel);
  /// Distinct patterns with subscribers (PUBSUB NUMPAT).
  uint64_t patterns() { return distinct(pubsub_kind::pattern); }
  /// Distinct names of `kind` with subscribers (INFO pubsub_channels ...).
  uint64_t distinct(pubsub_kind kind);

private:
  using table = std::unordered_map<std::string, std::vector<uint32_t>>;
  table& of(pubsub_kind kind);
  std::shared_mutex mutex_;
  uint32_t loops_ = 1;
  table channels_, patterns_, shards_;
};

/// One loop's subscribers. Only that loop's thread uses it.
class pubsub_registry {
public:
  void set_loop(uint32_t loop) { loop_ = loop; }
  /// Adds / removes `sub`'s subscription (updates pubsub_counts).
  void subscribe(pubsub_kind kind, const std::string& name, pubsub_subscriber* sub);
  void unsubscribe(pubsub_kind kind, const std::string& name, pubsub_subscriber* sub);
  /// `sub` is going away: nothing is written to it any more.
  void forget(pubsub_subscriber* sub);

  /// PUBLISH / SPUBLISH from this loop's thread: delivers to this loop's
  /// subscribers now, sends the message to each other loop with receivers,
  /// returns the receiver count at this moment.
  uint64_t publish(bool shard, std::string_view channel, std::string_view message);
  /// A message published on another loop.
  void deliver(const pubsub_message& m);
  /// End of the loop iteration's input (the manager's pubsub_flush): writes
  /// the output of the subscribers that got messages.
  void flush();
  /// Makes this the registry keyspace events use on the calling thread
  /// (the loop manager calls it on its thread).
  void bind_thread();

private:
  using subscribers = std::vector<pubsub_subscriber*>;
  void deliver_local(bool shard, std::string_view channel, std::string_view message);
  void touched(pubsub_subscriber* sub);
  void request_flush();
  std::unordered_map<std::string, subscribers>& of(pubsub_kind kind);

  uint32_t loop_ = 0;
  std::unordered_map<std::string, subscribers> channels_, patterns_, shards_;
  /// Subscribers written to since the last flush.
  std::vector<pubsub_subscriber*> touched_;
  std::vector<uint32_t> per_loop_;
  std::string frame_;
  bool flush_posted_ = false;
};

/// The registry of loop `loop` (its thread only).
pubsub_registry& loop_pubsub(uint32_t loop);
/// The registry of the calling loop thread (PUBLISH from a connection or a
/// transaction round); loop 0's before any was bound.
pubsub_registry& thread_pubsub();
/// Creates the loops' registries (start-up).
void create_pubsub(uint32_t loops);
/// The keyspace event sink for the partition of loop `loop`: publishes on
/// the registry of the thread running the command (a transaction round may
/// run a partition on another loop's thread), its own loop's otherwise.
commands::keyspace_event_sink* keyspace_sink(uint32_t loop);

/// One client's subscriptions (owned by its connection; loop thread).
/// Names are kept sorted: UNSUBSCRIBE without arguments leaves them in that
/// order (Redis's order is its dict's, i.e. unspecified).
class pubsub_subscriptions {
public:
  pubsub_subscriptions(client_info& info, pubsub_registry& registry, pubsub_subscriber& sub)
      : info_(info), registry_(registry), sub_(sub) {}
  ~pubsub_subscriptions() { unsubscribe_all(); }

  /// True if newly subscribed.
  bool subscribe(pubsub_kind kind, const std::string& name);
  /// True if it was subscribed.
  bool unsubscribe(pubsub_kind kind, const std::string& name);
  const std::set<std::string>& names(pubsub_kind kind) const;
  /// The count Redis reports after (un)subscribing: channels + patterns,
  /// or shard channels for the shard commands.
  size_t count(pubsub_kind kind) const;
  /// RESET, disconnect: drops everything without replies.
  void unsubscribe_all();
  /// Writes `frame` to the client as a pushed message (a confirmation).
  void push(std::string_view frame) { sub_.push_message(frame); }

private:
  std::set<std::string>& of(pubsub_kind kind);
  void update_counts();
  client_info& info_;
  pubsub_registry& registry_;
  pubsub_subscriber& sub_;
  std::set<std::string> channels_, patterns_, shards_;
};

/// In RESP2 a subscribed client may only run these (Redis's processCommand).
bool allowed_when_subscribed(const commands::command_spec& spec);

/// Keyspace notifications of a partition, published on its loop.
class keyspace_publisher final : public commands::keyspace_event_sink {
public:
  explicit keyspace_publisher(pubsub_registry& registry) : registry_(registry) {}
  void publish(int db, std::string_view key, std::string_view event, int flags) override;

private:
  pubsub_registry& registry_;
  std::string channel_;
};

} // namespace actis::actors
