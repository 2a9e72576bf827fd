// MEMORY: USAGE, STATS, DOCTOR, MALLOC-STATS, PURGE and HELP, with Redis
// 7.0's replies and command table rows. Parsing, replies and registration;
// the figures come from memory_ops.cpp.
#include <algorithm>
#include <span>

#include "commands/command.hpp"
#include "commands/context.hpp"
#include "commands/families.hpp"
#include "commands/memory_ops.hpp"

namespace actis::commands {

namespace {

void usage_handler(command_context& ctx) {
  auto samples = parse_usage_samples(ctx.argv);
  if (!samples.ok())
    return reply_error(ctx, samples.error());
  auto r = op_memory_usage(*ctx.ks, ctx.db, ctx.argv[2], *samples);
  if (!r.ok())
    return reply_error(ctx, r.error());
  ctx.reply.integer(*r);
}

/// Redis keeps these ratios in floats and replies them as doubles: the
/// same rounding gives the same kind of digits (99.827514648437500).
double as_float(double ratio) { return static_cast<double>(static_cast<float>(ratio)); }

double ratio(uint64_t a, uint64_t b) {
  return b == 0 ? 0.0 : as_float(static_cast<double>(a) / static_cast<double>(b));
}

int64_t difference(uint64_t a, uint64_t b) {
  return static_cast<int64_t>(a) - static_cast<int64_t>(b);
}

void stats_handler(command_context& ctx) {
  memory_stats s = op_memory_stats(*ctx.ks);
  const process_memory& m = s.process;
  auto& r = ctx.reply;
  auto field = [&](std::string_view name, uint64_t v) {
    r.bulk(name);
    r.integer(static_cast<long long>(v));
  };
  auto signed_field = [&](std::string_view name, int64_t v) {
    r.bulk(name);
    r.integer(v);
  };
  auto double_field = [&](std::string_view name, double v) {
    r.bulk(name);
    r.dbl(v);
  };
  r.map(27 + s.dbs.size());
  field("peak.allocated", m.peak);
  field("total.allocated", m.allocated);
  field("startup.allocated", m.startup);
  // Buffers actis does not account apart from the heap: none of these has
  // a figure of its own (they are inside dataset.bytes).
  for (auto name : {"replication.backlog", "clients.slaves", "clients.normal", "cluster.links",
                    "aof.buffer", "lua.caches", "functions.caches"})
    field(name, 0);
  for (const db_memory& d : s.dbs) {
    r.bulk("db." + std::to_string(d.index));
    r.map(3);
    field("overhead.hashtable.main", d.main_overhead);
    field("overhead.hashtable.expires", d.expires_overhead);
    field("overhead.hashtable.slot-to-keys", 0);
  }
  uint64_t net = m.allocated - std::min(m.allocated, m.startup);
  field("overhead.total", s.overhead_total);
  field("keys.count", s.keys);
  field("keys.bytes-per-key", s.keys ? net / s.keys : 0);
  field("dataset.bytes", s.dataset);
  double_field("dataset.percentage", net ? as_float(100.0 * s.dataset / net) : 0.0);
  double_field("peak.percentage", m.peak ? as_float(100.0 * m.allocated / m.peak) : 0.0);
  // glibc cannot tell which of its pages are resident: the allocator's
  // resident figure is what it holds, and the rest of the RSS is overhead.
  field("allocator.allocated", m.allocated);
  field("allocator.active", m.active);
  field("allocator.resident", m.active);
  double_field("allocator-fragmentation.ratio", ratio(m.active, m.allocated));
  signed_field("allocator-fragmentation.bytes", difference(m.active, m.allocated));
  double_field("allocator-rss.ratio", ratio(m.active, m.active));
  signed_field("allocator-rss.bytes", 0);
  double_field("rss-overhead.ratio", ratio(m.resident, m.active));
  signed_field("rss-overhead.bytes", difference(m.resident, m.active));
  double_field("fragmentation", ratio(m.resident, m.allocated));
  signed_field("fragmentation.bytes", difference(m.resident, m.allocated));
}

void doctor_handler(command_context& ctx) {
  ctx.reply.verbatim(memory_doctor_report(sample_process_memory()));
}

void malloc_stats_handler(command_context& ctx) { ctx.reply.verbatim(malloc_stats_text()); }

void purge_handler(command_context& ctx) {
  purge_memory();
  ctx.reply.ok();
}

void help_handler(command_context& ctx) {
  static constexpr std::string_view lines[] = {
      "MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "DOCTOR",
      "    Return memory problems reports.",
      "MALLOC-STATS",
      "    Return internal statistics report from the memory allocator.",
      "PURGE",
      "    Attempt to purge dirty pages for reclamation by the allocator.",
      "STATS",
      "    Return information about the memory usage of the server.",
      "USAGE <key> [SAMPLES <count>]",
      "    Return memory in bytes used by <key> and its value. Nested values are",
      "    sampled up to <count> times (default: 5, 0 means sample all).",
      "HELP",
      "    Prints this help.",
  };
  reply_help_lines(ctx, lines);
}

} // namespace

void register_memory_family(command_table& t) {
  constexpr auto server = command_group::server;
  constexpr auto diagnostics = "nondeterministic_output request_policy:all_shards "
                               "response_policy:special";
  const command_def rows[] = {
      {.name = "memory", .arity = -2, .group = server,
       .docs = {"Container of the memory diagnostics subcommands.", "4.0.0",
                "Depends on subcommand."}},
      {.name = "memory|doctor", .arity = 2, .group = server, .handler = doctor_handler,
       .tips = diagnostics,
       .docs = {"Reports memory problems of the instance.", "4.0.0", "O(1)"}},
      {.name = "memory|help", .arity = 2, .flags = f_loading | f_stale, .group = server,
       .handler = help_handler,
       .docs = {"Describes the MEMORY subcommands.", "4.0.0", "O(1)"}},
      {.name = "memory|malloc-stats", .arity = 2, .group = server,
       .handler = malloc_stats_handler, .tips = diagnostics,
       .docs = {"Reports the memory allocator's own statistics.", "4.0.0",
                "Depends on how much memory is allocated, could be slow"}},
      {.name = "memory|purge", .arity = 2, .group = server, .handler = purge_handler,
       .tips = "request_policy:all_shards response_policy:all_succeeded",
       .docs = {"Gives free heap pages back to the system.", "4.0.0",
                "Depends on how much memory is allocated, could be slow"}},
      // Every partition is held: the per-database overheads are read from
      // each of them in place, in one consistent pass.
      {.name = "memory|stats", .arity = 2, .group = server,
       .scope = exec_scope::all_partitions, .handler = stats_handler, .tips = diagnostics,
       .docs = {"Reports the server's memory use in detail.", "4.0.0", "O(1)"}},
      {.name = "memory|usage", .arity = -3, .flags = f_readonly, .group = server,
       .keys = {key_at(2, k_ro)}, .handler = usage_handler,
       .docs = {"Estimates the bytes a key and its value use.", "4.0.0",
                "O(N) where N is the number of samples."}},
  };
  t.add(rows);
}

} // namespace actis::commands
