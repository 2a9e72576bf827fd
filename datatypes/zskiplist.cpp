// Skiplist + member hash (see zskiplist.hpp).
//
// Node block: [score][backward][member length][level] then `level` forward
// pointers, `level - 1` spans (the level-0 span is always 1, so it is not
// stored) and the member bytes. One allocation per member, exact size.
// The search algorithms are Redis's (zslInsert, zslDeleteNode, zslGetRank,
// zslFirstInRange ...), with spans counting nodes between neighbours.
#include "datatypes/zskiplist.hpp"

#include <cstdlib>
#include <cstring>
#include <functional>
#include <new>

#include "datatypes/zset.hpp"

namespace actis::datatypes {

struct zskiplist::node {
  double score;
  node* backward;
  uint32_t len;
  uint8_t level;

  node** forward() { return reinterpret_cast<node**>(this + 1); }
  node* const* forward() const { return reinterpret_cast<node* const*>(this + 1); }
  uint32_t* spans() { return reinterpret_cast<uint32_t*>(forward() + level); }
  const uint32_t* spans() const { return reinterpret_cast<const uint32_t*>(forward() + level); }
  const char* data() const { return reinterpret_cast<const char*>(spans() + (level - 1)); }
  char* data() { return reinterpret_cast<char*>(spans() + (level - 1)); }
  std::string_view name() const { return {data(), len}; }

  uint32_t span(int i) const { return i == 0 ? 1 : spans()[i - 1]; }
  void set_span(int i, uint32_t s) {
    if (i > 0)
      spans()[i - 1] = s;
  }

  static size_t block_size(int level, size_t len) {
    return sizeof(node) + sizeof(node*) * static_cast<size_t>(level) +
           sizeof(uint32_t) * static_cast<size_t>(level - 1) + len;
  }
};

namespace {

using node = zskiplist::node;

node* make_node(int level, double score, std::string_view member) {
  void* p = std::malloc(node::block_size(level, member.size()));
  if (p == nullptr)
    throw std::bad_alloc();
  node* n = static_cast<node*>(p);
  n->score = score;
  n->backward = nullptr;
  n->len = static_cast<uint32_t>(member.size());
  n->level = static_cast<uint8_t>(level);
  for (int i = 0; i < level; ++i) {
    n->forward()[i] = nullptr;
    n->set_span(i, 0);
  }
  if (!member.empty())
    std::memcpy(n->data(), member.data(), member.size());
  return n;
}

/// Redis's zslRandomLevel: each further level with probability 1/4.
int random_level() {
  thread_local uint64_t state = 0x9e3779b97f4a7c15ull;
  int level = 1;
  for (;;) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    if ((state & 0xffff) >= 0x4000 || level >= zskiplist::max_level)
      return level;
    ++level;
  }
}

size_t hash_of(std::string_view s) { return std::hash<std::string_view>{}(s); }

/// (score, member) order: true if `n` sorts before (score, member). The
/// descent's inner loop: inlined, and the names compared only on a tie.
[[gnu::always_inline]] inline bool before(const node* n, double score,
                                          std::string_view member) {
  if (n->score != score)
    return n->score < score;
  return n->name() < member;
}

/// On reaching `x` at level `i`, the descent next reads either x's
/// successor at that level or, when it stops there, x's successor one level
/// down: asking for both at once overlaps the two cache misses.
[[gnu::always_inline]] inline void prefetch_next(const node* x, int i) {
  __builtin_prefetch(x->forward()[i]);
  if (i > 0)
    __builtin_prefetch(x->forward()[i - 1]);
}

} // namespace

zskiplist::zskiplist() : header_(make_node(max_level, 0, {})) {
  bytes_ = node::block_size(max_level, 0);
}

zskiplist::zskiplist(zskiplist&& other) noexcept
    : header_(other.header_), tail_(other.tail_), length_(other.length_), level_(other.level_),
      table_(other.table_), mask_(other.mask_), bytes_(other.bytes_) {
  other.header_ = nullptr;
  other.table_ = nullptr;
  other.tail_ = nullptr;
  other.length_ = 0;
}

zskiplist::~zskiplist() {
  if (header_ == nullptr)
    return;
  node* x = header_->forward()[0];
  while (x != nullptr) {
    node* next = x->forward()[0];
    std::free(x);
    x = next;
  }
  std::free(header_);
  std::free(table_);
}

std::string_view zskiplist::member(const node* n) { return n->name(); }
double zskiplist::score(const node* n) { return n->score; }
zskiplist::node* zskiplist::next(const node* n) { return n->forward()[0]; }
zskiplist::node* zskiplist::prev(const node* n) { return n->backward; }

zskiplist::node* zskiplist::first() const { return header_->forward()[0]; }

// --- hash ------------------------------------------------------------------

zskiplist::node* zskiplist::find(std::string_view member) const {
  if (table_ == nullptr)
    return nullptr;
  for (size_t i = hash_of(member) & mask_;; i = (i + 1) & mask_) {
    node* n = table_[i];
    if (n == nullptr || n->name() == member)
      return n;
  }
}

void zskiplist::hash_insert(node* n) {
  // Grow at 3/4 load: linear probing stays short.
  if (table_ == nullptr || (length_ + 1) * 4 > (mask_ + 1) * 3)
    hash_grow();
  size_t i = hash_of(n->name()) & mask_;
  while (table_[i] != nullptr)
    i = (i + 1) & mask_;
  table_[i] = n;
}

void zskiplist::hash_grow() {
  size_t old_size = table_ == nullptr ? 0 : mask_ + 1;
  size_t size = old_size == 0 ? 8 : old_size * 2;
  auto* fresh = static_cast<node**>(std::calloc(size, sizeof(node*)));
  if (fresh == nullptr)
    throw std::bad_alloc();
  size_t mask = size - 1;
  for (size_t j = 0; j < old_size; ++j) {
    if (node* n = table_[j]) {
      size_t i = hash_of(n->name()) & mask;
      while (fresh[i] != nullptr)
        i = (i + 1) & mask;
      fresh[i] = n;
    }
  }
  std::free(table_);
  table_ = fresh;
  mask_ = mask;
  bytes_ += (size - old_size) * sizeof(node*);
}

void zskiplist::hash_erase(const node* n) {
  size_t i = hash_of(n->name()) & mask_;
  while (table_[i] != n)
    i = (i + 1) & mask_;
  // Backward-shift deletion: move later members of the probe run into the
  // hole when their home slot allows it, so no tombstones are needed.
  for (size_t j = i;;) {
    j = (j + 1) & mask_;
    node* m = table_[j];
    if (m == nullptr)
      break;
    size_t home = hash_of(m->name()) & mask_;
    bool stays = i <= j ? (i < home && home <= j) : (i < home || home <= j);
    if (stays)
      continue;
    table_[i] = m;
    i = j;
  }
  table_[i] = nullptr;
}

// --- list ------------------------------------------------------------------

zskiplist::node* zskiplist::descend_update(double score, std::string_view member,
                                           node** update) const {
  node* x = header_;
  for (int i = level_ - 1; i >= 0; --i) {
    while (x->forward()[i] != nullptr && before(x->forward()[i], score, member)) {
      x = x->forward()[i];
      prefetch_next(x, i);
    }
    update[i] = x;
  }
  return x->forward()[0];
}

zskiplist::node* zskiplist::insert(std::string_view member, double score) {
  node* x = make_node(random_level(), score, member);
  link(x);
  ++length_;
  bytes_ += node::block_size(x->level, member.size());
  hash_insert(x);
  return x;
}

void zskiplist::link(node* x) {
  node* update[max_level];
  uint32_t rank[max_level];
  double score = x->score;
  std::string_view member = x->name();
  node* at = header_;
  for (int i = level_ - 1; i >= 0; --i) {
    rank[i] = i == level_ - 1 ? 0 : rank[i + 1];
    while (at->forward()[i] != nullptr && before(at->forward()[i], score, member)) {
      rank[i] += at->span(i);
      at = at->forward()[i];
      prefetch_next(at, i);
    }
    update[i] = at;
  }
  int level = x->level;
  if (level > level_) {
    for (int i = level_; i < level; ++i) {
      rank[i] = 0;
      update[i] = header_;
      header_->set_span(i, static_cast<uint32_t>(length_));
    }
    level_ = level;
  }
  for (int i = 0; i < level; ++i) {
    x->forward()[i] = update[i]->forward()[i];
    update[i]->forward()[i] = x;
    x->set_span(i, update[i]->span(i) - (rank[0] - rank[i]));
    update[i]->set_span(i, (rank[0] - rank[i]) + 1);
  }
  for (int i = level; i < level_; ++i)
    update[i]->set_span(i, update[i]->span(i) + 1);
  x->backward = update[0] == header_ ? nullptr : update[0];
  if (x->forward()[0] != nullptr)
    x->forward()[0]->backward = x;
  else
    tail_ = x;
}

void zskiplist::unlink(node* x, node** update) {
  for (int i = 0; i < level_; ++i) {
    if (update[i]->forward()[i] == x) {
      update[i]->set_span(i, update[i]->span(i) + x->span(i) - 1);
      update[i]->forward()[i] = x->forward()[i];
    } else {
      update[i]->set_span(i, update[i]->span(i) - 1);
    }
  }
  if (x->forward()[0] != nullptr)
    x->forward()[0]->backward = x->backward;
  else
    tail_ = x->backward;
  while (level_ > 1 && header_->forward()[level_ - 1] == nullptr)
    --level_;
  --length_;
}

void zskiplist::erase(node* n) {
  node* update[max_level];
  descend_update(n->score, n->name(), update);
  unlink(n, update);
  hash_erase(n);
  bytes_ -= node::block_size(n->level, n->len);
  std::free(n);
}

zskiplist::node* zskiplist::update_score(node* n, double score) {
  // Redis's zslUpdateScore: keep the node where it is if it stays between
  // its neighbours.
  node* next = n->forward()[0];
  if ((n->backward == nullptr || n->backward->score < score) &&
      (next == nullptr || next->score > score)) {
    n->score = score;
    return n;
  }
  // Moved as it is (Redis reuses the node too): the member hash keeps
  // pointing at it, nothing is freed or allocated.
  node* update[max_level];
  descend_update(n->score, n->name(), update);
  unlink(n, update);
  n->score = score;
  link(n);
  ++length_; // unlink counted it out
  return n;
}

size_t zskiplist::rank_of(const node* n) const {
  size_t rank = 0;
  node* x = header_;
  for (int i = level_ - 1; i >= 0; --i) {
    while (x->forward()[i] != nullptr &&
           (before(x->forward()[i], n->score, n->name()) || x->forward()[i] == n)) {
      rank += x->span(i);
      x = x->forward()[i];
    }
    if (x == n)
      return rank - 1;
  }
  return rank - 1;
}

zskiplist::node* zskiplist::at_rank(size_t rank) const {
  if (rank >= length_)
    return nullptr;
  size_t target = rank + 1, traversed = 0;
  node* x = header_;
  for (int i = level_ - 1; i >= 0; --i) {
    while (x->forward()[i] != nullptr && traversed + x->span(i) <= target) {
      traversed += x->span(i);
      x = x->forward()[i];
    }
    if (traversed == target)
      return x;
  }
  return nullptr;
}

namespace {

/// Walks down from the header while `go_on(next node)` holds, summing the
/// spans: returns the last node passed (the header if none) and its
/// 1-based rank (0 for the header).
template <class Pred>
node* descend(node* header, int levels, Pred go_on, size_t& rank) {
  node* x = header;
  rank = 0;
  for (int i = levels - 1; i >= 0; --i)
    while (x->forward()[i] != nullptr && go_on(x->forward()[i])) {
      rank += x->span(i);
      x = x->forward()[i];
    }
  return x;
}

} // namespace

zskiplist::node* zskiplist::first_in(const score_range& r, size_t& rank) const {
  if (r.empty() || tail_ == nullptr || !r.above_min(tail_->score) ||
      !r.below_max(first()->score))
    return nullptr;
  node* x = descend(header_, level_, [&](node* f) { return !r.above_min(f->score); }, rank);
  x = x->forward()[0];
  if (x == nullptr || !r.below_max(x->score))
    return nullptr;
  return x;
}

zskiplist::node* zskiplist::last_in(const score_range& r, size_t& rank) const {
  if (r.empty() || tail_ == nullptr || !r.above_min(tail_->score) ||
      !r.below_max(first()->score))
    return nullptr;
  node* x = descend(header_, level_, [&](node* f) { return r.below_max(f->score); }, rank);
  if (x == header_ || !r.above_min(x->score))
    return nullptr;
  --rank;
  return x;
}

zskiplist::node* zskiplist::first_in(const lex_range& r, size_t& rank) const {
  if (r.empty() || tail_ == nullptr || !r.above_min(tail_->name()) ||
      !r.below_max(first()->name()))
    return nullptr;
  node* x = descend(header_, level_, [&](node* f) { return !r.above_min(f->name()); }, rank);
  x = x->forward()[0];
  if (x == nullptr || !r.below_max(x->name()))
    return nullptr;
  return x;
}

zskiplist::node* zskiplist::last_in(const lex_range& r, size_t& rank) const {
  if (r.empty() || tail_ == nullptr || !r.above_min(tail_->name()) ||
      !r.below_max(first()->name()))
    return nullptr;
  node* x = descend(header_, level_, [&](node* f) { return r.below_max(f->name()); }, rank);
  if (x == header_ || !r.above_min(x->name()))
    return nullptr;
  --rank;
  return x;
}

} // namespace actis::datatypes
