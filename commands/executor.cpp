#include "commands/executor.hpp"

#include <new>
#include <stdexcept>

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

/// Runs the handler, timed and counted as Redis's call() times it: the
/// handler alone, not the propagation that follows; a blocking command
/// counts once, when it completes (not when it parks, nor when a wake-up
/// leaves it parked). A handler bug never reaches data it must not touch:
/// a key it did not declare, or a collection read as a string, is answered
/// with an error instead; so is a reply too large to allocate.
void run_counted(command_context& ctx) {
  const uint64_t errors_before = ctx.reply.errors();
  const uint64_t start = stats::now_ns();
  try {
    ctx.spec.handler(ctx);
  } catch (const undeclared_key_error&) {
    ctx.reply.error(protocol::err::undeclared_key);
  } catch (const datatypes::wrong_type_access&) {
    ctx.reply.error(protocol::err::wrong_type);
  } catch (const std::length_error&) {
    // A reply no memory can hold (SRANDMEMBER k -9223372036854775807, which
    // takes redis-server down): refused, the server and its data intact.
    ctx.reply.error(protocol::err::reply_too_large);
  } catch (const std::bad_alloc&) {
    ctx.reply.error(protocol::err::reply_too_large);
  }
  bool completed = !ctx.parked && (ctx.ready_key == nullptr || ctx.served);
  if (completed) {
    const uint64_t end = stats::now_ns();
    stats::executed(ctx.spec, end > start ? end - start : 0, ctx.reply.errors() != errors_before);
  }
}

/// Runs the handler; if it changed the dataset, the write stream gets the
/// command as sent or as the handler rewrote it.
void run_and_propagate(command_context& ctx) {
  if (ctx.ks == nullptr || (ctx.spec.flags & f_write) == 0) {
    run_counted(ctx);
    return;
  }
  auto before = dirty_of(*ctx.ks);
  run_counted(ctx);
  if (dirty_of(*ctx.ks) == before)
    return;
  if (!ctx.rewritten) {
    ctx.ks->propagate(ctx.db, ctx.argv);
    return;
  }
  for (auto& cmd : ctx.replacement)
    ctx.ks->propagate(ctx.db, std::move(cmd));
}

/// Serves the waiters of `key`, oldest first, while its value lets them
/// complete; a waiter it cannot serve keeps its place.
void serve_key(keyspace& ks, partition_data& p, int db, const std::string& key) {
  size_t i = 0;
  for (auto* q = p.waiters.queue(db, key); q != nullptr && i < q->size();
       q = p.waiters.queue(db, key)) {
    waiter_ptr w = (*q)[i];
    if (w->claimed()) {
      q->erase(q->begin() + static_cast<long>(i));
      continue;
    }
    std::string reply;
    protocol::reply_builder out(reply, w->resp);
    command_context ctx(w->spec, w->argv, out, &ks, w->db);
    ctx.waiter = w;
    ctx.ready_key = &key;
    run_and_propagate(ctx);
    if (!ctx.served) {
      ++i;
      continue;
    }
    // Its entries on this partition go now; other partitions drop theirs
    // when its client tells them (or when they meet it claimed).
    p.waiters.remove(w->db, w->keys, w.get());
    if (ctx.handed_back)
      w->retry();
    else
      w->deliver(std::move(reply));
  }
  p.waiters.drop_if_empty(db, key);
}

} // namespace

void serve_waiters(keyspace& ks) {
  for (bool any = true; any;) {
    any = false;
    for (auto* p : ks.held()) {
      if (p == nullptr || !p->waiters.has_ready())
        continue;
      any = true;
      for (auto& [db, key] : p->waiters.take_ready())
        serve_key(ks, *p, db, key);
    }
  }
}

bool execute(const command_spec& spec, const command_args& argv, protocol::reply_builder& out,
             keyspace* ks, int db, connection_hooks* conn,
             const std::vector<partition_summary>* summaries, waiter_ptr waiter) {
  command_context ctx(spec, argv, out, ks, db);
  ctx.conn = conn;
  ctx.summaries = summaries;
  ctx.waiter = std::move(waiter);
  run_and_propagate(ctx);
  if (ks != nullptr)
    serve_waiters(*ks);
  return ctx.parked;
}

void execute_nested(const command_spec& spec, const command_args& argv,
                    protocol::reply_builder& out, keyspace& ks, int db, bool in_script) {
  command_context ctx(spec, argv, out, &ks, db);
  ctx.in_script = in_script;
  run_and_propagate(ctx);
}

} // namespace actis::commands
