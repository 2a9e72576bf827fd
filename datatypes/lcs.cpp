#include "datatypes/lcs.hpp"

#include <algorithm>

namespace actis::datatypes {

uint64_t lcs_table_bytes(uint64_t a, uint64_t b) { return (a + 1) * (b + 1) * sizeof(uint32_t); }

uint32_t lcs_length(std::string_view a, std::string_view b) {
  if (a.size() < b.size())
    std::swap(a, b);
  // Two rows over the shorter string suffice for the length alone.
  std::vector<uint32_t> prev(b.size() + 1, 0), cur(b.size() + 1, 0);
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j)
      cur[j] = a[i - 1] == b[j - 1] ? prev[j - 1] + 1 : std::max(prev[j], cur[j - 1]);
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

lcs_result lcs_compute(std::string_view a, std::string_view b, bool want_matches,
                       uint64_t min_match_len) {
  size_t width = b.size() + 1;
  std::vector<uint32_t> table((a.size() + 1) * width, 0);
  auto at = [&](size_t i, size_t j) -> uint32_t& { return table[i * width + j]; };
  for (size_t i = 1; i <= a.size(); ++i)
    for (size_t j = 1; j <= b.size(); ++j)
      at(i, j) = a[i - 1] == b[j - 1] ? at(i - 1, j - 1) + 1 : std::max(at(i - 1, j), at(i, j - 1));

  lcs_result out;
  out.length = at(a.size(), b.size());
  out.common.assign(out.length, '\0');
  size_t fill = out.length;
  // The run being extended backwards, if any.
  bool open = false;
  lcs_match run{};
  auto close_run = [&] {
    if (want_matches && (min_match_len == 0 || run.length() >= min_match_len))
      out.matches.push_back(run);
    open = false;
  };
  size_t i = a.size(), j = b.size();
  while (i > 0 && j > 0) {
    if (a[i - 1] == b[j - 1]) {
      out.common[--fill] = a[i - 1];
      auto ai = static_cast<uint32_t>(i - 1), bj = static_cast<uint32_t>(j - 1);
      // After a match both indexes step back together, so a following match
      // is always adjacent and extends the run.
      if (open) {
        run.a_start = ai;
        run.b_start = bj;
      } else {
        run = lcs_match{ai, ai, bj, bj};
        open = true;
      }
      --i;
      --j;
      if (i == 0 || j == 0)
        close_run();
    } else {
      if (at(i - 1, j) > at(i, j - 1))
        --i;
      else
        --j;
      if (open)
        close_run();
    }
  }
  return out;
}

} // namespace actis::datatypes
