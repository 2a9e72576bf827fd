// The HyperLogLog family's operations: what PFADD, PFCOUNT, PFMERGE and
// PFDEBUG do to the keyspace, without a connection or a reply. An HLL is a
// string value (datatypes/hyperloglog.hpp); a string that is not one is
// hll_not_hll, a collection wrong_type, a corrupt sparse coding hll_corrupt.
// Each records its changes through keyspace::notify as Redis does.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "commands/keyspace.hpp"
#include "commands/op_status.hpp"

namespace actis::commands {

/// PFADD: creates the key if missing (an empty HLL counts as an update);
/// true if the HLL changed. `elements` may be empty.
op_result<bool> op_pfadd(keyspace& ks, int db, std::string_view key,
                         std::span<const std::string> elements);

/// PFCOUNT of one key (the cached cardinality, refreshed and stored when
/// stale: a change of the value) or the union of several (nothing stored).
/// Missing keys count as empty HLLs.
op_result<uint64_t> op_pfcount(keyspace& ks, int db, std::span<const std::string> keys);

/// PFMERGE: `dest` becomes the union of itself and `sources` (created if
/// missing, dense if any input is dense).
op_result<bool> op_pfmerge(keyspace& ks, int db, std::string_view dest,
                           std::span<const std::string> sources);

enum class pfdebug_kind : uint8_t { getreg, decode, encoding, todense };

struct pfdebug_result {
  /// GETREG: the 16384 registers.
  std::vector<uint8_t> registers;
  /// DECODE: the opcode text; ENCODING: "dense" or "sparse".
  std::string text;
  /// TODENSE: whether a sparse HLL was converted.
  bool converted = false;
};

/// PFDEBUG on `key` (must exist; GETREG and TODENSE convert it to dense).
/// `sub` is the subcommand as written: unknown ones fail after the key is
/// checked, as in Redis.
op_result<pfdebug_result> op_pfdebug(keyspace& ks, int db, std::string_view sub,
                                     std::string_view key);

/// PFSELFTEST's checks of the register coding and the estimator; empty if
/// they pass, else Redis-style "TESTFAILED ..." text.
std::string hll_selftest();

} // namespace actis::commands
