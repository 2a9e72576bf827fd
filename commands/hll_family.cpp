// The HyperLogLog commands: PFADD, PFCOUNT, PFMERGE, PFDEBUG, PFSELFTEST.
// Parsing, replies and registration; the operations are in hll_ops.cpp.
#include <span>
#include <string>

#include "commands/command.hpp"
#include "commands/context.hpp"
#include "commands/families.hpp"
#include "commands/hll_ops.hpp"
#include "datatypes/strutil.hpp"

namespace actis::commands {

namespace {

std::span<const std::string> args_from(const command_args& argv, size_t from) {
  return std::span<const std::string>(argv).subspan(from);
}

void pfadd_cmd(command_context& ctx) {
  auto r = op_pfadd(*ctx.ks, ctx.db, ctx.argv[1], args_from(ctx.argv, 2));
  if (!r.ok())
    return reply_error(ctx, r.error());
  ctx.reply.integer(*r ? 1 : 0);
}

void pfcount_cmd(command_context& ctx) {
  auto r = op_pfcount(*ctx.ks, ctx.db, args_from(ctx.argv, 1));
  if (!r.ok())
    return reply_error(ctx, r.error());
  ctx.reply.integer(static_cast<long long>(*r));
}

void pfmerge_cmd(command_context& ctx) {
  auto r = op_pfmerge(*ctx.ks, ctx.db, ctx.argv[1], args_from(ctx.argv, 2));
  if (!r.ok())
    return reply_error(ctx, r.error());
  ctx.reply.ok();
}

void pfdebug_cmd(command_context& ctx) {
  std::string_view sub = ctx.argv[1];
  auto r = op_pfdebug(*ctx.ks, ctx.db, sub, ctx.argv[2]);
  if (!r.ok())
    return reply_error(ctx, r.error());
  if (!r->registers.empty()) {
    ctx.reply.array(r->registers.size());
    for (uint8_t v : r->registers)
      ctx.reply.integer(v);
  } else if (datatypes::iequals(sub, "decode")) {
    ctx.reply.bulk(r->text);
  } else if (datatypes::iequals(sub, "encoding")) {
    ctx.reply.simple(r->text);
  } else {
    ctx.reply.integer(r->converted ? 1 : 0);
  }
}

void pfselftest_cmd(command_context& ctx) {
  std::string failure = hll_selftest();
  if (failure.empty())
    ctx.reply.ok();
  else
    ctx.reply.error(failure);
}

} // namespace

void register_hll_family(command_table& t) {
  constexpr auto hll = command_group::hyperloglog;
  const command_def rows[] = {
      {.name = "pfadd", .arity = -2, .flags = f_write | f_denyoom | f_fast, .group = hll,
       .keys = {key_at(1, k_rw | k_insert)}, .handler = pfadd_cmd,
       .docs = {"Adds elements to a HyperLogLog key, creating it if needed.", "2.8.9",
                "O(1) to add every element."}},
      {.name = "pfcount", .arity = -2, .flags = f_readonly, .group = hll,
       .keys = {{k_rw | k_access, begin_at(1), keys_range(-1),
                 "RW because it may change the internal representation of the key, and "
                 "propagate to replicas"}},
       .handler = pfcount_cmd,
       .docs = {"Returns the approximated cardinality of the union of HyperLogLogs.", "2.8.9",
                "O(1) for one key, O(N) for N keys."}},
      {.name = "pfmerge", .arity = -2, .flags = f_write | f_denyoom, .group = hll,
       .keys = {key_at(1, k_rw | k_access | k_insert),
                {k_ro | k_access, begin_at(2), keys_range(-1)}},
       // PFMERGE with the destination alone fits neither key spec (Redis's
       // COMMAND GETKEYS refuses it too), yet it writes that key: the router
       // runs it holding every partition.
       .handler = pfmerge_cmd,
       .docs = {"Merges HyperLogLogs into one key.", "2.8.9", "O(N) to merge N HyperLogLogs."}},
      {.name = "pfdebug", .arity = 3, .flags = f_write | f_denyoom | f_admin, .group = hll,
       .keys = {key_at(2, k_rw | k_access)}, .handler = pfdebug_cmd,
       .docs = {"Internal commands for debugging HyperLogLog values.", "2.8.9", "N/A"}},
      {.name = "pfselftest", .arity = 1, .flags = f_admin, .group = hll,
       .handler = pfselftest_cmd,
       .docs = {"An internal command for testing HyperLogLog values.", "2.8.9", "N/A"}},
  };
  t.add(rows);
}

} // namespace actis::commands
