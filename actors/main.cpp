// actis-server: a Redis 7.0 compatible server on CAF actors.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include <unistd.h>

#include "actors/aof_service.hpp"
#include "actors/families.hpp"
#include "actors/log.hpp"
#include "actors/loop.hpp"
#include "actors/partition.hpp"
#include "actors/rdb_loader.hpp"
#include "actors/rdb_saver.hpp"
#include "actors/server.hpp"
#include "commands/command.hpp"
#include "commands/memory_ops.hpp"
#include "config/config.hpp"
#include "persistence/file_io.hpp"

namespace {

using namespace actis;

std::string random_hex(size_t n) {
  std::random_device rd;
  std::mt19937_64 gen(rd());
  static constexpr char digits[] = "0123456789abcdef";
  std::string s(n, '0');
  for (auto& c : s)
    c = digits[gen() % 16];
  return s;
}

std::vector<std::string> split_words(const std::string& s) {
  std::istringstream in(s);
  std::vector<std::string> out;
  for (std::string w; in >> w;)
    out.push_back(w);
  return out;
}

/// The default number of event loops for `cores` cores. Measured on a
/// 2-core machine (bench/run.py, docs/ARCHITECTURE.md "Scaling"): one loop
/// beats two there, because every switch of a pipelined client between
/// partitions costs a cross-loop message and the clients need a core too.
/// Above that, one core is left to the kernel's network stack and the
/// background threads, as the scaling model suggests.
uint32_t default_loop_count(unsigned cores) {
  return cores <= 2 ? 1 : cores - 1;
}

uint32_t loop_count(config::registry& cfg) {
  auto threads = std::atoi(cfg.get_one("threads").c_str());
  if (threads > 0)
    return static_cast<uint32_t>(threads);
  return default_loop_count(std::thread::hardware_concurrency());
}

} // namespace

int main(int argc, char** argv) {
  actors::register_all_commands();
  config::registry::instance().set_command_lookup(
      [](std::string_view name) { return commands::table().find(name) != nullptr; });
  std::string error;
  bool exit_now = false;
  if (!config::parse_command_line(argc, argv, error, exit_now)) {
    std::fprintf(stderr, "%s\n", error.c_str());
    return 1;
  }
  if (exit_now)
    return 0;
  auto& cfg = config::registry::instance();
  if (!actors::open_log(cfg.get_one("logfile"))) {
    std::fprintf(stderr, "Can't open the log file: %s\n", cfg.get_one("logfile").c_str());
    return 1;
  }
  auto dir = cfg.get_one("dir");
  if (!dir.empty() && chdir(dir.c_str()) != 0) {
    actors::log(actors::log_level::warning, "Can't chdir to '" + dir + "'");
    return 1;
  }
  // Signals are taken by this thread only (sigwait below): block them before
  // any loop thread exists so the threads inherit the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  auto& srv = actors::server::instance();
  srv.run_id = random_hex(40);
  srv.start_ms = actors::unix_ms();
  srv.port = static_cast<uint16_t>(std::atoi(cfg.get_one("port").c_str()));
  srv.executable = argv[0];
  srv.config_file = cfg.config_file();

  actors::loop_settings settings;
  settings.loops = loop_count(cfg);
  settings.port = srv.port;
  settings.bind_addresses = split_words(cfg.get_one("bind"));
  if (settings.bind_addresses.empty())
    settings.bind_addresses = {"*"};
  actors::log(actors::log_level::notice, "oO0OoO0OoO0Oo actis is starting oO0OoO0OoO0Oo");
  // Enforced by the connections (AUTH / HELLO AUTH for the default user).
  cfg.mark_implemented("requirepass");
  cfg.mark_implemented("protected-mode");
  for (auto name : {"save", "dbfilename", "rdbcompression", "rdbchecksum",
                    "stop-writes-on-bgsave-error", "rdb-save-incremental-fsync", "appendonly",
                    "appendfsync", "appenddirname", "appendfilename", "aof-load-truncated",
                    "aof-use-rdb-preamble", "aof-timestamp-enabled", "aof-disable-auto-gc",
                    "auto-aof-rewrite-percentage", "auto-aof-rewrite-min-size"})
    cfg.mark_implemented(name);
  if (auto warning = cfg.adjust_open_files_limit(); !warning.empty())
    actors::log(actors::log_level::warning, warning);
  for (auto& name : cfg.accepted_but_inactive())
    actors::log(actors::log_level::warning,
                "Config directive '" + name
                    + "' is accepted and reported by CONFIG GET but has no effect in actis yet");
  auto& fs = persistence::file_system::posix();
  caf::actor_system* services = nullptr;
  settings.start_services = [&fs, &services](caf::actor_system& sys) {
    services = &sys;
    actors::install_aof_config_hooks(actors::spawn_rdb_saver(sys, fs));
    return std::string();
  };
  // Before any data is loaded: MEMORY STATS's startup.allocated.
  commands::record_startup_memory();
  // Clients accepted before the dataset is in get LOADING.
  srv.loading = true;
  if (auto err = actors::start_loops(settings); !err.empty()) {
    actors::log(actors::log_level::warning, err);
    return 1;
  }
  auto pidfile = cfg.get_one("pidfile");
  if (!pidfile.empty())
    std::ofstream(pidfile) << getpid() << "\n";
  actors::log(actors::log_level::notice,
              "Server initialized, " + std::to_string(settings.loops) + " event loops");
  // The dataset loads on a thread of its own so that this one takes
  // signals meanwhile: a shutdown during loading exits at once.
  bool aof = cfg.get_one("appendonly") == "yes";
  std::thread([services, aof] {
    if (auto err = actors::load_dataset(*services, aof); !err.empty()) {
      actors::log(actors::log_level::warning, err);
      std::_Exit(1); // the loops run already: no orderly teardown to wait for
    }
    actors::log(actors::log_level::notice, "Ready to accept connections tcp");
  }).detach();

  // A signal stops the server after the save the configuration asks for;
  // when that save fails the server keeps running, as Redis does.
  for (;;) {
    int sig = 0;
    sigwait(&signals, &sig);
    if (srv.loading.load()) {
      // As Redis: nothing is saved over the files being loaded, and the AOF
      // is not open yet.
      actors::log(actors::log_level::warning,
                  "Received shutdown signal during loading, exiting now.");
      break;
    }
    if (!srv.shutdown_saved)
      actors::log(actors::log_level::warning, sig == SIGINT
                                                  ? "Received SIGINT scheduling shutdown..."
                                                  : "Received SIGTERM scheduling shutdown...");
    if (auto err = actors::flush_aof(*services, std::chrono::seconds(10)); !err.empty())
      actors::log(actors::log_level::warning, "Error flushing the AOF at shutdown: " + err);
    if (srv.shutdown_saved || cfg.get_one("save").empty())
      break;
    actors::log(actors::log_level::notice, "Saving the final RDB snapshot before exiting.");
    if (actors::save_now(*services))
      break;
    actors::log(actors::log_level::warning, "Error trying to save the DB, can't exit.");
    actors::log(actors::log_level::warning,
                "SIGTERM received but errors trying to shut down the server, check the logs "
                "for more information");
  }
  if (!pidfile.empty())
    unlink(pidfile.c_str());
  actors::log(actors::log_level::warning, "actis is now ready to exit, bye bye...");
  // Everything promised is on disk: exit without tearing down actor systems.
  std::_Exit(0);
}
