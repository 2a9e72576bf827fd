#include "actors/rdb_saver.hpp"
#include "actors/rdb_saver_internal.hpp"

#include <chrono>
#include <cstdlib>
#include <limits>
#include <memory>
#include <sstream>
#include <utility>
#include <vector>

#include <unistd.h>

#include "actors/aof_service.hpp"
#include "actors/fan_out.hpp"
#include "actors/log.hpp"
#include "actors/messages.hpp"
#include "actors/server.hpp"
#include "actors/transaction.hpp"
#include "commands/snapshot.hpp"
#include "config/config.hpp"
#include "persistence/aof_format.hpp"
#include "persistence/aof_rewrite.hpp"
#include "persistence/rdb_format.hpp"
#include "persistence/rdb_string.hpp"
#include "scripting/functions.hpp"

namespace actis::actors {

using namespace saver_detail;

namespace {

/// Redis's CONFIG_BGSAVE_RETRY_DELAY: after a failed save, save points wait
/// this long before trying again.
constexpr int64_t retry_delay_ms = 5000;
/// rdb-save-incremental-fsync: fsync every this many bytes so the final
/// fsync does not meet gigabytes of dirty pages at once.
constexpr uint64_t incremental_fsync_bytes = 4 * 1024 * 1024;

const std::string in_progress_reply = "-ERR Background save already in progress\r\n";
const std::string started_reply = "+Background saving started\r\n";

struct save_point {
  int64_t seconds;
  uint64_t changes;
};

std::vector<save_point> save_points() {
  std::istringstream in(config::registry::instance().get_one("save"));
  std::vector<save_point> points;
  save_point p{};
  while (in >> p.seconds >> p.changes)
    points.push_back(p);
  return points;
}

void append(running_save& run, std::string_view bytes) {
  if (run.failed || bytes.empty())
    return;
  run.crc = persistence::crc64(run.crc, bytes);
  if (!run.file->append(bytes)) {
    run.failed = true;
    run.error = run.file->error();
    return;
  }
  run.unsynced += bytes.size();
  if (run.unsynced >= incremental_fsync_bytes) {
    run.unsynced = 0;
    if (!run.file->sync()) {
      run.failed = true;
      run.error = run.file->error();
    }
  }
}

/// The file's opening: header, aux fields and the function libraries; for
/// a base of commands, the libraries as FUNCTION LOAD (after a timestamp
/// annotation with aof-timestamp-enabled, as Redis opens its base).
std::string preamble(bool commands) {
  std::string out;
  if (commands) {
    if (config::registry::instance().get_one("aof-timestamp-enabled") == "yes")
      persistence::append_timestamp_annotation(out, unix_ms() / 1000);
    for (auto& lib : scripting::library_registry::instance().snapshot())
      persistence::put_function_command(out, lib.code);
    return out;
  }
  persistence::put_header(out);
  persistence::put_aux(out, "redis-ver", config::redis_version);
  persistence::put_aux(out, "redis-bits", 64);
  persistence::put_aux(out, "ctime", unix_ms() / 1000);
  persistence::put_aux(out, "used-mem", 0);
  persistence::put_aux(out, "aof-base", 0);
  for (auto& lib : scripting::library_registry::instance().snapshot())
    persistence::put_function(out, lib.code);
  return out;
}

} // namespace

namespace saver_detail {

std::string rdb_path() { return config::registry::instance().get_one("dbfilename"); }

std::vector<partition_ref> all_partitions() {
  auto& srv = server::instance();
  std::vector<partition_ref> refs;
  for (uint32_t i = 0; i < srv.partition_count(); ++i)
    refs.push_back(partition_ref{i, srv.partitions[i].actor, srv.partitions[i].data.get()});
  return refs;
}

void commit(running_save& run, persistence::file_system& fs) {
  if (run.failed)
    return;
  std::string tail;
  if (!run.commands_base) {
    persistence::put_eof(tail);
    uint64_t crc = persistence::crc64(run.crc, tail);
    if (config::registry::instance().get_one("rdbchecksum") != "yes")
      crc = 0;
    persistence::put_le(tail, crc, 8);
  }
  std::string err;
  if (!run.file->append(tail) || !run.file->sync() || !run.file->close()) {
    run.failed = true;
    run.error = run.file->error();
  } else if (!run.aof_base && (!fs.rename(run.temp_path, run.target_path, err) ||
                               !fs.sync_dir(persistence::dir_of(run.target_path), err))) {
    run.failed = true;
    run.error = err;
  }
}

void record_outcome(running_save& run, persistence::file_system& fs) {
  auto& status = rdb_status::instance();
  auto now = unix_ms();
  status.in_progress = false;
  status.last_ok = !run.failed;
  status.last_duration_s = (now - run.started_ms) / 1000;
  if (run.failed) {
    log(log_level::warning, "Write error saving DB on disk: " + run.error);
    std::string ignored;
    fs.remove(run.temp_path, ignored);
  } else {
    status.last_save_s = now / 1000;
    status.dirty_at_last_save = run.dirty_at_cut;
    status.saves.fetch_add(1);
    log(log_level::notice, "DB saved on disk");
  }
}

std::unique_ptr<running_save> open_save(persistence::file_system& fs, const std::string& target) {
  auto run = std::make_unique<running_save>();
  run->aof_base = target.empty();
  run->commands_base =
      run->aof_base && config::registry::instance().get_one("aof-use-rdb-preamble") != "yes";
  run->target_path = target;
  auto pid = std::to_string(::getpid());
  run->temp_path = run->aof_base ? "temp-rewriteaof-bg-" + pid + ".aof"
                                 : persistence::join_path(persistence::dir_of(target),
                                                          "temp-" + pid + ".rdb");
  run->started_ms = unix_ms();
  std::string err;
  run->file = fs.open_append(run->temp_path, true, err);
  if (!run->file) {
    log(log_level::warning, "Failed opening the temp RDB file " + run->temp_path
                                + " (in server root dir "
                                + persistence::dir_of(run->temp_path) + ") for saving: " + err);
    return nullptr;
  }
  append(*run, preamble(run->commands_base));
  return run;
}

commands::snapshot_encoding snapshot_encoding_of(const running_save& run) {
  if (run.commands_base)
    return commands::snapshot_encoding::aof_commands;
  return config::registry::instance().get_one("rdbcompression") == "yes"
             ? commands::snapshot_encoding::rdb_compressed
             : commands::snapshot_encoding::rdb;
}

void save_all_now(running_save& run, std::vector<commands::partition_data*>& parts) {
  auto encoding = snapshot_encoding_of(run);
  for (auto* p : parts) {
    if (p == nullptr)
      continue;
    commands::partition_snapshot snapshot(*p, encoding);
    run.dirty_at_cut += p->stats.dirty;
    while (!snapshot.done())
      append(run, snapshot.next_chunk(std::numeric_limits<size_t>::max()));
  }
}

} // namespace saver_detail

namespace {

void finish(saver_actor* self);
bool start(saver_actor* self, bool aof_base, bool enables_aof = false);

/// A rewrite that could not start or did not complete.
void aof_rewrite_failed(const std::string& why) {
  log(log_level::warning, "Background AOF rewrite failed: " + why);
  auto& status = aof_runtime::instance().status;
  status->last_rewrite_ok = false;
  status->rewrite_failures.fetch_add(1);
}

/// At the cut of a rewrite (every partition held, so no change can be
/// numbered meanwhile): the writer ends the current incr file after record
/// `cut` and starts a new one for what follows.
void cut_aof(saver_actor* self, uint64_t cut) {
  self->request(aof_runtime::instance().writer(), caf::infinite, aof_rewrite_start_atom::value,
                cut)
      .then(
          [self](std::string& err, uint64_t) {
            auto* run = self->state.current.get();
            if (!err.empty()) {
              run->failed = true;
              run->error = err;
            }
            run->rotated = true;
            if (run->finish_pending)
              finish(self);
          },
          [self](caf::error& e) {
            auto* run = self->state.current.get();
            run->failed = true;
            run->error = caf::to_string(e);
            run->rotated = true;
            if (run->finish_pending)
              finish(self);
          });
}

void ask_chunk(saver_actor* self, const partition_ref& ref) {
  self->request(ref.actor, caf::infinite, snapshot_chunk_atom::value)
      .then(
          [self, ref](std::string& bytes, bool done) {
            auto* run = self->state.current.get();
            append(*run, bytes);
            if (run->failed) {
              // The partition drops its share; the others are told in finish().
              self->send(ref.actor, snapshot_abandon_atom::value);
              done = true;
            }
            if (!done)
              ask_chunk(self, ref);
            else if (--run->partitions_left == 0)
              finish(self);
          },
          [self, ref](caf::error& err) {
            auto* run = self->state.current.get();
            run->failed = true;
            run->error = caf::to_string(err);
            if (--run->partitions_left == 0)
              finish(self);
          });
}

/// The status of a rewrite done without an open AOF (appendonly no).
void record_rewrite_without_log(running_save& run) {
  auto& status = *aof_runtime::instance().status;
  status.rewrite_in_progress = false;
  status.rewrite_start_ms = 0;
  if (run.failed) {
    aof_rewrite_failed(run.error);
    return;
  }
  status.last_rewrite_time_sec = (unix_ms() - run.started_ms) / 1000;
  status.rewrites.fetch_add(1);
  status.rewrite_failures = 0;
  status.last_rewrite_ok = true;
  log(log_level::notice, "Background AOF rewrite finished successfully");
}

/// Hands a finished AOF base to the writer, which makes it the base; with
/// appendonly off it becomes the directory's base without one.
void finish_aof_base(saver_actor* self, running_save& run) {
  auto& st = self->state;
  auto writer = aof_runtime::instance().writer();
  if (run.cancelled || run.failed) {
    std::string ignored;
    st.fs->remove(run.temp_path, ignored);
    if (run.cancelled) {
      log(log_level::notice, "Background AOF rewrite terminated: appendonly was turned off");
      return;
    }
  }
  if (!writer) {
    if (!run.failed) {
      auto opt = persistence::aof_load_options_from_config();
      run.error = persistence::install_base_without_log(
          *st.fs, persistence::aof_dir_path(opt), opt.filename, run.temp_path,
          !run.commands_base,
          config::registry::instance().get_one("aof-disable-auto-gc") != "yes");
      run.failed = !run.error.empty();
    }
    record_rewrite_without_log(run);
    return;
  }
  if (run.failed) {
    self->send(writer, aof_rewrite_abort_atom::value);
    aof_rewrite_failed(run.error);
    return;
  }
  bool enables_aof = run.enables_aof;
  self->request(writer, caf::infinite, aof_rewrite_finish_atom::value, run.temp_path,
                !run.commands_base)
      .then(
          [self, enables_aof](std::string& err) {
            if (err.empty()) {
              log(log_level::notice, "Background AOF rewrite finished successfully");
              if (enables_aof)
                self->state.aof_base_missing = false;
            } else {
              aof_rewrite_failed(err);
            }
          },
          [](caf::error& e) { aof_rewrite_failed(caf::to_string(e)); });
}

void finish(saver_actor* self) {
  auto& st = self->state;
  if (st.current->aof_base && !st.current->rotated) {
    st.current->finish_pending = true; // cut_aof's answer finishes it
    return;
  }
  auto run = std::move(st.current);
  commit(*run, *st.fs);
  if (run->aof_base)
    finish_aof_base(self, *run);
  else
    record_outcome(*run, *st.fs);
  for (auto& w : run->waiters)
    w.deliver(run->failed ? failed_reply : ok_reply);
  for (auto& w : run->cut_waiters) // the cut itself failed
    w.deliver(failed_reply);
  if (st.aof_on_scheduled) {
    st.aof_on_scheduled = false;
    start(self, true, true);
  } else if (st.rewrite_scheduled) {
    st.rewrite_scheduled = false;
    start(self, true);
  } else if (!st.queued_save_waiters.empty() || st.scheduled) {
    st.scheduled = false;
    auto waiters = std::move(st.queued_save_waiters);
    st.queued_save_waiters.clear();
    if (!start(self, false)) {
      for (auto& w : waiters)
        w.deliver(failed_reply);
      return;
    }
    st.current->waiters = std::move(waiters);
  }
}

/// Starts a snapshot into dbfilename, or with `aof_base` the base of a
/// BGREWRITEAOF; false (and nothing running) if the file cannot be created.
bool start(saver_actor* self, bool aof_base, bool enables_aof) {
  auto& st = self->state;
  auto& status = rdb_status::instance();
  st.last_try_ms = unix_ms();
  auto run = open_save(*st.fs, aof_base ? std::string() : rdb_path());
  if (!run) {
    if (aof_base)
      aof_rewrite_failed("cannot create the temporary file");
    else
      status.last_ok = false;
    return false;
  }
  if (!aof_base) {
    status.in_progress = true;
    status.current_start_ms = run->started_ms;
  } else if (!aof_runtime::instance().writer() && !enables_aof) {
    auto& aof = *aof_runtime::instance().status;
    aof.rewrite_in_progress = true;
    aof.rewrite_start_ms = run->started_ms;
  }
  run->enables_aof = enables_aof;
  st.current = std::move(run);
  auto refs = all_partitions();
  auto encoding = snapshot_encoding_of(*st.current);
  hold_and_run(
      self, refs, server::instance().partition_count(), st.watchdog,
      [self, refs, encoding](std::vector<commands::partition_data*>& parts) {
        auto* run = self->state.current.get();
        if (run->enables_aof) {
          auto err = run->cancelled ? std::string("appendonly was turned off")
                                    : enable_aof_at_cut(self->system(), *self->state.fs);
          if (!err.empty()) {
            if (!run->cancelled) {
              log(log_level::warning, "Unable to turn on AOF: " + err);
              aof_runtime::instance().status->enabled = false;
            }
            run->failed = true;
            run->error = err;
            run->rotated = true;
            run->partitions_left = 0;
            finish(self);
            return;
          }
          self->state.aof_base_missing = true;
        }
        uint64_t keys = 0;
        for (auto* p : parts) {
          p->snapshot = std::make_unique<commands::partition_snapshot>(*p, encoding);
          keys += p->snapshot->keys_total();
          run->dirty_at_cut += p->stats.dirty;
        }
        if (run->aof_base && aof_runtime::instance().writer())
          cut_aof(self, last_write_seq());
        else if (run->aof_base)
          run->rotated = true; // appendonly no: no incr file to end
        else
          rdb_status::instance().keys_total = keys;
        for (auto& w : run->cut_waiters)
          w.deliver(started_reply);
        run->cut_waiters.clear();
        run->partitions_left = refs.size();
        for (auto& ref : refs)
          ask_chunk(self, ref);
      },
      [self](uint32_t partition, const caf::error& e) {
        auto* run = self->state.current.get();
        run->failed = true;
        run->error = "partition " + std::to_string(partition) + " did not answer: "
                     + caf::to_string(e);
        run->partitions_left = 0;
        finish(self);
      });
  log(log_level::notice, aof_base ? "Background append only file rewriting started"
                                   : "Background saving started");
  return true;
}

/// serverCron's save points: a snapshot when some point's changes happened
/// within its seconds (retrying a failed save only after retry_delay_ms).
void check_save_points(saver_actor* self) {
  auto& st = self->state;
  auto points = save_points();
  if (points.empty() || st.current || st.summary_in_flight)
    return;
  st.summary_in_flight = true;
  ask_all<commands::partition_summary>(
      self, server::instance().partition_actors(),
      std::function<void(std::vector<commands::partition_summary>&, const fan_out_failure&)>(
          [self, points](std::vector<commands::partition_summary>& sums, const fan_out_failure&) {
            auto& st = self->state;
            st.summary_in_flight = false;
            auto& status = rdb_status::instance();
            uint64_t dirty = 0;
            for (auto& s : sums)
              dirty += s.stats.dirty;
            dirty -= std::min(dirty, status.dirty_at_last_save.load());
            auto now = unix_ms();
            if (st.current || (!status.last_ok && now - st.last_try_ms < retry_delay_ms))
              return;
            for (auto& p : points) {
              if (dirty >= p.changes && now / 1000 - status.last_save_s >= p.seconds) {
                log(log_level::notice, std::to_string(p.changes) + " changes in "
                                           + std::to_string(p.seconds) + " seconds. Saving...");
                start(self, false);
                return;
              }
            }
          }),
      summary_atom::value);
}

/// BGREWRITEAOF: a snapshot cut becomes the AOF's new base.
std::string bgrewriteaof(saver_actor* self) {
  auto& st = self->state;
  if (st.current) {
    if (st.current->aof_base)
      return "-ERR Background append only file rewriting already in progress\r\n";
    st.rewrite_scheduled = true;
    return "+Background append only file rewriting scheduled\r\n";
  }
  if (!start(self, true))
    return failed_reply;
  return "+Background append only file rewriting started\r\n";
}

/// auto-aof-rewrite-percentage / auto-aof-rewrite-min-size, as serverCron:
/// a rewrite once the AOF grew by the percentage over its last base.
void check_aof_growth(saver_actor* self) {
  auto& status = aof_runtime::instance().status;
  auto& st = self->state;
  if (!status->enabled || st.current || st.rewrite_scheduled || st.aof_on_scheduled)
    return;
  if (st.aof_base_missing) {
    if (unix_ms() - st.last_try_ms >= retry_delay_ms)
      start(self, true);
    return;
  }
  auto& cfg = config::registry::instance();
  auto percentage = std::strtoull(cfg.get_one("auto-aof-rewrite-percentage").c_str(), nullptr, 10);
  auto min_size = std::strtoull(cfg.get_one("auto-aof-rewrite-min-size").c_str(), nullptr, 10);
  uint64_t size = status->current_size.load();
  uint64_t base = std::max<uint64_t>(status->base_size.load(), 1);
  if (percentage == 0 || size < min_size || (size - std::min(size, base)) * 100 / base < percentage)
    return;
  if (!status->last_rewrite_ok && unix_ms() - self->state.last_try_ms < retry_delay_ms)
    return;
  log(log_level::notice, "Starting automatic rewriting of AOF on "
                             + std::to_string((size - std::min(size, base)) * 100 / base)
                             + "% growth");
  start(self, true);
}

/// CONFIG SET appendonly yes: a rewrite whose cut starts the AOF (after the
/// save that is running, if any).
void turn_aof_on(saver_actor* self) {
  auto& st = self->state;
  if (st.aof_turning_off) {
    st.aof_on_after_off = true;
    return;
  }
  if (aof_runtime::instance().writer() || st.aof_on_scheduled
      || (st.current && st.current->enables_aof && !st.current->cancelled))
    return;
  if (st.current) {
    st.aof_on_scheduled = true;
    return;
  }
  start(self, true, true);
}

/// CONFIG SET appendonly no: with every partition held, the stream stops
/// and the writer fsyncs and closes the AOF; a rewrite in progress is
/// dropped.
void turn_aof_off(saver_actor* self) {
  auto& st = self->state;
  st.aof_on_scheduled = false;
  st.aof_on_after_off = false;
  st.aof_base_missing = false;
  if (st.aof_turning_off)
    return;
  if (st.current && st.current->aof_base && (aof_runtime::instance().writer()
                                             || st.current->enables_aof))
    st.current->cancelled = true;
  if (!aof_runtime::instance().writer())
    return;
  st.rewrite_scheduled = false;
  st.aof_turning_off = true;
  auto done = [self] {
    auto& st = self->state;
    st.aof_turning_off = false;
    if (std::exchange(st.aof_on_after_off, false))
      turn_aof_on(self);
  };
  hold_and_run(
      self, all_partitions(), server::instance().partition_count(), st.watchdog,
      [self, done](std::vector<commands::partition_data*>&) {
        auto err = disable_aof_at_cut(self->system(), writer_sync_timeout);
        if (!err.empty())
          log(log_level::warning, "Error closing the AOF on appendonly no: " + err);
        done();
      },
      [done](uint32_t partition, const caf::error& e) {
        log(log_level::warning, "appendonly no: partition " + std::to_string(partition)
                                    + " did not answer: " + caf::to_string(e));
        done();
      });
}

caf::behavior rdb_saver(saver_actor* self, persistence::file_system* fs) {
  self->state.fs = fs;
  rdb_status::instance().last_save_s = unix_ms() / 1000;
  self->send(self, tick_atom::value);
  return {
      [self](persist_atom, int32_t op) -> caf::result<std::string> {
        auto& st = self->state;
        auto kind = static_cast<persist_op>(op);
        switch (kind) {
          case persist_op::bgrewriteaof:
            return bgrewriteaof(self);
          case persist_op::aof_on:
            turn_aof_on(self);
            return ok_reply;
          case persist_op::aof_off:
            turn_aof_off(self);
            return ok_reply;
          default:
            break;
        }
        if (st.current) {
          if (kind == persist_op::bgsave_schedule) {
            st.scheduled = true;
            return std::string("+Background saving scheduled\r\n");
          }
          if (st.current->aof_base && kind == persist_op::bgsave)
            return std::string("-ERR Another child process is active (AOF?): can't BGSAVE right "
                               "now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever "
                               "possible.\r\n");
          // Redis saves in the foreground next to a rewrite's child; here
          // the save follows the rewrite, and answers when on disk.
          if (st.current->aof_base && kind == persist_op::save) {
            auto promise = self->make_response_promise();
            st.queued_save_waiters.push_back(promise);
            return caf::delegated<std::string>{};
          }
          return in_progress_reply;
        }
        if (kind == persist_op::reload || kind == persist_op::reload_nosave) {
          reload(self, kind == persist_op::reload, self->make_response_promise());
          return caf::delegated<std::string>{};
        }
        if (kind == persist_op::loadaof) {
          load_aof_again(self, self->make_response_promise());
          return caf::delegated<std::string>{};
        }
        if (!start(self, false))
          return failed_reply;
        // Made only now: once a promise exists, a returned value is lost.
        auto promise = self->make_response_promise();
        if (kind == persist_op::save)
          st.current->waiters.push_back(promise);
        else
          st.current->cut_waiters.push_back(promise);
        return caf::delegated<std::string>{};
      },
      [self](load_dataset_atom, bool aof) -> caf::result<std::string> {
        auto promise = self->make_response_promise();
        load_at_startup(self, aof, promise);
        return caf::delegated<std::string>{};
      },
      [self](tick_atom) {
        self->state.watchdog.expire(
            unix_ms(),
            std::chrono::duration_cast<std::chrono::milliseconds>(cross_loop_timeout).count());
        check_save_points(self);
        check_aof_growth(self);
        self->delayed_send(self, std::chrono::seconds(1), tick_atom::value);
      },
  };
}

} // namespace

rdb_status& rdb_status::instance() {
  static rdb_status status;
  return status;
}

bool rdb_status::refuses_writes() const {
  if (last_ok.load(std::memory_order_relaxed))
    return false;
  auto& cfg = config::registry::instance();
  return cfg.get_one("stop-writes-on-bgsave-error") == "yes" && !cfg.get_one("save").empty();
}

caf::actor spawn_rdb_saver(caf::actor_system& sys, persistence::file_system& fs) {
  auto saver = sys.spawn<caf::detached>(rdb_saver, &fs);
  server::instance().persistence = saver;
  return saver;
}

std::string write_rdb_now(persistence::file_system& fs,
                          std::vector<commands::partition_data*>& parts, const std::string& path) {
  auto run = open_save(fs, path);
  if (!run)
    return "cannot create a temporary file in " + persistence::dir_of(path);
  save_all_now(*run, parts);
  commit(*run, fs);
  return run->failed ? run->error : std::string();
}

std::string load_dataset(caf::actor_system& sys, bool aof) {
  caf::scoped_actor self{sys};
  std::string out;
  self->request(server::instance().persistence, caf::infinite, load_dataset_atom::value, aof)
      .receive([&](std::string& err) { out = std::move(err); },
               [&](caf::error& e) { out = caf::to_string(e); });
  return out;
}

bool save_now(caf::actor_system& sys) {
  caf::scoped_actor self{sys};
  bool ok = false;
  self->request(server::instance().persistence, caf::infinite, persist_atom::value,
                static_cast<int32_t>(persist_op::save))
      .receive([&](std::string& reply) { ok = reply == ok_reply; },
               [&](caf::error&) { ok = false; });
  return ok;
}

} // namespace actis::actors
