// Server configuration: every directive of Redis 7.0's redis.conf, with
// redis.conf-file, --flag and CONFIG GET/SET/RESETSTAT semantics. Plain C++.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace actis::config {

/// Values read on hot paths, published as atomics so every event loop reads
/// them without locking. Updated by the registry on load and CONFIG SET.
struct live_values {
  std::atomic<long long> proto_max_bulk_len{512ll * 1024 * 1024};
  std::atomic<long long> client_query_buffer_limit{1024ll * 1024 * 1024};
  std::atomic<long long> maxclients{10000};
  std::atomic<int> hz{10};
  std::atomic<long long> timeout{0};                 // seconds, 0 = never
  std::atomic<long long> tcp_keepalive{300};
  /// client-output-buffer-limit for the normal class: hard bytes, soft
  /// bytes, soft seconds (0 = no limit).
  std::atomic<long long> obuf_normal_hard{0}, obuf_normal_soft{0}, obuf_normal_soft_secs{0};
  std::atomic<long long> obuf_pubsub_hard{32ll << 20}, obuf_pubsub_soft{8ll << 20},
      obuf_pubsub_soft_secs{60};
  std::atomic<long long> obuf_replica_hard{256ll << 20}, obuf_replica_soft{64ll << 20},
      obuf_replica_soft_secs{60};
  std::atomic<int> enable_debug_command{0};          // 0 no, 1 local, 2 yes
  std::atomic<int> active_expire_effort{1};
  std::atomic<int> databases{16};                    // immutable after start
  std::atomic<int> loglevel{2};                      // 0 debug,1 verbose,2 notice,3 warning,4 nothing
  std::atomic<int> threads{0};                       // actis "threads": event loops, 0 = one per core
  std::atomic<bool> latency_tracking{true};          // per-command latency histograms
  /// maxmemory-policy is volatile-lfu or allkeys-lfu: keys count their
  /// accesses (Redis's LFU) instead of stamping the LRU clock.
  std::atomic<bool> lfu_policy{false};
  /// maxmemory-policy is volatile-lru or allkeys-lru (RDB saves idle times).
  std::atomic<bool> lru_policy{false};
  std::atomic<long long> lfu_log_factor{10};
  std::atomic<long long> lfu_decay_time{1};          // minutes per decrement, 0 = never
  /// notify-keyspace-events as config::event_class and notify_* bits.
  std::atomic<int> notify_keyspace_events{0};
  /// hash-max-listpack-entries / hash-max-listpack-value (read by every HSET).
  std::atomic<long long> hash_max_listpack_entries{512};
  std::atomic<long long> hash_max_listpack_value{64};
  std::atomic<int> list_max_listpack_size{-2};       // quicklist node fill
  std::atomic<long long> set_max_intset_entries{512}; // intset -> hashtable threshold
  /// hll-sparse-max-bytes: the largest sparse HyperLogLog PFADD keeps sparse.
  std::atomic<long long> hll_sparse_max_bytes{3000};
  /// When a sorted set leaves its listpack encoding.
  std::atomic<long long> zset_max_listpack_entries{128};
  std::atomic<long long> zset_max_listpack_value{64};
};

/// The whole configuration. Thread-safe (internally locked; not on any per
/// command path: hot values are read from live()).
class registry {
public:
  static registry& instance();

  /// Parses redis.conf syntax (directives, quoting, "include"). On error
  /// returns false and sets `error` to the whole text Redis prints before
  /// exiting ("*** FATAL CONFIG FILE ERROR (actis) ***", the line number, the
  /// line and the reason). Directives before the bad line stay applied.
  bool load_file(const std::string& path, std::string& error);
  bool load_text(std::string_view text, std::string& error);
  /// Applies one directive with its arguments (file line or --flag); on
  /// failure `error` is the bare reason ("wrong number of arguments"...).
  bool apply(std::string_view name, const std::vector<std::string>& args, std::string& error);

  /// CONFIG GET: (name, value) pairs for every parameter matching any of the
  /// glob patterns (case-insensitive), each parameter once, in the canonical
  /// value format Redis prints.
  std::vector<std::pair<std::string, std::string>>
  get(const std::vector<std::string>& patterns) const;
  /// Value of one parameter ("" if unknown).
  std::string get_one(std::string_view name) const;
  /// CONFIG SET with several name/value pairs, all-or-nothing like Redis 7.
  /// Returns "" on success, else the full error text.
  std::string set(const std::vector<std::pair<std::string, std::string>>& pairs);
  /// Names of directives that were set (file, flag or CONFIG SET) which actis
  /// accepts and reports but does not act on yet.
  std::vector<std::string> accepted_but_inactive() const;
  /// True for parameters actis implements.
  bool is_implemented(std::string_view name) const;

  live_values& live() { return live_; }

  /// CONFIG SET honouring "enable-protected-configs local": `local_client`
  /// is true for loopback / unix-socket connections. set(pairs) behaves as
  /// set(pairs, false).
  std::string set(const std::vector<std::pair<std::string, std::string>>& pairs,
                  bool local_client);
  /// Back to the built-in defaults: every value, and the rename-command /
  /// user / loadmodule lists are emptied. Hooks and mark_implemented() stay.
  /// For tests.
  void reset_to_defaults();
  /// Lets another layer declare that it acts on a parameter or directive
  /// (e.g. "appendonly", "rename-command"), so it leaves
  /// accepted_but_inactive().
  void mark_implemented(std::string_view name);
  /// Runs after a CONFIG SET changed `name` (or its alias), outside the
  /// registry lock, so it may read the new value with get_one(). A non-empty
  /// return is the error reason: the whole CONFIG SET is rolled back (hooks of
  /// the restored parameters run again) and Redis's "CONFIG SET failed" error
  /// carries it. Use for port/bind rebinding and the like.
  void set_apply_hook(std::string_view name, std::function<std::string()> hook);
  /// Tells the loader which command names exist (lowercase), so that
  /// "rename-command" lines are validated like Redis does. Without it every
  /// name is accepted.
  void set_command_lookup(std::function<bool(std::string_view)> exists);
  /// "rename-command old new" lines in load order (new == "" disables).
  std::vector<std::pair<std::string, std::string>> renamed_commands() const;
  /// Arguments of every "user ..." line (after the directive name).
  std::vector<std::vector<std::string>> user_directives() const;
  /// Arguments of every "loadmodule path [args...]" line.
  std::vector<std::vector<std::string>> module_directives() const;
  /// Absolute path of the config file given on the command line ("" if none).
  std::string config_file() const;
  void set_config_file(std::string absolute_path);
  /// Raises RLIMIT_NOFILE for maxclients like Redis does at start-up; if the
  /// OS refuses, lowers maxclients and returns the warning to log ("" if
  /// nothing changed).
  std::string adjust_open_files_limit();

private:
  registry();
  struct impl;
  impl* impl_;
  live_values live_;
};

inline live_values& live() { return registry::instance().live(); }

/// Parses argv like redis-server: [config-file] [--name value...] [-] .
/// Handles --version (stdout) / --help (stderr) by printing and setting
/// `exit_now`. Returns false with `error` for an unknown directive or bad
/// value; `error` then holds the full text to print (Redis's "*** FATAL CONFIG
/// FILE ERROR ***" block or "Fatal error, can't open config file ...").
bool parse_command_line(int argc, char** argv, std::string& error, bool& exit_now);

/// actis's version string, as --version and INFO's actis_version print it.
inline constexpr const char* server_version = "0.1.0";
/// The Redis version actis answers as (INFO redis_version, HELLO version):
/// clients gate features on it.
inline constexpr const char* redis_version = "7.0.15";

} // namespace actis::config
