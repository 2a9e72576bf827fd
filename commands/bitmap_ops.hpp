// The bitmap family's operations: what SETBIT, BITCOUNT, BITOP, BITFIELD
// ... do to the keyspace, without a connection or a reply. Handlers
// (bitmap_family.cpp) parse, call these and reply; MULTI/EXEC, scripts and
// unit tests can call them the same way. Changes are recorded through
// keyspace::notify.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "commands/keyspace.hpp"
#include "commands/op_status.hpp"
#include "datatypes/bitops.hpp"

namespace actis::commands {

/// SETBIT: the bit's previous value. Creates or zero-pads the string.
op_result<int> op_setbit(keyspace& ks, int db, std::string_view key, uint64_t offset, bool on);
/// GETBIT: 0 past the end or for a missing key.
op_result<int> op_getbit(keyspace& ks, int db, std::string_view key, uint64_t offset);

/// A BITCOUNT / BITPOS range as given: negative indexes count from the end,
/// in bytes or bits.
struct bit_range_arg {
  long long start = 0;
  std::optional<long long> end;  // absent: to the end of the string
  bool in_bits = false;
};

// BITCOUNT and BITPOS read the key with op_get (Redis 7.0 reads it before
// it parses their ranges), then count or search its string:

/// BITCOUNT over `bits` (nullopt range: the whole string).
int64_t count_bits(std::string_view bits, const std::optional<bit_range_arg>& range);
/// BITPOS over `bits`: the first bit equal to `bit`, -1 if none. Without an
/// explicit end the string counts as zero-padded on the right.
int64_t find_bit(std::string_view bits, bool bit, const std::optional<bit_range_arg>& range);

/// BITOP into `dest` over `sources` (missing keys are empty): the result's
/// length; an empty result deletes `dest`. wrong_type for a non-string
/// source.
op_result<int64_t> op_bitop(keyspace& ks, int db, datatypes::bitops::bitop_kind kind,
                            std::string_view dest, std::span<const std::string> sources);

/// One BITFIELD subcommand, parsed.
struct field_op {
  enum kind_t : uint8_t { get, set, incrby } kind = get;
  bool is_signed = false;
  unsigned bits = 0;
  datatypes::bitops::overflow_mode mode = datatypes::bitops::overflow_mode::wrap;
  uint64_t offset = 0;
  long long arg = 0;
};

/// BITFIELD / BITFIELD_RO: one result per subcommand; nullopt where
/// OVERFLOW FAIL refused a write. Only GETs read the key (missing: zeros);
/// any write creates or grows it.
op_result<std::vector<std::optional<int64_t>>> op_bitfield(keyspace& ks, int db,
                                                           std::string_view key,
                                                           std::span<const field_op> ops);

} // namespace actis::commands
