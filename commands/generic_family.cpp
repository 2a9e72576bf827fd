// The generic (keyspace) commands: DEL, EXISTS, TYPE, KEYS, SCAN, RANDOMKEY,
// RENAME, COPY, MOVE, SWAPDB, TOUCH, OBJECT, the EXPIRE/TTL families,
// PERSIST, DBSIZE, FLUSHDB and FLUSHALL, with Redis 7.0's replies.
// Parsing, replies and registration; the operations are in generic_ops.cpp.
#include <climits>
#include <span>

#include "commands/command.hpp"
#include "commands/context.hpp"
#include "commands/families.hpp"
#include "commands/generic_ops.hpp"
#include "datatypes/strutil.hpp"

namespace actis::commands {

namespace {

using datatypes::iequals;

std::span<const std::string> keys_from(const command_args& argv, size_t first) {
  return std::span(argv).subspan(first);
}

/// Redis's getIntFromObjectOrReply: a strict long long that fits an int.
/// Fails with `custom` if given, else with Redis's two statuses (not a
/// number / out of the int range).
op_result<int> parse_int(std::string_view arg, op_status custom = op_status::ok) {
  long long v = 0;
  bool number = datatypes::parse_ll(arg, v);
  if (number && v >= INT_MIN && v <= INT_MAX)
    return static_cast<int>(v);
  if (custom != op_status::ok)
    return custom;
  return number ? op_status::int_out_of_range : op_status::not_integer;
}

/// A database index argument as MOVE and COPY parse it.
op_result<int> parse_db(std::string_view arg, int databases) {
  auto db = parse_int(arg);
  if (db.ok() && (*db < 0 || *db >= databases))
    return op_status::db_index_out_of_range;
  return db;
}

void reply_bool_as_int(command_context& ctx, const op_result<bool>& r) {
  if (!r.ok())
    return reply_error(ctx, r.error());
  ctx.reply.integer(*r ? 1 : 0);
}

void reply_int(command_context& ctx, const op_result<int64_t>& r) {
  if (!r.ok())
    return reply_error(ctx, r.error());
  ctx.reply.integer(*r);
}

void reply_keys(command_context& ctx, const std::vector<std::string>& keys) {
  ctx.reply.array(keys.size());
  for (auto& k : keys)
    ctx.reply.bulk(k);
}

// ---------------------------------------------------------------- DEL & co

void del_handler(command_context& ctx) {
  ctx.reply.integer(op_del(*ctx.ks, ctx.db, keys_from(ctx.argv, 1)));
}

void exists_handler(command_context& ctx) {
  ctx.reply.integer(op_exists(*ctx.ks, ctx.db, keys_from(ctx.argv, 1)));
}

void touch_handler(command_context& ctx) {
  ctx.reply.integer(op_touch(*ctx.ks, ctx.db, keys_from(ctx.argv, 1)));
}

void type_handler(command_context& ctx) {
  ctx.reply.simple(op_type(*ctx.ks, ctx.db, ctx.argv[1]));
}

// ------------------------------------------------------- KEYS SCAN RANDOMKEY

void keys_handler(command_context& ctx) {
  reply_keys(ctx, op_keys(*ctx.ks, ctx.db, ctx.argv[1]));
}

void scan_handler(command_context& ctx) {
  auto cursor = parse_scan_cursor(ctx.argv[1]);
  if (!cursor.ok())
    return reply_error(ctx, cursor.error());
  auto opt = parse_scan_options(ctx.argv, 2, true);
  if (!opt.ok())
    return reply_error(ctx, opt.error());
  auto page = op_scan(*ctx.ks, ctx.db, *cursor, *opt);
  ctx.reply.array(2);
  ctx.reply.bulk(std::to_string(page.next_cursor));
  reply_keys(ctx, page.keys);
}

void randomkey_handler(command_context& ctx) {
  auto r = op_randomkey(*ctx.ks, ctx.db);
  if (!r.ok())
    return reply_error(ctx, r.error());
  ctx.reply.bulk(*r);
}

// -------------------------------------------------- RENAME COPY MOVE SWAPDB

void rename_handler(command_context& ctx) {
  auto r = op_rename(*ctx.ks, ctx.db, ctx.argv[1], ctx.argv[2], false);
  if (!r.ok())
    return reply_error(ctx, r.error());
  ctx.reply.ok();
}

void renamenx_handler(command_context& ctx) {
  reply_bool_as_int(ctx, op_rename(*ctx.ks, ctx.db, ctx.argv[1], ctx.argv[2], true));
}

void copy_handler(command_context& ctx) {
  int dst_db = ctx.db;
  bool replace = false;
  const auto& argv = ctx.argv;
  for (size_t i = 3; i < argv.size(); ++i) {
    if (iequals(argv[i], "replace")) {
      replace = true;
    } else if (iequals(argv[i], "db") && i + 1 < argv.size()) {
      auto db = parse_db(argv[++i], ctx.ks->databases());
      if (!db.ok())
        return reply_error(ctx, db.error());
      dst_db = *db;
    } else {
      return reply_status(ctx.reply, op_status::syntax);
    }
  }
  reply_bool_as_int(ctx, op_copy(*ctx.ks, ctx.db, argv[1], dst_db, argv[2], replace));
}

void move_handler(command_context& ctx) {
  auto dst_db = parse_db(ctx.argv[2], ctx.ks->databases());
  if (!dst_db.ok())
    return reply_error(ctx, dst_db.error());
  reply_bool_as_int(ctx, op_move(*ctx.ks, ctx.db, ctx.argv[1], *dst_db));
}

void swapdb_handler(command_context& ctx) {
  auto first = parse_int(ctx.argv[1], op_status::invalid_first_db);
  if (!first.ok())
    return reply_error(ctx, first.error());
  auto second = parse_int(ctx.argv[2], op_status::invalid_second_db);
  if (!second.ok())
    return reply_error(ctx, second.error());
  auto swapped = op_swapdb(*ctx.ks, *first, *second);
  if (!swapped.ok())
    return reply_error(ctx, swapped.error());
  ctx.reply.ok();
}

// --------------------------------------------------------------- OBJECT

void object_encoding_handler(command_context& ctx) {
  auto r = op_object_encoding(*ctx.ks, ctx.db, ctx.argv[2]);
  if (!r.ok())
    return reply_error(ctx, r.error());
  ctx.reply.bulk(*r);
}

void object_refcount_handler(command_context& ctx) {
  reply_int(ctx, op_object_refcount(*ctx.ks, ctx.db, ctx.argv[2]));
}

void object_idletime_handler(command_context& ctx) {
  reply_int(ctx, op_object_idletime(*ctx.ks, ctx.db, ctx.argv[2]));
}

void object_freq_handler(command_context& ctx) {
  reply_int(ctx, op_object_freq(*ctx.ks, ctx.db, ctx.argv[2]));
}

void object_help_handler(command_context& ctx) {
  static constexpr std::string_view lines[] = {
      "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "ENCODING <key>",
      "    Return the kind of internal representation used in order to store the value",
      "    associated with a <key>.",
      "FREQ <key>",
      "    Return the access frequency index of the <key>. The returned integer is",
      "    proportional to the logarithm of the recent access frequency of the key.",
      "IDLETIME <key>",
      "    Return the idle time of the <key>, that is the approximated number of",
      "    seconds elapsed since the last access to the key.",
      "REFCOUNT <key>",
      "    Return the number of references of the value associated with the specified",
      "    <key>.",
      "HELP",
      "    Prints this help.",
  };
  reply_help_lines(ctx, lines);
}

// ------------------------------------------------------- EXPIRE & TTL

op_result<unsigned> parse_expire_flags(const command_args& argv) {
  unsigned flags = 0;
  for (size_t i = 3; i < argv.size(); ++i) {
    const auto& opt = argv[i];
    if (iequals(opt, "nx"))
      flags |= expire_nx;
    else if (iequals(opt, "xx"))
      flags |= expire_xx;
    else if (iequals(opt, "gt"))
      flags |= expire_gt;
    else if (iequals(opt, "lt"))
      flags |= expire_lt;
    else
      return {op_status::unsupported_option, opt};
  }
  if ((flags & expire_nx) && (flags & (expire_xx | expire_gt | expire_lt)))
    return op_status::expire_nx_and_other;
  if ((flags & expire_gt) && (flags & expire_lt))
    return op_status::expire_gt_and_lt;
  return flags;
}

/// EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT. `relative` adds now to the
/// argument.
void expire_generic(command_context& ctx, bool relative, bool seconds) {
  auto flags = parse_expire_flags(ctx.argv);
  if (!flags.ok())
    return reply_error(ctx, flags.error());
  int64_t basetime = relative ? ctx.ks->now_ms() : 0;
  auto when = expire_time(ctx.argv[2], basetime, seconds);
  if (!when.ok())
    return reply_error(ctx, when.error());
  const auto& key = ctx.argv[1];
  switch (op_expire(*ctx.ks, ctx.db, key, *when, *flags)) {
    case expire_outcome::unchanged:
      ctx.reply.integer(0);
      return;
    case expire_outcome::deleted:
      // Already in the past: the key went now, replicated as an explicit DEL.
      ctx.propagate_as({"DEL", key});
      break;
    case expire_outcome::set: {
      // Replicated as PEXPIREAT with the absolute time; options are kept.
      command_args rewritten = ctx.argv;
      if (ctx.spec.name != "pexpireat")
        rewritten[0] = "PEXPIREAT";
      if (basetime != 0 || seconds)
        rewritten[2] = std::to_string(*when);
      ctx.propagate_as(std::move(rewritten));
      break;
    }
  }
  ctx.reply.integer(1);
}

void expire_handler(command_context& ctx) { expire_generic(ctx, true, true); }
void pexpire_handler(command_context& ctx) { expire_generic(ctx, true, false); }
void expireat_handler(command_context& ctx) { expire_generic(ctx, false, true); }
void pexpireat_handler(command_context& ctx) { expire_generic(ctx, false, false); }

template <bool Millis, bool Absolute>
void ttl_handler(command_context& ctx) {
  ctx.reply.integer(op_ttl(*ctx.ks, ctx.db, ctx.argv[1], {Millis, Absolute}));
}

void persist_handler(command_context& ctx) {
  ctx.reply.integer(op_persist(*ctx.ks, ctx.db, ctx.argv[1]) ? 1 : 0);
}

// ------------------------------------------------- DBSIZE FLUSHDB FLUSHALL

void dbsize_handler(command_context& ctx) {
  ctx.reply.integer(op_dbsize(*ctx.summaries, ctx.db));
}

/// The optional SYNC / ASYNC argument; both free memory inline here.
bool valid_flush_mode(const command_args& argv) {
  return argv.size() == 1 ||
         (argv.size() == 2 && (iequals(argv[1], "sync") || iequals(argv[1], "async")));
}

void flushdb_handler(command_context& ctx) {
  if (!valid_flush_mode(ctx.argv))
    return reply_status(ctx.reply, op_status::syntax);
  op_flushdb(*ctx.ks, ctx.db);
  // Redis forces propagation even when nothing was removed.
  ctx.suppress_propagation();
  ctx.ks->propagate(ctx.db, ctx.argv);
  ctx.reply.ok();
}

void flushall_handler(command_context& ctx) {
  if (!valid_flush_mode(ctx.argv))
    return reply_status(ctx.reply, op_status::syntax);
  op_flushall(*ctx.ks);
  // As FLUSHDB. (Redis with save points configured also saves an RDB here
  // and then counts one change: the persistence issue adds that.)
  ctx.suppress_propagation();
  ctx.ks->propagate(ctx.db, ctx.argv);
  ctx.reply.ok();
}

} // namespace

// ------------------------------------------------------------ registration

void register_generic_family(command_table& t) {
  constexpr auto server = command_group::server;
  constexpr auto everywhere = exec_scope::all_partitions;
  constexpr const char* o1 = "O(1)";
  constexpr auto per_key_sum = "request_policy:multi_shard response_policy:agg_sum";
  constexpr auto every_shard_succeeds = "request_policy:all_shards response_policy:all_succeeded";
  const key_spec all_removed{k_rm | k_delete, begin_at(1), keys_range(-1)};
  const key_spec all_looked_at{k_ro, begin_at(1), keys_range(-1)};
  const key_spec renamed = key_at(1, k_rw | k_access | k_delete);
  const key_spec expiry_changed = key_at(1, k_rw | k_update);
  const key_spec read = key_at(1, k_ro | k_access);
  const key_spec object_key = key_at(2, k_ro);
  const command_def rows[] = {
      {.name = "del", .arity = -2, .flags = f_write, .keys = {all_removed}, .handler = del_handler,
       .tips = per_key_sum,
       .docs = {"Removes keys and their values.", "1.0.0",
                "O(N) in the number of keys, plus the size of each removed collection."}},
      {.name = "unlink", .arity = -2, .flags = f_write | f_fast, .keys = {all_removed},
       .handler = del_handler, .tips = per_key_sum,
       .docs = {"Removes keys; memory reclaim may be deferred.", "4.0.0",
                "O(1) per key removed."}},
      {.name = "exists", .arity = -2, .flags = f_readonly | f_fast, .keys = {all_looked_at},
       .handler = exists_handler, .tips = per_key_sum,
       .docs = {"Counts how many of the given keys exist.", "1.0.0",
                "O(N) in the number of keys."}},
      {.name = "type", .arity = 2, .flags = f_readonly | f_fast, .keys = {key_at(1, k_ro)},
       .handler = type_handler, .docs = {"Names the type of the value at a key.", "1.0.0", o1}},
      {.name = "keys", .arity = 2, .flags = f_readonly, .scope = everywhere,
       .handler = keys_handler,
       .tips = "request_policy:all_shards nondeterministic_output_order",
       .extra_acl = acl_dangerous,
       .docs = {"Lists every key matching a pattern.", "1.0.0",
                "O(N) in the number of keys of the database."}},
      {.name = "scan", .arity = -2, .flags = f_readonly, .scope = everywhere,
       .handler = scan_handler, .tips = "nondeterministic_output request_policy:special",
       .docs = {"Walks the keys of a database with a cursor.", "2.8.0",
                "O(1) per call, O(N) for a complete iteration."}},
      {.name = "randomkey", .arity = 1, .flags = f_readonly, .scope = everywhere,
       .handler = randomkey_handler,
       .tips = "request_policy:all_shards nondeterministic_output",
       .docs = {"Returns a key picked at random.", "1.0.0", o1}},
      {.name = "rename", .arity = 3, .flags = f_write,
       .keys = {renamed, key_at(2, k_ow | k_update)}, .handler = rename_handler,
       .docs = {"Gives a key a new name, replacing any target.", "1.0.0", o1}},
      {.name = "renamenx", .arity = 3, .flags = f_write | f_fast,
       .keys = {renamed, key_at(2, k_ow | k_insert)}, .handler = renamenx_handler,
       .docs = {"Gives a key a new name unless the new name is taken.", "1.0.0", o1}},
      {.name = "copy", .arity = -3, .flags = f_write | f_denyoom,
       .keys = {read, key_at(2, k_ow | k_update)}, .handler = copy_handler,
       .docs = {"Duplicates a value under another key or database.", "6.2.0",
                "O(N) in the number of nested elements, O(1) for strings."}},
      {.name = "move", .arity = 3, .flags = f_write | f_fast,
       .keys = {key_at(1, k_rw | k_access | k_update)}, .handler = move_handler,
       .docs = {"Moves a key to another database.", "1.0.0", o1}},
      {.name = "swapdb", .arity = 3, .flags = f_write | f_fast, .group = server,
       .scope = everywhere, .handler = swapdb_handler, .extra_acl = acl_keyspace | acl_dangerous,
       .docs = {"Exchanges the contents of two databases.", "4.0.0",
                "O(N) in the clients watching or blocked on keys of both databases."}},
      {.name = "touch", .arity = -2, .flags = f_readonly | f_fast, .keys = {all_looked_at},
       .handler = touch_handler, .tips = per_key_sum,
       .docs = {"Marks keys as just accessed; counts those that exist.", "3.2.1",
                "O(N) in the number of keys."}},

      {.name = "object", .arity = -2,
       .docs = {"Container of the value introspection subcommands.", "2.2.3",
                "Depends on subcommand."}},
      {.name = "object|encoding", .arity = 3, .flags = f_readonly, .keys = {object_key},
       .handler = object_encoding_handler, .tips = "nondeterministic_output",
       .docs = {"Names the internal encoding of a value.", "2.2.3", o1}},
      {.name = "object|freq", .arity = 3, .flags = f_readonly, .keys = {object_key},
       .handler = object_freq_handler, .tips = "nondeterministic_output",
       .docs = {"Returns the logarithmic access counter of a value.", "4.0.0", o1}},
      {.name = "object|idletime", .arity = 3, .flags = f_readonly, .keys = {object_key},
       .handler = object_idletime_handler, .tips = "nondeterministic_output",
       .docs = {"Seconds since a value was last accessed.", "2.2.3", o1}},
      {.name = "object|refcount", .arity = 3, .flags = f_readonly, .keys = {object_key},
       .handler = object_refcount_handler, .tips = "nondeterministic_output",
       .docs = {"Number of references to a value.", "2.2.3", o1}},
      {.name = "object|help", .arity = 2, .flags = f_loading | f_stale,
       .handler = object_help_handler,
       .docs = {"Describes the OBJECT subcommands.", "6.2.0", o1}},

      {.name = "expire", .arity = -3, .flags = f_write | f_fast, .keys = {expiry_changed},
       .handler = expire_handler,
       .docs = {"Sets a key's time to live in seconds.", "1.0.0", o1}},
      {.name = "pexpire", .arity = -3, .flags = f_write | f_fast, .keys = {expiry_changed},
       .handler = pexpire_handler,
       .docs = {"Sets a key's time to live in milliseconds.", "2.6.0", o1}},
      {.name = "expireat", .arity = -3, .flags = f_write | f_fast, .keys = {expiry_changed},
       .handler = expireat_handler,
       .docs = {"Sets a key's expiry as a unix time in seconds.", "1.2.0", o1}},
      {.name = "pexpireat", .arity = -3, .flags = f_write | f_fast, .keys = {expiry_changed},
       .handler = pexpireat_handler,
       .docs = {"Sets a key's expiry as a unix time in milliseconds.", "2.6.0", o1}},
      {.name = "ttl", .arity = 2, .flags = f_readonly | f_fast, .keys = {read},
       .handler = ttl_handler<false, false>, .tips = "nondeterministic_output",
       .docs = {"Seconds left before a key expires.", "1.0.0", o1}},
      {.name = "pttl", .arity = 2, .flags = f_readonly | f_fast, .keys = {read},
       .handler = ttl_handler<true, false>, .tips = "nondeterministic_output",
       .docs = {"Milliseconds left before a key expires.", "2.6.0", o1}},
      {.name = "expiretime", .arity = 2, .flags = f_readonly | f_fast, .keys = {read},
       .handler = ttl_handler<false, true>,
       .docs = {"Unix time in seconds at which a key expires.", "7.0.0", o1}},
      {.name = "pexpiretime", .arity = 2, .flags = f_readonly | f_fast, .keys = {read},
       .handler = ttl_handler<true, true>,
       .docs = {"Unix time in milliseconds at which a key expires.", "7.0.0", o1}},
      {.name = "persist", .arity = 2, .flags = f_write | f_fast, .keys = {expiry_changed},
       .handler = persist_handler, .docs = {"Removes a key's expiry.", "2.2.0", o1}},

      {.name = "dbsize", .arity = 1, .flags = f_readonly | f_fast, .group = server,
       .scope = exec_scope::summaries, .handler = dbsize_handler,
       .tips = "request_policy:all_shards response_policy:agg_sum", .extra_acl = acl_keyspace,
       .docs = {"Number of keys in the selected database.", "1.0.0", o1}},
      {.name = "flushdb", .arity = -1, .flags = f_write, .group = server, .scope = everywhere,
       .handler = flushdb_handler, .tips = every_shard_succeeds,
       .extra_acl = acl_keyspace | acl_dangerous,
       .docs = {"Removes every key of the selected database.", "1.0.0",
                "O(N) in the number of keys of the database."}},
      {.name = "flushall", .arity = -1, .flags = f_write, .group = server, .scope = everywhere,
       .handler = flushall_handler, .tips = every_shard_succeeds,
       .extra_acl = acl_keyspace | acl_dangerous,
       .docs = {"Removes every key of every database.", "1.0.0",
                "O(N) in the number of keys of all databases."}},
  };
  t.add(rows);
}

} // namespace actis::commands
