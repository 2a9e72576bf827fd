#include "commands/command_stats.hpp"

#if defined(__x86_64__)
#include <x86intrin.h>
#endif

#include <time.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "commands/command.hpp"
#include "commands/latency_histogram.hpp"
#include "config/config.hpp"
#include "protocol/reply.hpp"

namespace actis::commands::stats {

namespace {

/// Single-writer counter bump: only the owning thread writes, so a relaxed
/// load and store suffice and no locked instruction is needed.
inline void bump(std::atomic<uint64_t>& counter, uint64_t n = 1) {
  counter.store(counter.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
}

struct latency_buckets {
  std::array<std::atomic<uint64_t>, latency::bucket_count> counts{};
};

/// One command's counters in one thread's block.
struct command_counters {
  std::atomic<uint64_t> calls{0}, nanos{0}, rejected{0}, failed{0};
  /// Allocated by the owning thread when it records its first duration.
  std::atomic<latency_buckets*> latency{nullptr};
};

/// Command counters come in chunks allocated at the first count of one of
/// their commands, so a thread pays only for the commands it runs, and the
/// table may grow (tests build their own) without resizing under readers.
constexpr size_t chunk_size = 64;
constexpr size_t max_chunks = 64; // room for 4096 command ids

struct command_chunk {
  std::array<command_counters, chunk_size> commands;
};

struct thread_block {
  std::array<std::atomic<command_chunk*>, max_chunks> chunks{};
  /// Indexed by the error code's slot in the registry.
  std::array<std::atomic<uint64_t>, max_error_codes> error_counts{};
  std::atomic<uint64_t> error_replies{0};
  /// Owner thread only: codes whose slot it has looked up, valid while the
  /// registry's generation is `codes_generation`.
  std::vector<std::pair<std::string, size_t>> known_codes;
  uint64_t codes_generation = 0;
};

/// Every thread block, and the error codes' slots.
struct registry {
  std::mutex lock;
  std::vector<thread_block*> blocks;  // guarded by lock
  std::vector<std::string> codes;     // guarded by lock; index = slot
  /// Bumped by reset(), which forgets the codes: threads drop known_codes.
  std::atomic<uint64_t> generation{0};
};

/// Never destroyed, and neither are the blocks: loop threads may still count
/// while the process exits, and a block outlives its thread so that INFO
/// keeps its counts.
registry& the_registry() {
  static registry* r = new registry;
  return *r;
}

thread_local thread_block* this_thread_block = nullptr;

thread_block& my_block() {
  if (this_thread_block == nullptr) {
    auto* block = new thread_block;
    auto& r = the_registry();
    std::lock_guard<std::mutex> guard(r.lock);
    r.blocks.push_back(block);
    this_thread_block = block;
  }
  return *this_thread_block;
}

/// The calling thread's counters of command `id` (nullptr beyond the ids
/// the blocks have room for).
command_counters* my_counters(uint32_t id) {
  if (id >= chunk_size * max_chunks)
    return nullptr;
  auto& slot = my_block().chunks[id / chunk_size];
  auto* chunk = slot.load(std::memory_order_acquire);
  if (chunk == nullptr) {
    chunk = new command_chunk;
    slot.store(chunk, std::memory_order_release);
  }
  return &chunk->commands[id % chunk_size];
}

void record_latency(command_counters& c, uint64_t nanos) {
  auto* buckets = c.latency.load(std::memory_order_relaxed);
  if (buckets == nullptr) {
    buckets = new latency_buckets;
    c.latency.store(buckets, std::memory_order_release);
  }
  bump(buckets->counts[latency::bucket_of(nanos)]);
}

/// The registry slot of error `code`, registering it while there is room.
std::optional<size_t> code_slot(thread_block& b, std::string_view code) {
  auto& r = the_registry();
  auto generation = r.generation.load(std::memory_order_acquire);
  if (generation != b.codes_generation) {
    b.known_codes.clear();
    b.codes_generation = generation;
  }
  for (auto& [name, slot] : b.known_codes)
    if (name == code)
      return slot;
  std::lock_guard<std::mutex> guard(r.lock);
  auto it = std::find(r.codes.begin(), r.codes.end(), code);
  if (it == r.codes.end()) {
    if (r.codes.size() == max_error_codes)
      return std::nullopt;
    it = r.codes.emplace(r.codes.end(), code);
  }
  auto slot = static_cast<size_t>(it - r.codes.begin());
  b.known_codes.emplace_back(std::string(code), slot);
  return slot;
}

/// A command's counts summed over every thread.
struct command_totals {
  uint64_t calls = 0, nanos = 0, rejected = 0, failed = 0;
  std::array<uint64_t, latency::bucket_count> latency{};
  uint64_t latency_samples = 0;
};

/// Adds the counts of command `id` in every block to `t`. Caller holds the
/// registry lock.
void add_counts(const registry& r, uint32_t id, command_totals& t) {
  if (id >= chunk_size * max_chunks)
    return;
  for (auto* block : r.blocks) {
    auto* chunk = block->chunks[id / chunk_size].load(std::memory_order_acquire);
    if (chunk == nullptr)
      continue;
    auto& c = chunk->commands[id % chunk_size];
    t.calls += c.calls.load(std::memory_order_relaxed);
    t.nanos += c.nanos.load(std::memory_order_relaxed);
    t.rejected += c.rejected.load(std::memory_order_relaxed);
    t.failed += c.failed.load(std::memory_order_relaxed);
    if (auto* buckets = c.latency.load(std::memory_order_acquire)) {
      for (size_t b = 0; b < latency::bucket_count; ++b) {
        auto n = buckets->counts[b].load(std::memory_order_relaxed);
        t.latency[b] += n;
        t.latency_samples += n;
      }
    }
  }
}

void add_counts_recursively(const registry& r, const command_spec& spec, command_totals& t) {
  add_counts(r, spec.id, t);
  for (auto& sub : spec.subcommands)
    add_counts_recursively(r, sub, t);
}

/// Calls `row(name, totals)` for each line INFO lists for `table`: every
/// command, then its subcommands; hidden subcommands fold into their
/// container.
template <class Row>
void for_each_row(const command_table& table, Row row) {
  auto& r = the_registry();
  std::lock_guard<std::mutex> guard(r.lock);
  for (auto& spec : table.all()) {
    command_totals totals;
    if (spec.hide_subcommands) {
      add_counts_recursively(r, spec, totals);
      row(spec.name, totals);
      continue;
    }
    add_counts(r, spec.id, totals);
    row(spec.name, totals);
    for (auto& sub : spec.subcommands) {
      command_totals sub_totals;
      add_counts(r, sub.id, sub_totals);
      row(sub.name, sub_totals);
    }
  }
}

/// The words of a space-separated list.
std::vector<std::string> words_of(std::string_view text) {
  std::vector<std::string> words;
  size_t pos = 0;
  while ((pos = text.find_first_not_of(' ', pos)) != std::string_view::npos) {
    auto end = std::min(text.find(' ', pos), text.size());
    words.emplace_back(text.substr(pos, end - pos));
    pos = end;
  }
  return words;
}

/// Counting every error reply is this module's job; installed before main
/// (and so before any thread writes a reply), no caller can forget it.
[[maybe_unused]] const bool error_listener_installed =
    (protocol::set_error_listener(&error_replied), true);

uint64_t monotonic_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000u + static_cast<uint64_t>(ts.tv_nsec);
}

/// The CPU's time-stamp counter scaled to CLOCK_MONOTONIC nanoseconds, where
/// the CPU says it ticks at one rate in every state and on every core
/// (constant_tsc, nonstop_tsc), as Redis's monotonic clock does. Every
/// command reads the clock twice: on the 2-core VM a TSC read took 11 ns
/// against clock_gettime's 26 ns, about 3% of a pipelined GET's CPU.
struct tsc_clock {
  bool usable = false;
  double ns_per_tick = 0;
  uint64_t tsc0 = 0;
  uint64_t ns0 = 0;

  static bool cpu_has_invariant_tsc() {
    std::ifstream cpuinfo("/proc/cpuinfo");
    for (std::string line; std::getline(cpuinfo, line);)
      if (line.rfind("flags", 0) == 0)
        return line.find(" constant_tsc") != std::string::npos
               && line.find(" nonstop_tsc") != std::string::npos;
    return false;
  }

  /// Measures the tick rate against CLOCK_MONOTONIC over 2 ms (once, at the
  /// first command).
  tsc_clock() {
#if defined(__x86_64__)
    if (!cpu_has_invariant_tsc())
      return;
    ns0 = monotonic_ns();
    tsc0 = __rdtsc();
    uint64_t ns1 = ns0;
    while (ns1 < ns0 + 2'000'000)
      ns1 = monotonic_ns();
    uint64_t tsc1 = __rdtsc();
    if (tsc1 <= tsc0)
      return;
    ns_per_tick = static_cast<double>(ns1 - ns0) / static_cast<double>(tsc1 - tsc0);
    usable = true;
#endif
  }

  uint64_t now() const {
#if defined(__x86_64__)
    if (usable) {
      uint64_t tsc = __rdtsc();
      // A counter behind the calibration point (another core's, set a
      // little differently) reads as that point: durations are never
      // negative.
      return ns0 + (tsc > tsc0 ? static_cast<uint64_t>(static_cast<double>(tsc - tsc0) * ns_per_tick)
                               : 0);
    }
#endif
    return monotonic_ns();
  }
};

} // namespace

uint64_t now_ns() {
  static const tsc_clock clock;
  return clock.now();
}

void executed(const command_spec& spec, uint64_t nanos, bool failed) {
  auto* c = my_counters(spec.id);
  if (c == nullptr)
    return;
  bump(c->calls);
  bump(c->nanos, nanos);
  if (failed)
    bump(c->failed);
  if (config::live().latency_tracking.load(std::memory_order_relaxed))
    record_latency(*c, nanos);
}

void rejected(const command_spec* spec) {
  if (spec == nullptr)
    return;
  if (auto* c = my_counters(spec->id))
    bump(c->rejected);
}

void error_replied(std::string_view code) {
  auto& b = my_block();
  bump(b.error_replies);
  if (auto slot = code_slot(b, code))
    bump(b.error_counts[*slot]);
}

uint64_t total_calls() {
  auto& r = the_registry();
  std::lock_guard<std::mutex> guard(r.lock);
  uint64_t total = 0;
  for (auto* block : r.blocks)
    for (auto& slot : block->chunks)
      if (auto* chunk = slot.load(std::memory_order_acquire))
        for (auto& c : chunk->commands)
          total += c.calls.load(std::memory_order_relaxed);
  return total;
}

uint64_t total_error_replies() {
  auto& r = the_registry();
  std::lock_guard<std::mutex> guard(r.lock);
  uint64_t total = 0;
  for (auto* block : r.blocks)
    total += block->error_replies.load(std::memory_order_relaxed);
  return total;
}

void append_commandstats(std::string& out, const command_table& table) {
  for_each_row(table, [&](const std::string& name, const command_totals& t) {
    if (t.calls == 0 && t.rejected == 0)
      return;
    const uint64_t usec = t.nanos / 1000;
    // Redis divides in single precision.
    const float per_call =
        t.calls == 0 ? 0.0f : static_cast<float>(usec) / static_cast<float>(t.calls);
    char buf[160];
    std::snprintf(buf, sizeof(buf),
                  ":calls=%llu,usec=%llu,usec_per_call=%.2f,rejected_calls=%llu,"
                  "failed_calls=%llu\r\n",
                  static_cast<unsigned long long>(t.calls), static_cast<unsigned long long>(usec),
                  static_cast<double>(per_call), static_cast<unsigned long long>(t.rejected),
                  static_cast<unsigned long long>(t.failed));
    out += "cmdstat_";
    out += name;
    out += buf;
  });
}

void append_errorstats(std::string& out) {
  std::vector<std::pair<std::string, uint64_t>> rows;
  {
    auto& r = the_registry();
    std::lock_guard<std::mutex> guard(r.lock);
    for (size_t slot = 0; slot < r.codes.size(); ++slot) {
      uint64_t count = 0;
      for (auto* block : r.blocks)
        count += block->error_counts[slot].load(std::memory_order_relaxed);
      if (count != 0)
        rows.emplace_back(r.codes[slot], count);
    }
  }
  std::sort(rows.begin(), rows.end());
  for (auto& [code, count] : rows) {
    out += "errorstat_";
    out += code;
    out += ":count=";
    out += std::to_string(count);
    out += "\r\n";
  }
}

void append_latencystats(std::string& out, const command_table& table,
                         std::string_view percentiles) {
  const auto names = words_of(percentiles);
  std::vector<double> values;
  for (auto& name : names)
    values.push_back(std::strtod(name.c_str(), nullptr));
  for_each_row(table, [&](const std::string& name, const command_totals& t) {
    if (t.latency_samples == 0)
      return;
    out += "latency_percentiles_usec_";
    out += name;
    out += ':';
    for (size_t i = 0; i < values.size(); ++i) {
      char value[64];
      std::snprintf(value, sizeof(value), "=%.3f",
                    static_cast<double>(latency::value_at_percentile(t.latency, values[i]))
                        / 1000.0);
      if (i != 0)
        out += ',';
      out += 'p';
      out += names[i];
      out += value;
    }
    out += "\r\n";
  });
}

void reset() {
  auto& r = the_registry();
  std::lock_guard<std::mutex> guard(r.lock);
  for (auto* block : r.blocks) {
    for (auto& slot : block->chunks) {
      auto* chunk = slot.load(std::memory_order_acquire);
      if (chunk == nullptr)
        continue;
      for (auto& c : chunk->commands) {
        for (auto* counter : {&c.calls, &c.nanos, &c.rejected, &c.failed})
          counter->store(0, std::memory_order_relaxed);
        if (auto* buckets = c.latency.load(std::memory_order_acquire))
          for (auto& n : buckets->counts)
            n.store(0, std::memory_order_relaxed);
      }
    }
    for (auto& n : block->error_counts)
      n.store(0, std::memory_order_relaxed);
    block->error_replies.store(0, std::memory_order_relaxed);
  }
  r.codes.clear();
  r.generation.fetch_add(1, std::memory_order_release);
}

} // namespace actis::commands::stats
