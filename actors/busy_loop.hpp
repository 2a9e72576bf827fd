// Serving a loop's clients while a script holds its thread: Redis's
// processEventsWhileBlocked on our side.
//
// A script runs on its client's loop thread (inline at one partition, else
// inside a transaction round of the loop manager), so that loop's
// multiplexer does not run until it ends.
// Past busy-reply-threshold the engine's instruction hook calls the loop's
// service (scripting::while_script_runs, at most every poll interval): it
// polls, with a zero timeout, the loop's listening sockets and the sockets of
// its connections that wait for nothing, reads once from each that is ready
// and feeds the bytes to the connection's own parser and pipeline, which
// answers BUSY (refuse_while_busy) or runs what is allowed then (SCRIPT KILL,
// FUNCTION KILL, SHUTDOWN NOSAVE, HELLO, AUTH, MULTI ...), its replies sent
// straight to the socket. Accepted sockets become scribes of the loop
// manager and ordinary connections (accept_connection), served at once.
// The multiplexer is never re-entered: broker calls made meanwhile only
// queue its events, applied when it runs again; bytes read here are gone
// from the sockets (level-triggered polling), so nothing is read twice.
// A connection waiting for an earlier command (the script's own client, a
// command queued behind the script) is left alone: its replies stay in
// order and it is served normally once the script ended.
//
// Clients of other loops are not polled: their own loops answer them BUSY.
// What they may run meanwhile on the partitions the script holds (WATCH)
// is handed to the script's thread (run_beside_busy_script): the loop whose
// round runs a script opens the hand-off at the script's first instruction
// hook, runs what was handed over at each poll, and at the end of the round
// runs what is left and closes it.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "commands/keyspace.hpp"

namespace actis::actors {

/// Installs loop `index`'s service on the calling thread, which must be
/// that loop's thread.
void install_busy_service(uint32_t index);

/// Work a client of another loop may do while a script is busy, on the
/// partitions the script holds (all of them).
using busy_work = std::function<void(commands::keyspace& ks)>;

/// Hands `work` to the thread of the running script, which runs it at its
/// next poll of the sockets or when its round ends, exactly once. False if
/// no script's round takes work now (the caller then waits for the
/// partitions as usual).
bool run_beside_busy_script(busy_work work);

/// The end of a round on loop `index`, which still holds `held`: runs any
/// work handed over and takes no more.
void end_busy_handoff(uint32_t index, std::vector<commands::partition_data*>& held);

} // namespace actis::actors
