// A sorted array of distinct 64-bit integers stored at the narrowest width
// that holds them all (2, 4 or 8 bytes per element; Redis's intset): the
// small encoding of sets whose members are all integers. Plain C++, no CAF.
//
// The functions work on a caller-owned buffer of `len` elements of `width`
// bytes (no alignment required), so the owner can keep the array inside its
// own allocation (set_value does). The caller makes room before growing:
// bytes_for() tells how much the array needs.
#pragma once

#include <cstddef>
#include <cstdint>

namespace actis::datatypes::intset {

/// The narrowest element width (2, 4 or 8 bytes) that holds `v`.
unsigned width_for(int64_t v);

/// Bytes an array of `len` elements of `width` bytes occupies.
constexpr size_t bytes_for(size_t len, unsigned width) { return len * width; }

/// Element `i` (< len).
int64_t get(const unsigned char* data, unsigned width, size_t i);

/// Binary search for `v`: true if present. `pos` receives its index, or the
/// index it would be inserted at to keep the array sorted.
bool search(const unsigned char* data, unsigned width, size_t len, int64_t v, size_t& pos);

/// Re-encodes `len` elements from width `from` to the wider `to`, in place:
/// the buffer must already hold bytes_for(len, to).
void upgrade(unsigned char* data, unsigned from, unsigned to, size_t len);

/// Inserts `v` (which fits `width`) at `pos`, shifting the tail: the buffer
/// must hold bytes_for(len + 1, width).
void insert_at(unsigned char* data, unsigned width, size_t len, size_t pos, int64_t v);

/// Removes element `pos` (< len), shifting the tail down.
void erase_at(unsigned char* data, unsigned width, size_t len, size_t pos);

} // namespace actis::datatypes::intset
