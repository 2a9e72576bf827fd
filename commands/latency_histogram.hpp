// The bucket layout of the per-command latency histograms behind INFO
// latencystats. Plain C++.
//
// Redis records each duration in an HDR histogram (1 ns to 1 s, two
// significant digits: about 3000 counters per command). This layout is
// log-linear: durations below 32 ns get a bucket each, above that every
// power of two is split into 32 equal buckets, up to 1 s. A reported
// percentile is the edge of its bucket, so it is off by less than 1/32
// (3.2%) of the true value: 832 counters per command and thread.
#pragma once

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>

namespace actis::commands::latency {

inline constexpr unsigned sub_bucket_bits = 5;
inline constexpr uint64_t sub_buckets = 1u << sub_bucket_bits;
/// Redis's LATENCY_HISTOGRAM_MIN_VALUE / MAX_VALUE, in nanoseconds.
inline constexpr uint64_t min_ns = 1;
inline constexpr uint64_t max_ns = 1'000'000'000;
/// Powers of two above the exact range that max_ns reaches into.
inline constexpr unsigned octaves = std::bit_width(max_ns) - sub_bucket_bits;
inline constexpr size_t bucket_count = sub_buckets + octaves * sub_buckets;

/// The bucket of a duration; durations outside [min_ns, max_ns] count as
/// the nearest limit, as Redis clamps them.
constexpr size_t bucket_of(uint64_t ns) {
  ns = std::clamp(ns, min_ns, max_ns);
  if (ns < sub_buckets)
    return static_cast<size_t>(ns);
  const unsigned shift = static_cast<unsigned>(std::bit_width(ns)) - 1 - sub_bucket_bits;
  return static_cast<size_t>(sub_buckets + shift * sub_buckets
                             + ((ns >> shift) - sub_buckets));
}

/// The smallest duration bucket `b` holds.
constexpr uint64_t lowest_in(size_t b) {
  if (b < sub_buckets)
    return b;
  const uint64_t shift = (b - sub_buckets) / sub_buckets;
  return (sub_buckets + (b - sub_buckets) % sub_buckets) << shift;
}

/// The largest duration bucket `b` holds.
constexpr uint64_t highest_in(size_t b) {
  if (b < sub_buckets)
    return b;
  const uint64_t shift = (b - sub_buckets) / sub_buckets;
  return lowest_in(b) + (uint64_t{1} << shift) - 1;
}

/// Redis's hdr_value_at_percentile over `counts` (bucket_count entries):
/// the bucket holding the ceil(p% of all) smallest durations (at least the
/// first one), reported as its highest value, or its lowest for p == 0.
/// 0 when nothing was recorded.
template <class Counts>
uint64_t value_at_percentile(const Counts& counts, double percentile) {
  uint64_t total = 0;
  for (size_t b = 0; b < bucket_count; ++b)
    total += counts[b];
  const double share = std::min(percentile, 100.0) / 100.0;
  const auto wanted = std::max<uint64_t>(
      1, static_cast<uint64_t>(share * static_cast<double>(total) + 0.5));
  uint64_t seen = 0;
  for (size_t b = 0; b < bucket_count; ++b) {
    seen += counts[b];
    if (seen >= wanted)
      return percentile == 0.0 ? lowest_in(b) : highest_in(b);
  }
  return 0;
}

} // namespace actis::commands::latency
