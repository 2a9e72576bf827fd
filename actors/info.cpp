#include "actors/info.hpp"

#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>

#include "actors/aof_service.hpp"
#include "actors/pubsub.hpp"
#include "actors/rdb_saver.hpp"
#include "actors/watchdog.hpp"
#include "actors/server.hpp"
#include "commands/command.hpp"
#include "commands/command_stats.hpp"
#include "commands/memory_ops.hpp"
#include "config/config.hpp"
#include "datatypes/strutil.hpp"

namespace actis::actors {

namespace {


/// Sections in the order INFO prints them.
enum section : unsigned {
  s_server, s_clients, s_memory, s_persistence, s_stats, s_replication, s_cpu, s_modules,
  s_commandstats, s_errorstats, s_latencystats, s_cluster, s_keyspace, s_count
};

constexpr std::array<std::string_view, s_count> section_titles = {
    "Server", "Clients", "Memory", "Persistence", "Stats", "Replication", "CPU", "Modules",
    "Commandstats", "Errorstats", "Latencystats", "Cluster", "Keyspace"};

using section_set = std::array<bool, s_count>;

/// Redis's selection rules: no argument or "default" gives the default
/// sections, "all" and "everything" every section, other names their
/// section (case-insensitive); unknown names select nothing.
section_set select_sections(const commands::command_args& argv) {
  section_set on{};
  auto defaults = [&] {
    for (unsigned s = 0; s < s_count; ++s)
      on[s] = s != s_commandstats && s != s_latencystats;
  };
  if (argv.size() == 1)
    defaults();
  for (size_t i = 1; i < argv.size(); ++i) {
    auto name = datatypes::to_lower(argv[i]);
    if (name == "default") {
      defaults();
    } else if (name == "all" || name == "everything") {
      on.fill(true);
    } else if (name == "module_list") {
      on[s_modules] = true;
    } else {
      for (unsigned s = 0; s < s_count; ++s)
        if (name == datatypes::to_lower(section_titles[s]))
          on[s] = true;
    }
  }
  return on;
}

/// Appends "name:value\r\n" lines.
class section_writer {
public:
  explicit section_writer(std::string& out) : out_(out) {}
  /// Lines already formatted as "name:value\r\n".
  void add_lines(std::string_view lines) { out_ += lines; }
  void add(std::string_view name, std::string_view value) {
    out_ += name;
    out_ += ':';
    out_ += value;
    out_ += "\r\n";
  }
  void add(std::string_view name, const char* value) { add(name, std::string_view(value)); }
  void add(std::string_view name, const std::string& value) { add(name, std::string_view(value)); }
  void add(std::string_view name, uint64_t value) { add(name, std::to_string(value)); }
  void add(std::string_view name, int64_t value) { add(name, std::to_string(value)); }
  void add(std::string_view name, int value) { add(name, std::to_string(value)); }
  /// Fields for features actis does not have (forks, defrag, tracking...):
  /// always zero, listed so tools that read them find them.
  void zeros(std::initializer_list<std::string_view> names) {
    for (auto n : names)
      add(n, "0");
  }
  /// Fixed-point, "%.2f" unless told otherwise.
  void add_fixed(std::string_view name, double value, int decimals = 2) {
    char buf[64];
    std::snprintf(buf, sizeof(buf), "%.*f", decimals, value);
    add(name, std::string_view(buf));
  }

private:
  std::string& out_;
};

/// Redis's bytesToHuman: B, then K/M/G/T/P with two decimals.
std::string bytes_to_human(uint64_t n) {
  static constexpr const char* units = "KMGTP";
  if (n < 1024)
    return std::to_string(n) + "B";
  double d = static_cast<double>(n) / 1024;
  for (int u = 0; u < 5; ++u, d /= 1024)
    if (d < 1024 || u == 4) {
      char buf[64];
      std::snprintf(buf, sizeof(buf), "%.2f%c", d, units[u]);
      return buf;
    }
  return std::to_string(n) + "B";
}

uint64_t config_number(std::string_view name) {
  return std::strtoull(config::registry::instance().get_one(name).c_str(), nullptr, 10);
}

uint64_t loop_sum(std::atomic<uint64_t> loop_stats::*field) {
  return server::instance().sum(field);
}

using summaries = std::vector<commands::partition_summary>;

/// Sum of one partition counter over all partitions.
uint64_t partition_sum(const summaries& parts, uint64_t commands::partition_stats::*field) {
  uint64_t total = 0;
  for (auto& p : parts)
    total += p.stats.*field;
  return total;
}

std::string seconds_dot_micros(const timeval& tv) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%ld.%06ld", static_cast<long>(tv.tv_sec),
                static_cast<long>(tv.tv_usec));
  return buf;
}

// -------------------------------------------------------------- sections

void server_section(section_writer& w, int64_t now_us) {
  auto& srv = server::instance();
  auto& cfg = config::registry::instance();
  utsname un{};
  uname(&un);
  auto uptime = (now_us / 1000 - srv.start_ms) / 1000;
  w.add("redis_version", config::redis_version);
  w.add("actis_version", config::server_version);
  w.add("redis_git_sha1", "00000000");
  w.add("redis_git_dirty", 0);
  w.add("redis_build_id", "0");
  w.add("redis_mode", "standalone");
  w.add("os", std::string(un.sysname) + " " + un.release + " " + un.machine);
  w.add("arch_bits", static_cast<int>(sizeof(void*) * 8));
  w.add("monotonic_clock", "POSIX clock_gettime");
  w.add("multiplexing_api", "epoll");
  w.add("atomicvar_api", "c11-builtin");
  w.add("gcc_version", std::to_string(__GNUC__) + "." + std::to_string(__GNUC_MINOR__) + "."
                           + std::to_string(__GNUC_PATCHLEVEL__));
  w.add("process_id", static_cast<int64_t>(getpid()));
  w.add("process_supervised", "no");
  w.add("run_id", srv.run_id);
  w.add("tcp_port", static_cast<int>(srv.port));
  w.add("server_time_usec", now_us);
  w.add("uptime_in_seconds", uptime);
  w.add("uptime_in_days", uptime / 86400);
  w.add("hz", cfg.get_one("hz"));
  w.add("configured_hz", cfg.get_one("hz"));
  w.add("lru_clock", static_cast<uint64_t>(commands::lru_clock()));
  w.add("executable", srv.executable);
  w.add("config_file", srv.config_file);
  w.add("io_threads_active", 0);
}

void clients_section(section_writer& w) {
  w.add("connected_clients", loop_sum(&loop_stats::connected_clients));
  w.add("cluster_connections", 0);
  w.add("maxclients",
        static_cast<int64_t>(config::live().maxclients.load(std::memory_order_relaxed)));
  w.add("client_recent_max_input_buffer", 0);
  w.add("client_recent_max_output_buffer", 0);
  w.add("blocked_clients", loop_sum(&loop_stats::blocked_clients));
  w.add("tracking_clients", 0);
  w.add("clients_in_timeout_table", 0);
}

void memory_section(section_writer& w) {
  auto mem = commands::sample_process_memory();
  auto used = mem.allocated;
  auto rss = mem.resident;
  auto peak = mem.peak;
  auto total = static_cast<uint64_t>(sysconf(_SC_PHYS_PAGES))
               * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
  auto maxmemory = config_number("maxmemory");
  w.add("used_memory", used);
  w.add("used_memory_human", bytes_to_human(used));
  w.add("used_memory_rss", rss);
  w.add("used_memory_rss_human", bytes_to_human(rss));
  w.add("used_memory_peak", peak);
  w.add("used_memory_peak_human", bytes_to_human(peak));
  char perc[32];
  std::snprintf(perc, sizeof(perc), "%.2f%%", peak ? 100.0 * used / peak : 0.0);
  w.add("used_memory_peak_perc", perc);
  w.add("total_system_memory", total);
  w.add("total_system_memory_human", bytes_to_human(total));
  w.add("maxmemory", maxmemory);
  w.add("maxmemory_human", bytes_to_human(maxmemory));
  w.add("maxmemory_policy", config::registry::instance().get_one("maxmemory-policy"));
  w.add_fixed("mem_fragmentation_ratio", used ? static_cast<double>(rss) / used : 0.0);
  w.add("mem_fragmentation_bytes", static_cast<int64_t>(rss) - static_cast<int64_t>(used));
  w.add("mem_allocator", "libc");
  w.zeros({"active_defrag_running", "lazyfree_pending_objects", "lazyfreed_objects"});
}

void persistence_section(section_writer& w, const summaries& ks) {
  auto& rdb = rdb_status::instance();
  bool saving = rdb.in_progress.load();
  bool loading = server::instance().loading.load();
  w.add("loading", loading ? 1 : 0);
  w.zeros({"async_loading", "current_cow_peak", "current_cow_size", "current_cow_size_age"});
  w.add("current_fork_perc", "0.00");
  w.add("current_save_keys_processed", 0);
  w.add("current_save_keys_total", saving ? rdb.keys_total.load() : uint64_t{0});
  uint64_t dirty = partition_sum(ks, &commands::partition_stats::dirty);
  w.add("rdb_changes_since_last_save", dirty - std::min(dirty, rdb.dirty_at_last_save.load()));
  w.add("rdb_bgsave_in_progress", saving ? 1 : 0);
  w.add("rdb_last_save_time", rdb.last_save_s.load());
  w.add("rdb_last_bgsave_status", rdb.last_ok ? "ok" : "err");
  w.add("rdb_last_bgsave_time_sec", rdb.last_duration_s.load());
  w.add("rdb_current_bgsave_time_sec",
        saving ? (unix_ms() - rdb.current_start_ms.load()) / 1000 : -1);
  w.add("rdb_saves", rdb.saves.load());
  w.add("rdb_last_cow_size", 0);
  w.add("rdb_last_load_keys_expired", rdb.loaded_expired.load());
  w.add("rdb_last_load_keys_loaded", rdb.loaded_keys.load());
  std::string aof;
  persistence::append_aof_info(aof, aof_runtime::instance().status.get(), unix_ms());
  w.add_lines(aof);
  if (!loading)
    return;
  // As Redis's loading fields; the byte counts are the RDB's (an AOF
  // load reports only its start).
  int64_t start_s = rdb.loading_start_s.load();
  uint64_t total = rdb.loading_total_bytes.load();
  uint64_t loaded = rdb.loading_loaded_bytes.load();
  double fraction = total ? static_cast<double>(loaded) / static_cast<double>(total) : 0.0;
  int64_t elapsed = unix_ms() / 1000 - start_s;
  char perc[32];
  std::snprintf(perc, sizeof perc, "%.2f", fraction * 100);
  w.add("loading_start_time", start_s);
  w.add("loading_total_bytes", total);
  w.add("loading_rdb_used_mem", 0);
  w.add("loading_loaded_bytes", loaded);
  w.add("loading_loaded_perc", perc);
  w.add("loading_eta_seconds",
        fraction > 0 ? static_cast<int64_t>(static_cast<double>(elapsed) / fraction) - elapsed
                     : int64_t{1});
}

void stats_section(section_writer& w, const summaries& ks) {
  using ps = commands::partition_stats;
  uint64_t stale = 0, parts = 0;
  for (auto& p : ks) {
    stale += p.stats.expired_stale_perc;
    ++parts;
  }
  w.add("total_connections_received", loop_sum(&loop_stats::total_connections_received));
  w.add("total_commands_processed", commands::stats::total_calls());
  w.add("instantaneous_ops_per_sec", 0);
  w.add("total_net_input_bytes", loop_sum(&loop_stats::net_input_bytes));
  w.add("total_net_output_bytes", loop_sum(&loop_stats::net_output_bytes));
  w.zeros({"total_net_repl_input_bytes", "total_net_repl_output_bytes"});
  for (auto rate : {"instantaneous_input_kbps", "instantaneous_output_kbps",
                    "instantaneous_input_repl_kbps", "instantaneous_output_repl_kbps"})
    w.add(rate, "0.00");
  w.add("rejected_connections", loop_sum(&loop_stats::rejected_connections));
  w.zeros({"sync_full", "sync_partial_ok", "sync_partial_err"});
  w.add("expired_keys", partition_sum(ks, &ps::expired_keys));
  // Partitions keep their own estimate, in hundredths of a percent.
  w.add_fixed("expired_stale_perc", parts ? static_cast<double>(stale) / parts / 100.0 : 0.0);
  w.add("expired_time_cap_reached_count", partition_sum(ks, &ps::expired_time_cap_reached_count));
  w.zeros({"evicted_keys", "evicted_clients", "total_eviction_exceeded_time",
           "current_eviction_exceeded_time"});
  w.add("keyspace_hits", partition_sum(ks, &ps::keyspace_hits));
  w.add("keyspace_misses", partition_sum(ks, &ps::keyspace_misses));
  auto& subscriptions = pubsub_counts::instance();
  w.add("pubsub_channels", subscriptions.distinct(pubsub_kind::channel));
  w.add("pubsub_patterns", subscriptions.distinct(pubsub_kind::pattern));
  w.add("pubsubshard_channels", subscriptions.distinct(pubsub_kind::shard));
  w.zeros({"latest_fork_usec",
           "total_forks", "migrate_cached_sockets", "slave_expires_tracked_keys",
           "active_defrag_hits", "active_defrag_misses", "active_defrag_key_hits",
           "active_defrag_key_misses", "total_active_defrag_time", "current_active_defrag_time",
           "tracking_total_keys", "tracking_total_items", "tracking_total_prefixes",
           "unexpected_error_replies"});
  w.add("total_error_replies", commands::stats::total_error_replies());
  w.zeros({"dump_payload_sanitizations", "io_threaded_reads_processed",
           "io_threaded_writes_processed"});
  w.add("client_query_buffer_limit_disconnections",
        loop_sum(&loop_stats::client_query_buffer_limit_disconnections));
  w.add("client_output_buffer_limit_disconnections",
        loop_sum(&loop_stats::client_output_buffer_limit_disconnections));
}

void replication_section(section_writer& w) {
  w.add("role", "master");
  w.add("connected_slaves", 0);
  w.add("master_failover_state", "no-failover");
  w.add("master_replid", server::instance().run_id);
  w.add("master_replid2", std::string(40, '0'));
  w.add("master_repl_offset", 0);
  w.add("second_repl_offset", -1);
  w.add("repl_backlog_active", 0);
  w.add("repl_backlog_size", config_number("repl-backlog-size"));
  w.add("repl_backlog_first_byte_offset", 0);
  w.add("repl_backlog_histlen", 0);
}

void cpu_section(section_writer& w) {
  rusage self{}, children{};
  getrusage(RUSAGE_SELF, &self);
  getrusage(RUSAGE_CHILDREN, &children);
  w.add("used_cpu_sys", seconds_dot_micros(self.ru_stime));
  w.add("used_cpu_user", seconds_dot_micros(self.ru_utime));
  w.add("used_cpu_sys_children", seconds_dot_micros(children.ru_stime));
  w.add("used_cpu_user_children", seconds_dot_micros(children.ru_utime));
}

void latencystats_section(std::string& out) {
  if (config::live().latency_tracking.load(std::memory_order_relaxed))
    commands::stats::append_latencystats(
        out, commands::table(),
        config::registry::instance().get_one("latency-tracking-info-percentiles"));
}

void keyspace_section(section_writer& w, const summaries& ks) {
  auto dbs = ks.empty() ? 0 : ks.front().dbs.size();
  for (size_t db = 0; db < dbs; ++db) {
    uint64_t keys = 0, expires = 0;
    int64_t ttl_sum = 0, ttl_samples = 0;
    for (auto& p : ks) {
      keys += p.dbs[db].keys;
      expires += p.dbs[db].expires;
      ttl_sum += p.dbs[db].ttl_sum;
      ttl_samples += p.dbs[db].ttl_samples;
    }
    if (keys == 0)
      continue;
    w.add("db" + std::to_string(db), "keys=" + std::to_string(keys) + ",expires="
                                         + std::to_string(expires) + ",avg_ttl="
                                         + std::to_string(ttl_samples ? ttl_sum / ttl_samples : 0));
  }
}

} // namespace

void info_handler(commands::command_context& ctx) {
  auto on = select_sections(ctx.argv);
  auto now_us = std::chrono::duration_cast<std::chrono::microseconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
  auto& ks = *ctx.summaries;
  std::string text;
  for (unsigned s = 0; s < s_count; ++s) {
    if (!on[s])
      continue;
    if (!text.empty())
      text += "\r\n";
    text += "# ";
    text += section_titles[s];
    text += "\r\n";
    section_writer w(text);
    switch (static_cast<section>(s)) {
      case s_server: server_section(w, now_us); break;
      case s_clients: clients_section(w); break;
      case s_memory: memory_section(w); break;
      case s_persistence: persistence_section(w, ks); break;
      case s_stats: stats_section(w, ks); break;
      case s_replication: replication_section(w); break;
      case s_cpu: cpu_section(w); break;
      case s_cluster: w.add("cluster_enabled", 0); break;
      case s_keyspace: keyspace_section(w, ks); break;
      case s_commandstats: commands::stats::append_commandstats(text, commands::table()); break;
      case s_errorstats: commands::stats::append_errorstats(text); break;
      case s_latencystats: latencystats_section(text); break;
      case s_modules: // no modules
      case s_count: break;
    }
  }
  ctx.reply.verbatim(text);
}

void reset_loop_stats() {
  // Loop counters have a single writer (their loop) that bumps them without
  // a locked read-modify-write, so a bump racing with this store may bring
  // back the old value. Acceptable for statistics; exact resets would need
  // a message to every loop.
  for (auto& loop : server::instance().loops) {
    auto& st = loop->stats;
    for (auto* c : {&st.total_connections_received, &st.rejected_connections,
                    &st.net_input_bytes, &st.net_output_bytes,
                    &st.client_query_buffer_limit_disconnections,
                    &st.client_output_buffer_limit_disconnections})
      c->store(0, std::memory_order_relaxed);
  }
  commands::stats::reset();
}

} // namespace actis::actors
