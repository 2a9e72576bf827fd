// The saver's operations that hold every partition to load a dataset:
// DEBUG RELOAD, DEBUG LOADAOF and the start-up load (docs/ARCHITECTURE.md,
// "Start-up and LOADING").
#include "actors/rdb_saver_internal.hpp"

#include "actors/aof_service.hpp"
#include "actors/log.hpp"
#include "actors/rdb_loader.hpp"
#include "actors/rdb_saver.hpp"
#include "actors/server.hpp"
#include "commands/generic_ops.hpp"

namespace actis::actors::saver_detail {

/// DEBUG RELOAD: with every partition held (so nothing happens in between),
/// saves the dataset (unless `save` is false), empties it and loads the file
/// back, as Redis's blocking DEBUG RELOAD.
void reload(saver_actor* self, bool save, caf::response_promise promise) {
  hold_and_run(
      self, all_partitions(), server::instance().partition_count(), self->state.watchdog,
      [self, save, promise](std::vector<commands::partition_data*>& parts) mutable {
        auto& st = self->state;
        if (save) {
          st.last_try_ms = unix_ms();
          auto run = open_save(*st.fs, rdb_path());
          if (run) {
            save_all_now(*run, parts);
            commit(*run, *st.fs);
            record_outcome(*run, *st.fs);
          }
          if (!run || run->failed) {
            rdb_status::instance().last_ok = false;
            promise.deliver(failed_reply);
            return;
          }
        }
        commands::keyspace ks(parts, static_cast<uint32_t>(parts.size()), nullptr, unix_ms());
        commands::op_flushall(ks);
        auto loaded = load_rdb_file(*st.fs, rdb_path(), parts);
        if (!loaded.error.empty()) {
          log(log_level::warning, loaded.error);
          promise.deliver(std::string("-ERR Error trying to load the RDB dump, check server "
                                      "logs.\r\n"));
          return;
        }
        log(log_level::notice, "DB reloaded by DEBUG RELOAD");
        promise.deliver(ok_reply);
      },
      [promise](uint32_t, const caf::error& e) mutable {
        promise.deliver("-ERR " + caf::to_string(e) + "\r\n");
      });
}

/// DEBUG LOADAOF: with every partition held, the AOF is flushed, the
/// dataset emptied and the AOF directory loaded again. A load that fails
/// ends the process, as in Redis: the dataset is gone by then.
void load_aof_again(saver_actor* self, caf::response_promise promise) {
  hold_and_run(
      self, all_partitions(), server::instance().partition_count(), self->state.watchdog,
      [self, promise](std::vector<commands::partition_data*>& parts) mutable {
        if (auto err = flush_aof(self->system(), writer_sync_timeout); !err.empty()) {
          promise.deliver("-ERR Error flushing the AOF: " + err + "\r\n");
          return;
        }
        commands::keyspace ks(parts, static_cast<uint32_t>(parts.size()), nullptr, unix_ms());
        commands::op_flushall(ks);
        if (auto err = load_aof_dataset(*self->state.fs, parts); !err.empty()) {
          log(log_level::warning, err);
          std::_Exit(1);
        }
        log(log_level::warning, "Append Only File loaded by DEBUG LOADAOF");
        promise.deliver(ok_reply);
      },
      [promise](uint32_t, const caf::error& e) mutable {
        promise.deliver("-ERR " + caf::to_string(e) + "\r\n");
      });
}

/// Start-up: the dataset is loaded with every partition held (clients
/// that connect meanwhile get LOADING), then the AOF starts.
void load_at_startup(saver_actor* self, bool aof, caf::response_promise promise) {
  hold_and_run(
      self, all_partitions(), server::instance().partition_count(), self->state.watchdog,
      [self, aof, promise](std::vector<commands::partition_data*>& parts) mutable {
        auto err = load_configured_dataset(*self->state.fs, aof, parts);
        if (err.empty() && aof)
          err = start_aof(self->system(), *self->state.fs, parts);
        server::instance().loading = false;
        promise.deliver(err);
      },
      [promise](uint32_t partition, const caf::error& e) mutable {
        promise.deliver("partition " + std::to_string(partition) + " did not answer: "
                        + caf::to_string(e));
      });
}

} // namespace actis::actors::saver_detail
