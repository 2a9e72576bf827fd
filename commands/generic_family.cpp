// The generic (keyspace) commands: DEL, EXISTS, TYPE, KEYS, SCAN, RANDOMKEY,
// RENAME, COPY, MOVE, SWAPDB, TOUCH, OBJECT, the EXPIRE/TTL families,
// PERSIST, DBSIZE, FLUSHDB and FLUSHALL, with Redis 7.0's replies.
#include <cctype>
#include <cerrno>
#include <climits>
#include <cstdlib>

#include "commands/command.hpp"
#include "commands/context.hpp"
#include "commands/families.hpp"
#include "config/config.hpp"
#include "datatypes/strutil.hpp"

namespace actis::commands {

namespace {

namespace err = protocol::err;
using datatypes::iequals;

size_t db_slot(int db) { return static_cast<size_t>(db); }

/// Redis's getIntFromObjectOrReply: a strict long long that fits an int.
/// On failure replies `custom_error` if given, else Redis's two texts (not a
/// number / out of the int range).
bool parse_int_or_reply(command_context& ctx, std::string_view arg, int& out,
                        std::string_view custom_error = {}) {
  long long v = 0;
  bool number = datatypes::parse_ll(arg, v);
  if (number && v >= INT_MIN && v <= INT_MAX) {
    out = static_cast<int>(v);
    return true;
  }
  if (!custom_error.empty())
    ctx.reply.error(custom_error);
  else
    ctx.reply.error(number ? err::int_out_of_range : err::not_integer);
  return false;
}

/// Parses a database index argument as MOVE and COPY do.
bool parse_db_or_reply(command_context& ctx, std::string_view arg, int& out) {
  if (!parse_int_or_reply(ctx, arg, out))
    return false;
  if (out < 0 || out >= ctx.ks->databases()) {
    ctx.reply.error(err::db_index_out_of_range);
    return false;
  }
  return true;
}

bool is_expired(datatypes::db& d, const entry& e, int64_t now_ms) {
  return e.has_expire && d.expire_at(e) <= now_ms;
}

// ---------------------------------------------------------------- DEL & co

void del_handler(command_context& ctx) {
  long long removed = 0;
  for (size_t i = 1; i < ctx.argv.size(); ++i) {
    if (ctx.ks->remove(ctx.db, ctx.argv[i])) {
      ctx.ks->notify(ctx.db, ctx.argv[i], event_class::generic, "del");
      ++removed;
    }
  }
  ctx.reply.integer(removed);
}

void exists_handler(command_context& ctx) {
  long long found = 0;
  for (size_t i = 1; i < ctx.argv.size(); ++i)
    if (ctx.ks->lookup_read(ctx.db, ctx.argv[i], lookup_no_touch) != nullptr)
      ++found;
  ctx.reply.integer(found);
}

void touch_handler(command_context& ctx) {
  long long found = 0;
  for (size_t i = 1; i < ctx.argv.size(); ++i)
    if (ctx.ks->lookup_read(ctx.db, ctx.argv[i]) != nullptr)
      ++found;
  ctx.reply.integer(found);
}

void type_handler(command_context& ctx) {
  entry* e = ctx.ks->lookup_read(ctx.db, ctx.argv[1], lookup_no_touch);
  ctx.reply.simple(e == nullptr ? std::string_view("none") : e->val.traits().name);
}

// ------------------------------------------------------- KEYS SCAN RANDOMKEY

void keys_handler(command_context& ctx) {
  const std::string& pattern = ctx.argv[1];
  bool all = pattern == "*";
  auto now = ctx.ks->now_ms();
  std::vector<std::string> found;
  for (auto* p : ctx.ks->held()) {
    if (p == nullptr)
      continue;
    auto& d = p->dbs[db_slot(ctx.db)];
    d.for_each([&](entry& e) {
      // Expired keys are never listed (and not deleted here: the table must
      // not change while it is walked).
      if ((all || datatypes::glob_match(pattern, e.key())) && !is_expired(d, e, now))
        found.emplace_back(e.key());
    });
  }
  ctx.reply.array(found.size());
  for (auto& k : found)
    ctx.reply.bulk(k);
}

/// Redis's parseScanCursorOrReply: strtoul semantics (sign allowed, a
/// negative value wraps, the text ends at the first NUL), no leading space.
bool parse_scan_cursor(std::string_view arg, uint64_t& out) {
  std::string text(arg.substr(0, arg.find('\0')));
  if (!text.empty() && std::isspace(static_cast<unsigned char>(text[0])))
    return false;
  errno = 0;
  char* end = nullptr;
  out = std::strtoul(text.c_str(), &end, 10);
  return *end == '\0' && errno != ERANGE;
}

struct scan_options {
  long long count = 10;
  const std::string* pattern = nullptr;
  const std::string* type = nullptr;
};

bool parse_scan_options(command_context& ctx, scan_options& opt) {
  const auto& argv = ctx.argv;
  for (size_t i = 2; i < argv.size(); i += 2) {
    bool has_value = i + 1 < argv.size();
    if (has_value && iequals(argv[i], "count")) {
      if (!datatypes::parse_ll(argv[i + 1], opt.count)) {
        ctx.reply.error(err::not_integer);
        return false;
      }
      if (opt.count < 1) {
        ctx.reply.error(err::syntax);
        return false;
      }
    } else if (has_value && iequals(argv[i], "match")) {
      opt.pattern = &argv[i + 1];
    } else if (has_value && iequals(argv[i], "type")) {
      opt.type = &argv[i + 1];
    } else {
      ctx.reply.error(err::syntax);
      return false;
    }
  }
  return true;
}

/// SCAN over every partition: the cursor is table_cursor * partitions +
/// partition, so one cursor walks partition 0's table, then partition 1's...
/// Each table walk keeps Redis's guarantee, hence so does the whole scan.
void scan_handler(command_context& ctx) {
  uint64_t cursor = 0;
  if (!parse_scan_cursor(ctx.argv[1], cursor)) {
    ctx.reply.error(err::invalid_cursor);
    return;
  }
  scan_options opt;
  if (!parse_scan_options(ctx, opt))
    return;

  auto& held = ctx.ks->held();
  uint64_t partitions = ctx.ks->partition_count();
  uint64_t part = cursor % partitions;
  uint64_t table_cursor = cursor / partitions;
  auto wanted = static_cast<size_t>(opt.count);
  std::vector<std::string> keys;
  // db::scan stops after `count` keys or after visiting 10 * count buckets,
  // as Redis's SCAN loop does; an unfinished table ends this call.
  while (part < partitions && keys.size() < wanted) {
    auto& d = held[part]->dbs[db_slot(ctx.db)];
    table_cursor = d.scan(table_cursor, wanted - keys.size(),
                          [&](entry& e) { keys.emplace_back(e.key()); });
    if (table_cursor != 0)
      break;
    ++part;
  }
  uint64_t next = part >= partitions ? 0 : table_cursor * partitions + part;

  // Filter after collecting, as Redis does: pattern, then type, then expiry
  // (which deletes the key and propagates the DEL).
  std::vector<std::string> out;
  out.reserve(keys.size());
  for (auto& k : keys) {
    if (opt.pattern != nullptr && !datatypes::glob_match(*opt.pattern, k))
      continue;
    entry* e = opt.type != nullptr ? ctx.ks->lookup_read(ctx.db, k, lookup_no_touch)
                                   : ctx.ks->lookup_peek(ctx.db, k);
    if (e == nullptr)
      continue;
    if (opt.type != nullptr && !iequals(*opt.type, e->val.traits().name))
      continue;
    out.push_back(std::move(k));
  }
  ctx.reply.array(2);
  ctx.reply.bulk(std::to_string(next));
  ctx.reply.array(out.size());
  for (auto& k : out)
    ctx.reply.bulk(k);
}

void randomkey_handler(command_context& ctx) {
  auto& held = ctx.ks->held();
  auto& rng = held.front()->rng;
  for (;;) {
    size_t total = 0;
    for (auto* p : held)
      total += p->dbs[db_slot(ctx.db)].size();
    if (total == 0) {
      ctx.reply.null();
      return;
    }
    // A partition weighted by its key count, then a random key in it.
    size_t pick = std::uniform_int_distribution<size_t>(0, total - 1)(rng);
    partition_data* chosen = nullptr;
    for (auto* p : held) {
      auto n = p->dbs[db_slot(ctx.db)].size();
      if (pick < n) {
        chosen = p;
        break;
      }
      pick -= n;
    }
    auto& d = chosen->dbs[db_slot(ctx.db)];
    entry* e = d.random_entry(chosen->rng);
    std::string key(e->key());
    // An expired pick is deleted (lazy expiry) and another one drawn.
    if (ctx.ks->lookup_peek(ctx.db, key) == nullptr)
      continue;
    ctx.reply.bulk(key);
    return;
  }
}

// -------------------------------------------------- RENAME COPY MOVE SWAPDB

void rename_generic(command_context& ctx, bool nx) {
  const auto& src_key = ctx.argv[1];
  const auto& dst_key = ctx.argv[2];
  entry* src = ctx.ks->lookup_write(ctx.db, src_key);
  if (src == nullptr) {
    ctx.reply.error(err::no_such_key);
    return;
  }
  if (src_key == dst_key) {
    if (nx)
      ctx.reply.integer(0);
    else
      ctx.reply.ok();
    return;
  }
  int64_t expire = ctx.ks->expire_at(ctx.db, *src);
  if (ctx.ks->lookup_write(ctx.db, dst_key) != nullptr) {
    if (nx) {
      ctx.reply.integer(0);
      return;
    }
    ctx.ks->remove(ctx.db, dst_key);
  }
  // The value object moves with its idle time, as Redis moves the robj.
  uint32_t lru = src->lru;
  entry& moved = ctx.ks->add(ctx.db, dst_key, std::move(src->val));
  moved.lru = lru;
  if (expire != -1)
    ctx.ks->set_expire(ctx.db, moved, expire);
  ctx.ks->remove(ctx.db, src_key);
  // One change in the dirty counter, two events (as Redis counts it).
  ctx.ks->notify(change{ctx.db, src_key, event_class::generic, "rename_from", 0});
  ctx.ks->notify(ctx.db, dst_key, event_class::generic, "rename_to");
  if (nx)
    ctx.reply.integer(1);
  else
    ctx.reply.ok();
}

void rename_handler(command_context& ctx) { rename_generic(ctx, false); }
void renamenx_handler(command_context& ctx) { rename_generic(ctx, true); }

void copy_handler(command_context& ctx) {
  int dst_db = ctx.db;
  bool replace = false;
  const auto& argv = ctx.argv;
  for (size_t i = 3; i < argv.size(); ++i) {
    if (iequals(argv[i], "replace")) {
      replace = true;
    } else if (iequals(argv[i], "db") && i + 1 < argv.size()) {
      if (!parse_db_or_reply(ctx, argv[i + 1], dst_db))
        return;
      ++i;
    } else {
      ctx.reply.error(err::syntax);
      return;
    }
  }
  const auto& src_key = argv[1];
  const auto& dst_key = argv[2];
  if (dst_db == ctx.db && src_key == dst_key) {
    ctx.reply.error(err::same_object);
    return;
  }
  entry* src = ctx.ks->lookup_read(ctx.db, src_key);
  if (src == nullptr) {
    ctx.reply.integer(0);
    return;
  }
  int64_t expire = ctx.ks->expire_at(ctx.db, *src);
  bool dst_exists = ctx.ks->lookup_write(dst_db, dst_key) != nullptr;
  if (dst_exists && !replace) {
    ctx.reply.integer(0);
    return;
  }
  auto copy = src->val.clone();
  if (dst_exists)
    ctx.ks->remove(dst_db, dst_key);
  entry& added = ctx.ks->add(dst_db, dst_key, std::move(copy));
  if (expire != -1)
    ctx.ks->set_expire(dst_db, added, expire);
  ctx.ks->notify(dst_db, dst_key, event_class::generic, "copy_to");
  ctx.reply.integer(1);
}

/// MOVE: the key keeps its partition (a partition owns its slots in every
/// database), so this never crosses partitions.
void move_handler(command_context& ctx) {
  const auto& key = ctx.argv[1];
  int dst_db = 0;
  if (!parse_db_or_reply(ctx, ctx.argv[2], dst_db))
    return;
  if (dst_db == ctx.db) {
    ctx.reply.error(err::same_object);
    return;
  }
  entry* src = ctx.ks->lookup_write(ctx.db, key);
  if (src == nullptr) {
    ctx.reply.integer(0);
    return;
  }
  int64_t expire = ctx.ks->expire_at(ctx.db, *src);
  if (ctx.ks->lookup_write(dst_db, key) != nullptr) {
    ctx.reply.integer(0);
    return;
  }
  uint32_t lru = src->lru;
  entry& moved = ctx.ks->add(dst_db, key, std::move(src->val));
  moved.lru = lru;
  if (expire != -1)
    ctx.ks->set_expire(dst_db, moved, expire);
  ctx.ks->remove(ctx.db, key);
  ctx.ks->notify(change{ctx.db, key, event_class::generic, "move_from", 0});
  ctx.ks->notify(dst_db, key, event_class::generic, "move_to");
  ctx.reply.integer(1);
}

void swapdb_handler(command_context& ctx) {
  int first = 0, second = 0;
  if (!parse_int_or_reply(ctx, ctx.argv[1], first, err::invalid_first_db) ||
      !parse_int_or_reply(ctx, ctx.argv[2], second, err::invalid_second_db))
    return;
  int dbs = ctx.ks->databases();
  if (first < 0 || first >= dbs || second < 0 || second >= dbs) {
    ctx.reply.error(err::db_index_out_of_range);
    return;
  }
  if (first == second) {
    // Nothing changes, but Redis replicates it anyway.
    ctx.suppress_propagation();
    ctx.ks->propagate(ctx.db, ctx.argv);
    ctx.reply.ok();
    return;
  }
  // Reported before the swap: WATCH still sees which keys exist in each.
  ctx.ks->notify(change{first, {}, event_class::generic, {}, 1, true});
  ctx.ks->notify(change{second, {}, event_class::generic, {}, 0, true});
  for (auto* p : ctx.ks->held()) {
    p->dbs[db_slot(first)].swap(p->dbs[db_slot(second)]);
    std::swap(p->expire_cursor[db_slot(first)], p->expire_cursor[db_slot(second)]);
  }
  ctx.reply.ok();
}

// --------------------------------------------------------------- OBJECT

bool lfu_policy() {
  return config::registry::instance().get_one("maxmemory-policy").find("lfu") !=
         std::string::npos;
}

entry* object_lookup_or_null(command_context& ctx) {
  entry* e = ctx.ks->lookup_read(ctx.db, ctx.argv[2], lookup_no_touch | lookup_no_notify);
  if (e == nullptr)
    ctx.reply.null();
  return e;
}

void object_encoding_handler(command_context& ctx) {
  if (entry* e = object_lookup_or_null(ctx))
    ctx.reply.bulk(datatypes::encoding_name(e->val.encoding()));
}

void object_refcount_handler(command_context& ctx) {
  if (entry* e = object_lookup_or_null(ctx))
    ctx.reply.integer(shared_integer(e->val) ? INT_MAX : 1);
}

void object_idletime_handler(command_context& ctx) {
  entry* e = object_lookup_or_null(ctx);
  if (e == nullptr)
    return;
  if (lfu_policy()) {
    ctx.reply.error(err::lfu_idle_time);
    return;
  }
  ctx.reply.integer(static_cast<long long>(lru_idle_seconds(e->lru, lru_clock_at(ctx.ks->now_ms()))));
}

void object_freq_handler(command_context& ctx) {
  entry* e = object_lookup_or_null(ctx);
  if (e == nullptr)
    return;
  if (!lfu_policy()) {
    ctx.reply.error(err::lfu_not_selected);
    return;
  }
  // Access counts are not tracked: report Redis's initial counter (5)
  // decayed by one per idle minute (lfu-decay-time 1).
  auto idle_minutes = lru_idle_seconds(e->lru, lru_clock_at(ctx.ks->now_ms())) / 60;
  ctx.reply.integer(idle_minutes >= 5 ? 0 : static_cast<long long>(5 - idle_minutes));
}

void object_help_handler(command_context& ctx) {
  static constexpr std::string_view lines[] = {
      "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "ENCODING <key>",
      "    Return the kind of internal representation used in order to store the value",
      "    associated with a <key>.",
      "FREQ <key>",
      "    Return the access frequency index of the <key>. The returned integer is",
      "    proportional to the logarithm of the recent access frequency of the key.",
      "IDLETIME <key>",
      "    Return the idle time of the <key>, that is the approximated number of",
      "    seconds elapsed since the last access to the key.",
      "REFCOUNT <key>",
      "    Return the number of references of the value associated with the specified",
      "    <key>.",
      "HELP",
      "    Prints this help.",
  };
  ctx.reply.array(std::size(lines));
  for (auto line : lines)
    ctx.reply.simple(line);
}

// ------------------------------------------------------- EXPIRE & TTL

enum expire_flag : unsigned { expire_nx = 1, expire_xx = 2, expire_gt = 4, expire_lt = 8 };

bool parse_expire_flags(command_context& ctx, unsigned& flags) {
  for (size_t i = 3; i < ctx.argv.size(); ++i) {
    const auto& opt = ctx.argv[i];
    if (iequals(opt, "nx"))
      flags |= expire_nx;
    else if (iequals(opt, "xx"))
      flags |= expire_xx;
    else if (iequals(opt, "gt"))
      flags |= expire_gt;
    else if (iequals(opt, "lt"))
      flags |= expire_lt;
    else {
      ctx.reply.error(err::unsupported_option(opt));
      return false;
    }
  }
  if ((flags & expire_nx) && (flags & (expire_xx | expire_gt | expire_lt))) {
    ctx.reply.error(err::expire_options);
    return false;
  }
  if ((flags & expire_gt) && (flags & expire_lt)) {
    ctx.reply.error(err::expire_gt_lt);
    return false;
  }
  return true;
}

/// True if the NX/XX/GT/LT conditions allow replacing `current` (-1: none)
/// by `when`.
bool expire_condition_met(unsigned flags, int64_t current, long long when) {
  if ((flags & expire_nx) && current != -1)
    return false;
  if ((flags & expire_xx) && current == -1)
    return false;
  // No expire counts as an infinite TTL.
  if ((flags & expire_gt) && (current == -1 || when <= current))
    return false;
  if ((flags & expire_lt) && current != -1 && when >= current)
    return false;
  return true;
}

/// EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT. `basetime` is added to the
/// argument (now for relative forms, 0 for absolute ones).
void expire_generic(command_context& ctx, int64_t basetime, bool seconds) {
  unsigned flags = 0;
  if (!parse_expire_flags(ctx, flags))
    return;
  long long when = 0;
  if (!datatypes::parse_ll(ctx.argv[2], when)) {
    ctx.reply.error(err::not_integer);
    return;
  }
  if (seconds) {
    if (when > LLONG_MAX / 1000 || when < LLONG_MIN / 1000) {
      ctx.reply.error(err::invalid_expire(ctx.spec.name));
      return;
    }
    when *= 1000;
  }
  if (when > LLONG_MAX - basetime) {
    ctx.reply.error(err::invalid_expire(ctx.spec.name));
    return;
  }
  when += basetime;

  const auto& key = ctx.argv[1];
  entry* e = ctx.ks->lookup_write(ctx.db, key);
  if (e == nullptr) {
    ctx.reply.integer(0);
    return;
  }
  if (flags != 0 && !expire_condition_met(flags, ctx.ks->expire_at(ctx.db, *e), when)) {
    ctx.reply.integer(0);
    return;
  }
  if (when <= ctx.ks->now_ms()) {
    // Already in the past: the key goes now, replicated as an explicit DEL.
    ctx.ks->remove(ctx.db, key);
    ctx.ks->notify(ctx.db, key, event_class::generic, "del");
    ctx.propagate_as({"DEL", key});
    ctx.reply.integer(1);
    return;
  }
  ctx.ks->set_expire(ctx.db, *e, when);
  ctx.ks->notify(ctx.db, key, event_class::generic, "expire");
  // Replicated as PEXPIREAT with the absolute time; options are kept.
  command_args rewritten = ctx.argv;
  if (ctx.spec.name != "pexpireat")
    rewritten[0] = "PEXPIREAT";
  if (basetime != 0 || seconds)
    rewritten[2] = std::to_string(when);
  ctx.propagate_as(std::move(rewritten));
  ctx.reply.integer(1);
}

void expire_handler(command_context& ctx) { expire_generic(ctx, ctx.ks->now_ms(), true); }
void pexpire_handler(command_context& ctx) { expire_generic(ctx, ctx.ks->now_ms(), false); }
void expireat_handler(command_context& ctx) { expire_generic(ctx, 0, true); }
void pexpireat_handler(command_context& ctx) { expire_generic(ctx, 0, false); }

/// TTL, PTTL, EXPIRETIME, PEXPIRETIME: -2 no key, -1 no expire.
void ttl_generic(command_context& ctx, bool millis, bool absolute) {
  entry* e = ctx.ks->lookup_read(ctx.db, ctx.argv[1], lookup_no_touch);
  if (e == nullptr) {
    ctx.reply.integer(-2);
    return;
  }
  int64_t expire = ctx.ks->expire_at(ctx.db, *e);
  if (expire == -1) {
    ctx.reply.integer(-1);
    return;
  }
  int64_t ttl = absolute ? expire : expire - ctx.ks->now_ms();
  if (ttl < 0)
    ttl = 0;
  // Seconds round half up; split so that huge times cannot overflow.
  ctx.reply.integer(millis ? ttl : ttl / 1000 + (ttl % 1000 >= 500 ? 1 : 0));
}

void ttl_handler(command_context& ctx) { ttl_generic(ctx, false, false); }
void pttl_handler(command_context& ctx) { ttl_generic(ctx, true, false); }
void expiretime_handler(command_context& ctx) { ttl_generic(ctx, false, true); }
void pexpiretime_handler(command_context& ctx) { ttl_generic(ctx, true, true); }

void persist_handler(command_context& ctx) {
  entry* e = ctx.ks->lookup_write(ctx.db, ctx.argv[1]);
  if (e == nullptr || !ctx.ks->persist(ctx.db, *e)) {
    ctx.reply.integer(0);
    return;
  }
  ctx.ks->notify(ctx.db, ctx.argv[1], event_class::generic, "persist");
  ctx.reply.integer(1);
}

// ------------------------------------------------- DBSIZE FLUSHDB FLUSHALL

void dbsize_handler(command_context& ctx) {
  long long total = 0;
  for (auto& p : *ctx.summaries)
    total += static_cast<long long>(p.dbs[db_slot(ctx.db)].keys);
  ctx.reply.integer(total);
}

/// The optional SYNC / ASYNC argument; both free memory inline here.
bool parse_flush_mode(command_context& ctx) {
  if (ctx.argv.size() == 1)
    return true;
  if (ctx.argv.size() == 2 && (iequals(ctx.argv[1], "sync") || iequals(ctx.argv[1], "async")))
    return true;
  ctx.reply.error(err::syntax);
  return false;
}

/// Empties database `db` in every held partition. The removed keys count as
/// changes, reported before they go so that WATCH still sees them.
void flush_db(command_context& ctx, int db) {
  uint64_t removed = 0;
  for (auto* p : ctx.ks->held())
    removed += p->dbs[db_slot(db)].size();
  ctx.ks->notify(change{db, {}, event_class::generic, {}, removed, true});
  for (auto* p : ctx.ks->held()) {
    p->dbs[db_slot(db)].clear();
    p->expire_cursor[db_slot(db)] = 0;
  }
}

void flushdb_handler(command_context& ctx) {
  if (!parse_flush_mode(ctx))
    return;
  flush_db(ctx, ctx.db);
  // Redis forces propagation even when nothing was removed.
  ctx.suppress_propagation();
  ctx.ks->propagate(ctx.db, ctx.argv);
  ctx.reply.ok();
}

void flushall_handler(command_context& ctx) {
  if (!parse_flush_mode(ctx))
    return;
  for (int db = 0; db < ctx.ks->databases(); ++db)
    flush_db(ctx, db);
  // As FLUSHDB. (Redis with save points configured also saves an RDB here
  // and then counts one change: the persistence issue adds that.)
  ctx.suppress_propagation();
  ctx.ks->propagate(ctx.db, ctx.argv);
  ctx.reply.ok();
}

} // namespace

// ------------------------------------------------------------ registration

void register_generic_family(command_table& t) {
  constexpr auto server = command_group::server;
  constexpr auto everywhere = exec_scope::all_partitions;
  constexpr const char* o1 = "O(1)";
  constexpr auto per_key_sum = "request_policy:multi_shard response_policy:agg_sum";
  constexpr auto every_shard_succeeds = "request_policy:all_shards response_policy:all_succeeded";
  const key_spec all_removed{k_rm | k_delete, begin_at(1), keys_range(-1)};
  const key_spec all_looked_at{k_ro, begin_at(1), keys_range(-1)};
  const key_spec renamed = key_at(1, k_rw | k_access | k_delete);
  const key_spec expiry_changed = key_at(1, k_rw | k_update);
  const key_spec read = key_at(1, k_ro | k_access);
  const key_spec object_key = key_at(2, k_ro);
  const command_def rows[] = {
      {.name = "del", .arity = -2, .flags = f_write, .keys = {all_removed}, .handler = del_handler,
       .tips = per_key_sum,
       .docs = {"Removes keys and their values.", "1.0.0",
                "O(N) in the number of keys, plus the size of each removed collection."}},
      {.name = "unlink", .arity = -2, .flags = f_write | f_fast, .keys = {all_removed},
       .handler = del_handler, .tips = per_key_sum,
       .docs = {"Removes keys; memory reclaim may be deferred.", "4.0.0",
                "O(1) per key removed."}},
      {.name = "exists", .arity = -2, .flags = f_readonly | f_fast, .keys = {all_looked_at},
       .handler = exists_handler, .tips = per_key_sum,
       .docs = {"Counts how many of the given keys exist.", "1.0.0",
                "O(N) in the number of keys."}},
      {.name = "type", .arity = 2, .flags = f_readonly | f_fast, .keys = {key_at(1, k_ro)},
       .handler = type_handler, .docs = {"Names the type of the value at a key.", "1.0.0", o1}},
      {.name = "keys", .arity = 2, .flags = f_readonly, .scope = everywhere,
       .handler = keys_handler,
       .tips = "request_policy:all_shards nondeterministic_output_order",
       .extra_acl = acl_dangerous,
       .docs = {"Lists every key matching a pattern.", "1.0.0",
                "O(N) in the number of keys of the database."}},
      {.name = "scan", .arity = -2, .flags = f_readonly, .scope = everywhere,
       .handler = scan_handler, .tips = "nondeterministic_output request_policy:special",
       .docs = {"Walks the keys of a database with a cursor.", "2.8.0",
                "O(1) per call, O(N) for a complete iteration."}},
      {.name = "randomkey", .arity = 1, .flags = f_readonly, .scope = everywhere,
       .handler = randomkey_handler,
       .tips = "request_policy:all_shards nondeterministic_output",
       .docs = {"Returns a key picked at random.", "1.0.0", o1}},
      {.name = "rename", .arity = 3, .flags = f_write,
       .keys = {renamed, key_at(2, k_ow | k_update)}, .handler = rename_handler,
       .docs = {"Gives a key a new name, replacing any target.", "1.0.0", o1}},
      {.name = "renamenx", .arity = 3, .flags = f_write | f_fast,
       .keys = {renamed, key_at(2, k_ow | k_insert)}, .handler = renamenx_handler,
       .docs = {"Gives a key a new name unless the new name is taken.", "1.0.0", o1}},
      {.name = "copy", .arity = -3, .flags = f_write | f_denyoom,
       .keys = {read, key_at(2, k_ow | k_update)}, .handler = copy_handler,
       .docs = {"Duplicates a value under another key or database.", "6.2.0",
                "O(N) in the number of nested elements, O(1) for strings."}},
      {.name = "move", .arity = 3, .flags = f_write | f_fast,
       .keys = {key_at(1, k_rw | k_access | k_update)}, .handler = move_handler,
       .docs = {"Moves a key to another database.", "1.0.0", o1}},
      {.name = "swapdb", .arity = 3, .flags = f_write | f_fast, .group = server,
       .scope = everywhere, .handler = swapdb_handler, .extra_acl = acl_keyspace | acl_dangerous,
       .docs = {"Exchanges the contents of two databases.", "4.0.0",
                "O(N) in the clients watching or blocked on keys of both databases."}},
      {.name = "touch", .arity = -2, .flags = f_readonly | f_fast, .keys = {all_looked_at},
       .handler = touch_handler, .tips = per_key_sum,
       .docs = {"Marks keys as just accessed; counts those that exist.", "3.2.1",
                "O(N) in the number of keys."}},

      {.name = "object", .arity = -2,
       .docs = {"Container of the value introspection subcommands.", "2.2.3",
                "Depends on subcommand."}},
      {.name = "object|encoding", .arity = 3, .flags = f_readonly, .keys = {object_key},
       .handler = object_encoding_handler, .tips = "nondeterministic_output",
       .docs = {"Names the internal encoding of a value.", "2.2.3", o1}},
      {.name = "object|freq", .arity = 3, .flags = f_readonly, .keys = {object_key},
       .handler = object_freq_handler, .tips = "nondeterministic_output",
       .docs = {"Returns the logarithmic access counter of a value.", "4.0.0", o1}},
      {.name = "object|idletime", .arity = 3, .flags = f_readonly, .keys = {object_key},
       .handler = object_idletime_handler, .tips = "nondeterministic_output",
       .docs = {"Seconds since a value was last accessed.", "2.2.3", o1}},
      {.name = "object|refcount", .arity = 3, .flags = f_readonly, .keys = {object_key},
       .handler = object_refcount_handler, .tips = "nondeterministic_output",
       .docs = {"Number of references to a value.", "2.2.3", o1}},
      {.name = "object|help", .arity = 2, .flags = f_loading | f_stale,
       .handler = object_help_handler,
       .docs = {"Describes the OBJECT subcommands.", "6.2.0", o1}},

      {.name = "expire", .arity = -3, .flags = f_write | f_fast, .keys = {expiry_changed},
       .handler = expire_handler,
       .docs = {"Sets a key's time to live in seconds.", "1.0.0", o1}},
      {.name = "pexpire", .arity = -3, .flags = f_write | f_fast, .keys = {expiry_changed},
       .handler = pexpire_handler,
       .docs = {"Sets a key's time to live in milliseconds.", "2.6.0", o1}},
      {.name = "expireat", .arity = -3, .flags = f_write | f_fast, .keys = {expiry_changed},
       .handler = expireat_handler,
       .docs = {"Sets a key's expiry as a unix time in seconds.", "1.2.0", o1}},
      {.name = "pexpireat", .arity = -3, .flags = f_write | f_fast, .keys = {expiry_changed},
       .handler = pexpireat_handler,
       .docs = {"Sets a key's expiry as a unix time in milliseconds.", "2.6.0", o1}},
      {.name = "ttl", .arity = 2, .flags = f_readonly | f_fast, .keys = {read},
       .handler = ttl_handler, .tips = "nondeterministic_output",
       .docs = {"Seconds left before a key expires.", "1.0.0", o1}},
      {.name = "pttl", .arity = 2, .flags = f_readonly | f_fast, .keys = {read},
       .handler = pttl_handler, .tips = "nondeterministic_output",
       .docs = {"Milliseconds left before a key expires.", "2.6.0", o1}},
      {.name = "expiretime", .arity = 2, .flags = f_readonly | f_fast, .keys = {read},
       .handler = expiretime_handler,
       .docs = {"Unix time in seconds at which a key expires.", "7.0.0", o1}},
      {.name = "pexpiretime", .arity = 2, .flags = f_readonly | f_fast, .keys = {read},
       .handler = pexpiretime_handler,
       .docs = {"Unix time in milliseconds at which a key expires.", "7.0.0", o1}},
      {.name = "persist", .arity = 2, .flags = f_write | f_fast, .keys = {expiry_changed},
       .handler = persist_handler, .docs = {"Removes a key's expiry.", "2.2.0", o1}},

      {.name = "dbsize", .arity = 1, .flags = f_readonly | f_fast, .group = server,
       .scope = exec_scope::summaries, .handler = dbsize_handler,
       .tips = "request_policy:all_shards response_policy:agg_sum", .extra_acl = acl_keyspace,
       .docs = {"Number of keys in the selected database.", "1.0.0", o1}},
      {.name = "flushdb", .arity = -1, .flags = f_write, .group = server, .scope = everywhere,
       .handler = flushdb_handler, .tips = every_shard_succeeds,
       .extra_acl = acl_keyspace | acl_dangerous,
       .docs = {"Removes every key of the selected database.", "1.0.0",
                "O(N) in the number of keys of the database."}},
      {.name = "flushall", .arity = -1, .flags = f_write, .group = server, .scope = everywhere,
       .handler = flushall_handler, .tips = every_shard_succeeds,
       .extra_acl = acl_keyspace | acl_dangerous,
       .docs = {"Removes every key of every database.", "1.0.0",
                "O(N) in the number of keys of all databases."}},
  };
  t.add(rows);
}

} // namespace actis::commands
