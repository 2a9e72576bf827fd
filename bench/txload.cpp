// A load generator for what redis-benchmark cannot send: groups of commands
// that belong together (MULTI … EXEC, a script call with its set-up). Each
// client thread owns one connection and sends `pipeline` groups per write,
// then reads exactly as many replies as it sent commands, nested arrays
// included. Prints "<groups per second>" on stdout.
//
//   actis-txload HOST PORT CLIENTS SECONDS PIPELINE 'CMD ARG …' ['CMD …' …]
//
// "__rand__" in an argument becomes a random number below 100000 per group
// (as redis-benchmark's -r), so groups touch many keys and partitions.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

std::vector<std::string> split_words(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> words;
  for (std::string w; in >> w;)
    words.push_back(w);
  return words;
}

std::string encode(const std::vector<std::string>& argv, unsigned rand_value) {
  std::string out = "*" + std::to_string(argv.size()) + "\r\n";
  for (auto arg : argv) {
    for (auto pos = arg.find("__rand__"); pos != std::string::npos; pos = arg.find("__rand__"))
      arg.replace(pos, 8, std::to_string(rand_value));
    out += "$" + std::to_string(arg.size()) + "\r\n" + arg + "\r\n";
  }
  return out;
}

/// Reads replies from a socket, counting complete top-level ones.
class reply_reader {
public:
  explicit reply_reader(int fd) : fd_(fd) {}

  /// Blocks until `n` replies were read; false if the connection failed or
  /// a reply was an error.
  bool read(size_t n, bool& saw_error) {
    while (n > 0) {
      size_t used = 0;
      while (n > 0 && skip_one(pos_, used, saw_error)) {
        pos_ += used;
        --n;
      }
      if (n == 0)
        break;
      buf_.erase(0, pos_);
      pos_ = 0;
      char chunk[65536];
      auto got = ::recv(fd_, chunk, sizeof chunk, 0);
      if (got <= 0)
        return false;
      buf_.append(chunk, static_cast<size_t>(got));
    }
    return true;
  }

private:
  /// Skips one reply starting at `at`: true and its length in `used` if it
  /// is complete.
  bool skip_one(size_t at, size_t& used, bool& saw_error) {
    auto eol = buf_.find("\r\n", at);
    if (eol == std::string::npos)
      return false;
    char type = buf_[at];
    size_t end = eol + 2;
    if (type == '-')
      saw_error = true;
    if (type == '$') {
      long len = std::atol(buf_.c_str() + at + 1);
      if (len >= 0) {
        end += static_cast<size_t>(len) + 2;
        if (end > buf_.size())
          return false;
      }
    } else if (type == '*') {
      long count = std::atol(buf_.c_str() + at + 1);
      for (long i = 0; i < count; ++i) {
        size_t inner = 0;
        if (!skip_one(end, inner, saw_error))
          return false;
        end += inner;
      }
    }
    used = end - at;
    return true;
  }

  int fd_;
  std::string buf_;
  size_t pos_ = 0;
};

int connect_to(const char* host, int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  ::inet_pton(AF_INET, host, &addr.sin_addr);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    std::perror("connect");
    std::exit(2);
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

} // namespace

int main(int argc, char** argv) {
  if (argc < 7) {
    std::fprintf(stderr, "usage: %s HOST PORT CLIENTS SECONDS PIPELINE 'CMD …' …\n", argv[0]);
    return 2;
  }
  const char* host = argv[1];
  int port = std::atoi(argv[2]);
  int clients = std::atoi(argv[3]);
  double seconds = std::atof(argv[4]);
  int pipeline = std::atoi(argv[5]);
  std::vector<std::vector<std::string>> group;
  for (int i = 6; i < argc; ++i)
    group.push_back(split_words(argv[i]));

  std::atomic<bool> stop{false};
  std::atomic<uint64_t> groups_done{0};
  std::atomic<bool> failed{false};
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      int fd = connect_to(host, port);
      reply_reader reader(fd);
      std::mt19937 rng(static_cast<unsigned>(c + 1));
      while (!stop.load(std::memory_order_relaxed)) {
        std::string out;
        for (int p = 0; p < pipeline; ++p) {
          auto r = static_cast<unsigned>(rng() % 100000);
          for (auto& cmd : group)
            out += encode(cmd, r);
        }
        for (size_t sent = 0; sent < out.size();) {
          auto n = ::send(fd, out.data() + sent, out.size() - sent, MSG_NOSIGNAL);
          if (n <= 0) {
            failed = true;
            return;
          }
          sent += static_cast<size_t>(n);
        }
        bool saw_error = false;
        if (!reader.read(group.size() * static_cast<size_t>(pipeline), saw_error) || saw_error) {
          failed = true;
          stop = true;
          return;
        }
        groups_done.fetch_add(static_cast<uint64_t>(pipeline), std::memory_order_relaxed);
      }
      ::close(fd);
    });
  }
  auto start = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  auto counted = groups_done.load();
  auto elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  stop = true;
  for (auto& t : threads)
    t.join();
  if (failed) {
    std::fprintf(stderr, "a connection failed or a reply was an error\n");
    return 1;
  }
  std::printf("%.0f\n", static_cast<double>(counted) / elapsed);
  return 0;
}
