// What a command handler sees: argv, the reply builder, the keyspace and,
// for connection-scope commands, the connection.
#pragma once

#include <string>
#include <vector>

#include "commands/blocking.hpp"
#include "commands/command.hpp"
#include "commands/keyspace.hpp"
#include "commands/op_status.hpp"
#include "commands/summary.hpp"
#include "protocol/errors.hpp"
#include "protocol/reply.hpp"

namespace actis::commands {

/// Connection-side services, implemented by the actor layer. Only
/// connection-scope handlers get a non-null pointer.
class connection_hooks;

struct command_context {
  command_context(const command_spec& spec, const command_args& argv,
                  protocol::reply_builder& reply, keyspace* ks, int db)
      : spec(spec), argv(argv), reply(reply), ks(ks), db(db) {}

  const command_spec& spec;
  const command_args& argv;
  protocol::reply_builder& reply;
  /// Keys of this command routed to their partitions; null for
  /// connection-scope commands.
  keyspace* ks;
  /// Selected database of the client.
  int db;
  connection_hooks* conn = nullptr;
  /// Run by a script's redis.call (Redis's CLIENT_SCRIPT): SORT then sorts
  /// a set even BY nosort, and XREAD refuses BLOCK.
  bool in_script = false;
  /// Every partition's summary, indexed by partition, for summaries-scope
  /// commands (INFO, DBSIZE); null otherwise.
  const std::vector<partition_summary>* summaries = nullptr;

  /// Replaces what the write stream receives for this command (Redis's
  /// rewriteClientCommandVector / alsoPropagate): each call adds one command.
  /// Without it, a command whose ks->notify() calls counted a change (the
  /// executor compares dirty counters) is propagated as sent.
  void propagate_as(command_args cmd) { rewritten = true; replacement.push_back(std::move(cmd)); }
  /// Propagate nothing even though the dataset changed.
  void suppress_propagation() { rewritten = true; }

  bool rewritten = false;
  std::vector<command_args> replacement;

  // -- blocking commands (commands/blocking.hpp) ------------------------------

  /// The client state of a blocking command that may park; null where it
  /// must not block (MULTI, scripts): it then answers as if timed out.
  waiter_ptr waiter;
  /// Set while a parked command is served: the key that became ready, the
  /// only one it may take from.
  const std::string* ready_key = nullptr;
  /// The command parked (it replied nothing).
  bool parked = false;
  /// A parked command completed (or was handed back) while being served.
  bool served = false;
  /// Served, but must run again as an ordinary command (blocked_client::retry).
  bool handed_back = false;
};

/// The blocking command cannot complete now: parks ctx.waiter on `keys`
/// (views of ctx.argv) in their partitions, to wait up to `timeout_ms` (0:
/// forever), and replies nothing. Without a waiter (MULTI, scripts) replies
/// at once as Redis does where a command may not block (a null array; a
/// null bulk for BLMOVE and BRPOPLPUSH); while being served, stays parked.
/// Thread: the holder of the keys' partitions.
void park(command_context& ctx, std::vector<std::string_view> keys, int64_t timeout_ms);

/// A blocking command can complete now: true for an ordinary run; while
/// serving, true only if this partition wins the client (claim), which must
/// happen after the command saw it can complete and before it changes
/// anything.
inline bool begin_serving(command_context& ctx) {
  if (ctx.ready_key == nullptr)
    return true;
  if (!ctx.waiter->claim())
    return false;
  ctx.served = true;
  return true;
}

/// Redis's checkType: replies WRONGTYPE and returns true if `e` exists but
/// holds another type than `t`.
inline bool reject_wrong_type(command_context& ctx, const entry* e, datatypes::obj_type t) {
  if (e == nullptr || e->val.type() == t)
    return false;
  ctx.reply.error(protocol::err::wrong_type);
  return true;
}

/// Replies the status of a failed operation (reply_status); the statuses
/// that name the command (invalid_expire, wrong_arity) get this command's.
inline void reply_error(command_context& ctx, const op_error& e) {
  reply_status(ctx.reply, e.status, e.detail.empty() ? std::string_view(ctx.spec.name) : e.detail);
}

} // namespace actis::commands
