// The configuration registry: redis.conf loading, CONFIG GET/SET semantics of
// Redis 7.0 and publication of hot values to live_values.
#include "config/config.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <set>
#include <unordered_map>

#include "config/directives.hpp"
#include "config/syntax.hpp"
#include "datatypes/quicklist.hpp"
#include "datatypes/strutil.hpp"

namespace actis::config {

using detail::param_def;
using detail::value_kind;
using datatypes::to_lower;

namespace {

/// Redis keeps this many descriptors for itself beyond maxclients.
constexpr long long reserved_fds = 32;
/// Redis's CONFIG SET floor for repl-backlog-size.
constexpr long long min_backlog_size = 16 * 1024;
/// Guard against include loops (Redis would recurse until it crashes).
constexpr int max_include_depth = 64;

std::string fatal_header() {
  return "*** FATAL CONFIG FILE ERROR (actis) ***\n";
}

std::string current_directory() {
  char buf[4096];
  return getcwd(buf, sizeof buf) ? std::string(buf) : std::string();
}

std::string set_failed(std::string_view name, std::string_view reason) {
  return "ERR CONFIG SET failed (possibly related to argument '" + std::string(name) + "') - " +
         std::string(reason);
}

bool has_glob_chars(std::string_view s) {
  return s.find_first_of("*?[") != std::string_view::npos;
}

/// Raises the descriptor limit to maxclients + reserved like Redis's
/// adjustOpenFilesLimit (stepping down by 16 when refused). Returns the
/// number of clients that fit.
long long raise_open_files_limit(long long maxclients) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0)
    return maxclients;
  const long long wanted = maxclients + reserved_fds;
  const long long old_limit = static_cast<long long>(limit.rlim_cur);
  if (limit.rlim_cur == RLIM_INFINITY || old_limit >= wanted)
    return maxclients;
  long long best = wanted;
  constexpr long long step = 16;
  while (best > old_limit) {
    rlimit attempt = limit;
    attempt.rlim_cur = static_cast<rlim_t>(best);
    if (attempt.rlim_max != RLIM_INFINITY && attempt.rlim_max < attempt.rlim_cur)
      attempt.rlim_max = attempt.rlim_cur;
    if (setrlimit(RLIMIT_NOFILE, &attempt) == 0)
      break;
    if (best < step) {
      best = old_limit;
      break;
    }
    best -= step;
  }
  if (best < old_limit)
    best = old_limit;
  return best >= wanted ? maxclients : best - reserved_fds;
}

/// Outcome of one config-file directive: ok, a bare reason to decorate with
/// the line, or an already complete message (from an included file).
struct directive_result {
  std::string error;
  bool complete = false;
};

/// A directive that exists only in files (not a CONFIG parameter) and has
/// been seen; reported by accepted_but_inactive() unless marked implemented.
constexpr std::string_view file_only_directives[] = {"rename-command", "user", "loadmodule"};

} // namespace

struct registry::impl {
  mutable std::mutex mutex;   // guards everything below
  std::mutex set_serial;      // one CONFIG SET at a time (hooks run unlocked)

  std::span<const param_def> params = detail::param_table();
  std::unordered_map<std::string, size_t> by_name;   // lowercase names and aliases
  std::vector<std::string> values;                   // canonical value per param
  std::vector<bool> implemented;
  std::set<std::string> implemented_directives;
  std::unordered_map<size_t, std::function<std::string()>> hooks;

  bool save_seen_in_file = false;
  std::vector<std::pair<std::string, std::string>> renames;
  std::set<std::string> renamed_away, renamed_to;
  std::function<bool(std::string_view)> command_exists;
  std::vector<std::vector<std::string>> users;
  std::vector<std::vector<std::string>> modules;
  std::string config_file;

  impl() {
    for (size_t i = 0; i < params.size(); ++i) {
      by_name.emplace(std::string(params[i].name), i);
      if (!params[i].alias.empty())
        by_name.emplace(std::string(params[i].alias), i);
      implemented.push_back(params[i].has(detail::implemented));
    }
    implemented_directives.insert("include");
    reset_values();
  }

  void reset_values() {
    values.clear();
    for (const auto& p : params)
      values.emplace_back(p.default_value);
    save_seen_in_file = false;
    renames.clear();
    renamed_away.clear();
    renamed_to.clear();
    users.clear();
    modules.clear();
  }

  const size_t* find(std::string_view name) const {
    auto it = by_name.find(to_lower(name));
    return it == by_name.end() ? nullptr : &it->second;
  }

  std::string value_of(size_t index) const {
    if (params[index].kind == value_kind::directory)
      return current_directory();
    if (params[index].kind == value_kind::keyspace_events)
      return detail::keyspace_events_text(values[index]);
    return values[index];
  }

  size_t index_of(std::string_view name) const { return *find(name); }

  void publish(size_t index, live_values& live) const {
    const param_def& def = params[index];
    const std::string& v = values[index];
    auto number = [&] { return detail::numeric_value(def, v); };
    std::string_view n = def.name;
    if (n == "proto-max-bulk-len") live.proto_max_bulk_len = number();
    else if (n == "client-query-buffer-limit") live.client_query_buffer_limit = number();
    else if (n == "maxclients") live.maxclients = number();
    else if (n == "hz") live.hz = static_cast<int>(number());
    else if (n == "timeout") live.timeout = number();
    else if (n == "tcp-keepalive") live.tcp_keepalive = number();
    else if (n == "enable-debug-command") live.enable_debug_command = static_cast<int>(number());
    else if (n == "active-expire-effort") live.active_expire_effort = static_cast<int>(number());
    else if (n == "databases") live.databases = static_cast<int>(number());
    else if (n == "loglevel") live.loglevel = static_cast<int>(number());
    else if (n == "threads") live.threads = static_cast<int>(number());
    else if (n == "latency-tracking") live.latency_tracking = number() != 0;
    else if (n == "maxmemory-policy") {
      live.lfu_policy = v.find("lfu") != std::string::npos;
      live.lru_policy = v.find("lru") != std::string::npos;
    }
    else if (n == "lfu-log-factor") live.lfu_log_factor = number();
    else if (n == "lfu-decay-time") live.lfu_decay_time = number();
    else if (n == "hash-max-listpack-entries") live.hash_max_listpack_entries = number();
    else if (n == "hash-max-listpack-value") live.hash_max_listpack_value = number();
    else if (n == "list-max-listpack-size")
      live.list_max_listpack_size = static_cast<int>(number());
    else if (n == "list-compress-depth")
      // Read by every list insert, through the quicklist's own atomic.
      datatypes::set_quicklist_compress_depth(static_cast<int>(number()));
    else if (n == "set-max-intset-entries") live.set_max_intset_entries = number();
    else if (n == "hll-sparse-max-bytes") live.hll_sparse_max_bytes = number();
    else if (n == "zset-max-listpack-entries") live.zset_max_listpack_entries = number();
    else if (n == "zset-max-listpack-value") live.zset_max_listpack_value = number();
    else if (n == "notify-keyspace-events")
      live.notify_keyspace_events = detail::keyspace_event_flags(v);
    else if (n == "client-output-buffer-limit") {
      auto limits = detail::parse_output_buffer_limits(v);
      live.obuf_normal_hard = static_cast<long long>(limits.hard[0]);
      live.obuf_normal_soft = static_cast<long long>(limits.soft[0]);
      live.obuf_normal_soft_secs = limits.soft_seconds[0];
      live.obuf_replica_hard = static_cast<long long>(limits.hard[1]);
      live.obuf_replica_soft = static_cast<long long>(limits.soft[1]);
      live.obuf_replica_soft_secs = limits.soft_seconds[1];
      live.obuf_pubsub_hard = static_cast<long long>(limits.hard[2]);
      live.obuf_pubsub_soft = static_cast<long long>(limits.soft[2]);
      live.obuf_pubsub_soft_secs = limits.soft_seconds[2];
    }
  }

  void publish_all(live_values& live) const {
    for (size_t i = 0; i < params.size(); ++i)
      publish(i, live);
  }

  /// Whether a command currently answers to `name`. Without a command table
  /// every existing name may be renamed and every new name is free.
  bool command_known(const std::string& name, bool assume) const {
    if (renamed_to.count(name))
      return true;
    if (renamed_away.count(name))
      return false;
    return command_exists ? command_exists(name) : assume;
  }

  /// rename-command as Redis validates it against the command table.
  std::string rename_command(const std::string& from, const std::string& to) {
    std::string old_name = to_lower(from), new_name = to_lower(to);
    if (!command_known(old_name, true))
      return "No such command in rename-command";
    if (!new_name.empty() && command_known(new_name, false))
      return "Target command name already exists";
    renamed_to.erase(old_name);
    renamed_away.insert(old_name);
    if (!new_name.empty()) {
      renamed_away.erase(new_name);
      renamed_to.insert(new_name);
    }
    renames.emplace_back(from, to);
    return "";
  }

  /// Loads config text, formatting errors the way Redis prints them at
  /// start-up.
  bool load_text(live_values& live, std::string_view text, std::string& error, int include_depth);
  /// One directive of a config file or --flag.
  directive_result apply_directive(live_values& live, const std::string& name,
                                   const std::vector<std::string>& args, int include_depth);
};

registry::registry() : impl_(new impl) {
  impl_->publish_all(live_);
}

registry& registry::instance() {
  static registry the_registry;
  return the_registry;
}

bool registry::impl::load_text(live_values& live, std::string_view text, std::string& error,
                               int include_depth) {
  size_t line_start = 0;
  int line_number = 0;
  while (line_start <= text.size()) {
    size_t line_end = text.find('\n', line_start);
    if (line_end == std::string_view::npos)
      line_end = text.size();
    ++line_number;
    std::string_view raw = text.substr(line_start, line_end - line_start);
    line_start = line_end + 1;
    size_t first = raw.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos)
      continue;
    std::string_view line = raw.substr(first, raw.find_last_not_of(" \t\r\n") - first + 1);
    if (line[0] == '#')
      continue;
    auto fail = [&](const std::string& reason) {
      error = fatal_header() + "Reading the configuration file, at line " +
              std::to_string(line_number) + "\n>>> '" + std::string(line) + "'\n" + reason;
      return false;
    };
    std::vector<std::string> argv;
    if (!detail::split_args(line, argv))
      return fail("Unbalanced quotes in configuration line");
    if (argv.empty())
      continue;
    std::string name = to_lower(argv[0]);
    argv.erase(argv.begin());
    directive_result r = apply_directive(live, name, argv, include_depth);
    if (r.complete) {
      error = r.error;
      return false;
    }
    if (!r.error.empty())
      return fail(r.error);
  }
  // Start-up sanity checks Redis runs after every parsed text.
  const std::string& logfile = values[index_of("logfile")];
  if (!logfile.empty()) {
    std::FILE* f = std::fopen(logfile.c_str(), "a");
    if (!f) {
      error = fatal_header() + "Can't open the log file: " + std::strerror(errno);
      return false;
    }
    std::fclose(f);
  }
  if (values[index_of("cluster-enabled")] == "yes" && !values[index_of("replicaof")].empty()) {
    error = fatal_header() + "replicaof directive not allowed in cluster mode";
    return false;
  }
  return true;
}

directive_result registry::impl::apply_directive(live_values& live, const std::string& name,
                                                 const std::vector<std::string>& args,
                                                 int include_depth) {
  if (const size_t* found = find(name)) {
    const param_def& def = params[*found];
    std::vector<std::string> words = args;
    if (!def.multi_arg() && words.size() != 1)
      return {"wrong number of arguments"};
    // A multi-argument directive given as one quoted string is split again.
    if (def.multi_arg() && words.size() == 1 && !words[0].empty())
      if (!detail::split_args(args[0], words))
        words.clear();
    bool append_save = def.kind == value_kind::save && save_seen_in_file;
    std::string canonical;
    std::string err = detail::parse_value(def, words, values[*found], append_save, canonical);
    if (!err.empty())
      return {err};
    if (def.kind == value_kind::directory && chdir(canonical.c_str()) != 0)
      return {std::strerror(errno)};
    if (def.kind == value_kind::save)
      save_seen_in_file = true;
    values[*found] = canonical;
    publish(*found, live);
    return {};
  }
  // Parameters Redis 7.0 dropped but still tolerates in files.
  if ((name == "list-max-ziplist-entries" || name == "list-max-ziplist-value" ||
       name == "lua-replicate-commands") &&
      args.size() == 1)
    return {};
  if (name == "include" && args.size() == 1) {
    if (include_depth >= max_include_depth)
      return {"Too many nested include directives"};
    std::string content, err;
    if (!detail::read_config_source(args[0], content, err) ||
        !load_text(live, content, err, include_depth + 1))
      return {err, true};
    return {};
  }
  if (name == "rename-command" && args.size() == 2)
    return {rename_command(args[0], args[1])};
  if (name == "user" && !args.empty()) {
    users.push_back(args);
    return {};
  }
  if (name == "loadmodule" && !args.empty()) {
    modules.push_back(args);
    return {};
  }
  if (name == "sentinel") {
    // A bare "sentinel" line is what --sentinel becomes; actual sentinel
    // settings need sentinel mode, which actis does not have.
    if (!args.empty())
      return {"sentinel directive while not in sentinel mode"};
    return {};
  }
  return {"Bad directive or wrong number of arguments"};
}

bool registry::load_file(const std::string& path, std::string& error) {
  std::string content;
  if (!detail::read_config_source(path, content, error))
    return false;
  return load_text(content, error);
}

bool registry::load_text(std::string_view text, std::string& error) {
  std::lock_guard lock(impl_->mutex);
  return impl_->load_text(live_, text, error, 0);
}

bool registry::apply(std::string_view name, const std::vector<std::string>& args,
                     std::string& error) {
  std::lock_guard lock(impl_->mutex);
  directive_result r = impl_->apply_directive(live_, to_lower(name), args, 0);
  error = r.error;
  return error.empty();
}

std::vector<std::pair<std::string, std::string>>
registry::get(const std::vector<std::string>& patterns) const {
  std::lock_guard lock(impl_->mutex);
  const impl& s = *impl_;
  std::vector<std::pair<std::string, std::string>> out;
  std::set<std::string> seen;   // lowercase names already in the reply
  for (const auto& pattern : patterns) {
    if (!has_glob_chars(pattern)) {
      // An exact name is echoed as given and may name a hidden parameter.
      std::string key = to_lower(pattern);
      if (seen.count(key))
        continue;
      if (const size_t* found = s.find(pattern)) {
        seen.insert(key);
        out.emplace_back(pattern, s.value_of(*found));
      }
      continue;
    }
    for (size_t i = 0; i < s.params.size(); ++i) {
      const param_def& def = s.params[i];
      if (def.has(detail::hidden))
        continue;
      for (std::string_view name : {def.name, def.alias}) {
        if (name.empty() || seen.count(std::string(name)))
          continue;
        if (datatypes::glob_match(pattern, name, true)) {
          seen.emplace(name);
          out.emplace_back(std::string(name), s.value_of(i));
        }
      }
    }
  }
  return out;
}

std::string registry::get_one(std::string_view name) const {
  std::lock_guard lock(impl_->mutex);
  const size_t* found = impl_->find(name);
  return found ? impl_->value_of(*found) : std::string();
}

std::string registry::set(const std::vector<std::pair<std::string, std::string>>& pairs) {
  return set(pairs, false);
}

std::string registry::set(const std::vector<std::pair<std::string, std::string>>& pairs,
                          bool local_client) {
  impl& s = *impl_;
  std::lock_guard serial(s.set_serial);
  std::unique_lock lock(s.mutex);

  // 1. Names: unknown, immutable, protected and duplicates, first one wins.
  std::vector<size_t> indexes;
  std::set<std::string> seen;
  const std::string& protection = s.values[s.index_of("enable-protected-configs")];
  bool protected_allowed = protection == "yes" || (protection == "local" && local_client);
  for (const auto& [name, value] : pairs) {
    const size_t* found = s.find(name);
    if (!found)
      return "ERR Unknown option or number of arguments for CONFIG SET - '" + name + "'";
    const param_def& def = s.params[*found];
    if (def.has(detail::immutable))
      return set_failed(name, "can't set immutable config");
    if (def.has(detail::protected_config) && !protected_allowed)
      return set_failed(name, "can't set protected config");
    if (!seen.insert(to_lower(name)).second)
      return set_failed(to_lower(name), "duplicate parameter");
    indexes.push_back(*found);
  }

  // 2. Values, validated against what earlier pairs already changed.
  std::unordered_map<size_t, std::string> pending;
  std::string cwd_before;
  auto undo_chdir = [&] {
    if (!cwd_before.empty() && chdir(cwd_before.c_str()) != 0)
      cwd_before.clear();
  };
  for (size_t k = 0; k < pairs.size(); ++k) {
    const param_def& def = s.params[indexes[k]];
    std::vector<std::string> args;
    if (def.multi_arg())
      args = detail::split_on_spaces(pairs[k].second);
    else
      args.push_back(pairs[k].second);
    auto it = pending.find(indexes[k]);
    const std::string& current = it != pending.end() ? it->second : s.values[indexes[k]];
    std::string canonical;
    std::string err = detail::parse_value(def, args, current, false, canonical);
    if (err.empty() && def.kind == value_kind::directory) {
      std::string before = current_directory();
      if (chdir(canonical.c_str()) != 0) {
        err = std::strerror(errno);
      } else if (cwd_before.empty()) {
        cwd_before = before;
      }
    }
    if (!err.empty()) {
      undo_chdir();
      return set_failed(to_lower(pairs[k].first), err);
    }
    pending[indexes[k]] = canonical;
  }

  // 3. Commit, then let each changed parameter take effect.
  std::vector<std::pair<size_t, std::string>> previous;
  for (const auto& [index, value] : pending) {
    previous.emplace_back(index, s.values[index]);
    s.values[index] = value;
    s.publish(index, live_);
  }
  // Hooks run unlocked, so take copies while the registry is still held.
  std::unordered_map<size_t, std::function<std::string()>> hooks;
  for (const auto& [index, value] : pending)
    if (auto hook = s.hooks.find(index); hook != s.hooks.end())
      hooks.emplace(index, hook->second);
  auto rollback = [&](std::unique_lock<std::mutex>& held) {
    for (const auto& [index, value] : previous) {
      s.values[index] = value;
      s.publish(index, live_);
    }
    undo_chdir();
    held.unlock();
    for (const auto& [index, value] : previous)
      if (auto hook = hooks.find(index); hook != hooks.end())
        hook->second();
  };
  for (size_t k = 0; k < pairs.size(); ++k) {
    size_t index = indexes[k];
    std::string_view name = s.params[index].name;
    if (name == "maxclients") {
      long long wanted = detail::numeric_value(s.params[index], s.values[index]);
      long long fits = raise_open_files_limit(wanted);
      if (fits < wanted) {
        rollback(lock);
        return set_failed(to_lower(pairs[k].first),
                          "The operating system is not able to handle the specified number of "
                          "clients, try with " + std::to_string(fits));
      }
    } else if (name == "repl-backlog-size") {
      if (detail::numeric_value(s.params[index], s.values[index]) < min_backlog_size)
        s.values[index] = std::to_string(min_backlog_size);
    } else if (name == "tls-port" && s.values[index] != "0") {
      rollback(lock);
      return set_failed(to_lower(pairs[k].first),
                        "Unable to update TLS configuration. Check server logs.");
    }
  }
  lock.unlock();
  std::set<size_t> hooked;
  for (size_t k = 0; k < pairs.size(); ++k) {
    size_t index = indexes[k];
    auto hook = hooks.find(index);
    if (hook == hooks.end() || !hooked.insert(index).second)
      continue;
    std::string err = hook->second();
    if (!err.empty()) {
      lock.lock();
      rollback(lock);
      return set_failed(to_lower(pairs[k].first), err);
    }
  }
  return "";
}

std::vector<std::string> registry::accepted_but_inactive() const {
  std::lock_guard lock(impl_->mutex);
  const impl& s = *impl_;
  std::vector<std::string> out;
  for (size_t i = 0; i < s.params.size(); ++i)
    if (!s.implemented[i] && s.values[i] != s.params[i].default_value)
      out.emplace_back(s.params[i].name);
  bool used[] = {!s.renames.empty(), !s.users.empty(), !s.modules.empty()};
  for (size_t d = 0; d < std::size(file_only_directives); ++d)
    if (used[d] && !s.implemented_directives.count(std::string(file_only_directives[d])))
      out.emplace_back(file_only_directives[d]);
  return out;
}

bool registry::is_implemented(std::string_view name) const {
  std::lock_guard lock(impl_->mutex);
  if (const size_t* found = impl_->find(name))
    return impl_->implemented[*found];
  return impl_->implemented_directives.count(to_lower(name)) > 0;
}

void registry::reset_to_defaults() {
  std::lock_guard lock(impl_->mutex);
  impl_->reset_values();
  impl_->publish_all(live_);
}

void registry::mark_implemented(std::string_view name) {
  std::lock_guard lock(impl_->mutex);
  if (const size_t* found = impl_->find(name))
    impl_->implemented[*found] = true;
  else
    impl_->implemented_directives.insert(to_lower(name));
}

void registry::set_apply_hook(std::string_view name, std::function<std::string()> hook) {
  std::lock_guard lock(impl_->mutex);
  if (const size_t* found = impl_->find(name))
    impl_->hooks[*found] = std::move(hook);
}

void registry::set_command_lookup(std::function<bool(std::string_view)> exists) {
  std::lock_guard lock(impl_->mutex);
  impl_->command_exists = std::move(exists);
}

std::vector<std::pair<std::string, std::string>> registry::renamed_commands() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->renames;
}

std::vector<std::vector<std::string>> registry::user_directives() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->users;
}

std::vector<std::vector<std::string>> registry::module_directives() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->modules;
}

std::string registry::config_file() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->config_file;
}

void registry::set_config_file(std::string absolute_path) {
  std::lock_guard lock(impl_->mutex);
  impl_->config_file = std::move(absolute_path);
}

std::string registry::adjust_open_files_limit() {
  std::lock_guard lock(impl_->mutex);
  size_t index = impl_->index_of("maxclients");
  long long wanted = detail::numeric_value(impl_->params[index], impl_->values[index]);
  long long fits = raise_open_files_limit(wanted);
  if (fits >= wanted)
    return "";
  impl_->values[index] = std::to_string(fits < 1 ? 1 : fits);
  impl_->publish(index, live_);
  return "You requested maxclients of " + std::to_string(wanted) + " requiring at least " +
         std::to_string(wanted + reserved_fds) +
         " max file descriptors. Server can't set maximum open files to " +
         std::to_string(wanted + reserved_fds) + ". maxclients has been reduced to " +
         std::to_string(fits) +
         " to compensate for low ulimit. If you need higher maxclients increase 'ulimit -n'.";
}

} // namespace actis::config
