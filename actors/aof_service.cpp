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

/// The writer's durability announcement, on its thread: every loop
/// manager flushes the replies the seq now covers.
void announce_durable(uint64_t seq) {
  aof_runtime::instance().raise_durable(seq);
  for (auto& loop : server::instance().loops)
    if (loop->manager)
      caf::anon_send(loop->manager, aof_durable_atom::value, seq);
}

} // namespace

aof_runtime& aof_runtime::instance() {
  static aof_runtime runtime;
  return runtime;
}

void aof_runtime::raise_durable(uint64_t seq) {
  if (seq <= durable_seq.load())
    return;
  {
    // Under the lock, so a waiter between its check and its sleep cannot
    // miss the change.
    std::lock_guard lock(durable_mutex_);
    durable_seq.store(seq, std::memory_order_release);
  }
  if (durable_waiters_.load() > 0)
    durable_changed_.notify_all();
}

bool aof_runtime::wait_durable(uint64_t seq, std::chrono::microseconds limit) {
  std::unique_lock lock(durable_mutex_);
  ++durable_waiters_;
  bool durable = durable_changed_.wait_for(lock, limit, [&] {
    return durable_seq.load(std::memory_order_acquire) >= seq;
  });
  --durable_waiters_;
  return durable;
}

caf::actor aof_runtime::writer() const {
  std::lock_guard lock(mutex_);
  return writer_;
}

void aof_runtime::set_writer(caf::actor writer) {
  std::lock_guard lock(mutex_);
  writer_ = std::move(writer);
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

namespace {

/// Opens the log of `log_cfg` and makes it the write stream's consumer.
std::string open_writer(caf::actor_system& sys, persistence::aof_log_config log_cfg) {
  auto& rt = aof_runtime::instance();
  log_cfg.log = [](bool warning, std::string_view text) {
    log(warning ? log_level::warning : log_level::notice, std::string(text));
  };
  log_cfg.status = rt.status;
  log_cfg.first_seq = last_write_seq();
  bool always = log_cfg.policy == persistence::fsync_policy::always;
  std::string err;
  auto aof = persistence::aof_log::open(std::move(log_cfg), err);
  if (!aof)
    return err;
  rt.durable_seq = last_write_seq();
  rt.hold_replies = always;
  auto writer = spawn_aof_writer(sys, std::move(aof), announce_durable);
  rt.set_writer(writer);
  connect_write_stream(sys, writer);
  return {};
}

/// Asks `writer` to write and fsync every record up to the last one made
/// (and with `stop` to close the AOF and exit), waiting for the answer.
std::string sync_writer(caf::actor_system& sys, const caf::actor& writer, bool stop,
                        caf::timespan timeout) {
  std::string out;
  caf::scoped_actor self{sys};
  auto on_error = [&out](caf::error& e) { out = caf::to_string(e); };
  auto on_done = [&out](std::string& err, uint64_t) { out = std::move(err); };
  uint64_t up_to = last_write_seq();
  if (stop)
    self->request(writer, timeout, aof_stop_atom::value, up_to).receive(on_done, on_error);
  else
    self->request(writer, timeout, aof_flush_atom::value, up_to).receive(on_done, on_error);
  return out;
}

} // namespace

std::string start_aof(caf::actor_system& sys, persistence::file_system& fs,
                      std::vector<commands::partition_data*>& parts) {
  auto opt = persistence::aof_load_options_from_config();
  auto log_cfg = persistence::aof_log_config_from_config(fs, opt, last_load());
  if (config::registry::instance().get_one("aof-use-rdb-preamble") == "yes")
    log_cfg.write_rdb_base = [&parts](persistence::file_system& f, const std::string& path) {
      return write_rdb_now(f, parts, path);
    };
  return open_writer(sys, std::move(log_cfg));
}

std::string enable_aof_at_cut(caf::actor_system& sys, persistence::file_system& fs) {
  auto opt = persistence::aof_load_options_from_config();
  std::string err;
  persistence::aof_load_result existing;
  auto dir = persistence::aof_dir_path(opt);
  existing.manifest =
      persistence::load_manifest(fs, dir, opt.filename, err).value_or(persistence::aof_manifest{});
  if (!err.empty())
    return err;
  auto log_cfg = persistence::aof_log_config_from_config(fs, opt, existing);
  log_cfg.wait_for_base = true;
  return open_writer(sys, std::move(log_cfg));
}

std::string disable_aof_at_cut(caf::actor_system& sys, caf::timespan timeout) {
  auto& rt = aof_runtime::instance();
  auto writer = rt.writer();
  if (!writer)
    return {};
  disconnect_write_stream();
  rt.set_writer(nullptr);
  rt.status->enabled = false;
  // Nothing is held for an AOF that is no longer kept.
  rt.hold_replies = false;
  auto err = sync_writer(sys, writer, true, timeout);
  for (auto& loop : server::instance().loops)
    if (loop->manager)
      caf::anon_send(loop->manager, aof_durable_atom::value, last_write_seq());
  return err;
}

std::string flush_aof(caf::actor_system& sys, caf::timespan timeout) {
  auto writer = aof_runtime::instance().writer();
  if (!writer)
    return {};
  return sync_writer(sys, writer, false, timeout);
}

void install_aof_config_hooks(caf::actor persistence) {
  auto& cfg = config::registry::instance();
  // The saver switches the AOF on or off with every partition held; the
  // reply comes first, as Redis answers before its rewrite has finished.
  cfg.set_apply_hook("appendonly", [persistence] {
    bool on = config::registry::instance().get_one("appendonly") == "yes";
    // INFO says so at once, as Redis's aof_state does.
    auto& status = *aof_runtime::instance().status;
    if (on && !status.enabled) {
      status.last_write_ok = true;
      status.last_fsync_ok = true;
    }
    status.enabled = on;
    caf::anon_send(persistence, persist_atom::value,
                   static_cast<int32_t>(on ? persist_op::aof_on : persist_op::aof_off));
    return std::string();
  });
  // The writer changes how it fsyncs (leaving always, it releases every
  // held reply) and connections stop holding.
  cfg.set_apply_hook("appendfsync", [] {
    auto& rt = aof_runtime::instance();
    auto value = config::registry::instance().get_one("appendfsync");
    auto writer = rt.writer();
    rt.hold_replies = value == "always" && writer;
    if (writer)
      caf::anon_send(writer, aof_policy_atom::value, value);
    return std::string();
  });
  cfg.set_apply_hook("aof-timestamp-enabled", [] {
    auto on = config::registry::instance().get_one("aof-timestamp-enabled") == "yes";
    if (auto writer = aof_runtime::instance().writer())
      caf::anon_send(writer, aof_timestamps_atom::value, on);
    return std::string();
  });
}

} // namespace actis::actors
