#include "commands/command.hpp"

#include "datatypes/strutil.hpp"
#include "protocol/errors.hpp"

namespace actis::commands {

namespace {

void assign_ids(command_spec& spec, uint32_t& next) {
  spec.id = next++;
  for (auto& sub : spec.subcommands)
    assign_ids(sub, next);
}

const command_spec* find_subcommand(const command_spec& parent, std::string_view sub) {
  // Subcommand names are stored as "parent|sub".
  auto prefix = parent.name.size() + 1;
  for (auto& s : parent.subcommands)
    if (datatypes::iequals(std::string_view(s.name).substr(prefix), sub))
      return &s;
  return nullptr;
}

} // namespace

command_spec make_command(std::string name, int arity, uint32_t flags, std::string acl,
                          key_range keys, exec_scope scope, handler_fn handler,
                          command_docs docs) {
  command_spec s;
  s.name = std::move(name);
  s.arity = arity;
  s.flags = flags;
  s.acl_categories = std::move(acl);
  s.first_key = keys.first;
  s.last_key = keys.last;
  s.key_step = keys.step;
  s.scope = scope;
  s.handler = handler;
  s.group = std::move(docs.group);
  s.summary = std::move(docs.summary);
  s.since = std::move(docs.since);
  s.complexity = std::move(docs.complexity);
  return s;
}

void command_table::add(command_spec spec) {
  assign_ids(spec, next_id_);
  index_[spec.name] = commands_.size();
  commands_.push_back(std::move(spec));
}

const command_spec* command_table::find(std::string_view name) const {
  // Command names are short: lower-case into a stack buffer, no allocation.
  char buf[64];
  if (name.size() >= sizeof(buf))
    return nullptr;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    buf[i] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
  }
  auto it = index_.find(std::string(buf, name.size()));
  return it == index_.end() ? nullptr : &commands_[it->second];
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
  if (spec.getkeys != nullptr) {
    spec.getkeys(argv, out);
    return;
  }
  if (spec.first_key <= 0)
    return;
  auto argc = static_cast<int>(argv.size());
  int last = spec.last_key >= 0 ? spec.last_key : argc + spec.last_key;
  int step = spec.key_step > 0 ? spec.key_step : 1;
  for (int i = spec.first_key; i <= last && i < argc; i += step)
    out.push_back(static_cast<size_t>(i));
}

command_table& table() {
  static command_table instance;
  return instance;
}

} // namespace actis::commands
