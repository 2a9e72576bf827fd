#include "actors/families.hpp"
#include "commands/command.hpp"
#include "commands/context.hpp"
#include "commands/families.hpp"

namespace actis::actors {

void register_all_commands() {
  auto& t = commands::table();
  commands::register_string_family(t);
  commands::register_bitmap_family(t);
  commands::register_generic_family(t);
  register_connection_family(t);
  register_server_family(t);
  register_debug_family(t);
}

commands::command_spec server_command(std::string name, int arity, uint32_t flags,
                                      std::string acl, commands::handler_fn handler,
                                      std::string summary, std::string since,
                                      std::string complexity, commands::exec_scope scope) {
  return commands::make_command(std::move(name), arity, flags, std::move(acl), {}, scope, handler,
                                {"server", std::move(summary), std::move(since),
                                 std::move(complexity)});
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
