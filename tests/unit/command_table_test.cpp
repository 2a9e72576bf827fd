// Unit tests for the command table: key positions and key flags found from
// key specs (the families' real rows, and rows shaped like Redis commands
// actis does not have yet, checked against what redis-server 7.0 answers to
// COMMAND GETKEYS), the legacy first/last/step Redis derives from key
// specs, and the ACL categories derived from flags and group.
#include <doctest/doctest.h>

#include <cctype>
#include <string>
#include <vector>

#include "commands/command.hpp"
#include "commands/families.hpp"

using namespace actis;
using namespace actis::commands;

namespace {

struct families {
  command_table table;
  families() {
    register_string_family(table);
    register_bitmap_family(table);
    register_generic_family(table);
  }

  const command_spec& spec(const command_args& argv) const {
    std::string error;
    auto* s = table.resolve(argv, error);
    REQUIRE_MESSAGE(s != nullptr, error);
    return *s;
  }
  std::vector<size_t> positions(const command_args& argv) const {
    std::vector<size_t> out;
    table.key_positions(spec(argv), argv, out);
    return out;
  }
  std::vector<key_ref> keys(const command_args& argv) const {
    std::vector<key_ref> out;
    table.find_keys(spec(argv), argv, out);
    return out;
  }
};

using positions = std::vector<size_t>;

/// A table holding one command row, for key-spec shapes no family has yet.
struct one_command {
  command_table table;
  explicit one_command(command_def row) { table.add({&row, 1}); }
  const command_spec& spec() const { return table.all().front(); }
  std::vector<size_t> positions(const command_args& argv) const {
    std::vector<size_t> out;
    table.key_positions(spec(), argv, out);
    return out;
  }
};

} // namespace

TEST_CASE("key positions of the families' commands come from their key specs") {
  families f;
  CHECK(f.positions({"get", "k"}) == positions{1});
  CHECK(f.positions({"set", "k", "v", "get"}) == positions{1});
  CHECK(f.positions({"mget", "a", "b", "c"}) == positions{1, 2, 3});
  CHECK(f.positions({"mset", "a", "1", "b", "2"}) == positions{1, 3});
  // An odd pair count still names its keys; MSET itself reports the error.
  CHECK(f.positions({"mset", "a", "1", "b"}) == positions{1, 3});
  CHECK(f.positions({"lcs", "a", "b", "idx", "len"}) == positions{1, 2});
  CHECK(f.positions({"bitop", "and", "d", "s1", "s2"}) == positions{2, 3, 4});
  CHECK(f.positions({"bitfield", "k", "set", "u8", "0", "1"}) == positions{1});
  CHECK(f.positions({"rename", "a", "b"}) == positions{1, 2});
  CHECK(f.positions({"copy", "a", "b", "db", "1"}) == positions{1, 2});
  CHECK(f.positions({"del", "a", "b", "a"}) == positions{1, 2, 3});
  CHECK(f.positions({"object", "encoding", "k"}) == positions{2});
  CHECK(f.positions({"expire", "k", "10", "nx"}) == positions{1});
  CHECK(f.positions({"keys", "*"}).empty());
  CHECK(f.positions({"object", "help"}).empty());
}

TEST_CASE("key flags follow the key specs, or the arguments where they vary") {
  families f;
  auto flags_of = [&](const command_args& argv) {
    std::vector<uint16_t> out;
    for (auto& k : f.keys(argv))
      out.push_back(k.flags);
    return out;
  };
  using flags = std::vector<uint16_t>;
  CHECK(flags_of({"get", "k"}) == flags{k_ro | k_access});
  CHECK(flags_of({"rename", "a", "b"}) ==
        flags{k_rw | k_access | k_delete, k_ow | k_update});
  CHECK(flags_of({"bitop", "or", "d", "a", "b"}) ==
        flags{k_ow | k_update, k_ro | k_access, k_ro | k_access});
  // SET only reads the old value with GET (the value itself may be "get").
  CHECK(flags_of({"set", "k", "v"}) == flags{k_ow | k_update});
  CHECK(flags_of({"set", "k", "get"}) == flags{k_ow | k_update});
  CHECK(flags_of({"set", "k", "v", "EX", "1", "Get"}) == flags{k_rw | k_access | k_update});
  // BITFIELD only reads when every operation is a whole GET or OVERFLOW.
  CHECK(flags_of({"bitfield", "k"}) == flags{k_ro | k_access});
  CHECK(flags_of({"bitfield", "k", "get", "u8", "0", "overflow", "sat"}) ==
        flags{k_ro | k_access});
  CHECK(flags_of({"bitfield", "k", "get", "u8"}) == flags{k_rw | k_access | k_update});
  CHECK(flags_of({"bitfield", "k", "incrby", "u8", "0", "1"}) ==
        flags{k_rw | k_access | k_update});
}

TEST_CASE("first/last/step are derived from the key specs as Redis does") {
  families f;
  struct expected {
    const char* name;
    int first, last, step;
  };
  for (auto e : {expected{"get", 1, 1, 1}, expected{"del", 1, -1, 1},
                 expected{"mset", 1, -1, 2}, expected{"lcs", 1, 2, 1},
                 expected{"rename", 1, 2, 1}, expected{"bitop", 2, -1, 1},
                 expected{"keys", 0, 0, 0}}) {
    CAPTURE(e.name);
    auto* s = f.table.find(e.name);
    REQUIRE(s != nullptr);
    CHECK(s->first_key == e.first);
    CHECK(s->last_key == e.last);
    CHECK(s->key_step == e.step);
    CHECK_FALSE(s->movable_keys);
  }
  auto* encoding = find_subcommand(*f.table.find("object"), "ENCODING");
  REQUIRE(encoding != nullptr);
  CHECK(encoding->first_key == 2);
  CHECK(encoding->last_key == 2);
}

TEST_CASE("a key count argument (ZUNIONSTORE's shape)") {
  one_command z({.name = "zunionstore", .arity = -4, .flags = f_write,
                 .keys = {key_at(1, k_ow | k_update),
                          {k_ro | k_access, begin_at(2), keys_counted(0, 1)}}});
  CHECK(z.spec().movable_keys);
  CHECK(z.spec().first_key == 1);
  CHECK(z.spec().last_key == 1);
  CHECK(z.positions({"zunionstore", "d", "2", "a", "b", "weights", "1", "2"}) ==
        positions{1, 3, 4});
  // Redis answers "Invalid arguments" for these: no key at all is reported.
  CHECK(z.positions({"zunionstore", "d", "0", "a"}).empty());
  CHECK(z.positions({"zunionstore", "d", "x", "a"}).empty());
  CHECK(z.positions({"zunionstore", "d", "-1", "a"}).empty());
  CHECK(z.positions({"zunionstore", "d", "5", "a", "b"}).empty());
}

TEST_CASE("keys after a keyword (XREAD's and MIGRATE's shapes)") {
  one_command xread({.name = "xread", .arity = -4, .flags = f_readonly,
                     .keys = {{k_ro | k_access, begin_after("STREAMS", 1), keys_range(-1, 1, 2)}}});
  CHECK(xread.spec().movable_keys);
  CHECK(xread.spec().first_key == 0);
  CHECK(xread.positions({"xread", "streams", "a", "b", "0", "0"}) == positions{2, 3});
  CHECK(xread.positions({"xread", "count", "2", "streams", "a", "0"}) == positions{4});
  CHECK(xread.positions({"xread", "count", "streams", "streams", "a", "b"}) == positions{3});
  CHECK(xread.positions({"xread", "a", "b", "c", "d"}).empty());

  // Searching backwards from the end finds the last KEYS.
  one_command migrate({.name = "migrate", .arity = -6, .flags = f_write,
                       .keys = {key_at(3, k_rw | k_access | k_delete),
                                {k_rw | k_access | k_delete, begin_after("KEYS", -2),
                                 keys_range(-1)}}});
  CHECK(migrate.spec().first_key == 3);
  CHECK(migrate.spec().last_key == 3);
  CHECK(migrate.positions({"migrate", "h", "p", "k", "0", "5"}) == positions{3});
  CHECK(migrate.positions({"migrate", "h", "p", "", "0", "5", "keys", "a", "keys", "b"}) ==
        positions{3, 9});
  // The search starts at the next-to-last argument: a trailing KEYS has no keys.
  CHECK(migrate.positions({"migrate", "h", "p", "k", "0", "5", "keys"}) == positions{3});
}

namespace {

/// Stands in for SORT's BY/GET/STORE parsing: the key after STORE.
void store_keys(const command_args& argv, std::vector<key_ref>& keys) {
  keys.push_back({1, k_ro | k_access});
  for (size_t i = 2; i + 1 < argv.size(); ++i)
    if (argv[i] == "store")
      keys.push_back({i + 1, k_ow | k_update});
}

} // namespace

TEST_CASE("getkeys finds what incomplete or unknown specs cannot") {
  one_command sort({.name = "sort", .arity = -2, .flags = f_write,
                    .keys = {key_at(1, k_ro | k_access),
                             {.flags = k_ow | k_update, .begin = {}, .find = {}}},
                    .getkeys = store_keys});
  CHECK(sort.spec().movable_keys);
  CHECK(sort.spec().scope == exec_scope::keys);
  CHECK(sort.positions({"sort", "k", "limit", "0", "1", "store", "d"}) == positions{1, 6});
  std::vector<key_ref> keys;
  sort.table.find_keys(sort.spec(), {"sort", "k", "store", "d"}, keys);
  REQUIRE(keys.size() == 2);
  CHECK(keys[1].index == 3);
  CHECK(keys[1].flags == (k_ow | k_update));
}

TEST_CASE("not_key specs are neither keys nor routed") {
  one_command spublish({.name = "spublish", .arity = 3, .flags = f_pubsub,
                        .keys = {key_at(1, k_not_key)}});
  CHECK_FALSE(has_keys(spublish.spec()));
  CHECK(spublish.positions({"spublish", "channel", "msg"}).empty());
}

TEST_CASE("ACL categories are derived from flags and group") {
  families f;
  CHECK(f.table.find("get")->acl == (acl_read | acl_string | acl_fast));
  CHECK(f.table.find("set")->acl == (acl_write | acl_string | acl_slow));
  CHECK(f.table.find("bitop")->acl == (acl_write | acl_bitmap | acl_slow));
  CHECK(f.table.find("keys")->acl == (acl_keyspace | acl_read | acl_slow | acl_dangerous));
  CHECK(f.table.find("dbsize")->acl == (acl_keyspace | acl_read | acl_fast));
  // A container only dispatches: no group category, unlike its subcommands.
  auto* object = f.table.find("object");
  CHECK(object->acl == acl_slow);
  CHECK(find_subcommand(*object, "help")->acl == (acl_keyspace | acl_slow));

  one_command admin({.name = "x", .arity = 1, .flags = f_admin | f_blocking,
                     .group = command_group::server});
  CHECK(admin.spec().acl == (acl_admin | acl_dangerous | acl_blocking | acl_slow));
}

TEST_CASE("member_arg names an argument every valid call has, after the key") {
  command_table t;
  register_hash_family(t);
  register_set_family(t);
  size_t with_member = 0;
  for (const command_spec& spec : t.all()) {
    if (spec.member_arg == 0)
      continue;
    ++with_member;
    CAPTURE(spec.name);
    int least_args = spec.arity < 0 ? -spec.arity : spec.arity;
    CHECK(spec.first_key == 1);
    CHECK(spec.member_arg > spec.first_key);
    CHECK(spec.member_arg < least_args);
  }
  CHECK(with_member >= 14);
}

TEST_CASE("every command is found by its name in any case, and only by it") {
  families f;
  REQUIRE(f.table.all().size() > 20);
  for (auto& spec : f.table.all()) {
    std::string upper = spec.name, mixed = spec.name;
    for (size_t i = 0; i < upper.size(); ++i) {
      upper[i] = static_cast<char>(std::toupper(static_cast<unsigned char>(upper[i])));
      if (i % 2 == 0)
        mixed[i] = upper[i];
    }
    CHECK(f.table.find(spec.name) == &spec);
    CHECK(f.table.find(upper) == &spec);
    CHECK(f.table.find(mixed) == &spec);
    CHECK(f.table.find(spec.name + "x") == nullptr);
    CHECK(f.table.find(std::string_view(spec.name).substr(0, spec.name.size() - 1)) != &spec);
  }
  CHECK(f.table.find("") == nullptr);
  CHECK(f.table.find("nosuchcommand") == nullptr);
  CHECK(f.table.find(std::string(100, 'g')) == nullptr);
  CHECK(f.table.find("object|encoding") == nullptr); // subcommands are not top-level names
}
