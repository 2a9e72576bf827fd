// The bitmap commands: single bits, counting and searching bit ranges,
// BITOP and BITFIELD. Parsing, replies and registration; the operations are
// in bitmap_ops.cpp, the bit algorithms in datatypes/bitops.
#include <algorithm>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "commands/bitmap_ops.hpp"
#include "commands/command.hpp"
#include "commands/context.hpp"
#include "commands/families.hpp"
#include "commands/string_ops.hpp"
#include "config/config.hpp"
#include "datatypes/strutil.hpp"

namespace actis::commands {

namespace {

namespace bitops = datatypes::bitops;
using datatypes::iequals;
using datatypes::parse_ll;

/// Parses a bit offset. With `field_bits` > 0 (BITFIELD) "#N" means N fields
/// of that width; the product wraps as Redis's does. Offsets whose byte is
/// at or past proto-max-bulk-len are refused.
op_result<uint64_t> parse_bit_offset(std::string_view arg, unsigned field_bits) {
  bool positional = field_bits > 0 && !arg.empty() && arg[0] == '#';
  long long v;
  if (!parse_ll(arg.substr(positional ? 1 : 0), v))
    return op_status::bit_offset;
  if (positional)
    v = static_cast<long long>(static_cast<unsigned long long>(v) * field_bits);
  long long limit = config::live().proto_max_bulk_len.load(std::memory_order_relaxed);
  if (v < 0 || (v >> 3) >= limit)
    return op_status::bit_offset;
  return static_cast<uint64_t>(v);
}

void reply_int(command_context& ctx, const op_result<int>& r) {
  if (!r.ok())
    return reply_error(ctx, r.error());
  ctx.reply.integer(*r);
}

void setbit_cmd(command_context& ctx) {
  auto offset = parse_bit_offset(ctx.argv[2], 0);
  if (!offset.ok())
    return reply_error(ctx, offset.error());
  long long on;
  if (!parse_ll(ctx.argv[3], on) || (on & ~1LL) != 0)
    return reply_status(ctx.reply, op_status::bit_value);
  reply_int(ctx, op_setbit(*ctx.ks, ctx.db, ctx.argv[1], *offset, on == 1));
}

void getbit_cmd(command_context& ctx) {
  auto offset = parse_bit_offset(ctx.argv[2], 0);
  if (!offset.ok())
    return reply_error(ctx, offset.error());
  reply_int(ctx, op_getbit(*ctx.ks, ctx.db, ctx.argv[1], *offset));
}

/// A BYTE|BIT unit argument.
op_result<bool> parse_in_bits(std::string_view arg) {
  if (iequals(arg, "bit"))
    return true;
  if (iequals(arg, "byte"))
    return false;
  return op_status::syntax;
}

/// The optional range of BITCOUNT (argv[2..4], `bitcount`) or BITPOS
/// (argv[3..5]): start, end, unit. BITCOUNT requires the end with the start
/// and, as Redis 7.0, parses the end before the unit; BITPOS the unit first.
op_result<std::optional<bit_range_arg>> parse_bit_range(const command_args& argv, size_t first,
                                                        bool bitcount) {
  size_t argc = argv.size();
  if (argc == first)
    return std::optional<bit_range_arg>{};
  if (argc < first + (bitcount ? 2 : 1) || argc > first + 3)
    return op_status::syntax;
  bit_range_arg range;
  if (!parse_ll(argv[first], range.start))
    return op_status::not_integer;
  auto parse_end = [&]() {
    long long end;
    if (argc > first + 1 && !parse_ll(argv[first + 1], end))
      return op_status::not_integer;
    if (argc > first + 1)
      range.end = end;
    return op_status::ok;
  };
  auto parse_unit = [&]() {
    if (argc <= first + 2)
      return op_status::ok;
    auto in_bits = parse_in_bits(argv[first + 2]);
    range.in_bits = in_bits.ok() && *in_bits;
    return in_bits.status();
  };
  op_status status = bitcount ? parse_end() : parse_unit();
  if (status == op_status::ok)
    status = bitcount ? parse_unit() : parse_end();
  if (status != op_status::ok)
    return status;
  return std::optional<bit_range_arg>{range};
}

// Redis 7.0 looks the key up before parsing BITCOUNT's range, so a missing
// key answers 0 whatever the range arguments are.
void bitcount_cmd(command_context& ctx) {
  auto bits = op_get(*ctx.ks, ctx.db, ctx.argv[1]);
  if (bits.status() == op_status::nil)
    return ctx.reply.integer(0);
  if (!bits.ok())
    return reply_error(ctx, bits.error());
  auto range = parse_bit_range(ctx.argv, 2, true);
  if (!range.ok())
    return reply_error(ctx, range.error());
  ctx.reply.integer(count_bits(bits->view(), *range));
}

void bitpos_cmd(command_context& ctx) {
  long long bit;
  if (!parse_ll(ctx.argv[2], bit))
    return reply_status(ctx.reply, op_status::not_integer);
  if (bit != 0 && bit != 1)
    return reply_status(ctx.reply, op_status::bit_argument);
  // A missing key is an endless run of clear bits.
  auto bits = op_get(*ctx.ks, ctx.db, ctx.argv[1]);
  if (bits.status() == op_status::nil)
    return ctx.reply.integer(bit ? -1 : 0);
  if (!bits.ok())
    return reply_error(ctx, bits.error());
  auto range = parse_bit_range(ctx.argv, 3, false);
  if (!range.ok())
    return reply_error(ctx, range.error());
  ctx.reply.integer(find_bit(bits->view(), bit == 1, *range));
}

op_result<bitops::bitop_kind> parse_bitop_kind(std::string_view name) {
  if (iequals(name, "and"))
    return bitops::bitop_kind::op_and;
  if (iequals(name, "or"))
    return bitops::bitop_kind::op_or;
  if (iequals(name, "xor"))
    return bitops::bitop_kind::op_xor;
  if (iequals(name, "not"))
    return bitops::bitop_kind::op_not;
  return op_status::syntax;
}

void bitop_cmd(command_context& ctx) {
  auto kind = parse_bitop_kind(ctx.argv[1]);
  if (!kind.ok())
    return reply_error(ctx, kind.error());
  if (*kind == bitops::bitop_kind::op_not && ctx.argv.size() != 4)
    return reply_status(ctx.reply, op_status::bitop_not_single);
  auto length = op_bitop(*ctx.ks, ctx.db, *kind, ctx.argv[2], std::span(ctx.argv).subspan(3));
  if (!length.ok())
    return reply_error(ctx, length.error());
  ctx.reply.integer(*length);
}

// --- BITFIELD --------------------------------------------------------------

/// "i1".."i64" or "u1".."u63" (lower case only, as Redis).
op_status parse_field_type(std::string_view arg, field_op& op) {
  if (arg.empty() || (arg[0] != 'i' && arg[0] != 'u'))
    return op_status::bitfield_type;
  op.is_signed = arg[0] == 'i';
  // Redis reads the width as a C string: it stops at an embedded NUL.
  std::string_view width = arg.substr(1);
  width = width.substr(0, width.find('\0'));
  long long n;
  if (!parse_ll(width, n) || n < 1 || n > (op.is_signed ? 64 : 63))
    return op_status::bitfield_type;
  op.bits = static_cast<unsigned>(n);
  return op_status::ok;
}

/// Parses BITFIELD's subcommands.
op_result<std::vector<field_op>> parse_field_ops(const command_args& argv) {
  std::vector<field_op> ops;
  auto mode = bitops::overflow_mode::wrap;
  for (size_t j = 2; j < argv.size(); ++j) {
    size_t remaining = argv.size() - j - 1;
    const std::string& sub = argv[j];
    field_op op;
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
      else
        return op_status::bitfield_overflow_type;
      continue;
    } else {
      return op_status::syntax;
    }
    op.mode = mode;
    if (auto status = parse_field_type(argv[j + 1], op); status != op_status::ok)
      return status;
    auto offset = parse_bit_offset(argv[j + 2], op.bits);
    if (!offset.ok())
      return offset.error();
    op.offset = *offset;
    if (op.kind != field_op::get && !parse_ll(argv[j + 3], op.arg))
      return op_status::not_integer;
    ops.push_back(op);
    j += op.kind == field_op::get ? 2 : 3;
  }
  return ops;
}

void bitfield_generic(command_context& ctx, bool readonly_command) {
  auto ops = parse_field_ops(ctx.argv);
  if (!ops.ok())
    return reply_error(ctx, ops.error());
  if (readonly_command && std::any_of(ops->begin(), ops->end(), [](const field_op& op) {
        return op.kind != field_op::get;
      }))
    return reply_status(ctx.reply, op_status::bitfield_ro_get_only);
  auto results = op_bitfield(*ctx.ks, ctx.db, ctx.argv[1], *ops);
  if (!results.ok())
    return reply_error(ctx, results.error());
  ctx.reply.array(results->size());
  for (const auto& r : *results) {
    if (r)
      ctx.reply.integer(*r);
    else
      ctx.reply.null();
  }
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
