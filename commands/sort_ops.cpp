#include "commands/sort_ops.hpp"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cmath>
#include <cstdlib>

#include "datatypes/hash_value.hpp"
#include "datatypes/list_value.hpp"
#include "datatypes/range_sort.hpp"
#include "datatypes/set_value.hpp"
#include "datatypes/strutil.hpp"
#include "datatypes/zset.hpp"

namespace actis::commands {

namespace {

using datatypes::iequals;
using datatypes::obj_type;

/// Redis's lookupKeyByPattern: "#" is the element itself; otherwise the
/// first '*' is replaced by the element, and a "->field" after it (with a
/// non-empty field) reads that field of a hash instead of a string.
/// nullopt when the pattern has no '*', the key is missing or holds
/// another type, or the field is missing.
std::optional<std::string> lookup_by_pattern(keyspace& ks, int db, std::string_view pattern,
                                             std::string_view element) {
  // Redis reads the pattern as a C string.
  pattern = pattern.substr(0, pattern.find('\0'));
  if (pattern == "#")
    return std::string(element);
  size_t star = pattern.find('*');
  if (star == std::string_view::npos)
    return std::nullopt;
  std::string_view key_part = pattern;
  std::optional<std::string_view> field;
  size_t arrow = pattern.find("->", star + 1);
  if (arrow != std::string_view::npos && arrow + 2 < pattern.size()) {
    field = pattern.substr(arrow + 2);
    key_part = pattern.substr(0, arrow);
  }
  std::string key;
  key.reserve(key_part.size() + element.size());
  key.append(key_part.substr(0, star)).append(element).append(key_part.substr(star + 1));
  entry* e = ks.lookup_read(db, key);
  if (e == nullptr)
    return std::nullopt;
  if (field) {
    if (e->val.type() != obj_type::hash)
      return std::nullopt;
    auto v = datatypes::as_hash(e->val).get(*field);
    return v ? std::optional<std::string>(std::string(*v)) : std::nullopt;
  }
  if (!e->val.is_string())
    return std::nullopt;
  std::string scratch;
  return std::string(e->val.str(scratch));
}

struct sort_item {
  std::string element;
  double score = 0;
  /// ALPHA with BY: the value sorted by; nullopt when it is missing.
  std::optional<std::string> by_value;
};

/// Redis's sortCompare (ascending; the caller reverses it for DESC).
int compare_items(const sort_item& a, const sort_item& b, bool alpha, bool by_pattern) {
  if (!alpha) {
    if (a.score != b.score)
      return a.score > b.score ? 1 : -1;
    // Equal scores fall back to the elements so the result is deterministic.
    return a.element.compare(b.element);
  }
  if (!by_pattern)
    return a.element.compare(b.element);
  if (!a.by_value || !b.by_value)
    return a.by_value == b.by_value ? 0 : (!a.by_value ? -1 : 1);
  return a.by_value->compare(*b.by_value);
}

/// Redis's numeric reading of a sort value: strtod over the whole C
/// string, refusing range errors and NaN.
bool sort_score(const std::string& text, double& out) {
  errno = 0;
  char* end = nullptr;
  out = std::strtod(text.c_str(), &end);
  return *end == '\0' && errno != ERANGE && !std::isnan(out);
}

/// The elements to sort and the [start, end] range of them to output.
struct loaded {
  std::vector<sort_item> items;
  long long start = 0, end = -1;
};

/// Loads `v` (or nothing for a missing key) as Redis's sortCommandGeneric
/// does: lists and sorted sets that will not be sorted load only the
/// LIMIT range, in their own order (reversed for DESC).
loaded load_elements(const datatypes::value* v, const sort_options& o, bool dont_sort) {
  loaded out;
  long long length = 0;
  if (v != nullptr) {
    switch (v->type()) {
      case obj_type::list: length = static_cast<long long>(datatypes::list_items(*v).size()); break;
      case obj_type::set: length = static_cast<long long>(datatypes::as_set(*v)->size()); break;
      case obj_type::zset: length = static_cast<long long>(datatypes::as_zset(*v).size()); break;
      default: break;
    }
  }
  long long start = o.limit_start < 0 ? 0 : o.limit_start;
  // A count reaching past LLONG_MAX simply means "to the end".
  long long end = o.limit_count < 0                        ? length - 1
                  : o.limit_count - 1 > LLONG_MAX - start ? LLONG_MAX
                                                          : start + o.limit_count - 1;
  if (start >= length) {
    start = length - 1;
    end = length - 2;
  }
  if (end >= length)
    end = length - 1;
  auto add = [&](std::string_view s) { out.items.push_back({std::string(s), 0, std::nullopt}); };
  if (v == nullptr)
    return out;
  bool ranged = dont_sort && (v->type() == obj_type::list || v->type() == obj_type::zset);
  if (ranged) {
    if (end >= start) {
      auto n = static_cast<size_t>(end - start + 1);
      auto first = static_cast<size_t>(o.desc ? length - start - 1 : start);
      if (v->type() == obj_type::list) {
        const auto& ql = datatypes::list_items(*v);
        auto c = ql.seek(first);
        for (size_t i = 0; i < n; ++i) {
          add(ql.get(c));
          if (i + 1 < n)
            o.desc ? ql.prev(c) : ql.next(c);
        }
      } else {
        auto c = datatypes::as_zset(*v).at_rank(first);
        for (size_t i = 0; i < n && c.valid(); ++i) {
          add(c.member());
          o.desc ? c.prev() : c.next();
        }
      }
    }
    out.start = 0;
    out.end = end - start;
    return out;
  }
  out.items.reserve(static_cast<size_t>(length));
  switch (v->type()) {
    case obj_type::list: {
      const auto& ql = datatypes::list_items(*v);
      if (!ql.empty()) {
        auto c = ql.seek(0);
        do
          add(ql.get(c));
        while (ql.next(c));
      }
      break;
    }
    case obj_type::set: datatypes::as_set(*v)->for_each(add); break;
    case obj_type::zset:
      for (auto c = datatypes::as_zset(*v).at_rank(0); c.valid(); c.next())
        add(c.member());
      break;
    default: break;
  }
  out.start = start;
  out.end = end;
  return out;
}

/// The sorted (or, without sorting, loaded) elements and the output range.
op_result<loaded> sorted_elements(keyspace& ks, int db, std::string_view key,
                                  const sort_options& o) {
  entry* e = ks.lookup_read(db, key);
  if (e != nullptr && e->val.type() != obj_type::list && e->val.type() != obj_type::set &&
      e->val.type() != obj_type::zset)
    return op_status::wrong_type;
  bool dont_sort = o.dont_sort;
  bool alpha = o.alpha;
  bool by_pattern = o.by.has_value() && !o.dont_sort;
  // A set has no order of its own: stored results and scripts' replies are
  // sorted so that what replicas compute is deterministic.
  if (dont_sort && e != nullptr && e->val.type() == obj_type::set && (o.store || o.deterministic)) {
    dont_sort = false;
    alpha = true;
    by_pattern = false;
  }
  // Redis converts a listpack sorted set for SORT, for good.
  if (e != nullptr && e->val.type() == obj_type::zset)
    datatypes::as_zset(e->val).to_skiplist();
  loaded l = load_elements(e == nullptr ? nullptr : &e->val, o, dont_sort);
  if (dont_sort)
    return l;
  bool not_double = false;
  for (auto& item : l.items) {
    std::optional<std::string> by_value;
    if (by_pattern) {
      by_value = lookup_by_pattern(ks, db, *o.by, item.element);
      if (!by_value)
        continue;
    }
    if (alpha) {
      if (by_pattern)
        item.by_value = std::move(by_value);
    } else if (!sort_score(by_pattern ? *by_value : item.element, item.score)) {
      not_double = true;
    }
  }
  if (not_double)
    return op_status::sort_not_double;
  bool desc = o.desc;
  auto cmp = [&](const sort_item& a, const sort_item& b) {
    int c = compare_items(a, b, alpha, by_pattern);
    return desc ? -c : c;
  };
  // As Redis: a BY sort with a LIMIT short of the whole sorts only that
  // range, with its ties as that quicksort leaves them; any other sort is
  // stable (glibc's qsort, a merge sort, is what Redis calls there).
  if (by_pattern && (l.start != 0 || l.end != static_cast<long long>(l.items.size()) - 1))
    datatypes::range_sort(l.items, l.start, l.end, cmp);
  else
    std::stable_sort(l.items.begin(), l.items.end(),
                     [&](const sort_item& a, const sort_item& b) { return cmp(a, b) < 0; });
  return l;
}

} // namespace

op_result<sort_options> parse_sort_options(const protocol::command_args& argv, bool read_only) {
  sort_options o;
  for (size_t j = 2; j < argv.size(); ++j) {
    size_t left = argv.size() - j - 1;
    const std::string& opt = argv[j];
    if (iequals(opt, "asc")) {
      o.desc = false;
    } else if (iequals(opt, "desc")) {
      o.desc = true;
    } else if (iequals(opt, "alpha")) {
      o.alpha = true;
    } else if (iequals(opt, "limit") && left >= 2) {
      if (!datatypes::parse_ll(argv[j + 1], o.limit_start) ||
          !datatypes::parse_ll(argv[j + 2], o.limit_count))
        return op_status::not_integer;
      j += 2;
    } else if (!read_only && iequals(opt, "store") && left >= 1) {
      o.store = argv[++j];
    } else if (iequals(opt, "by") && left >= 1) {
      o.by = argv[++j];
      o.dont_sort = o.by->find('*') == std::string_view::npos;
    } else if (iequals(opt, "get") && left >= 1) {
      o.gets.push_back(argv[++j]);
    } else {
      return op_status::syntax;
    }
  }
  return o;
}

op_result<sort_output> op_sort(keyspace& ks, int db, std::string_view key,
                               const sort_options& options) {
  auto l = sorted_elements(ks, db, key, options);
  if (!l.ok())
    return l.error();
  sort_output out;
  for (long long j = l->start; j <= l->end; ++j) {
    const std::string& element = l->items[static_cast<size_t>(j)].element;
    if (options.gets.empty())
      out.emplace_back(element);
    for (auto pattern : options.gets)
      out.push_back(lookup_by_pattern(ks, db, pattern, element));
  }
  return out;
}

op_result<size_t> op_sort_store(keyspace& ks, int db, std::string_view key,
                                const sort_options& options) {
  auto l = sorted_elements(ks, db, key, options);
  if (!l.ok())
    return l.error();
  std::string_view dest = *options.store;
  datatypes::value list = datatypes::make_list_value();
  auto& items = datatypes::list_items(list);
  // Redis 7.0 stores into a quicklist with the built-in fill and no
  // compression, whatever list-max-listpack-size and list-compress-depth say.
  datatypes::quicklist_limits limits;
  limits.compress_depth = 0;
  for (long long j = l->start; j <= l->end; ++j) {
    const std::string& element = l->items[static_cast<size_t>(j)].element;
    if (options.gets.empty())
      items.push_back(element, limits);
    for (auto pattern : options.gets)
      items.push_back(lookup_by_pattern(ks, db, pattern, element).value_or(""), limits);
  }
  size_t stored = items.size();
  if (stored == 0) {
    if (ks.remove(db, dest))
      ks.notify(db, dest, event_class::generic, "del");
    return stored;
  }
  ks.set(db, dest, std::move(list));
  // Redis counts every stored element in the dirty counter.
  ks.notify(change{db, dest, event_class::list, "sortstore", stored});
  return stored;
}

} // namespace actis::commands
