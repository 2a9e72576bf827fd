// A quicksort that sorts only what a rank range needs: SORT … BY … LIMIT.
//
// Redis sorts with its pqsort there: the 4.4BSD libc quicksort (Bentley and
// McIlroy, "Engineering a Sort Function", 1993) that skips every partition
// lying wholly outside the requested ranks. It is not stable, and ALPHA with
// BY has ties (equal or missing weights) that SORT leaves as the sort left
// them, so the same algorithm, step for step, is what gives Redis's reply.
#pragma once

#include <algorithm>
#include <cstddef>
#include <utility>
#include <vector>

namespace actis::datatypes {

namespace range_sort_detail {

template <class T, class Compare>
void insertion_sort(std::vector<T>& v, std::ptrdiff_t first, std::ptrdiff_t n, Compare& cmp) {
  for (std::ptrdiff_t m = first + 1; m < first + n; ++m)
    for (std::ptrdiff_t l = m; l > first && cmp(v[l - 1], v[l]) > 0; --l)
      std::swap(v[l], v[l - 1]);
}

template <class T, class Compare>
std::ptrdiff_t median_of_three(std::vector<T>& v, std::ptrdiff_t a, std::ptrdiff_t b,
                               std::ptrdiff_t c, Compare& cmp) {
  if (cmp(v[a], v[b]) < 0)
    return cmp(v[b], v[c]) < 0 ? b : (cmp(v[a], v[c]) < 0 ? c : a);
  return cmp(v[b], v[c]) > 0 ? b : (cmp(v[a], v[c]) < 0 ? a : c);
}

template <class T>
void swap_blocks(std::vector<T>& v, std::ptrdiff_t a, std::ptrdiff_t b, std::ptrdiff_t n) {
  for (std::ptrdiff_t i = 0; i < n; ++i)
    std::swap(v[a + i], v[b + i]);
}

/// True when [first, last] holds at least one rank of [lo, hi] (the range
/// may be empty, hi < lo, as SORT computes it past the end).
inline bool overlaps(std::ptrdiff_t first, std::ptrdiff_t last, std::ptrdiff_t lo,
                     std::ptrdiff_t hi) {
  return !((lo < first && hi < first) || (lo > last && hi > last));
}

template <class T, class Compare>
void sort_part(std::vector<T>& v, std::ptrdiff_t a, std::ptrdiff_t n, Compare& cmp,
               std::ptrdiff_t lo, std::ptrdiff_t hi) {
  for (;;) {
    if (n < 7) {
      insertion_sort(v, a, n, cmp);
      return;
    }
    std::ptrdiff_t pm = a + n / 2;
    if (n > 7) {
      std::ptrdiff_t pl = a, pn = a + n - 1;
      if (n > 40) {
        std::ptrdiff_t d = n / 8;
        pl = median_of_three(v, pl, pl + d, pl + 2 * d, cmp);
        pm = median_of_three(v, pm - d, pm, pm + d, cmp);
        pn = median_of_three(v, pn - 2 * d, pn - d, pn, cmp);
      }
      pm = median_of_three(v, pl, pm, pn, cmp);
    }
    std::swap(v[a], v[pm]);
    // Three-way partition around v[a]: keys equal to it gather at both
    // ends ([a, pa) and (pd, end]) and are swapped into the middle after.
    std::ptrdiff_t pa = a + 1, pb = a + 1, pc = a + n - 1, pd = a + n - 1;
    bool swapped = false;
    for (;;) {
      int r;
      while (pb <= pc && (r = cmp(v[pb], v[a])) <= 0) {
        if (r == 0) {
          swapped = true;
          std::swap(v[pa++], v[pb]);
        }
        ++pb;
      }
      while (pb <= pc && (r = cmp(v[pc], v[a])) >= 0) {
        if (r == 0) {
          swapped = true;
          std::swap(v[pc], v[pd--]);
        }
        --pc;
      }
      if (pb > pc)
        break;
      std::swap(v[pb++], v[pc--]);
      swapped = true;
    }
    // Nothing moved: the part is nearly sorted, which insertion finishes.
    if (!swapped) {
      insertion_sort(v, a, n, cmp);
      return;
    }
    std::ptrdiff_t end = a + n;
    std::ptrdiff_t r = std::min(pa - a, pb - pa);
    swap_blocks(v, a, pb - r, r);
    r = std::min(pd - pc, end - pd - 1);
    swap_blocks(v, pb, end - r, r);
    if ((r = pb - pa) > 1 && overlaps(a, a + r - 1, lo, hi))
      sort_part(v, a, r, cmp, lo, hi);
    if ((r = pd - pc) <= 1 || !overlaps(end - r, end - 1, lo, hi))
      return;
    a = end - r;
    n = r;
  }
}

} // namespace range_sort_detail

/// Puts into ranks [lo, hi] of `v` what a full sort would put there (ties in
/// the order this algorithm leaves them); the ranks outside are only
/// partitioned. `cmp(x, y)` returns <0, 0 or >0.
template <class T, class Compare>
void range_sort(std::vector<T>& v, std::ptrdiff_t lo, std::ptrdiff_t hi, Compare cmp) {
  range_sort_detail::sort_part(v, 0, static_cast<std::ptrdiff_t>(v.size()), cmp, lo, hi);
}

} // namespace actis::datatypes
