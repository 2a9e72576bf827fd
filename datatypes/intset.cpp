#include "datatypes/intset.hpp"

#include <cstring>

namespace actis::datatypes::intset {

unsigned width_for(int64_t v) {
  if (v >= INT16_MIN && v <= INT16_MAX)
    return 2;
  if (v >= INT32_MIN && v <= INT32_MAX)
    return 4;
  return 8;
}

namespace {

void put(unsigned char* data, unsigned width, size_t i, int64_t v) {
  unsigned char* at = data + i * width;
  if (width == 2) {
    auto x = static_cast<int16_t>(v);
    std::memcpy(at, &x, 2);
  } else if (width == 4) {
    auto x = static_cast<int32_t>(v);
    std::memcpy(at, &x, 4);
  } else {
    std::memcpy(at, &v, 8);
  }
}

} // namespace

int64_t get(const unsigned char* data, unsigned width, size_t i) {
  const unsigned char* at = data + i * width;
  if (width == 2) {
    int16_t x;
    std::memcpy(&x, at, 2);
    return x;
  }
  if (width == 4) {
    int32_t x;
    std::memcpy(&x, at, 4);
    return x;
  }
  int64_t x;
  std::memcpy(&x, at, 8);
  return x;
}

bool search(const unsigned char* data, unsigned width, size_t len, int64_t v, size_t& pos) {
  size_t lo = 0, hi = len;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int64_t m = get(data, width, mid);
    if (m == v) {
      pos = mid;
      return true;
    }
    if (m < v)
      lo = mid + 1;
    else
      hi = mid;
  }
  pos = lo;
  return false;
}

void upgrade(unsigned char* data, unsigned from, unsigned to, size_t len) {
  // Back to front, so no element is overwritten before it was read.
  for (size_t i = len; i-- > 0;)
    put(data, to, i, get(data, from, i));
}

void insert_at(unsigned char* data, unsigned width, size_t len, size_t pos, int64_t v) {
  std::memmove(data + (pos + 1) * width, data + pos * width, (len - pos) * width);
  put(data, width, pos, v);
}

void erase_at(unsigned char* data, unsigned width, size_t len, size_t pos) {
  std::memmove(data + pos * width, data + (pos + 1) * width, (len - pos - 1) * width);
}

} // namespace actis::datatypes::intset
