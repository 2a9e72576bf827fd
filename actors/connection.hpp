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

/// Starts serving `hdl` on loop `loop_index` (called by the loop's acceptor
/// through broker::fork, so it runs on the loop's multiplexer thread).
caf::behavior connection_actor(caf::io::broker* self, caf::io::connection_handle hdl,
                               uint32_t loop_index);

} // namespace actis::actors
