#include "persistence/aof_log.hpp"

#include "config/config.hpp"


namespace actis::persistence {

namespace {

/// Redis logs a failing write at most this often (AOF_WRITE_LOG_ERROR_RATE).
constexpr int64_t error_log_interval_ms = 30'000;
/// everysec: how long a write may wait for a running fsync.
constexpr int64_t max_postpone_ms = 2'000;

} // namespace

bool parse_fsync_policy(std::string_view text, fsync_policy& out) {
  if (text == "always")
    out = fsync_policy::always;
  else if (text == "everysec")
    out = fsync_policy::everysec;
  else if (text == "no")
    out = fsync_policy::no;
  else
    return false;
  return true;
}

std::string aof_status::error_text() const {
  std::lock_guard<std::mutex> guard(mutex_);
  return error_text_;
}

void aof_status::set_error_text(std::string text) {
  std::lock_guard<std::mutex> guard(mutex_);
  error_text_ = std::move(text);
}

void append_aof_info(std::string& out, const aof_status* st, int64_t now_ms) {
  auto line = [&](std::string_view name, const std::string& value) {
    out += name;
    out += ':';
    out += value;
    out += "\r\n";
  };
  auto num = [&](std::string_view name, auto value) { line(name, std::to_string(value)); };
  bool enabled = st && st->enabled.load();
  int64_t started = st ? st->rewrite_start_ms.load() : 0;
  num("aof_enabled", enabled ? 1 : 0);
  num("aof_rewrite_in_progress", st && st->rewrite_in_progress.load() ? 1 : 0);
  num("aof_rewrite_scheduled", st && st->rewrite_scheduled.load() ? 1 : 0);
  num("aof_last_rewrite_time_sec", st ? st->last_rewrite_time_sec.load() : -1);
  num("aof_current_rewrite_time_sec", started ? (now_ms - started) / 1000 : -1);
  line("aof_last_bgrewrite_status", !st || st->last_rewrite_ok.load() ? "ok" : "err");
  num("aof_rewrites", st ? st->rewrites.load() : 0);
  num("aof_rewrites_consecutive_failures", st ? st->rewrite_failures.load() : 0);
  line("aof_last_write_status", st && st->write_error() ? "err" : "ok");
  num("aof_last_cow_size", 0);
  num("module_fork_in_progress", 0);
  num("module_fork_last_cow_size", 0);
  if (!enabled)
    return;
  num("aof_current_size", st->current_size.load());
  num("aof_base_size", st->base_size.load());
  num("aof_pending_rewrite", st->rewrite_scheduled.load() ? 1 : 0);
  num("aof_buffer_length", st->buffer_length.load());
  num("aof_pending_bio_fsync", st->pending_fsync.load());
  num("aof_delayed_fsync", st->delayed_fsync.load());
}

aof_log_config aof_log_config_from_config(file_system& fs, const aof_load_options& opt,
                                          const aof_load_result& loaded) {
  auto& reg = config::registry::instance();
  aof_log_config cfg;
  cfg.fs = &fs;
  cfg.dir = aof_dir_path(opt);
  cfg.filename = opt.filename;
  parse_fsync_policy(reg.get_one("appendfsync"), cfg.policy);
  cfg.timestamps = reg.get_one("aof-timestamp-enabled") == "yes";
  cfg.auto_gc = reg.get_one("aof-disable-auto-gc") != "yes";
  cfg.manifest = loaded.manifest;
  cfg.loaded_size = loaded.total_size;
  cfg.loaded_base_size = loaded.base_size;
  return cfg;
}

// ------------------------------------------------------------ fsync thread

/// Redis's bio fsync job: fsyncs a file off the writer's thread, so the
/// writer never waits for the disk under everysec.
class aof_log::fsync_worker {
public:
  fsync_worker(std::shared_ptr<aof_status> status,
               std::function<void(bool, std::string_view)> log)
      : status_(std::move(status)), log_(std::move(log)), thread_([this] { run(); }) {}

  ~fsync_worker() {
    {
      std::lock_guard<std::mutex> guard(mutex_);
      stop_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }

  /// Queues an fsync of `file` covering records up to `seq`.
  void submit(std::shared_ptr<writable_file> file, uint64_t seq) {
    {
      std::lock_guard<std::mutex> guard(mutex_);
      jobs_.push_back({std::move(file), seq});
      status_->pending_fsync.store(jobs_.size() + running_);
    }
    wake_.notify_all();
  }

  bool busy() {
    std::lock_guard<std::mutex> guard(mutex_);
    return !jobs_.empty() || running_ > 0;
  }

  void wait_idle() {
    std::unique_lock<std::mutex> lock(mutex_);
    idle_.wait(lock, [&] { return jobs_.empty() && running_ == 0; });
  }

private:
  struct job {
    std::shared_ptr<writable_file> file;
    uint64_t seq;
  };

  void run() {
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
      wake_.wait(lock, [&] { return stop_ || !jobs_.empty(); });
      if (jobs_.empty())
        return;
      job j = std::move(jobs_.front());
      jobs_.pop_front();
      running_ = 1;
      lock.unlock();
      bool ok = j.file->sync();
      if (ok) {
        uint64_t seen = status_->durable_seq.load();
        while (seen < j.seq && !status_->durable_seq.compare_exchange_weak(seen, j.seq)) {
        }
      } else {
        status_->set_error_text(j.file->error());
        if (log_)
          log_(true, "Fail to fsync the AOF file: " + j.file->error());
      }
      status_->last_fsync_ok.store(ok);
      lock.lock();
      running_ = 0;
      status_->pending_fsync.store(jobs_.size());
      if (jobs_.empty())
        idle_.notify_all();
    }
  }

  std::shared_ptr<aof_status> status_;
  std::function<void(bool, std::string_view)> log_;
  std::mutex mutex_;
  std::condition_variable wake_, idle_;
  std::deque<job> jobs_;
  int running_ = 0;
  bool stop_ = false;
  std::thread thread_;
};

// ------------------------------------------------------------------ aof_log

aof_log::aof_log(aof_log_config cfg)
    : cfg_(std::move(cfg)), status_(cfg_.status ? cfg_.status : std::make_shared<aof_status>()),
      manifest_(cfg_.manifest), encoder_(cfg_.timestamps), last_seq_(cfg_.first_seq),
      written_seq_(cfg_.first_seq), synced_seq_(cfg_.first_seq), announced_seq_(cfg_.first_seq),
      worker_(std::make_unique<fsync_worker>(status_, cfg_.log)) {}

aof_log::~aof_log() {
  worker_.reset();
  if (!closed_)
    mark_disabled();
}

void aof_log::mark_disabled() {
  status_->enabled.store(false);
  status_->rewrite_in_progress.store(false);
  status_->rewrite_start_ms.store(0);
}

std::unique_ptr<aof_log> aof_log::open(aof_log_config cfg, std::string& err) {
  std::unique_ptr<aof_log> log(new aof_log(std::move(cfg)));
  if (!log->start(err))
    return nullptr;
  return log;
}

void aof_log::note(std::string_view text) const {
  if (cfg_.log)
    cfg_.log(false, text);
}

void aof_log::warn(std::string_view text) const {
  if (cfg_.log)
    cfg_.log(true, text);
}

std::string aof_log::incr_path() const {
  return join_path(cfg_.dir, waiting_for_base_ ? temp_incr_name(cfg_.filename)
                                               : manifest_.incr.back().name);
}

bool aof_log::open_incr(const std::string& name, std::string& err, bool truncate) {
  std::string path = join_path(cfg_.dir, name);
  std::string why;
  auto file = cfg_.fs->open_append(path, truncate, why);
  // The new name must survive a crash before the manifest names it.
  if (!file || !cfg_.fs->sync_dir(cfg_.dir, why)) {
    err = "Can't open the append-only file " + name + ": " + why;
    return false;
  }
  file_ = std::move(file);
  incr_size_ = synced_size_ = file_->size();
  encoder_.reset();
  return true;
}

void aof_log::reset_status() {
  // A status reused from an earlier log (appendonly turned off and on)
  // starts clean; rewrite counters are the server's and stay.
  status_->rewrite_in_progress.store(false);
  status_->rewrite_start_ms.store(0);
  status_->last_write_ok.store(true);
  status_->last_fsync_ok.store(true);
  status_->buffer_length.store(0);
  status_->written_seq.store(cfg_.first_seq);
  status_->durable_seq.store(cfg_.first_seq);
  status_->enabled.store(true);
}

bool aof_log::start_waiting_for_base(std::string& err) {
  waiting_for_base_ = true;
  if (!open_incr(temp_incr_name(cfg_.filename), err, true))
    return false;
  note("Creating AOF incr file " + temp_incr_name(cfg_.filename) + " on background rewrite");
  other_size_ = 0;
  status_->current_size.store(0);
  status_->base_size.store(0);
  reset_status();
  return true;
}

bool aof_log::start(std::string& err) {
  file_system& fs = *cfg_.fs;
  std::string why;
  if (!fs.make_dir(cfg_.dir, why) || !fs.sync_dir(dir_of(cfg_.dir), why)) {
    err = "Can't open or create append-only dir " + cfg_.dir + ": " + why;
    return false;
  }
  if (cfg_.wait_for_base)
    return start_waiting_for_base(err);
  if (!manifest_.base && manifest_.incr.empty()) {
    bool rdb = static_cast<bool>(cfg_.write_rdb_base);
    std::string name = add_new_base(manifest_, cfg_.filename, rdb);
    std::string path = join_path(cfg_.dir, name);
    why = rdb ? cfg_.write_rdb_base(fs, path)
              : (replace_file(fs, path, "base", "", why) ? std::string() : why);
    if (!why.empty()) {
      err = "Can't create the AOF base file " + name + ": " + why;
      return false;
    }
    note("Creating AOF base file " + name + " on server start");
  }
  bool created = manifest_.incr.empty();
  std::string name = created ? add_new_incr(manifest_, cfg_.filename) : manifest_.incr.back().name;
  if (!open_incr(name, err))
    return false;
  if (!save_manifest(fs, cfg_.dir, cfg_.filename, manifest_, err))
    return false;
  note((created ? "Creating AOF incr file " : "Opening AOF incr file ") + name +
       " on server start");
  delete_history();
  other_size_ = cfg_.loaded_size > incr_size_ ? cfg_.loaded_size - incr_size_ : 0;
  status_->current_size.store(other_size_ + incr_size_);
  status_->base_size.store(cfg_.loaded_base_size);
  reset_status();
  return true;
}

namespace {

/// Deletes the manifest's history files once a manifest without them is
/// saved (Redis's aofDelHistoryFiles). `note` logs each.
void delete_history_files(file_system& fs, const std::string& dir, std::string_view filename,
                          aof_manifest& m, const std::function<void(std::string_view)>& note,
                          std::string& err) {
  if (m.history.empty())
    return;
  auto history = std::move(m.history);
  m.history.clear();
  if (!save_manifest(fs, dir, filename, m, err)) {
    m.history = std::move(history);
    return;
  }
  std::string ignored;
  for (auto& f : history) {
    note("Removing the history file " + f.name + " in the background");
    fs.remove(join_path(dir, f.name), ignored);
  }
}

/// The manifest after a rewrite's base at `temp_path`: renamed into `dir`
/// as the next base, saved with the files it replaces as history.
bool commit_base(file_system& fs, const std::string& dir, std::string_view filename,
                 aof_manifest& next, const std::string& temp_path, bool rdb, std::string& err) {
  std::string base = add_new_base(next, filename, rdb);
  std::string base_path = join_path(dir, base);
  if (!fs.rename(temp_path, base_path, err) || !fs.sync_dir(dir, err)) {
    err = "Error trying to rename the temporary AOF base file " + temp_path + " into " + base +
          ": " + err;
    return false;
  }
  if (!save_manifest(fs, dir, filename, next, err)) {
    std::string ignored;
    fs.remove(base_path, ignored);
    return false;
  }
  return true;
}

} // namespace

std::string temp_incr_name(std::string_view filename) {
  return "temp-" + std::string(filename) + ".incr";
}

std::string install_base_without_log(file_system& fs, const std::string& dir,
                                     std::string_view filename, const std::string& temp_path,
                                     bool rdb, bool auto_gc) {
  std::string err;
  if (!fs.make_dir(dir, err) || !fs.sync_dir(dir_of(dir), err))
    return "Can't open or create append-only dir " + dir + ": " + err;
  aof_manifest next = load_manifest(fs, dir, filename, err).value_or(aof_manifest{});
  if (!err.empty())
    return err;
  mark_all_incr_as_history(next);
  if (!commit_base(fs, dir, filename, next, temp_path, rdb, err))
    return err;
  if (auto_gc)
    delete_history_files(fs, dir, filename, next, [](std::string_view) {}, err);
  return {};
}

void aof_log::delete_history() {
  if (!cfg_.auto_gc)
    return;
  std::string err;
  delete_history_files(*cfg_.fs, cfg_.dir, cfg_.filename, manifest_,
                       [this](std::string_view text) { note(text); }, err);
  if (!err.empty())
    warn(err);
}

void aof_log::add(uint64_t seq, int db, const aof_argv& argv, int64_t unix_seconds) {
  encoder_.append(buffer_, db, argv, unix_seconds);
  last_seq_ = seq;
  status_->buffer_length.store(buffer_.size());
}

bool aof_log::write_buffer(int64_t now_ms) {
  uint64_t before = file_->size();
  if (file_->append(buffer_)) {
    incr_size_ += buffer_.size();
    buffer_.clear();
    written_seq_ = last_seq_;
    status_->written_seq.store(written_seq_);
    status_->buffer_length.store(0);
    status_->current_size.store(other_size_ + incr_size_);
    if (!status_->last_write_ok.load()) {
      warn("AOF write error looks solved, Redis can write again.");
      status_->last_write_ok.store(true);
    }
    return true;
  }
  bool can_log = last_error_log_ms_ < 0 || now_ms - last_error_log_ms_ >= error_log_interval_ms;
  if (can_log)
    last_error_log_ms_ = now_ms;
  uint64_t partial = file_->size() - before;
  std::string why = file_->error();
  if (partial == 0) {
    if (can_log)
      warn("Error writing to the AOF file: " + why);
  } else {
    if (can_log)
      warn("Short write while writing to the AOF file: (nwritten=" + std::to_string(partial) +
           ", expected=" + std::to_string(buffer_.size()) + ")");
    std::string terr;
    if (!cfg_.fs->truncate(incr_path(), incr_size_, terr)) {
      if (can_log)
        warn("Could not remove short write from the append-only file.  Redis may refuse to "
             "load the AOF the next time it starts.  ftruncate: " +
             terr);
      // The bytes are in the file: they leave the buffer.
      incr_size_ += partial;
      buffer_.erase(0, partial);
      status_->buffer_length.store(buffer_.size());
      status_->current_size.store(other_size_ + incr_size_);
    }
  }
  status_->set_error_text(why);
  status_->last_write_ok.store(false);
  return false;
}

bool aof_log::sync_now() {
  if (!file_->sync()) {
    std::string why = file_->error();
    if (!fsync_failed_)
      warn("Can't persist AOF for fsync error when the AOF fsync policy is 'always': " + why);
    status_->set_error_text(why);
    status_->last_fsync_ok.store(false);
    fsync_failed_ = true;
    return false;
  }
  fsync_failed_ = false;
  status_->last_fsync_ok.store(true);
  synced_size_ = incr_size_;
  synced_seq_ = written_seq_;
  uint64_t seen = status_->durable_seq.load();
  while (seen < synced_seq_ && !status_->durable_seq.compare_exchange_weak(seen, synced_seq_)) {
  }
  return true;
}

uint64_t aof_log::flush(int64_t now_ms, bool force) {
  bool always = cfg_.policy == fsync_policy::always;
  bool everysec = cfg_.policy == fsync_policy::everysec;
  if (buffer_.empty()) {
    if (always && (fsync_failed_ || synced_size_ != incr_size_))
      sync_now();
    else if (everysec && (synced_size_ != incr_size_ || !status_->last_fsync_ok.load()) &&
             now_ms - last_fsync_ms_ >= 1000 && !worker_->busy()) {
      worker_->submit(file_, written_seq_);
      synced_size_ = incr_size_;
      last_fsync_ms_ = now_ms;
    }
  } else {
    if (everysec && !force && worker_->busy()) {
      if (postponed_since_ms_ == 0) {
        postponed_since_ms_ = now_ms;
        return 0;
      }
      if (now_ms - postponed_since_ms_ < max_postpone_ms)
        return 0;
      status_->delayed_fsync.fetch_add(1);
      note("Asynchronous AOF fsync is taking too long (disk is busy?). Writing the AOF buffer "
           "without waiting for fsync to complete, this may slow down Redis.");
    }
    postponed_since_ms_ = 0;
    if (!write_buffer(now_ms))
      return 0;
    if (always) {
      sync_now();
    } else if (everysec && now_ms - last_fsync_ms_ >= 1000) {
      if (!worker_->busy()) {
        worker_->submit(file_, written_seq_);
        synced_size_ = incr_size_;
      }
      last_fsync_ms_ = now_ms;
    }
  }
  if (!always || synced_seq_ <= announced_seq_)
    return 0;
  announced_seq_ = synced_seq_;
  return announced_seq_;
}

bool aof_log::wants_tick() const {
  return !buffer_.empty() || fsync_failed_ || !status_->last_fsync_ok.load() ||
         (cfg_.policy != fsync_policy::no && synced_size_ != incr_size_);
}

std::string aof_log::flush_and_sync(int64_t now_ms) {
  if (!buffer_.empty() && !write_buffer(now_ms))
    return status_->error_text();
  worker_->wait_idle();
  if (!sync_now())
    return status_->error_text();
  return {};
}

std::string aof_log::close(int64_t now_ms) {
  std::string err = flush_and_sync(now_ms);
  if (waiting_for_base_) {
    // Nothing names it: without its base it is of no use.
    std::string ignored;
    cfg_.fs->remove(incr_path(), ignored);
  }
  closed_ = true;
  mark_disabled();
  return err;
}

std::string aof_log::start_rewrite(int64_t now_ms, int64_t unix_ms) {
  if (waiting_for_base_) {
    // What the temporary file holds is in the new base too: start it over.
    buffer_.clear();
    status_->buffer_length.store(0);
    std::string err;
    if (!open_incr(temp_incr_name(cfg_.filename), err, true))
      return err;
    status_->current_size.store(0);
  } else {
    // Everything so far belongs to the files the new base replaces.
    if (std::string err = flush_and_sync(now_ms); !err.empty())
      return "Can't write the AOF buffer before the rewrite: " + err;
    aof_manifest next = manifest_;
    std::string name = add_new_incr(next, cfg_.filename);
    auto previous = file_;
    uint64_t previous_size = incr_size_;
    std::string err;
    if (!open_incr(name, err))
      return err;
    if (!save_manifest(*cfg_.fs, cfg_.dir, cfg_.filename, next, err)) {
      file_ = previous;
      incr_size_ = synced_size_ = previous_size;
      std::string ignored;
      cfg_.fs->remove(join_path(cfg_.dir, name), ignored);
      return err;
    }
    manifest_ = std::move(next);
    other_size_ += previous_size;
  }
  status_->rewrite_in_progress.store(true);
  status_->rewrite_start_ms.store(unix_ms);
  return {};
}

std::string aof_log::finish_rewrite(const std::string& temp_path, bool rdb, int64_t unix_ms) {
  if (!status_->rewrite_in_progress.load())
    return "no AOF rewrite in progress";
  aof_manifest next = manifest_;
  std::string err;
  std::string incr_name;
  if (waiting_for_base_) {
    // Whatever the manifest named predates appendonly yes: history.
    mark_all_incr_as_history(next);
    incr_name = add_new_incr(next, cfg_.filename);
    if (!cfg_.fs->rename(incr_path(), join_path(cfg_.dir, incr_name), err))
      return "Error trying to rename the temporary AOF incr file " +
             temp_incr_name(cfg_.filename) + " into " + incr_name + ": " + err;
  } else {
    mark_rewritten_incr_as_history(next);
  }
  if (!commit_base(*cfg_.fs, cfg_.dir, cfg_.filename, next, temp_path, rdb, err)) {
    if (waiting_for_base_)
      cfg_.fs->rename(join_path(cfg_.dir, incr_name), incr_path(), err);
    return err;
  }
  manifest_ = std::move(next);
  note("Successfully renamed the temporary AOF base file " + temp_path + " into " +
       manifest_.base->name);
  if (waiting_for_base_) {
    waiting_for_base_ = false;
    note("Successfully renamed the temporary AOF incr file " + temp_incr_name(cfg_.filename) +
         " into " + incr_name);
  }
  other_size_ = cfg_.fs->file_size(join_path(cfg_.dir, manifest_.base->name)).value_or(0);
  status_->current_size.store(other_size_ + incr_size_);
  status_->base_size.store(other_size_ + incr_size_);
  delete_history();
  int64_t started = status_->rewrite_start_ms.exchange(0);
  status_->last_rewrite_time_sec.store(started ? (unix_ms - started) / 1000 : 0);
  status_->rewrites.fetch_add(1);
  status_->rewrite_failures.store(0);
  status_->last_rewrite_ok.store(true);
  status_->rewrite_in_progress.store(false);
  return {};
}

void aof_log::abort_rewrite() {
  if (!status_->rewrite_in_progress.exchange(false))
    return;
  status_->rewrite_start_ms.store(0);
  status_->rewrite_failures.fetch_add(1);
  status_->last_rewrite_ok.store(false);
}

} // namespace actis::persistence
