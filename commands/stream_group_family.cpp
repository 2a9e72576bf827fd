// The consumer-group and introspection commands of streams: XGROUP, XACK,
// XPENDING, XCLAIM, XAUTOCLAIM and XINFO. Parse -> operation
// (commands/stream_group_ops.hpp) -> reply. XCLAIM and XAUTOCLAIM reach
// the write stream as one idempotent XCLAIM per pending entry they changed
// (plus XGROUP SETID when only LASTID moved the group), as Redis
// propagates them.
#include <climits>
#include <string>
#include <string_view>
#include <vector>

#include "commands/command.hpp"
#include "commands/context.hpp"
#include "commands/families.hpp"
#include "commands/stream_family_internal.hpp"

namespace actis::commands {

namespace {

namespace err = protocol::err;
using namespace stream_detail;
using datatypes::obj_type;

/// The stream at argv[key_at] for a group command: replies WRONGTYPE and
/// returns false for another type; `out` null if missing.
bool stream_at(command_context& ctx, size_t key_at, stream*& out, bool write = false) {
  auto s = write ? op_write_stream(*ctx.ks, ctx.db, ctx.argv[key_at])
                 : op_read_stream(*ctx.ks, ctx.db, ctx.argv[key_at]);
  if (!s.ok()) {
    reply_error(ctx, s.error());
    return false;
  }
  out = *s;
  return true;
}

void subcommand_error(command_context& ctx, std::string_view container) {
  ctx.reply.error(err::subcommand_usage(ctx.argv[1], container));
}

// --- XGROUP -------------------------------------------------------------------------

/// ENTRIESREAD's value: a counter or -1 (unknown).
bool entries_read_arg(command_context& ctx, std::string_view s, long long& out) {
  if (!ll_arg(ctx, s, out))
    return false;
  if (out < 0 && out != stream_group::invalid_entries_read) {
    ctx.reply.error(err::stream_entries_read_range);
    return false;
  }
  return true;
}

/// The key and, for the subcommands that need it, the group of XGROUP
/// <sub> key group ...; replies the error and returns false if missing.
bool group_target(command_context& ctx, stream*& s, stream_group*& g, bool need_group) {
  if (!stream_at(ctx, 2, s, true))
    return false;
  if (s == nullptr) {
    ctx.reply.error(err::stream_group_needs_key);
    return false;
  }
  g = s->find_group(ctx.argv[3]);
  if (g == nullptr && need_group) {
    ctx.reply.error(err::stream_no_group(ctx.argv[2], ctx.argv[3]));
    return false;
  }
  return true;
}

/// XGROUP CREATE key group id|$ [MKSTREAM] [ENTRIESREAD n]
void xgroup_create_cmd(command_context& ctx) {
  bool mkstream = false;
  long long entries_read = stream_group::invalid_entries_read;
  for (size_t i = 5; i < ctx.argv.size();) {
    if (datatypes::iequals(ctx.argv[i], "mkstream")) {
      mkstream = true;
      ++i;
    } else if (datatypes::iequals(ctx.argv[i], "entriesread") && i + 1 < ctx.argv.size()) {
      if (!entries_read_arg(ctx, ctx.argv[i + 1], entries_read))
        return;
      i += 2;
    } else {
      return subcommand_error(ctx, "XGROUP");
    }
  }
  const std::string& key = ctx.argv[2];
  stream* s = nullptr;
  if (!stream_at(ctx, 2, s, true))
    return;
  if (s == nullptr && !mkstream)
    return ctx.reply.error(err::stream_group_needs_key);
  if (ctx.argv.size() > 8)
    return subcommand_error(ctx, "XGROUP");
  stream_id id;
  if (ctx.argv[4] == "$")
    id = s == nullptr ? stream_id{} : s->last_id;
  else if (!id_arg(ctx, ctx.argv[4], id))
    return;
  if (s == nullptr)
    s = &op_create_stream(*ctx.ks, ctx.db, key);
  if (!op_group_create(*ctx.ks, ctx.db, key, *s, ctx.argv[3], id, entries_read))
    return ctx.reply.error(err::stream_busygroup);
  ctx.reply.ok();
}

/// XGROUP SETID key group id|$ [ENTRIESREAD n]
void xgroup_setid_cmd(command_context& ctx) {
  stream* s = nullptr;
  stream_group* g = nullptr;
  if (!group_target(ctx, s, g, true))
    return;
  if (ctx.argv.size() != 5 && ctx.argv.size() != 7)
    return subcommand_error(ctx, "XGROUP");
  stream_id id;
  if (ctx.argv[4] == "$")
    id = s->last_id;
  else if (!id_arg(ctx, ctx.argv[4], id, false))
    return;
  long long entries_read = stream_group::invalid_entries_read;
  if (ctx.argv.size() == 7) {
    if (!datatypes::iequals(ctx.argv[5], "entriesread"))
      return subcommand_error(ctx, "XGROUP");
    if (!ll_arg(ctx, ctx.argv[6], entries_read))
      return;
    if (entries_read < 0 && entries_read != stream_group::invalid_entries_read)
      return ctx.reply.error(err::stream_entries_read_range);
  }
  op_group_setid(*ctx.ks, ctx.db, ctx.argv[2], *g, id, entries_read);
  ctx.reply.ok();
}

void xgroup_destroy_cmd(command_context& ctx) {
  stream* s = nullptr;
  stream_group* g = nullptr;
  if (!group_target(ctx, s, g, false))
    return;
  ctx.reply.integer(op_group_destroy(*ctx.ks, ctx.db, ctx.argv[2], *s, ctx.argv[3]) ? 1 : 0);
}

void xgroup_createconsumer_cmd(command_context& ctx) {
  stream* s = nullptr;
  stream_group* g = nullptr;
  if (!group_target(ctx, s, g, true))
    return;
  bool created = op_group_create_consumer(*ctx.ks, ctx.db, ctx.argv[2], *g, ctx.argv[4]);
  ctx.reply.integer(created ? 1 : 0);
}

void xgroup_delconsumer_cmd(command_context& ctx) {
  stream* s = nullptr;
  stream_group* g = nullptr;
  if (!group_target(ctx, s, g, true))
    return;
  long long pending = op_group_del_consumer(*ctx.ks, ctx.db, ctx.argv[2], *g, ctx.argv[4]);
  ctx.reply.integer(pending < 0 ? 0 : pending);
}

void xgroup_help_cmd(command_context& ctx) {
  static constexpr std::string_view lines[] = {
      "XGROUP <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "CREATE <key> <groupname> <id|$> [option]",
      "    Create a new consumer group. Options are:",
      "    * MKSTREAM",
      "      Create the empty stream if it does not exist.",
      "    * ENTRIESREAD entries_read",
      "      Set the group's entries_read counter (internal use).",
      "CREATECONSUMER <key> <groupname> <consumer>",
      "    Create a new consumer in the specified group.",
      "DELCONSUMER <key> <groupname> <consumer>",
      "    Remove the specified consumer.",
      "DESTROY <key> <groupname>",
      "    Remove the specified group.",
      "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
      "    Set the current group ID and entries_read counter.",
      "HELP",
      "    Prints this help.",
  };
  reply_help_lines(ctx, lines);
}

// --- XACK, XPENDING ---------------------------------------------------------------

/// XACK key group id [id ...]
void xack_cmd(command_context& ctx) {
  stream* s = nullptr;
  if (!stream_at(ctx, 1, s))
    return;
  stream_group* g = s == nullptr ? nullptr : s->find_group(ctx.argv[2]);
  if (g == nullptr)
    return ctx.reply.integer(0);
  std::vector<stream_id> ids(ctx.argv.size() - 3);
  for (size_t j = 3; j < ctx.argv.size(); ++j)
    if (!id_arg(ctx, ctx.argv[j], ids[j - 3]))
      return;
  ctx.reply.integer(static_cast<long long>(op_xack(*ctx.ks, ctx.db, ctx.argv[1], *g, ids)));
}

/// XPENDING key group [[IDLE min] start end count [consumer]]
void xpending_cmd(command_context& ctx) {
  const auto& argv = ctx.argv;
  const size_t argc = argv.size();
  bool summary = argc == 3;
  if (argc != 3 && (argc < 6 || argc > 9))
    return ctx.reply.error(err::syntax);
  stream_id start, end;
  long long count = 0, min_idle = 0;
  const std::string* consumer = nullptr;
  if (argc >= 6) {
    size_t at = 3;
    if (datatypes::iequals(argv[3], "idle")) {
      if (!ll_arg(ctx, argv[4], min_idle))
        return;
      if (argc < 8)
        return ctx.reply.error(err::syntax);
      at += 2;
    }
    if (!ll_arg(ctx, argv[at + 2], count))
      return;
    if (count < 0)
      count = 0;
    bool ex = false;
    if (!parse_interval_id(argv[at], start, ex, 0))
      return ctx.reply.error(err::invalid_stream_id);
    if (ex && !start.incr())
      return ctx.reply.error(err::stream_invalid_start);
    if (!parse_interval_id(argv[at + 1], end, ex, UINT64_MAX))
      return ctx.reply.error(err::invalid_stream_id);
    if (ex && !end.decr())
      return ctx.reply.error(err::stream_invalid_end);
    if (at + 3 < argc)
      consumer = &argv[at + 3];
  }
  stream* s = nullptr;
  if (!stream_at(ctx, 1, s))
    return;
  stream_group* g = s == nullptr ? nullptr : s->find_group(argv[2]);
  if (g == nullptr)
    return ctx.reply.error(err::stream_no_key_or_group(argv[1], argv[2]));
  auto& r = ctx.reply;
  if (summary) {
    r.array(4);
    r.integer(static_cast<long long>(g->pel.size()));
    if (g->pel.empty()) {
      r.null();
      r.null();
      r.null_array();
      return;
    }
    reply_id(r, g->pel.begin()->first);
    reply_id(r, g->pel.rbegin()->first);
    size_t with_pending = 0;
    for (auto& [name, c] : g->consumers)
      with_pending += c.pending.empty() ? 0 : 1;
    r.array(with_pending);
    for (auto& [name, c] : g->consumers) {
      if (c.pending.empty())
        continue;
      r.array(2);
      r.bulk(name);
      r.bulk(datatypes::ll_to_string(static_cast<long long>(c.pending.size())));
    }
    return;
  }
  auto rows = op_pending_range(*g, start, end, count, min_idle, consumer, ctx.ks->now_ms());
  r.array(rows.size());
  for (auto& row : rows) {
    r.array(4);
    reply_id(r, row.id);
    r.bulk(row.consumer);
    r.integer(row.idle_ms);
    r.integer(static_cast<long long>(row.delivery_count));
  }
}

// --- XCLAIM, XAUTOCLAIM -----------------------------------------------------------

void propagate_claims(command_context& ctx, const stream_group& g, const claim_result& r) {
  if (!ctx.ks->propagating())
    return ctx.suppress_propagation();
  const std::string& key = ctx.argv[1];
  const std::string& group = ctx.argv[2];
  if (r.consumer_created)
    ctx.propagate_as(create_consumer_form(key, group, ctx.argv[3]));
  for (auto& c : r.changes)
    ctx.propagate_as(xclaim_form(key, group, c, g.last_id));
  if (r.last_id_moved)
    ctx.propagate_as(setid_form(key, group, g));
  if (!ctx.rewritten)
    ctx.suppress_propagation();
}

void reply_claimed(command_context& ctx, const claim_result& r, bool justid) {
  ctx.reply.array(r.claimed.size());
  for (auto& d : r.claimed) {
    if (justid)
      reply_id(ctx.reply, d.entry.id);
    else
      reply_entry(ctx.reply, d.entry);
  }
}

/// XCLAIM key group consumer min-idle id [id ...] [IDLE ms] [TIME ms]
///        [RETRYCOUNT n] [FORCE] [JUSTID] [LASTID id]
void xclaim_cmd(command_context& ctx) {
  const auto& argv = ctx.argv;
  stream* s = nullptr;
  if (!stream_at(ctx, 1, s))
    return;
  stream_group* g = s == nullptr ? nullptr : s->find_group(argv[2]);
  if (g == nullptr)
    return ctx.reply.error(err::stream_no_key_or_group(argv[1], argv[2]));
  xclaim_args a;
  if (!ll_arg(ctx, argv[4], a.min_idle, err::xclaim_min_idle))
    return;
  if (a.min_idle < 0)
    a.min_idle = 0;
  size_t j = 5;
  for (stream_id id; j < argv.size() && parse_stream_id(argv[j], id, 0, true); ++j)
    a.ids.push_back(id);
  const int64_t now = ctx.ks->now_ms();
  for (; j < argv.size(); ++j) {
    bool more = j + 1 < argv.size();
    const std::string& opt = argv[j];
    if (datatypes::iequals(opt, "force")) {
      a.force = true;
    } else if (datatypes::iequals(opt, "justid")) {
      a.justid = true;
    } else if (datatypes::iequals(opt, "idle") && more) {
      if (!ll_arg(ctx, argv[++j], a.delivery_time, err::xclaim_idle))
        return;
      a.delivery_time = now - a.delivery_time;
    } else if (datatypes::iequals(opt, "time") && more) {
      if (!ll_arg(ctx, argv[++j], a.delivery_time, err::xclaim_time))
        return;
    } else if (datatypes::iequals(opt, "retrycount") && more) {
      if (!ll_arg(ctx, argv[++j], a.retry_count, err::xclaim_retrycount))
        return;
    } else if (datatypes::iequals(opt, "lastid") && more) {
      if (!id_arg(ctx, argv[++j], a.last_id))
        return;
    } else {
      return ctx.reply.error(err::xclaim_unknown_option(opt));
    }
  }
  auto r = op_xclaim(*ctx.ks, ctx.db, argv[1], *s, *g, argv[3], a);
  reply_claimed(ctx, r, a.justid);
  propagate_claims(ctx, *g, r);
}

/// XAUTOCLAIM key group consumer min-idle start [COUNT n] [JUSTID]
void xautoclaim_cmd(command_context& ctx) {
  const auto& argv = ctx.argv;
  long long min_idle = 0;
  if (!ll_arg(ctx, argv[4], min_idle, err::xautoclaim_min_idle))
    return;
  if (min_idle < 0)
    min_idle = 0;
  stream_id start;
  bool ex = false;
  if (!parse_interval_id(argv[5], start, ex, 0))
    return ctx.reply.error(err::invalid_stream_id);
  if (ex && !start.incr())
    return ctx.reply.error(err::stream_invalid_start);
  long long count = 100;
  bool justid = false;
  for (size_t j = 6; j < argv.size(); ++j) {
    if (datatypes::iequals(argv[j], "count") && j + 1 < argv.size()) {
      constexpr long long max_count = LONG_MAX / 16;
      if (!datatypes::parse_ll(argv[j + 1], count) || count < 1 || count > max_count)
        return ctx.reply.error(err::xautoclaim_count);
      ++j;
    } else if (datatypes::iequals(argv[j], "justid")) {
      justid = true;
    } else {
      return ctx.reply.error(err::syntax);
    }
  }
  stream* s = nullptr;
  if (!stream_at(ctx, 1, s))
    return;
  stream_group* g = s == nullptr ? nullptr : s->find_group(argv[2]);
  if (g == nullptr)
    return ctx.reply.error(err::stream_no_key_or_group(argv[1], argv[2]));
  auto r = op_xautoclaim(*ctx.ks, ctx.db, argv[1], *s, *g, argv[3], min_idle, start, count,
                         justid);
  ctx.reply.array(3);
  reply_id(ctx.reply, r.cursor);
  reply_claimed(ctx, r, justid);
  ctx.reply.array(r.deleted.size());
  for (auto id : r.deleted)
    reply_id(ctx.reply, id);
  propagate_claims(ctx, *g, r);
}

// --- XINFO ----------------------------------------------------------------------------

/// The stream of XINFO <sub> key: replies "no such key" or WRONGTYPE.
stream* info_stream(command_context& ctx) {
  stream* s = nullptr;
  if (!stream_at(ctx, 2, s))
    return nullptr;
  if (s == nullptr)
    ctx.reply.error(err::no_such_key);
  return s;
}

void reply_entries_read(protocol::reply_builder& r, const stream_group& g) {
  if (g.entries_read != stream_group::invalid_entries_read)
    r.integer(g.entries_read);
  else
    r.null();
}

void reply_lag(protocol::reply_builder& r, const stream& s, const stream_group& g) {
  auto lag = group_lag(s, g);
  if (lag)
    r.integer(*lag);
  else
    r.null();
}

void xinfo_consumers_cmd(command_context& ctx) {
  stream* s = info_stream(ctx);
  if (s == nullptr)
    return;
  stream_group* g = s->find_group(ctx.argv[3]);
  if (g == nullptr)
    return ctx.reply.error(err::stream_no_group(ctx.argv[2], ctx.argv[3]));
  auto& r = ctx.reply;
  const int64_t now = ctx.ks->now_ms();
  r.array(g->consumers.size());
  for (auto& [name, c] : g->consumers) {
    int64_t idle = now - c.seen_time;
    r.map(3);
    r.bulk("name");
    r.bulk(name);
    r.bulk("pending");
    r.integer(static_cast<long long>(c.pending.size()));
    r.bulk("idle");
    r.integer(idle < 0 ? 0 : idle);
  }
}

void xinfo_groups_cmd(command_context& ctx) {
  stream* s = info_stream(ctx);
  if (s == nullptr)
    return;
  auto& r = ctx.reply;
  r.array(s->groups.size());
  for (auto& [name, g] : s->groups) {
    r.map(6);
    r.bulk("name");
    r.bulk(name);
    r.bulk("consumers");
    r.integer(static_cast<long long>(g.consumers.size()));
    r.bulk("pending");
    r.integer(static_cast<long long>(g.pel.size()));
    r.bulk("last-delivered-id");
    reply_id(r, g.last_id);
    r.bulk("entries-read");
    reply_entries_read(r, g);
    r.bulk("lag");
    reply_lag(r, *s, g);
  }
}

void reply_group_full(protocol::reply_builder& r, const stream& s, const std::string& name,
                      const stream_group& g, size_t count) {
  r.map(7);
  r.bulk("name");
  r.bulk(name);
  r.bulk("last-delivered-id");
  reply_id(r, g.last_id);
  r.bulk("entries-read");
  reply_entries_read(r, g);
  r.bulk("lag");
  reply_lag(r, s, g);
  r.bulk("pel-count");
  r.integer(static_cast<long long>(g.pel.size()));
  r.bulk("pending");
  size_t n = count == 0 ? g.pel.size() : std::min(count, g.pel.size());
  r.array(n);
  auto it = g.pel.begin();
  for (size_t i = 0; i < n; ++i, ++it) {
    r.array(4);
    reply_id(r, it->first);
    r.bulk(it->second.consumer->name);
    r.integer(it->second.delivery_time);
    r.integer(static_cast<long long>(it->second.delivery_count));
  }
  r.bulk("consumers");
  r.array(g.consumers.size());
  for (auto& [cname, c] : g.consumers) {
    r.map(4);
    r.bulk("name");
    r.bulk(cname);
    r.bulk("seen-time");
    r.integer(c.seen_time);
    r.bulk("pel-count");
    r.integer(static_cast<long long>(c.pending.size()));
    r.bulk("pending");
    size_t m = count == 0 ? c.pending.size() : std::min(count, c.pending.size());
    r.array(m);
    auto pit = c.pending.begin();
    for (size_t i = 0; i < m; ++i, ++pit) {
      auto& p = g.pel.at(*pit);
      r.array(3);
      reply_id(r, *pit);
      r.integer(p.delivery_time);
      r.integer(static_cast<long long>(p.delivery_count));
    }
  }
}

/// XINFO STREAM key [FULL [COUNT n]]
void xinfo_stream_cmd(command_context& ctx) {
  const auto& argv = ctx.argv;
  size_t optc = argv.size() - 3;
  bool full = optc > 0;
  long long count = 10;
  if (full) {
    if ((optc != 1 && optc != 3) || !datatypes::iequals(argv[3], "full") ||
        (optc == 3 && !datatypes::iequals(argv[4], "count")))
      return subcommand_error(ctx, "XINFO");
    if (optc == 3) {
      if (!ll_arg(ctx, argv[5], count))
        return;
      if (count < 0)
        count = 10;
    }
  }
  stream* s = info_stream(ctx);
  if (s == nullptr)
    return;
  auto& r = ctx.reply;
  r.map(full ? 9 : 10);
  r.bulk("length");
  r.integer(static_cast<long long>(s->length()));
  r.bulk("radix-tree-keys");
  r.integer(static_cast<long long>(s->node_count()));
  r.bulk("radix-tree-nodes");
  r.integer(static_cast<long long>(s->radix_nodes()));
  r.bulk("last-generated-id");
  reply_id(r, s->last_id);
  r.bulk("max-deleted-entry-id");
  reply_id(r, s->max_deleted_id);
  r.bulk("entries-added");
  r.integer(static_cast<long long>(s->entries_added));
  r.bulk("recorded-first-entry-id");
  reply_id(r, s->recorded_first_id);
  if (!full) {
    r.bulk("groups");
    r.integer(static_cast<long long>(s->groups.size()));
    for (bool rev : {false, true}) {
      r.bulk(rev ? "last-entry" : "first-entry");
      auto e = stream_range(*s, {}, stream_id::max(), 1, rev);
      if (e.empty())
        r.null();
      else
        reply_entry(r, e.front());
    }
    return;
  }
  r.bulk("entries");
  reply_entries(r, stream_range(*s, {}, stream_id::max(), static_cast<size_t>(count), false));
  r.bulk("groups");
  r.array(s->groups.size());
  for (auto& [name, g] : s->groups)
    reply_group_full(r, *s, name, g, static_cast<size_t>(count));
}

void xinfo_help_cmd(command_context& ctx) {
  static constexpr std::string_view lines[] = {
      "XINFO <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "CONSUMERS <key> <groupname>",
      "    Show consumers of <groupname>.",
      "GROUPS <key>",
      "    Show the stream consumer groups.",
      "STREAM <key> [FULL [COUNT <count>]",
      "    Show information about the stream.",
      "HELP",
      "    Prints this help.",
  };
  reply_help_lines(ctx, lines);
}

} // namespace

void register_stream_group_family(command_table& t) {
  constexpr auto stream = command_group::stream;
  const key_spec group_key_insert = key_at(2, k_rw | k_insert);
  const key_spec group_key_update = key_at(2, k_rw | k_update);
  const key_spec group_key_delete = key_at(2, k_rw | k_delete);
  const key_spec info_key = key_at(2, k_ro | k_access);
  const command_def rows[] = {
      {.name = "xgroup", .arity = -2,
       .docs = {"A container for consumer groups commands.", "5.0.0",
                "Depends on subcommand."}},
      {.name = "xgroup|create", .arity = -5, .flags = f_write | f_denyoom, .group = stream,
       .keys = {group_key_insert}, .handler = xgroup_create_cmd,
       .docs = {"Creates a consumer group.", "5.0.0", "O(1)"}},
      {.name = "xgroup|setid", .arity = -5, .flags = f_write, .group = stream,
       .keys = {group_key_update}, .handler = xgroup_setid_cmd,
       .docs = {"Sets the last-delivered ID of a consumer group.", "5.0.0", "O(1)"}},
      {.name = "xgroup|destroy", .arity = 4, .flags = f_write, .group = stream,
       .keys = {group_key_delete}, .handler = xgroup_destroy_cmd,
       .docs = {"Destroys a consumer group.", "5.0.0",
                "O(N) where N is the number of entries in the group's pending entries list "
                "(PEL)."}},
      {.name = "xgroup|createconsumer", .arity = 5, .flags = f_write | f_denyoom,
       .group = stream, .keys = {group_key_insert}, .handler = xgroup_createconsumer_cmd,
       .docs = {"Creates a consumer in a consumer group.", "6.2.0", "O(1)"}},
      {.name = "xgroup|delconsumer", .arity = 5, .flags = f_write, .group = stream,
       .keys = {group_key_delete}, .handler = xgroup_delconsumer_cmd,
       .docs = {"Deletes a consumer from a consumer group.", "5.0.0", "O(1)"}},
      {.name = "xgroup|help", .arity = 2, .flags = f_loading | f_stale, .group = stream,
       .handler = xgroup_help_cmd,
       .docs = {"Returns helpful text about the different subcommands.", "5.0.0", "O(1)"}},
      {.name = "xack", .arity = -4, .flags = f_write | f_fast, .group = stream,
       .keys = {key_at(1, k_rw | k_update)}, .handler = xack_cmd,
       .docs = {"Returns the number of messages that were successfully acknowledged by the "
                "consumer group member of a stream.",
                "5.0.0", "O(1) for each message ID processed."}},
      {.name = "xpending", .arity = -3, .flags = f_readonly, .group = stream,
       .keys = {key_at(1, k_ro | k_access)}, .handler = xpending_cmd,
       .tips = "nondeterministic_output",
       .docs = {"Returns the information and entries from a stream consumer group's pending "
                "entries list.",
                "5.0.0",
                "O(N) with N being the number of elements returned, so asking for a small fixed "
                "number of entries per call is O(1). O(M), where M is the total number of "
                "entries scanned when used with the IDLE filter. When the command returns just "
                "the summary and the list of consumers is small, it runs in O(1) time; "
                "otherwise, an additional O(N) time for iterating every consumer."}},
      {.name = "xclaim", .arity = -6, .flags = f_write | f_fast, .group = stream,
       .keys = {key_at(1, k_rw | k_update)}, .handler = xclaim_cmd,
       .tips = "nondeterministic_output",
       .docs = {"Changes, or acquires, ownership of a message in a consumer group, as if the "
                "message was delivered a consumer group member.",
                "5.0.0", "O(log N) with N being the number of messages in the PEL of the "
                         "consumer group."}},
      {.name = "xautoclaim", .arity = -6, .flags = f_write | f_fast, .group = stream,
       .keys = {key_at(1, k_rw | k_delete)}, .handler = xautoclaim_cmd,
       .tips = "nondeterministic_output",
       .docs = {"Changes, or acquires, ownership of messages in a consumer group, as if the "
                "messages were delivered to as consumer group member.",
                "6.2.0", "O(1) if COUNT is small."}},
      {.name = "xinfo", .arity = -2,
       .docs = {"A container for stream introspection commands.", "4.0.0",
                "Depends on subcommand."}},
      {.name = "xinfo|consumers", .arity = 4, .flags = f_readonly, .group = stream,
       .keys = {info_key}, .handler = xinfo_consumers_cmd, .tips = "nondeterministic_output",
       .docs = {"Returns a list of the consumers in a consumer group.", "5.0.0", "O(1)"}},
      {.name = "xinfo|groups", .arity = 3, .flags = f_readonly, .group = stream,
       .keys = {info_key}, .handler = xinfo_groups_cmd,
       .docs = {"Returns a list of the consumer groups of a stream.", "5.0.0", "O(1)"}},
      {.name = "xinfo|stream", .arity = -3, .flags = f_readonly, .group = stream,
       .keys = {info_key}, .handler = xinfo_stream_cmd,
       .docs = {"Returns information about a stream.", "5.0.0", "O(1)"}},
      {.name = "xinfo|help", .arity = 2, .flags = f_loading | f_stale, .group = stream,
       .handler = xinfo_help_cmd,
       .docs = {"Returns helpful text about the different subcommands.", "5.0.0", "O(1)"}},
  };
  t.add(rows);
}

} // namespace actis::commands
