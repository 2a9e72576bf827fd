#include "datatypes/hash_value.hpp"

#include <cstdlib>
#include <cstring>
#include <new>

#include "datatypes/chained_table.hpp"
#include "datatypes/digest.hpp"
#include "datatypes/hash.hpp"

namespace actis::datatypes {

namespace {

/// One field of the hashtable encoding: the chain link, both lengths, then
/// the field's bytes followed by the value's, in one heap block.
struct hash_node {
  hash_node* next;
  uint32_t field_len;
  uint32_t value_len;

  char* bytes() { return reinterpret_cast<char*>(this + 1); }
  const char* bytes() const { return reinterpret_cast<const char*>(this + 1); }
  std::string_view field() const { return {bytes(), field_len}; }
  std::string_view value() const { return {bytes() + field_len, value_len}; }
  size_t block_size() const { return sizeof(hash_node) + field_len + value_len; }

  static hash_node* make(std::string_view f, std::string_view v) {
    auto* n = static_cast<hash_node*>(std::malloc(sizeof(hash_node) + f.size() + v.size()));
    if (n == nullptr)
      throw std::bad_alloc();
    n->next = nullptr;
    n->field_len = static_cast<uint32_t>(f.size());
    n->value_len = static_cast<uint32_t>(v.size());
    std::memcpy(n->bytes(), f.data(), f.size());
    std::memcpy(n->bytes() + f.size(), v.data(), v.size());
    return n;
  }
};

struct node_traits {
  static hash_node*& next(hash_node& n) { return n.next; }
  static uint64_t hash(const hash_node& n) { return hash_bytes(n.field()); }
};

} // namespace

struct hash_value::table {
  chained_table<hash_node, node_traits> nodes;
  /// Sum of the nodes' block sizes (MEMORY USAGE in O(1)).
  size_t node_bytes = 0;

  ~table() {
    nodes.drain([](hash_node* n) { std::free(n); });
  }

  hash_node* find(std::string_view f) const {
    return nodes.find(hash_bytes(f), [&](const hash_node& n) { return n.field() == f; });
  }

  void add(std::string_view f, std::string_view v) {
    hash_node* n = hash_node::make(f, v);
    node_bytes += n->block_size();
    nodes.insert(n, hash_bytes(f));
  }
};

static_assert(sizeof(hash_value) == 8, "one word, stored inside the owning value");

hash_value::hash_value() = default;

void hash_value::swap(hash_value& other) noexcept {
  unsigned char mine[sizeof repr_];
  std::memcpy(mine, &repr_, sizeof repr_);
  std::memcpy(static_cast<void*>(&repr_), &other.repr_, sizeof repr_);
  std::memcpy(static_cast<void*>(&other.repr_), mine, sizeof repr_);
}

hash_value::~hash_value() {
  if (is_listpack())
    repr_.lp.~forward_listpack();
  else
    delete tbl();
}

std::unique_ptr<hash_value> hash_value::clone() const {
  auto copy = std::make_unique<hash_value>();
  if (is_listpack()) {
    copy->repr_.lp = repr_.lp.clone();
  } else {
    auto t = std::make_unique<table>();
    for_each([&](std::string_view f, std::string_view v) { t->add(f, v); });
    copy->repr_.lp.~forward_listpack();
    copy->repr_.tagged_table = reinterpret_cast<uintptr_t>(t.release()) | table_tag;
  }
  return copy;
}

size_t hash_value::size() const {
  return is_listpack() ? repr_.lp.size() / 2 : tbl()->nodes.size();
}

std::optional<std::string_view> hash_value::get(std::string_view field) const {
  if (is_listpack()) {
    auto p = repr_.lp.find(field, repr_.lp.first(), 1);
    if (p == repr_.lp.end())
      return std::nullopt;
    return repr_.lp.get(repr_.lp.next(p));
  }
  tbl()->nodes.step();
  const hash_node* n = tbl()->find(field);
  if (n == nullptr)
    return std::nullopt;
  return n->value();
}

bool hash_value::set(std::string_view field, std::string_view val, const hash_limits& limits) {
  if (is_listpack() && (field.size() > limits.max_value || val.size() > limits.max_value))
    convert_to_table();
  if (is_listpack()) {
    auto p = repr_.lp.find(field, repr_.lp.first(), 1);
    if (p != repr_.lp.end()) {
      repr_.lp.replace(repr_.lp.next(p), val);
      return false;
    }
    repr_.lp.push_back(field);
    repr_.lp.push_back(val);
    if (size() > limits.max_entries)
      convert_to_table();
    return true;
  }
  auto& nodes = tbl()->nodes;
  nodes.step();
  uint64_t h = hash_bytes(field);
  auto same_field = [&](const hash_node& n) { return n.field() == field; };
  hash_node* n = nodes.find(h, same_field);
  if (n == nullptr) {
    tbl()->add(field, val);
    return true;
  }
  if (n->value_len == val.size()) {
    std::memcpy(n->bytes() + n->field_len, val.data(), val.size());
    return false;
  }
  // The block changes size: relink a new node in place of the old one.
  nodes.unlink(h, same_field);
  tbl()->node_bytes -= n->block_size();
  tbl()->add(field, val);
  std::free(n);
  return false;
}

bool hash_value::erase(std::string_view field) {
  if (is_listpack()) {
    auto p = repr_.lp.find(field, repr_.lp.first(), 1);
    if (p == repr_.lp.end())
      return false;
    repr_.lp.erase(p, 2);
    return true;
  }
  auto& nodes = tbl()->nodes;
  nodes.step();
  hash_node* n =
      nodes.unlink(hash_bytes(field), [&](const hash_node& x) { return x.field() == field; });
  if (n == nullptr)
    return false;
  tbl()->node_bytes -= n->block_size();
  std::free(n);
  nodes.maybe_shrink();
  return true;
}

hash_value::field_pair hash_value::random(std::mt19937_64& rng) const {
  if (is_listpack()) {
    auto p = repr_.lp.at(static_cast<long long>(rng() % size()) * 2);
    return {repr_.lp.get(p), repr_.lp.get(repr_.lp.next(p))};
  }
  const hash_node* n = tbl()->nodes.random(rng);
  return {n->field(), n->value()};
}

void hash_value::visit_table(visit_fn fn, void* ctx) const {
  tbl()->nodes.for_each([&](const hash_node& n) { fn(ctx, n.field(), n.value()); });
}

uint64_t hash_value::scan_table(uint64_t cursor, size_t count, visit_fn fn, void* ctx) const {
  size_t visited = 0;
  size_t budget = count * 10;
  do {
    cursor = tbl()->nodes.scan_step(cursor, [&](const hash_node* n) {
      fn(ctx, n->field(), n->value());
      ++visited;
    });
  } while (cursor != 0 && budget-- > 0 && visited < count);
  return cursor;
}

void hash_value::convert_to_table() {
  auto t = std::make_unique<table>();
  for_each([&](std::string_view f, std::string_view v) { t->add(f, v); });
  repr_.lp.~forward_listpack();
  repr_.tagged_table = reinterpret_cast<uintptr_t>(t.release()) | table_tag;
}

void hash_value::warm(const std::string_view* fields, size_t n) const {
  if (!is_listpack())
    tbl()->nodes.warm_keys(fields, n, &hash_bytes);
}

size_t hash_value::bytes() const {
  if (is_listpack())
    return repr_.lp.bytes();
  return sizeof(table) + tbl()->nodes.bucket_bytes() + tbl()->node_bytes;
}

value make_hash() {
  return value::emplace_collection<hash_value>();
}

namespace {

obj_encoding hash_encoding(const value& v) {
  return as_hash(v).is_listpack() ? obj_encoding::listpack : obj_encoding::hashtable;
}

/// Redis's xorObjectDigest for hashes: each field and its value mixed into
/// a digest of their own, whose SHA1 is xor-ed into the result
/// (order-independent).
void hash_digest(const value& v, unsigned char d[digest_size]) {
  as_hash(v).for_each([&](std::string_view f, std::string_view val) {
    unsigned char pair[digest_size] = {};
    mix_digest(pair, f);
    mix_digest(pair, val);
    xor_digest(d, pair, digest_size);
  });
}

size_t hash_memory(const value& v) {
  return sizeof(value) + as_hash(v).bytes();
}

void hash_warm(const value& v, const std::string_view* fields, size_t n) {
  as_hash(v).warm(fields, n);
}

value hash_copy(const value& v) {
  value out = make_hash();
  as_hash(out).swap(*as_hash(v).clone());
  return out;
}

} // namespace

const value_traits hash_value::traits_entry{
    .type = obj_type::hash,
    .name = "hash",
    .encoding = &hash_encoding,
    .digest = &hash_digest,
    .memory_usage = &hash_memory,
    .copy = &hash_copy,
    .destroy = &destroy_inline_collection<hash_value>,
    .warm_members = &hash_warm,
};

} // namespace actis::datatypes
