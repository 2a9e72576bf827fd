#include "datatypes/quicklist.hpp"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <iterator>
#include <new>
#include <tuple>
#include <utility>

namespace actis::datatypes {

namespace {

constexpr size_t default_packed_threshold = size_t{1} << 30;
std::atomic<size_t> packed_threshold{default_packed_threshold};

/// Byte caps of fill -1..-5 (Redis's optimization_level).
constexpr size_t fill_bytes[] = {4096, 8192, 16384, 32768, 65536};
/// A positive fill still stops a node at this many bytes.
constexpr size_t size_safety_limit = 8192;
/// Per-entry overhead assumed when estimating a node's size after an insert.
constexpr size_t entry_overhead = 8;

static_assert(sizeof(listpack) == 8, "the lone listpack is stored in the quicklist's word");

/// May an element of `sz` bytes join a node of `count` entries?
/// Redis's _quicklistNodeAllowInsert.
bool allows(const listpack& lp, size_t count, bool plain, size_t sz,
            const quicklist_limits& lim) {
  if (plain || sz >= lim.packed_threshold)
    return false;
  size_t new_sz = lp.bytes() + sz + entry_overhead;
  if (lim.fill < 0) {
    size_t level = static_cast<size_t>(-static_cast<long long>(lim.fill)) - 1;
    if (level >= std::size(fill_bytes))
      level = std::size(fill_bytes) - 1;
    return new_sz <= fill_bytes[level];
  }
  if (new_sz > size_safety_limit)
    return false;
  return count < static_cast<size_t>(lim.fill);
}

/// Removes matches of `s` from `lp` as quicklist::remove() does; at most
/// `limit` (0: no limit). Returns the number removed.
size_t remove_from(listpack& lp, std::string_view s, size_t limit, bool from_tail) {
  size_t removed = 0;
  if (!from_tail) {
    listpack::pos p = lp.first();
    while (p != lp.end() && (limit == 0 || removed < limit)) {
      if (lp.get(p) == s) {
        p = lp.erase(p);
        ++removed;
      } else {
        p = lp.next(p);
      }
    }
    return removed;
  }
  if (lp.empty())
    return 0;
  listpack::pos p = lp.last();
  for (;;) {
    // Positions before an erased entry do not move.
    bool at_first = p == lp.first();
    listpack::pos before = at_first ? p : lp.prev(p);
    if (lp.get(p) == s) {
      lp.erase(p);
      ++removed;
    }
    if (at_first || (limit != 0 && removed >= limit))
      return removed;
    p = before;
  }
}

} // namespace

size_t quicklist_packed_threshold() {
  return packed_threshold.load(std::memory_order_relaxed);
}

bool set_quicklist_packed_threshold(unsigned long long sz) {
  if (sz > (1ull << 32) - (1ull << 20))
    return false;
  if (sz == 0)
    sz = default_packed_threshold;
  packed_threshold.store(static_cast<size_t>(sz), std::memory_order_relaxed);
  return true;
}

// --- Representation ---------------------------------------------------------

quicklist::quicklist() noexcept {
  new (word_) listpack();
}

quicklist::~quicklist() {
  if (multi())
    delete &many();
  else
    single().~listpack();
}

quicklist::quicklist(quicklist&& other) noexcept {
  // Both alternatives are a bare pointer: relocating the word moves either.
  std::memcpy(word_, other.word_, sizeof word_);
  new (other.word_) listpack();
}

quicklist& quicklist::operator=(quicklist&& other) noexcept {
  if (this != &other) {
    this->~quicklist();
    new (this) quicklist(std::move(other));
  }
  return *this;
}

bool quicklist::multi() const {
  uintptr_t w;
  std::memcpy(&w, word_, sizeof w);
  return (w & 1) != 0;
}

listpack& quicklist::single() {
  return *std::launder(reinterpret_cast<listpack*>(word_));
}

const listpack& quicklist::single() const {
  return *std::launder(reinterpret_cast<const listpack*>(word_));
}

quicklist::node_array& quicklist::many() {
  uintptr_t w;
  std::memcpy(&w, word_, sizeof w);
  return *reinterpret_cast<node_array*>(w & ~uintptr_t{1});
}

const quicklist::node_array& quicklist::many() const {
  return const_cast<quicklist*>(this)->many();
}

const listpack& quicklist::lp(size_t node) const {
  return multi() ? many().nodes[node].lp : single();
}

quicklist quicklist::clone() const {
  quicklist copy;
  if (!multi()) {
    copy.single() = single().clone();
    return copy;
  }
  auto* arr = new node_array;
  arr->count = many().count;
  arr->nodes.reserve(many().nodes.size());
  for (const node& n : many().nodes)
    arr->nodes.push_back(node{n.lp.clone(), n.count, n.plain});
  copy.single().~listpack();
  auto w = reinterpret_cast<uintptr_t>(arr) | 1;
  std::memcpy(copy.word_, &w, sizeof w);
  return copy;
}

void quicklist::promote() {
  auto* arr = new node_array;
  listpack& lp = single();
  arr->count = lp.size();
  if (!lp.empty())
    arr->nodes.push_back(node{std::move(lp), static_cast<uint32_t>(arr->count), false});
  lp.~listpack();
  auto w = reinterpret_cast<uintptr_t>(arr) | 1;
  std::memcpy(word_, &w, sizeof w);
}

void quicklist::demote_if_single() {
  node_array& arr = many();
  if (arr.nodes.size() > 1 || (arr.nodes.size() == 1 && arr.nodes[0].plain))
    return;
  listpack lp;
  if (!arr.nodes.empty())
    lp = std::move(arr.nodes[0].lp);
  delete &arr;
  new (word_) listpack(std::move(lp));
}

size_t quicklist::size() const {
  return multi() ? many().count : single().size();
}

size_t quicklist::node_count() const {
  if (multi())
    return many().nodes.size();
  return single().empty() ? 0 : 1;
}

size_t quicklist::bytes() const {
  if (!multi())
    return single().bytes();
  const node_array& arr = many();
  size_t total = sizeof(node_array) + arr.nodes.capacity() * sizeof(node);
  for (const node& n : arr.nodes)
    total += n.lp.bytes();
  return total;
}

// --- Navigation -------------------------------------------------------------

std::pair<size_t, size_t> quicklist::locate(size_t index) const {
  const node_array& arr = many();
  if (index < arr.count / 2) {
    size_t i = 0;
    while (index >= arr.nodes[i].count) {
      index -= arr.nodes[i].count;
      ++i;
    }
    return {i, index};
  }
  size_t from_end = arr.count - 1 - index;
  size_t i = arr.nodes.size() - 1;
  while (from_end >= arr.nodes[i].count) {
    from_end -= arr.nodes[i].count;
    --i;
  }
  return {i, arr.nodes[i].count - 1 - from_end};
}

quicklist::cursor quicklist::seek(size_t index) const {
  if (!multi())
    return {0, single().at(static_cast<long long>(index))};
  auto [i, offset] = locate(index);
  return {i, many().nodes[i].lp.at(static_cast<long long>(offset))};
}

bool quicklist::next(cursor& c) const {
  const listpack& l = lp(c.node);
  c.pos = l.next(c.pos);
  if (c.pos != l.end())
    return true;
  if (!multi() || c.node + 1 >= many().nodes.size())
    return false;
  ++c.node;
  c.pos = many().nodes[c.node].lp.first();
  return true;
}

bool quicklist::prev(cursor& c) const {
  const listpack& l = lp(c.node);
  if (c.pos != l.first()) {
    c.pos = l.prev(c.pos);
    return true;
  }
  if (!multi() || c.node == 0)
    return false;
  --c.node;
  c.pos = many().nodes[c.node].lp.last();
  return true;
}

// --- Changes ----------------------------------------------------------------

std::string quicklist::pop_front() {
  std::string out(at(0));
  erase(0, 1);
  return out;
}

std::string quicklist::pop_back() {
  std::string out(at(size() - 1));
  erase(size() - 1, 1);
  return out;
}

void quicklist::insert(size_t index, std::string_view s, const quicklist_limits& lim) {
  if (!multi()) {
    listpack& l = single();
    if (allows(l, l.size(), false, s.size(), lim)) {
      if (index == l.size())
        l.push_back(s);
      else
        l.insert(l.at(static_cast<long long>(index)), s);
      return;
    }
    promote();
  }
  insert_many(index, s, lim);
}

void quicklist::split(size_t i, size_t keep) {
  auto& nodes = many().nodes;
  node tail;
  listpack& from = nodes[i].lp;
  for (listpack::pos p = from.at(static_cast<long long>(keep)); p != from.end(); p = from.next(p))
    tail.lp.push_back(from.get(p));
  tail.count = nodes[i].count - static_cast<uint32_t>(keep);
  from.erase(from.at(static_cast<long long>(keep)), tail.count);
  nodes[i].count = static_cast<uint32_t>(keep);
  nodes.insert(nodes.begin() + static_cast<std::ptrdiff_t>(i) + 1, std::move(tail));
}

void quicklist::insert_many(size_t index, std::string_view s, const quicklist_limits& lim) {
  node_array& arr = many();
  auto& nodes = arr.nodes;
  bool large = s.size() >= lim.packed_threshold;
  auto fits = [&](size_t i) {
    return allows(nodes[i].lp, nodes[i].count, nodes[i].plain, s.size(), lim);
  };
  auto add_node = [&](size_t at) {
    node n;
    n.lp.push_back(s);
    n.count = 1;
    n.plain = large;
    nodes.insert(nodes.begin() + static_cast<std::ptrdiff_t>(at), std::move(n));
  };
  auto push_into = [&](size_t i, bool front) {
    if (front)
      nodes[i].lp.push_front(s);
    else
      nodes[i].lp.push_back(s);
    ++nodes[i].count;
  };
  if (nodes.empty()) {
    ++arr.count;
    return add_node(0);
  }
  size_t i, offset;
  if (index == arr.count) {
    i = nodes.size() - 1;
    offset = nodes[i].count;
  } else {
    std::tie(i, offset) = locate(index);
  }
  ++arr.count;
  if (offset == nodes[i].count) {
    // After the last element of node i (only at the list's tail).
    if (fits(i))
      return push_into(i, false);
    return add_node(i + 1);
  }
  if (offset == 0) {
    if (fits(i))
      return push_into(i, true);
    if (i > 0 && allows(nodes[i - 1].lp, nodes[i - 1].count, nodes[i - 1].plain, s.size(), lim))
      return push_into(i - 1, false);
    return add_node(i);
  }
  if (fits(i)) {
    listpack& l = nodes[i].lp;
    l.insert(l.at(static_cast<long long>(offset)), s);
    ++nodes[i].count;
    return;
  }
  split(i, offset);
  if (fits(i))
    return push_into(i, false);
  if (fits(i + 1))
    return push_into(i + 1, true);
  add_node(i + 1);
}

void quicklist::replace(size_t index, std::string_view s, const quicklist_limits& lim) {
  bool large = s.size() >= lim.packed_threshold;
  if (!multi() && !large) {
    listpack& l = single();
    l.replace(l.at(static_cast<long long>(index)), s);
    return;
  }
  if (multi() && !large) {
    auto [i, offset] = locate(index);
    node& n = many().nodes[i];
    if (!n.plain) {
      n.lp.replace(n.lp.at(static_cast<long long>(offset)), s);
      return;
    }
  }
  // A plain node is involved: the element moves between node kinds.
  erase(index, 1);
  insert(index, s, lim);
}

void quicklist::erase(size_t index, size_t count) {
  if (index >= size() || count == 0)
    return;
  if (!multi()) {
    listpack& l = single();
    l.erase(l.at(static_cast<long long>(index)), count);
    return;
  }
  node_array& arr = many();
  auto& nodes = arr.nodes;
  auto [i, offset] = locate(index);
  size_t first_emptied = i, emptied = 0;
  while (count > 0 && i < nodes.size()) {
    node& n = nodes[i];
    size_t n_del = std::min<size_t>(count, n.count - offset);
    if (offset == 0 && n_del == n.count) {
      n.lp = listpack();
      if (emptied++ == 0)
        first_emptied = i;
    } else {
      n.lp.erase(n.lp.at(static_cast<long long>(offset)), n_del);
    }
    n.count -= static_cast<uint32_t>(n_del);
    arr.count -= n_del;
    count -= n_del;
    offset = 0;
    ++i;
  }
  // Emptied nodes are consecutive.
  auto from = nodes.begin() + static_cast<std::ptrdiff_t>(first_emptied);
  nodes.erase(from, from + static_cast<std::ptrdiff_t>(emptied));
  demote_if_single();
}

size_t quicklist::remove(std::string_view s, size_t limit, bool from_tail) {
  if (!multi())
    return remove_from(single(), s, limit, from_tail);
  node_array& arr = many();
  auto& nodes = arr.nodes;
  size_t removed = 0;
  for (size_t k = 0; k < nodes.size() && (limit == 0 || removed < limit); ++k) {
    node& n = nodes[from_tail ? nodes.size() - 1 - k : k];
    size_t here = remove_from(n.lp, s, limit == 0 ? 0 : limit - removed, from_tail);
    n.count -= static_cast<uint32_t>(here);
    removed += here;
  }
  arr.count -= removed;
  std::erase_if(nodes, [](const node& n) { return n.count == 0; });
  demote_if_single();
  return removed;
}

} // namespace actis::datatypes
