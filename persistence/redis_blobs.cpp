#include "persistence/redis_blobs.hpp"

#include <charconv>
#include <cstring>

#include "datatypes/strutil.hpp"

namespace actis::persistence {

namespace {

uint64_t get_le(const unsigned char* p, int bytes) {
  uint64_t v = 0;
  for (int i = bytes - 1; i >= 0; --i)
    v = (v << 8) | p[i];
  return v;
}

void put_le_bytes(std::string& out, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i)
    out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

int64_t sign_extend(uint64_t v, int bits) {
  uint64_t m = uint64_t{1} << (bits - 1);
  v &= bits == 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1;
  return static_cast<int64_t>((v ^ m) - m);
}

/// lpEncodeBacklen: the entry's length, readable from its last byte back.
size_t encode_backlen(uint64_t l, unsigned char* buf) {
  if (l <= 127) {
    buf[0] = static_cast<unsigned char>(l);
    return 1;
  }
  size_t n = l < 16383 ? 2 : l < 2097151 ? 3 : l < 268435455 ? 4 : 5;
  for (size_t i = 0; i < n; ++i) {
    auto part = static_cast<unsigned char>((l >> (7 * (n - 1 - i))) & 127);
    buf[i] = i == 0 ? part : static_cast<unsigned char>(part | 128);
  }
  return n;
}

const unsigned char* bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

} // namespace

std::string_view render_int(long long v, char (&digits)[24]) {
  auto r = std::to_chars(digits, digits + sizeof digits, v);
  return {digits, static_cast<size_t>(r.ptr - digits)};
}

// -- listpack ---------------------------------------------------------------

void listpack_builder::add(long long v) {
  size_t start = out_.size();
  if (v >= 0 && v <= 127) {
    out_.push_back(static_cast<char>(v));
  } else if (v >= -4096 && v <= 4095) {
    auto u = static_cast<uint64_t>(v < 0 ? (1 << 13) + v : v);
    out_.push_back(static_cast<char>(0xC0 | (u >> 8)));
    out_.push_back(static_cast<char>(u & 0xFF));
  } else {
    int width = v >= -32768 && v <= 32767               ? 2
                : v >= -8388608 && v <= 8388607         ? 3
                : v >= INT32_MIN && v <= INT32_MAX      ? 4
                                                        : 8;
    out_.push_back(static_cast<char>(width == 2 ? 0xF1 : width == 3 ? 0xF2 : width == 4 ? 0xF3 : 0xF4));
    put_le_bytes(out_, static_cast<uint64_t>(v), width);
  }
  unsigned char back[5];
  out_.append(reinterpret_cast<char*>(back), encode_backlen(out_.size() - start, back));
  ++count_;
}

void listpack_builder::add(std::string_view s) {
  long long v = 0;
  if (s.size() <= 20 && datatypes::parse_ll(s, v)) {
    add(v);
    return;
  }
  size_t start = out_.size();
  if (s.size() < 64) {
    out_.push_back(static_cast<char>(0x80 | s.size()));
  } else if (s.size() < 4096) {
    out_.push_back(static_cast<char>(0xE0 | (s.size() >> 8)));
    out_.push_back(static_cast<char>(s.size() & 0xFF));
  } else {
    out_.push_back(static_cast<char>(0xF0));
    put_le_bytes(out_, s.size(), 4);
  }
  out_.append(s);
  unsigned char back[5];
  out_.append(reinterpret_cast<char*>(back), encode_backlen(out_.size() - start, back));
  ++count_;
}

std::string listpack_builder::finish() {
  out_.push_back(static_cast<char>(0xFF));
  auto* p = reinterpret_cast<unsigned char*>(out_.data());
  uint64_t total = out_.size();
  for (int i = 0; i < 4; ++i)
    p[i] = static_cast<unsigned char>((total >> (8 * i)) & 0xFF);
  uint64_t n = count_ < 65535 ? count_ : 65535;
  p[4] = static_cast<unsigned char>(n & 0xFF);
  p[5] = static_cast<unsigned char>(n >> 8);
  std::string done = std::move(out_);
  out_.assign(6, '\0');
  count_ = 0;
  return done;
}

bool listpack_header(std::string_view blob, size_t& declared, size_t& off) {
  if (blob.size() < 7 || get_le(bytes(blob), 4) != blob.size() ||
      static_cast<unsigned char>(blob.back()) != 0xFF)
    return false;
  declared = static_cast<size_t>(get_le(bytes(blob) + 4, 2));
  off = 6;
  return true;
}

bool listpack_entry(std::string_view blob, size_t& off, blob_step& st) {
  const unsigned char* p = bytes(blob) + off;
  // Everything before the terminator is available to the entry.
  size_t avail = blob.size() - 1 - off;
  unsigned char b = p[0];
  size_t head = 1, data = 0;
  bool is_int = true;
  int64_t v = 0;
  if ((b & 0x80) == 0) {
    v = b;
  } else if ((b & 0xC0) == 0x80) {
    is_int = false;
    data = b & 0x3F;
  } else if ((b & 0xE0) == 0xC0) {
    head = 2;
    if (avail < 2)
      return false;
    v = sign_extend((static_cast<uint64_t>(b & 0x1F) << 8) | p[1], 13);
  } else if ((b & 0xF0) == 0xE0) {
    head = 2;
    is_int = false;
    if (avail < 2)
      return false;
    data = (static_cast<size_t>(b & 0x0F) << 8) | p[1];
  } else if (b == 0xF0) {
    head = 5;
    is_int = false;
    if (avail < 5)
      return false;
    data = static_cast<size_t>(get_le(p + 1, 4));
  } else if (b >= 0xF1 && b <= 0xF4) {
    int width = b == 0xF1 ? 2 : b == 0xF2 ? 3 : b == 0xF3 ? 4 : 8;
    head = 1 + static_cast<size_t>(width);
    if (avail < head)
      return false;
    v = sign_extend(get_le(p + 1, width), width * 8);
  } else {
    return false;
  }
  if (data > avail || head > avail - data)
    return false;
  size_t len = head + data;
  unsigned char back[5];
  size_t back_len = encode_backlen(len, back);
  if (back_len > avail - len || std::memcmp(p + len, back, back_len) != 0)
    return false;
  st.s = is_int ? render_int(v, st.digits)
                : std::string_view(reinterpret_cast<const char*>(p + head), data);
  off += len + back_len;
  return true;
}

// -- ziplist ----------------------------------------------------------------

bool ziplist_header(std::string_view blob, size_t& declared, size_t& off) {
  if (blob.size() < 11 || get_le(bytes(blob), 4) != blob.size() ||
      static_cast<unsigned char>(blob.back()) != 0xFF)
    return false;
  declared = static_cast<size_t>(get_le(bytes(blob) + 8, 2));
  off = 10;
  return true;
}

bool ziplist_tail_ok(std::string_view blob, size_t last_entry) {
  return get_le(bytes(blob) + 4, 4) == last_entry;
}

bool ziplist_entry(std::string_view blob, size_t& off, size_t& prev_len, blob_step& st) {
  const unsigned char* p = bytes(blob) + off;
  size_t avail = blob.size() - 1 - off;
  size_t prev_size = p[0] < 254 ? 1 : 5;
  if (p[0] == 255 || avail < prev_size + 1)
    return false;
  uint64_t prev = prev_size == 1 ? p[0] : get_le(p + 1, 4);
  if (prev != prev_len)
    return false;
  const unsigned char* e = p + prev_size;
  unsigned char b = e[0];
  size_t head = 1, data = 0;
  bool is_int = true;
  int64_t v = 0;
  size_t rest = avail - prev_size;
  switch (b >> 6) {
  case 0:
    is_int = false;
    data = b & 0x3F;
    break;
  case 1:
    is_int = false;
    head = 2;
    if (rest < 2)
      return false;
    data = (static_cast<size_t>(b & 0x3F) << 8) | e[1];
    break;
  case 2:
    is_int = false;
    head = 5;
    if (b != 0x80 || rest < 5)
      return false;
    data = (static_cast<size_t>(e[1]) << 24) | (static_cast<size_t>(e[2]) << 16) |
           (static_cast<size_t>(e[3]) << 8) | e[4];
    break;
  default: {
    int width = b == 0xC0 ? 2 : b == 0xD0 ? 4 : b == 0xE0 ? 8 : b == 0xF0 ? 3 : b == 0xFE ? 1 : 0;
    if (width == 0) {
      if (b < 0xF1 || b > 0xFD)
        return false;
      v = (b & 0x0F) - 1;
    } else {
      if (rest < 1 + static_cast<size_t>(width))
        return false;
      v = sign_extend(get_le(e + 1, width), width * 8);
      data = static_cast<size_t>(width);
    }
    break;
  }
  }
  if (head > rest || data > rest - head)
    return false;
  st.s = is_int ? render_int(v, st.digits)
                : std::string_view(reinterpret_cast<const char*>(e + head), data);
  prev_len = prev_size + head + data;
  off += prev_len;
  return true;
}

// -- intset -----------------------------------------------------------------

std::string intset_blob(const int64_t* values, size_t n, unsigned width) {
  for (size_t i = 0; i < n; ++i) {
    int64_t v = values[i];
    if (v < INT32_MIN || v > INT32_MAX)
      width = 8;
    else if ((v < INT16_MIN || v > INT16_MAX) && width < 4)
      width = 4;
  }
  std::string out;
  out.reserve(8 + n * width);
  put_le_bytes(out, width, 4);
  put_le_bytes(out, n, 4);
  for (size_t i = 0; i < n; ++i)
    put_le_bytes(out, static_cast<uint64_t>(values[i]), static_cast<int>(width));
  return out;
}

bool intset_header(std::string_view blob, unsigned& width, size_t& n) {
  if (blob.size() < 8)
    return false;
  width = static_cast<unsigned>(get_le(bytes(blob), 4));
  n = static_cast<size_t>(get_le(bytes(blob) + 4, 4));
  return (width == 2 || width == 4 || width == 8) && n > 0 && (blob.size() - 8) / width == n &&
         (blob.size() - 8) % width == 0;
}

int64_t intset_at(std::string_view blob, unsigned width, size_t i) {
  return sign_extend(get_le(bytes(blob) + 8 + i * width, static_cast<int>(width)),
                     static_cast<int>(width * 8));
}

// -- zipmap -----------------------------------------------------------------

bool zipmap_entry(std::string_view blob, size_t& off, bool is_value, blob_step& st) {
  const unsigned char* p = bytes(blob) + off;
  size_t avail = blob.size() - 1 - off;
  if (avail < 1 || p[0] == 255)
    return false;
  size_t head = 1;
  uint64_t len = p[0];
  if (p[0] == 254) {
    head = 5;
    if (avail < 5)
      return false;
    len = get_le(p + 1, 4);
  }
  size_t free_bytes = 0;
  if (is_value) {
    if (avail < head + 1)
      return false;
    free_bytes = p[head];
    ++head;
  }
  if (len > avail - head || free_bytes > avail - head - len)
    return false;
  st.s = std::string_view(reinterpret_cast<const char*>(p + head), static_cast<size_t>(len));
  off += head + len + free_bytes;
  return true;
}

} // namespace actis::persistence
