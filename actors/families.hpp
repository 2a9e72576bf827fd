// Command families that need the actor layer (connection state, every
// loop's clients, server-wide counters), and the one place that fills the
// command table at start-up.
#pragma once

#include <initializer_list>
#include <string_view>

namespace actis::commands {
class command_table;
struct command_context;
} // namespace actis::commands

namespace actis::actors {

/// PING, ECHO, QUIT, RESET, SELECT, HELLO, AUTH and CLIENT.
void register_connection_family(commands::command_table& t); // actors/connection_family.cpp
/// TIME, SHUTDOWN, INFO, CONFIG and DEBUG.
void register_server_family(commands::command_table& t);     // actors/server_family.cpp
/// COMMAND and its subcommands.
void register_command_family(commands::command_table& t);    // actors/command_family.cpp

/// Registers every family into commands::table(). Call once, before any
/// event loop starts; the table is read-only afterwards.
void register_all_commands();

/// Replies a container's HELP in Redis's layout: a usage line for `cmd`
/// (upper case), the given description `lines`, then HELP itself.
void help_reply(commands::command_context& ctx, std::string_view cmd,
                std::initializer_list<std::string_view> lines);

} // namespace actis::actors
