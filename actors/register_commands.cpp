#include "actors/families.hpp"
#include "commands/command.hpp"
#include "commands/context.hpp"
#include "commands/families.hpp"
#include "actors/log.hpp"
#include "scripting/engine.hpp"

namespace actis::actors {

void register_all_commands() {
  auto& t = commands::table();
  commands::register_string_family(t);
  commands::register_bitmap_family(t);
  commands::register_generic_family(t);
  commands::register_hash_family(t);
  commands::register_sort_family(t);
  commands::register_set_family(t);
  commands::register_list_family(t);
  commands::register_zset_family(t);
  commands::register_blocking_family(t);
  commands::register_hll_family(t);
  commands::register_geo_family(t);
  commands::register_script_family(t);
  commands::register_function_family(t);
  commands::register_stream_family(t);
  commands::register_stream_group_family(t);
  commands::register_dump_family(t);
  commands::register_memory_family(t);
  // redis.log writes to the server log; Redis's LL_* levels are log_level's.
  scripting::set_log_callback([](int level, std::string_view line) {
    log(static_cast<log_level>(level), line);
  });
  register_connection_family(t);
  register_server_family(t);
  register_command_family(t);
  register_debug_family(t);
  register_persistence_family(t);
  register_transaction_family(t);
  register_pubsub_family(t);
}

void help_reply(commands::command_context& ctx, std::string_view cmd,
                std::initializer_list<std::string_view> lines) {
  ctx.reply.array(lines.size() + 3);
  ctx.reply.simple(std::string(cmd) + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
  for (auto l : lines)
    ctx.reply.simple(l);
  ctx.reply.simple("HELP");
  ctx.reply.simple("    Print this help.");
}

} // namespace actis::actors
