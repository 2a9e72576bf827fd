// The bitmap family's operations (see bitmap_ops.hpp).
#include "commands/bitmap_ops.hpp"

#include "datatypes/strutil.hpp"

#include <algorithm>

namespace actis::commands {

namespace {

namespace bitops = datatypes::bitops;

bool holds_other_type(const entry* e) {
  return e != nullptr && e->val.type() != datatypes::obj_type::string;
}

/// The string at `key` made writable and at least `bytes` long (Redis's
/// lookupStringForBitCommand). Null if the key holds another type. `grew`
/// tells whether the key was created or lengthened.
std::string* writable_bits(keyspace& ks, int db, std::string_view key, uint64_t bytes,
                           bool& grew) {
  entry* e = ks.lookup_write(db, key);
  if (holds_other_type(e))
    return nullptr;
  if (e == nullptr) {
    grew = true;
    return &ks.add(db, key, value::raw_string(std::string(bytes, '\0'))).val.mutable_str();
  }
  std::string* s = &e->val.mutable_str();
  grew = s->size() < bytes;
  if (grew)
    s->resize(bytes, '\0');
  return s;
}

/// A range normalised against a string of `len` bytes, in bytes or bits:
/// negative indexes count from the end, then both are clamped into the
/// string. Empty when start > end afterwards.
struct bit_range {
  long long start, end;
  bool in_bits;
  bool empty() const { return start > end; }
  uint64_t first_bit() const { return in_bits ? uint64_t(start) : uint64_t(start) * 8; }
  uint64_t last_bit() const { return in_bits ? uint64_t(end) : uint64_t(end) * 8 + 7; }
};

bit_range normalise(long long start, long long end, size_t len, bool in_bits) {
  datatypes::clamp_range(start, end, static_cast<long long>(len) * (in_bits ? 8 : 1));
  return {start, end, in_bits};
}

bit_range whole(std::string_view s) { return {0, static_cast<long long>(s.size()) - 1, false}; }

enum class write_outcome : uint8_t { refused, same_value, new_value };

/// Runs one SET/INCRBY on `s`; `result` gets its reply value. OVERFLOW FAIL
/// refuses a write that overflows (nothing stored).
write_outcome apply_field_write(std::string& s, const field_op& op, int64_t& result) {
  bool failed;
  uint64_t before, after;
  if (op.is_signed) {
    int64_t old = bitops::read_signed(s, op.offset, op.bits);
    int64_t next;
    if (op.kind == field_op::incrby) {
      auto check = bitops::check_signed(old, op.arg, op.bits, op.mode);
      next = check.overflow ? check.replacement
                            : static_cast<int64_t>(static_cast<uint64_t>(old) + static_cast<uint64_t>(op.arg));
      failed = check.overflow;
      result = next;
    } else {
      auto check = bitops::check_signed(op.arg, 0, op.bits, op.mode);
      next = check.overflow ? check.replacement : op.arg;
      failed = check.overflow;
      result = old;
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
      result = static_cast<int64_t>(next);
    } else {
      auto check = bitops::check_unsigned(static_cast<uint64_t>(op.arg), 0, op.bits, op.mode);
      next = check.overflow ? check.replacement : static_cast<uint64_t>(op.arg);
      failed = check.overflow;
      result = static_cast<int64_t>(old);
    }
    before = old;
    after = next;
  }
  if (failed && op.mode == bitops::overflow_mode::fail)
    return write_outcome::refused;
  bitops::write_field(s, op.offset, op.bits, after);
  return before != after ? write_outcome::new_value : write_outcome::same_value;
}

int64_t read_field(std::string_view s, const field_op& op) {
  if (op.is_signed)
    return bitops::read_signed(s, op.offset, op.bits);
  return static_cast<int64_t>(bitops::read_unsigned(s, op.offset, op.bits));
}

} // namespace

op_result<int> op_setbit(keyspace& ks, int db, std::string_view key, uint64_t offset, bool on) {
  bool grew = false;
  std::string* s = writable_bits(ks, db, key, (offset >> 3) + 1, grew);
  if (s == nullptr)
    return op_status::wrong_type;
  bool old = bitops::get_bit(*s, offset);
  // Rewriting a bit with its own value is not a change (not propagated).
  if (grew || old != on) {
    bitops::set_bit(*s, offset, on);
    ks.notify(db, key, event_class::string, "setbit");
  }
  return old ? 1 : 0;
}

op_result<int> op_getbit(keyspace& ks, int db, std::string_view key, uint64_t offset) {
  entry* e = ks.lookup_read(db, key);
  if (holds_other_type(e))
    return op_status::wrong_type;
  std::string scratch;
  return e != nullptr && bitops::get_bit(e->val.str(scratch), offset) ? 1 : 0;
}

int64_t count_bits(std::string_view bits, const std::optional<bit_range_arg>& range) {
  bit_range r = whole(bits);
  if (range) {
    long long end = range->end.value_or(r.end);
    // Both from the end and reversed counts nothing, even where clamping
    // would make the two overlap.
    if (range->start < 0 && end < 0 && range->start > end)
      return 0;
    r = normalise(range->start, end, bits.size(), range->in_bits);
  }
  if (r.empty())
    return 0;
  return static_cast<int64_t>(bitops::count(bits, r.first_bit(), r.last_bit()));
}

int64_t find_bit(std::string_view bits, bool bit, const std::optional<bit_range_arg>& range) {
  bit_range r = whole(bits);
  bool end_given = range && range->end;
  if (range)
    r = normalise(range->start, range->end.value_or(r.end), bits.size(), range->in_bits);
  if (r.empty())
    return -1;
  int64_t pos = bitops::find(bits, bit, r.first_bit(), r.last_bit());
  // Without an explicit end the string counts as zero-padded on the right,
  // so a search for a clear bit answers the first bit past it.
  if (pos < 0 && !bit && !end_given)
    pos = static_cast<int64_t>(r.last_bit() + 1);
  return pos;
}

op_result<int64_t> op_bitop(keyspace& ks, int db, bitops::bitop_kind kind, std::string_view dest,
                            std::span<const std::string> source_keys) {
  // Sized once: the views below may point into these buffers.
  std::vector<std::string> scratch(source_keys.size());
  std::vector<std::string_view> sources(source_keys.size());
  for (size_t j = 0; j < source_keys.size(); ++j) {
    entry* e = ks.lookup_read(db, source_keys[j]);
    if (holds_other_type(e))
      return op_status::wrong_type;
    if (e != nullptr)
      sources[j] = e->val.str(scratch[j]);
  }
  std::string result = bitops::combine(kind, sources);
  auto length = static_cast<int64_t>(result.size());
  if (!result.empty()) {
    ks.set(db, dest, value::raw_string(std::move(result)));
    ks.notify(db, dest, event_class::string, "set");
  } else if (ks.remove(db, dest)) {
    ks.notify(db, dest, event_class::generic, "del");
  }
  return length;
}

op_result<std::vector<std::optional<int64_t>>> op_bitfield(keyspace& ks, int db,
                                                           std::string_view key,
                                                           std::span<const field_op> ops) {
  bool writes = std::any_of(ops.begin(), ops.end(),
                            [](const field_op& op) { return op.kind != field_op::get; });
  std::string scratch;
  std::string_view source;
  std::string* target = nullptr;
  bool grew = false;
  if (!writes) {
    entry* e = ks.lookup_read(db, key);
    if (holds_other_type(e))
      return op_status::wrong_type;
    if (e != nullptr)
      source = e->val.str(scratch);
  } else {
    uint64_t highest = 0;
    for (const auto& op : ops)
      if (op.kind != field_op::get)
        highest = std::max(highest, op.offset + op.bits - 1);
    target = writable_bits(ks, db, key, (highest >> 3) + 1, grew);
    if (target == nullptr)
      return op_status::wrong_type;
  }
  std::vector<std::optional<int64_t>> results;
  results.reserve(ops.size());
  uint64_t changes = 0;
  for (const auto& op : ops) {
    if (op.kind == field_op::get) {
      results.emplace_back(read_field(target != nullptr ? std::string_view(*target) : source, op));
      continue;
    }
    // A write is a change when it stored something and either the key grew
    // (or was created) or the field's value differs. Refused writes alone
    // change nothing, even if the key was created for them (as in Redis).
    int64_t result = 0;
    auto outcome = apply_field_write(*target, op, result);
    if (outcome == write_outcome::refused)
      results.emplace_back();
    else
      results.emplace_back(result);
    if (outcome == write_outcome::new_value || (grew && outcome == write_outcome::same_value))
      ++changes;
  }
  // One event; each stored change counts towards the dirty counter, as in
  // Redis.
  if (changes > 0)
    ks.notify(change{db, key, event_class::string, "setbit", changes});
  return results;
}

} // namespace actis::commands
