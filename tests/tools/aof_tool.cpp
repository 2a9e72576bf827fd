// A small driver of the AOF code for tests/integration/test_aof_files.py,
// so real redis-server and redis-check-aof can be checked against actis's
// files without the server's start-up wiring:
//   actis-aof-tool write DIR POLICY [--timestamps] [--rewrite-at N]
//       stdin: one record per line, "<db> <arg> <arg>..." (config quoting);
//       appends them to DIR/appendonlydir as the writer does; at record N a
//       rewrite rotates the incr file and installs a base of records 1..N.
//   actis-aof-tool load DIR [--strict]
//       loads DIR/appendonlydir (or an old DIR/appendonly.aof); prints the
//       commands as RESP on stdout, the log on stderr; exit 1 on failure.
//       --strict: aof-load-truncated no. An RDB base is skipped whole.
//       --count: print nothing but the count (load speed).
//   actis-aof-tool bench DIR POLICY RECORDS BATCH
//       appends RECORDS "SET key:<i> <16 bytes>" records in flushes of
//       BATCH (one group commit each) and prints the rate.
#include <algorithm>
#include <chrono>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "config/syntax.hpp"
#include "persistence/aof_loader.hpp"
#include "persistence/aof_log.hpp"

using namespace actis::persistence;

namespace {

void print_log(bool warning, std::string_view text) {
  std::cerr << (warning ? "# " : "* ") << text << "\n";
}

int write_mode(const std::string& dir, const std::string& policy_name, bool timestamps,
               long rewrite_at) {
  file_system& fs = file_system::posix();
  aof_load_options lo;
  lo.dir = dir;
  auto loaded = load_aof(fs, lo, {});
  if (loaded.status == aof_load_status::failed) {
    std::cerr << loaded.error << "\n";
    return 1;
  }
  aof_log_config cfg;
  cfg.fs = &fs;
  cfg.dir = aof_dir_path(lo);
  cfg.timestamps = timestamps;
  cfg.manifest = loaded.manifest;
  cfg.loaded_size = loaded.total_size;
  cfg.log = print_log;
  if (!parse_fsync_policy(policy_name, cfg.policy)) {
    std::cerr << "bad policy\n";
    return 2;
  }
  std::string err;
  auto log = aof_log::open(cfg, err);
  if (!log) {
    std::cerr << err << "\n";
    return 1;
  }
  std::string line;
  std::vector<std::pair<int, aof_argv>> so_far;
  uint64_t seq = 0;
  while (std::getline(std::cin, line)) {
    std::vector<std::string> words;
    if (!actis::config::detail::split_args(line, words) || words.size() < 2)
      continue;
    int db = std::stoi(words[0]);
    aof_argv argv(words.begin() + 1, words.end());
    log->add(++seq, db, argv, static_cast<int64_t>(::time(nullptr)));
    log->flush(0, true);
    so_far.emplace_back(db, argv);
    if (static_cast<long>(seq) == rewrite_at) {
      if (err = log->start_rewrite(0, 0); !err.empty()) {
        std::cerr << err << "\n";
        return 1;
      }
      aof_encoder enc;
      std::string base;
      for (auto& [d, a] : so_far)
        enc.append(base, d, a);
      std::string temp = join_path(cfg.dir, "temp-rewriteaof-bg.aof");
      if (!replace_file(fs, temp, "base", base, err) ||
          !(err = log->finish_rewrite(temp, false, 0)).empty()) {
        std::cerr << err << "\n";
        return 1;
      }
    }
  }
  err = log->flush_and_sync(0);
  if (!err.empty()) {
    std::cerr << err << "\n";
    return 1;
  }
  return 0;
}

int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

int bench_mode(const std::string& dir, const std::string& policy_name, long records, long batch) {
  aof_log_config cfg;
  cfg.fs = &file_system::posix();
  cfg.dir = join_path(dir, "appendonlydir");
  if (!parse_fsync_policy(policy_name, cfg.policy))
    return 2;
  std::string err;
  auto log = aof_log::open(cfg, err);
  if (!log) {
    std::cerr << err << "\n";
    return 1;
  }
  auto start = std::chrono::steady_clock::now();
  uint64_t seq = 0;
  long flushes = 0;
  while (static_cast<long>(seq) < records) {
    for (long i = 0; i < batch && static_cast<long>(seq) < records; ++i) {
      ++seq;
      log->add(seq, 0, {"SET", "key:" + std::to_string(seq), "0123456789abcdef"}, 0);
    }
    log->flush(steady_ms(), false);
    ++flushes;
  }
  err = log->flush_and_sync(steady_ms());
  std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  std::cout << policy_name << " batch " << batch << ": " << records << " records in "
            << took.count() << " s = " << static_cast<long>(records / took.count())
            << " records/s, " << static_cast<long>(flushes / took.count()) << " flushes/s, "
            << log->status().current_size.load() << " bytes" << (err.empty() ? "" : " ERROR ")
            << err << "\n";
  return err.empty() ? 0 : 1;
}

int load_mode(const std::string& dir, bool strict, bool count_only) {
  aof_load_options lo;
  lo.dir = dir;
  lo.load_truncated = !strict;
  aof_read_callbacks cb;
  std::string out;
  cb.on_command = [&](const aof_argv& argv) {
    if (!count_only)
      append_resp_command(out, argv);
    return std::string();
  };
  cb.on_rdb = [](byte_source& src, std::string&) {
    char buf[4096];
    uint64_t n = 0;
    while (size_t got = src.read(buf, sizeof buf))
      n += got;
    std::cerr << "* skipped an RDB of " << n << " bytes\n";
    return std::string();
  };
  auto r = load_aof(file_system::posix(), lo, cb);
  for (auto& l : r.log)
    print_log(l.warning, l.text);
  std::cout << out;
  if (r.status == aof_load_status::failed) {
    std::cerr << "FAILED " << r.error_file << " offset " << r.error_offset << ": " << r.error
              << "\n";
    return 1;
  }
  std::cerr << "commands " << r.commands << " size " << r.total_size << "\n";
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() >= 3 && args[0] == "write") {
    bool timestamps = false;
    long rewrite_at = -1;
    for (size_t i = 3; i < args.size(); ++i) {
      if (args[i] == "--timestamps")
        timestamps = true;
      else if (args[i] == "--rewrite-at" && i + 1 < args.size())
        rewrite_at = std::stol(args[++i]);
    }
    return write_mode(args[1], args[2], timestamps, rewrite_at);
  }
  if (args.size() >= 2 && args[0] == "load") {
    auto has = [&](const char* flag) {
      return std::find(args.begin() + 2, args.end(), flag) != args.end();
    };
    return load_mode(args[1], has("--strict"), has("--count"));
  }
  if (args.size() == 5 && args[0] == "bench")
    return bench_mode(args[1], args[2], std::stol(args[3]), std::stol(args[4]));
  std::cerr << "usage: actis-aof-tool write DIR POLICY [--timestamps] [--rewrite-at N]\n"
               "       actis-aof-tool load DIR [--strict]\n";
  return 2;
}
