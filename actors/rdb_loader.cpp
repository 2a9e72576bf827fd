#include "actors/rdb_loader.hpp"

#include <stdexcept>

#include "actors/aof_service.hpp"
#include "actors/log.hpp"
#include "actors/rdb_saver.hpp"
#include "actors/watchdog.hpp"
#include "commands/script_host.hpp"
#include "config/config.hpp"
#include "persistence/rdb_reader.hpp"
#include "scripting/engine.hpp"
#include "scripting/functions.hpp"

namespace actis::actors {

namespace {

/// Thrown out of the reader's callbacks for content the reader cannot judge
/// (a database number out of range, a library that does not compile).
struct load_refused : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class partition_filler final : public persistence::rdb_handler {
public:
  explicit partition_filler(std::vector<commands::partition_data*>& parts)
      : parts_(parts), now_ms_(unix_ms()) {}

  void entry(int db, std::string key, datatypes::value v, int64_t expire_ms, int64_t idle_s,
             int lfu_freq) override {
    auto& p = *parts_[commands::keyspace::partition_of(
        key, static_cast<uint32_t>(parts_.size()))];
    if (db < 0 || static_cast<size_t>(db) >= p.dbs.size())
      throw load_refused("FATAL: Data file was created with a Redis server configured to "
                         "handle more than "
                         + std::to_string(p.dbs.size()) + " databases. Exiting");
    if (expire_ms >= 0 && expire_ms <= now_ms_) {
      ++expired;
      return;
    }
    auto& d = p.dbs[static_cast<size_t>(db)];
    auto [e, created] = d.find_or_insert(key);
    if (!created) {
      log(log_level::warning,
          "RDB has duplicated key '" + key + "' in DB " + std::to_string(db));
      d.remove_expire(*e);
    }
    e->val = std::move(v);
    e->lru = commands::use_stamp_restored(lfu_freq, idle_s, now_ms_);
    if (expire_ms >= 0)
      d.set_expire(*e, expire_ms);
    ++keys;
  }

  void function(std::string code) override {
    scripting::library lib;
    auto error = commands::build_library(scripting::engine::local(), code, lib);
    if (!error.empty())
      throw load_refused("Failed loading library from RDB: " + error);
    libraries.push_back(std::move(lib));
  }

  void progress(uint64_t bytes_read) override {
    rdb_status::instance().loading_loaded_bytes = bytes_read;
    if (bytes_read >= next_report_) {
      log(log_level::notice, "Loading RDB: " + std::to_string(bytes_read >> 20) + " MB read");
      next_report_ = bytes_read + (256ull << 20);
    }
  }

  uint64_t keys = 0;
  uint64_t expired = 0;
  std::vector<scripting::library> libraries;

private:
  std::vector<commands::partition_data*>& parts_;
  int64_t now_ms_;
  uint64_t next_report_ = 256ull << 20;
};

} // namespace

rdb_load_result load_rdb_stream(persistence::byte_source& src, const std::string& name,
                                std::vector<commands::partition_data*>& parts) {
  rdb_load_result result;
  result.found = true;
  partition_filler filler(parts);
  try {
    if (auto failure = persistence::load_rdb(src, filler, true))
      result.error = "Short read or OOM loading DB. Unrecoverable error, aborting now. ("
                     + name + " at offset " + std::to_string(failure->offset) + ": "
                     + failure->message + ")";
  } catch (const load_refused& refused) {
    result.error = refused.what();
  }
  if (result.error.empty())
    scripting::library_registry::instance().replace_all(std::move(filler.libraries));
  result.keys = filler.keys;
  result.expired = filler.expired;
  return result;
}

rdb_load_result load_rdb_file(persistence::file_system& fs, const std::string& path,
                              std::vector<commands::partition_data*>& parts) {
  if (!fs.exists(path))
    return {};
  std::string err;
  auto src = fs.open_read(path, err);
  if (!src) {
    rdb_load_result result;
    result.found = true;
    result.error = "Fatal error loading the DB " + path + ": " + err + ". Exiting.";
    return result;
  }
  return load_rdb_stream(*src, path, parts);
}

std::string load_configured_dataset(persistence::file_system& fs, bool aof,
                                    std::vector<commands::partition_data*>& parts) {
  auto started = unix_ms();
  auto& status = rdb_status::instance();
  status.loading_start_s = started / 1000;
  if (aof)
    return load_aof_dataset(fs, parts);
  auto path = config::registry::instance().get_one("dbfilename");
  status.loading_total_bytes = fs.file_size(path).value_or(0);
  auto loaded = load_rdb_file(fs, path, parts);
  if (!loaded.error.empty() || !loaded.found)
    return loaded.error;
  status.loaded_keys = loaded.keys;
  status.loaded_expired = loaded.expired;
  log(log_level::notice, "Done loading RDB, keys loaded: " + std::to_string(loaded.keys)
                             + ", keys expired: " + std::to_string(loaded.expired) + ".");
  log(log_level::notice,
      "DB loaded from disk: " + std::to_string((unix_ms() - started) / 1000.0) + " seconds");
  return {};
}

} // namespace actis::actors
