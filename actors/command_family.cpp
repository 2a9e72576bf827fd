// COMMAND and its subcommands: introspection of the command table with
// Redis 7.0's replies (COMMAND INFO's flags, key range, ACL categories,
// tips and key specs; DOCS; LIST; GETKEYS and GETKEYSANDFLAGS).
#include <string_view>
#include <vector>

#include "actors/families.hpp"
#include "commands/command.hpp"
#include "commands/context.hpp"
#include "datatypes/strutil.hpp"
#include "protocol/errors.hpp"

namespace actis::actors {

namespace {

using commands::command_context;
using commands::command_spec;
using commands::key_spec;
using datatypes::iequals;
namespace err = protocol::err;

/// Redis's DEBUG is one plain command; actis splits it into subcommands only
/// so that each part gets its own execution scope. Introspection hides them.
bool lists_subcommands(const command_spec& s) { return !s.hide_subcommands; }

/// COMMAND INFO flag names in Redis's order ("may_replicate" is never shown;
/// "movablekeys" is derived from the key specs).
constexpr std::pair<uint32_t, std::string_view> flag_names[] = {
    {commands::f_write, "write"},         {commands::f_readonly, "readonly"},
    {commands::f_denyoom, "denyoom"},     {commands::f_admin, "admin"},
    {commands::f_pubsub, "pubsub"},       {commands::f_noscript, "noscript"},
    {commands::f_blocking, "blocking"},   {commands::f_loading, "loading"},
    {commands::f_stale, "stale"},         {commands::f_skip_monitor, "skip_monitor"},
    {commands::f_skip_slowlog, "skip_slowlog"}, {commands::f_fast, "fast"},
    {commands::f_no_auth, "no_auth"},     {commands::f_no_mandatory_keys, "no_mandatory_keys"},
    {commands::f_no_async_loading, "no_async_loading"}, {commands::f_no_multi, "no_multi"},
};

/// Key-spec flag names, indexed by bit number of commands::key_flag.
constexpr std::string_view key_flag_names[] = {
    "RO",     "RW",     "OW",      "RM",         "access",        "update",
    "insert", "delete", "not_key", "incomplete", "variable_flags"};

/// The names of the bits set in `bits`, in bit order.
template <size_t N>
std::vector<std::string_view> names_of(uint32_t bits, const std::string_view (&names)[N]) {
  std::vector<std::string_view> out;
  for (size_t i = 0; i < N; ++i)
    if (bits & (1u << i))
      out.push_back(names[i]);
  return out;
}

std::vector<std::string_view> flag_list(const command_spec& s) {
  std::vector<std::string_view> out;
  for (auto& [bit, name] : flag_names)
    if (s.flags & bit)
      out.push_back(name);
  if (s.movable_keys)
    out.push_back("movablekeys");
  if (s.flags & commands::f_allow_busy)
    out.push_back("allow_busy");
  return out;
}

bool has_acl_category(const command_spec& s, std::string_view category) {
  auto names = names_of(s.acl, commands::acl_category_names);
  for (auto c : names)
    if (iequals(c, category))
      return true;
  return false;
}

/// The space-separated words of `text`.
std::vector<std::string_view> words(std::string_view text) {
  std::vector<std::string_view> out;
  while (!text.empty()) {
    auto end = std::min(text.find(' '), text.size());
    if (end > 0)
      out.push_back(text.substr(0, end));
    text.remove_prefix(std::min(end + 1, text.size()));
  }
  return out;
}

/// A command or "container|subcommand" by its full name, case-insensitive.
const command_spec* find_by_full_name(std::string_view name) {
  auto bar = name.find('|');
  if (bar == std::string_view::npos)
    return commands::table().find(name);
  auto* parent = commands::table().find(name.substr(0, bar));
  if (parent == nullptr || !lists_subcommands(*parent))
    return nullptr;
  return commands::find_subcommand(*parent, name.substr(bar + 1));
}

void simple_set(protocol::reply_builder& r, const std::vector<std::string_view>& items) {
  r.set(items.size());
  for (auto item : items)
    r.simple(item);
}

/// Opens {type: <type>, spec: {...}}, the shape of begin_search and
/// find_keys; the caller adds the spec's `params` name/value pairs.
void typed_spec(protocol::reply_builder& r, std::string_view type, size_t params) {
  r.map(2);
  r.bulk("type");
  r.bulk(type);
  r.bulk("spec");
  r.map(params);
}

void int_param(protocol::reply_builder& r, std::string_view name, long long value) {
  r.bulk(name);
  r.integer(value);
}

/// One key spec as COMMAND INFO describes it: notes (if any), flags,
/// begin_search and find_keys.
void key_spec_entry(protocol::reply_builder& r, const key_spec& k) {
  using bs = commands::begin_search::kind;
  using fk = commands::find_keys::kind;
  r.map(k.notes.empty() ? 3 : 4);
  if (!k.notes.empty()) {
    r.bulk("notes");
    r.bulk(k.notes);
  }
  r.bulk("flags");
  simple_set(r, names_of(k.flags, key_flag_names));
  r.bulk("begin_search");
  switch (k.begin.type) {
    case bs::index:
      typed_spec(r, "index", 1);
      int_param(r, "index", k.begin.index);
      break;
    case bs::keyword:
      typed_spec(r, "keyword", 2);
      r.bulk("keyword");
      r.bulk(k.begin.keyword);
      int_param(r, "startfrom", k.begin.startfrom);
      break;
    case bs::unknown: typed_spec(r, "unknown", 0); break;
  }
  r.bulk("find_keys");
  switch (k.find.type) {
    case fk::range:
      typed_spec(r, "range", 3);
      int_param(r, "lastkey", k.find.lastkey);
      int_param(r, "keystep", k.find.keystep);
      int_param(r, "limit", k.find.limit);
      break;
    case fk::keynum:
      typed_spec(r, "keynum", 3);
      int_param(r, "keynumidx", k.find.keynumidx);
      int_param(r, "firstkey", k.find.firstkey);
      int_param(r, "keystep", k.find.keystep);
      break;
    case fk::unknown: typed_spec(r, "unknown", 0); break;
  }
}

/// One COMMAND INFO entry: name, arity, flags, first/last/step, ACL
/// categories, tips, key specs, subcommands.
void command_info_entry(protocol::reply_builder& r, const command_spec& s) {
  r.array(10);
  r.bulk(s.name);
  r.integer(s.arity);
  simple_set(r, flag_list(s));
  r.integer(s.first_key);
  r.integer(s.last_key);
  r.integer(s.key_step);
  auto acl = names_of(s.acl, commands::acl_category_names);
  r.set(acl.size());
  for (auto c : acl)
    r.simple("@" + std::string(c));
  auto tips = words(s.tips);
  r.set(tips.size());
  for (auto t : tips)
    r.bulk(t);
  r.set(s.key_specs.size());
  for (auto& k : s.key_specs)
    key_spec_entry(r, k);
  if (lists_subcommands(s) && !s.subcommands.empty()) {
    r.array(s.subcommands.size());
    for (auto& sub : s.subcommands)
      command_info_entry(r, sub);
  } else {
    r.set(0);
  }
}

void command_docs_entry(protocol::reply_builder& r, const command_spec& s) {
  bool subs = lists_subcommands(s) && !s.subcommands.empty();
  r.map(subs ? 5 : 4);
  r.bulk("summary");
  r.bulk(s.docs.summary);
  r.bulk("since");
  r.bulk(s.docs.since);
  r.bulk("group");
  r.bulk(commands::group_name(s.group));
  r.bulk("complexity");
  r.bulk(s.docs.complexity);
  if (subs) {
    r.bulk("subcommands");
    r.map(s.subcommands.size());
    for (auto& sub : s.subcommands) {
      r.bulk(sub.name);
      command_docs_entry(r, sub);
    }
  }
}

void command_handler(command_context& ctx) {
  if (ctx.argv.size() > 1) {
    ctx.reply.error(err::unknown_subcommand(ctx.argv[1], "COMMAND"));
    return;
  }
  auto& all = commands::table().all();
  ctx.reply.array(all.size());
  for (auto& s : all)
    command_info_entry(ctx.reply, s);
}

void command_count_handler(command_context& ctx) {
  ctx.reply.integer(static_cast<long long>(commands::table().all().size()));
}

void command_info_handler(command_context& ctx) {
  if (ctx.argv.size() == 2) {
    command_handler(ctx);
    return;
  }
  ctx.reply.array(ctx.argv.size() - 2);
  for (size_t i = 2; i < ctx.argv.size(); ++i) {
    if (auto* s = find_by_full_name(ctx.argv[i]))
      command_info_entry(ctx.reply, *s);
    else
      ctx.reply.null();
  }
}

void command_docs_handler(command_context& ctx) {
  std::vector<const command_spec*> found;
  if (ctx.argv.size() == 2) {
    for (auto& s : commands::table().all())
      found.push_back(&s);
  } else {
    for (size_t i = 2; i < ctx.argv.size(); ++i)
      if (auto* s = find_by_full_name(ctx.argv[i]))
        found.push_back(s);
  }
  ctx.reply.map(found.size());
  for (auto* s : found) {
    ctx.reply.bulk(s->name);
    command_docs_entry(ctx.reply, *s);
  }
}

void command_list_handler(command_context& ctx) {
  auto& argv = ctx.argv;
  enum class filter { none, module, aclcat, pattern } by = filter::none;
  if (argv.size() == 5 && iequals(argv[2], "filterby")) {
    if (iequals(argv[3], "module"))
      by = filter::module;
    else if (iequals(argv[3], "aclcat"))
      by = filter::aclcat;
    else if (iequals(argv[3], "pattern"))
      by = filter::pattern;
  }
  if (argv.size() != 2 && by == filter::none) {
    ctx.reply.error(err::syntax);
    return;
  }
  auto keep = [&](const command_spec& s) {
    switch (by) {
      case filter::none: return true;
      case filter::module: return false; // no modules
      case filter::aclcat: return has_acl_category(s, argv[4]);
      case filter::pattern: return datatypes::glob_match(argv[4], s.name, true);
    }
    return false;
  };
  std::vector<std::string_view> names;
  for (auto& s : commands::table().all()) {
    if (keep(s))
      names.push_back(s.name);
    if (lists_subcommands(s))
      for (auto& sub : s.subcommands)
        if (keep(sub))
          names.push_back(sub.name);
  }
  ctx.reply.array(names.size());
  for (auto n : names)
    ctx.reply.bulk(n);
}

/// COMMAND GETKEYS / GETKEYSANDFLAGS <command> <args...>.
void getkeys(command_context& ctx, bool with_flags) {
  commands::command_args target(ctx.argv.begin() + 2, ctx.argv.end());
  const command_spec* cmd = commands::table().find(target[0]);
  if (cmd != nullptr && !cmd->subcommands.empty() && lists_subcommands(*cmd))
    cmd = commands::find_subcommand(*cmd, target[1]);
  if (cmd == nullptr) {
    ctx.reply.error(err::getkeys_invalid_command);
    return;
  }
  if (!commands::has_keys(*cmd)) {
    ctx.reply.error(err::getkeys_no_keys);
    return;
  }
  if (!commands::arity_ok(cmd->arity, target.size())) {
    ctx.reply.error(err::getkeys_bad_arity);
    return;
  }
  std::vector<commands::key_ref> keys;
  commands::table().find_keys(*cmd, target, keys);
  if (keys.empty()) {
    // EVAL with numkeys 0 has no keys and that is valid (no_mandatory_keys).
    if ((cmd->flags & commands::f_no_mandatory_keys) != 0)
      ctx.reply.array(0);
    else
      ctx.reply.error(err::getkeys_bad_arguments);
    return;
  }
  ctx.reply.array(keys.size());
  for (auto& k : keys) {
    if (with_flags) {
      ctx.reply.array(2);
      ctx.reply.bulk(target[k.index]);
      simple_set(ctx.reply, names_of(k.flags, key_flag_names));
    } else {
      ctx.reply.bulk(target[k.index]);
    }
  }
}

void command_getkeys_handler(command_context& ctx) { getkeys(ctx, false); }
void command_getkeysandflags_handler(command_context& ctx) { getkeys(ctx, true); }

void command_help_handler(command_context& ctx) {
  help_reply(ctx, "COMMAND",
             {"(no subcommand)",
              "    Describe every command.",
              "COUNT",
              "    Reply with the number of commands.",
              "LIST [FILTERBY (MODULE <module-name>|ACLCAT <category>|PATTERN <pattern>)]",
              "    Reply with the names of the commands and subcommands, optionally filtered.",
              "INFO [<command-name> ...]",
              "    Describe the given commands, or every command.",
              "DOCS [<command-name> ...]",
              "    Reply with the documentation of the given commands, or of every command.",
              "GETKEYS <full-command>",
              "    Reply with the key arguments of a complete command line.",
              "GETKEYSANDFLAGS <full-command>",
              "    Reply with the key arguments of a command line and how they are used."});
}

} // namespace

void register_command_family(commands::command_table& t) {
  using namespace commands;
  constexpr auto server = command_group::server;
  constexpr uint32_t flags = f_loading | f_stale;
  constexpr auto any_order = "nondeterministic_output_order";
  constexpr auto per_command = "O(N) in the number of commands asked about.";
  constexpr auto per_arg = "O(N) in the number of arguments of the command.";
  const command_def rows[] = {
      {.name = "command", .arity = -1, .flags = flags, .group = server,
       .handler = command_handler, .tips = any_order, .extra_acl = acl_connection,
       .docs = {"Describes every command of the server.", "2.8.13",
                "O(N) in the number of commands."}},
      {.name = "command|count", .arity = 2, .flags = flags, .group = server,
       .handler = command_count_handler, .extra_acl = acl_connection,
       .docs = {"Returns the number of commands.", "2.8.13", "O(1)"}},
      {.name = "command|docs", .arity = -2, .flags = flags, .group = server,
       .handler = command_docs_handler, .tips = any_order, .extra_acl = acl_connection,
       .docs = {"Returns the documentation of commands.", "7.0.0", per_command}},
      {.name = "command|getkeys", .arity = -4, .flags = flags, .group = server,
       .handler = command_getkeys_handler, .extra_acl = acl_connection,
       .docs = {"Extracts the key arguments of a command line.", "2.8.13", per_arg}},
      {.name = "command|getkeysandflags", .arity = -4, .flags = flags, .group = server,
       .handler = command_getkeysandflags_handler, .extra_acl = acl_connection,
       .docs = {"Extracts the key arguments of a command line with their access flags.",
                "7.0.0", per_arg}},
      {.name = "command|help", .arity = 2, .flags = flags, .group = server,
       .handler = command_help_handler, .extra_acl = acl_connection,
       .docs = {"Describes the COMMAND subcommands.", "5.0.0", "O(1)"}},
      {.name = "command|info", .arity = -2, .flags = flags, .group = server,
       .handler = command_info_handler, .tips = any_order, .extra_acl = acl_connection,
       .docs = {"Describes the given commands, or all of them.", "2.8.13", per_command}},
      {.name = "command|list", .arity = -2, .flags = flags, .group = server,
       .handler = command_list_handler, .tips = any_order, .extra_acl = acl_connection,
       .docs = {"Returns the names of the commands, optionally filtered.", "7.0.0",
                "O(N) in the number of commands."}},
  };
  t.add(rows);
}

} // namespace actis::actors
