// DEBUG: the parts Redis's test suites and tools rely on (SLEEP,
// SET-ACTIVE-EXPIRE, OBJECT, DIGEST, DIGEST-VALUE, PROTOCOL, HELP), with
// Redis 7.0's replies.
#include <arpa/inet.h>

#include <chrono>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "actors/connection_hooks.hpp"
#include "actors/families.hpp"
#include "actors/server.hpp"
#include "commands/command.hpp"
#include "commands/context.hpp"
#include "commands/keyspace.hpp"
#include "config/config.hpp"
#include "config/syntax.hpp"
#include "datatypes/digest.hpp"
#include "datatypes/list_value.hpp"
#include "datatypes/quicklist.hpp"
#include "datatypes/strutil.hpp"
#include "protocol/errors.hpp"

namespace actis::actors {

namespace {

using commands::command_context;
using datatypes::iequals;
namespace err = protocol::err;

void debug_usage_error(command_context& ctx) {
  ctx.reply.error(err::subcommand_usage(ctx.argv[1], "DEBUG"));
}

/// Checks the argument count (permission was checked when DEBUG was
/// routed: it is a protected command). `exact` false means "at least".
bool debug_prologue(command_context& ctx, size_t argc, bool exact = true) {
  if (exact ? ctx.argv.size() != argc : ctx.argv.size() < argc) {
    debug_usage_error(ctx);
    return false;
  }
  return true;
}

void debug_handler(command_context& ctx) {
  debug_usage_error(ctx);
}

void debug_sleep_handler(command_context& ctx) {
  if (!debug_prologue(ctx, 3))
    return;
  // Like Redis, the server (here: this event loop) stops for that long.
  double seconds = std::strtod(ctx.argv[2].c_str(), nullptr);
  auto us = static_cast<long long>(seconds * 1000000);
  if (us > 0)
    std::this_thread::sleep_for(std::chrono::microseconds(us));
  ctx.reply.ok();
}

void debug_set_active_expire_handler(command_context& ctx) {
  if (!debug_prologue(ctx, 3))
    return;
  server::instance().active_expire_enabled.store(std::atoi(ctx.argv[2].c_str()) != 0);
  ctx.reply.ok();
}

void debug_packed_threshold_handler(command_context& ctx) {
  if (!debug_prologue(ctx, 3))
    return;
  unsigned long long sz;
  if (!config::detail::parse_memory(ctx.argv[2], sz) || !datatypes::set_quicklist_packed_threshold(sz))
    return ctx.reply.error(err::packed_threshold_range);
  ctx.reply.ok();
}

/// Bytes of an RDB length prefix.
size_t rdb_length_size(uint64_t len) {
  if (len < (1u << 6))
    return 1;
  if (len < (1u << 14))
    return 2;
  return len <= UINT32_MAX ? 5 : 9;
}

/// Bytes of an integer that RDB stores in its compact 8/16/32-bit forms, or
/// 0 if it does not fit them.
size_t rdb_int_size(long long v) {
  if (v >= INT8_MIN && v <= INT8_MAX)
    return 2;
  if (v >= INT16_MIN && v <= INT16_MAX)
    return 3;
  if (v >= INT32_MIN && v <= INT32_MAX)
    return 5;
  return 0;
}

/// DEBUG OBJECT serializedlength of a string: RDB's integer forms for
/// numeric strings, else length prefix and bytes. Redis also LZF-compresses
/// strings over 20 bytes when that saves space; actis has no LZF yet, so
/// compressible long strings report their uncompressed size.
size_t rdb_string_size(const datatypes::value& v) {
  std::string scratch;
  auto s = v.str(scratch);
  long long n = 0;
  if (s.size() <= 11 && datatypes::parse_ll(s, n))
    if (auto size = rdb_int_size(n))
      return size;
  return rdb_length_size(s.size()) + s.size();
}

/// The quicklist part of DEBUG OBJECT for lists, as Redis prints it. The
/// fill is the current setting (Redis keeps the one the list was made with)
/// and the sizes are of actis's node format.
std::string quicklist_fields(const datatypes::quicklist& q) {
  auto layout = q.describe();
  char buf[160];
  std::snprintf(buf, sizeof(buf),
                " ql_nodes:%zu ql_avg_node:%.2f ql_listpack_max:%d ql_compressed:%d"
                " ql_uncompressed_size:%zu",
                layout.nodes,
                layout.nodes == 0 ? 0.0 : static_cast<double>(q.size()) / static_cast<double>(layout.nodes),
                config::live().list_max_listpack_size.load(std::memory_order_relaxed),
                layout.compress_depth != 0 ? 1 : 0, layout.uncompressed_bytes);
  return buf;
}

/// DEBUG inspects keys without counting as an access or a miss.
constexpr unsigned debug_lookup = commands::lookup_no_touch | commands::lookup_no_notify;

void debug_object_handler(command_context& ctx) {
  if (!debug_prologue(ctx, 3))
    return;
  auto* e = ctx.ks->lookup_read(ctx.db, ctx.argv[2], debug_lookup);
  if (e == nullptr) {
    ctx.reply.error(err::no_such_key);
    return;
  }
  auto& v = e->val;
  size_t serialized = v.is_string() ? rdb_string_size(v) : v.memory_usage();
  char buf[256];
  std::snprintf(buf, sizeof(buf),
                "Value at:%p refcount:%d encoding:%s serializedlength:%zu lru:%u "
                "lru_seconds_idle:%llu",
                static_cast<const void*>(&v), commands::shared_integer(v) ? INT_MAX : 1,
                std::string(datatypes::encoding_name(v.encoding())).c_str(), serialized,
                e->lru,
                static_cast<unsigned long long>(
                    commands::lru_idle_seconds(e->lru, commands::lru_clock_at(ctx.ks->now_ms()))));
  if (v.type() == datatypes::obj_type::list)
    return ctx.reply.simple(std::string(buf) + quicklist_fields(datatypes::list_items(v)));
  ctx.reply.simple(buf);
}

/// Redis's per-value digest: the type, then the contents, then whether the
/// key has an expire (not when: equal datasets written at different times
/// digest the same). Accumulated into `d`.
void value_digest(unsigned char d[datatypes::digest_size], const datatypes::entry& e) {
  uint32_t type = htonl(static_cast<uint32_t>(e.val.type()));
  datatypes::mix_digest(d, &type, sizeof(type));
  e.val.traits().digest(e.val, d);
  if (e.has_expire)
    datatypes::xor_digest(d, std::string_view("!!expire!!"));
}

void debug_digest_handler(command_context& ctx) {
  if (!debug_prologue(ctx, 2))
    return;
  unsigned char final[datatypes::digest_size] = {};
  auto& held = ctx.ks->held();
  auto dbs = static_cast<size_t>(ctx.ks->databases());
  for (size_t db = 0; db < dbs; ++db) {
    size_t keys = 0;
    for (auto* p : held)
      if (p != nullptr)
        keys += p->dbs[db].size();
    if (keys == 0)
      continue;
    // The database number first, so the same keys in another db differ;
    // then the keys xor-ed in, which makes the order (and the partitioning)
    // irrelevant.
    uint32_t id = htonl(static_cast<uint32_t>(db));
    datatypes::mix_digest(final, &id, sizeof(id));
    for (auto* p : held) {
      if (p == nullptr)
        continue;
      p->dbs[db].for_each([&](datatypes::entry& e) {
        unsigned char d[datatypes::digest_size] = {};
        datatypes::mix_digest(d, e.key());
        value_digest(d, e);
        datatypes::xor_digest(final, d, sizeof(d));
      });
    }
  }
  ctx.reply.simple(datatypes::digest_hex(final));
}

void debug_digest_value_handler(command_context& ctx) {
  if (!debug_prologue(ctx, 2, false))
    return;
  ctx.reply.array(ctx.argv.size() - 2);
  for (size_t i = 2; i < ctx.argv.size(); ++i) {
    unsigned char d[datatypes::digest_size] = {};
    if (auto* e = ctx.ks->lookup_read(ctx.db, ctx.argv[i], debug_lookup))
      value_digest(d, *e);
    ctx.reply.simple(datatypes::digest_hex(d));
  }
}

using reply_sample = void (*)(protocol::reply_builder&);

/// DEBUG PROTOCOL's replies, one per RESP type, as Redis writes them (client
/// libraries test their parsers against them).
constexpr std::pair<std::string_view, reply_sample> protocol_samples[] = {
    {"string", [](protocol::reply_builder& r) { r.bulk("Hello World"); }},
    {"integer", [](protocol::reply_builder& r) { r.integer(12345); }},
    {"double", [](protocol::reply_builder& r) { r.dbl(3.141); }},
    {"bignum",
     [](protocol::reply_builder& r) { r.big_number("1234567999999999999999999999999999999"); }},
    {"null", [](protocol::reply_builder& r) { r.null(); }},
    {"array",
     [](protocol::reply_builder& r) {
       r.array(3);
       for (int j = 0; j < 3; ++j)
         r.integer(j);
     }},
    {"set",
     [](protocol::reply_builder& r) {
       r.set(3);
       for (int j = 0; j < 3; ++j)
         r.integer(j);
     }},
    {"map",
     [](protocol::reply_builder& r) {
       r.map(3);
       for (int j = 0; j < 3; ++j) {
         r.integer(j);
         r.boolean(j == 1);
       }
     }},
    {"attrib",
     [](protocol::reply_builder& r) {
       // RESP2 has no attributes; the reply they annotate comes either way.
       if (r.resp() >= 3) {
         r.attribute(1);
         r.bulk("key-popularity");
         r.array(2);
         r.bulk("key:123");
         r.integer(90);
       }
       r.bulk("Some real reply following the attribute");
     }},
    {"push",
     [](protocol::reply_builder& r) {
       if (r.resp() < 3) {
         r.error(err::resp2_unsupported);
         return;
       }
       r.push(2);
       r.bulk("server-cpu-usage");
       r.integer(42);
       r.bulk("Some real reply following the push reply");
     }},
    {"verbatim", [](protocol::reply_builder& r) { r.verbatim("This is a verbatim\nstring"); }},
    {"true", [](protocol::reply_builder& r) { r.boolean(true); }},
    {"false", [](protocol::reply_builder& r) { r.boolean(false); }},
};

void debug_protocol_handler(command_context& ctx) {
  if (!debug_prologue(ctx, 3))
    return;
  for (auto& [name, write] : protocol_samples)
    if (iequals(ctx.argv[2], name)) {
      write(ctx.reply);
      return;
    }
  ctx.reply.error(err::debug_protocol_type);
}

/// DEBUG RELOAD [NOSAVE]: save, empty the dataset and load the file back
/// (the persistence actor does it holding every partition).
void debug_reload_handler(command_context& ctx) {
  if (!debug_prologue(ctx, 2, false))
    return;
  bool save = true;
  for (size_t j = 2; j < ctx.argv.size(); ++j) {
    if (iequals(ctx.argv[j], "nosave")) {
      save = false;
    } else {
      ctx.reply.error(err::syntax);
      return;
    }
  }
  ctx.conn->persist(save ? persist_op::reload : persist_op::reload_nosave, ctx.conn->defer());
}

/// DEBUG LOADAOF: flush the AOF, empty the dataset and load the AOF
/// directory back (extra arguments are ignored, as in Redis).
void debug_loadaof_handler(command_context& ctx) {
  ctx.conn->persist(persist_op::loadaof, ctx.conn->defer());
}

void debug_help_handler(command_context& ctx) {
  if (!debug_prologue(ctx, 2))
    return;
  help_reply(ctx, "DEBUG",
             {"DIGEST",
              "    Reply with a hex signature of the whole dataset.",
              "DIGEST-VALUE <key> [<key> ...]",
              "    Reply with a hex signature of the value of each key.",
              "LOADAOF",
              "    Flush the AOF buffers on disk and reload the AOF in memory.",
              "OBJECT <key>",
              "    Describe how the value at <key> is stored.",
              "RELOAD [NOSAVE]",
              "    Save the RDB on disk and reload it back to memory. NOSAVE loads the",
              "    existing file without saving first.",
              "QUICKLIST-PACKED-THRESHOLD <size>",
              "    Sets the threshold for elements to be inserted as plain vs packed nodes",
              "    Default value is 1GB, allows values up to 4GB. Setting to 0 restores to default.",
              "PROTOCOL <type>",
              "    Reply with a test value of the specified type. <type> can be: string,",
              "    integer, double, bignum, null, array, set, map, attrib, push, verbatim,",
              "    true, false.",
              "SET-ACTIVE-EXPIRE <0|1>",
              "    Stop (0) or resume (1) expiring keys in the background; keys still",
              "    expire when accessed.",
              "SLEEP <seconds>",
              "    Block the event loop for <seconds> (decimals allowed)."});
}

} // namespace

void register_debug_family(commands::command_table& t) {
  using namespace commands;
  constexpr auto server = command_group::server;
  constexpr auto everywhere = exec_scope::all_partitions;
  // DEBUG is protected (enable-debug-command, checked when routed). Every
  // part takes any argument count: like Redis, each checks its own and
  // reports a mismatch with DEBUG's usage error. DEBUG declares no keys
  // (COMMAND GETKEYS says so); DEBUG OBJECT is routed by its key argument.
  constexpr uint32_t flags = f_admin | f_noscript | f_loading | f_stale | f_protected;
  constexpr command_docs part = {"Part of DEBUG.", "1.0.0", "O(1)"};
  const command_def rows[] = {
      // Redis's DEBUG is one plain command; actis splits it into parts only
      // so that each gets its own execution scope.
      {.name = "debug", .arity = -2, .flags = flags, .group = server, .handler = debug_handler,
       .docs = {"Container of the debugging subcommands.", "1.0.0", "Depends on subcommand."},
       .hide_subcommands = true},
      {.name = "debug|sleep", .arity = -2, .flags = flags, .group = server,
       .handler = debug_sleep_handler, .docs = part},
      {.name = "debug|set-active-expire", .arity = -2, .flags = flags, .group = server,
       .handler = debug_set_active_expire_handler, .docs = part},
      {.name = "debug|object", .arity = -2, .flags = flags, .group = server,
       .scope = exec_scope::keys, .handler = debug_object_handler, .route_key = 2, .docs = part},
      {.name = "debug|digest", .arity = -2, .flags = flags, .group = server, .scope = everywhere,
       .handler = debug_digest_handler, .docs = part},
      {.name = "debug|digest-value", .arity = -2, .flags = flags, .group = server,
       .scope = everywhere, .handler = debug_digest_value_handler, .docs = part},
      {.name = "debug|protocol", .arity = -2, .flags = flags, .group = server,
       .handler = debug_protocol_handler, .docs = part},
      {.name = "debug|quicklist-packed-threshold", .arity = -2, .flags = flags, .group = server,
       .handler = debug_packed_threshold_handler, .docs = part},
      {.name = "debug|reload", .arity = -2, .flags = flags, .group = server,
       .handler = debug_reload_handler, .docs = part},
      {.name = "debug|loadaof", .arity = -2, .flags = flags, .group = server,
       .handler = debug_loadaof_handler, .docs = part},
      {.name = "debug|help", .arity = -2, .flags = flags, .group = server,
       .handler = debug_help_handler, .docs = part},
  };
  t.add(rows);
}

} // namespace actis::actors
