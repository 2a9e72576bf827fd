// Message types and atoms of every actor conversation, declared once.
//
// Conversations:
//  * loop -> partition         exec_batch: the commands of all of a loop's
//                              connections for one partition in one loop
//                              iteration, answered by their replies.
//  * loop -> partition         hold / release: the cross-partition
//                              transaction (take partitions in ascending
//                              order, run, release).
//  * connection -> partition   summary: counts and statistics for INFO and
//                              DBSIZE, read without holding;
//                              reset_stats: CONFIG RESETSTAT.
//  * connection -> loop        flush: end of the loop iteration's input;
//                              ship the batches and start transactions.
//  * connection -> loop        client_list / client_kill: the connections of
//                              another event loop (client_list answers a
//                              std::vector<client_line>).
//  * loop -> write sequencer   write_batch: dataset changes in global order.
//  * partition -> connection   blocked_reply / blocked_retry: a parked
//                              blocking command was served (its reply), or
//                              must run again (commands/blocking.hpp);
//    connection -> itself      block_timeout: its timeout expired;
//    connection -> partition   unpark: forget a parked command.
//  * connection -> loop        client_unblock: CLIENT UNBLOCK of a client of
//                              that loop (answers whether it was blocked).
//  * connection -> partition   unwatch: forget a client's watched keys
//                              (UNWATCH, DISCARD, RESET, a failed EXEC, the
//                              client leaving; commands/watch.hpp).
//  * persistence -> partition  snapshot_chunk: the next serialized part of
//                              the partition's share of the snapshot in
//                              progress, answered (bytes, done);
//                              snapshot_abandon: give the snapshot up
//                              (actors/rdb_saver.hpp).
//  * connection -> persistence persist: SAVE, BGSAVE, ... (persist_op),
//                              answered by the command's RESP reply.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <caf/all.hpp>

#include "commands/blocking.hpp"
#include "commands/summary.hpp"
#include "commands/watch.hpp"
#include "protocol/resp_parser.hpp"

namespace actis::actors {

using exec_batch_atom = caf::atom_constant<caf::atom("execbatch")>;
using hold_atom = caf::atom_constant<caf::atom("hold")>;
using held_atom = caf::atom_constant<caf::atom("held")>;
using release_atom = caf::atom_constant<caf::atom("release")>;
using expire_tick_atom = caf::atom_constant<caf::atom("expiretic")>;
using client_list_atom = caf::atom_constant<caf::atom("clientlst")>;
using client_kill_atom = caf::atom_constant<caf::atom("clientkil")>;
using summary_atom = caf::atom_constant<caf::atom("summary")>;
using reset_stats_atom = caf::atom_constant<caf::atom("resetstat")>;
using write_batch_atom = caf::atom_constant<caf::atom("writebat")>;
/// loop -> itself: ship the write-stream records buffered since the last
/// batch (ship_writes in actors/loop.cpp).
using write_ship_atom = caf::atom_constant<caf::atom("writeship")>;
using resume_atom = caf::atom_constant<caf::atom("resume")>;
using flush_atom = caf::atom_constant<caf::atom("flush")>;
using tick_atom = caf::atom_constant<caf::atom("tick")>;
using blocked_reply_atom = caf::atom_constant<caf::atom("blockrep")>;
using blocked_retry_atom = caf::atom_constant<caf::atom("blockretr")>;
using block_timeout_atom = caf::atom_constant<caf::atom("blocktime")>;
using unpark_atom = caf::atom_constant<caf::atom("unpark")>;
using client_unblock_atom = caf::atom_constant<caf::atom("clientunb")>;
using unwatch_atom = caf::atom_constant<caf::atom("unwatch")>;
/// loop -> loop: a pubsub_message (actors/pubsub.hpp) for its subscribers.
using pubsub_atom = caf::atom_constant<caf::atom("pubsub")>;
/// loop -> itself: end of the iteration's input; ship pub/sub batches and
/// write the subscribers that got messages.
using pubsub_flush_atom = caf::atom_constant<caf::atom("pubsubfl")>;

using snapshot_chunk_atom = caf::atom_constant<caf::atom("snapchunk")>;
using snapshot_abandon_atom = caf::atom_constant<caf::atom("snapaband")>;
using persist_atom = caf::atom_constant<caf::atom("persist")>;

/// What a client asks the persistence actor (carried as its int value).
enum class persist_op : int32_t {
  save,            // SAVE: answered when the file is on disk
  bgsave,          // BGSAVE: answered when the snapshot started
  bgsave_schedule, // BGSAVE SCHEDULE
  reload,          // DEBUG RELOAD: save, empty, load, all partitions held
  reload_nosave,   // DEBUG RELOAD NOSAVE: empty and load the existing file
  bgrewriteaof,    // BGREWRITEAOF: a snapshot cut becomes the AOF's base
  aof_on,          // CONFIG SET appendonly yes: a rewrite makes the base
  aof_off,         // CONFIG SET appendonly no: flush, fsync, close
  loadaof,         // DEBUG LOADAOF: flush, empty, load the AOF directory
};
/// main -> persistence: load the dataset (bool aof: the AOF directory,
/// else dbfilename) with every partition held, then start the AOF;
/// answered by "" or the error that stops start-up.
using load_dataset_atom = caf::atom_constant<caf::atom("loaddata")>;

/// A client's watched keys in one partition, to forget.
struct watch_release {
  commands::watch_ptr session;
  std::vector<commands::watched_key> keys;
};

/// One command for a partition, with the client state it runs under.
struct batch_item {
  int32_t db = 0;
  int32_t resp = 2;
  protocol::command_args argv;
  /// Where the command's first key is in argv (0: none), as its connection
  /// routed it: the partition loads the keys of a batch ahead of running it.
  uint32_t first_key = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, batch_item& x) {
  return f(caf::meta::type_name("batch_item"), x.db, x.resp, x.argv, x.first_key);
}

/// Commands of one connection for one partition, in order.
struct conn_batch {
  uint64_t conn = 0;
  std::vector<batch_item> items;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, conn_batch& x) {
  return f(caf::meta::type_name("conn_batch"), x.conn, x.items);
}

/// Everything one loop sends one partition in one loop iteration: the
/// batches of all its connections, so a loop wakes another loop once per
/// iteration rather than once per connection.
struct partition_batch {
  std::vector<conn_batch> batches;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, partition_batch& x) {
  return f(caf::meta::type_name("partition_batch"), x.batches);
}

/// RESP-encoded replies to one conn_batch, one per item, same order.
struct conn_result {
  uint64_t conn = 0;
  std::vector<std::string> replies;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, conn_result& x) {
  return f(caf::meta::type_name("conn_result"), x.conn, x.replies);
}

/// Replies to a partition_batch, in the same order.
struct batch_result {
  uint32_t partition = 0;
  std::vector<conn_result> results;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, batch_result& x) {
  return f(caf::meta::type_name("batch_result"), x.partition, x.results);
}

/// One change of the dataset as the command reproducing it, stamped with
/// its position in the global write order.
struct write_record {
  uint64_t seq = 0;
  int32_t db = 0;
  protocol::command_args argv;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, write_record& x) {
  return f(caf::meta::type_name("write_record"), x.seq, x.db, x.argv);
}

/// Filter of CLIENT KILL / CLIENT LIST (empty fields match everything).
struct client_filter {
  std::vector<uint64_t> ids;
  std::string addr;
  std::string laddr;
  std::string type;
  uint64_t skip_id = 0; // SKIPME yes: the caller's own id
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, client_filter& x) {
  return f(caf::meta::type_name("client_filter"), x.ids, x.addr, x.laddr, x.type, x.skip_id);
}

/// One client's CLIENT LIST line, with its id: the lines of every loop are
/// merged in id order (Redis lists clients in creation order).
struct client_line {
  uint64_t id = 0;
  std::string text; // newline-terminated
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, client_line& x) {
  return f(caf::meta::type_name("client_line"), x.id, x.text);
}

/// Registers the types above with an actor system config.
void add_message_types(caf::actor_system_config& cfg);

} // namespace actis::actors

// A parked command is shared by the loops it waits on; it never leaves the
// process.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(actis::commands::waiter_ptr)
// Likewise a watch session (its keys are forgotten where they are watched).
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(actis::actors::watch_release)

namespace actis::commands {

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, partition_stats& x) {
  return f(caf::meta::type_name("partition_stats"), x.keyspace_hits, x.keyspace_misses,
           x.expired_keys, x.expired_stale_perc, x.expired_time_cap_reached_count, x.dirty);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, db_summary& x) {
  return f(caf::meta::type_name("db_summary"), x.keys, x.expires, x.ttl_sum, x.ttl_samples);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, partition_summary& x) {
  return f(caf::meta::type_name("partition_summary"), x.partition, x.stats, x.dbs);
}

} // namespace actis::commands

// ----------------------------------------------------------- AOF writer
//  * sequencer -> aof writer   write_batch (above): appended to the current
//                              incr file; fsynced per appendfsync.
//  * aof writer -> loop mgrs   aof_durable (uint64_t seq): under appendfsync
//                              always, every record up to seq is fsynced
//                              (release the replies held for them); also
//                              sent once with the last written seq when the
//                              policy leaves always, and on aof_flush.
//  * lead -> aof writer        aof_rewrite_start (uint64_t cut) ->
//                              (std::string err, uint64_t cut): records up to
//                              `cut` (0 = what has arrived) stay in the
//                              current incr file, later ones go to a new one;
//                              answered once the new file is in the manifest.
//                              aof_rewrite_finish (std::string temp_base_path,
//                              bool rdb) -> std::string err: the rewrite's
//                              base (covering records up to the cut) becomes
//                              the base; old files become history.
//                              aof_rewrite_abort: the rewrite failed.
//                              aof_policy (std::string appendfsync value),
//                              aof_timestamps (bool): CONFIG SET.
//                              aof_flush (uint64_t up_to) ->
//                              (std::string err, uint64_t seq): once every
//                              record up to `up_to` arrived, write and fsync
//                              everything (SHUTDOWN, DEBUG LOADAOF); seq =
//                              durable. aof_stop (uint64_t up_to): the same,
//                              then close the log and exit (appendonly no).
//  * lead -> write sequencer   write_consumer (caf::actor): batches go to
//                              this consumer from now on (appendonly yes
//                              after no).
namespace actis::actors {
using aof_durable_atom = caf::atom_constant<caf::atom("aofdurabl")>;
using aof_rewrite_start_atom = caf::atom_constant<caf::atom("aofrwstart")>;
using aof_rewrite_finish_atom = caf::atom_constant<caf::atom("aofrwfin")>;
using aof_rewrite_abort_atom = caf::atom_constant<caf::atom("aofrwabort")>;
using aof_policy_atom = caf::atom_constant<caf::atom("aofpolicy")>;
using aof_timestamps_atom = caf::atom_constant<caf::atom("aoftimest")>;
using aof_flush_atom = caf::atom_constant<caf::atom("aofflush")>;
using aof_stop_atom = caf::atom_constant<caf::atom("aofstop")>;
using write_consumer_atom = caf::atom_constant<caf::atom("writecons")>;
} // namespace actis::actors
