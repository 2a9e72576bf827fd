#include "datatypes/set_value.hpp"

#include <malloc.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <new>

#include "datatypes/chained_table.hpp"
#include "datatypes/hash.hpp"
#include "datatypes/intset.hpp"
#include "datatypes/strutil.hpp"

namespace actis::datatypes {

namespace {

/// A hashtable member: the chain link, the length, then the bytes.
struct member_node {
  member_node* next;
  uint32_t len;
};
constexpr size_t node_header = offsetof(member_node, len) + sizeof(uint32_t);

std::string_view node_view(const member_node& n) {
  return {reinterpret_cast<const char*>(&n) + node_header, n.len};
}

member_node* new_node(std::string_view m) {
  void* mem = std::malloc(std::max(sizeof(member_node), node_header + m.size()));
  if (mem == nullptr)
    throw std::bad_alloc();
  auto* n = static_cast<member_node*>(mem);
  n->next = nullptr;
  n->len = static_cast<uint32_t>(m.size());
  std::memcpy(reinterpret_cast<char*>(n) + node_header, m.data(), m.size());
  return n;
}

struct node_traits {
  static member_node*& next(member_node& n) { return n.next; }
  static uint64_t hash(const member_node& n) { return hash_bytes(node_view(n)); }
};

constexpr uint32_t len_mask = (1u << 30) - 1;

uint32_t width_code(unsigned width) { return width == 2 ? 1 : width == 4 ? 2 : 3; }

} // namespace

struct set_member_table {
  chained_table<member_node, node_traits> t;

  member_node* find(std::string_view m) const {
    return t.find(hash_bytes(m), [&](const member_node& n) { return node_view(n) == m; });
  }
  /// Links a copy of `m`, known to be absent.
  void insert(std::string_view m) {
    t.insert(new_node(m), hash_bytes(m));
    t.step();
  }
  ~set_member_table() {
    t.drain([](member_node* n) { std::free(n); });
  }
};

/// Where the parts of a set live inside its block.
struct set_layout {
  /// The intset elements or the table pointer follow the 4-byte header.
  static constexpr size_t payload_offset = sizeof(uint32_t);

  static unsigned char* payload(const set_value* s) {
    return reinterpret_cast<unsigned char*>(const_cast<set_value*>(s)) + payload_offset;
  }
  static set_member_table* table(const set_value* s) {
    set_member_table* t;
    std::memcpy(&t, payload(s), sizeof t);
    return t;
  }
  static size_t len(const set_value* s) { return s->header_ & len_mask; }
  static void set_len(set_value* s, size_t n) {
    s->header_ = (s->header_ & ~len_mask) | static_cast<uint32_t>(n);
  }
  static void set_width(set_value* s, unsigned width) {
    s->header_ = (s->header_ & len_mask) | (width_code(width) << 30);
  }

  /// A set in a new block with room for `payload_bytes`.
  static set_value* allocate(uint32_t header, size_t payload_bytes) {
    void* mem = std::malloc(std::max(sizeof(set_value), payload_offset + payload_bytes));
    if (mem == nullptr)
      throw std::bad_alloc();
    return new (mem) set_value(header);
  }
  static value wrap(set_value* s) { return value::from_collection(std::unique_ptr<set_value>(s)); }

  static set_value* new_table_set(set_member_table* t) {
    set_value* s = allocate(0, sizeof t);
    std::memcpy(payload(s), &t, sizeof t);
    return s;
  }

  /// Makes sure the intset of `self` has room for `bytes` of elements,
  /// moving it to a larger block if needed; returns the set.
  static set_value* reserve(value& self, size_t bytes) {
    auto* s = static_cast<set_value*>(self.coll());
    if (malloc_usable_size(s) >= payload_offset + bytes)
      return s;
    set_value* grown = allocate(s->header_, bytes);
    std::memcpy(payload(grown), payload(s), intset::bytes_for(len(s), s->width()));
    self = wrap(grown);
    return grown;
  }

  /// Erases element `pos` of the intset of `self`, moving what is left to
  /// a smaller block once a quarter of the block or more lies unused.
  static void erase(value& self, size_t pos) {
    auto* s = static_cast<set_value*>(self.coll());
    size_t n = len(s);
    intset::erase_at(payload(s), s->width(), n, pos);
    set_len(s, n - 1);
    size_t used = payload_offset + intset::bytes_for(n - 1, s->width());
    size_t usable = malloc_usable_size(s);
    if (usable >= 64 && used <= usable / 4 * 3) {
      set_value* shrunk = allocate(s->header_, used - payload_offset);
      std::memcpy(payload(shrunk), payload(s), used - payload_offset);
      self = wrap(shrunk);
    }
  }

  /// Turns the intset of `self` into a hashtable holding the same members.
  static set_value* convert(value& self) {
    auto* s = static_cast<set_value*>(self.coll());
    auto table = std::make_unique<set_member_table>();
    s->for_each([&](std::string_view m) { table->insert(m); });
    set_value* converted = new_table_set(table.release());
    self = wrap(converted);
    return converted;
  }
};

value set_value::make_intset() {
  // The smallest block has room for two 16-bit elements anyway.
  return set_layout::wrap(set_layout::allocate(width_code(2) << 30, 0));
}

value set_value::make_hashtable() {
  return set_layout::wrap(set_layout::new_table_set(new set_member_table));
}

value set_value::make_for(std::string_view first) {
  long long v;
  return parse_ll(first, v) ? make_intset() : make_hashtable();
}

set_value::~set_value() {
  if (!is_intset())
    delete set_layout::table(this);
}

unsigned set_value::width() const {
  static constexpr unsigned widths[] = {0, 2, 4, 8};
  return widths[header_ >> 30];
}

int64_t set_value::int_at(size_t i) const {
  return intset::get(set_layout::payload(this), width(), i);
}

std::string_view set_value::render(int64_t v, char (&digits)[24]) {
  auto r = std::to_chars(digits, digits + sizeof digits, v);
  return {digits, static_cast<size_t>(r.ptr - digits)};
}

size_t set_value::size() const {
  return is_intset() ? set_layout::len(this) : set_layout::table(this)->t.size();
}

bool set_value::contains(std::string_view member) const {
  if (!is_intset())
    return set_layout::table(this)->find(member) != nullptr;
  long long v;
  size_t pos;
  return parse_ll(member, v) && intset::width_for(v) <= width() &&
         intset::search(set_layout::payload(this), width(), size(), v, pos);
}

void set_value::warm(const std::string_view* members, size_t n) const {
  if (!is_intset())
    set_layout::table(this)->t.warm_keys(members, n, &hash_bytes);
}

void set_value::table_for_each(member_fn fn, void* ctx) const {
  set_layout::table(this)->t.for_each([&](const member_node& n) { fn(ctx, node_view(n)); });
}

uint64_t set_value::table_scan(uint64_t cursor, size_t count, member_fn fn, void* ctx) const {
  const auto& t = set_layout::table(this)->t;
  size_t delivered = 0;
  size_t budget = count * 10;
  do {
    cursor = t.scan_step(cursor, [&](member_node* n) {
      fn(ctx, node_view(*n));
      ++delivered;
    });
  } while (cursor != 0 && budget-- > 0 && delivered < count);
  return cursor;
}

std::string_view set_value::random_member(std::mt19937_64& rng, std::string& scratch) const {
  if (!is_intset())
    return node_view(*set_layout::table(this)->t.random(rng));
  char digits[24];
  scratch.assign(render(int_at(rng() % size()), digits));
  return scratch;
}

value set_value::clone() const {
  if (is_intset()) {
    size_t bytes = intset::bytes_for(size(), width());
    set_value* copy = set_layout::allocate(header_, bytes);
    std::memcpy(set_layout::payload(copy), set_layout::payload(this), bytes);
    return set_layout::wrap(copy);
  }
  auto table = std::make_unique<set_member_table>();
  for_each([&](std::string_view m) { table->insert(m); });
  return set_layout::wrap(set_layout::new_table_set(table.release()));
}

size_t set_value::memory_usage() const {
  size_t bytes = sizeof(value) + malloc_usable_size(const_cast<set_value*>(this));
  if (is_intset())
    return bytes;
  const auto& t = set_layout::table(this)->t;
  bytes += sizeof(set_member_table) + t.bucket_bytes();
  t.for_each([&](const member_node& n) {
    bytes += malloc_usable_size(const_cast<member_node*>(&n));
  });
  return bytes;
}

size_t set_value::memory_usage(size_t samples) const {
  if (is_intset() || samples >= size())
    return memory_usage();
  const auto& t = set_layout::table(this)->t;
  size_t sampled = 0, seen = 0;
  uint64_t cursor = 0;
  do {
    cursor = t.scan_step(cursor, [&](const member_node* n) {
      if (seen < samples) {
        sampled += malloc_usable_size(const_cast<member_node*>(n));
        ++seen;
      }
    });
  } while (cursor != 0 && seen < samples);
  return sizeof(value) + malloc_usable_size(const_cast<set_value*>(this)) +
         sizeof(set_member_table) + t.bucket_bytes() + sampled * size() / seen;
}

bool set_value::add(value& self, std::string_view member, size_t max_intset) {
  auto* s = static_cast<set_value*>(self.coll());
  if (s->is_intset()) {
    long long v;
    if (parse_ll(member, v)) {
      unsigned w = s->width();
      size_t n = s->size();
      size_t pos = 0;
      if (intset::width_for(v) <= w && intset::search(set_layout::payload(s), w, n, v, pos))
        return false;
      if (n + 1 <= std::min<size_t>(max_intset, len_mask)) {
        unsigned nw = std::max(w, intset::width_for(v));
        s = set_layout::reserve(self, intset::bytes_for(n + 1, nw));
        unsigned char* data = set_layout::payload(s);
        if (nw != w) {
          intset::upgrade(data, w, nw, n);
          set_layout::set_width(s, nw);
          // A value that needs a wider width lies beyond every element.
          pos = v < 0 ? 0 : n;
        }
        intset::insert_at(data, nw, n, pos, v);
        set_layout::set_len(s, n + 1);
        return true;
      }
    }
    s = set_layout::convert(self);
  }
  set_member_table* t = set_layout::table(s);
  if (t->find(member) != nullptr)
    return false;
  t->insert(member);
  return true;
}

bool set_value::remove(value& self, std::string_view member) {
  auto* s = static_cast<set_value*>(self.coll());
  if (s->is_intset()) {
    long long v;
    size_t pos;
    unsigned w = s->width();
    size_t n = s->size();
    if (!parse_ll(member, v) || intset::width_for(v) > w ||
        !intset::search(set_layout::payload(s), w, n, v, pos))
      return false;
    set_layout::erase(self, pos);
    return true;
  }
  auto& t = set_layout::table(s)->t;
  member_node* n = t.unlink(hash_bytes(member),
                            [&](const member_node& node) { return node_view(node) == member; });
  if (n == nullptr)
    return false;
  std::free(n);
  t.maybe_shrink();
  t.step();
  return true;
}

std::string set_value::pop_random(value& self, std::mt19937_64& rng) {
  auto* s = static_cast<set_value*>(self.coll());
  std::string member;
  if (s->is_intset()) {
    size_t n = s->size();
    size_t pos = rng() % n;
    char digits[24];
    member.assign(render(s->int_at(pos), digits));
    set_layout::erase(self, pos);
    return member;
  }
  member.assign(s->random_member(rng, member));
  remove(self, member);
  return member;
}

namespace {

obj_encoding set_encoding(const value& v) { return as_set(v)->encoding(); }

void set_digest(const value& v, unsigned char d[digest_size]) {
  as_set(v)->for_each([&](std::string_view m) { xor_digest(d, m); });
}

size_t set_memory_usage(const value& v) { return as_set(v)->memory_usage(); }

size_t set_sampled_memory_usage(const value& v, size_t samples) {
  return as_set(v)->memory_usage(samples);
}

value set_copy(const value& v) { return as_set(v)->clone(); }

void set_warm(const value& v, const std::string_view* members, size_t n) {
  as_set(v)->warm(members, n);
}

} // namespace

const value_traits set_traits{
    .type = obj_type::set,
    .name = "set",
    .encoding = &set_encoding,
    .digest = &set_digest,
    .memory_usage = &set_memory_usage,
    .sampled_memory_usage = &set_sampled_memory_usage,
    .copy = &set_copy,
    .destroy = &delete_collection<set_value>,
    .warm_members = &set_warm,
};

static_assert(sizeof(set_value) == 4, "the block starts with the header, then the payload");

} // namespace actis::datatypes
