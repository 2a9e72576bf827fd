#include "persistence/aof_rewrite.hpp"

#include <initializer_list>

#include "datatypes/hash_value.hpp"
#include "datatypes/list_value.hpp"
#include "datatypes/set_value.hpp"
#include "datatypes/stream.hpp"
#include "datatypes/strutil.hpp"
#include "datatypes/zset.hpp"
#include "persistence/aof_format.hpp"

namespace actis::persistence {

using datatypes::obj_type;

namespace {

/// Redis's AOF_REWRITE_ITEMS_PER_CMD: elements per RPUSH/SADD/ZADD/HMSET,
/// so no command of the base is huge.
constexpr size_t items_per_command = 64;

void put_command(std::string& out, std::initializer_list<std::string_view> argv) {
  append_resp_array(out, argv.size());
  for (auto a : argv)
    append_resp_bulk(out, a);
}

/// The elements of one collection, each `args_per_item` arguments, as
/// commands "<name> <key> element..." of at most items_per_command each.
class batched_command {
public:
  batched_command(std::string& out, std::string_view name, std::string_view key,
                  size_t args_per_item)
      : out_(out), name_(name), key_(key), args_per_item_(args_per_item) {}
  batched_command(const batched_command&) = delete;
  batched_command& operator=(const batched_command&) = delete;
  ~batched_command() { flush(); }

  void add(std::string_view arg) {
    append_resp_bulk(args_, arg);
    if (++args_in_item_ < args_per_item_)
      return;
    args_in_item_ = 0;
    if (++items_ == items_per_command)
      flush();
  }

private:
  void flush() {
    if (items_ == 0)
      return;
    append_resp_array(out_, 2 + items_ * args_per_item_);
    append_resp_bulk(out_, name_);
    append_resp_bulk(out_, key_);
    out_ += args_;
    args_.clear();
    items_ = 0;
  }

  std::string& out_;
  std::string_view name_;
  std::string_view key_;
  size_t args_per_item_;
  std::string args_;
  size_t args_in_item_ = 0;
  size_t items_ = 0;
};

void put_list(std::string& out, std::string_view key, const datatypes::quicklist& q) {
  if (q.empty())
    return;
  batched_command rpush(out, "RPUSH", key, 1);
  auto c = q.seek(0);
  do
    rpush.add(q.get(c));
  while (q.next(c));
}

void put_zset(std::string& out, std::string_view key, const datatypes::zset& z) {
  batched_command zadd(out, "ZADD", key, 2);
  for (auto c = z.at_rank(0); c.valid(); c.next()) {
    zadd.add(datatypes::double_to_string(c.score()));
    zadd.add(c.member());
  }
}

/// Entries, then XSETID (last ID, entries added, max deleted ID), then each
/// group with XGROUP CREATE, and per consumer an XCLAIM ... JUSTID FORCE of
/// each of its pending entries (keeping delivery time and count) or, with
/// none, XGROUP CREATECONSUMER.
void put_stream(std::string& out, std::string_view key, const datatypes::stream& s) {
  if (s.length() > 0) {
    datatypes::stream::iterator it(s, datatypes::stream_id{}, datatypes::stream_id::max(), false);
    datatypes::stream_entry e;
    while (it.next(e)) {
      append_resp_array(out, 3 + e.fields.size());
      append_resp_bulk(out, "XADD");
      append_resp_bulk(out, key);
      append_resp_bulk(out, e.id.str());
      for (auto f : e.fields)
        append_resp_bulk(out, f);
    }
  } else {
    // An empty stream is made by adding an entry that MAXLEN 0 trims at
    // once; XSETID below sets its real last ID.
    put_command(out, {"XADD", key, "MAXLEN", "0", "0-1", "x", "y"});
  }
  put_command(out, {"XSETID", key, s.last_id.str(), "ENTRIESADDED",
                    datatypes::ll_to_string(static_cast<long long>(s.entries_added)),
                    "MAXDELETEDID", s.max_deleted_id.str()});
  for (auto& [name, g] : s.groups) {
    put_command(out, {"XGROUP", "CREATE", key, name, g.last_id.str(), "ENTRIESREAD",
                      datatypes::ll_to_string(g.entries_read)});
    for (auto& [cname, c] : g.consumers) {
      if (c.pending.empty()) {
        put_command(out, {"XGROUP", "CREATECONSUMER", key, name, cname});
        continue;
      }
      for (auto id : c.pending) {
        auto& p = g.pel.at(id);
        put_command(out, {"XCLAIM", key, name, cname, "0", id.str(), "TIME",
                          datatypes::ll_to_string(p.delivery_time), "RETRYCOUNT",
                          datatypes::ll_to_string(static_cast<long long>(p.delivery_count)),
                          "JUSTID", "FORCE"});
      }
    }
  }
}

} // namespace

void put_select_command(std::string& out, int db) {
  put_command(out, {"SELECT", datatypes::ll_to_string(db)});
}

void put_function_command(std::string& out, std::string_view library_code) {
  put_command(out, {"FUNCTION", "LOAD", library_code});
}

void put_entry_commands(std::string& out, std::string_view key, const datatypes::value& v,
                        int64_t expire_ms) {
  switch (v.type()) {
  case obj_type::string: {
    std::string scratch;
    put_command(out, {"SET", key, v.str(scratch)});
    break;
  }
  case obj_type::list:
    put_list(out, key, datatypes::list_items(v));
    break;
  case obj_type::set: {
    batched_command sadd(out, "SADD", key, 1);
    datatypes::as_set(v)->for_each([&](std::string_view m) { sadd.add(m); });
    break;
  }
  case obj_type::zset:
    put_zset(out, key, datatypes::as_zset(v));
    break;
  case obj_type::hash: {
    batched_command hmset(out, "HMSET", key, 2);
    datatypes::as_hash(v).for_each([&](std::string_view f, std::string_view val) {
      hmset.add(f);
      hmset.add(val);
    });
    break;
  }
  case obj_type::stream:
    put_stream(out, key, *static_cast<const datatypes::stream*>(v.coll()));
    break;
  }
  if (expire_ms >= 0)
    put_command(out, {"PEXPIREAT", key, datatypes::ll_to_string(expire_ms)});
}

} // namespace actis::persistence
