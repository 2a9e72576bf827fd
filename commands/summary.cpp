#include "commands/summary.hpp"

namespace actis::commands {

namespace {

/// Volatile keys sampled per database for avg_ttl (the first buckets of
/// the expires table).
constexpr size_t ttl_sample_buckets = 16;

} // namespace

partition_summary summarize(partition_data& p, int64_t now_ms) {
  partition_summary s;
  s.partition = p.index;
  s.stats = p.stats;
  s.dbs.resize(p.dbs.size());
  for (size_t i = 0; i < p.dbs.size(); ++i) {
    auto& d = p.dbs[i];
    auto& out = s.dbs[i];
    out.keys = d.size();
    out.expires = d.expires_size();
    if (out.expires == 0)
      continue;
    d.scan_expires(0, ttl_sample_buckets, [&](datatypes::entry& e) {
      auto ttl = d.expire_at(e) - now_ms;
      if (ttl > 0) {
        out.ttl_sum += ttl;
        ++out.ttl_samples;
      }
    });
  }
  return s;
}

void reset_stats(partition_data& p) {
  auto dirty = p.stats.dirty;
  p.stats = {};
  p.stats.dirty = dirty;
}

} // namespace actis::commands
