#include "datatypes/listpack.hpp"

#include <cstdlib>
#include <cstring>
#include <new>

namespace actis::datatypes {

namespace {

size_t varint_size(uint64_t v) {
  size_t n = 1;
  while (v >= 128) {
    v >>= 7;
    ++n;
  }
  return n;
}

/// Forward varint: low 7 bits first, high bit means another byte follows.
size_t write_varint(unsigned char* out, uint64_t v) {
  size_t n = 0;
  while (v >= 128) {
    out[n++] = static_cast<unsigned char>((v & 127) | 128);
    v >>= 7;
  }
  out[n++] = static_cast<unsigned char>(v);
  return n;
}

uint64_t read_varint(const unsigned char* in, size_t& used) {
  uint64_t v = 0;
  int shift = 0;
  used = 0;
  for (;;) {
    unsigned char b = in[used++];
    v |= static_cast<uint64_t>(b & 127) << shift;
    if ((b & 128) == 0)
      return v;
    shift += 7;
  }
}

/// Back length: the same 7-bit groups, written so that the last byte holds
/// the low bits and its high bit says another byte precedes it.
void write_backlen(unsigned char* out, uint64_t v, size_t n) {
  for (size_t i = n; i-- > 0;) {
    out[i] = static_cast<unsigned char>((v & 127) | (i > 0 ? 128 : 0));
    v >>= 7;
  }
}

/// Reads a back length ending just before `end`; returns it and sets `used`.
uint64_t read_backlen(const unsigned char* end, size_t& used) {
  uint64_t v = 0;
  int shift = 0;
  used = 0;
  for (;;) {
    unsigned char b = *(end - 1 - used);
    ++used;
    v |= static_cast<uint64_t>(b & 127) << shift;
    if ((b & 128) == 0)
      return v;
    shift += 7;
  }
}

/// Bytes an entry holding `len` string bytes takes.
size_t entry_size(size_t len, bool back_length) {
  size_t body = varint_size(len) + len;
  return back_length ? body + varint_size(body) : body;
}

uint32_t load32(const unsigned char* p) {
  uint32_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

void store32(unsigned char* p, uint32_t v) {
  std::memcpy(p, &v, sizeof v);
}

} // namespace

template <bool B>
basic_listpack<B>::~basic_listpack() {
  std::free(data_);
}

template <bool B>
basic_listpack<B>& basic_listpack<B>::operator=(basic_listpack&& other) noexcept {
  if (this != &other) {
    std::free(data_);
    data_ = other.data_;
    other.data_ = nullptr;
  }
  return *this;
}

template <bool B>
basic_listpack<B> basic_listpack<B>::clone() const {
  basic_listpack copy;
  if (data_ != nullptr) {
    size_t n = bytes();
    copy.data_ = static_cast<unsigned char*>(std::malloc(n));
    if (copy.data_ == nullptr)
      throw std::bad_alloc();
    std::memcpy(copy.data_, data_, n);
  }
  return copy;
}

template <bool B>
size_t basic_listpack<B>::size() const {
  return data_ == nullptr ? 0 : load32(data_ + 4);
}

template <bool B>
size_t basic_listpack<B>::bytes() const {
  return data_ == nullptr ? 0 : load32(data_);
}

template <bool B>
void basic_listpack<B>::set_count(size_t n) {
  store32(data_ + 4, static_cast<uint32_t>(n));
}

template <bool B>
typename basic_listpack<B>::pos basic_listpack<B>::last() const
  requires B {
  return empty() ? end() : prev(end());
}

template <bool B>
typename basic_listpack<B>::pos basic_listpack<B>::next(pos p) const {
  size_t used;
  uint64_t len = read_varint(data_ + p, used);
  size_t body = used + len;
  return static_cast<pos>(p + (B ? body + varint_size(body) : body));
}

template <bool B>
typename basic_listpack<B>::pos basic_listpack<B>::prev(pos p) const
  requires B {
  if (p <= first())
    return end();
  size_t used;
  uint64_t body = read_backlen(data_ + p, used);
  return static_cast<pos>(p - used - body);
}

template <bool B>
typename basic_listpack<B>::pos basic_listpack<B>::at(long long index) const {
  long long n = static_cast<long long>(size());
  if (index < 0)
    index += n;
  if (index < 0 || index >= n)
    return end();
  if constexpr (B) {
    if (index > n / 2) {
      pos p = last();
      for (long long i = n - 1; i > index; --i)
        p = prev(p);
      return p;
    }
  }
  pos p = first();
  for (long long i = 0; i < index; ++i)
    p = next(p);
  return p;
}

template <bool B>
std::string_view basic_listpack<B>::get(pos p) const {
  size_t used;
  uint64_t len = read_varint(data_ + p, used);
  return {reinterpret_cast<const char*>(data_ + p + used), static_cast<size_t>(len)};
}

template <bool B>
void basic_listpack<B>::resize_at(pos from, long long delta) {
  size_t old_total = data_ == nullptr ? header_size : bytes();
  size_t new_total = static_cast<size_t>(static_cast<long long>(old_total) + delta);
  if (delta < 0) {
    // Close the gap [from + delta, from) before shrinking.
    std::memmove(data_ + from + delta, data_ + from, old_total - from);
  }
  auto* grown = static_cast<unsigned char*>(std::realloc(data_, new_total));
  if (grown == nullptr)
    throw std::bad_alloc();
  if (data_ == nullptr)
    store32(grown + 4, 0);
  data_ = grown;
  if (delta > 0)
    std::memmove(data_ + from + delta, data_ + from, old_total - from);
  store32(data_, static_cast<uint32_t>(new_total));
}

template <bool B>
typename basic_listpack<B>::pos basic_listpack<B>::insert(pos p, std::string_view s) {
  size_t need = entry_size(s.size(), B);
  resize_at(p, static_cast<long long>(need));
  unsigned char* out = data_ + p;
  size_t head = write_varint(out, s.size());
  if (!s.empty())
    std::memcpy(out + head, s.data(), s.size());
  if constexpr (B) {
    size_t body = head + s.size();
    write_backlen(out + body, body, varint_size(body));
  }
  set_count(size() + 1);
  return p;
}

template <bool B>
typename basic_listpack<B>::pos basic_listpack<B>::replace(pos p, std::string_view s) {
  size_t old = next(p) - p;
  size_t need = entry_size(s.size(), B);
  if (need != old)
    resize_at(static_cast<pos>(p + old), static_cast<long long>(need) - static_cast<long long>(old));
  unsigned char* out = data_ + p;
  size_t head = write_varint(out, s.size());
  if (!s.empty())
    std::memmove(out + head, s.data(), s.size());
  if constexpr (B) {
    size_t body = head + s.size();
    write_backlen(out + body, body, varint_size(body));
  }
  return p;
}

template <bool B>
typename basic_listpack<B>::pos basic_listpack<B>::erase(pos p, size_t count) {
  pos q = p;
  size_t removed = 0;
  pos stop = end();
  while (removed < count && q != stop) {
    q = next(q);
    ++removed;
  }
  if (removed == 0)
    return p;
  size_t left = size() - removed;
  resize_at(q, -static_cast<long long>(q - p));
  if (left == 0) {
    std::free(data_);
    data_ = nullptr;
    return end();
  }
  set_count(left);
  return p;
}

template <bool B>
typename basic_listpack<B>::pos basic_listpack<B>::find(std::string_view s, pos p, size_t skip) const {
  pos stop = end();
  while (p != stop) {
    size_t used;
    uint64_t len = read_varint(data_ + p, used);
    if (len == s.size() && std::memcmp(data_ + p + used, s.data(), s.size()) == 0)
      return p;
    p = next(p);
    for (size_t i = 0; i < skip && p != stop; ++i)
      p = next(p);
  }
  return stop;
}

template class basic_listpack<true>;
template class basic_listpack<false>;

} // namespace actis::datatypes
