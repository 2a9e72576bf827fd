#include "datatypes/quicklist.hpp"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <new>
#include <tuple>
#include <utility>

#include "datatypes/lzf.hpp"

namespace actis::datatypes {

namespace {

constexpr size_t default_packed_threshold = size_t{1} << 30;
std::atomic<size_t> packed_threshold{default_packed_threshold};
std::atomic<int> compress_depth{0};

/// Redis's MIN_COMPRESS_BYTES: smaller nodes are never compressed.
constexpr size_t min_compress_bytes = 48;
/// Redis's MIN_COMPRESS_IMPROVE: compression must save more than this.
constexpr size_t min_compress_improve = 8;

/// Starts a compressed node's block; the LZF stream follows.
struct blob_header {
  /// Unique per compression: names the contents in the read buffers.
  uint64_t id;
  uint32_t raw_bytes;
  uint32_t stream_bytes;
};
std::atomic<uint64_t> next_blob_id{1};

const blob_header& header_of(const unsigned char* blob) {
  return *std::launder(reinterpret_cast<const blob_header*>(blob));
}

/// The listpack a compressed blob holds, in a block of its own.
listpack inflate(const unsigned char* blob) {
  const blob_header& h = header_of(blob);
  auto* block = static_cast<unsigned char*>(std::malloc(h.raw_bytes));
  if (block == nullptr)
    throw std::bad_alloc();
  if (!lzf::decompress(blob + sizeof(blob_header), h.stream_bytes, block, h.raw_bytes)) {
    // Only memory corruption can get here: the blob was made by compress().
    std::abort();
  }
  return listpack::adopt(block);
}

/// The calling thread's decompressed copy of one compressed node (see the
/// header comment): reads of a compressed node return views into it.
struct read_buffer {
  uint64_t id = 0;
  listpack lp;
};
thread_local read_buffer reading;

/// The listpack of a compressed blob, through the read buffer. Kept out of
/// line so that the uncompressed path stays small enough to inline.
[[gnu::noinline]] const listpack& read_compressed(const unsigned char* blob) {
  uint64_t id = header_of(blob).id;
  if (reading.id != id) {
    reading.lp = inflate(blob);
    reading.id = id;
  }
  return reading.lp;
}

/// A read buffer this large is dropped when a seek lands on an uncompressed
/// node (a compressed plain node may be huge).
constexpr size_t keep_read_buffer_bytes = 65536;

/// Byte caps of fill -1..-5 (Redis's optimization_level).
constexpr size_t fill_bytes[] = {4096, 8192, 16384, 32768, 65536};
/// A positive fill still stops a node at this many bytes.
constexpr size_t size_safety_limit = 8192;
/// Per-entry overhead assumed when estimating a node's size after an insert.
constexpr size_t entry_overhead = 8;

static_assert(sizeof(listpack) == 8, "the lone listpack is stored in the quicklist's word");

/// May an element of `sz` bytes join a node of `count` entries?
/// Redis's _quicklistNodeAllowInsert.
bool allows(size_t node_bytes, size_t count, bool plain, size_t sz,
            const quicklist_limits& lim) {
  if (plain || sz >= lim.packed_threshold)
    return false;
  size_t new_sz = node_bytes + sz + entry_overhead;
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

int quicklist_compress_depth() {
  return compress_depth.load(std::memory_order_relaxed);
}

void set_quicklist_compress_depth(int depth) {
  compress_depth.store(depth < 0 ? 0 : depth, std::memory_order_relaxed);
}

void quicklist::free_block::operator()(unsigned char* p) const noexcept {
  std::free(p);
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
  if (!multi())
    return single();
  const struct node& n = many().nodes[node];
  if (!n.lzf) [[likely]]
    return n.lp;
  return read_compressed(n.lzf.get());
}

listpack& quicklist::raw(size_t i) {
  node& n = many().nodes[i];
  if (n.lzf) {
    n.lp = inflate(n.lzf.get());
    n.lzf.reset();
  }
  return n.lp;
}

void quicklist::compress(size_t i) {
  node& n = many().nodes[i];
  size_t sz = n.lp.bytes();
  if (n.lzf || sz < min_compress_bytes)
    return;
  auto* blob = static_cast<unsigned char*>(std::malloc(sizeof(blob_header) + sz));
  if (blob == nullptr)
    throw std::bad_alloc();
  size_t len = lzf::compress(n.lp.data(), sz, blob + sizeof(blob_header), sz);
  if (len == 0 || len + min_compress_improve >= sz) {
    std::free(blob);
    return;
  }
  blob_header h{next_blob_id.fetch_add(1, std::memory_order_relaxed), static_cast<uint32_t>(sz),
                static_cast<uint32_t>(len)};
  std::memcpy(blob, &h, sizeof h);
  if (auto* fitted = static_cast<unsigned char*>(std::realloc(blob, sizeof h + len)))
    blob = fitted;
  n.lzf.reset(blob);
  n.lp = listpack();
}

void quicklist::settle(size_t lo, size_t hi, size_t added) {
  node_array& arr = many();
  if (arr.depth <= 0)
    return;
  size_t n = arr.nodes.size();
  size_t d = static_cast<size_t>(arr.depth);
  size_t ends = std::min(d, n);
  for (size_t i = 0; i < ends; ++i) {
    raw(i);
    raw(n - 1 - i);
  }
  if (n <= 2 * d)
    return;
  size_t inner_lo = d, inner_hi = n - d;
  for (size_t i = std::max(lo, inner_lo); i < std::min(hi, inner_hi); ++i)
    compress(i);
  for (size_t i = inner_lo; i < std::min(inner_lo + added, inner_hi); ++i)
    compress(i);
  for (size_t i = inner_hi - std::min(added, inner_hi - inner_lo); i < inner_hi; ++i)
    compress(i);
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
  arr->depth = many().depth;
  for (const node& n : many().nodes) {
    node copy{n.lp.clone(), nullptr, n.count, n.plain};
    if (n.lzf) {
      // The same contents: the copy may share the blob id.
      size_t len = sizeof(blob_header) + header_of(n.lzf.get()).stream_bytes;
      auto* blob = static_cast<unsigned char*>(std::malloc(len));
      if (blob == nullptr)
        throw std::bad_alloc();
      std::memcpy(blob, n.lzf.get(), len);
      copy.lzf.reset(blob);
    }
    arr->nodes.push_back(std::move(copy));
  }
  copy.single().~listpack();
  auto w = reinterpret_cast<uintptr_t>(arr) | 1;
  std::memcpy(copy.word_, &w, sizeof w);
  return copy;
}

void quicklist::promote(int depth) {
  auto* arr = new node_array;
  listpack& lp = single();
  arr->count = lp.size();
  arr->depth = depth;
  if (!lp.empty())
    arr->nodes.push_back(node{std::move(lp), nullptr, static_cast<uint32_t>(arr->count), false});
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
    lp = std::move(raw(0));
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
    total += n.lzf ? sizeof(blob_header) + header_of(n.lzf.get()).stream_bytes : n.lp.bytes();
  return total;
}

size_t quicklist::node_raw_bytes(size_t i) const {
  if (!multi())
    return single().bytes();
  const node& n = many().nodes[i];
  return n.lzf ? header_of(n.lzf.get()).raw_bytes : n.lp.bytes();
}

bool quicklist::node_compressed(size_t i) const {
  return multi() && many().nodes[i].lzf != nullptr;
}

quicklist::layout quicklist::describe() const {
  layout out;
  out.nodes = node_count();
  out.compress_depth = multi() ? many().depth : quicklist_compress_depth();
  for (size_t i = 0; i < out.nodes; ++i) {
    out.uncompressed_bytes += node_raw_bytes(i);
    out.compressed_nodes += node_compressed(i) ? 1 : 0;
  }
  return out;
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
  if (!many().nodes[i].lzf && reading.lp.bytes() > keep_read_buffer_bytes)
    reading = read_buffer{};
  return {i, lp(i).at(static_cast<long long>(offset))};
}

bool quicklist::next(cursor& c) const {
  const listpack& l = lp(c.node);
  c.pos = l.next(c.pos);
  if (c.pos != l.end())
    return true;
  if (!multi() || c.node + 1 >= many().nodes.size())
    return false;
  ++c.node;
  c.pos = lp(c.node).first();
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
  c.pos = lp(c.node).last();
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
    if (allows(l.bytes(), l.size(), false, s.size(), lim)) {
      if (index == l.size())
        l.push_back(s);
      else
        l.insert(l.at(static_cast<long long>(index)), s);
      return;
    }
    promote(lim.compress_depth);
  }
  size_t at = insert_many(index, s, lim);
  // Up to two nodes were added around `at` (a split and a new node).
  settle(at == 0 ? 0 : at - 1, at + 2, 2);
}

void quicklist::split(size_t i, size_t keep) {
  auto& nodes = many().nodes;
  node tail;
  listpack& from = raw(i);
  for (listpack::pos p = from.at(static_cast<long long>(keep)); p != from.end(); p = from.next(p))
    tail.lp.push_back(from.get(p));
  tail.count = nodes[i].count - static_cast<uint32_t>(keep);
  from.erase(from.at(static_cast<long long>(keep)), tail.count);
  nodes[i].count = static_cast<uint32_t>(keep);
  nodes.insert(nodes.begin() + static_cast<std::ptrdiff_t>(i) + 1, std::move(tail));
}

size_t quicklist::insert_many(size_t index, std::string_view s, const quicklist_limits& lim) {
  node_array& arr = many();
  auto& nodes = arr.nodes;
  bool large = s.size() >= lim.packed_threshold;
  auto fits = [&](size_t i) {
    return allows(node_raw_bytes(i), nodes[i].count, nodes[i].plain, s.size(), lim);
  };
  auto add_node = [&](size_t at) {
    node n;
    n.lp.push_back(s);
    n.count = 1;
    n.plain = large;
    nodes.insert(nodes.begin() + static_cast<std::ptrdiff_t>(at), std::move(n));
    return at;
  };
  auto push_into = [&](size_t i, bool front) {
    listpack& l = raw(i);
    if (front)
      l.push_front(s);
    else
      l.push_back(s);
    ++nodes[i].count;
    return i;
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
    if (i > 0 && fits(i - 1))
      return push_into(i - 1, false);
    return add_node(i);
  }
  if (fits(i)) {
    listpack& l = raw(i);
    l.insert(l.at(static_cast<long long>(offset)), s);
    ++nodes[i].count;
    return i;
  }
  split(i, offset);
  if (fits(i))
    return push_into(i, false);
  if (fits(i + 1))
    return push_into(i + 1, true);
  return add_node(i + 1);
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
    if (!many().nodes[i].plain) {
      listpack& l = raw(i);
      l.replace(l.at(static_cast<long long>(offset)), s);
      settle(i, i + 1, 0);
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
  size_t first_touched = i, first_emptied = i, emptied = 0;
  while (count > 0 && i < nodes.size()) {
    node& n = nodes[i];
    size_t n_del = std::min<size_t>(count, n.count - offset);
    if (offset == 0 && n_del == n.count) {
      n.lp = listpack();
      n.lzf.reset();
      if (emptied++ == 0)
        first_emptied = i;
    } else {
      listpack& l = raw(i);
      l.erase(l.at(static_cast<long long>(offset)), n_del);
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
  // At most the first and the last node were cut, now next to each other.
  // Removing nodes only moves the others towards the ends.
  settle(first_touched, first_touched + 2, 0);
  demote_if_single();
}

size_t quicklist::remove(std::string_view s, size_t limit, bool from_tail) {
  if (!multi())
    return remove_from(single(), s, limit, from_tail);
  node_array& arr = many();
  auto& nodes = arr.nodes;
  size_t removed = 0;
  size_t n_nodes = nodes.size(), depth = static_cast<size_t>(std::max(arr.depth, 0));
  for (size_t k = 0; k < n_nodes && (limit == 0 || removed < limit); ++k) {
    size_t i = from_tail ? n_nodes - 1 - k : k;
    // A node without a match stays as it is (compressed or not).
    const listpack& view = lp(i);
    if (view.find(s, view.first()) == view.end())
      continue;
    size_t here = remove_from(raw(i), s, limit == 0 ? 0 : limit - removed, from_tail);
    node& n = nodes[i];
    n.count -= static_cast<uint32_t>(here);
    removed += here;
    // Inner before the emptied nodes go stays inner or becomes an end node,
    // which settle() below decompresses again.
    if (depth > 0 && n.count > 0 && i >= depth && i + depth < n_nodes)
      compress(i);
  }
  arr.count -= removed;
  std::erase_if(nodes, [](const node& n) { return n.count == 0; });
  settle(0, 0, 0);
  demote_if_single();
  return removed;
}

} // namespace actis::datatypes
