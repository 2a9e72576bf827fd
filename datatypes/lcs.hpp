// Longest common subsequence of two byte strings, as the LCS command
// reports it. Plain C++.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace actis::datatypes {

/// One run of consecutive matching bytes: a[a_start..a_end] == b[b_start..b_end].
struct lcs_match {
  uint32_t a_start, a_end, b_start, b_end;
  uint32_t length() const { return a_end - a_start + 1; }
};

struct lcs_result {
  uint32_t length = 0;
  /// The common subsequence itself (filled when requested).
  std::string common;
  /// Matching runs from the end of the strings towards their start, only
  /// those at least `min_match_len` long (filled when requested).
  std::vector<lcs_match> matches;
};

/// Bytes of the dynamic-programming table a full LCS of sizes `a` x `b`
/// needs (what the command checks against proto-max-bulk-len).
uint64_t lcs_table_bytes(uint64_t a, uint64_t b);

/// Only the length, in O(min(|a|,|b|)) memory.
uint32_t lcs_length(std::string_view a, std::string_view b);

/// Full LCS with backtracking over the (|a|+1) x (|b|+1) table. Among equally
/// long answers it picks Redis's: walking back from the ends, a mismatch
/// steps back in `a` only when that keeps a strictly longer LCS, else in `b`.
/// Pre: both sizes < UINT32_MAX - 1.
lcs_result lcs_compute(std::string_view a, std::string_view b, bool want_matches,
                       uint64_t min_match_len);

} // namespace actis::datatypes
