#include "actors/log.hpp"

#include <sys/time.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <mutex>

#include "config/config.hpp"

namespace actis::actors {

namespace {

std::mutex log_mutex;
FILE* log_file = stdout;

} // namespace

bool open_log(const std::string& path) {
  if (path.empty())
    return true;
  FILE* f = std::fopen(path.c_str(), "a");
  if (f == nullptr)
    return false;
  log_file = f;
  return true;
}

void log(log_level level, std::string_view text) {
  if (static_cast<int>(level) < config::live().loglevel.load(std::memory_order_relaxed))
    return;
  timeval tv{};
  gettimeofday(&tv, nullptr);
  tm local{};
  localtime_r(&tv.tv_sec, &local);
  char stamp[64];
  auto n = std::strftime(stamp, sizeof(stamp), "%d %b %Y %H:%M:%S", &local);
  static constexpr char marks[] = {'.', '-', '*', '#'};
  std::lock_guard<std::mutex> guard(log_mutex);
  std::fprintf(log_file, "%d:M %.*s.%03d %c %.*s\n", static_cast<int>(getpid()),
               static_cast<int>(n), stamp, static_cast<int>(tv.tv_usec / 1000),
               marks[static_cast<int>(level)], static_cast<int>(text.size()), text.data());
  std::fflush(log_file);
}

} // namespace actis::actors
