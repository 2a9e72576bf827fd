// Redis's own byte formats of the small encodings an RDB file embeds as
// strings: listpack (7.0's hashes, sorted sets and list nodes), intset,
// and the legacy ziplist and zipmap an older file may hold. actis keeps
// its own in-memory listpack (datatypes/listpack.hpp), so writing builds
// these blobs and reading walks them. Plain C++, no CAF.
//
// Readers validate the whole blob (header, every entry's bounds and
// encoding, the terminator, the declared counts) as Redis's deep
// sanitization does, and never read outside it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace actis::persistence {

/// Builds a Redis listpack, entry by entry, as lpAppend would: a string
/// that is the canonical text of a 64-bit integer is stored as an integer.
class listpack_builder {
public:
  listpack_builder() { out_.assign(6, '\0'); }
  void add(std::string_view s);
  void add(long long v);
  size_t size() const { return count_; }
  /// The finished blob (total bytes, count, entries, 0xFF); the builder is
  /// empty afterwards.
  std::string finish();

private:
  std::string out_;
  size_t count_ = 0;
};

/// Redis's intset blob of `n` ascending values at `width` bytes (2, 4, 8)
/// or wider when a value needs it.
std::string intset_blob(const int64_t* values, size_t n, unsigned width = 2);

/// Calls fn(std::string_view) for each entry of a listpack, ziplist,
/// intset or zipmap blob (a zipmap alternates keys and values; integers are
/// rendered as decimal text valid for the call). False if the blob is
/// malformed or fn returned false; `count` receives the number of entries.
/// An intset's members must ascend only when `ordered` (Redis checks the
/// order only under sanitize-dump-payload yes; an unordered one is still
/// safe to read, and set_value sorts what it is given).
template <class Fn>
bool for_each_listpack(std::string_view blob, size_t& count, Fn&& fn);
template <class Fn>
bool for_each_ziplist(std::string_view blob, size_t& count, Fn&& fn);
template <class Fn>
bool for_each_intset(std::string_view blob, size_t& count, Fn&& fn, bool ordered = true);
template <class Fn>
bool for_each_zipmap(std::string_view blob, size_t& count, Fn&& fn);

// -- implementation ---------------------------------------------------------

/// One decoding step of a blob walk: `off` is the entry's offset and is
/// moved past it; `s` receives its contents (digits go to `digits`).
/// False if the entry is malformed or runs past `blob`.
struct blob_step {
  char digits[24];
  std::string_view s;
};
bool listpack_header(std::string_view blob, size_t& declared, size_t& off);
bool listpack_entry(std::string_view blob, size_t& off, blob_step& st);
bool ziplist_header(std::string_view blob, size_t& declared, size_t& off);
bool ziplist_entry(std::string_view blob, size_t& off, size_t& prev_len, blob_step& st);
bool ziplist_tail_ok(std::string_view blob, size_t last_entry);
bool intset_header(std::string_view blob, unsigned& width, size_t& n);
int64_t intset_at(std::string_view blob, unsigned width, size_t i);
std::string_view render_int(long long v, char (&digits)[24]);
bool zipmap_entry(std::string_view blob, size_t& off, bool is_value, blob_step& st);

template <class Fn>
bool for_each_listpack(std::string_view blob, size_t& count, Fn&& fn) {
  size_t declared = 0, off = 0;
  if (!listpack_header(blob, declared, off))
    return false;
  count = 0;
  blob_step st;
  while (static_cast<unsigned char>(blob[off]) != 0xFF) {
    if (!listpack_entry(blob, off, st) || !fn(st.s))
      return false;
    ++count;
  }
  // The terminator must be the last byte; the count field is exact below
  // 65535 (lpValidateIntegrity).
  return off + 1 == blob.size() && (declared == 65535 || declared == count);
}

template <class Fn>
bool for_each_ziplist(std::string_view blob, size_t& count, Fn&& fn) {
  size_t declared = 0, off = 0, prev_len = 0, last = 0;
  if (!ziplist_header(blob, declared, off))
    return false;
  count = 0;
  blob_step st;
  while (static_cast<unsigned char>(blob[off]) != 0xFF) {
    last = off;
    if (!ziplist_entry(blob, off, prev_len, st) || !fn(st.s))
      return false;
    ++count;
  }
  return off + 1 == blob.size() && (declared == 65535 || declared == count) &&
         ziplist_tail_ok(blob, count == 0 ? off : last);
}

template <class Fn>
bool for_each_intset(std::string_view blob, size_t& count, Fn&& fn, bool ordered) {
  unsigned width = 0;
  if (!intset_header(blob, width, count))
    return false;
  char digits[24];
  for (size_t i = 0; i < count; ++i) {
    int64_t v = intset_at(blob, width, i);
    // Strictly ascending: sorted and free of duplicates.
    if (ordered && i > 0 && intset_at(blob, width, i - 1) >= v)
      return false;
    if (!fn(render_int(v, digits)))
      return false;
  }
  return true;
}

template <class Fn>
bool for_each_zipmap(std::string_view blob, size_t& count, Fn&& fn) {
  if (blob.size() < 2)
    return false;
  size_t off = 1;
  count = 0;
  blob_step st;
  while (off < blob.size() && static_cast<unsigned char>(blob[off]) != 0xFF) {
    if (!zipmap_entry(blob, off, count % 2 == 1, st) || !fn(st.s))
      return false;
    ++count;
  }
  auto declared = static_cast<unsigned char>(blob[0]);
  return count % 2 == 0 && off + 1 == blob.size() &&
         (declared >= 254 || declared == count / 2);
}

} // namespace actis::persistence
