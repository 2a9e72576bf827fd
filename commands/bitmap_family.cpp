// The bitmap commands: single bits, counting and searching bit ranges,
// BITOP and BITFIELD. The bit algorithms live in datatypes/bitops.
#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "commands/command.hpp"
#include "commands/context.hpp"
#include "commands/families.hpp"
#include "config/config.hpp"
#include "datatypes/bitops.hpp"
#include "datatypes/strutil.hpp"
#include "protocol/errors.hpp"

namespace actis::commands {

namespace {

namespace err = protocol::err;
namespace bitops = datatypes::bitops;
using datatypes::iequals;
using datatypes::parse_ll;

/// Parses a bit offset. With `field_bits` > 0 (BITFIELD) "#N" means N fields
/// of that width; the product wraps as Redis's does. Offsets whose byte is
/// at or past proto-max-bulk-len are refused.
bool parse_bit_offset(command_context& ctx, std::string_view arg, unsigned field_bits,
                      uint64_t& out) {
  bool positional = field_bits > 0 && !arg.empty() && arg[0] == '#';
  long long v;
  if (!parse_ll(arg.substr(positional ? 1 : 0), v)) {
    ctx.reply.error(err::bit_offset);
    return false;
  }
  if (positional)
    v = static_cast<long long>(static_cast<unsigned long long>(v) * field_bits);
  long long limit = config::live().proto_max_bulk_len.load(std::memory_order_relaxed);
  if (v < 0 || (v >> 3) >= limit) {
    ctx.reply.error(err::bit_offset);
    return false;
  }
  out = static_cast<uint64_t>(v);
  return true;
}

/// The string at argv[1] made writable and at least `bytes` long (Redis's
/// lookupStringForBitCommand). Null after replying WRONGTYPE. `grew` tells
/// whether the key was created or lengthened.
std::string* writable_bits(command_context& ctx, uint64_t bytes, bool& grew) {
  const std::string& key = ctx.argv[1];
  entry* e = ctx.ks->lookup_write(ctx.db, key);
  if (reject_wrong_type(ctx, e, datatypes::obj_type::string))
    return nullptr;
  if (e == nullptr) {
    grew = true;
    return &ctx.ks->add(ctx.db, key, value::raw_string(std::string(bytes, '\0'))).val.mutable_str();
  }
  std::string* s = &e->val.mutable_str();
  grew = s->size() < bytes;
  if (grew)
    s->resize(bytes, '\0');
  return s;
}

void setbit_cmd(command_context& ctx) {
  uint64_t offset;
  if (!parse_bit_offset(ctx, ctx.argv[2], 0, offset))
    return;
  long long on;
  if (!parse_ll(ctx.argv[3], on) || (on & ~1LL) != 0) {
    ctx.reply.error(err::bit_value);
    return;
  }
  bool grew = false;
  std::string* s = writable_bits(ctx, (offset >> 3) + 1, grew);
  if (s == nullptr)
    return;
  bool old = bitops::get_bit(*s, offset);
  // Rewriting a bit with its own value is not a change (not propagated).
  if (grew || old != (on == 1)) {
    bitops::set_bit(*s, offset, on == 1);
    ctx.ks->notify(ctx.db, ctx.argv[1], event_class::string, "setbit");
  }
  ctx.reply.integer(old ? 1 : 0);
}

void getbit_cmd(command_context& ctx) {
  uint64_t offset;
  if (!parse_bit_offset(ctx, ctx.argv[2], 0, offset))
    return;
  entry* e = ctx.ks->lookup_read(ctx.db, ctx.argv[1]);
  if (reject_wrong_type(ctx, e, datatypes::obj_type::string))
    return;
  std::string scratch;
  ctx.reply.integer(e != nullptr && bitops::get_bit(e->val.str(scratch), offset) ? 1 : 0);
}

/// A [start, end] range argument pair normalised against a string of
/// `len` bytes, in bytes or bits: negative indexes count from the end, then
/// both are clamped into the string. Empty when start > end afterwards.
struct bit_range {
  long long start, end;
  bool in_bits;
  bool empty() const { return start > end; }
  uint64_t first_bit() const { return in_bits ? uint64_t(start) : uint64_t(start) * 8; }
  uint64_t last_bit() const { return in_bits ? uint64_t(end) : uint64_t(end) * 8 + 7; }
};

bit_range normalise(long long start, long long end, size_t len, bool in_bits) {
  long long total = static_cast<long long>(len) * (in_bits ? 8 : 1);
  if (start < 0)
    start = std::max(0LL, total + start);
  if (end < 0)
    end = std::max(0LL, total + end);
  if (end >= total)
    end = total - 1;
  return {start, end, in_bits};
}

/// Parses a BYTE|BIT unit argument; replies a syntax error otherwise.
bool parse_unit(command_context& ctx, std::string_view arg, bool& in_bits) {
  if (iequals(arg, "bit"))
    in_bits = true;
  else if (iequals(arg, "byte"))
    in_bits = false;
  else {
    ctx.reply.error(err::syntax);
    return false;
  }
  return true;
}

bool parse_index(command_context& ctx, std::string_view arg, long long& out) {
  if (parse_ll(arg, out))
    return true;
  ctx.reply.error(err::not_integer);
  return false;
}

// Redis 7.0 looks the key up before parsing BITCOUNT's range, so a missing
// key answers 0 whatever the range arguments are.
void bitcount_cmd(command_context& ctx) {
  entry* e = ctx.ks->lookup_read(ctx.db, ctx.argv[1]);
  if (e == nullptr) {
    ctx.reply.integer(0);
    return;
  }
  if (reject_wrong_type(ctx, e, datatypes::obj_type::string))
    return;
  std::string scratch;
  std::string_view s = e->val.str(scratch);
  size_t argc = ctx.argv.size();
  bit_range range{0, static_cast<long long>(s.size()) - 1, false};
  if (argc == 4 || argc == 5) {
    long long start, end;
    bool in_bits = false;
    if (!parse_index(ctx, ctx.argv[2], start) || !parse_index(ctx, ctx.argv[3], end))
      return;
    if (argc == 5 && !parse_unit(ctx, ctx.argv[4], in_bits))
      return;
    // Both from the end and reversed counts nothing, even where clamping
    // would make the two overlap.
    if (start < 0 && end < 0 && start > end) {
      ctx.reply.integer(0);
      return;
    }
    range = normalise(start, end, s.size(), in_bits);
  } else if (argc != 2) {
    ctx.reply.error(err::syntax);
    return;
  }
  if (range.empty()) {
    ctx.reply.integer(0);
    return;
  }
  ctx.reply.integer(static_cast<long long>(bitops::count(s, range.first_bit(), range.last_bit())));
}

void bitpos_cmd(command_context& ctx) {
  long long bit;
  if (!parse_index(ctx, ctx.argv[2], bit))
    return;
  if (bit != 0 && bit != 1) {
    ctx.reply.error(err::bit_argument);
    return;
  }
  // A missing key is an endless run of clear bits.
  entry* e = ctx.ks->lookup_read(ctx.db, ctx.argv[1]);
  if (e == nullptr) {
    ctx.reply.integer(bit ? -1 : 0);
    return;
  }
  if (reject_wrong_type(ctx, e, datatypes::obj_type::string))
    return;
  std::string scratch;
  std::string_view s = e->val.str(scratch);
  size_t argc = ctx.argv.size();
  bool end_given = false;
  bit_range range{0, static_cast<long long>(s.size()) - 1, false};
  if (argc >= 4 && argc <= 6) {
    long long start, end = static_cast<long long>(s.size()) - 1;
    bool in_bits = false;
    if (!parse_index(ctx, ctx.argv[3], start))
      return;
    if (argc == 6 && !parse_unit(ctx, ctx.argv[5], in_bits))
      return;
    if (argc >= 5) {
      if (!parse_index(ctx, ctx.argv[4], end))
        return;
      end_given = true;
    }
    range = normalise(start, end, s.size(), in_bits);
  } else if (argc != 3) {
    ctx.reply.error(err::syntax);
    return;
  }
  if (range.empty()) {
    ctx.reply.integer(-1);
    return;
  }
  int64_t pos = bitops::find(s, bit == 1, range.first_bit(), range.last_bit());
  // Without an explicit end the string counts as zero-padded on the right,
  // so a search for a clear bit answers the first bit past it.
  if (pos < 0 && bit == 0 && !end_given)
    pos = static_cast<int64_t>(range.last_bit() + 1);
  ctx.reply.integer(pos);
}

void bitop_cmd(command_context& ctx) {
  const std::string& name = ctx.argv[1];
  bitops::bitop_kind op;
  if (iequals(name, "and"))
    op = bitops::bitop_kind::op_and;
  else if (iequals(name, "or"))
    op = bitops::bitop_kind::op_or;
  else if (iequals(name, "xor"))
    op = bitops::bitop_kind::op_xor;
  else if (iequals(name, "not"))
    op = bitops::bitop_kind::op_not;
  else {
    ctx.reply.error(err::syntax);
    return;
  }
  if (op == bitops::bitop_kind::op_not && ctx.argv.size() != 4) {
    ctx.reply.error(err::bitop_not_single);
    return;
  }
  size_t count = ctx.argv.size() - 3;
  // Sized once: the views below may point into these buffers.
  std::vector<std::string> scratch(count);
  std::vector<std::string_view> sources(count);
  for (size_t j = 0; j < count; ++j) {
    entry* e = ctx.ks->lookup_read(ctx.db, ctx.argv[j + 3]);
    if (reject_wrong_type(ctx, e, datatypes::obj_type::string))
      return;
    if (e != nullptr)
      sources[j] = e->val.str(scratch[j]);
  }
  std::string result = bitops::combine(op, sources);
  const std::string& dest = ctx.argv[2];
  auto length = static_cast<long long>(result.size());
  if (!result.empty()) {
    ctx.ks->set(ctx.db, dest, value::raw_string(std::move(result)));
    ctx.ks->notify(ctx.db, dest, event_class::string, "set");
  } else if (ctx.ks->remove(ctx.db, dest)) {
    ctx.ks->notify(ctx.db, dest, event_class::generic, "del");
  }
  ctx.reply.integer(length);
}

// --- BITFIELD --------------------------------------------------------------

struct field_op {
  enum kind_t : uint8_t { get, set, incrby } kind;
  bool is_signed;
  unsigned bits;
  bitops::overflow_mode mode;
  uint64_t offset;
  long long arg;
};

/// "i1".."i64" or "u1".."u63" (lower case only, as Redis).
bool parse_field_type(command_context& ctx, std::string_view arg, bool& is_signed, unsigned& bits) {
  if (arg.empty() || (arg[0] != 'i' && arg[0] != 'u')) {
    ctx.reply.error(err::bitfield_type);
    return false;
  }
  is_signed = arg[0] == 'i';
  // Redis reads the width as a C string: it stops at an embedded NUL.
  std::string_view width = arg.substr(1);
  width = width.substr(0, width.find('\0'));
  long long n;
  if (!parse_ll(width, n) || n < 1 || n > (is_signed ? 64 : 63)) {
    ctx.reply.error(err::bitfield_type);
    return false;
  }
  bits = static_cast<unsigned>(n);
  return true;
}

/// Parses BITFIELD's subcommands. Returns false after replying an error.
bool parse_field_ops(command_context& ctx, std::vector<field_op>& ops) {
  const auto& argv = ctx.argv;
  auto mode = bitops::overflow_mode::wrap;
  for (size_t j = 2; j < argv.size(); ++j) {
    size_t remaining = argv.size() - j - 1;
    const std::string& sub = argv[j];
    field_op op{};
    if (iequals(sub, "get") && remaining >= 2) {
      op.kind = field_op::get;
    } else if (iequals(sub, "set") && remaining >= 3) {
      op.kind = field_op::set;
    } else if (iequals(sub, "incrby") && remaining >= 3) {
      op.kind = field_op::incrby;
    } else if (iequals(sub, "overflow") && remaining >= 1) {
      const std::string& name = argv[++j];
      if (iequals(name, "wrap"))
        mode = bitops::overflow_mode::wrap;
      else if (iequals(name, "sat"))
        mode = bitops::overflow_mode::sat;
      else if (iequals(name, "fail"))
        mode = bitops::overflow_mode::fail;
      else {
        ctx.reply.error(err::bitfield_overflow_type);
        return false;
      }
      continue;
    } else {
      ctx.reply.error(err::syntax);
      return false;
    }
    op.mode = mode;
    if (!parse_field_type(ctx, argv[j + 1], op.is_signed, op.bits) ||
        !parse_bit_offset(ctx, argv[j + 2], op.bits, op.offset))
      return false;
    if (op.kind != field_op::get && !parse_index(ctx, argv[j + 3], op.arg))
      return false;
    ops.push_back(op);
    j += op.kind == field_op::get ? 2 : 3;
  }
  return true;
}

enum class write_outcome : uint8_t { refused, same_value, new_value };

/// Runs one SET/INCRBY on `s` and replies its result. OVERFLOW FAIL refuses
/// a write that overflows (null reply, nothing stored).
write_outcome apply_field_write(command_context& ctx, std::string& s, const field_op& op) {
  bool failed;
  uint64_t before, after;
  long long reply;
  if (op.is_signed) {
    int64_t old = bitops::read_signed(s, op.offset, op.bits);
    int64_t next;
    if (op.kind == field_op::incrby) {
      auto check = bitops::check_signed(old, op.arg, op.bits, op.mode);
      next = check.overflow ? check.replacement
                            : static_cast<int64_t>(static_cast<uint64_t>(old) + static_cast<uint64_t>(op.arg));
      failed = check.overflow;
      reply = next;
    } else {
      auto check = bitops::check_signed(op.arg, 0, op.bits, op.mode);
      next = check.overflow ? check.replacement : op.arg;
      failed = check.overflow;
      reply = old;
    }
    before = static_cast<uint64_t>(old);
    after = static_cast<uint64_t>(next);
  } else {
    uint64_t old = bitops::read_unsigned(s, op.offset, op.bits);
    uint64_t next;
    if (op.kind == field_op::incrby) {
      auto check = bitops::check_unsigned(old, op.arg, op.bits, op.mode);
      next = check.overflow ? check.replacement : old + static_cast<uint64_t>(op.arg);
      failed = check.overflow;
      reply = static_cast<long long>(next);
    } else {
      auto check = bitops::check_unsigned(static_cast<uint64_t>(op.arg), 0, op.bits, op.mode);
      next = check.overflow ? check.replacement : static_cast<uint64_t>(op.arg);
      failed = check.overflow;
      reply = static_cast<long long>(old);
    }
    before = old;
    after = next;
  }
  if (failed && op.mode == bitops::overflow_mode::fail) {
    ctx.reply.null();
    return write_outcome::refused;
  }
  ctx.reply.integer(reply);
  bitops::write_field(s, op.offset, op.bits, after);
  return before != after ? write_outcome::new_value : write_outcome::same_value;
}

void bitfield_generic(command_context& ctx, bool readonly_command) {
  std::vector<field_op> ops;
  if (!parse_field_ops(ctx, ops))
    return;
  bool writes = std::any_of(ops.begin(), ops.end(), [](const field_op& op) { return op.kind != field_op::get; });
  std::string scratch;
  std::string_view source;
  std::string* target = nullptr;
  bool grew = false;
  if (!writes) {
    entry* e = ctx.ks->lookup_read(ctx.db, ctx.argv[1]);
    if (reject_wrong_type(ctx, e, datatypes::obj_type::string))
      return;
    if (e != nullptr)
      source = e->val.str(scratch);
  } else {
    if (readonly_command) {
      ctx.reply.error(err::bitfield_ro_get_only);
      return;
    }
    uint64_t highest = 0;
    for (const auto& op : ops)
      if (op.kind != field_op::get)
        highest = std::max(highest, op.offset + op.bits - 1);
    target = writable_bits(ctx, (highest >> 3) + 1, grew);
    if (target == nullptr)
      return;
  }
  ctx.reply.array(ops.size());
  size_t changes = 0;
  for (const auto& op : ops) {
    if (op.kind == field_op::get) {
      std::string_view s = target != nullptr ? std::string_view(*target) : source;
      if (op.is_signed)
        ctx.reply.integer(bitops::read_signed(s, op.offset, op.bits));
      else
        ctx.reply.integer(static_cast<long long>(bitops::read_unsigned(s, op.offset, op.bits)));
      continue;
    }
    // A write is a change when it stored something and either the key grew
    // (or was created) or the field's value differs. Refused writes alone
    // change nothing, even if the key was created for them (as in Redis).
    auto outcome = apply_field_write(ctx, *target, op);
    if (outcome == write_outcome::new_value || (grew && outcome == write_outcome::same_value))
      ++changes;
  }
  // One event; each stored change counts towards the dirty counter, as in
  // Redis.
  if (changes > 0)
    ctx.ks->notify(change{ctx.db, ctx.argv[1], event_class::string, "setbit", changes});
}

void bitfield_cmd(command_context& ctx) { bitfield_generic(ctx, false); }
void bitfield_ro_cmd(command_context& ctx) { bitfield_generic(ctx, true); }

// --- Registration ----------------------------------------------------------

/// BITFIELD only reads when every operation is a complete GET or OVERFLOW;
/// anything else, a malformed operation included, counts as a write.
void bitfield_keys(const command_args& argv, std::vector<key_ref>& keys) {
  uint16_t flags = k_ro | k_access;
  for (size_t i = 2; i < argv.size(); ++i) {
    size_t after = argv.size() - i - 1;
    if (iequals(argv[i], "get") && after >= 2) {
      i += 2;
    } else if (iequals(argv[i], "overflow") && after >= 1) {
      i += 1;
    } else {
      flags = k_rw | k_access | k_update;
      break;
    }
  }
  keys.push_back({1, flags});
}

} // namespace

void register_bitmap_family(command_table& t) {
  constexpr uint32_t rw = f_write | f_denyoom;
  constexpr auto bitmap = command_group::bitmap;
  constexpr uint16_t read = k_ro | k_access;
  constexpr uint16_t read_modify = k_rw | k_access | k_update;
  const command_def rows[] = {
      {.name = "setbit", .arity = 4, .flags = rw, .group = bitmap,
       .keys = {key_at(1, read_modify)}, .handler = setbit_cmd,
       .docs = {"Sets or clears one bit of the string at a key, returning its old value.",
                "2.2.0", "O(1)"}},
      {.name = "getbit", .arity = 3, .flags = f_readonly | f_fast, .group = bitmap,
       .keys = {key_at(1, read)}, .handler = getbit_cmd,
       .docs = {"Returns one bit of the string at a key.", "2.2.0", "O(1)"}},
      {.name = "bitcount", .arity = -2, .flags = f_readonly, .group = bitmap,
       .keys = {key_at(1, read)}, .handler = bitcount_cmd,
       .docs = {"Counts the set bits of a string, optionally within a byte or bit range.",
                "2.6.0", "O(N)"}},
      {.name = "bitpos", .arity = -3, .flags = f_readonly, .group = bitmap,
       .keys = {key_at(1, read)}, .handler = bitpos_cmd,
       .docs = {"Finds the first set or clear bit of a string, optionally within a range.",
                "2.8.7", "O(N)"}},
      {.name = "bitop", .arity = -4, .flags = rw, .group = bitmap,
       .keys = {key_at(2, k_ow | k_update), {read, begin_at(3), keys_range(-1)}},
       .handler = bitop_cmd,
       .docs = {"Combines strings bitwise (AND, OR, XOR, NOT) into a destination key.",
                "2.6.0", "O(N)"}},
      {.name = "bitfield", .arity = -2, .flags = rw, .group = bitmap,
       .keys = {key_at(1, read_modify | k_variable_flags,
                       "This command allows both access and modification of the key")},
       .handler = bitfield_cmd, .getkeys = bitfield_keys,
       .docs = {"Reads, writes and increments integer fields of any width inside a string.",
                "3.2.0", "O(1) per subcommand"}},
      {.name = "bitfield_ro", .arity = -2, .flags = f_readonly | f_fast, .group = bitmap,
       .keys = {key_at(1, read)}, .handler = bitfield_ro_cmd,
       .docs = {"Reads integer fields of any width inside a string.", "6.0.0",
                "O(1) per subcommand"}},
  };
  t.add(rows);
}

} // namespace actis::commands
