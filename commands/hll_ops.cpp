// The HyperLogLog family's operations (see hll_ops.hpp).
#include "commands/hll_ops.hpp"

#include <cmath>
#include <random>

#include "config/config.hpp"
#include "datatypes/hyperloglog.hpp"
#include "datatypes/strutil.hpp"

namespace actis::commands {

namespace {

namespace hll = datatypes::hll;
using datatypes::obj_type;

size_t sparse_max_bytes() {
  long long v = config::live().hll_sparse_max_bytes.load(std::memory_order_relaxed);
  return v < 0 ? 0 : static_cast<size_t>(v);
}

/// Redis's isHLLObjectOrReply on a found entry: ok, wrong_type for a
/// collection, hll_not_hll for a string that is not an HLL (an int-encoded
/// one has at most 20 digits: too short for the header).
op_status check_hll(const entry& e) {
  if (e.val.type() != obj_type::string)
    return op_status::wrong_type;
  std::string scratch;
  return hll::looks_valid(e.val.str(scratch)) ? op_status::ok : op_status::hll_not_hll;
}

} // namespace

op_result<bool> op_pfadd(keyspace& ks, int db, std::string_view key,
                         std::span<const std::string> elements) {
  entry* e = ks.lookup_write(db, key);
  uint64_t updated = 0;
  if (e == nullptr) {
    e = &ks.add(db, key, datatypes::value::raw_string(hll::create()));
    ++updated;
  } else if (op_status s = check_hll(*e); s != op_status::ok) {
    return s;
  }
  std::string& s = e->val.mutable_str();
  size_t limit = sparse_max_bytes();
  for (const auto& element : elements) {
    int r = hll::add(s, element, limit);
    if (r < 0)
      return op_status::hll_corrupt;
    updated += static_cast<uint64_t>(r);
  }
  if (updated == 0)
    return false;
  hll::invalidate_cache(s);
  ks.notify(change{db, key, event_class::string, "pfadd", updated});
  return true;
}

op_result<uint64_t> op_pfcount(keyspace& ks, int db, std::span<const std::string> keys) {
  if (keys.size() > 1) {
    hll::raw_registers max{};
    std::string scratch;
    for (const auto& key : keys) {
      entry* e = ks.lookup_read(db, key);
      if (e == nullptr)
        continue;
      if (op_status s = check_hll(*e); s != op_status::ok)
        return s;
      if (!hll::merge_into(max, e->val.str(scratch)))
        return op_status::hll_corrupt;
    }
    return hll::count(max);
  }
  std::string_view key = keys[0];
  entry* e = ks.lookup_read(db, key);
  if (e == nullptr)
    return uint64_t{0};
  if (op_status s = check_hll(*e); s != op_status::ok)
    return s;
  // Like Redis's dbUnshareStringValue: the value becomes a raw string even
  // when only the cache is read.
  std::string& s = e->val.mutable_str();
  if (hll::cache_valid(s))
    return hll::cached_cardinality(s);
  auto card = hll::count(s);
  if (!card)
    return op_status::hll_corrupt;
  hll::set_cached_cardinality(s, *card);
  // Storing the cache changes the value: replicas get the PFCOUNT, but no
  // keyspace event is published (Redis publishes none).
  ks.notify(change{db, key, event_class::string, {}});
  return *card;
}

op_result<bool> op_pfmerge(keyspace& ks, int db, std::string_view dest,
                           std::span<const std::string> sources) {
  hll::raw_registers max{};
  bool use_dense = false;
  std::string scratch;
  auto gather = [&](std::string_view key) -> op_status {
    entry* e = ks.lookup_read(db, key);
    if (e == nullptr)
      return op_status::ok;
    if (op_status s = check_hll(*e); s != op_status::ok)
      return s;
    std::string_view bytes = e->val.str(scratch);
    use_dense = use_dense || hll::is_dense(bytes);
    return hll::merge_into(max, bytes) ? op_status::ok : op_status::hll_corrupt;
  };
  if (op_status s = gather(dest); s != op_status::ok)
    return s;
  for (const auto& key : sources)
    if (op_status s = gather(key); s != op_status::ok)
      return s;

  entry* e = ks.lookup_write(db, dest);
  if (e == nullptr)
    e = &ks.add(db, dest, datatypes::value::raw_string(hll::create()));
  std::string& s = e->val.mutable_str();
  if (use_dense && !hll::to_dense(s))
    return op_status::hll_corrupt;
  size_t limit = sparse_max_bytes();
  for (size_t j = 0; j < hll::register_count; ++j)
    if (max[j] != 0)
      hll::set_register(s, j, max[j], limit);
  hll::invalidate_cache(s);
  ks.notify(db, dest, event_class::string, "pfadd");
  return true;
}

op_result<pfdebug_result> op_pfdebug(keyspace& ks, int db, std::string_view sub,
                                     std::string_view key) {
  entry* e = ks.lookup_write(db, key);
  if (e == nullptr)
    return op_status::hll_no_such_key;
  if (op_status s = check_hll(*e); s != op_status::ok)
    return s;
  std::string& s = e->val.mutable_str();
  pfdebug_result out;
  using datatypes::iequals;
  bool getreg = iequals(sub, "getreg");
  if (getreg || iequals(sub, "todense")) {
    if (!hll::is_dense(s)) {
      if (!hll::to_dense(s))
        return op_status::hll_corrupt;
      out.converted = true;
      // An encoding change only: replicated, no keyspace event, and WATCH
      // does not see it.
      ks.notify_unsignalled(db, key, event_class::string, {});
    }
    if (getreg) {
      out.registers.resize(hll::register_count);
      for (size_t j = 0; j < hll::register_count; ++j)
        out.registers[j] = hll::dense_register(s, j);
    }
  } else if (iequals(sub, "decode")) {
    if (hll::is_dense(s))
      return op_status::hll_not_sparse;
    out.text = hll::decode_sparse(s);
  } else if (iequals(sub, "encoding")) {
    out.text = hll::is_dense(s) ? "dense" : "sparse";
  } else {
    return {op_status::hll_unknown_subcommand, sub};
  }
  return out;
}

std::string hll_selftest() {
  // Every register of a dense HLL keeps the value written to it, whatever
  // its neighbours hold.
  std::mt19937_64 rng(0x68796c6c);
  std::string dense = hll::create();
  hll::to_dense(dense);
  std::vector<uint8_t> expected(hll::register_count);
  for (int round = 0; round < 2; ++round) {
    for (size_t j = 0; j < hll::register_count; ++j) {
      expected[j] = static_cast<uint8_t>(rng() & 63);
      hll::set_register(dense, j, expected[j], 0);
    }
    for (size_t j = 0; j < hll::register_count; ++j)
      if (hll::dense_register(dense, j) != expected[j])
        return "TESTFAILED Register error at " + std::to_string(j);
    dense = hll::create();
    hll::to_dense(dense);
  }
  // Sparse and dense codings of the same adds agree, and the estimate stays
  // within 5 standard errors (1.04/sqrt(m)) of the truth.
  std::string sparse = hll::create();
  dense = hll::create();
  hll::to_dense(dense);
  double relerr = 1.04 / std::sqrt(static_cast<double>(hll::register_count));
  for (uint64_t n = 1; n <= 100000; ++n) {
    std::string element = std::to_string(rng());
    hll::add(sparse, element, 3000);
    hll::add(dense, element, 3000);
    if (n % 1000 != 0 && n > 100)
      continue;
    uint64_t a = *hll::count(sparse), b = *hll::count(dense);
    if (a != b)
      return "TESTFAILED Sparse and dense estimates differ";
    double error = std::fabs(static_cast<double>(a) - static_cast<double>(n));
    if (error > 5 * relerr * static_cast<double>(n) + 1)
      return "TESTFAILED Too big error. card:" + std::to_string(n) +
             " card:" + std::to_string(a);
  }
  return {};
}

} // namespace actis::commands
