// The connection actor: one io::broker per client socket, on its event loop.
//
// It parses RESP from the socket and routes each command:
//  * connection-scope commands run here;
//  * a command whose keys all live in one partition of this loop runs
//    inline on that partition's data (same thread), unless the partition is
//    held by a transaction or this connection still has messages queued to
//    it (then it goes through the mailbox to keep per-partition order);
//  * commands for other partitions are collected per partition and posted
//    to the loop, which sends one exec_batch per partition per iteration
//    for all its connections and hands the replies back;
//  * commands spanning several partitions (or all of them) are posted to the
//    loop as transactions; the loop's next transaction round holds the
//    partitions, runs them, and releases. Later commands of this client wait
//    until it is done.
// Replies are written strictly in request order.
#pragma once

#include <cstdint>

#include <caf/all.hpp>
#include <caf/io/all.hpp>

namespace actis::actors {

/// Starts serving `hdl`, a connection the loop manager `manager` owns, on
/// loop `loop_index` (its thread): forks it off to a broker of its own. The
/// connection exists when this returns, so a loop whose thread a busy script
/// holds serves it at once (actors/busy_loop.hpp); its broker first runs
/// when the multiplexer does.
void start_connection(caf::io::broker* manager, caf::io::connection_handle hdl,
                      uint32_t loop_index);

} // namespace actis::actors
