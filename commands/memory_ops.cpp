#include "commands/memory_ops.hpp"

#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <fstream>

#include "datatypes/strutil.hpp"

namespace actis::commands {

namespace {

std::atomic<uint64_t> peak_allocated{0};
std::atomic<uint64_t> startup_allocated{0};

uint64_t resident_set_bytes() {
  std::ifstream statm("/proc/self/statm");
  uint64_t size = 0, resident = 0;
  statm >> size >> resident;
  return resident * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
}

/// Raises the peak to `used` if higher; returns the peak.
uint64_t observe_peak(uint64_t used) {
  auto seen = peak_allocated.load(std::memory_order_relaxed);
  while (used > seen &&
         !peak_allocated.compare_exchange_weak(seen, used, std::memory_order_relaxed)) {
  }
  return std::max(seen, used);
}

/// The chunk glibc malloc carved for `p`: the usable bytes plus its size
/// header.
size_t malloc_chunk_bytes(const void* p) {
  return malloc_usable_size(const_cast<void*>(p)) + sizeof(size_t);
}

/// Whether `e`'s key lives in the entry itself (short keys) or in a heap
/// block of its own: the view points inside the entry or not.
bool key_inline(const entry& e, std::string_view key) {
  auto* begin = reinterpret_cast<const char*>(&e);
  return key.data() >= begin && key.data() < begin + datatypes::db::entry_bytes(e);
}

} // namespace

process_memory sample_process_memory() {
  struct mallinfo2 mi = mallinfo2();
  process_memory m;
  m.allocated = static_cast<uint64_t>(mi.uordblks + mi.hblkhd);
  m.active = static_cast<uint64_t>(mi.arena + mi.hblkhd);
  m.resident = resident_set_bytes();
  m.peak = observe_peak(m.allocated);
  m.startup = startup_allocated.load(std::memory_order_relaxed);
  return m;
}

void record_startup_memory() {
  startup_allocated.store(sample_process_memory().allocated, std::memory_order_relaxed);
}

size_t entry_memory(const entry& e, size_t samples) {
  const value& v = e.val;
  // Only the aggregates whose exact figure walks every element sample
  // (hashtable sets, streams' nodes); strings, hashes and sorted sets keep
  // their byte counts as they change, lists walk their nodes of up to
  // 8 KiB each: their memory_usage is exact and cheap.
  auto sampled = v.traits().sampled_memory_usage;
  size_t bytes = samples != 0 && sampled != nullptr ? sampled(v, samples) : v.memory_usage();
  // The value's 16 bytes are part of the entry, counted once.
  bytes += datatypes::db::entry_bytes(e) - sizeof(value);
  std::string_view key = e.key();
  if (!key_inline(e, key))
    bytes += malloc_chunk_bytes(key.data());
  // The key table grows at load factor 1: a bucket pointer per key.
  bytes += sizeof(entry*);
  if (e.has_expire)
    bytes += datatypes::db::expire_record_bytes();
  return bytes;
}

op_result<int64_t> op_memory_usage(keyspace& ks, int db, std::string_view key, size_t samples) {
  entry* e = ks.lookup_peek(db, key);
  if (e == nullptr)
    return op_status::nil;
  return static_cast<int64_t>(entry_memory(*e, samples));
}

op_result<size_t> parse_usage_samples(const protocol::command_args& argv) {
  size_t samples = default_usage_samples;
  for (size_t i = 3; i < argv.size(); ++i) {
    if (!datatypes::iequals(argv[i], "samples") || i + 1 == argv.size())
      return op_status::syntax;
    long long count = 0;
    if (!datatypes::parse_ll(argv[++i], count))
      return op_status::not_integer;
    if (count < 0)
      return op_status::syntax;
    samples = static_cast<size_t>(count);
  }
  return samples;
}

memory_stats op_memory_stats(keyspace& ks) {
  memory_stats s;
  s.process = sample_process_memory();
  std::vector<db_memory> per_db(static_cast<size_t>(ks.databases()));
  for (auto* p : ks.held()) {
    if (p == nullptr)
      continue;
    for (size_t i = 0; i < p->dbs.size() && i < per_db.size(); ++i) {
      const auto& d = p->dbs[i];
      size_t expires = d.expires_memory_usage();
      per_db[i].keys += d.size();
      per_db[i].main_overhead += d.memory_usage() - expires;
      per_db[i].expires_overhead += expires;
    }
  }
  s.overhead_total = s.process.startup;
  for (size_t i = 0; i < per_db.size(); ++i) {
    if (per_db[i].keys == 0)
      continue;
    per_db[i].index = static_cast<int>(i);
    s.keys += per_db[i].keys;
    s.overhead_total += per_db[i].main_overhead + per_db[i].expires_overhead;
    s.dbs.push_back(per_db[i]);
  }
  s.dataset = s.process.allocated - std::min(s.process.allocated, s.overhead_total);
  return s;
}

std::string memory_doctor_report(const process_memory& m) {
  // Redis's thresholds: below 5 MB there is nothing to judge; a peak above
  // 150% of the current use; fragmentation above 1.4 and 10 MB (measured
  // on the heap malloc holds, not the RSS, which also counts the ~9 MB of
  // code pages an empty actis has).
  constexpr uint64_t mb = 1024 * 1024;
  if (m.allocated < 5 * mb)
    return "Hi Sam, this instance is empty or is using very little memory, my issues "
           "detector can't be used in these conditions. Please, leave for your mission on "
           "Earth and fill it with some data. The new Sam and I will be back to our "
           "programming as soon as I finished rebooting.\n";
  bool big_peak = static_cast<double>(m.peak) / static_cast<double>(m.allocated) > 1.5;
  bool high_frag = static_cast<double>(m.active) / static_cast<double>(m.allocated) > 1.4 &&
                   m.active - m.allocated > 10 * mb;
  if (!big_peak && !high_frag)
    return "Hi Sam, I can't find any memory issue in your instance. I can only account for "
           "what occurs on this base.\n";
  std::string report = "Sam, I detected a few issues in this Redis instance memory implants:\n\n";
  if (big_peak)
    report += " * Peak memory: the heap once held more than 150% of what it holds now. "
              "malloc keeps much of the freed memory for reuse, so the resident size stays "
              "high until new data fills it; MEMORY PURGE hands free pages back.\n\n";
  if (high_frag)
    report += " * High fragmentation: malloc holds more than 1.4 times the bytes in use, "
              "spread over partly used pages. MEMORY PURGE may return some of them.\n\n";
  report += "I'm here to keep you safe, Sam. I want to help you.\n";
  return report;
}

std::string malloc_stats_text() {
  struct mallinfo2 mi = mallinfo2();
  char buf[512];
  std::snprintf(buf, sizeof(buf),
                "actis uses glibc malloc (mallinfo2):\n"
                "arena: %zu\nordblks: %zu\nuordblks: %zu\nfordblks: %zu\n"
                "hblks: %zu\nhblkhd: %zu\nkeepcost: %zu\n",
                mi.arena, mi.ordblks, mi.uordblks, mi.fordblks, mi.hblks, mi.hblkhd,
                mi.keepcost);
  return buf;
}

void purge_memory() { malloc_trim(0); }

} // namespace actis::commands
