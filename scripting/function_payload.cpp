#include "scripting/function_payload.hpp"

#include <array>
#include <cstring>

namespace actis::scripting {

namespace {

/// RDB format constants (Redis 7.0).
constexpr unsigned char opcode_function = 246;
constexpr unsigned char opcode_function2 = 245;
constexpr uint16_t rdb_version = 10;
constexpr unsigned char enc_lzf = 0xC3;

std::array<uint64_t, 256> make_crc_table() {
  // 0xad93d23594c935a9 bit-reversed: the table of the reflected algorithm.
  constexpr uint64_t poly = 0x95AC9329AC4BC9B5ULL;
  std::array<uint64_t, 256> t{};
  for (uint64_t i = 0; i < 256; ++i) {
    uint64_t c = i;
    for (int k = 0; k < 8; ++k)
      c = (c & 1) ? (c >> 1) ^ poly : c >> 1;
    t[i] = c;
  }
  return t;
}

void put_len(std::string& out, uint64_t len) {
  if (len < 64) {
    out.push_back(static_cast<char>(len));
  } else if (len < 16384) {
    out.push_back(static_cast<char>(0x40 | (len >> 8)));
    out.push_back(static_cast<char>(len & 0xFF));
  } else if (len <= 0xFFFFFFFFULL) {
    out.push_back(static_cast<char>(0x80));
    for (int i = 3; i >= 0; --i)
      out.push_back(static_cast<char>((len >> (8 * i)) & 0xFF));
  } else {
    out.push_back(static_cast<char>(0x81));
    for (int i = 7; i >= 0; --i)
      out.push_back(static_cast<char>((len >> (8 * i)) & 0xFF));
  }
}

/// Reads an RDB length; `encoded` tells a special encoding (0xC0 | type).
bool get_len(std::string_view& in, uint64_t& len, bool& encoded) {
  if (in.empty())
    return false;
  auto b = static_cast<unsigned char>(in[0]);
  encoded = false;
  switch (b >> 6) {
  case 0:
    len = b & 0x3F;
    in.remove_prefix(1);
    return true;
  case 1:
    if (in.size() < 2)
      return false;
    len = (static_cast<uint64_t>(b & 0x3F) << 8) | static_cast<unsigned char>(in[1]);
    in.remove_prefix(2);
    return true;
  case 3:
    encoded = true;
    len = b & 0x3F;
    in.remove_prefix(1);
    return true;
  default: {
    size_t n = b == 0x80 ? 4 : b == 0x81 ? 8 : 0;
    if (n == 0 || in.size() < 1 + n)
      return false;
    len = 0;
    for (size_t i = 1; i <= n; ++i)
      len = (len << 8) | static_cast<unsigned char>(in[i]);
    in.remove_prefix(1 + n);
    return true;
  }
  }
}

/// An RDB string (plain, integer-encoded or LZF).
bool get_string(std::string_view& in, std::string& out) {
  uint64_t len = 0;
  bool encoded = false;
  if (!get_len(in, len, encoded))
    return false;
  if (!encoded) {
    if (in.size() < len)
      return false;
    out.assign(in.substr(0, len));
    in.remove_prefix(len);
    return true;
  }
  if (len <= 2) {
    size_t n = size_t{1} << len;
    if (in.size() < n)
      return false;
    int64_t v = 0;
    for (size_t i = 0; i < n; ++i)
      v |= static_cast<int64_t>(static_cast<unsigned char>(in[i])) << (8 * i);
    if (n == 1)
      v = static_cast<int8_t>(v);
    else if (n == 2)
      v = static_cast<int16_t>(v);
    else
      v = static_cast<int32_t>(v);
    out = std::to_string(v);
    in.remove_prefix(n);
    return true;
  }
  if (len != 3)
    return false;
  uint64_t clen = 0, ulen = 0;
  if (!get_len(in, clen, encoded) || encoded || !get_len(in, ulen, encoded) || encoded ||
      in.size() < clen)
    return false;
  auto plain = lzf_decompress(in.substr(0, clen), ulen);
  if (!plain)
    return false;
  out = std::move(*plain);
  in.remove_prefix(clen);
  return true;
}

} // namespace

uint64_t crc64(uint64_t crc, std::string_view data) {
  static const auto table = make_crc_table();
  for (unsigned char c : data)
    crc = table[(crc ^ c) & 0xFF] ^ (crc >> 8);
  return crc;
}

std::optional<std::string> lzf_compress(std::string_view input, size_t max_out) {
  // liblzf with Redis's settings: HLOG 16, VERY_FAST, offsets in the hash
  // table, a zeroed table.
  constexpr unsigned hlog = 16;
  constexpr unsigned hsize = 1u << hlog;
  constexpr unsigned max_lit = 1u << 5;
  constexpr unsigned long max_off = 1u << 13;
  constexpr unsigned max_ref = (1u << 8) + (1u << 3);
  if (input.empty() || max_out == 0)
    return std::nullopt;
  std::vector<unsigned> htab(hsize, 0);
  auto idx = [](unsigned h) { return ((h >> (3 * 8 - hlog)) - h * 5) & (hsize - 1); };
  const auto* in = reinterpret_cast<const unsigned char*>(input.data());
  const unsigned char* ip = in;
  const unsigned char* in_end = in + input.size();
  std::string out(max_out + 1, '\0');
  auto* ob = reinterpret_cast<unsigned char*>(out.data());
  unsigned char* op = ob;
  unsigned char* out_end = ob + max_out;
  int lit = 0;
  ++op;  // start run
  unsigned hval = (static_cast<unsigned>(ip[0]) << 8) | ip[1];
  while (ip < in_end - 2) {
    hval = (hval << 8) | ip[2];
    unsigned* hslot = &htab[idx(hval)];
    const unsigned char* ref = in + *hslot;
    *hslot = static_cast<unsigned>(ip - in);
    unsigned long off;
    if ((off = static_cast<unsigned long>(ip - ref - 1)) < max_off && ref > in &&
        ref[2] == ip[2] && ref[0] == ip[0] && ref[1] == ip[1]) {
      unsigned len = 2;
      unsigned maxlen = static_cast<unsigned>(in_end - ip) - len;
      maxlen = maxlen > max_ref ? max_ref : maxlen;
      if (op + 3 + 1 >= out_end && op - !lit + 3 + 1 >= out_end)
        return std::nullopt;
      op[-lit - 1] = static_cast<unsigned char>(lit - 1);  // stop run
      op -= !lit;                                          // undo run if length is zero
      bool done = false;
      if (maxlen > 16) {
        for (int k = 0; k < 16 && !done; ++k) {
          ++len;
          if (ref[len] != ip[len])
            done = true;
        }
      }
      if (!done) {
        do
          ++len;
        while (len < maxlen && ref[len] == ip[len]);
      }
      len -= 2;  // len is now #octets - 1
      ++ip;
      if (len < 7) {
        *op++ = static_cast<unsigned char>((off >> 8) + (len << 5));
      } else {
        *op++ = static_cast<unsigned char>((off >> 8) + (7 << 5));
        *op++ = static_cast<unsigned char>(len - 7);
      }
      *op++ = static_cast<unsigned char>(off);
      lit = 0;
      ++op;  // start run
      ip += len + 1;
      if (ip >= in_end - 2)
        break;
      ip -= 2;
      hval = (static_cast<unsigned>(ip[0]) << 8) | ip[1];
      hval = (hval << 8) | ip[2];
      htab[idx(hval)] = static_cast<unsigned>(ip - in);
      ++ip;
      hval = (hval << 8) | ip[2];
      htab[idx(hval)] = static_cast<unsigned>(ip - in);
      ++ip;
    } else {
      if (op >= out_end)
        return std::nullopt;
      ++lit;
      *op++ = *ip++;
      if (lit == static_cast<int>(max_lit)) {
        op[-lit - 1] = static_cast<unsigned char>(lit - 1);
        lit = 0;
        ++op;
      }
    }
  }
  if (op + 3 > out_end)
    return std::nullopt;
  while (ip < in_end) {
    ++lit;
    *op++ = *ip++;
    if (lit == static_cast<int>(max_lit)) {
      op[-lit - 1] = static_cast<unsigned char>(lit - 1);
      lit = 0;
      ++op;
    }
  }
  op[-lit - 1] = static_cast<unsigned char>(lit - 1);
  op -= !lit;
  out.resize(static_cast<size_t>(op - ob));
  return out;
}

std::optional<std::string> lzf_decompress(std::string_view input, size_t out_len) {
  std::string out;
  out.reserve(out_len);
  const auto* ip = reinterpret_cast<const unsigned char*>(input.data());
  const auto* in_end = ip + input.size();
  while (ip < in_end) {
    unsigned ctrl = *ip++;
    if (ctrl < (1u << 5)) {
      ++ctrl;
      if (out.size() + ctrl > out_len || ip + ctrl > in_end)
        return std::nullopt;
      out.append(reinterpret_cast<const char*>(ip), ctrl);
      ip += ctrl;
    } else {
      unsigned len = ctrl >> 5;
      if (len == 7) {
        if (ip >= in_end)
          return std::nullopt;
        len += *ip++;
      }
      if (ip >= in_end)
        return std::nullopt;
      size_t back = ((ctrl & 0x1F) << 8) + *ip++ + 1;
      len += 2;
      if (back > out.size() || out.size() + len > out_len)
        return std::nullopt;
      size_t from = out.size() - back;
      for (unsigned i = 0; i < len; ++i)
        out.push_back(out[from + i]);
    }
  }
  if (out.size() != out_len)
    return std::nullopt;
  return out;
}

std::string dump_functions(const std::vector<std::string>& codes) {
  std::string out;
  for (auto& code : codes) {
    out.push_back(static_cast<char>(opcode_function2));
    std::optional<std::string> packed;
    if (code.size() > 20)
      packed = lzf_compress(code, code.size() - 4);
    if (packed) {
      out.push_back(static_cast<char>(enc_lzf));
      put_len(out, packed->size());
      put_len(out, code.size());
      out += *packed;
    } else {
      put_len(out, code.size());
      out += code;
    }
  }
  out.push_back(static_cast<char>(rdb_version & 0xFF));
  out.push_back(static_cast<char>(rdb_version >> 8));
  uint64_t crc = crc64(0, out);
  for (int i = 0; i < 8; ++i)
    out.push_back(static_cast<char>((crc >> (8 * i)) & 0xFF));
  return out;
}

std::optional<std::vector<std::string>> parse_function_payload(std::string_view payload,
                                                               std::string& error) {
  if (payload.size() < 10) {
    error = "ERR DUMP payload version or checksum are wrong";
    return std::nullopt;
  }
  auto footer = payload.substr(payload.size() - 10);
  auto version = static_cast<uint16_t>(static_cast<unsigned char>(footer[0]) |
                                       (static_cast<unsigned char>(footer[1]) << 8));
  uint64_t crc = 0;
  for (int i = 7; i >= 0; --i)
    crc = (crc << 8) | static_cast<unsigned char>(footer[2 + i]);
  if (version > rdb_version || crc64(0, payload.substr(0, payload.size() - 8)) != crc) {
    error = "ERR DUMP payload version or checksum are wrong";
    return std::nullopt;
  }
  std::vector<std::string> codes;
  auto body = payload.substr(0, payload.size() - 10);
  while (!body.empty()) {
    auto type = static_cast<unsigned char>(body[0]);
    body.remove_prefix(1);
    if (type != opcode_function && type != opcode_function2) {
      error = "ERR given type is not a function";
      return std::nullopt;
    }
    std::string code;
    if (type == opcode_function || !get_string(body, code)) {
      error = "ERR failed loading the given functions payload";
      return std::nullopt;
    }
    codes.push_back(std::move(code));
  }
  return codes;
}

} // namespace actis::scripting
