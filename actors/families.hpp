// Command families that need the actor layer (connection state, every
// loop's clients, server-wide counters), and the one place that fills the
// command table at start-up.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "commands/command.hpp"

namespace actis::commands {
struct command_context;
} // namespace actis::commands

namespace actis::actors {

/// PING, ECHO, QUIT, RESET, SELECT, HELLO, AUTH and CLIENT.
void register_connection_family(commands::command_table& t); // actors/connection_family.cpp
/// TIME, SHUTDOWN, INFO and CONFIG.
void register_server_family(commands::command_table& t);     // actors/server_family.cpp
/// COMMAND and its subcommands.
void register_command_family(commands::command_table& t);    // actors/command_family.cpp
/// MULTI, EXEC, DISCARD, WATCH and UNWATCH.
void register_transaction_family(commands::command_table& t); // actors/transaction_family.cpp
/// SUBSCRIBE, PUBLISH, PUBSUB and the pattern and shard variants.
void register_pubsub_family(commands::command_table& t);     // actors/pubsub_family.cpp
/// SAVE, BGSAVE, BGREWRITEAOF and LASTSAVE.
void register_persistence_family(commands::command_table& t); // actors/persistence_family.cpp
/// DEBUG and its parts.
void register_debug_family(commands::command_table& t);      // actors/debug_family.cpp

/// Registers every family into commands::table(). Call once, before any
/// event loop starts; the table is read-only afterwards.
void register_all_commands();

/// Flags and ACL categories of Redis's administrative commands (SHUTDOWN,
/// CONFIG's parts, DEBUG).
inline constexpr uint32_t admin_flags =
    commands::f_admin | commands::f_noscript | commands::f_loading | commands::f_stale;
inline constexpr const char* admin_acl = "@admin @slow @dangerous";

/// A command of COMMAND DOCS group "server", without keys.
commands::command_spec server_command(std::string name, int arity, uint32_t flags,
                                      std::string acl, commands::handler_fn handler,
                                      std::string summary, std::string since,
                                      std::string complexity = "O(1)",
                                      commands::exec_scope scope =
                                          commands::exec_scope::connection);

/// Replies a container's HELP in Redis's layout: a usage line for `cmd`
/// (upper case), the given description `lines`, then HELP itself.
void help_reply(commands::command_context& ctx, std::string_view cmd,
                std::initializer_list<std::string_view> lines);

} // namespace actis::actors
