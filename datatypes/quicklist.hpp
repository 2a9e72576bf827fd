// The list value's storage: a sequence of listpack nodes (Redis's
// quicklist). Plain C++, no CAF.
//
// A list that fits one node is just that listpack: the quicklist is one
// machine word holding it, with no node array (most lists are small). Once a
// second node is needed the word points to a node array instead. Each node
// holds up to the fill limit (list-max-listpack-size); an element at or
// above the packed threshold gets a node of its own (a "plain" node, which
// nothing else joins), as Redis does.
//
// Compression (list-compress-depth d > 0, fixed when the list gets its
// second node, as Redis fixes it per list): every node more than d nodes
// from both ends is kept LZF-compressed when its block has at least 48 bytes
// and compresses to at least 9 bytes less (Redis's MIN_COMPRESS_BYTES and
// MIN_COMPRESS_IMPROVE); the d nodes at each end never are. A change
// decompresses the nodes it edits and recompresses them after. Reads leave
// the nodes compressed: they decompress a node into a buffer of the calling
// thread, reused while they stay in that node.
//
// Indexes are 0-based from the head. Views returned by get()/at() stay valid
// until the next change of the list or the next seek()/at()/next()/prev() on
// any quicklist by the same thread (which may switch its buffer to another
// compressed node). Cursors stay valid until the next change.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "datatypes/listpack.hpp"

namespace actis::datatypes {

/// The process-wide list-compress-depth new multi-node lists take (0: no
/// compression). Published by the configuration.
int quicklist_compress_depth();
void set_quicklist_compress_depth(int depth);

/// How full a node may get, and how the list is compressed.
struct quicklist_limits {
  /// list-max-listpack-size: negative -1..-5 caps a node's bytes at
  /// 4/8/16/32/64 KiB; positive caps its entries (and 8 KiB of bytes).
  int fill = -2;
  /// Elements of this many bytes or more get a plain node of their own.
  size_t packed_threshold = size_t{1} << 30;
  /// list-compress-depth, taken when the list gets its second node.
  int compress_depth = quicklist_compress_depth();
};

/// The process-wide packed threshold (DEBUG QUICKLIST-PACKED-THRESHOLD).
size_t quicklist_packed_threshold();
/// Sets it; 0 restores the default (1 GiB). False (nothing changed) if `sz`
/// is 4 GiB - 1 MiB or more, as Redis refuses.
bool set_quicklist_packed_threshold(unsigned long long sz);

class quicklist {
public:
  /// A position: node index and listpack position within it.
  struct cursor {
    size_t node = 0;
    listpack::pos pos = 0;
  };

  quicklist() noexcept;
  ~quicklist();
  quicklist(quicklist&& other) noexcept;
  quicklist& operator=(quicklist&& other) noexcept;
  quicklist(const quicklist&) = delete;
  quicklist& operator=(const quicklist&) = delete;
  /// A deep copy.
  quicklist clone() const;

  size_t size() const;
  bool empty() const { return size() == 0; }
  size_t node_count() const;
  /// Heap bytes held (node blocks, compressed or not, and the node array).
  size_t bytes() const;

  /// What DEBUG OBJECT reports about the layout.
  struct layout {
    size_t nodes = 0;
    size_t compressed_nodes = 0;
    /// Bytes of every node block as if none were compressed.
    size_t uncompressed_bytes = 0;
    /// The list's compress depth; single-node lists have none of their own
    /// and report the current setting.
    int compress_depth = 0;
  };
  layout describe() const;
  /// Whether node `i` (< node_count()) is stored compressed. For tests.
  bool node_compressed(size_t i) const;
  /// Bytes of node `i`'s block uncompressed. For tests.
  size_t node_raw_bytes(size_t i) const;

  void push_front(std::string_view s, const quicklist_limits& lim) { insert(0, s, lim); }
  void push_back(std::string_view s, const quicklist_limits& lim) { insert(size(), s, lim); }
  /// Removes and returns the first / last element; the list must not be empty.
  std::string pop_front();
  std::string pop_back();

  /// Element `index` (< size()).
  std::string_view at(size_t index) const { return get(seek(index)); }
  /// Inserts `s` before element `index` (index == size() appends). `s` must
  /// not view this list.
  void insert(size_t index, std::string_view s, const quicklist_limits& lim);
  /// Replaces element `index` (< size()) by `s`, which must not view this list.
  void replace(size_t index, std::string_view s, const quicklist_limits& lim);
  /// Removes `count` elements from `index` on (fewer if the end comes first).
  void erase(size_t index, size_t count);
  /// Removes elements equal to `s`, scanning from the head (or the tail),
  /// at most `limit` of them (0: all). Returns how many were removed.
  size_t remove(std::string_view s, size_t limit, bool from_tail);

  // Iteration. A cursor is valid until the next change.

  /// Cursor at element `index` (< size()); found from the nearer end.
  cursor seek(size_t index) const;
  std::string_view get(const cursor& c) const { return lp(c.node).get(c.pos); }
  /// Moves to the next / previous element; false (cursor unusable) past
  /// the end / before the first.
  bool next(cursor& c) const;
  bool prev(cursor& c) const;

private:
  struct free_block {
    void operator()(unsigned char* p) const noexcept;
  };
  struct node {
    /// Empty while the node is compressed.
    listpack lp;
    /// The compressed form (a blob header, then the LZF stream), or null.
    std::unique_ptr<unsigned char[], free_block> lzf;
    uint32_t count = 0;
    bool plain = false;
  };
  struct node_array {
    size_t count = 0;
    /// Compress depth (0: none), fixed when the array was made.
    int depth = 0;
    std::vector<node> nodes;
  };

  bool multi() const;
  listpack& single();
  const listpack& single() const;
  node_array& many();
  const node_array& many() const;
  /// Node `node`'s listpack for reading: a compressed one is decompressed
  /// into the thread's read buffer.
  const listpack& lp(size_t node) const;
  /// Node `i`'s listpack for changing: decompressed in place if need be.
  listpack& raw(size_t i);
  /// Compresses node `i` if that saves enough (see the file comment).
  void compress(size_t i);
  /// Restores the compression rule after a change: the end nodes are made
  /// plain listpacks; nodes [lo, hi) and those within `added` of the
  /// compressed region's edges (where new nodes push older ones in) are
  /// compressed if inner.
  void settle(size_t lo, size_t hi, size_t added);
  /// Moves the single listpack into a node array of one node.
  void promote(int depth);
  /// Back to a lone listpack when one ordinary node (or none) remains.
  void demote_if_single();
  /// Node holding element `index` and the offset within it (multi mode).
  std::pair<size_t, size_t> locate(size_t index) const;
  /// Inserts into the node array; returns the node that took `s`.
  size_t insert_many(size_t index, std::string_view s, const quicklist_limits& lim);
  /// Splits node `i` after its first `keep` elements (0 < keep < count).
  void split(size_t i, size_t keep);

  // The lone listpack (low bit clear: a malloc'ed block or null) or a
  // node_array pointer with the low bit set.
  alignas(8) unsigned char word_[8];
};

} // namespace actis::datatypes
