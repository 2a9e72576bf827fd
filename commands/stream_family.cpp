// The stream commands without consumer-group administration: XADD, XTRIM,
// XDEL, XLEN, XRANGE, XREVRANGE, XSETID, XREAD and XREADGROUP. Parse ->
// operation (commands/stream_ops.hpp) -> reply. XREAD BLOCK and XREADGROUP
// BLOCK park on their streams (commands/blocking.hpp) and are served from
// the one stream that received entries. What is not deterministic reaches
// the write stream as its effect: XADD's generated ID and approximate
// trims as exact ones, XREADGROUP's deliveries as XCLAIM ... and XGROUP
// SETID, as Redis propagates them.
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

/// The write-stream form of a trimming XADD / XTRIM whose trim was
/// approximate or limited: "=" and the threshold reached, no LIMIT
/// (Redis's streamRewriteApproxSpecifier / streamRewriteTrimArgument).
protocol::command_args exact_trim_form(command_context& ctx, const trim_args& t) {
  protocol::command_args out;
  for (size_t i = 0; i < ctx.argv.size(); ++i) {
    if (t.limit_index != 0 && (i == t.limit_index || i == t.limit_index + 1))
      continue;
    if (i == t.threshold_index - 1 && ctx.argv[i] == "~")
      out.emplace_back("=");
    else if (i == t.threshold_index)
      out.push_back(trim_threshold_after(*ctx.ks, ctx.db, ctx.argv[1], t));
    else
      out.push_back(ctx.argv[i]);
  }
  return out;
}

/// XADD key [NOMKSTREAM] [MAXLEN|MINID [=|~] threshold [LIMIT count]] *|id field value ...
void xadd_cmd(command_context& ctx) {
  xadd_args args;
  auto error = parse_trim_options(ctx.argv, true, args);
  if (!error.empty())
    return ctx.reply.error(error);
  size_t fields_at = args.id_index + 1;
  size_t nfields = ctx.argv.size() - std::min(fields_at, ctx.argv.size());
  if (nfields < 2 || nfields % 2 != 0)
    return reply_status(ctx.reply, op_status::wrong_arity, "xadd");
  auto r = op_xadd(*ctx.ks, ctx.db, ctx.argv[1], args,
                   std::span<const std::string>(ctx.argv).subspan(fields_at));
  if (!r.ok())
    return reply_error(ctx, r.error());
  if (!r->id)
    return ctx.reply.null();
  ctx.reply.bulk(r->id->str());
  bool rewrite_trim = args.trim.approx || args.trim.limit_index != 0;
  bool rewrite_id = !args.id_given || !args.seq_given;
  if ((!rewrite_trim && !rewrite_id) || !ctx.ks->propagating())
    return;
  protocol::command_args out = rewrite_trim ? exact_trim_form(ctx, args.trim) : ctx.argv;
  if (rewrite_id) {
    size_t id_at = args.id_index;
    if (rewrite_trim && args.trim.limit_index != 0 && args.trim.limit_index < id_at)
      id_at -= 2;
    out[id_at] = r->id->str();
  }
  ctx.propagate_as(std::move(out));
}

/// XTRIM key MAXLEN|MINID [=|~] threshold [LIMIT count]
void xtrim_cmd(command_context& ctx) {
  xadd_args args;
  auto error = parse_trim_options(ctx.argv, false, args);
  if (!error.empty())
    return ctx.reply.error(error);
  auto r = op_xtrim(*ctx.ks, ctx.db, ctx.argv[1], args.trim);
  if (!r.ok())
    return reply_error(ctx, r.error());
  ctx.reply.integer(static_cast<long long>(*r));
  if (*r > 0 && (args.trim.approx || args.trim.limit_index != 0))
    ctx.propagate_as(exact_trim_form(ctx, args.trim));
}

/// XDEL key id [id ...]
void xdel_cmd(command_context& ctx) {
  auto found = op_read_stream(*ctx.ks, ctx.db, ctx.argv[1]);
  if (!found.ok())
    return reply_error(ctx, found.error());
  if (*found == nullptr)
    return ctx.reply.integer(0);
  std::vector<stream_id> ids(ctx.argv.size() - 2);
  for (size_t i = 2; i < ctx.argv.size(); ++i)
    if (!id_arg(ctx, ctx.argv[i], ids[i - 2]))
      return;
  auto r = op_xdel(*ctx.ks, ctx.db, ctx.argv[1], ids);
  if (!r.ok())
    return reply_error(ctx, r.error());
  ctx.reply.integer(static_cast<long long>(*r));
}

void xlen_cmd(command_context& ctx) {
  auto s = op_read_stream(*ctx.ks, ctx.db, ctx.argv[1]);
  if (!s.ok())
    return reply_error(ctx, s.error());
  ctx.reply.integer(*s == nullptr ? 0 : static_cast<long long>((*s)->length()));
}

/// XRANGE key start end [COUNT n] / XREVRANGE key end start [COUNT n]
void range_generic(command_context& ctx, bool rev) {
  const std::string& start_arg = rev ? ctx.argv[3] : ctx.argv[2];
  const std::string& end_arg = rev ? ctx.argv[2] : ctx.argv[3];
  stream_id start, end;
  bool start_ex = false, end_ex = false;
  if (!parse_interval_id(start_arg, start, start_ex, 0))
    return ctx.reply.error(err::invalid_stream_id);
  if (start_ex && !start.incr())
    return ctx.reply.error(err::stream_invalid_start);
  if (!parse_interval_id(end_arg, end, end_ex, UINT64_MAX))
    return ctx.reply.error(err::invalid_stream_id);
  if (end_ex && !end.decr())
    return ctx.reply.error(err::stream_invalid_end);
  long long count = -1;
  for (size_t j = 4; j < ctx.argv.size(); ++j) {
    if (datatypes::iequals(ctx.argv[j], "count") && j + 1 < ctx.argv.size()) {
      if (!ll_arg(ctx, ctx.argv[j + 1], count))
        return;
      if (count < 0)
        count = 0;
      ++j;
    } else {
      return ctx.reply.error(err::syntax);
    }
  }
  auto s = op_read_stream(*ctx.ks, ctx.db, ctx.argv[1]);
  if (!s.ok())
    return reply_error(ctx, s.error());
  if (*s == nullptr)
    return ctx.reply.array(0);
  if (count == 0)
    return ctx.reply.null_array();
  auto entries = stream_range(**s, start, end, count == -1 ? 0 : static_cast<size_t>(count), rev);
  reply_entries(ctx.reply, entries);
}

void xrange_cmd(command_context& ctx) { range_generic(ctx, false); }
void xrevrange_cmd(command_context& ctx) { range_generic(ctx, true); }

/// XSETID key last-id [ENTRIESADDED n] [MAXDELETEDID id]
void xsetid_cmd(command_context& ctx) {
  stream_id id, max_deleted;
  if (!id_arg(ctx, ctx.argv[2], id))
    return;
  long long entries_added = -1;
  for (size_t i = 3; i < ctx.argv.size(); i += 2) {
    bool more = i + 1 < ctx.argv.size();
    if (datatypes::iequals(ctx.argv[i], "entriesadded") && more) {
      if (!ll_arg(ctx, ctx.argv[i + 1], entries_added))
        return;
      if (entries_added < 0)
        return ctx.reply.error(err::stream_entries_added_negative);
    } else if (datatypes::iequals(ctx.argv[i], "maxdeletedid") && more) {
      if (!id_arg(ctx, ctx.argv[i + 1], max_deleted))
        return;
      if (id < max_deleted)
        return ctx.reply.error(err::stream_setid_below_given_deleted);
    } else {
      return ctx.reply.error(err::syntax);
    }
  }
  auto st = op_xsetid(*ctx.ks, ctx.db, ctx.argv[1], id, entries_added, max_deleted);
  if (st != op_status::ok)
    return reply_status(ctx.reply, st);
  ctx.reply.ok();
}

// --- XREAD / XREADGROUP -------------------------------------------------------------

/// Entries a blocked reader gets at most when it gave no COUNT.
constexpr size_t blocked_default_count = 1000;

struct read_args {
  long long timeout_ms = -1; // -1: no BLOCK
  long long count = 0;
  size_t streams_at = 0;
  size_t nstreams = 0;
  bool noack = false;
  const std::string* group = nullptr;
  const std::string* consumer = nullptr;
};

bool parse_read(command_context& ctx, bool xreadgroup, read_args& a) {
  const auto& argv = ctx.argv;
  for (size_t i = 1; i < argv.size(); ++i) {
    size_t more = argv.size() - i - 1;
    const std::string& o = argv[i];
    if (datatypes::iequals(o, "block") && more > 0) {
      if (ctx.in_script) {
        ctx.reply.error(err::stream_block_in_script(argv[0]));
        return false;
      }
      ++i;
      if (!ll_arg(ctx, argv[i], a.timeout_ms, err::stream_timeout_not_integer))
        return false;
      if (a.timeout_ms < 0) {
        ctx.reply.error(err::timeout_negative);
        return false;
      }
      // So far in the future that the deadline cannot overflow: forever.
      if (a.timeout_ms > LLONG_MAX / 4)
        a.timeout_ms = 0;
    } else if (datatypes::iequals(o, "count") && more > 0) {
      ++i;
      if (!ll_arg(ctx, argv[i], a.count))
        return false;
      if (a.count < 0)
        a.count = 0;
    } else if (datatypes::iequals(o, "streams") && more > 0) {
      a.streams_at = i + 1;
      size_t n = argv.size() - a.streams_at;
      if (n % 2 != 0) {
        ctx.reply.error(err::stream_unbalanced_xread);
        return false;
      }
      a.nstreams = n / 2;
      break;
    } else if (datatypes::iequals(o, "group") && more >= 2) {
      if (!xreadgroup) {
        ctx.reply.error(err::stream_group_in_xread);
        return false;
      }
      a.group = &argv[i + 1];
      a.consumer = &argv[i + 2];
      i += 2;
    } else if (datatypes::iequals(o, "noack")) {
      if (!xreadgroup) {
        ctx.reply.error(err::stream_noack_in_xread);
        return false;
      }
      a.noack = true;
    } else {
      ctx.reply.error(err::syntax);
      return false;
    }
  }
  if (a.streams_at == 0) {
    ctx.reply.error(err::syntax);
    return false;
  }
  if (xreadgroup && a.group == nullptr) {
    ctx.reply.error(err::stream_missing_group);
    return false;
  }
  return true;
}

/// One stream's part of the reply.
struct stream_part {
  size_t index;
  std::vector<stream_entry> entries;        // XREAD
  std::vector<delivered> group_entries;     // XREADGROUP
};

void reply_parts(command_context& ctx, const read_args& a, const std::vector<stream_part>& parts) {
  auto& r = ctx.reply;
  if (r.resp() == 2)
    r.array(parts.size());
  else
    r.map(parts.size());
  for (auto& p : parts) {
    if (r.resp() == 2)
      r.array(2);
    r.bulk(ctx.argv[a.streams_at + p.index]);
    if (a.group == nullptr) {
      reply_entries(r, p.entries);
      continue;
    }
    r.array(p.group_entries.size());
    for (auto& d : p.group_entries) {
      if (!d.missing) {
        reply_entry(r, d.entry);
        continue;
      }
      r.array(2);
      reply_id(r, d.entry.id);
      r.null_array();
    }
  }
}

void xread_generic(command_context& ctx, bool xreadgroup) {
  read_args a;
  if (!parse_read(ctx, xreadgroup, a))
    return;
  auto& ks = *ctx.ks;
  const bool serving = ctx.ready_key != nullptr;
  const size_t n = a.nstreams;
  auto key_of = [&](size_t i) -> const std::string& { return ctx.argv[a.streams_at + i]; };
  auto considered = [&](size_t i) { return !serving || key_of(i) == *ctx.ready_key; };

  // Resolve the IDs stream by stream, as Redis checks them.
  std::vector<stream_id> ids(n);
  std::vector<bool> newest(n, false);
  for (size_t i = 0; i < n; ++i) {
    if (!considered(i))
      continue;
    const std::string& key = key_of(i);
    const std::string& id_s = ctx.argv[a.streams_at + n + i];
    auto s = op_read_stream(ks, ctx.db, key);
    if (!s.ok()) {
      if (serving)
        return park(ctx, {}, 0);
      return reply_error(ctx, s.error());
    }
    if (a.group != nullptr && (*s == nullptr || (*s)->find_group(*a.group) == nullptr)) {
      if (serving) {
        if (*s == nullptr || !begin_serving(ctx))
          return park(ctx, {}, 0);
        return ctx.reply.error(err::stream_group_gone);
      }
      return ctx.reply.error(err::stream_no_key_or_group(key, *a.group,
                                                         " in XREADGROUP with GROUP option"));
    }
    if (id_s == "$") {
      if (xreadgroup)
        return ctx.reply.error(err::stream_dollar_in_group);
      if (serving)
        parse_stream_id(ctx.waiter->resolved[i], ids[i], 0, true);
      else
        ids[i] = *s == nullptr ? stream_id{} : (*s)->last_id;
    } else if (id_s == ">") {
      if (!xreadgroup)
        return ctx.reply.error(err::stream_gt_outside_group);
      newest[i] = true;
    } else if (!id_arg(ctx, id_s, ids[i])) {
      return;
    }
  }

  // Serve what can be served now.
  size_t count = static_cast<size_t>(a.count);
  if (serving && count == 0)
    count = blocked_default_count;
  std::vector<stream_part> parts;
  std::vector<protocol::command_args> props;
  bool changed = false;
  // Whether `s` holds an entry after `id`: Redis serves at once only then
  // (for a group's ">" it does not even create the consumer otherwise).
  auto has_newer = [serving](const stream& s, stream_id id) {
    return serving ? s.last_id > id : s.length() > 0 && s.last_entry_id() > id;
  };
  for (size_t i = 0; i < n; ++i) {
    if (!considered(i))
      continue;
    const std::string& key = key_of(i);
    stream* s = *op_read_stream(ks, ctx.db, key);
    if (s == nullptr)
      continue;
    if (a.group == nullptr) {
      if (!has_newer(*s, ids[i]) || !begin_serving(ctx))
        continue;
      stream_id start = ids[i];
      start.incr();
      parts.push_back({i, stream_range(*s, start, stream_id::max(), count, false), {}});
      continue;
    }
    stream_group& g = *s->find_group(*a.group);
    bool history = !newest[i];
    if ((serving || !history) && !has_newer(*s, g.last_id))
      continue;
    if (serving && !begin_serving(ctx))
      return;
    auto r = op_read_group(*s, g, *a.consumer, history, ids[i], count, a.noack, ks.now_ms());
    changed = true;
    if (r.consumer_created)
      ks.notify_unsignalled(ctx.db, key, event_class::stream, "xgroup-createconsumer");
    // Redis 7.0's forms: an XCLAIM per delivery (creating the consumer on
    // replay), else the consumer's creation; NOACK moves the group's ID.
    bool claims = !history && !a.noack && !r.entries.empty();
    if (ks.propagating()) {
      if (r.consumer_created && !claims)
        props.push_back(create_consumer_form(key, *a.group, *a.consumer));
      if (claims)
        for (auto& d : r.entries)
          props.push_back(xclaim_form(key, *a.group,
                                      {d.entry.id, *a.consumer, d.delivery_time, 1},
                                      d.entry.id));
      if (a.noack && r.last_id_moved)
        props.push_back(setid_form(key, *a.group, g));
    }
    if (!r.entries.empty() || history)
      ks.notify_unsignalled(ctx.db, key, event_class::stream, {});
    if (history || !r.entries.empty() || serving)
      parts.push_back({i, {}, std::move(r.entries)});
  }
  for (auto& p : props)
    ctx.propagate_as(std::move(p));
  // What is left (delivery counts of history reads, seen times) Redis does
  // not propagate either.
  if (changed && props.empty())
    ctx.suppress_propagation();

  if (!parts.empty())
    return reply_parts(ctx, a, parts);
  if (a.timeout_ms == -1)
    return ctx.reply.null_array();
  std::vector<std::string_view> keys;
  for (size_t i = 0; i < n; ++i)
    keys.emplace_back(key_of(i));
  if (!serving && ctx.waiter != nullptr) {
    ctx.waiter->resolved.clear();
    for (auto id : ids)
      ctx.waiter->resolved.push_back(id.str());
  }
  park(ctx, std::move(keys), a.timeout_ms);
}

/// XREAD [COUNT n] [BLOCK ms] STREAMS key [key ...] id [id ...]
void xread_cmd(command_context& ctx) { xread_generic(ctx, false); }
/// XREADGROUP GROUP g c [COUNT n] [BLOCK ms] [NOACK] STREAMS key [key ...] id [id ...]
void xreadgroup_cmd(command_context& ctx) { xread_generic(ctx, true); }

} // namespace

void register_stream_family(command_table& t) {
  constexpr auto stream = command_group::stream;
  const command_def rows[] = {
      {.name = "xadd", .arity = -5, .flags = f_write | f_denyoom | f_fast, .group = stream,
       .keys = {key_at(1, k_rw | k_update,
                       "UPDATE instead of INSERT because of the optional trimming feature")},
       .handler = xadd_cmd, .tips = "nondeterministic_output",
       .docs = {"Appends a new message to a stream. Creates the key if it doesn't exist.",
                "5.0.0", "O(1) when adding a new entry, O(N) when trimming where N being the "
                         "number of entries evicted."}},
      {.name = "xtrim", .arity = -4, .flags = f_write, .group = stream,
       .keys = {key_at(1, k_rw | k_delete)}, .handler = xtrim_cmd,
       .tips = "nondeterministic_output",
       .docs = {"Deletes messages from the beginning of a stream.", "5.0.0",
                "O(N), with N being the number of evicted entries. Constant times are very "
                "small however, since entries are organized in macro nodes containing multiple "
                "entries that can be released with a single deallocation."}},
      {.name = "xdel", .arity = -3, .flags = f_write | f_fast, .group = stream,
       .keys = {key_at(1, k_rw | k_delete)}, .handler = xdel_cmd,
       .docs = {"Returns the number of messages after removing them from a stream.", "5.0.0",
                "O(1) for each single item to delete in the stream, regardless of the stream "
                "size."}},
      {.name = "xlen", .arity = 2, .flags = f_readonly | f_fast, .group = stream,
       .keys = {key_at(1, k_ro)}, .handler = xlen_cmd,
       .docs = {"Return the number of messages in a stream.", "5.0.0", "O(1)"}},
      {.name = "xrange", .arity = -4, .flags = f_readonly, .group = stream,
       .keys = {key_at(1, k_ro | k_access)}, .handler = xrange_cmd,
       .docs = {"Returns the messages from a stream within a range of IDs.", "5.0.0",
                "O(N) with N being the number of elements being returned. If N is constant "
                "(e.g. always asking for the first 10 elements with COUNT), you can consider it "
                "O(1)."}},
      {.name = "xrevrange", .arity = -4, .flags = f_readonly, .group = stream,
       .keys = {key_at(1, k_ro | k_access)}, .handler = xrevrange_cmd,
       .docs = {"Returns the messages from a stream within a range of IDs in reverse order.",
                "5.0.0",
                "O(N) with N being the number of elements returned. If N is constant (e.g. "
                "always asking for the first 10 elements with COUNT), you can consider it "
                "O(1)."}},
      {.name = "xsetid", .arity = -3, .flags = f_write | f_denyoom | f_fast, .group = stream,
       .keys = {key_at(1, k_rw | k_update)}, .handler = xsetid_cmd,
       .docs = {"An internal command for replicating stream values.", "5.0.0", "O(1)"}},
      {.name = "xread", .arity = -4, .flags = f_readonly | f_blocking, .group = stream,
       .keys = {{k_ro | k_access, begin_after("STREAMS", 1), keys_range(-1, 1, 2)}},
       .handler = xread_cmd,
       .docs = {"Returns messages from multiple streams with IDs greater than the ones "
                "requested. Blocks until a message is available otherwise.",
                "5.0.0", "For each stream mentioned: O(M) with M being the number of elements "
                         "returned. If M is constant (e.g. always asking for the first 10 "
                         "elements with COUNT), you can consider it O(1). On the other side "
                         "when XREAD blocks, XADD will pay O(N) time in order to serve the N "
                         "clients blocked on the stream getting new data."}},
      {.name = "xreadgroup", .arity = -7, .flags = f_write | f_blocking, .group = stream,
       .keys = {{k_ro | k_access, begin_after("STREAMS", 4), keys_range(-1, 1, 2)}},
       .handler = xreadgroup_cmd,
       .docs = {"Returns new or historical messages from a stream for a consumer in a group. "
                "Blocks until a message is available otherwise.",
                "5.0.0", "For each stream mentioned: O(M) with M being the number of elements "
                         "returned. If M is constant (e.g. always asking for the first 10 "
                         "elements with COUNT), you can consider it O(1). On the other side "
                         "when XREADGROUP blocks, XADD will pay the O(N) time in order to serve "
                         "the N clients blocked on the stream getting new data."}},
  };
  t.add(rows);
}

} // namespace actis::commands
