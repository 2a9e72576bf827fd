// SORT and SORT_RO: parsing, replies and registration; the operation is in
// sort_ops.cpp.
#include <string>
#include <vector>

#include "commands/command.hpp"
#include "commands/context.hpp"
#include "commands/families.hpp"
#include "commands/sort_ops.hpp"
#include "datatypes/strutil.hpp"

namespace actis::commands {

namespace {

using datatypes::iequals;

template <bool ReadOnly>
void sort_cmd(command_context& ctx) {
  auto o = parse_sort_options(ctx.argv, ReadOnly);
  if (!o.ok())
    return reply_error(ctx, o.error());
  o->deterministic = ctx.in_script;
  if (o->store) {
    auto stored = op_sort_store(*ctx.ks, ctx.db, ctx.argv[1], *o);
    if (!stored.ok())
      return reply_error(ctx, stored.error());
    return ctx.reply.integer(static_cast<long long>(*stored));
  }
  auto r = op_sort(*ctx.ks, ctx.db, ctx.argv[1], *o);
  if (!r.ok())
    return reply_error(ctx, r.error());
  ctx.reply.array(r->size());
  for (const auto& s : *r) {
    if (s)
      ctx.reply.bulk(*s);
    else
      ctx.reply.null();
  }
}

/// Redis's sortGetKeys: the sorted key, and the key after the last STORE
/// (LIMIT, GET and BY arguments are skipped over).
void sort_keys(const command_args& argv, std::vector<key_ref>& keys) {
  keys.push_back({1, k_ro | k_access});
  std::optional<size_t> store;
  for (size_t i = 2; i < argv.size(); ++i) {
    if (iequals(argv[i], "limit"))
      i += 2;
    else if (iequals(argv[i], "get") || iequals(argv[i], "by"))
      i += 1;
    else if (iequals(argv[i], "store") && i + 1 < argv.size())
      store = i + 1;
  }
  if (store)
    keys.push_back({*store, k_ow | k_update});
}

/// SORT_RO's keys as Redis finds them from its key specs: the sorted key
/// (the pattern spec names none).
void sort_ro_keys(const command_args&, std::vector<key_ref>& keys) {
  keys.push_back({1, k_ro | k_access});
}

constexpr std::string_view pattern_keys_note =
    "For the optional BY/GET keyword. It is marked 'unknown' because the key names derive from "
    "the content of the key we sort";
constexpr std::string_view store_key_note =
    "For the optional STORE keyword. It is marked 'unknown' because the keyword can appear "
    "anywhere in the argument array";

} // namespace

void register_sort_family(command_table& t) {
  constexpr uint32_t acl = acl_set | acl_sortedset | acl_list | acl_dangerous;
  constexpr uint16_t read = k_ro | k_access;
  const key_spec sorted_key = key_at(1, read);
  const key_spec pattern_keys{read, {}, {}, pattern_keys_note};
  const key_spec store_key{k_ow | k_update, {}, {}, store_key_note};
  // BY and GET patterns read keys that no key spec can name, possibly in
  // any partition: both commands run holding every partition, so a pattern
  // always finds its key.
  constexpr auto everywhere = exec_scope::all_partitions;
  // Redis files SORT under "generic" yet lists no @keyspace category.
  constexpr auto group = command_group::generic;
  const command_def rows[] = {
      {.name = "sort", .arity = -2, .flags = f_write | f_denyoom, .group = group,
       .keys = {sorted_key, pattern_keys, store_key}, .scope = everywhere,
       .handler = sort_cmd<false>, .getkeys = sort_keys, .extra_acl = acl, .group_acl = false,
       .docs = {"Sorts the elements in a list, a set, or a sorted set, optionally storing the "
                "result.", "1.0.0",
                "O(N+M*log(M)) where N is the number of elements in the list or set to sort, "
                "and M the number of returned elements. When the elements are not sorted, "
                "complexity is O(N)."}},
      {.name = "sort_ro", .arity = -2, .flags = f_readonly, .group = group,
       .keys = {sorted_key, pattern_keys}, .scope = everywhere, .handler = sort_cmd<true>,
       .getkeys = sort_ro_keys, .extra_acl = acl, .group_acl = false,
       .docs = {"Returns the sorted elements of a list, a set, or a sorted set.", "7.0.0",
                "O(N+M*log(M)) where N is the number of elements in the list or set to sort, "
                "and M the number of returned elements. When the elements are not sorted, "
                "complexity is O(N)."}},
  };
  t.add(rows);
}

} // namespace actis::commands
