#include "commands/script_host.hpp"

#include <chrono>

#include "commands/command_stats.hpp"
#include "commands/executor.hpp"
#include "commands/summary.hpp"
#include "datatypes/strutil.hpp"
#include "scripting/running_script.hpp"

namespace actis::commands {

namespace {

using datatypes::iequals;

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

} // namespace

bool script_host::command_exists(const std::vector<std::string>& argv) {
  return table().lookup(argv) != nullptr;
}

std::string script_host::call(const std::vector<std::string>& argv, int resp, std::string& out) {
  // A refused command counts as a rejected call of its command, as Redis's
  // scriptCall counts it; its error reply is counted when the script's
  // reply is written.
  const command_spec* spec = table().lookup(argv);
  std::string_view refusal;
  if (spec == nullptr)
    refusal = protocol::err::script_unknown_command;
  else if (!arity_ok(spec->arity, argv.size()))
    refusal = protocol::err::script_wrong_arity;
  else if ((spec->flags & f_noscript) != 0)
    refusal = protocol::err::script_not_allowed;
  else if (read_only_ && (spec->flags & (f_write | f_may_replicate)) != 0)
    refusal = protocol::err::script_write_in_read_only;
  if (!refusal.empty()) {
    stats::rejected(spec);
    return std::string(refusal);
  }
  if ((spec->flags & f_write) != 0)
    scripting::current_script().wrote.store(true);
  protocol::reply_builder rb(out, resp);
  switch (spec->scope) {
  case exec_scope::connection:
    run_connection_command(*spec, argv, rb);
    break;
  case exec_scope::summaries: {
    // Every partition is held: the summaries are read in place.
    std::vector<partition_summary> summaries;
    auto now = now_ms();
    for (auto* p : ctx_.ks->held())
      if (p != nullptr)
        summaries.push_back(summarize(*p, now));
    command_context nested(*spec, argv, rb, nullptr, db_);
    nested.summaries = &summaries;
    spec->handler(nested);
    break;
  }
  default: {
    write_sink_pause pause(*ctx_.ks, !propagate_);
    execute_nested(*spec, argv, rb, *ctx_.ks, db_, true);
  }
  }
  return {};
}

void script_host::set_repl(int flags) {
  // The write stream feeds the AOF, and nothing else yet: a command goes
  // there when REPL_AOF is set. Replicas will need the target per record.
  propagate_ = (flags & scripting::repl_aof) != 0;
}

void script_host::run_connection_command(const command_spec& spec, const command_args& argv,
                                         protocol::reply_builder& rb) {
  if (iequals(spec.name, "select")) {
    long long index = 0;
    if (!datatypes::parse_ll(argv[1], index) || index < INT32_MIN || index > INT32_MAX)
      return rb.error(protocol::err::not_integer);
    if (index < 0 || index >= ctx_.ks->databases())
      return rb.error(protocol::err::db_index_out_of_range);
    db_ = static_cast<int>(index);
    return rb.ok();
  }
  // Connection commands that need no connection run as they are; the ones
  // that act on the caller's connection are not available to scripts.
  std::string_view name = spec.name;
  if (name == "ping" || name == "echo" || name == "time" || name == "lastsave" ||
      name == "command" || name.substr(0, 8) == "command|" || name == "script|help" ||
      name == "function|help" || name == "publish" || name == "spublish" ||
      name.substr(0, 7) == "pubsub|" || name.substr(0, 7) == "memory|") {
    command_context nested(spec, argv, rb, nullptr, db_);
    spec.handler(nested);
    return;
  }
  rb.error(protocol::err::script_not_allowed);
}

key_spec script_keys(bool read_write, bool noted) {
  constexpr std::string_view rw_note =
      "We cannot tell how the keys will be used so we assume the worst, RW and UPDATE";
  constexpr std::string_view ro_note =
      "We cannot tell how the keys will be used so we assume the worst, RO and ACCESS";
  if (read_write)
    return {k_rw | k_access | k_update, begin_at(2), keys_counted(0, 1, 1),
            noted ? rw_note : std::string_view()};
  return {k_ro | k_access, begin_at(2), keys_counted(0, 1, 1),
          noted ? ro_note : std::string_view()};
}

} // namespace actis::commands
