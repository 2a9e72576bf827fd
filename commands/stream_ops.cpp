#include "commands/stream_ops.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <memory>

#include "datatypes/strutil.hpp"
#include "protocol/errors.hpp"

namespace actis::commands {

using datatypes::obj_type;

namespace {

/// Redis's string2ull: a long long that is not negative, or what strtoull
/// accepts beyond that range.
bool parse_ull(std::string_view s, uint64_t& out) {
  // Plain digits (leading zeros too, as strtoull takes them) without
  // overflow: the common case, parsed in place.
  if (!s.empty() && s.size() <= 19 &&
      std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    out = 0;
    for (char c : s)
      out = out * 10 + static_cast<uint64_t>(c - '0');
    return true;
  }
  long long ll = 0;
  if (datatypes::parse_ll(s, ll)) {
    if (ll < 0)
      return false;
    out = static_cast<uint64_t>(ll);
    return true;
  }
  if (s.empty() || s.size() > 64)
    return false;
  std::string z(s);
  errno = 0;
  char* end = nullptr;
  out = std::strtoull(z.c_str(), &end, 10);
  return errno != EINVAL && errno != ERANGE && *end == '\0';
}

void notify_stream(keyspace& ks, int db, std::string_view key, std::string_view event,
                   uint64_t dirty = 1) {
  ks.notify(change{db, key, event_class::stream, event, dirty});
}

op_result<entry*> write_stream(keyspace& ks, int db, std::string_view key) {
  entry* e = ks.lookup_write(db, key);
  if (e != nullptr && e->val.type() != obj_type::stream)
    return op_status::wrong_type;
  return e;
}

stream& as_stream(entry& e) { return *static_cast<stream*>(e.val.coll()); }

/// Trims `s` as `args` ask (the limit as parsed).
uint64_t apply_trim(stream& s, const trim_args& args) {
  auto limit = static_cast<uint64_t>(args.limit);
  uint64_t removed = 0;
  if (args.how == trim_args::strategy::maxlen)
    removed = s.trim_maxlen(static_cast<uint64_t>(args.maxlen), args.approx, limit);
  else if (args.how == trim_args::strategy::minid)
    removed = s.trim_minid(args.minid, args.approx, limit);
  if (removed > 0)
    s.recorded_first_id = s.length() > 0 ? s.first_id() : stream_id{};
  return removed;
}

} // namespace

bool parse_stream_id(std::string_view s, stream_id& out, uint64_t missing_seq, bool strict,
                     bool* seq_given) {
  if (s.size() > 127)
    return false;
  if (!strict && s == "-") {
    out = {};
    return true;
  }
  if (!strict && s == "+") {
    out = stream_id::max();
    return true;
  }
  auto dash = s.find('-');
  if (dash == std::string_view::npos) {
    if (!parse_ull(s, out.ms))
      return false;
    out.seq = missing_seq;
    return true;
  }
  if (!parse_ull(s.substr(0, dash), out.ms))
    return false;
  auto seq = s.substr(dash + 1);
  if (seq_given != nullptr && seq == "*") {
    out.seq = 0;
    *seq_given = false;
    return true;
  }
  return parse_ull(seq, out.seq);
}

bool parse_interval_id(std::string_view s, stream_id& out, bool& exclusive,
                       uint64_t missing_seq) {
  exclusive = s.size() > 1 && s[0] == '(';
  if (exclusive)
    return parse_stream_id(s.substr(1), out, missing_seq, true);
  return parse_stream_id(s, out, missing_seq, false);
}

std::string parse_trim_options(const protocol::command_args& argv, bool xadd, xadd_args& out) {
  namespace err = protocol::err;
  trim_args& t = out.trim;
  bool limit_given = false;
  size_t i = 2;
  const size_t argc = argv.size();
  for (; i < argc; ++i) {
    size_t more = argc - 1 - i;
    const std::string& opt = argv[i];
    if (xadd && opt == "*") {
      break;
    }
    bool maxlen = datatypes::iequals(opt, "maxlen");
    if ((maxlen || datatypes::iequals(opt, "minid")) && more > 0) {
      if (t.how != trim_args::strategy::none)
        return std::string(err::stream_maxlen_and_minid);
      t.approx = false;
      const std::string& next = argv[i + 1];
      if (more >= 2 && next == "~") {
        t.approx = true;
        ++i;
      } else if (more >= 2 && next == "=") {
        ++i;
      }
      if (maxlen) {
        if (!datatypes::parse_ll(argv[i + 1], t.maxlen))
          return std::string(err::not_integer);
        if (t.maxlen < 0)
          return std::string(err::stream_maxlen_negative);
        t.how = trim_args::strategy::maxlen;
      } else {
        if (!parse_stream_id(argv[i + 1], t.minid, 0, true))
          return std::string(err::invalid_stream_id);
        t.how = trim_args::strategy::minid;
      }
      ++i;
      t.threshold_index = i;
    } else if (datatypes::iequals(opt, "limit") && more > 0) {
      if (!datatypes::parse_ll(argv[i + 1], t.limit))
        return std::string(err::not_integer);
      if (t.limit < 0)
        return std::string(err::stream_limit_negative);
      limit_given = true;
      t.limit_index = i;
      ++i;
    } else if (xadd && datatypes::iequals(opt, "nomkstream")) {
      out.nomkstream = true;
    } else if (xadd) {
      if (!parse_stream_id(opt, out.id, 0, true, &out.seq_given))
        return std::string(err::invalid_stream_id);
      out.id_given = true;
      break;
    } else {
      return std::string(err::syntax);
    }
  }
  out.id_index = i;
  if (t.limit != 0 && t.how == trim_args::strategy::none)
    return std::string(err::stream_limit_without_strategy);
  if (!xadd && t.how == trim_args::strategy::none)
    return std::string(err::stream_xtrim_without_strategy);
  if (limit_given) {
    if (!t.approx)
      return std::string(err::stream_limit_without_approx);
  } else {
    t.limit = t.approx ? 100 * static_cast<long long>(stream::node_max_entries) : 0;
  }
  return {};
}

op_result<xadd_result> op_xadd(keyspace& ks, int db, std::string_view key, const xadd_args& args,
                               std::span<const std::string> fields) {
  if (args.id_given && args.seq_given && args.id.is_zero())
    return op_status::stream_id_zero;
  auto found = write_stream(ks, db, key);
  if (!found.ok())
    return found.error();
  entry* e = *found;
  xadd_result result;
  if (e == nullptr) {
    if (args.nomkstream)
      return result;
    e = &ks.add(db, key, value::from_collection(std::make_unique<stream>()));
  }
  stream& s = as_stream(*e);
  if (s.last_id == stream_id::max())
    return op_status::stream_exhausted;
  stream_id id;
  if (!args.id_given) {
    auto now = static_cast<uint64_t>(ks.now_ms());
    if (now > s.last_id.ms) {
      id = {now, 0};
    } else {
      id = s.last_id;
      id.incr();
    }
  } else if (!args.seq_given) {
    if (s.last_id.ms == args.id.ms) {
      if (s.last_id.seq == UINT64_MAX)
        return op_status::stream_id_too_small;
      id = {args.id.ms, s.last_id.seq + 1};
    } else {
      id = {args.id.ms, 0};
    }
  } else {
    id = args.id;
  }
  if (id <= s.last_id)
    return op_status::stream_id_too_small;
  s.append(id, fields);
  result.id = id;
  notify_stream(ks, db, key, "xadd");
  if (args.trim.how != trim_args::strategy::none) {
    result.trimmed = apply_trim(s, args.trim);
    if (result.trimmed > 0)
      notify_stream(ks, db, key, "xtrim", 0);
  }
  return result;
}

op_result<uint64_t> op_xtrim(keyspace& ks, int db, std::string_view key, const trim_args& args) {
  auto found = write_stream(ks, db, key);
  if (!found.ok())
    return found.error();
  if (*found == nullptr)
    return uint64_t{0};
  uint64_t removed = apply_trim(as_stream(**found), args);
  if (removed > 0)
    notify_stream(ks, db, key, "xtrim", removed);
  return removed;
}

std::string trim_threshold_after(keyspace& ks, int db, std::string_view key,
                                 const trim_args& args) {
  entry* e = ks.lookup_peek(db, key);
  const stream& s = as_stream(*e);
  if (args.how == trim_args::strategy::maxlen)
    return datatypes::ll_to_string(static_cast<long long>(s.length()));
  return (s.length() > 0 ? s.first_id() : stream_id::max()).str();
}

op_result<uint64_t> op_xdel(keyspace& ks, int db, std::string_view key,
                            std::span<const stream_id> ids) {
  auto found = write_stream(ks, db, key);
  if (!found.ok())
    return found.error();
  if (*found == nullptr)
    return uint64_t{0};
  stream& s = as_stream(**found);
  uint64_t deleted = 0;
  bool first_deleted = false;
  for (auto id : ids) {
    if (!s.erase(id))
      continue;
    if (id == s.recorded_first_id)
      first_deleted = true;
    if (id > s.max_deleted_id)
      s.max_deleted_id = id;
    ++deleted;
  }
  if (deleted > 0) {
    if (s.length() == 0)
      s.recorded_first_id = {};
    else if (first_deleted)
      s.recorded_first_id = s.first_id();
    notify_stream(ks, db, key, "xdel", deleted);
  }
  return deleted;
}

op_status op_xsetid(keyspace& ks, int db, std::string_view key, stream_id id,
                    long long entries_added, stream_id max_deleted) {
  auto found = write_stream(ks, db, key);
  if (!found.ok())
    return found.status();
  if (*found == nullptr)
    return op_status::no_such_key;
  stream& s = as_stream(**found);
  if (s.length() > 0) {
    if (id < s.last_entry_id())
      return op_status::stream_setid_below_top;
    if (entries_added != -1 && s.length() > static_cast<uint64_t>(entries_added))
      return op_status::stream_setid_entries_added;
  }
  s.last_id = id;
  if (entries_added != -1)
    s.entries_added = static_cast<uint64_t>(entries_added);
  if (!max_deleted.is_zero())
    s.max_deleted_id = max_deleted;
  // Redis counts it and publishes the event but does not signal WATCH.
  ks.notify_unsignalled(db, key, event_class::stream, "xsetid");
  return op_status::ok;
}

op_result<stream*> op_read_stream(keyspace& ks, int db, std::string_view key) {
  entry* e = ks.lookup_read(db, key);
  if (e == nullptr)
    return static_cast<stream*>(nullptr);
  if (e->val.type() != obj_type::stream)
    return op_status::wrong_type;
  return &as_stream(*e);
}

op_result<stream*> op_write_stream(keyspace& ks, int db, std::string_view key) {
  auto found = write_stream(ks, db, key);
  if (!found.ok())
    return found.error();
  return *found == nullptr ? nullptr : &as_stream(**found);
}

stream& op_create_stream(keyspace& ks, int db, std::string_view key) {
  auto& s = as_stream(ks.add(db, key, value::from_collection(std::make_unique<stream>())));
  // The new key is a modification WATCH sees; the group's creation that
  // follows counts the change and publishes the event.
  ks.notify(change{.db = db, .key = key, .cls = event_class::stream, .event = {},
                   .dirty = 0});
  return s;
}

std::vector<stream_entry> stream_range(const stream& s, stream_id start, stream_id end,
                                       size_t count, bool rev) {
  std::vector<stream_entry> out;
  stream::iterator it(s, start, end, rev);
  stream_entry e;
  while ((count == 0 || out.size() < count) && it.next(e))
    out.push_back(e);
  return out;
}

namespace {

/// Redis's streamRangeHasTombstones from `start` to the end.
bool has_tombstones_after(const stream& s, stream_id start) {
  if (s.length() == 0 || s.max_deleted_id.is_zero())
    return false;
  if (s.recorded_first_id > s.max_deleted_id)
    return false;
  return start <= s.max_deleted_id;
}

} // namespace

int64_t estimate_entries_read(const stream& s, stream_id id) {
  if (s.entries_added == 0)
    return 0;
  auto added = static_cast<int64_t>(s.entries_added);
  if (s.length() == 0 && id <= s.last_id)
    return added;
  if (id == s.last_id)
    return added;
  if (id > s.last_id)
    return stream_group::invalid_entries_read;
  if (s.max_deleted_id.is_zero() || s.max_deleted_id < s.recorded_first_id) {
    if (id < s.recorded_first_id)
      return added - static_cast<int64_t>(s.length());
    if (id == s.recorded_first_id)
      return added - static_cast<int64_t>(s.length()) + 1;
  }
  return stream_group::invalid_entries_read;
}

std::optional<long long> group_lag(const stream& s, const stream_group& g) {
  if (s.entries_added == 0)
    return 0;
  auto added = static_cast<long long>(s.entries_added);
  if (g.entries_read != stream_group::invalid_entries_read &&
      !has_tombstones_after(s, g.last_id))
    return added - g.entries_read;
  int64_t read = estimate_entries_read(s, g.last_id);
  if (read == stream_group::invalid_entries_read)
    return std::nullopt;
  return added - read;
}

read_group_result op_read_group(stream& s, stream_group& g, std::string_view consumer_name,
                                bool history, stream_id after, size_t count, bool noack,
                                int64_t now_ms) {
  read_group_result r;
  auto& consumer = g.get_consumer(consumer_name, now_ms, r.consumer_created);
  consumer.seen_time = now_ms;
  stream_id start = after;
  if (history) {
    if (!start.incr())
      return r;
    for (auto it = consumer.pending.lower_bound(start);
         it != consumer.pending.end() && (count == 0 || r.entries.size() < count); ++it) {
      delivered d;
      stream::iterator si(s, *it, *it, false);
      if (!si.next(d.entry)) {
        d.entry = {*it, {}};
        d.missing = true;
      } else {
        auto& p = g.pel.at(*it);
        p.delivery_time = now_ms;
        ++p.delivery_count;
      }
      r.entries.push_back(std::move(d));
    }
    return r;
  }
  start = g.last_id;
  if (!start.incr())
    return r;
  stream::iterator it(s, start, stream_id::max(), false);
  delivered d;
  while ((count == 0 || r.entries.size() < count) && it.next(d.entry)) {
    stream_id id = d.entry.id;
    if (id > g.last_id) {
      if (g.entries_read != stream_group::invalid_entries_read &&
          !has_tombstones_after(s, id))
        ++g.entries_read;
      else if (s.entries_added != 0)
        g.entries_read = estimate_entries_read(s, id);
      g.last_id = id;
      r.last_id_moved = true;
    }
    if (!noack) {
      auto [pit, inserted] = g.pel.try_emplace(id);
      auto& p = pit->second;
      if (!inserted)
        p.consumer->pending.erase(id);
      p.consumer = &consumer;
      p.delivery_time = now_ms;
      p.delivery_count = 1;
      consumer.pending.insert(id);
      d.delivery_time = now_ms;
      d.delivery_count = 1;
    }
    r.entries.push_back(d);
  }
  return r;
}

} // namespace actis::commands
