#include "commands/dump_ops.hpp"

#include <climits>
#include <cstdint>

#include "config/config.hpp"
#include "datatypes/strutil.hpp"
#include "persistence/rdb_format.hpp"
#include "persistence/rdb_reader.hpp"

namespace actis::commands {

namespace {

bool config_is(std::string_view name, std::string_view want) {
  return config::registry::instance().get_one(name) == want;
}

} // namespace

op_result<std::string> op_dump(keyspace& ks, int db, std::string_view key) {
  entry* e = ks.lookup_read(db, key);
  if (e == nullptr)
    return op_status::nil;
  return persistence::dump_payload(e->val, config_is("rdbcompression", "yes"));
}

op_result<restore_outcome> op_restore(keyspace& ks, int db, std::string_view key,
                                      std::string_view ttl_arg, std::string_view payload,
                                      const restore_options& opt) {
  entry* old = ks.lookup_write(db, key);
  if (old != nullptr && !opt.replace)
    return op_status::busy_key;
  long long ttl = 0;
  if (!datatypes::parse_ll(ttl_arg, ttl))
    return op_status::not_integer;
  if (ttl < 0)
    return op_status::restore_ttl_negative;
  if (!persistence::dump_payload_ok(payload, true))
    return op_status::dump_payload_invalid;
  // Redis decodes from the payload's start and ignores what follows the
  // value: the footer was checked above.
  auto body = payload.substr(1);
  std::string error;
  // sanitize-dump-payload "clients" sanitizes what clients send, which
  // RESTORE always is here (replication is not there yet).
  bool deep = !config_is("sanitize-dump-payload", "no");
  auto v = persistence::read_value(static_cast<uint8_t>(payload[0]), body, error, deep);
  if (!v)
    return op_status::bad_data_format;

  restore_outcome out;
  if (old != nullptr)
    out.deleted_old = ks.remove(db, key);
  // A relative TTL that overflows wraps negative in Redis, which then
  // takes the key for already expired: the same outcome here, without the
  // overflow.
  bool wrapped = ttl != 0 && !opt.absttl && ttl > INT64_MAX - ks.now_ms();
  if (ttl != 0 && !opt.absttl && !wrapped)
    ttl += ks.now_ms();
  if (wrapped || (ttl != 0 && ttl <= ks.now_ms())) {
    if (out.deleted_old)
      ks.notify(db, key, event_class::generic, "del");
    return out;
  }
  entry& added = ks.add(db, key, std::move(*v));
  if (ttl != 0)
    ks.set_expire(db, added, ttl);
  added.lru = use_stamp_restored(opt.freq, opt.idle_s, ks.now_ms());
  ks.notify(db, key, event_class::generic, "restore");
  out.stored = true;
  out.expire_ms = ttl;
  return out;
}

} // namespace actis::commands
