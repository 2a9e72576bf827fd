// HyperLogLog registers, encodings and estimator (see hyperloglog.hpp).
#include "datatypes/hyperloglog.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace actis::datatypes::hll {

namespace {

constexpr int q_bits = 64 - precision;
constexpr uint8_t register_max = 63;
constexpr int sparse_val_max_value = 32;
constexpr int sparse_val_max_len = 4;
constexpr int sparse_zero_max_len = 64;
constexpr int sparse_xzero_max_len = 16384;
constexpr double alpha_inf = 0.721347520444481703680; // 0.5 / ln 2
constexpr uint64_t hash_seed = 0xadc83b19ULL;

// --- Sparse opcodes ----------------------------------------------------------

bool is_zero(const uint8_t* p) { return (*p & 0xc0) == 0; }
bool is_xzero(const uint8_t* p) { return (*p & 0xc0) == 0x40; }
bool is_val(const uint8_t* p) { return (*p & 0x80) != 0; }
int zero_len(const uint8_t* p) { return (*p & 0x3f) + 1; }
int xzero_len(const uint8_t* p) { return (((p[0] & 0x3f) << 8) | p[1]) + 1; }
int val_value(const uint8_t* p) { return ((*p >> 2) & 0x1f) + 1; }
int val_len(const uint8_t* p) { return (*p & 0x3) + 1; }
void set_val(uint8_t* p, int value, int len) {
  *p = static_cast<uint8_t>(((value - 1) << 2 | (len - 1)) | 0x80);
}
void set_zero(uint8_t* p, int len) { *p = static_cast<uint8_t>(len - 1); }
void set_xzero(uint8_t* p, int len) {
  int l = len - 1;
  p[0] = static_cast<uint8_t>((l >> 8) | 0x40);
  p[1] = static_cast<uint8_t>(l & 0xff);
}
/// A zero run of `len` registers at `n`; returns the bytes written.
int put_zero_run(uint8_t* n, int len) {
  if (len > sparse_zero_max_len) {
    set_xzero(n, len);
    return 2;
  }
  set_zero(n, len);
  return 1;
}

uint8_t* bytes(std::string& s) { return reinterpret_cast<uint8_t*>(s.data()); }
const uint8_t* bytes(std::string_view s) { return reinterpret_cast<const uint8_t*>(s.data()); }

// --- Dense registers ---------------------------------------------------------

/// Register `i` of the packed 6-bit registers at `regs` (`regs_len` bytes):
/// it starts at bit 6*i, low bits first, and may straddle two bytes.
uint8_t get_dense(const uint8_t* regs, size_t i) {
  size_t byte = i * 6 / 8;
  unsigned fb = (i * 6) & 7;
  unsigned b0 = regs[byte];
  unsigned b1 = fb > 2 ? regs[byte + 1] : 0;
  return static_cast<uint8_t>(((b0 >> fb) | (b1 << (8 - fb))) & register_max);
}

void set_dense(uint8_t* regs, size_t i, uint8_t v) {
  size_t byte = i * 6 / 8;
  unsigned fb = (i * 6) & 7;
  regs[byte] = static_cast<uint8_t>((regs[byte] & ~(register_max << fb)) | (v << fb));
  if (fb > 2)
    regs[byte + 1] = static_cast<uint8_t>((regs[byte + 1] & ~(register_max >> (8 - fb))) |
                                          (v >> (8 - fb)));
}

int dense_set(uint8_t* regs, size_t i, uint8_t count) {
  if (count <= get_dense(regs, i))
    return 0;
  set_dense(regs, i, count);
  return 1;
}

// --- Estimator ---------------------------------------------------------------

/// Ertl's sigma(x) = x + sum 2^(k-1) x^(2^k).
double sigma(double x) {
  if (x == 1.)
    return INFINITY;
  double z_prev, y = 1, z = x;
  do {
    x *= x;
    z_prev = z;
    z += x * y;
    y += y;
  } while (z_prev != z);
  return z;
}

/// Ertl's tau(x) = (1 - x - sum 2^-k (1 - x^(2^-k))^2) / 3.
double tau(double x) {
  if (x == 0. || x == 1.)
    return 0.;
  double z_prev, y = 1.0, z = 1 - x;
  do {
    x = std::sqrt(x);
    z_prev = z;
    y *= 0.5;
    z -= std::pow(1 - x, 2) * y;
  } while (z_prev != z);
  return z / 3;
}

/// The estimate from the histogram of register values (Redis's order of
/// floating-point operations, so that both round alike).
uint64_t estimate(const int (&histo)[64]) {
  double m = register_count;
  double z = m * tau((m - histo[q_bits + 1]) / m);
  for (int j = q_bits; j >= 1; --j) {
    z += histo[j];
    z *= 0.5;
  }
  z += m * sigma(histo[0] / m);
  return static_cast<uint64_t>(std::llround(alpha_inf * m * m / z));
}

/// Walks a sparse coding, calling zero(first, len) and val(first, len, value)
/// per opcode; false unless it covers exactly every register. A VAL run
/// past the last register stops the walk (and fails it).
template <class Zero, class Val>
bool walk_sparse(std::string_view s, Zero&& zero, Val&& val) {
  const uint8_t* p = bytes(s) + header_size;
  const uint8_t* end = bytes(s) + s.size();
  size_t idx = 0;
  while (p < end) {
    if (is_zero(p)) {
      int len = zero_len(p++);
      zero(idx, len);
      idx += len;
    } else if (is_xzero(p)) {
      if (p + 1 >= end)
        return false;
      int len = xzero_len(p);
      p += 2;
      zero(idx, len);
      idx += len;
    } else {
      int len = val_len(p);
      if (idx + len > register_count)
        return false;
      val(idx, len, val_value(p++));
      idx += len;
    }
  }
  return idx == register_count;
}

} // namespace

uint64_t murmur64a(const void* key, size_t len, uint64_t seed) {
  constexpr uint64_t m = 0xc6a4a7935bd1e995ULL;
  constexpr int r = 47;
  const auto* data = static_cast<const uint8_t*>(key);
  uint64_t h = seed ^ (len * m);
  const uint8_t* blocks_end = data + (len - (len & 7));
  for (; data != blocks_end; data += 8) {
    uint64_t k = 0;
    for (int b = 7; b >= 0; --b)
      k = (k << 8) | data[b];
    k *= m;
    k ^= k >> r;
    k *= m;
    h ^= k;
    h *= m;
  }
  size_t tail = len & 7;
  if (tail != 0) {
    for (size_t b = tail; b-- > 0;)
      h ^= static_cast<uint64_t>(data[b]) << (8 * b);
    h *= m;
  }
  h ^= h >> r;
  h *= m;
  h ^= h >> r;
  return h;
}

std::pair<size_t, uint8_t> pattern_of(std::string_view element) {
  uint64_t hash = murmur64a(element.data(), element.size(), hash_seed);
  size_t index = hash & (register_count - 1);
  // The register counts the position of the first 1 bit of the remaining
  // 50 bits; the sentinel bit bounds it at q_bits + 1.
  hash >>= precision;
  hash |= uint64_t{1} << q_bits;
  return {index, static_cast<uint8_t>(__builtin_ctzll(hash) + 1)};
}

std::string create() {
  std::string s(header_size, '\0');
  std::memcpy(s.data(), "HYLL", 4);
  s[4] = static_cast<char>(encoding_sparse);
  for (size_t left = register_count; left > 0;) {
    int run = static_cast<int>(std::min<size_t>(left, sparse_xzero_max_len));
    uint8_t op[2];
    set_xzero(op, run);
    s.append(reinterpret_cast<const char*>(op), 2);
    left -= static_cast<size_t>(run);
  }
  return s;
}

bool looks_valid(std::string_view s) {
  if (s.size() < header_size || s.substr(0, 4) != "HYLL")
    return false;
  uint8_t enc = static_cast<uint8_t>(s[4]);
  if (enc > encoding_sparse)
    return false;
  return enc != encoding_dense || s.size() == dense_size;
}

bool cache_valid(std::string_view s) { return (static_cast<uint8_t>(s[15]) & 0x80) == 0; }

uint64_t cached_cardinality(std::string_view s) {
  uint64_t card = 0;
  for (int b = 7; b >= 0; --b)
    card = (card << 8) | static_cast<uint8_t>(s[8 + b]);
  return card;
}

void set_cached_cardinality(std::string& s, uint64_t card) {
  for (int b = 0; b < 8; ++b)
    s[8 + b] = static_cast<char>((card >> (8 * b)) & 0xff);
}

void invalidate_cache(std::string& s) { s[15] = static_cast<char>(s[15] | 0x80); }

uint8_t dense_register(std::string_view s, size_t index) {
  return get_dense(bytes(s) + header_size, index);
}

bool to_dense(std::string& s) {
  if (is_dense(s))
    return true;
  std::string dense(dense_size, '\0');
  std::memcpy(dense.data(), s.data(), header_size);
  dense[4] = static_cast<char>(encoding_dense);
  uint8_t* regs = bytes(dense) + header_size;
  bool ok = walk_sparse(
      s, [](size_t, int) {},
      [&](size_t first, int len, int value) {
        for (int k = 0; k < len; ++k)
          set_dense(regs, first + k, static_cast<uint8_t>(value));
      });
  if (!ok)
    return false;
  s = std::move(dense);
  return true;
}

namespace {

/// Redis's sparse update: split the opcode covering `index` into at most
/// three (run before, VAL count, run after), then merge equal neighbouring
/// VALs. The exact byte layout matters: values are exchanged with Redis.
int sparse_set(std::string& s, size_t index, uint8_t count, size_t sparse_max_bytes) {
  uint8_t* sparse = bytes(s) + header_size;
  uint8_t* end = bytes(s) + s.size();
  uint8_t* p = sparse;
  uint8_t* prev = nullptr;
  size_t first = 0;
  int span = 0;
  while (p < end) {
    int oplen = 1;
    if (is_zero(p)) {
      span = zero_len(p);
    } else if (is_val(p)) {
      span = val_len(p);
    } else {
      span = xzero_len(p);
      oplen = 2;
    }
    if (index <= first + span - 1)
      break;
    prev = p;
    p += oplen;
    first += static_cast<size_t>(span);
  }
  if (span == 0 || p >= end)
    return -1;

  bool zero_op = is_zero(p), xzero_op = is_xzero(p), val_op = is_val(p);
  int runlen = zero_op ? zero_len(p) : xzero_op ? xzero_len(p) : val_len(p);
  bool in_place = false;
  if (val_op) {
    if (val_value(p) >= count)
      return 0;
    in_place = runlen == 1;
  } else if (zero_op && runlen == 1) {
    in_place = true;
  }

  if (in_place) {
    set_val(p, count, 1);
  } else {
    uint8_t seq[5];
    uint8_t* n = seq;
    size_t last = first + static_cast<size_t>(span) - 1;
    int before = static_cast<int>(index - first), after = static_cast<int>(last - index);
    if (val_op) {
      int cur = val_value(p);
      if (before > 0)
        set_val(n++, cur, before);
      set_val(n++, count, 1);
      if (after > 0)
        set_val(n++, cur, after);
    } else {
      if (before > 0)
        n += put_zero_run(n, before);
      set_val(n++, count, 1);
      if (after > 0)
        n += put_zero_run(n, after);
    }
    int seqlen = static_cast<int>(n - seq);
    int oldlen = xzero_op ? 2 : 1;
    int delta = seqlen - oldlen;
    if (delta > 0 && s.size() + static_cast<size_t>(delta) > sparse_max_bytes) {
      if (!to_dense(s))
        return -1;
      return dense_set(bytes(s) + header_size, index, count);
    }
    size_t at = static_cast<size_t>(p - bytes(s));
    size_t prev_at = prev != nullptr ? static_cast<size_t>(prev - bytes(s)) : 0;
    s.replace(at, static_cast<size_t>(oldlen), reinterpret_cast<const char*>(seq),
              static_cast<size_t>(seqlen));
    sparse = bytes(s) + header_size;
    end = bytes(s) + s.size();
    prev = prev != nullptr ? bytes(s) + prev_at : nullptr;
  }

  // Merge adjacent VALs of one value, scanning up to 5 opcodes from the
  // one before the change (a merge counts as a step and is retried at the
  // same place, to merge with its right neighbour too).
  size_t pos = static_cast<size_t>((prev != nullptr ? prev : sparse) - bytes(s));
  int scan = 5;
  while (pos < s.size() && scan-- > 0) {
    const uint8_t* q = bytes(s) + pos;
    if (is_xzero(q)) {
      pos += 2;
      continue;
    }
    if (is_zero(q)) {
      ++pos;
      continue;
    }
    if (pos + 1 < s.size() && is_val(q + 1) && val_value(q) == val_value(q + 1)) {
      int len = val_len(q) + val_len(q + 1);
      if (len <= sparse_val_max_len) {
        set_val(bytes(s) + pos + 1, val_value(q), len);
        s.erase(pos, 1);
        continue;
      }
    }
    ++pos;
  }
  return 1;
}

} // namespace

int set_register(std::string& s, size_t index, uint8_t count, size_t sparse_max_bytes) {
  if (is_dense(s))
    return dense_set(bytes(s) + header_size, index, count);
  if (count > sparse_val_max_value) {
    if (!to_dense(s))
      return -1;
    return dense_set(bytes(s) + header_size, index, count);
  }
  return sparse_set(s, index, count, sparse_max_bytes);
}

int add(std::string& s, std::string_view element, size_t sparse_max_bytes) {
  auto [index, count] = pattern_of(element);
  return set_register(s, index, count, sparse_max_bytes);
}

bool merge_into(raw_registers& max, std::string_view s) {
  if (is_dense(s)) {
    const uint8_t* regs = bytes(s) + header_size;
    for (size_t i = 0; i < register_count; ++i)
      max[i] = std::max(max[i], get_dense(regs, i));
    return true;
  }
  return walk_sparse(
      s, [](size_t, int) {},
      [&](size_t first, int len, int value) {
        for (int k = 0; k < len; ++k)
          max[first + k] = std::max(max[first + k], static_cast<uint8_t>(value));
      });
}

std::optional<uint64_t> count(std::string_view s) {
  int histo[64] = {};
  if (is_dense(s)) {
    const uint8_t* regs = bytes(s) + header_size;
    for (size_t i = 0; i < register_count; ++i)
      ++histo[get_dense(regs, i)];
  } else {
    bool ok = walk_sparse(
        s, [&](size_t, int len) { histo[0] += len; },
        [&](size_t, int len, int value) { histo[value] += len; });
    if (!ok)
      return std::nullopt;
  }
  return estimate(histo);
}

uint64_t count(const raw_registers& regs) {
  int histo[64] = {};
  for (uint8_t r : regs)
    ++histo[r & 63];
  return estimate(histo);
}

std::string decode_sparse(std::string_view s) {
  std::string out;
  const uint8_t* p = bytes(s) + header_size;
  const uint8_t* end = bytes(s) + s.size();
  while (p < end) {
    if (is_zero(p)) {
      out += "z:" + std::to_string(zero_len(p)) + " ";
      ++p;
    } else if (is_xzero(p)) {
      out += "Z:" + std::to_string(p + 1 < end ? xzero_len(p) : ((p[0] & 0x3f) << 8) + 1) + " ";
      p += 2;
    } else {
      out += "v:" + std::to_string(val_value(p)) + "," + std::to_string(val_len(p)) + " ";
      ++p;
    }
  }
  while (!out.empty() && out.back() == ' ')
    out.pop_back();
  return out;
}

} // namespace actis::datatypes::hll
