#include "commands/executor.hpp"

#include "commands/command_stats.hpp"
#include "datatypes/value.hpp"

namespace actis::commands {

namespace {

uint64_t dirty_of(keyspace& ks) {
  uint64_t sum = 0;
  for (auto* p : ks.held())
    if (p != nullptr)
      sum += p->stats.dirty;
  return sum;
}

/// Runs the handler, timed as Redis's call() times it: the handler alone,
/// not the propagation that follows.
/// Runs the handler, timed and counted. A handler bug never reaches data
/// it must not touch: a key it did not declare, or a collection read as a
/// string, is answered with an error instead.
void run_counted(command_context& ctx) {
  const uint64_t errors_before = ctx.reply.errors();
  const uint64_t start = stats::now_ns();
  try {
    ctx.spec.handler(ctx);
  } catch (const undeclared_key_error&) {
    ctx.reply.error(protocol::err::undeclared_key);
  } catch (const datatypes::wrong_type_access&) {
    ctx.reply.error(protocol::err::wrong_type);
  }
  stats::executed(ctx.spec, stats::now_ns() - start, ctx.reply.errors() != errors_before);
}

} // namespace

void execute(const command_spec& spec, const command_args& argv, protocol::reply_builder& out,
             keyspace* ks, int db, connection_hooks* conn,
             const std::vector<partition_summary>* summaries) {
  command_context ctx(spec, argv, out, ks, db);
  ctx.conn = conn;
  ctx.summaries = summaries;
  if (ks == nullptr || (spec.flags & f_write) == 0) {
    run_counted(ctx);
    return;
  }
  auto before = dirty_of(*ks);
  run_counted(ctx);
  if (dirty_of(*ks) == before)
    return;
  if (!ctx.rewritten) {
    ks->propagate(db, argv);
    return;
  }
  for (auto& cmd : ctx.replacement)
    ks->propagate(db, std::move(cmd));
}

} // namespace actis::commands
