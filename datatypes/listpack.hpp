// A compact sequence of short strings in one exact-size heap block: the
// small encoding of hashes, sorted sets and list nodes (Redis's listpack).
// Plain C++, no CAF.
//
// Block layout: [uint32 total bytes][uint32 entry count] then the entries,
// each [length varint][bytes][back length], where the back length is the
// size of the first two parts written so that it reads from its last byte
// backwards (7 bits per byte, high bit: another byte precedes). A one-byte
// string costs 3 bytes, as in Redis's listpack. The in-memory format is
// actis's own; RDB serialization converts to Redis's.
//
// `forward_listpack` leaves the back lengths out: a byte less per entry,
// walked front to back only (no last()/prev()). Hashes take it: every hash
// operation walks forward, and a 10-field hash of short strings then fits
// glibc's 128-byte chunk instead of the 144-byte one.
//
// Positions are byte offsets into the block. They stay valid until the next
// change; every change returns the position to go on from.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace actis::datatypes {

template <bool BackLengths>
class basic_listpack {
public:
  using pos = uint32_t;

  basic_listpack() noexcept = default;
  ~basic_listpack();
  basic_listpack(basic_listpack&& other) noexcept : data_(other.data_) { other.data_ = nullptr; }
  basic_listpack& operator=(basic_listpack&& other) noexcept;
  basic_listpack(const basic_listpack&) = delete;
  basic_listpack& operator=(const basic_listpack&) = delete;
  /// A deep copy.
  basic_listpack clone() const;
  /// Takes ownership of `block`: a malloc'ed block holding bytes that data()
  /// returned (a listpack saved elsewhere, e.g. compressed, and restored).
  /// Null gives an empty listpack.
  static basic_listpack adopt(unsigned char* block) noexcept {
    basic_listpack lp;
    lp.data_ = block;
    return lp;
  }
  /// The whole block, header included: bytes() bytes (null while empty and
  /// never allocated).
  const unsigned char* data() const { return data_; }

  size_t size() const;
  bool empty() const { return size() == 0; }
  /// Bytes of the heap block (0 while empty and never allocated).
  size_t bytes() const;

  /// Position of the first entry; end() if empty.
  pos first() const { return header_size; }
  /// Past-the-end position.
  pos end() const { return data_ == nullptr ? header_size : static_cast<pos>(bytes()); }
  /// Position of the last entry; end() if empty.
  pos last() const
    requires BackLengths;
  /// The entry after `p`; end() after the last.
  pos next(pos p) const;
  /// The entry before `p` (which may be end()); end() before the first.
  pos prev(pos p) const
    requires BackLengths;
  /// Position of entry `index`; negative counts from the end (-1 last).
  /// end() when out of range. O(n) from the nearer end (from the front
  /// without back lengths).
  pos at(long long index) const;

  /// The string at `p`; valid until the next change.
  std::string_view get(pos p) const;

  /// Inserts `s` before `p` (end() appends); returns the new entry's position.
  pos insert(pos p, std::string_view s);
  pos push_back(std::string_view s) { return insert(end(), s); }
  pos push_front(std::string_view s) { return insert(first(), s); }
  /// Replaces the entry at `p`; returns its position. `s` must not view
  /// this listpack (a change may move the block); neither for insert().
  pos replace(pos p, std::string_view s);
  /// Removes `count` entries from `p` on (fewer if the end comes first);
  /// returns the position of the entry that followed them.
  pos erase(pos p, size_t count = 1);
  /// First entry equal to `s` at or after `p`, looking only at every
  /// (skip+1)-th entry (skip 1: the keys of a field/value sequence); end()
  /// if none.
  pos find(std::string_view s, pos p, size_t skip = 0) const;

private:
  static constexpr pos header_size = 8;
  void set_count(size_t n);
  /// Resizes the block to `total` bytes, moving the bytes from `from` on by
  /// `delta` (positive: opens a gap; negative: closes one).
  void resize_at(pos from, long long delta);

  unsigned char* data_ = nullptr;
};

using listpack = basic_listpack<true>;
using forward_listpack = basic_listpack<false>;
extern template class basic_listpack<true>;
extern template class basic_listpack<false>;

} // namespace actis::datatypes
