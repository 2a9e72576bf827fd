// The connection commands: PING, ECHO, QUIT, RESET, SELECT, HELLO, AUTH and
// CLIENT, with Redis 7.0's replies. They run at the client's connection
// (ctx.conn is set, ctx.ks is null) and change only its client_info.
#include <algorithm>
#include <climits>

#include "actors/client_info.hpp"
#include "actors/connection_hooks.hpp"
#include "actors/families.hpp"
#include "actors/messages.hpp"
#include "actors/partition.hpp"
#include "actors/pubsub.hpp"
#include "commands/command.hpp"
#include "commands/context.hpp"
#include "config/config.hpp"
#include "datatypes/strutil.hpp"
#include "protocol/errors.hpp"

namespace actis::actors {

namespace {

using commands::command_context;
using datatypes::iequals;
namespace err = protocol::err;

// ------------------------------------------------------------- helpers

/// The only user is Redis's "default" one: it has no password ("nopass")
/// unless requirepass is configured.
bool credentials_valid(std::string_view user, std::string_view pass) {
  if (user != "default")
    return false;
  auto required = config::registry::instance().get_one("requirepass");
  return required.empty() || pass == required;
}

/// Redis accepts client names made of printable ASCII other than space.
bool valid_client_name(std::string_view name) {
  return std::all_of(name.begin(), name.end(), [](char c) { return c >= '!' && c <= '~'; });
}

/// Canonical client type for CLIENT LIST/KILL TYPE ("slave" is an alias of
/// "replica"); empty if `arg` names no type.
std::string client_type(std::string_view arg) {
  for (std::string_view t : {"normal", "master", "replica", "pubsub"})
    if (iequals(arg, t))
      return std::string(t);
  return iequals(arg, "slave") ? "replica" : "";
}

/// CLIENT LIST lines gathered from every loop, ordered by client id as
/// Redis lists its clients (in creation order).
std::string in_id_order(std::vector<client_line>& lines) {
  std::sort(lines.begin(), lines.end(), [](auto& a, auto& b) { return a.id < b.id; });
  std::string out;
  for (auto& l : lines)
    out += l.text;
  return out;
}

// ------------------------------------------------------ plain commands

void ping_handler(command_context& ctx) {
  if (ctx.argv.size() > 2) {
    ctx.reply.error(err::wrong_arity("ping"));
  } else if (ctx.conn != nullptr && ctx.conn->client().subscribed()
             && ctx.conn->client().resp == 2) {
    // In RESP2 pub/sub context PING answers like a message: ["pong", arg].
    ctx.reply.array(2);
    ctx.reply.bulk("pong");
    ctx.reply.bulk(ctx.argv.size() == 2 ? std::string_view(ctx.argv[1]) : std::string_view());
  } else if (ctx.argv.size() == 2) {
    ctx.reply.bulk(ctx.argv[1]);
  } else {
    ctx.reply.simple("PONG");
  }
}

void echo_handler(command_context& ctx) { ctx.reply.bulk(ctx.argv[1]); }

void quit_handler(command_context& ctx) {
  ctx.reply.ok();
  ctx.conn->close_after_reply();
}

void reset_handler(command_context& ctx) {
  ctx.conn->discard_transaction();
  auto& c = ctx.conn->client();
  if (c.pubsub != nullptr)
    c.pubsub->unsubscribe_all();
  c.db = 0;
  c.resp = 2;
  c.name.clear();
  c.replies = reply_mode::on;
  ctx.reply.simple("RESET");
}

void select_handler(command_context& ctx) {
  long long db = 0;
  if (!datatypes::parse_ll(ctx.argv[1], db)) {
    ctx.reply.error(err::not_integer);
    return;
  }
  if (db < INT_MIN || db > INT_MAX) {
    ctx.reply.error(err::int_out_of_range);
    return;
  }
  if (db < 0 || db >= config::live().databases.load(std::memory_order_relaxed)) {
    ctx.reply.error(err::db_index_out_of_range);
    return;
  }
  ctx.conn->client().db = static_cast<int>(db);
  ctx.reply.ok();
}

/// Replies OK and marks the client authenticated, or replies WRONGPASS
/// (a failed attempt leaves an earlier successful one in force, as Redis).
void authenticate(command_context& ctx, std::string_view user, std::string_view pass) {
  if (!credentials_valid(user, pass)) {
    ctx.reply.error(err::wrong_pass);
    return;
  }
  ctx.conn->client().authenticated = true;
  ctx.reply.ok();
}

void auth_handler(command_context& ctx) {
  if (ctx.argv.size() > 3) {
    ctx.reply.error(err::syntax);
    return;
  }
  if (ctx.argv.size() == 2) {
    if (config::registry::instance().get_one("requirepass").empty()) {
      ctx.reply.error(err::auth_without_password);
      return;
    }
    authenticate(ctx, "default", ctx.argv[1]);
    return;
  }
  authenticate(ctx, ctx.argv[1], ctx.argv[2]);
}

void hello_handler(command_context& ctx) {
  auto& argv = ctx.argv;
  auto& client = ctx.conn->client();
  long long version = client.resp;
  if (argv.size() >= 2) {
    if (!datatypes::parse_ll(argv[1], version)) {
      ctx.reply.error(err::protover_not_integer);
      return;
    }
    if (version < 2 || version > 3) {
      ctx.reply.error(err::no_proto);
      return;
    }
  }
  std::string_view user, pass, name;
  bool auth = false, setname = false;
  for (size_t j = 2; j < argv.size(); ++j) {
    size_t more = argv.size() - 1 - j;
    if (iequals(argv[j], "auth") && more >= 2) {
      auth = true;
      user = argv[j + 1];
      pass = argv[j + 2];
      j += 2;
    } else if (iequals(argv[j], "setname") && more >= 1) {
      setname = true;
      name = argv[j + 1];
      ++j;
    } else {
      ctx.reply.error(err::hello_syntax(argv[j]));
      return;
    }
  }
  if (auth) {
    if (!credentials_valid(user, pass)) {
      ctx.reply.error(err::wrong_pass);
      return;
    }
    client.authenticated = true;
  } else if (!client.authenticated) {
    ctx.reply.error(err::noauth_hello);
    return;
  }
  if (setname) {
    if (!valid_client_name(name)) {
      ctx.reply.error(err::bad_client_name);
      return;
    }
    client.name = name;
  }
  client.resp = static_cast<int>(version);
  // The reply to HELLO itself already uses the protocol it selected.
  protocol::reply_builder out(ctx.reply.buffer(), client.resp);
  out.map(7);
  out.bulk("server");
  out.bulk("redis");
  out.bulk("version");
  out.bulk(config::redis_version);
  out.bulk("proto");
  out.integer(version);
  out.bulk("id");
  out.integer(static_cast<long long>(client.id));
  out.bulk("mode");
  out.bulk("standalone");
  out.bulk("role");
  out.bulk("master");
  out.bulk("modules");
  out.array(0);
}

// -------------------------------------------------------------- CLIENT

void client_id_handler(command_context& ctx) {
  ctx.reply.integer(static_cast<long long>(ctx.conn->client().id));
}

void client_setname_handler(command_context& ctx) {
  if (!valid_client_name(ctx.argv[2])) {
    ctx.reply.error(err::bad_client_name);
    return;
  }
  ctx.conn->client().name = ctx.argv[2];
  ctx.reply.ok();
}

void client_getname_handler(command_context& ctx) {
  auto& name = ctx.conn->client().name;
  if (name.empty())
    ctx.reply.null();
  else
    ctx.reply.bulk(name);
}

void client_info_handler(command_context& ctx) {
  ctx.reply.verbatim(ctx.conn->client().describe(unix_ms()));
}

void client_list_handler(command_context& ctx) {
  auto& argv = ctx.argv;
  client_filter filter;
  if (argv.size() == 4 && iequals(argv[2], "type")) {
    filter.type = client_type(argv[3]);
    if (filter.type.empty()) {
      ctx.reply.error(err::unknown_client_type(argv[3]));
      return;
    }
  } else if (argv.size() > 3 && iequals(argv[2], "id")) {
    for (size_t j = 3; j < argv.size(); ++j) {
      long long id = 0;
      if (!datatypes::parse_ll(argv[j], id)) {
        ctx.reply.error(err::invalid_client_id);
        return;
      }
      // Ids start at 1: a non-positive id matches nobody (0 is never used).
      filter.ids.push_back(id > 0 ? static_cast<uint64_t>(id) : 0);
    }
  } else if (argv.size() != 2) {
    ctx.reply.error(err::syntax);
    return;
  }
  auto done = ctx.conn->defer();
  int resp = ctx.reply.resp();
  ctx.conn->list_clients(std::move(filter), [done, resp](std::vector<client_line> lines) {
    std::string bytes;
    protocol::reply_builder(bytes, resp).verbatim(in_id_order(lines));
    done(std::move(bytes));
  });
}

/// Parses the filters of the new CLIENT KILL form. Replies the error and
/// returns false on a bad option.
bool parse_kill_filters(command_context& ctx, client_filter& filter, bool& skipme) {
  auto& argv = ctx.argv;
  for (size_t i = 2; i < argv.size(); i += 2) {
    if (i + 1 >= argv.size()) {
      ctx.reply.error(err::syntax);
      return false;
    }
    auto opt = argv[i];
    auto val = argv[i + 1];
    if (iequals(opt, "id")) {
      long long id = 0;
      if (!datatypes::parse_ll(val, id) || id < 1) {
        ctx.reply.error(err::client_id_not_positive);
        return false;
      }
      filter.ids = {static_cast<uint64_t>(id)};
    } else if (iequals(opt, "type")) {
      filter.type = client_type(val);
      if (filter.type.empty()) {
        ctx.reply.error(err::unknown_client_type(val));
        return false;
      }
    } else if (iequals(opt, "addr")) {
      filter.addr = val;
    } else if (iequals(opt, "laddr")) {
      filter.laddr = val;
    } else if (iequals(opt, "user")) {
      // Every client is authenticated as "default", the only user.
      if (val != "default") {
        ctx.reply.error(err::no_such_user(val));
        return false;
      }
    } else if (iequals(opt, "skipme")) {
      if (iequals(val, "yes")) {
        skipme = true;
      } else if (iequals(val, "no")) {
        skipme = false;
      } else {
        ctx.reply.error(err::syntax);
        return false;
      }
    } else {
      ctx.reply.error(err::syntax);
      return false;
    }
  }
  return true;
}

void client_kill_handler(command_context& ctx) {
  client_filter filter;
  // CLIENT KILL ip:port (the pre-2.8.12 form) may kill the caller itself.
  bool old_form = ctx.argv.size() == 3;
  bool skipme = !old_form;
  if (old_form)
    filter.addr = ctx.argv[2];
  else if (!parse_kill_filters(ctx, filter, skipme))
    return;
  // The caller is never killed by its loop (that would drop this reply):
  // like Redis, it gets its reply first and is closed after it.
  auto& me = ctx.conn->client();
  bool kill_me = !skipme && matches(me, filter);
  filter.skip_id = me.id;
  if (kill_me)
    ctx.conn->close_after_reply();
  auto done = ctx.conn->defer();
  int resp = ctx.reply.resp();
  ctx.conn->kill_clients(std::move(filter), [done, resp, kill_me, old_form](uint64_t killed) {
    killed += kill_me ? 1 : 0;
    std::string bytes;
    protocol::reply_builder out(bytes, resp);
    if (!old_form)
      out.integer(static_cast<long long>(killed));
    else if (killed == 0)
      out.error(err::no_such_client);
    else
      out.ok();
    done(std::move(bytes));
  });
}

void client_unblock_handler(command_context& ctx) {
  if (ctx.argv.size() > 4)
    return ctx.reply.error(err::subcommand_usage(ctx.argv[1], "CLIENT"));
  bool with_error = false;
  if (ctx.argv.size() == 4) {
    if (iequals(ctx.argv[3], "error"))
      with_error = true;
    else if (!iequals(ctx.argv[3], "timeout"))
      return ctx.reply.error(err::unblock_reason);
  }
  long long id = 0;
  if (!datatypes::parse_ll(ctx.argv[2], id))
    return ctx.reply.error(err::not_integer);
  auto done = ctx.conn->defer();
  int resp = ctx.reply.resp();
  ctx.conn->unblock_client(static_cast<uint64_t>(id), with_error, [done, resp](bool unblocked) {
    std::string bytes;
    protocol::reply_builder out(bytes, resp);
    out.integer(unblocked ? 1 : 0);
    done(std::move(bytes));
  });
}

void client_reply_handler(command_context& ctx) {
  auto& c = ctx.conn->client();
  auto mode = ctx.argv[2];
  if (iequals(mode, "on")) {
    c.replies = reply_mode::on;
    ctx.reply.ok();
  } else if (iequals(mode, "off")) {
    c.replies = reply_mode::off; // no reply, not even to this command
  } else if (iequals(mode, "skip")) {
    // Skips the reply of the next command; a SKIP while OFF changes nothing.
    if (c.replies != reply_mode::off)
      c.replies = reply_mode::skip;
  } else {
    ctx.reply.error(err::syntax);
  }
}

void client_no_evict_handler(command_context& ctx) {
  // Client eviction (maxmemory-clients) is not implemented: the flag has
  // nothing to protect against, so only its syntax is checked.
  if (iequals(ctx.argv[2], "on") || iequals(ctx.argv[2], "off"))
    ctx.reply.ok();
  else
    ctx.reply.error(err::syntax);
}

// Client-side caching (CLIENT TRACKING) and CLIENT PAUSE are not
// implemented: these report tracking off and no pause in force.

void client_getredir_handler(command_context& ctx) { ctx.reply.integer(-1); }

void client_trackinginfo_handler(command_context& ctx) {
  ctx.reply.map(3);
  ctx.reply.bulk("flags");
  ctx.reply.set(1);
  ctx.reply.bulk("off");
  ctx.reply.bulk("redirect");
  ctx.reply.integer(-1);
  ctx.reply.bulk("prefixes");
  ctx.reply.array(0);
}

void client_unpause_handler(command_context& ctx) { ctx.reply.ok(); }

void client_help_handler(command_context& ctx) {
  help_reply(ctx, "CLIENT",
             {"GETREDIR",
              "    Reply with the id tracking notifications are redirected to (-1: none).",
              "GETNAME",
              "    Reply with the name of this connection.",
              "ID",
              "    Reply with the id of this connection.",
              "INFO",
              "    Reply with the CLIENT LIST line of this connection.",
              "KILL <ip:port>",
              "    Close the connection from <ip:port>.",
              "KILL <option> <value> [<option> <value> [...]]",
              "    Close every connection matching all the filters:",
              "    * ID <client-id>",
              "    * ADDR (<ip:port>|<unixsocket>:0)",
              "      Connections from this peer address.",
              "    * LADDR (<ip:port>|<unixsocket>:0)",
              "      Connections to this local address.",
              "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
              "      Connections of this type.",
              "    * USER <username>",
              "      Connections authenticated as <username>.",
              "    * SKIPME (YES|NO)",
              "      Whether to spare this connection (default: yes).",
              "LIST [TYPE (NORMAL|MASTER|REPLICA|PUBSUB) | ID <client-id> [...]]",
              "    Describe the connections, one line each.",
              "NO-EVICT (ON|OFF)",
              "    Exempt this connection from client eviction.",
              "REPLY (ON|OFF|SKIP)",
              "    Turn the replies to this connection on or off, or skip the next one.",
              "SETNAME <name>",
              "    Name this connection.",
              "TRACKINGINFO",
              "    Describe the client side caching state of this connection.",
              "UNPAUSE",
              "    End a CLIENT PAUSE."});
}

} // namespace

// --------------------------------------------------------- registration

void register_connection_family(commands::command_table& t) {
  using namespace commands;
  constexpr auto connection = command_group::connection;
  constexpr uint32_t conn_flags = f_noscript | f_loading | f_stale;
  constexpr uint32_t admin_flags = f_admin | conn_flags;
  constexpr uint32_t handshake = conn_flags | f_fast | f_no_auth | f_allow_busy;
  constexpr const char* o1 = "O(1)";
  constexpr const char* per_client = "O(N) in the number of client connections.";
  const command_def rows[] = {
      {.name = "ping", .arity = -1, .flags = f_fast, .group = connection, .handler = ping_handler,
       .tips = "request_policy:all_shards response_policy:all_succeeded",
       .docs = {"Checks the connection: replies PONG, or echoes the message given.", "1.0.0",
                o1}},
      {.name = "echo", .arity = 2, .flags = f_loading | f_stale | f_fast, .group = connection,
       .handler = echo_handler, .docs = {"Replies with the message given.", "1.0.0", o1}},
      {.name = "quit", .arity = -1, .flags = handshake, .group = connection,
       .handler = quit_handler,
       .docs = {"Closes the connection once its pending replies are sent.", "1.0.0", o1}},
      {.name = "reset", .arity = 1, .flags = handshake, .group = connection,
       .handler = reset_handler,
       .docs = {"Returns the connection to its initial state.", "6.2.0", o1}},
      {.name = "select", .arity = 2, .flags = f_loading | f_stale | f_fast, .group = connection,
       .handler = select_handler,
       .docs = {"Switches the connection to another logical database.", "1.0.0", o1}},
      {.name = "hello", .arity = -1, .flags = handshake, .group = connection,
       .handler = hello_handler,
       .docs = {"Negotiates the protocol version, optionally authenticating and naming the "
                "connection.",
                "6.0.0", o1}},
      {.name = "auth", .arity = -2, .flags = handshake, .group = connection,
       .handler = auth_handler,
       .docs = {"Authenticates the connection.", "1.0.0",
                "O(N) in the number of passwords of the user."}},

      {.name = "client", .arity = -2, .group = connection,
       .docs = {"Container of the connection management subcommands.", "2.4.0",
                "Depends on subcommand."}},
      {.name = "client|id", .arity = 2, .flags = conn_flags, .group = connection,
       .handler = client_id_handler,
       .docs = {"Returns the id of the connection.", "5.0.0", o1}},
      {.name = "client|setname", .arity = 3, .flags = conn_flags, .group = connection,
       .handler = client_setname_handler, .docs = {"Names the connection.", "2.6.9", o1}},
      {.name = "client|getname", .arity = 2, .flags = conn_flags, .group = connection,
       .handler = client_getname_handler,
       .docs = {"Returns the name of the connection.", "2.6.9", o1}},
      {.name = "client|info", .arity = 2, .flags = conn_flags, .group = connection,
       .handler = client_info_handler, .tips = "nondeterministic_output",
       .docs = {"Describes the connection in CLIENT LIST format.", "6.2.0", o1}},
      {.name = "client|list", .arity = -2, .flags = admin_flags, .group = connection,
       .handler = client_list_handler, .tips = "nondeterministic_output",
       .docs = {"Describes the open connections, one line each.", "2.4.0", per_client}},
      {.name = "client|kill", .arity = -3, .flags = admin_flags, .group = connection,
       .handler = client_kill_handler,
       .docs = {"Closes the connections matching the given filters.", "2.4.0", per_client}},
      {.name = "client|unblock", .arity = -3, .flags = admin_flags, .group = connection,
       .handler = client_unblock_handler,
       .docs = {"Unblocks a client blocked by a blocking command from a different connection.",
                "5.0.0", "O(log N) where N is the number of client connections"}},
      {.name = "client|reply", .arity = 3, .flags = conn_flags, .group = connection,
       .handler = client_reply_handler,
       .docs = {"Turns the replies to the connection on or off.", "3.2.0", o1}},
      {.name = "client|no-evict", .arity = 3, .flags = admin_flags, .group = connection,
       .handler = client_no_evict_handler,
       .docs = {"Exempts the connection from client eviction.", "7.0.0", o1}},
      {.name = "client|getredir", .arity = 2, .flags = conn_flags, .group = connection,
       .handler = client_getredir_handler,
       .docs = {"Returns the id tracking notifications are redirected to.", "6.0.0", o1}},
      {.name = "client|trackinginfo", .arity = 2, .flags = conn_flags, .group = connection,
       .handler = client_trackinginfo_handler,
       .docs = {"Describes the client side caching state of the connection.", "6.2.0", o1}},
      {.name = "client|unpause", .arity = 2, .flags = admin_flags, .group = connection,
       .handler = client_unpause_handler,
       .docs = {"Resumes the clients suspended by CLIENT PAUSE.", "6.2.0",
                "O(N) in the number of paused clients."}},
      {.name = "client|help", .arity = 2, .flags = f_loading | f_stale, .group = connection,
       .handler = client_help_handler,
       .docs = {"Describes the CLIENT subcommands.", "5.0.0", o1}},
  };
  t.add(rows);
}

} // namespace actis::actors
