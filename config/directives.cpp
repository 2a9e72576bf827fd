// Every Redis 7.0.15 configuration parameter: type, bounds, default and
// CONFIG SET mutability, as observed on redis-server 7.0.15. Four hidden
// parameters (CONFIG GET needs their exact name) and actis's "threads" close
// the list.
#include "config/directives.hpp"

#include <climits>

namespace actis::config::detail {

namespace {

constexpr long long ll_max = LLONG_MAX;
constexpr long long int_max = INT_MAX;
constexpr long long int_min = INT_MIN;
constexpr long long uint_max = UINT_MAX;

constexpr enum_choice yes_no_local[] = {{"no", 0}, {"yes", 2}, {"local", 1}};
constexpr enum_choice pubsub_default[] = {{"allchannels", 1}, {"resetchannels", 0}};
constexpr enum_choice fsync_policy[] = {{"everysec", 2}, {"always", 1}, {"no", 0}};
constexpr enum_choice endpoint_type[] = {{"ip", 0}, {"hostname", 1}, {"unknown-endpoint", 2}};
constexpr enum_choice log_levels[] = {{"debug", 0}, {"verbose", 1}, {"notice", 2}, {"warning", 3}};
constexpr enum_choice eviction_policy[] = {
    {"volatile-lru", 0},   {"volatile-lfu", 1}, {"volatile-random", 2}, {"volatile-ttl", 3},
    {"allkeys-lru", 4},    {"allkeys-lfu", 5},  {"allkeys-random", 6},  {"noeviction", 7}};
// "relative" is a synonym of "yes": CONFIG GET prints the first name.
constexpr enum_choice oom_adjust[] = {{"no", 0}, {"yes", 1}, {"relative", 1}, {"absolute", 2}};
constexpr enum_choice propagation_error[] = {{"ignore", 0}, {"panic", 1}, {"panic-on-replicas", 2}};
constexpr enum_choice diskless_load[] = {{"disabled", 0}, {"on-empty-db", 1}, {"swapdb", 2}};
constexpr enum_choice dump_sanitizing[] = {{"no", 0}, {"yes", 1}, {"clients", 2}};
constexpr enum_choice shutdown_flags[] = {
    {"default", 0}, {"save", 1}, {"nosave", 2}, {"now", 4}, {"force", 8}};
constexpr enum_choice supervision[] = {{"upstart", 1}, {"systemd", 2}, {"auto", 3}, {"no", 0}};
constexpr enum_choice syslog_facilities[] = {
    {"user", 0},   {"local0", 1}, {"local1", 2}, {"local2", 3}, {"local3", 4},
    {"local4", 5}, {"local5", 6}, {"local6", 7}, {"local7", 8}};
constexpr enum_choice tls_client_auth[] = {{"no", 0}, {"yes", 1}, {"optional", 2}};

const char* no_defrag_support(std::string_view value) {
  return value == "yes" ? "Active defragmentation cannot be enabled: it requires a Redis server "
                          "compiled with a modified Jemalloc like the one shipped by default with "
                          "the Redis source distribution"
                        : nullptr;
}

const char* dbfilename_check(std::string_view value) {
  return value.find('/') != std::string_view::npos ? "dbfilename can't be a path, just a filename"
                                                   : nullptr;
}

const char* appendfilename_check(std::string_view value) {
  if (value.empty())
    return "appendfilename can't be empty";
  return value.find('/') != std::string_view::npos
             ? "appendfilename can't be a path, just a filename"
             : nullptr;
}

const char* appenddirname_check(std::string_view value) {
  if (value.empty())
    return "appenddirname can't be empty";
  return value.find('/') != std::string_view::npos ? "appenddirname can't be a path, just a dirname"
                                                   : nullptr;
}

const char* hostname_check(std::string_view value) {
  for (char c : value) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '.';
    if (!ok)
      return "Hostnames may only contain alphanumeric characters, hyphens or dots";
  }
  return nullptr;
}

/// Expands the process title template the way Redis validates it: unknown
/// variables or bad braces are errors, and the expansion (with an empty
/// title and server mode) must not be blank.
const char* title_template_check(std::string_view value) {
  constexpr const char* invalid = "template format is invalid or contains unknown variables";
  std::string expanded;
  for (size_t i = 0; i < value.size();) {
    char c = value[i];
    if (c == '{' && i + 1 < value.size() && value[i + 1] == '{') {
      expanded.push_back('{');
      i += 2;
    } else if (c == '}' && i + 1 < value.size() && value[i + 1] == '}') {
      expanded.push_back('}');
      i += 2;
    } else if (c == '{') {
      size_t close = value.find('}', i + 1);
      if (close == std::string_view::npos)
        return invalid;
      std::string_view variable = value.substr(i + 1, close - i - 1);
      if (variable == "listen-addr" || variable == "port" || variable == "tls-port" ||
          variable == "unixsocket" || variable == "config-file")
        expanded += "x";
      else if (variable != "title" && variable != "server-mode")
        return invalid;
      i = close + 1;
    } else {
      expanded.push_back(c);
      ++i;
    }
  }
  return expanded.find_first_not_of(' ') == std::string::npos ? invalid : nullptr;
}

constexpr param_def boolean(std::string_view name, bool on, unsigned flags = 0,
                            value_check check = nullptr) {
  return {name, "", value_kind::boolean, flags, on ? "yes" : "no", 0, 0, {}, check};
}

constexpr param_def integer(std::string_view name, long long min, long long max,
                            std::string_view def, unsigned flags = 0) {
  return {name, "", value_kind::integer, flags, def, min, max};
}

constexpr param_def memory(std::string_view name, long long min, long long max,
                           std::string_view def, unsigned flags = 0) {
  return {name, "", value_kind::memory, flags, def, min, max};
}

constexpr param_def text(std::string_view name, std::string_view def, unsigned flags = 0,
                         value_check check = nullptr) {
  return {name, "", value_kind::string, flags, def, 0, 0, {}, check};
}

constexpr param_def choice(std::string_view name, std::span<const enum_choice> choices,
                           std::string_view def, unsigned flags = 0) {
  return {name, "", value_kind::enumeration, flags, def, 0, 0, choices};
}

constexpr param_def special(std::string_view name, value_kind kind, std::string_view def,
                            unsigned flags = 0) {
  return {name, "", kind, flags, def};
}

constexpr param_def aka(param_def def, std::string_view alias) {
  def.alias = alias;
  return def;
}

constexpr unsigned imm = immutable;
constexpr unsigned impl = implemented;

constexpr param_def table[] = {
    choice("acl-pubsub-default", pubsub_default, "resetchannels"),
    text("aclfile", "", imm),
    integer("acllog-max-len", 0, ll_max, "128"),
    integer("active-defrag-cycle-max", 1, 99, "25"),
    integer("active-defrag-cycle-min", 1, 99, "1"),
    memory("active-defrag-ignore-bytes", 1, ll_max, "104857600"),
    integer("active-defrag-max-scan-fields", 1, ll_max, "1000"),
    integer("active-defrag-threshold-lower", 0, 1000, "10"),
    integer("active-defrag-threshold-upper", 0, 1000, "100"),
    integer("active-expire-effort", 1, 10, "1", impl),
    boolean("activedefrag", false, 0, no_defrag_support),
    boolean("activerehashing", true),
    boolean("always-show-logo", false, imm),
    boolean("aof-disable-auto-gc", false),
    boolean("aof-load-truncated", true),
    boolean("aof-rewrite-incremental-fsync", true),
    boolean("aof-timestamp-enabled", false),
    boolean("aof-use-rdb-preamble", true),
    text("aof_rewrite_cpulist", "", imm),
    text("appenddirname", "appendonlydir", imm, appenddirname_check),
    text("appendfilename", "appendonly.aof", imm, appendfilename_check),
    choice("appendfsync", fsync_policy, "everysec"),
    boolean("appendonly", false),
    memory("auto-aof-rewrite-min-size", 0, ll_max, "67108864"),
    integer("auto-aof-rewrite-percentage", 0, int_max, "100"),
    text("bgsave_cpulist", "", imm),
    special("bind", value_kind::bind, "* -::*", impl),
    text("bind-source-addr", ""),
    text("bio_cpulist", "", imm),
    aka(integer("busy-reply-threshold", 0, ll_max, "5000", impl), "lua-time-limit"),
    special("client-output-buffer-limit", value_kind::output_buffer_limits,
            "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60", impl),
    memory("client-query-buffer-limit", 1024 * 1024, ll_max, "1073741824", impl),
    boolean("cluster-allow-pubsubshard-when-down", true),
    boolean("cluster-allow-reads-when-down", false),
    boolean("cluster-allow-replica-migration", true),
    integer("cluster-announce-bus-port", 0, 65535, "0"),
    text("cluster-announce-hostname", "", 0, hostname_check),
    text("cluster-announce-ip", ""),
    integer("cluster-announce-port", 0, 65535, "0"),
    integer("cluster-announce-tls-port", 0, 65535, "0"),
    text("cluster-config-file", "nodes.conf", imm),
    boolean("cluster-enabled", false, imm),
    memory("cluster-link-sendbuf-limit", 0, 0, "0", full_unsigned),
    integer("cluster-migration-barrier", 0, int_max, "1"),
    integer("cluster-node-timeout", 0, ll_max, "15000"),
    integer("cluster-port", 0, 65535, "0", imm),
    choice("cluster-preferred-endpoint-type", endpoint_type, "ip"),
    aka(boolean("cluster-replica-no-failover", false), "cluster-slave-no-failover"),
    aka(integer("cluster-replica-validity-factor", 0, int_max, "10"),
        "cluster-slave-validity-factor"),
    boolean("cluster-require-full-coverage", true),
    boolean("crash-log-enabled", true),
    boolean("crash-memcheck-enabled", true),
    boolean("daemonize", false, imm),
    integer("databases", 1, int_max, "16", imm | impl),
    text("dbfilename", "dump.rdb", protected_config, dbfilename_check),
    special("dir", value_kind::directory, "", protected_config | impl),
    boolean("disable-thp", true, imm),
    boolean("dynamic-hz", true),
    choice("enable-debug-command", yes_no_local, "no", imm | impl),
    choice("enable-module-command", yes_no_local, "no", imm),
    choice("enable-protected-configs", yes_no_local, "no", imm),
    aka(integer("hash-max-listpack-entries", 0, ll_max, "512"), "hash-max-ziplist-entries"),
    aka(memory("hash-max-listpack-value", 0, ll_max, "64"), "hash-max-ziplist-value"),
    memory("hll-sparse-max-bytes", 0, ll_max, "3000"),
    integer("hz", 0, int_max, "10", impl),
    text("ignore-warnings", ""),
    integer("io-threads", 1, 128, "1", imm),
    boolean("io-threads-do-reads", false, imm),
    boolean("jemalloc-bg-thread", true),
    integer("latency-monitor-threshold", 0, ll_max, "0"),
    boolean("latency-tracking", true, impl),
    special("latency-tracking-info-percentiles", value_kind::latency_percentiles, "50 99 99.9",
            impl),
    boolean("lazyfree-lazy-eviction", false),
    boolean("lazyfree-lazy-expire", false),
    boolean("lazyfree-lazy-server-del", false),
    boolean("lazyfree-lazy-user-del", false),
    boolean("lazyfree-lazy-user-flush", false),
    integer("lfu-decay-time", 0, int_max, "1"),
    integer("lfu-log-factor", 0, int_max, "10"),
    integer("list-compress-depth", 0, int_max, "0", impl),
    aka(integer("list-max-listpack-size", int_min, int_max, "-2"), "list-max-ziplist-size"),
    text("logfile", "", imm | impl),
    choice("loglevel", log_levels, "notice", impl),
    text("masterauth", ""),
    text("masteruser", ""),
    integer("maxclients", 1, uint_max, "10000", impl),
    memory("maxmemory", 0, 0, "0", full_unsigned),
    memory("maxmemory-clients", 0, ll_max, "0", percent_allowed),
    integer("maxmemory-eviction-tenacity", 0, 100, "10"),
    choice("maxmemory-policy", eviction_policy, "noeviction"),
    integer("maxmemory-samples", 1, int_max, "5"),
    aka(integer("min-replicas-max-lag", 0, int_max, "10"), "min-slaves-max-lag"),
    aka(integer("min-replicas-to-write", 0, int_max, "0"), "min-slaves-to-write"),
    boolean("no-appendfsync-on-rewrite", false),
    special("notify-keyspace-events", value_kind::keyspace_events, ""),
    choice("oom-score-adj", oom_adjust, "no"),
    special("oom-score-adj-values", value_kind::oom_score_adj_values, "0 200 800"),
    text("pidfile", "", imm | impl),
    integer("port", 0, 65535, "6379", impl),
    text("proc-title-template", "{title} {listen-addr} {server-mode}", 0, title_template_check),
    choice("propagation-error-behavior", propagation_error, "ignore"),
    boolean("protected-mode", true),
    memory("proto-max-bulk-len", 1024 * 1024, ll_max, "536870912", impl),
    boolean("rdb-del-sync-files", false),
    boolean("rdb-save-incremental-fsync", true),
    boolean("rdbchecksum", true, imm),
    boolean("rdbcompression", true),
    memory("repl-backlog-size", 1, ll_max, "1048576"),
    integer("repl-backlog-ttl", 0, ll_max, "3600"),
    boolean("repl-disable-tcp-nodelay", false),
    choice("repl-diskless-load", diskless_load, "disabled"),
    boolean("repl-diskless-sync", true),
    integer("repl-diskless-sync-delay", 0, int_max, "5"),
    integer("repl-diskless-sync-max-replicas", 0, int_max, "0"),
    aka(integer("repl-ping-replica-period", 1, int_max, "10"), "repl-ping-slave-period"),
    integer("repl-timeout", 1, int_max, "60"),
    aka(text("replica-announce-ip", ""), "slave-announce-ip"),
    aka(integer("replica-announce-port", 0, 65535, "0"), "slave-announce-port"),
    boolean("replica-announced", true),
    boolean("replica-ignore-disk-write-errors", false),
    aka(boolean("replica-ignore-maxmemory", true), "slave-ignore-maxmemory"),
    aka(boolean("replica-lazy-flush", false), "slave-lazy-flush"),
    aka(integer("replica-priority", 0, int_max, "100"), "slave-priority"),
    aka(boolean("replica-read-only", true), "slave-read-only"),
    aka(boolean("replica-serve-stale-data", true), "slave-serve-stale-data"),
    aka(special("replicaof", value_kind::replicaof, "", imm), "slaveof"),
    text("requirepass", ""),
    choice("sanitize-dump-payload", dump_sanitizing, "no"),
    special("save", value_kind::save, "3600 1 300 100 60 10000"),
    text("server_cpulist", "", imm),
    integer("set-max-intset-entries", 0, ll_max, "512"),
    boolean("set-proc-title", true, imm),
    {"shutdown-on-sigint", "", value_kind::flags_enumeration, 0, "default", 0, 0, shutdown_flags},
    {"shutdown-on-sigterm", "", value_kind::flags_enumeration, 0, "default", 0, 0, shutdown_flags},
    integer("shutdown-timeout", 0, int_max, "10"),
    integer("slowlog-log-slower-than", -1, ll_max, "10000"),
    integer("slowlog-max-len", 0, ll_max, "128"),
    integer("socket-mark-id", 0, uint_max, "0", imm),
    boolean("stop-writes-on-bgsave-error", true),
    memory("stream-node-max-bytes", 0, ll_max, "4096"),
    integer("stream-node-max-entries", 0, ll_max, "100"),
    choice("supervised", supervision, "no", imm),
    boolean("syslog-enabled", false, imm),
    choice("syslog-facility", syslog_facilities, "local0", imm),
    text("syslog-ident", "redis", imm),
    integer("tcp-backlog", 0, int_max, "511", imm),
    integer("tcp-keepalive", 0, int_max, "300", impl),
    integer("timeout", 0, int_max, "0", impl),
    choice("tls-auth-clients", tls_client_auth, "yes"),
    text("tls-ca-cert-dir", ""),
    text("tls-ca-cert-file", ""),
    text("tls-cert-file", ""),
    text("tls-ciphers", ""),
    text("tls-ciphersuites", ""),
    text("tls-client-cert-file", ""),
    text("tls-client-key-file", ""),
    text("tls-client-key-file-pass", ""),
    boolean("tls-cluster", false),
    text("tls-dh-params-file", ""),
    text("tls-key-file", ""),
    text("tls-key-file-pass", ""),
    integer("tls-port", 0, 65535, "0"),
    boolean("tls-prefer-server-ciphers", false),
    text("tls-protocols", ""),
    boolean("tls-replication", false),
    integer("tls-session-cache-size", 0, int_max, "20480"),
    integer("tls-session-cache-timeout", 0, int_max, "300"),
    boolean("tls-session-caching", true),
    integer("tracking-table-max-keys", 0, ll_max, "1000000"),
    text("unixsocket", "", imm),
    {"unixsocketperm", "", value_kind::octal, imm, "0", 0, 0777},
    aka(integer("zset-max-listpack-entries", 0, ll_max, "128", impl), "zset-max-ziplist-entries"),
    aka(memory("zset-max-listpack-value", 0, ll_max, "64", impl), "zset-max-ziplist-value"),
    // Debugging knobs Redis only reports to an exact CONFIG GET.
    integer("key-load-delay", int_min, int_max, "0", hidden),
    integer("loading-process-events-interval-bytes", 1024, int_max, "2097152", hidden),
    integer("rdb-key-save-delay", int_min, int_max, "0", hidden),
    integer("watchdog-period", 0, int_max, "0", hidden),
    // actis only: number of event loops, 0 = one per CPU core.
    integer("threads", 0, 1024, "0", imm | hidden | impl),
};

} // namespace

bool param_def::multi_arg() const {
  switch (kind) {
    case value_kind::flags_enumeration:
    case value_kind::save:
    case value_kind::bind:
    case value_kind::output_buffer_limits:
    case value_kind::oom_score_adj_values:
    case value_kind::latency_percentiles:
    case value_kind::replicaof:
      return true;
    default:
      return false;
  }
}

std::span<const param_def> param_table() {
  return table;
}

} // namespace actis::config::detail
