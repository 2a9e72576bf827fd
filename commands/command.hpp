// The one command table: each family declares its commands as rows
// (name, arity, flags, group, key specs, handler, tips, docs) and registers
// them with one call; the table derives what Redis derives (ACL categories,
// the legacy first/last/step triple, movablekeys) and finds the keys of a
// command line from its key specs.
// Plain C++ (no CAF). Filled at start-up; afterwards immutable and shared
// read-only by every event loop.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
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
  /// Redis's CMD_PROTECTED: refused unless enable-debug-command allows it
  /// (checked when the command is routed, before it runs anywhere).
  f_protected = 1u << 16,
  /// The command may run without any key (EVAL with numkeys 0).
  f_no_mandatory_keys = 1u << 17,
  /// Refused while a replica loads its dataset asynchronously.
  f_no_async_loading = 1u << 18,
};

/// ACL categories; the bit order is the order COMMAND INFO lists them in.
enum acl_category : uint32_t {
  acl_keyspace = 1u << 0, acl_read = 1u << 1, acl_write = 1u << 2, acl_set = 1u << 3,
  acl_sortedset = 1u << 4, acl_list = 1u << 5, acl_hash = 1u << 6, acl_string = 1u << 7,
  acl_bitmap = 1u << 8, acl_hyperloglog = 1u << 9, acl_geo = 1u << 10, acl_stream = 1u << 11,
  acl_pubsub = 1u << 12, acl_admin = 1u << 13, acl_fast = 1u << 14, acl_slow = 1u << 15,
  acl_blocking = 1u << 16, acl_dangerous = 1u << 17, acl_connection = 1u << 18,
  acl_transaction = 1u << 19, acl_scripting = 1u << 20,
};

/// Category names without the '@', indexed by bit number of acl_category.
inline constexpr std::string_view acl_category_names[] = {
    "keyspace", "read",   "write",       "set",  "sortedset", "list",   "hash",
    "string",   "bitmap", "hyperloglog", "geo",  "stream",    "pubsub", "admin",
    "fast",     "slow",   "blocking",    "dangerous",         "connection",
    "transaction",        "scripting"};

/// COMMAND DOCS groups (Redis's names via group_name()).
enum class command_group : uint8_t {
  generic, string, list, set, sorted_set, hash, pubsub, transactions, connection, server,
  scripting, hyperloglog, cluster, geo, stream, bitmap,
};
std::string_view group_name(command_group g);

/// Key-spec flags (Redis 7.0 key specifications) in COMMAND INFO's order.
/// One of RO/RW/OW/RM says how the value is used; access/update/insert/
/// delete say what happens to it.
enum key_flag : uint16_t {
  k_ro = 1u << 0, k_rw = 1u << 1, k_ow = 1u << 2, k_rm = 1u << 3,
  k_access = 1u << 4, k_update = 1u << 5, k_insert = 1u << 6, k_delete = 1u << 7,
  /// The argument is not a key but must hash to the key's slot (SPUBLISH).
  k_not_key = 1u << 8,
  /// The spec may miss keys: the command's getkeys finds them all.
  k_incomplete = 1u << 9,
  /// The flags depend on the arguments: the command's getkeys tells them.
  k_variable_flags = 1u << 10,
};

/// Where the search for a key spec's keys begins.
struct begin_search {
  enum class kind : uint8_t { index, keyword, unknown };
  kind type = kind::unknown;
  /// kind::index: argv position of the first key.
  int index = 0;
  /// kind::keyword: the keys follow this argument (case-insensitive), looked
  /// for from argv[startfrom] on, or backwards from argv[argc + startfrom]
  /// when startfrom is negative.
  std::string_view keyword = {};
  int startfrom = 0;
};

/// Which arguments after the begin position are keys.
struct find_keys {
  enum class kind : uint8_t { range, keynum, unknown };
  kind type = kind::unknown;
  /// kind::range: the last key relative to the begin position; negative
  /// counts from the end of argv, and then with limit > 1 only the first
  /// 1/limit of the remaining arguments are keys (XREAD's STREAMS k1 k2 id1 id2).
  int lastkey = 0;
  /// Both kinds: distance between keys.
  int keystep = 1;
  int limit = 0;
  /// kind::keynum: argument holding the number of keys, and the first key,
  /// both relative to the begin position.
  int keynumidx = 0;
  int firstkey = 0;
};

/// One Redis 7.0 key specification (COMMAND INFO element 9).
struct key_spec {
  uint16_t flags = 0;
  begin_search begin;
  find_keys find;
  /// Redis's explanatory note, reported by COMMAND INFO; a literal.
  std::string_view notes = {};
};

constexpr begin_search begin_at(int index) {
  return {.type = begin_search::kind::index, .index = index};
}
constexpr begin_search begin_after(std::string_view keyword, int startfrom) {
  return {.type = begin_search::kind::keyword, .keyword = keyword, .startfrom = startfrom};
}
constexpr find_keys keys_range(int lastkey, int keystep = 1, int limit = 0) {
  return {.type = find_keys::kind::range, .lastkey = lastkey, .keystep = keystep, .limit = limit};
}
constexpr find_keys keys_counted(int keynumidx, int firstkey, int keystep = 1) {
  return {.type = find_keys::kind::keynum, .keystep = keystep, .keynumidx = keynumidx,
          .firstkey = firstkey};
}
/// The common case: one key at argv[index].
constexpr key_spec key_at(int index, uint16_t flags, std::string_view notes = {}) {
  return {flags, begin_at(index), keys_range(0), notes};
}

/// Where a command executes.
enum class exec_scope : uint8_t {
  /// At the connection, no keyspace access (PING, SELECT, CLIENT, CONFIG...).
  connection,
  /// On the partition(s) owning its keys (from first/last/step or getkeys).
  /// One partition: runs there (inline if local). Several: runs inside a
  /// cross-partition transaction holding them all.
  keys,
  /// Inside a transaction holding every partition: commands that must be
  /// atomic across the keyspace (FLUSHALL, KEYS, SCAN, RANDOMKEY, SWAPDB,
  /// DEBUG DIGEST...).
  all_partitions,
  /// At the connection, after every partition sent its summary (counts and
  /// statistics, `command_context::summaries`), none of them held: reads
  /// that Redis does not need to make atomic (INFO, DBSIZE).
  summaries,
};

/// One key of a command line: its argv index and its key-spec flags.
struct key_ref {
  size_t index = 0;
  uint16_t flags = 0;
};

struct command_context;
using handler_fn = void (*)(command_context&);
/// A command's own key finder (Redis's getkeys_proc), for keys that key
/// specs cannot locate (their spec is k_incomplete or of an unknown kind)
/// or flags that depend on the arguments (k_variable_flags: SET ... GET).
/// Appends the keys of `argv` (arity already checked); appends nothing if
/// argv has no valid key layout.
using getkeys_fn = void (*)(const command_args& argv, std::vector<key_ref>& keys);

/// The COMMAND DOCS fields of a command; literals.
struct command_docs {
  std::string_view summary, since, complexity;
};

/// One row of a family's command table, as the family writes it (with
/// designated initializers; unnamed fields keep these defaults). The
/// registered spec keeps the string views (tips, docs, key-spec notes and
/// keywords), so they must be literals.
struct command_def {
  /// Lower case; "container|sub" for a subcommand of an earlier row.
  std::string_view name;
  /// Redis convention: -N means at least N arguments (the name included).
  int arity = 0;
  uint32_t flags = 0;
  command_group group = command_group::generic;
  std::vector<key_spec> keys = {};
  /// Unset: keys when the command has key specs or getkeys, else connection.
  std::optional<exec_scope> scope = {};
  /// Null for a container that only dispatches to its subcommands.
  handler_fn handler = nullptr;
  getkeys_fn getkeys = nullptr;
  /// argv index of an argument that picks the partition without being a
  /// declared key (DEBUG OBJECT: Redis's DEBUG has no key specs); 0: none.
  int route_key = 0;
  /// argv index of a member of the key's collection (a hash field, a set
  /// member): a pipelined batch of such commands warms the members'
  /// lookups ahead (value_traits::warm_members); 0: none.
  int member_arg = 0;
  /// Command tips, space separated ("request_policy:all_shards ...").
  std::string_view tips = {};
  /// ACL categories beyond those derived from flags and group (acl_category bits).
  uint32_t extra_acl = 0;
  /// The group's category applies; false where Redis lists the categories
  /// without it (SORT is "generic" but not @keyspace).
  bool group_acl = true;
  command_docs docs = {};
  /// See command_spec::hide_subcommands.
  bool hide_subcommands = false;
};

/// A registered command: the row plus what the table derives from it.
struct command_spec {
  std::string name;                 // lower case, e.g. "get", or "client|id"
  int arity = 0;
  uint32_t flags = 0;
  /// acl_category bits: from flags (write, readonly, admin, pubsub, fast,
  /// blocking), the group (not for containers), and the row's extras.
  uint32_t acl = 0;
  std::vector<key_spec> key_specs;
  /// Redis's legacy key range (COMMAND INFO elements 4-6), derived from the
  /// key specs the way Redis derives it; 0 0 0 without keys.
  int first_key = 0, last_key = 0, key_step = 0;
  /// The key specs alone do not give the legacy range (COMMAND INFO flag).
  bool movable_keys = false;
  std::string_view tips;
  exec_scope scope = exec_scope::connection;
  handler_fn handler = nullptr;
  getkeys_fn getkeys = nullptr;
  int route_key = 0;                // see command_def::route_key
  int member_arg = 0;               // see command_def::member_arg
  command_group group = command_group::generic;
  command_docs docs;
  /// Subcommands of a container command (CLIENT, CONFIG, OBJECT...), with
  /// their full "parent|sub" names. Empty for plain commands.
  std::vector<command_spec> subcommands;
  /// The subcommands exist only to give parts of one Redis command their own
  /// execution scope (DEBUG): COMMAND and INFO show the container alone.
  bool hide_subcommands = false;
  /// Index into the table (set by add(); used for per-command stats).
  uint32_t id = 0;
};

/// The subcommand `sub` (case-insensitive, without "parent|") of `parent`,
/// nullptr if it has none of that name.
const command_spec* find_subcommand(const command_spec& parent, std::string_view sub);

/// True if the command has keys: a key spec that is not k_not_key, or a
/// getkeys function (Redis's doesCommandHaveKeys).
bool has_keys(const command_spec& spec);

class command_table {
public:
  /// Registers a family's rows in order. A "container|sub" row becomes a
  /// subcommand of its container, which must be an earlier row of the
  /// same call.
  void add(std::span<const command_def> rows);
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
  /// Appends the argv indexes of the keys a resolved command touches, in
  /// key-spec order, from its key specs (or its getkeys function where they
  /// are incomplete). Appends nothing for keyless commands and for argv
  /// whose key layout is invalid (the handler reports the error then).
  /// Allocates nothing for spec-described commands; any thread.
  void key_positions(const command_spec& spec, const command_args& argv,
                     std::vector<size_t>& out) const;
  /// The keys with their flags as COMMAND GETKEYSANDFLAGS reports them:
  /// from the key specs, or from getkeys where they are incomplete, carry
  /// variable flags or do not fit argv. Appends nothing if no key is found.
  void find_keys(const command_spec& spec, const command_args& argv,
                 std::vector<key_ref>& out) const;
  const std::vector<command_spec>& all() const { return commands_; }
  /// Every spec including subcommands, indexed by command_spec::id.
  size_t id_count() const { return next_id_; }

private:
  /// Index into commands_ of the top-level command `name` (any case), or -1.
  long index_of(std::string_view name) const;
  void rebuild_index();

  std::vector<command_spec> commands_;
  /// Open addressing over the lower-case names' hashes, at most half full:
  /// 0 is a free slot, else the command's index + 1. Looked up once per
  /// command a client sends, so it hashes and compares in place, without
  /// building a key string.
  std::vector<uint32_t> slots_;
  uint32_t next_id_ = 0;
};

/// The process-wide table; filled once by register_all_commands() before
/// any event loop starts, read-only afterwards.
command_table& table();

/// True if `arity` accepts `argc` arguments.
inline bool arity_ok(int arity, size_t argc) {
  return arity >= 0 ? argc == static_cast<size_t>(arity) : argc >= static_cast<size_t>(-arity);
}

/// A HELP reply given line by line (`lines` as simple strings), for the
/// containers whose text is Redis's own rather than the actor layer's
/// help_reply layout (SCRIPT, FUNCTION, XINFO, XGROUP, MEMORY, OBJECT).
void reply_help_lines(command_context& ctx, std::span<const std::string_view> lines);

} // namespace actis::commands
