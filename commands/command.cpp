#include "commands/command.hpp"

#include <algorithm>
#include <climits>
#include <stdexcept>

#include "commands/context.hpp"
#include "datatypes/strutil.hpp"
#include "protocol/errors.hpp"

namespace actis::commands {

namespace {

using bs_kind = begin_search::kind;
using fk_kind = find_keys::kind;

void assign_ids(command_spec& spec, uint32_t& next) {
  spec.id = next++;
  for (auto& sub : spec.subcommands)
    assign_ids(sub, next);
}

/// The category every command of a group belongs to. Server and cluster
/// commands have none in common (Redis lists theirs per command).
uint32_t group_category(command_group g) {
  switch (g) {
    case command_group::generic: return acl_keyspace;
    case command_group::string: return acl_string;
    case command_group::list: return acl_list;
    case command_group::set: return acl_set;
    case command_group::sorted_set: return acl_sortedset;
    case command_group::hash: return acl_hash;
    case command_group::pubsub: return acl_pubsub;
    case command_group::transactions: return acl_transaction;
    case command_group::connection: return acl_connection;
    case command_group::scripting: return acl_scripting;
    case command_group::hyperloglog: return acl_hyperloglog;
    case command_group::geo: return acl_geo;
    case command_group::stream: return acl_stream;
    case command_group::bitmap: return acl_bitmap;
    case command_group::server:
    case command_group::cluster: return 0;
  }
  return 0;
}

/// The categories Redis implies from a command's flags (its
/// setImplicitACLCategories), plus the group's. A container only dispatches,
/// so like Redis it gets no group category.
uint32_t derived_acl(const command_def& row, bool container) {
  uint32_t acl = (row.flags & f_fast) ? acl_fast : acl_slow;
  if (row.flags & f_write)
    acl |= acl_write;
  // Redis leaves read-only scripting commands (EVAL_RO, FCALL_RO) out of @read.
  if ((row.flags & f_readonly) && row.group != command_group::scripting)
    acl |= acl_read;
  if (row.flags & f_admin)
    acl |= acl_admin | acl_dangerous;
  if (row.flags & f_pubsub)
    acl |= acl_pubsub;
  if (row.flags & f_blocking)
    acl |= acl_blocking;
  if (!container && row.group_acl)
    acl |= group_category(row.group);
  return acl;
}

bool plain_range(const key_spec& k) {
  return k.begin.type == bs_kind::index && k.find.type == fk_kind::range;
}

int absolute_last(const key_spec& k) {
  return k.find.lastkey < 0 ? k.find.lastkey : k.begin.index + k.find.lastkey;
}

/// Redis derives COMMAND INFO's first/last/step from the key specs: one
/// index+range spec is the range; otherwise the consecutive index+range
/// specs with step 1 are merged. Anything left out makes the keys movable,
/// and so does an incomplete spec.
void derive_legacy_range(command_spec& s) {
  auto& specs = s.key_specs;
  if (specs.empty())
    return;
  if (specs.size() == 1 && plain_range(specs[0])) {
    s.first_key = specs[0].begin.index;
    s.last_key = absolute_last(specs[0]);
    s.key_step = specs[0].find.keystep;
    s.movable_keys = (specs[0].flags & k_incomplete) != 0;
    return;
  }
  int first = INT_MAX, last = 0;
  for (auto& k : specs) {
    if (!plain_range(k) || k.find.keystep != 1 || (last != 0 && last != k.begin.index - 1)) {
      s.movable_keys = true;
      continue;
    }
    if (k.flags & k_incomplete)
      s.movable_keys = true;
    first = std::min(first, k.begin.index);
    // A last key counted from the end lies beyond every absolute one, so
    // compare as unsigned (as Redis does): -1 beats any index.
    int abs_last = absolute_last(k);
    if (static_cast<unsigned>(abs_last) > static_cast<unsigned>(last))
      last = abs_last;
  }
  if (first == INT_MAX) {
    s.movable_keys = true;
    return;
  }
  s.first_key = first;
  s.last_key = last;
  s.key_step = 1;
}

command_spec spec_of(const command_def& row, bool container) {
  command_spec s;
  s.name = std::string(row.name);
  s.arity = row.arity;
  s.flags = row.flags;
  s.acl = derived_acl(row, container) | row.extra_acl;
  s.key_specs = row.keys;
  s.tips = row.tips;
  bool keyed = !row.keys.empty() || row.getkeys != nullptr;
  s.scope = row.scope.value_or(keyed ? exec_scope::keys : exec_scope::connection);
  s.handler = row.handler;
  s.getkeys = row.getkeys;
  s.route_key = row.route_key;
  s.member_arg = row.member_arg;
  s.hide_subcommands = row.hide_subcommands;
  s.group = row.group;
  s.docs = row.docs;
  derive_legacy_range(s);
  return s;
}

/// Index of the first key after the spec's keyword, 0 if the keyword is
/// absent. A keyword as the last argument has no keys after it.
int after_keyword(const begin_search& b, const command_args& argv) {
  int argc = static_cast<int>(argv.size());
  if (b.startfrom >= 0) {
    for (int i = b.startfrom; i < argc - 1; ++i)
      if (datatypes::iequals(argv[i], b.keyword))
        return i + 1;
    return 0;
  }
  for (int i = std::min(argc + b.startfrom, argc - 1); i > 0; --i)
    if (datatypes::iequals(argv[i], b.keyword))
      return i + 1;
  return 0;
}

/// Redis's key-spec search: calls push(index, flags) for each key of argv.
/// Returns false when a spec does not fit argv (a key count that is not a
/// number, keys beyond the end, an unknown spec); keys already pushed are
/// then the caller's to drop. Specs flagged not_key are skipped.
template <class Push>
bool walk_key_specs(const command_spec& spec, const command_args& argv, Push&& push) {
  int argc = static_cast<int>(argv.size());
  for (auto& k : spec.key_specs) {
    if (k.flags & k_not_key)
      continue;
    int first = 0;
    switch (k.begin.type) {
      case bs_kind::index: first = k.begin.index; break;
      case bs_kind::keyword:
        first = after_keyword(k.begin, argv);
        if (first == 0)
          continue; // an optional keyword that is not there: no keys
        break;
      case bs_kind::unknown: return false;
    }
    int step = std::max(k.find.keystep, 1);
    int last = 0;
    switch (k.find.type) {
      case fk_kind::range:
        if (k.find.lastkey >= 0)
          last = first + k.find.lastkey;
        else if (k.find.limit <= 1)
          last = argc + k.find.lastkey;
        else
          last = first + (argc - first) / k.find.limit + k.find.lastkey;
        break;
      case fk_kind::keynum: {
        int at = first + k.find.keynumidx;
        long long count = 0;
        if (at >= argc || !datatypes::parse_ll(argv[at], count) || count < 0 || count > argc)
          return false;
        first += k.find.firstkey;
        last = first + (static_cast<int>(count) - 1) * step;
        break;
      }
      case fk_kind::unknown: return false;
    }
    if (first >= argc || last >= argc || last < first)
      return false;
    for (int i = first; i <= last; i += step)
      push(static_cast<size_t>(i), k.flags);
  }
  return true;
}

/// The key specs find every key (none is incomplete or of an unknown kind).
bool specs_find_all(const command_spec& spec) {
  return std::none_of(spec.key_specs.begin(), spec.key_specs.end(), [](const key_spec& k) {
    return (k.flags & k_incomplete) || k.begin.type == bs_kind::unknown
           || k.find.type == fk_kind::unknown;
  });
}

bool specs_have_variable_flags(const command_spec& spec) {
  return std::any_of(spec.key_specs.begin(), spec.key_specs.end(),
                     [](const key_spec& k) { return (k.flags & k_variable_flags) != 0; });
}

} // namespace

std::string_view group_name(command_group g) {
  switch (g) {
    case command_group::generic: return "generic";
    case command_group::string: return "string";
    case command_group::list: return "list";
    case command_group::set: return "set";
    case command_group::sorted_set: return "sorted_set";
    case command_group::hash: return "hash";
    case command_group::pubsub: return "pubsub";
    case command_group::transactions: return "transactions";
    case command_group::connection: return "connection";
    case command_group::server: return "server";
    case command_group::scripting: return "scripting";
    case command_group::hyperloglog: return "hyperloglog";
    case command_group::cluster: return "cluster";
    case command_group::geo: return "geo";
    case command_group::stream: return "stream";
    case command_group::bitmap: return "bitmap";
  }
  return "";
}

const command_spec* find_subcommand(const command_spec& parent, std::string_view sub) {
  auto prefix = parent.name.size() + 1;
  for (auto& s : parent.subcommands)
    if (datatypes::iequals(std::string_view(s.name).substr(prefix), sub))
      return &s;
  return nullptr;
}

bool has_keys(const command_spec& spec) {
  return spec.getkeys != nullptr
         || std::any_of(spec.key_specs.begin(), spec.key_specs.end(),
                        [](const key_spec& k) { return (k.flags & k_not_key) == 0; });
}

void command_table::add(std::span<const command_def> rows) {
  auto is_container = [&](std::string_view name) {
    return std::any_of(rows.begin(), rows.end(), [&](const command_def& row) {
      return row.name.size() > name.size() && row.name.starts_with(name)
             && row.name[name.size()] == '|';
    });
  };
  size_t first_new = commands_.size();
  for (auto& row : rows) {
    auto bar = row.name.find('|');
    if (bar == std::string_view::npos) {
      commands_.push_back(spec_of(row, is_container(row.name)));
      rebuild_index();
    } else {
      long container = index_of(row.name.substr(0, bar));
      if (container < 0)
        throw std::logic_error("subcommand row before its container: " + std::string(row.name));
      commands_[static_cast<size_t>(container)].subcommands.push_back(spec_of(row, false));
    }
  }
  for (size_t i = first_new; i < commands_.size(); ++i)
    assign_ids(commands_[i], next_id_);
}

namespace {

/// FNV-1a of the name's lower-case bytes.
uint32_t name_hash(std::string_view name) {
  uint32_t h = 2166136261u;
  for (char c : name)
    h = (h ^ static_cast<unsigned char>(datatypes::to_lower_ascii(c))) * 16777619u;
  return h;
}

} // namespace

void command_table::rebuild_index() {
  size_t size = 16;
  while (size < commands_.size() * 2)
    size *= 2;
  slots_.assign(size, 0);
  for (size_t i = 0; i < commands_.size(); ++i) {
    size_t at = name_hash(commands_[i].name) & (size - 1);
    while (slots_[at] != 0)
      at = (at + 1) & (size - 1);
    slots_[at] = static_cast<uint32_t>(i + 1);
  }
}

long command_table::index_of(std::string_view name) const {
  if (slots_.empty())
    return -1;
  size_t mask = slots_.size() - 1;
  for (size_t at = name_hash(name) & mask; slots_[at] != 0; at = (at + 1) & mask) {
    size_t i = slots_[at] - 1;
    if (datatypes::iequals(commands_[i].name, name))
      return static_cast<long>(i);
  }
  return -1;
}

const command_spec* command_table::find(std::string_view name) const {
  long i = index_of(name);
  return i < 0 ? nullptr : &commands_[static_cast<size_t>(i)];
}

const command_spec* command_table::lookup(const command_args& argv) const {
  const command_spec* spec = find(argv[0]);
  if (spec == nullptr || spec->subcommands.empty() || argv.size() < 2)
    return spec;
  if (auto* sub = find_subcommand(*spec, argv[1]))
    return sub;
  return spec->handler != nullptr ? spec : nullptr;
}

const command_spec* command_table::resolve(const command_args& argv, std::string& error) const {
  const command_spec* spec = lookup(argv);
  if (spec == nullptr) {
    auto* container = find(argv[0]);
    error = container == nullptr ? protocol::err::unknown_command(argv)
                                 : protocol::err::unknown_subcommand(argv[1], container->name);
    return nullptr;
  }
  if (!arity_ok(spec->arity, argv.size())) {
    error = protocol::err::wrong_arity(spec->name);
    return nullptr;
  }
  return spec;
}

void command_table::key_positions(const command_spec& spec, const command_args& argv,
                                  std::vector<size_t>& out) const {
  auto mark = out.size();
  if (spec.getkeys == nullptr || specs_find_all(spec)) {
    if (walk_key_specs(spec, argv, [&](size_t i, uint16_t) { out.push_back(i); }))
      return;
    out.resize(mark);
    if (spec.getkeys == nullptr)
      return;
  }
  std::vector<key_ref> keys;
  spec.getkeys(argv, keys);
  for (auto& k : keys)
    out.push_back(k.index);
}

void command_table::find_keys(const command_spec& spec, const command_args& argv,
                              std::vector<key_ref>& out) const {
  auto mark = out.size();
  bool specs_enough =
      spec.getkeys == nullptr || (specs_find_all(spec) && !specs_have_variable_flags(spec));
  if (specs_enough) {
    if (walk_key_specs(spec, argv, [&](size_t i, uint16_t f) { out.push_back({i, f}); }))
      return;
    out.resize(mark);
  }
  if (spec.getkeys != nullptr)
    spec.getkeys(argv, out);
}

command_table& table() {
  static command_table instance;
  return instance;
}

void reply_help_lines(command_context& ctx, std::span<const std::string_view> lines) {
  ctx.reply.array(lines.size());
  for (auto l : lines)
    ctx.reply.simple(l);
}

} // namespace actis::commands
