// The pub/sub commands: SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE,
// SSUBSCRIBE, SUNSUBSCRIBE, PUBLISH, SPUBLISH and PUBSUB, with Redis 7.0's
// replies. All run at the connection (in program order, like every
// connection command); the subscriptions live in the client's
// pubsub_subscriptions and its loop's registry (actors/pubsub.hpp).
#include <string>
#include <vector>

#include "actors/client_info.hpp"
#include "actors/connection_hooks.hpp"
#include "actors/families.hpp"
#include "actors/pubsub.hpp"
#include "commands/command.hpp"
#include "commands/context.hpp"
#include "protocol/errors.hpp"

namespace actis::actors {

namespace {

using commands::command_context;
namespace err = protocol::err;

std::string_view subscribe_word(pubsub_kind kind) {
  switch (kind) {
    case pubsub_kind::channel: return "subscribe";
    case pubsub_kind::pattern: return "psubscribe";
    case pubsub_kind::shard: break;
  }
  return "ssubscribe";
}

std::string_view unsubscribe_word(pubsub_kind kind) {
  switch (kind) {
    case pubsub_kind::channel: return "unsubscribe";
    case pubsub_kind::pattern: return "punsubscribe";
    case pubsub_kind::shard: break;
  }
  return "sunsubscribe";
}

/// One confirmation: [word, name (or null), the client's count]. Redis
/// writes confirmations even under CLIENT REPLY OFF, so they go out as
/// pushes ahead of the command's (empty) reply; inside EXEC (the client is
/// still in MULTI there) they are part of EXEC's reply array.
void confirm(command_context& ctx, std::string_view word, const std::string* name, size_t count) {
  auto& client = ctx.conn->client();
  std::string pushed;
  protocol::reply_builder own(pushed, ctx.reply.resp());
  auto& out = client.multi >= 0 ? ctx.reply : own;
  out.push(3);
  out.bulk(word);
  if (name != nullptr)
    out.bulk(*name);
  else
    out.null();
  out.integer(static_cast<long long>(count));
  if (!pushed.empty())
    client.pubsub->push(pushed);
}

/// SUBSCRIBE / PSUBSCRIBE / SSUBSCRIBE: one confirmation per argument.
template <pubsub_kind Kind>
void subscribe_handler(command_context& ctx) {
  auto& client = ctx.conn->client();
  // Redis denies SSUBSCRIBE where a client may not block; SUBSCRIBE and
  // PSUBSCRIBE are allowed inside MULTI.
  if (Kind == pubsub_kind::shard && client.multi >= 0) {
    ctx.reply.error(err::ssubscribe_deny_blocking);
    return;
  }
  auto& subs = *client.pubsub;
  for (size_t i = 1; i < ctx.argv.size(); ++i) {
    subs.subscribe(Kind, ctx.argv[i]);
    confirm(ctx, subscribe_word(Kind), &ctx.argv[i], subs.count(Kind));
  }
}

/// UNSUBSCRIBE / PUNSUBSCRIBE / SUNSUBSCRIBE: the given names, or all of
/// the kind (a confirmation with a null name when there were none).
template <pubsub_kind Kind>
void unsubscribe_handler(command_context& ctx) {
  auto& subs = *ctx.conn->client().pubsub;
  auto word = unsubscribe_word(Kind);
  if (ctx.argv.size() > 1) {
    for (size_t i = 1; i < ctx.argv.size(); ++i) {
      subs.unsubscribe(Kind, ctx.argv[i]);
      confirm(ctx, word, &ctx.argv[i], subs.count(Kind));
    }
    return;
  }
  std::vector<std::string> all(subs.names(Kind).begin(), subs.names(Kind).end());
  if (all.empty()) {
    confirm(ctx, word, nullptr, subs.count(Kind));
    return;
  }
  for (auto& name : all) {
    subs.unsubscribe(Kind, name);
    confirm(ctx, word, &name, subs.count(Kind));
  }
}

template <bool Shard>
void publish_handler(command_context& ctx) {
  auto n = thread_pubsub().publish(Shard, ctx.argv[1], ctx.argv[2]);
  ctx.reply.integer(static_cast<long long>(n));
}

template <bool Shard>
void pubsub_channels_handler(command_context& ctx) {
  if (ctx.argv.size() > 3) {
    ctx.reply.error(err::subcommand_usage(ctx.argv[1], "PUBSUB"));
    return;
  }
  std::string_view pattern;
  if (ctx.argv.size() == 3)
    pattern = ctx.argv[2];
  auto names = pubsub_counts::instance().channels(Shard, ctx.argv.size() == 3 ? &pattern : nullptr);
  ctx.reply.array(names.size());
  for (auto& n : names)
    ctx.reply.bulk(n);
}

template <bool Shard>
void pubsub_numsub_handler(command_context& ctx) {
  auto& counts = pubsub_counts::instance();
  ctx.reply.array((ctx.argv.size() - 2) * 2);
  for (size_t i = 2; i < ctx.argv.size(); ++i) {
    ctx.reply.bulk(ctx.argv[i]);
    ctx.reply.integer(static_cast<long long>(counts.subscribers(Shard, ctx.argv[i])));
  }
}

void pubsub_numpat_handler(command_context& ctx) {
  ctx.reply.integer(static_cast<long long>(pubsub_counts::instance().patterns()));
}

void pubsub_help_handler(command_context& ctx) {
  // Redis's own PUBSUB HELP ends with "Prints this help.", not help_reply's
  // "Print this help.".
  constexpr std::string_view lines[] = {
      "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "CHANNELS [<pattern>]",
      "    Return the currently active channels matching a <pattern> (default: '*').",
      "NUMPAT",
      "    Return number of subscriptions to patterns.",
      "NUMSUB [<channel> ...]",
      "    Return the number of subscribers for the specified channels, excluding",
      "    pattern subscriptions(default: no channels).",
      "SHARDCHANNELS [<pattern>]",
      "    Return the currently active shard level channels matching a <pattern> (default: "
      "'*').",
      "SHARDNUMSUB [<shardchannel> ...]",
      "    Return the number of subscribers for the specified shard level channel(s)",
      "HELP",
      "    Prints this help."};
  ctx.reply.array(std::size(lines));
  for (auto l : lines)
    ctx.reply.simple(l);
}

} // namespace

void register_pubsub_family(commands::command_table& t) {
  using namespace commands;
  constexpr auto pubsub = command_group::pubsub;
  constexpr uint32_t sub_flags = f_pubsub | f_noscript | f_loading | f_stale;
  constexpr uint32_t pub_flags = f_pubsub | f_loading | f_stale | f_fast;
  constexpr uint32_t info_flags = f_pubsub | f_loading | f_stale;
  constexpr auto at_connection = exec_scope::connection;
  // The shard commands' channels are declared like keys (not_key: they
  // pick a slot in cluster mode), yet run at the connection like the rest.
  const std::vector<key_spec> shard_channels = {
      {k_not_key, begin_at(1), keys_range(-1)}};
  const std::vector<key_spec> shard_channel = {key_at(1, k_not_key)};
  const command_def rows[] = {
      {.name = "subscribe", .arity = -2, .flags = sub_flags, .group = pubsub,
       .handler = subscribe_handler<pubsub_kind::channel>,
       .docs = {"Listens for messages published to channels.", "2.0.0",
                "O(N) where N is the number of channels to subscribe to."}},
      {.name = "unsubscribe", .arity = -1, .flags = sub_flags, .group = pubsub,
       .handler = unsubscribe_handler<pubsub_kind::channel>,
       .docs = {"Stops listening to messages posted to channels.", "2.0.0",
                "O(N) where N is the number of clients already subscribed to a channel."}},
      {.name = "psubscribe", .arity = -2, .flags = sub_flags, .group = pubsub,
       .handler = subscribe_handler<pubsub_kind::pattern>,
       .docs = {"Listens for messages published to channels that match one or more patterns.",
                "2.0.0", "O(N) where N is the number of patterns the client is already "
                         "subscribed to."}},
      {.name = "punsubscribe", .arity = -1, .flags = sub_flags, .group = pubsub,
       .handler = unsubscribe_handler<pubsub_kind::pattern>,
       .docs = {"Stops listening to messages published to channels that match one or more "
                "patterns.",
                "2.0.0", "O(N+M) where N is the number of patterns the client is already "
                         "subscribed and M is the number of total patterns subscribed in the "
                         "system (by any client)."}},
      {.name = "ssubscribe", .arity = -2, .flags = sub_flags, .group = pubsub,
       .keys = shard_channels, .scope = at_connection,
       .handler = subscribe_handler<pubsub_kind::shard>,
       .docs = {"Listens for messages published to shard channels.", "7.0.0",
                "O(N) where N is the number of shard channels to subscribe to."}},
      {.name = "sunsubscribe", .arity = -1, .flags = sub_flags, .group = pubsub,
       .keys = shard_channels, .scope = at_connection,
       .handler = unsubscribe_handler<pubsub_kind::shard>,
       .docs = {"Stops listening to messages posted to shard channels.", "7.0.0",
                "O(N) where N is the number of clients already subscribed to a shard "
                "channel."}},
      {.name = "publish", .arity = 3, .flags = pub_flags, .group = pubsub,
       .handler = publish_handler<false>,
       .docs = {"Posts a message to a channel.", "2.0.0",
                "O(N+M) where N is the number of clients subscribed to the receiving channel "
                "and M is the total number of subscribed patterns (by any client)."}},
      {.name = "spublish", .arity = 3, .flags = pub_flags, .group = pubsub,
       .keys = shard_channel, .scope = at_connection, .handler = publish_handler<true>,
       .docs = {"Post a message to a shard channel", "7.0.0",
                "O(N) where N is the number of clients subscribed to the receiving shard "
                "channel."}},
      {.name = "pubsub", .arity = -2, .group = pubsub,
       .docs = {"A container for Pub/Sub commands", "2.8.0", "Depends on subcommand."}},
      {.name = "pubsub|channels", .arity = -2, .flags = info_flags, .group = pubsub,
       .handler = pubsub_channels_handler<false>,
       .docs = {"Returns the active channels.", "2.8.0",
                "O(N) where N is the number of active channels, and assuming constant time "
                "pattern matching (relatively short channels and patterns)"}},
      {.name = "pubsub|numsub", .arity = -2, .flags = info_flags, .group = pubsub,
       .handler = pubsub_numsub_handler<false>,
       .docs = {"Returns a count of subscribers to channels.", "2.8.0",
                "O(N) for the NUMSUB subcommand, where N is the number of requested channels"}},
      {.name = "pubsub|numpat", .arity = 2, .flags = info_flags, .group = pubsub,
       .handler = pubsub_numpat_handler,
       .docs = {"Returns a count of unique pattern subscriptions.", "2.8.0", "O(1)"}},
      {.name = "pubsub|shardchannels", .arity = -2, .flags = info_flags, .group = pubsub,
       .handler = pubsub_channels_handler<true>,
       .docs = {"Returns the active shard channels.", "7.0.0",
                "O(N) where N is the number of active shard channels, and assuming constant "
                "time pattern matching (relatively short shard channels)."}},
      {.name = "pubsub|shardnumsub", .arity = -2, .flags = info_flags, .group = pubsub,
       .handler = pubsub_numsub_handler<true>,
       .docs = {"Returns the count of subscribers of shard channels.", "7.0.0",
                "O(N) for the SHARDNUMSUB subcommand, where N is the number of requested "
                "shard channels"}},
      {.name = "pubsub|help", .arity = 2, .flags = f_loading | f_stale, .group = pubsub,
       .handler = pubsub_help_handler, .group_acl = false,
       .docs = {"Returns helpful text about the different subcommands.", "6.2.0", "O(1)"}},
  };
  t.add(rows);
}

} // namespace actis::actors
