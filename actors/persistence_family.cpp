// The persistence commands: SAVE, BGSAVE, BGREWRITEAOF and LASTSAVE, answered by the RDB
// persistence actor (actors/rdb_saver.hpp).
#include "actors/connection_hooks.hpp"
#include "actors/families.hpp"
#include "actors/rdb_saver.hpp"
#include "commands/command.hpp"
#include "commands/context.hpp"
#include "datatypes/strutil.hpp"
#include "protocol/errors.hpp"

namespace actis::actors {

namespace {

using commands::command_context;
namespace err = protocol::err;

void ask_persistence(command_context& ctx, persist_op op) {
  ctx.conn->persist(op, ctx.conn->defer());
}

void save_handler(command_context& ctx) { ask_persistence(ctx, persist_op::save); }

/// BGSAVE [SCHEDULE].
void bgsave_handler(command_context& ctx) {
  if (ctx.argv.size() == 1)
    ask_persistence(ctx, persist_op::bgsave);
  else if (ctx.argv.size() == 2 && datatypes::iequals(ctx.argv[1], "schedule"))
    ask_persistence(ctx, persist_op::bgsave_schedule);
  else
    ctx.reply.error(err::syntax);
}

void bgrewriteaof_handler(command_context& ctx) { ask_persistence(ctx, persist_op::bgrewriteaof); }

void lastsave_handler(command_context& ctx) {
  ctx.reply.integer(rdb_status::instance().last_save_s.load(std::memory_order_relaxed));
}

} // namespace

void register_persistence_family(commands::command_table& t) {
  using namespace commands;
  constexpr auto server = command_group::server;
  constexpr uint32_t background = f_admin | f_noscript | f_no_async_loading;
  const command_def rows[] = {
      {.name = "save", .arity = 1, .flags = background | f_no_multi, .group = server,
       .handler = save_handler,
       .docs = {"Synchronously saves the database(s) to disk.", "1.0.0",
                "O(N) where N is the total number of keys in all databases"}},
      {.name = "bgsave", .arity = -1, .flags = background, .group = server,
       .handler = bgsave_handler,
       .docs = {"Asynchronously saves the database(s) to disk.", "1.0.0", "O(1)"}},
      {.name = "bgrewriteaof", .arity = 1, .flags = background, .group = server,
       .handler = bgrewriteaof_handler,
       .docs = {"Asynchronously rewrites the append-only file to disk.", "1.0.0", "O(1)"}},
      {.name = "lastsave", .arity = 1, .flags = f_loading | f_stale | f_fast, .group = server,
       .handler = lastsave_handler, .tips = "nondeterministic_output",
       .extra_acl = acl_admin | acl_dangerous,
       .docs = {"Returns the Unix timestamp of the last successful save to disk.", "1.0.0",
                "O(1)"}},
  };
  t.add(rows);
}

} // namespace actis::actors
