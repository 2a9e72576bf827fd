#include "commands/executor.hpp"

namespace actis::commands {

namespace {

uint64_t dirty_of(keyspace& ks) {
  uint64_t sum = 0;
  for (auto* p : ks.held())
    if (p != nullptr)
      sum += p->stats.dirty;
  return sum;
}

} // namespace

namespace {

void run_handler(const command_spec& spec, command_context& ctx) {
  try {
    spec.handler(ctx);
  } catch (const undeclared_key_error&) {
    ctx.reply.error(protocol::err::undeclared_key);
  }
}

} // namespace

void execute(const command_spec& spec, const command_args& argv, protocol::reply_builder& out,
             keyspace* ks, int db, connection_hooks* conn,
             const std::vector<partition_summary>* summaries) {
  command_context ctx(spec, argv, out, ks, db);
  ctx.conn = conn;
  ctx.summaries = summaries;
  if (ks == nullptr || (spec.flags & f_write) == 0) {
    run_handler(spec, ctx);
    return;
  }
  auto before = dirty_of(*ks);
  run_handler(spec, ctx);
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
