// DUMP and RESTORE with Redis 7.0's payloads, options and errors.
// Parsing, replies and registration; the operations are in dump_ops.cpp.
#include "commands/command.hpp"
#include "commands/context.hpp"
#include "commands/dump_ops.hpp"
#include "commands/families.hpp"
#include "config/config.hpp"
#include "datatypes/strutil.hpp"

namespace actis::commands {

namespace {

using datatypes::iequals;

void dump_handler(command_context& ctx) {
  auto r = op_dump(*ctx.ks, ctx.db, ctx.argv[1]);
  if (!r.ok())
    return reply_error(ctx, r.error());
  ctx.reply.bulk(r.value());
}

/// Redis's option loop: IDLETIME and FREQ exclude each other (the second
/// one given is a syntax error), and a bad number is reported at once.
bool parse_restore_options(command_context& ctx, restore_options& opt) {
  const auto& argv = ctx.argv;
  for (size_t j = 4; j < argv.size(); ++j) {
    bool more = j + 1 < argv.size();
    if (iequals(argv[j], "replace")) {
      opt.replace = true;
    } else if (iequals(argv[j], "absttl")) {
      opt.absttl = true;
    } else if (iequals(argv[j], "idletime") && more && opt.freq == -1) {
      long long idle = 0;
      if (!datatypes::parse_ll(argv[j + 1], idle)) {
        reply_status(ctx.reply, op_status::not_integer);
        return false;
      }
      if (idle < 0) {
        ctx.reply.error(protocol::err::restore_idletime_negative);
        return false;
      }
      opt.idle_s = idle;
      ++j;
    } else if (iequals(argv[j], "freq") && more && opt.idle_s == -1) {
      long long freq = 0;
      if (!datatypes::parse_ll(argv[j + 1], freq)) {
        reply_status(ctx.reply, op_status::not_integer);
        return false;
      }
      if (freq < 0 || freq > 255) {
        ctx.reply.error(protocol::err::restore_freq_range);
        return false;
      }
      opt.freq = static_cast<int>(freq);
      ++j;
    } else {
      reply_status(ctx.reply, op_status::syntax);
      return false;
    }
  }
  return true;
}

void restore_handler(command_context& ctx) {
  restore_options opt;
  if (!parse_restore_options(ctx, opt))
    return;
  const auto& argv = ctx.argv;
  auto r = op_restore(*ctx.ks, ctx.db, argv[1], argv[2], argv[3], opt);
  if (!r.ok())
    return reply_error(ctx, r.error());
  const auto& done = r.value();
  if (!done.stored) {
    // Already expired: only the removal of the old key reaches the stream,
    // as UNLINK under lazyfree-lazy-server-del.
    if (done.deleted_old)
      ctx.propagate_as({config::registry::instance().get_one("lazyfree-lazy-server-del") == "yes"
                            ? "UNLINK"
                            : "DEL",
                        argv[1]});
    else
      ctx.suppress_propagation();
  } else if (done.expire_ms != 0 && !opt.absttl) {
    // A relative TTL travels as the absolute time it gave, as Redis does.
    command_args cmd(argv.begin(), argv.end());
    cmd[2] = datatypes::ll_to_string(done.expire_ms);
    cmd.emplace_back("ABSTTL");
    ctx.propagate_as(std::move(cmd));
  }
  ctx.reply.ok();
}

} // namespace

void register_dump_family(command_table& t) {
  const command_def rows[] = {
      {.name = "dump", .arity = 2, .flags = f_readonly, .keys = {key_at(1, k_ro | k_access)},
       .handler = dump_handler, .tips = "nondeterministic_output",
       .docs = {"Serializes a value in Redis's RDB format.", "2.6.0",
                "O(1) to find the key, plus O(N) in the size of the value."}},
      {.name = "restore", .arity = -4, .flags = f_write | f_denyoom,
       .keys = {key_at(1, k_ow | k_update)}, .handler = restore_handler,
       .extra_acl = acl_dangerous,
       .docs = {"Creates a key from a DUMP payload.", "2.6.0",
                "O(N) in the size of the value; O(N log N) for a sorted set."}},
  };
  t.add(rows);
}

} // namespace actis::commands
