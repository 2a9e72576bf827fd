// The list commands (the non-blocking ones): pushes, reads by index and
// range, LSET/LTRIM/LREM/LPOS, pops and moves. Parsing, replies and
// registration; the operations are in list_ops.cpp.
#include <climits>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "commands/command.hpp"
#include "commands/context.hpp"
#include "commands/families.hpp"
#include "commands/list_ops.hpp"
#include "commands/mpop.hpp"
#include "datatypes/strutil.hpp"

namespace actis::commands {

namespace {

using datatypes::iequals;
using datatypes::parse_ll;
using datatypes::quicklist;

std::optional<long long> integer_arg(std::string_view s) {
  long long v;
  if (!parse_ll(s, v))
    return std::nullopt;
  return v;
}

/// `count` elements of `q` from `first` on, as an array of bulk strings.
void reply_elements(command_context& ctx, const quicklist& q, size_t first, size_t count) {
  ctx.reply.array(count);
  if (count == 0)
    return;
  auto c = q.seek(first);
  for (size_t i = 0;; ) {
    ctx.reply.bulk(q.get(c));
    if (++i == count)
      break;
    q.next(c);
  }
}

void reply_strings(command_context& ctx, const std::vector<std::string>& elements) {
  ctx.reply.array(elements.size());
  for (const auto& s : elements)
    ctx.reply.bulk(s);
}

// --- Pushes and inserts ----------------------------------------------------

/// LPUSH, RPUSH, LPUSHX, RPUSHX.
template <list_end End, bool OnlyIfExists>
void push_cmd(command_context& ctx) {
  auto elements = std::span<const std::string>(ctx.argv).subspan(2);
  auto r = op_list_push(*ctx.ks, ctx.db, ctx.argv[1], elements, End, OnlyIfExists);
  if (!r.ok())
    return reply_error(ctx, r.error());
  ctx.reply.integer(static_cast<long long>(*r));
}

void linsert_cmd(command_context& ctx) {
  bool after;
  if (iequals(ctx.argv[2], "after"))
    after = true;
  else if (iequals(ctx.argv[2], "before"))
    after = false;
  else
    return reply_status(ctx.reply, op_status::syntax);
  auto r = op_list_insert(*ctx.ks, ctx.db, ctx.argv[1], after, ctx.argv[3], ctx.argv[4]);
  if (!r.ok())
    return reply_error(ctx, r.error());
  ctx.reply.integer(*r);
}

// --- Reads -----------------------------------------------------------------

void llen_cmd(command_context& ctx) {
  auto r = op_list_length(*ctx.ks, ctx.db, ctx.argv[1]);
  if (!r.ok())
    return reply_error(ctx, r.error());
  ctx.reply.integer(static_cast<long long>(*r));
}

void lindex_cmd(command_context& ctx) {
  // The key is checked before the index, as Redis does.
  auto q = op_list_read(*ctx.ks, ctx.db, ctx.argv[1]);
  if (!q.ok())
    return reply_error(ctx, q.error());
  auto index = integer_arg(ctx.argv[2]);
  if (!index)
    return reply_status(ctx.reply, op_status::not_integer);
  auto r = list_index(**q, *index);
  if (!r.ok())
    return reply_error(ctx, r.error());
  ctx.reply.bulk(*r);
}

void lrange_cmd(command_context& ctx) {
  auto start = integer_arg(ctx.argv[2]);
  auto stop = integer_arg(ctx.argv[3]);
  if (!start || !stop)
    return reply_status(ctx.reply, op_status::not_integer);
  auto q = op_list_read(*ctx.ks, ctx.db, ctx.argv[1]);
  if (q.status() == op_status::nil)
    return ctx.reply.array(0);
  if (!q.ok())
    return reply_error(ctx, q.error());
  auto range = clamp_list_range(*start, *stop, (*q)->size());
  reply_elements(ctx, **q, range.first, range.count);
}

/// LPOS's RANK/COUNT/MAXLEN from argv[3] on; false after replying an error.
bool parse_lpos(command_context& ctx, lpos_options& o) {
  namespace err = protocol::err;
  const auto& argv = ctx.argv;
  for (size_t j = 3; j < argv.size(); ++j) {
    bool more = j + 1 < argv.size();
    if (iequals(argv[j], "rank") && more) {
      auto v = integer_arg(argv[++j]);
      if (!v) {
        reply_status(ctx.reply, op_status::not_integer);
        return false;
      }
      if (*v == 0) {
        ctx.reply.error(err::lpos_rank_zero);
        return false;
      }
      o.rank = *v;
    } else if (iequals(argv[j], "count") && more) {
      auto v = integer_arg(argv[++j]);
      if (!v || *v < 0) {
        ctx.reply.error(err::lpos_count_negative);
        return false;
      }
      o.count = *v;
    } else if (iequals(argv[j], "maxlen") && more) {
      auto v = integer_arg(argv[++j]);
      if (!v || *v < 0) {
        ctx.reply.error(err::lpos_maxlen_negative);
        return false;
      }
      o.maxlen = *v;
    } else {
      reply_status(ctx.reply, op_status::syntax);
      return false;
    }
  }
  return true;
}

void lpos_cmd(command_context& ctx) {
  lpos_options o;
  if (!parse_lpos(ctx, o))
    return;
  auto q = op_list_read(*ctx.ks, ctx.db, ctx.argv[1]);
  if (q.status() == op_status::nil)
    return o.count != -1 ? ctx.reply.array(0) : ctx.reply.null();
  if (!q.ok())
    return reply_error(ctx, q.error());
  auto found = list_positions(**q, ctx.argv[2], o);
  if (o.count != -1) {
    ctx.reply.array(found.size());
    for (long long i : found)
      ctx.reply.integer(i);
  } else if (found.empty()) {
    ctx.reply.null();
  } else {
    ctx.reply.integer(found.front());
  }
}

// --- Changes in place --------------------------------------------------------

void lset_cmd(command_context& ctx) {
  auto s = op_list_set(*ctx.ks, ctx.db, ctx.argv[1], integer_arg(ctx.argv[2]), ctx.argv[3]);
  if (s != op_status::ok)
    return reply_status(ctx.reply, s);
  ctx.reply.ok();
}

void ltrim_cmd(command_context& ctx) {
  auto start = integer_arg(ctx.argv[2]);
  auto stop = integer_arg(ctx.argv[3]);
  if (!start || !stop)
    return reply_status(ctx.reply, op_status::not_integer);
  auto s = op_list_trim(*ctx.ks, ctx.db, ctx.argv[1], *start, *stop);
  if (s != op_status::ok)
    return reply_status(ctx.reply, s);
  ctx.reply.ok();
}

void lrem_cmd(command_context& ctx) {
  auto count = integer_arg(ctx.argv[2]);
  if (!count)
    return reply_status(ctx.reply, op_status::not_integer);
  auto r = op_list_remove(*ctx.ks, ctx.db, ctx.argv[1], *count, ctx.argv[3]);
  if (!r.ok())
    return reply_error(ctx, r.error());
  ctx.reply.integer(static_cast<long long>(*r));
}

// --- Pops and moves ----------------------------------------------------------

/// LPOP / RPOP key [count]: a bulk string without count, an array with it.
template <list_end End>
void pop_cmd(command_context& ctx) {
  if (ctx.argv.size() > 3)
    return reply_status(ctx.reply, op_status::wrong_arity, ctx.spec.name);
  bool has_count = ctx.argv.size() == 3;
  long long count = 1;
  if (has_count) {
    auto v = integer_arg(ctx.argv[2]);
    if (!v || *v < 0)
      return ctx.reply.error(protocol::err::positive_count);
    count = *v;
  }
  if (count == 0) {
    auto exists = op_list_exists_for_write(*ctx.ks, ctx.db, ctx.argv[1]);
    if (!exists.ok())
      return reply_error(ctx, exists.error());
    return *exists ? ctx.reply.array(0) : ctx.reply.null_array();
  }
  auto r = op_list_pop(*ctx.ks, ctx.db, ctx.argv[1], End, static_cast<size_t>(count));
  if (r.status() == op_status::nil)
    return has_count ? ctx.reply.null_array() : ctx.reply.null();
  if (!r.ok())
    return reply_error(ctx, r.error());
  if (has_count)
    reply_strings(ctx, *r);
  else
    ctx.reply.bulk(r->front());
}

void move_generic(command_context& ctx, list_end from, list_end to) {
  auto r = op_list_move(*ctx.ks, ctx.db, ctx.argv[1], ctx.argv[2], from, to);
  if (!r.ok())
    return reply_error(ctx, r.error());
  ctx.reply.bulk(*r);
}

void lmove_cmd(command_context& ctx) {
  auto from = parse_list_end(ctx.argv[3]);
  auto to = parse_list_end(ctx.argv[4]);
  if (!from || !to)
    return reply_status(ctx.reply, op_status::syntax);
  move_generic(ctx, *from, *to);
}

void rpoplpush_cmd(command_context& ctx) {
  move_generic(ctx, list_end::right, list_end::left);
}

void lmpop_cmd(command_context& ctx) {
  auto args = parse_mpop(ctx.argv, 1, "left", "right");
  if (!args.ok())
    return reply_error(ctx, args.error());
  auto end = args->first_end ? list_end::left : list_end::right;
  auto keys = std::span<const std::string>(ctx.argv).subspan(2, args->numkeys);
  auto r = op_list_mpop(*ctx.ks, ctx.db, keys, end, args->count);
  if (r.status() == op_status::nil)
    return ctx.reply.null_array();
  if (!r.ok())
    return reply_error(ctx, r.error());
  const std::string& key = keys[r->key_index];
  ctx.reply.array(2);
  ctx.reply.bulk(key);
  reply_strings(ctx, r->elements);
  // Replicated as the pop it was (Redis rewrites LMPOP as [LR]POP key n).
  ctx.propagate_as({end == list_end::left ? "LPOP" : "RPOP", key,
                    datatypes::ll_to_string(static_cast<long long>(r->elements.size()))});
}

} // namespace

void register_list_family(command_table& t) {
  constexpr uint32_t rw = f_write | f_denyoom;
  constexpr uint32_t rw_fast = f_write | f_denyoom | f_fast;
  constexpr auto list = command_group::list;
  constexpr uint16_t insert = k_rw | k_insert;
  constexpr uint16_t read = k_ro | k_access;
  constexpr uint16_t pop = k_rw | k_access | k_delete;
  const command_def rows[] = {
      {.name = "lpush", .arity = -3, .flags = rw_fast, .group = list,
       .keys = {key_at(1, insert)}, .handler = push_cmd<list_end::left, false>,
       .docs = {"Prepends one or more elements to a list, creating it if needed.", "1.0.0",
                "O(1) per element"}},
      {.name = "rpush", .arity = -3, .flags = rw_fast, .group = list,
       .keys = {key_at(1, insert)}, .handler = push_cmd<list_end::right, false>,
       .docs = {"Appends one or more elements to a list, creating it if needed.", "1.0.0",
                "O(1) per element"}},
      {.name = "lpushx", .arity = -3, .flags = rw_fast, .group = list,
       .keys = {key_at(1, insert)}, .handler = push_cmd<list_end::left, true>,
       .docs = {"Prepends elements to a list only when the list exists.", "2.2.0",
                "O(1) per element"}},
      {.name = "rpushx", .arity = -3, .flags = rw_fast, .group = list,
       .keys = {key_at(1, insert)}, .handler = push_cmd<list_end::right, true>,
       .docs = {"Appends elements to a list only when the list exists.", "2.2.0",
                "O(1) per element"}},
      {.name = "linsert", .arity = 5, .flags = rw, .group = list, .keys = {key_at(1, insert)},
       .handler = linsert_cmd,
       .docs = {"Inserts an element before or after another element of a list.", "2.2.0",
                "O(N) for the elements before the pivot"}},
      {.name = "llen", .arity = 2, .flags = f_readonly | f_fast, .group = list,
       .keys = {key_at(1, k_ro)}, .handler = llen_cmd,
       .docs = {"Returns the length of a list.", "1.0.0", "O(1)"}},
      {.name = "lindex", .arity = 3, .flags = f_readonly, .group = list,
       .keys = {key_at(1, read)}, .handler = lindex_cmd,
       .docs = {"Returns an element of a list by its index.", "1.0.0",
                "O(N) for the elements before the index"}},
      {.name = "lset", .arity = 4, .flags = rw, .group = list,
       .keys = {key_at(1, k_rw | k_update)}, .handler = lset_cmd,
       .docs = {"Sets the element at an index of a list.", "1.0.0",
                "O(N) for the elements before the index"}},
      {.name = "lrange", .arity = 4, .flags = f_readonly, .group = list,
       .keys = {key_at(1, read)}, .handler = lrange_cmd,
       .docs = {"Returns a range of elements of a list.", "1.0.0",
                "O(S+N) for an offset S and N returned elements"}},
      {.name = "ltrim", .arity = 4, .flags = f_write, .group = list,
       .keys = {key_at(1, k_rw | k_delete)}, .handler = ltrim_cmd,
       .docs = {"Keeps only a range of a list, deleting the rest.", "1.0.0",
                "O(N) for N removed elements"}},
      {.name = "lrem", .arity = 4, .flags = f_write, .group = list,
       .keys = {key_at(1, k_rw | k_delete)}, .handler = lrem_cmd,
       .docs = {"Removes elements equal to a value from a list.", "1.0.0",
                "O(N+M) for the list length N and M removed elements"}},
      {.name = "lpos", .arity = -3, .flags = f_readonly, .group = list,
       .keys = {key_at(1, read)}, .handler = lpos_cmd,
       .docs = {"Returns the indexes of matching elements of a list.", "6.0.6",
                "O(N) for the elements scanned"}},
      {.name = "lpop", .arity = -2, .flags = f_write | f_fast, .group = list,
       .keys = {key_at(1, pop)}, .handler = pop_cmd<list_end::left>,
       .docs = {"Removes and returns the first elements of a list.", "1.0.0",
                "O(N) for N returned elements"}},
      {.name = "rpop", .arity = -2, .flags = f_write | f_fast, .group = list,
       .keys = {key_at(1, pop)}, .handler = pop_cmd<list_end::right>,
       .docs = {"Removes and returns the last elements of a list.", "1.0.0",
                "O(N) for N returned elements"}},
      {.name = "lmove", .arity = 5, .flags = rw, .group = list,
       .keys = {key_at(1, pop), key_at(2, insert)}, .handler = lmove_cmd,
       .docs = {"Moves an element from one end of a list to an end of another.", "6.2.0",
                "O(1)"}},
      {.name = "rpoplpush", .arity = 3, .flags = rw, .group = list,
       .keys = {key_at(1, pop), key_at(2, insert)}, .handler = rpoplpush_cmd,
       .docs = {"Moves the last element of a list to the head of another.", "1.2.0", "O(1)"}},
      {.name = "lmpop", .arity = -4, .flags = f_write, .group = list,
       .keys = {{pop, begin_at(1), keys_counted(0, 1)}}, .handler = lmpop_cmd,
       .docs = {"Pops elements from the first non-empty of several lists.", "7.0.0",
                "O(N+M) for N keys and M returned elements"}},
  };
  t.add(rows);
}

} // namespace actis::commands
