// Runs one resolved command: the single place where a command's effect on
// the dataset is turned into the write stream.
#pragma once

#include "commands/context.hpp"

namespace actis::commands {

/// Runs `spec` (resolved from `argv`, arity already checked) against `ks`
/// (null for connection- and summaries-scope commands) in database `db`,
/// writing its reply to `out`. If the command changed the dataset, the write
/// stream receives argv (or the handler's rewrite). `conn` is non-null only
/// for connection-scope commands; `summaries` only for summaries-scope ones.
/// Counts the run in the calling thread's command statistics (calls,
/// handler time, failed when it replied an error).
/// A blocking command gets the `waiter` it may park (commands/blocking.hpp);
/// without one it never blocks. Returns true if it parked.
/// After the command, the clients blocked on keys it changed are served,
/// on the partitions `ks` holds.
/// Thread: whoever holds the partitions in `ks`.
bool execute(const command_spec& spec, const command_args& argv, protocol::reply_builder& out,
             keyspace* ks, int db, connection_hooks* conn,
             const std::vector<partition_summary>* summaries = nullptr,
             waiter_ptr waiter = nullptr);

/// Runs one command inside an enclosing one (a queued command of EXEC, a
/// script's redis.call) as execute() runs it, never blocking, except that
/// the clients blocked on keys it changed are served only when the
/// enclosing command ends: its caller calls serve_waiters then, so a push
/// inside MULTI/EXEC or a script wakes waiters after the whole of it.
/// `in_script`: the enclosing command is a script (command_context::in_script).
void execute_nested(const command_spec& spec, const command_args& argv,
                    protocol::reply_builder& out, keyspace& ks, int db, bool in_script);

/// Serves the clients blocked on keys that became ready on the partitions
/// `ks` holds, until serving makes no more ready (a BLMOVE feeding another
/// waited list).
void serve_waiters(keyspace& ks);

} // namespace actis::commands
