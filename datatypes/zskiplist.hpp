// The large encoding of sorted sets: a skiplist ordered by (score, member)
// with rank spans, plus an open-addressing hash of the same nodes keyed by
// member. Each member lives once, inline in its node; the hash holds only
// node pointers (8 bytes a slot). Plain C++, no CAF.
//
// Insert, erase, score update, rank and the range searches are O(log N);
// member lookup is O(1). Nodes are stable until erased.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace actis::datatypes {

struct score_range;
struct lex_range;

class zskiplist {
public:
  static constexpr int max_level = 32;

  /// Opaque node; read it with the static accessors below.
  struct node;

  zskiplist();
  ~zskiplist();
  zskiplist(zskiplist&& other) noexcept;
  zskiplist& operator=(zskiplist&&) = delete;
  zskiplist(const zskiplist&) = delete;
  zskiplist& operator=(const zskiplist&) = delete;

  size_t size() const { return length_; }
  /// Heap bytes of nodes and hash table.
  size_t bytes() const { return bytes_; }

  /// The node of `member`, nullptr if absent.
  node* find(std::string_view member) const;
  /// Adds `member`, which must be absent; returns its node.
  node* insert(std::string_view member, double score);
  /// Removes `n` (a node of this list) and frees it.
  void erase(node* n);
  /// Changes the score of `n`; returns the member's node afterwards (`n`
  /// itself if the order did not change, else a new node).
  node* update_score(node* n, double score);

  /// 0-based rank of `n` in ascending order.
  size_t rank_of(const node* n) const;
  /// The node at 0-based `rank`, nullptr past the end.
  node* at_rank(size_t rank) const;
  node* first() const;
  node* last() const { return tail_; }

  /// First / last node inside the range, nullptr if none; `rank` receives
  /// its 0-based rank.
  node* first_in(const score_range& r, size_t& rank) const;
  node* last_in(const score_range& r, size_t& rank) const;
  /// The lexicographic searches compare members only, as Redis does (they
  /// are meant for sets whose members all have one score).
  node* first_in(const lex_range& r, size_t& rank) const;
  node* last_in(const lex_range& r, size_t& rank) const;

  static std::string_view member(const node* n);
  static double score(const node* n);
  static node* next(const node* n);
  /// nullptr before the first node.
  static node* prev(const node* n);

private:
  node* descend_update(double score, std::string_view member, node** update) const;
  void hash_insert(node* n);
  void hash_erase(const node* n);
  void hash_grow();
  void unlink(node* n, node** update);
  /// Puts `n` (its score, member and level set) in its place in the list;
  /// length_ and the member hash are the caller's.
  void link(node* n);

  node* header_;
  node* tail_ = nullptr;
  size_t length_ = 0;
  int level_ = 1;
  node** table_ = nullptr;
  size_t mask_ = 0;           // table size - 1; table is null while empty
  size_t bytes_ = 0;
};

} // namespace actis::datatypes
