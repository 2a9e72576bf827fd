// MULTI, EXEC, DISCARD, WATCH and UNWATCH. The client pipeline queues the
// commands between MULTI and EXEC and runs EXEC (in MULTI) and WATCH
// (outside it) as units over their partitions (actors/client_transaction.cpp);
// these handlers answer everything else: starting MULTI, DISCARD, UNWATCH,
// and the states in which EXEC and WATCH are errors.
#include "actors/connection_hooks.hpp"
#include "actors/families.hpp"
#include "commands/command.hpp"
#include "commands/context.hpp"
#include "protocol/errors.hpp"

namespace actis::actors {

namespace {

using commands::command_context;
namespace err = protocol::err;

bool in_multi(command_context& ctx) { return ctx.conn->client().multi >= 0; }

void multi_handler(command_context& ctx) {
  if (in_multi(ctx)) {
    ctx.reply.error(err::multi_nested);
    return;
  }
  ctx.conn->client().multi = 0;
  ctx.reply.ok();
}

/// Reached outside MULTI only: in MULTI the pipeline runs EXEC itself.
void exec_handler(command_context& ctx) { ctx.reply.error(err::exec_without_multi); }

void discard_handler(command_context& ctx) {
  if (!in_multi(ctx)) {
    ctx.reply.error(err::discard_without_multi);
    return;
  }
  ctx.conn->discard_transaction();
  ctx.reply.ok();
}

/// Reached inside MULTI only: outside it the pipeline runs WATCH itself.
void watch_handler(command_context& ctx) { ctx.reply.error(err::watch_inside_multi); }

void unwatch_handler(command_context& ctx) {
  ctx.conn->unwatch();
  ctx.reply.ok();
}

} // namespace

void register_transaction_family(commands::command_table& t) {
  using namespace commands;
  constexpr auto group = command_group::transactions;
  constexpr uint32_t base = f_noscript | f_loading | f_stale;
  constexpr uint32_t quick = base | f_fast | f_allow_busy;
  constexpr const char* o1 = "O(1)";
  const command_def rows[] = {
      {.name = "multi", .arity = 1, .flags = quick, .group = group, .handler = multi_handler,
       .docs = {"Starts a transaction: the commands that follow are queued for EXEC.", "1.2.0",
                o1}},
      {.name = "exec", .arity = 1, .flags = base | f_skip_slowlog, .group = group,
       .handler = exec_handler,
       .docs = {"Runs the commands queued since MULTI, atomically.", "1.2.0",
                "Depends on commands in the transaction"}},
      {.name = "discard", .arity = 1, .flags = quick, .group = group,
       .handler = discard_handler,
       .docs = {"Drops the commands queued since MULTI.", "2.0.0",
                "O(N), when N is the number of queued commands"}},
      {.name = "watch", .arity = -2, .flags = quick, .group = group,
       .keys = {{k_ro, begin_at(1), keys_range(-1)}}, .scope = exec_scope::connection,
       .handler = watch_handler,
       .docs = {"Makes the next EXEC fail if any of the keys is changed before it.", "2.2.0",
                "O(1) for every key."}},
      {.name = "unwatch", .arity = 1, .flags = quick, .group = group,
       .handler = unwatch_handler,
       .docs = {"Forgets every key watched by this connection.", "2.2.0", o1}},
  };
  t.add(rows);
}

} // namespace actis::actors
