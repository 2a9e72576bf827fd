#include "actors/aof_service.hpp"

#include <cstdlib>

#include "actors/aof_writer.hpp"
#include "actors/log.hpp"
#include "actors/messages.hpp"
#include "actors/rdb_loader.hpp"
#include "actors/rdb_saver.hpp"
#include "actors/server.hpp"
#include "actors/watchdog.hpp"
#include "actors/write_stream.hpp"
#include "commands/command.hpp"
#include "commands/executor.hpp"
#include "config/config.hpp"
#include "datatypes/strutil.hpp"
#include "persistence/aof_loader.hpp"
#include "protocol/reply.hpp"

namespace actis::actors {

namespace {

using datatypes::iequals;

/// What the load found, for start_aof to continue with.
persistence::aof_load_result& last_load() {
  static persistence::aof_load_result result;
  return result;
}

/// Applies the AOF's commands to the partitions as the executor runs them
/// for a client, without a connection and without propagating them again.
class replayer {
public:
  replayer(std::vector<commands::partition_data*>& parts, std::string file)
      : parts_(parts), file_(std::move(file)),
        ks_(parts_, static_cast<uint32_t>(parts_.size()), nullptr, unix_ms()) {}

  std::string apply(const persistence::aof_argv& argv) {
    if (argv.empty())
      return {};
    if (iequals(argv[0], "select")) {
      db_ = std::atoi(argv.size() > 1 ? argv[1].c_str() : "0");
      if (db_ < 0 || db_ >= ks_.databases())
        return "Bad SELECT in the AOF: " + (argv.size() > 1 ? argv[1] : std::string());
      return {};
    }
    if (iequals(argv[0], "multi") || iequals(argv[0], "exec"))
      return {}; // the reader hands over only whole transactions
    auto* spec = commands::table().lookup(argv);
    if (spec == nullptr || spec->handler == nullptr
        || spec->scope == commands::exec_scope::connection
        || spec->scope == commands::exec_scope::summaries)
      return persistence::aof_unknown_command_error(argv[0], file_);
    auto n = static_cast<int>(argv.size());
    if (spec->arity > 0 ? n != spec->arity : n < -spec->arity)
      return "Bad arity of " + argv[0] + " in the AOF " + file_;
    reply_.clear();
    protocol::reply_builder out(reply_, 2);
    ks_.set_now_ms(unix_ms());
    commands::execute(*spec, argv, out, &ks_, db_, nullptr);
    return {};
  }

private:
  std::vector<commands::partition_data*>& parts_;
  std::string file_;
  commands::keyspace ks_;
  int db_ = 0;
  std::string reply_;
};

/// Forwards the writer's durability announcements to every loop.
caf::behavior durability_relay(caf::event_based_actor*) {
  return {
      [](aof_durable_atom, uint64_t seq) {
        auto& durable = aof_runtime::instance().durable_seq;
        if (seq > durable.load())
          durable.store(seq, std::memory_order_release);
        for (auto& loop : server::instance().loops)
          if (loop->manager)
            caf::anon_send(loop->manager, aof_durable_atom::value, seq);
      },
  };
}

} // namespace

aof_runtime& aof_runtime::instance() {
  static aof_runtime runtime;
  return runtime;
}

uint64_t last_write_seq() { return write_stream::next_seq.load(std::memory_order_acquire) - 1; }

std::string load_aof_dataset(persistence::file_system& fs,
                             std::vector<commands::partition_data*>& parts) {
  auto opt = persistence::aof_load_options_from_config();
  replayer replay(parts, opt.filename);
  persistence::aof_read_callbacks cb;
  cb.on_command = [&replay](const persistence::aof_argv& argv) { return replay.apply(argv); };
  cb.on_rdb = [&parts](persistence::byte_source& src, std::string&) {
    return load_rdb_stream(src, "the AOF base", parts).error;
  };
  auto& result = last_load();
  result = persistence::load_aof(fs, opt, cb);
  for (auto& line : result.log)
    log(line.warning ? log_level::warning : log_level::notice, line.text);
  if (result.status == persistence::aof_load_status::failed)
    return "Bad file format reading the append only file " + result.error_file + " at offset "
           + std::to_string(result.error_offset) + ": " + result.error;
  if (result.status == persistence::aof_load_status::ok)
    log(log_level::notice, "DB loaded from append only file: "
                               + std::to_string(result.commands) + " commands");
  return {};
}

std::string start_aof(caf::actor_system& sys, persistence::file_system& fs,
                      std::vector<commands::partition_data*>& parts) {
  auto& cfg = config::registry::instance();
  auto opt = persistence::aof_load_options_from_config();
  auto log_cfg = persistence::aof_log_config_from_config(fs, opt, last_load());
  if (cfg.get_one("aof-use-rdb-preamble") == "yes")
    log_cfg.write_rdb_base = [&parts](persistence::file_system& f, const std::string& path) {
      return write_rdb_now(f, parts, path);
    };
  log_cfg.log = [](bool warning, std::string_view text) {
    log(warning ? log_level::warning : log_level::notice, std::string(text));
  };
  log_cfg.status = std::make_shared<persistence::aof_status>();
  auto status = log_cfg.status;
  bool always = log_cfg.policy == persistence::fsync_policy::always;
  std::string err;
  auto aof = persistence::aof_log::open(std::move(log_cfg), err);
  if (!aof)
    return err;
  status->enabled = true;
  auto& rt = aof_runtime::instance();
  rt.durable_seq = last_write_seq();
  rt.status = status;
  rt.hold_replies = always;
  rt.writer = spawn_aof_writer(sys, std::move(aof), sys.spawn(durability_relay));
  start_write_stream(sys, rt.writer);
  // CONFIG SET of the policy: the writer changes how it fsyncs (leaving
  // always, it releases every held reply) and connections stop holding.
  cfg.set_apply_hook("appendfsync", [] {
    auto& rt = aof_runtime::instance();
    auto value = config::registry::instance().get_one("appendfsync");
    rt.hold_replies = value == "always";
    caf::anon_send(rt.writer, aof_policy_atom::value, value);
    return std::string();
  });
  cfg.set_apply_hook("aof-timestamp-enabled", [] {
    auto on = config::registry::instance().get_one("aof-timestamp-enabled") == "yes";
    caf::anon_send(aof_runtime::instance().writer, aof_timestamps_atom::value, on);
    return std::string();
  });
  return {};
}

void flush_aof(caf::actor_system& sys) {
  auto& rt = aof_runtime::instance();
  if (!rt.writer)
    return;
  caf::scoped_actor self{sys};
  self->request(rt.writer, caf::infinite, aof_flush_atom::value)
      .receive(
          [](std::string& err, uint64_t) {
            if (!err.empty())
              log(log_level::warning, "Error flushing the AOF at shutdown: " + err);
          },
          [](caf::error& e) {
            log(log_level::warning, "Error flushing the AOF at shutdown: " + caf::to_string(e));
          });
}

} // namespace actis::actors
