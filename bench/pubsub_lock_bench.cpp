// What PUBLISH pays to read the process-wide subscription counts
// (actors/pubsub.hpp, pubsub_counts): a std::shared_mutex read lock around a
// hash lookup, alone and while other threads take the same read lock and,
// now and then, the write lock (SUBSCRIBE). Built as actis-pubsub-lockbench.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace {

std::shared_mutex mutex;
std::unordered_map<std::string, std::vector<uint32_t>> table;
std::atomic<bool> stop{false};

/// Nanoseconds per lookup of one channel's counts, under the read lock
/// (what PUBLISH pays) or without it (the hash lookup alone).
template <bool Locked>
double ns_per_lookup(int iterations) {
  std::string channel = "channel:42";
  uint64_t sum = 0;
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < iterations; ++i) {
    std::shared_lock lock(mutex, std::defer_lock);
    if constexpr (Locked)
      lock.lock();
    auto it = table.find(channel);
    if (it != table.end())
      sum += it->second[0];
  }
  auto ns = std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start);
  if (sum == 1)
    std::puts("");
  return ns.count() / iterations;
}

} // namespace

int main() {
  for (int i = 0; i < 1000; ++i)
    table["channel:" + std::to_string(i)] = {1, 0, 0, 0};
  constexpr int n = 5'000'000;
  std::printf("lookup without lock:          %.1f ns\n", ns_per_lookup<false>(n));
  std::printf("shared lock + lookup, alone:  %.1f ns\n", ns_per_lookup<true>(n));
  // Another publisher thread reading, plus a subscriber writing 1000/s.
  std::thread reader([] {
    while (!stop.load())
      ns_per_lookup<true>(1000);
  });
  std::thread writer([] {
    int i = 0;
    while (!stop.load()) {
      {
        std::unique_lock lock(mutex);
        table["sub:" + std::to_string(i++ % 100)] = {1, 0, 0, 0};
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  });
  std::printf("shared lock + lookup, with another reader and 1000 writes/s: %.1f ns\n",
              ns_per_lookup<true>(n));
  stop = true;
  reader.join();
  writer.join();
}
