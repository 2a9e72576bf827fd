// The one command table: name, arity, flags, key positions, handler, docs.
// Plain C++ (no CAF). Families register into it at start-up; afterwards it is
// immutable and shared read-only by every event loop.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "protocol/reply.hpp"
#include "protocol/resp_parser.hpp"

namespace actis::commands {

using protocol::command_args;

/// Command flags as COMMAND INFO reports them.
enum cmd_flag : uint32_t {
  f_write = 1u << 0, f_readonly = 1u << 1, f_denyoom = 1u << 2, f_admin = 1u << 3,
  f_pubsub = 1u << 4, f_noscript = 1u << 5, f_blocking = 1u << 6, f_loading = 1u << 7,
  f_stale = 1u << 8, f_skip_monitor = 1u << 9, f_skip_slowlog = 1u << 10,
  f_fast = 1u << 11, f_no_auth = 1u << 12, f_may_replicate = 1u << 13,
  f_no_multi = 1u << 14, f_allow_busy = 1u << 15,
};

/// Where a command executes.
enum class exec_scope : uint8_t {
  /// At the connection, no keyspace access (PING, SELECT, CLIENT, CONFIG...).
  connection,
  /// On the partition(s) owning its keys (from first/last/step or getkeys).
  /// One partition: runs there (inline if local). Several: runs inside a
  /// cross-partition transaction holding them all.
  keys,
  /// Inside a transaction holding every partition (DBSIZE, FLUSHALL, KEYS,
  /// SCAN, RANDOMKEY, SWAPDB, INFO keyspace, DEBUG DIGEST...).
  all_partitions,
};

struct command_context;
using handler_fn = void (*)(command_context&);
/// Appends the argv indexes of the keys of `argv` (for commands whose keys
/// first/last/step cannot describe). May report a syntax error by leaving
/// the vector empty; the handler then produces the error.
using getkeys_fn = void (*)(const command_args& argv, std::vector<size_t>& keys);

struct command_spec {
  std::string name;                 // lower case, e.g. "get", or "client|id"
  int arity = 0;                    // Redis convention: -N means >= N
  uint32_t flags = 0;
  std::string acl_categories;       // e.g. "@write @string @slow"
  int first_key = 0, last_key = 0, key_step = 0;
  exec_scope scope = exec_scope::connection;
  handler_fn handler = nullptr;
  getkeys_fn getkeys = nullptr;
  // COMMAND DOCS
  std::string group;                // "string", "generic", "server", ...
  std::string summary;
  std::string since;
  std::string complexity;
  /// Subcommands of a container command (CLIENT, CONFIG, OBJECT...),
  /// keyed by lower-case subcommand name. Empty for plain commands.
  std::vector<command_spec> subcommands;
  /// The subcommands exist only to give parts of one Redis command their own
  /// execution scope (DEBUG): COMMAND and INFO show the container alone.
  bool hide_subcommands = false;
  /// Index into the table (set by add(); used for per-command stats).
  uint32_t id = 0;
};

/// Key positions as Redis describes them: first, last (negative counts from
/// the end), step.
struct key_range {
  int first = 0, last = 0, step = 0;
};

/// The COMMAND DOCS fields of a command.
struct command_docs {
  std::string group, summary, since, complexity;
};

/// One spec from its parts; the families' registrations all go through it.
command_spec make_command(std::string name, int arity, uint32_t flags, std::string acl,
                          key_range keys, exec_scope scope, handler_fn handler,
                          command_docs docs);

class command_table {
public:
  /// Adds a command; subcommand specs keep their full "parent|sub" names.
  void add(command_spec spec);
  /// Case-insensitive lookup of a top-level command, nullptr if unknown.
  const command_spec* find(std::string_view name) const;
  /// The spec argv names, arity not checked: the subcommand of a container,
  /// the container itself when it has a handler of its own (DEBUG) or argv
  /// has no subcommand; nullptr for an unknown command, and for an unknown
  /// subcommand of a container without a handler (as Redis's lookupCommand).
  const command_spec* lookup(const command_args& argv) const;
  /// Resolves argv to the spec that will run (the subcommand for containers).
  /// On failure writes Redis's error text (unknown command / unknown
  /// subcommand / wrong arity) into `error` and returns nullptr.
  const command_spec* resolve(const command_args& argv, std::string& error) const;
  /// Key argv indexes of a resolved command.
  void key_positions(const command_spec& spec, const command_args& argv,
                     std::vector<size_t>& out) const;
  const std::vector<command_spec>& all() const { return commands_; }
  /// Every spec including subcommands, indexed by command_spec::id.
  size_t id_count() const { return next_id_; }

private:
  std::vector<command_spec> commands_;
  std::unordered_map<std::string, size_t> index_;
  uint32_t next_id_ = 0;
};

/// The process-wide table; filled once by register_all_commands() before
/// any event loop starts, read-only afterwards.
command_table& table();

/// True if `arity` accepts `argc` arguments.
inline bool arity_ok(int arity, size_t argc) {
  return arity >= 0 ? argc == static_cast<size_t>(arity) : argc >= static_cast<size_t>(-arity);
}

} // namespace actis::commands
