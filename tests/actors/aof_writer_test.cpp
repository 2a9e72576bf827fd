// Deterministic tests of the AOF writer on the simulated disk: batches fed
// through the actor, the machine crashing at random points (also during a
// rewrite's rotation), and the surviving directory loaded back. Under
// appendfsync always, every seq announced durable must survive, exactly
// once and in order; under every policy the directory must stay loadable.
#include <caf/test/unit_test.hpp>

#include <caf/test/dsl.hpp>

#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>
#include <random>
#include <string>
#include <vector>

#include "actors/aof_writer.hpp"
#include "actors/messages.hpp"
#include "persistence/aof_loader.hpp"
#include "persistence/simulated_file_system.hpp"

using namespace actis;
using namespace actis::actors;
using namespace actis::persistence;

namespace {

struct aof_config : caf::actor_system_config {
  aof_config() { actis::actors::add_message_types(*this); }
};

/// The disk as the process sees it: after the crash the process is dead,
/// so whatever its actors still do touches nothing (files opened before
/// write to versions the crash already dropped).
class process_view final : public file_system {
public:
  explicit process_view(file_system& disk) : disk_(disk) {}
  void die() { dead_ = true; }

  std::unique_ptr<writable_file> open_append(const std::string& path, bool truncate,
                                             std::string& err) override {
    return alive(err) ? disk_.open_append(path, truncate, err) : nullptr;
  }
  std::unique_ptr<byte_source> open_read(const std::string& path, std::string& err) override {
    return alive(err) ? disk_.open_read(path, err) : nullptr;
  }
  bool rename(const std::string& from, const std::string& to, std::string& err) override {
    return alive(err) && disk_.rename(from, to, err);
  }
  bool remove(const std::string& path, std::string& err) override {
    return alive(err) && disk_.remove(path, err);
  }
  bool truncate(const std::string& path, uint64_t size, std::string& err) override {
    return alive(err) && disk_.truncate(path, size, err);
  }
  bool sync_dir(const std::string& dir, std::string& err) override {
    return alive(err) && disk_.sync_dir(dir, err);
  }
  bool make_dir(const std::string& dir, std::string& err) override {
    return alive(err) && disk_.make_dir(dir, err);
  }
  bool exists(const std::string& path) override { return !dead_ && disk_.exists(path); }
  std::optional<uint64_t> file_size(const std::string& path) override {
    return dead_ ? std::nullopt : disk_.file_size(path);
  }
  std::vector<std::string> list_dir(const std::string& dir) override {
    return dead_ ? std::vector<std::string>{} : disk_.list_dir(dir);
  }

private:
  bool alive(std::string& err) {
    if (dead_)
      err = "the process is dead";
    return !dead_;
  }
  file_system& disk_;
  bool dead_ = false;
};

/// A disk whose fsyncs wait while the gate is closed (a busy disk).
class slow_disk final : public file_system {
public:
  explicit slow_disk(file_system& disk) : disk_(disk) {}

  void close_gate() {
    std::lock_guard<std::mutex> guard(mutex_);
    open_ = false;
  }
  void open_gate() {
    {
      std::lock_guard<std::mutex> guard(mutex_);
      open_ = true;
    }
    changed_.notify_all();
  }

  std::unique_ptr<writable_file> open_append(const std::string& path, bool truncate,
                                             std::string& err) override {
    auto inner = disk_.open_append(path, truncate, err);
    if (!inner)
      return nullptr;
    return std::make_unique<gated_file>(*this, std::move(inner));
  }
  std::unique_ptr<byte_source> open_read(const std::string& path, std::string& err) override {
    return disk_.open_read(path, err);
  }
  bool rename(const std::string& from, const std::string& to, std::string& err) override {
    return disk_.rename(from, to, err);
  }
  bool remove(const std::string& path, std::string& err) override {
    return disk_.remove(path, err);
  }
  bool truncate(const std::string& path, uint64_t size, std::string& err) override {
    return disk_.truncate(path, size, err);
  }
  bool sync_dir(const std::string& dir, std::string& err) override {
    return disk_.sync_dir(dir, err);
  }
  bool make_dir(const std::string& dir, std::string& err) override {
    return disk_.make_dir(dir, err);
  }
  bool exists(const std::string& path) override { return disk_.exists(path); }
  std::optional<uint64_t> file_size(const std::string& path) override {
    return disk_.file_size(path);
  }
  std::vector<std::string> list_dir(const std::string& dir) override {
    return disk_.list_dir(dir);
  }

private:
  class gated_file final : public writable_file {
  public:
    gated_file(slow_disk& disk, std::unique_ptr<writable_file> inner)
        : disk_(disk), inner_(std::move(inner)) {}
    bool append(std::string_view data) override { return inner_->append(data); }
    bool sync() override {
      std::unique_lock<std::mutex> lock(disk_.mutex_);
      disk_.changed_.wait(lock, [&] { return disk_.open_; });
      lock.unlock();
      return inner_->sync();
    }
    bool close() override { return inner_->close(); }
    uint64_t size() const override { return inner_->size(); }

  private:
    slow_disk& disk_;
    std::unique_ptr<writable_file> inner_;
  };

  file_system& disk_;
  std::mutex mutex_;
  std::condition_variable changed_;
  bool open_ = true;
};

struct aof_fixture : test_coordinator_fixture<aof_config> {
  std::unique_ptr<simulated_file_system> disk = std::make_unique<simulated_file_system>();
  simulated_file_system& fs() { return *disk; }
  /// What the running writer uses.
  std::unique_ptr<process_view> process;
  /// The SET seqs sent, in order, and the [first, last] SET seqs of each
  /// transaction.
  std::vector<uint64_t> sent_sets;
  std::vector<std::pair<uint64_t, uint64_t>> transactions;
  std::shared_ptr<aof_status> status = std::make_shared<aof_status>();
  std::shared_ptr<uint64_t> durable = std::make_shared<uint64_t>(0);
  std::vector<std::string> log_lines;
  caf::actor writer;
  uint64_t next_seq = 1;

  ~aof_fixture() {
    stop_writer();
    sched.run();
  }

  /// Records the highest seq the writer announced durable.
  durable_callback record_durable() {
    auto seen = durable;
    return [seen](uint64_t seq) {
      if (seq > *seen)
        *seen = seq;
    };
  }

  aof_log_config config(fsync_policy p) {
    aof_log_config cfg;
    process = std::make_unique<process_view>(*disk);
    cfg.fs = process.get();
    cfg.dir = "/data/appendonlydir";
    cfg.policy = p;
    cfg.status = status;
    cfg.log = [this](bool, std::string_view text) { log_lines.emplace_back(text); };
    return cfg;
  }

  using answer_ptr = std::shared_ptr<std::pair<std::string, uint64_t>>;

  /// Sends the writer a request answered by (err, seq) from a fresh actor;
  /// the answer reads ("pending", 0) until it arrives.
  template <class... Ts>
  answer_ptr ask_writer(Ts... xs) {
    auto answer = std::make_shared<std::pair<std::string, uint64_t>>("pending", 0);
    auto w = writer;
    sys.spawn([w, answer, xs...](caf::event_based_actor* a) {
      a->request(w, caf::infinite, xs...)
          .then([answer](const std::string& err, uint64_t c) { *answer = {err, c}; });
    });
    return answer;
  }

  void start_writer(fsync_policy p) {
    std::string err;
    aof_load_options lo;
    lo.dir = "/data";
    auto loaded = load_aof(fs(), lo, {});
    CAF_REQUIRE(loaded.status != aof_load_status::failed);
    auto cfg = config(p);
    cfg.manifest = loaded.manifest;
    cfg.loaded_size = loaded.total_size;
    auto log = aof_log::open(cfg, err);
    CAF_REQUIRE(log != nullptr);
    writer = spawn_aof_writer(sys, std::move(log), record_durable());
  }

  void stop_writer() {
    if (writer) {
      caf::anon_send_exit(writer, caf::exit_reason::user_shutdown);
      sched.run();
      writer = nullptr;
    }
  }

  /// A batch of `n` SET records, wrapped in MULTI ... EXEC if `transaction`.
  void send_batch(size_t n, bool transaction) {
    std::vector<write_record> batch;
    if (transaction)
      batch.push_back(write_record{next_seq++, 0, {"MULTI"}});
    for (size_t i = 0; i < n; ++i) {
      uint64_t s = next_seq++;
      sent_sets.push_back(s);
      batch.push_back(write_record{s, static_cast<int32_t>(s % 3), {"SET", "k" + std::to_string(s), std::to_string(s)}});
    }
    if (transaction) {
      transactions.emplace_back(batch[1].seq, batch.back().seq);
      batch.push_back(write_record{next_seq++, 0, {"EXEC"}});
    }
    caf::anon_send(writer, write_batch_atom::value, std::move(batch));
  }

  /// The seqs of the SET records the directory holds, in order.
  std::vector<uint64_t> surviving(aof_load_result& r) {
    std::vector<uint64_t> seqs;
    aof_load_options lo;
    lo.dir = "/data";
    aof_read_callbacks cb;
    cb.on_command = [&](const aof_argv& a) {
      if (a[0] == "SET")
        seqs.push_back(std::stoull(a[2]));
      return std::string();
    };
    r = load_aof(fs(), lo, cb);
    return seqs;
  }
};

/// The base a rewrite writes: every SET of `sets` up to `cut`, durably.
void write_base(file_system& fs, const std::string& path, const std::vector<uint64_t>& sets,
                uint64_t cut) {
  aof_encoder enc;
  std::string bytes;
  for (uint64_t s : sets)
    if (s <= cut)
      enc.append(bytes, static_cast<int>(s % 3), {"SET", "k" + std::to_string(s), std::to_string(s)});
  std::string err;
  auto f = fs.open_append(path, true, err);
  f->append(bytes);
  f->sync();
  fs.sync_dir(dir_of(path), err);
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(aof_writer_tests, aof_fixture)

// The first start creates an empty base, an incr file and the manifest,
// as redis-server does with aof-use-rdb-preamble no.
CAF_TEST(fresh_directory_layout) {
  start_writer(fsync_policy::always);
  CAF_CHECK_EQUAL(fs().contents("/data/appendonlydir/appendonly.aof.manifest"),
                  "file appendonly.aof.1.base.aof seq 1 type b\n"
                  "file appendonly.aof.1.incr.aof seq 1 type i\n");
  CAF_CHECK(fs().exists("/data/appendonlydir/appendonly.aof.1.base.aof"));
  send_batch(2, false);
  sched.run();
  CAF_CHECK_EQUAL(*durable, 2u);
  CAF_CHECK_EQUAL(fs().contents("/data/appendonlydir/appendonly.aof.1.incr.aof"),
                  "*2\r\n$6\r\nSELECT\r\n$1\r\n1\r\n*3\r\n$3\r\nSET\r\n$2\r\nk1\r\n$1\r\n1\r\n"
                  "*2\r\n$6\r\nSELECT\r\n$1\r\n2\r\n*3\r\n$3\r\nSET\r\n$2\r\nk2\r\n$1\r\n2\r\n");
  CAF_CHECK_EQUAL(log_lines.at(0), "Creating AOF base file appendonly.aof.1.base.aof on server start");
  CAF_CHECK_EQUAL(log_lines.at(1), "Creating AOF incr file appendonly.aof.1.incr.aof on server start");
  // A restart continues the same incr file, starting with a SELECT.
  stop_writer();
  start_writer(fsync_policy::always);
  send_batch(1, false);
  sched.run();
  aof_load_result r;
  auto seqs = surviving(r);
  CAF_CHECK(r.status == aof_load_status::ok);
  CAF_CHECK_EQUAL(seqs, (std::vector<uint64_t>{1, 2, 3}));
}

// Group commit: batches queued together cost one write and one fsync and
// one announcement.
CAF_TEST(group_commit) {
  start_writer(fsync_policy::always);
  for (int i = 0; i < 5; ++i)
    send_batch(3, false);
  // Deliver the five batches before the writer's own flush message.
  sched.run();
  CAF_CHECK_EQUAL(*durable, 15u);
  CAF_CHECK_EQUAL(status->durable_seq.load(), 15u);
}

// appendfsync always under random crash points, with rewrites now and then:
// nothing announced durable is lost, nothing appears twice, the directory
// always loads (after cutting a torn tail).
CAF_TEST(always_survives_random_crashes) {
  uint64_t announced_total = 0;
  int rewrites_done = 0;
  for (unsigned seed = 1; seed <= 300; ++seed) {
    std::mt19937_64 rng(seed);
    disk = std::make_unique<simulated_file_system>();
    *durable = 0;
    next_seq = 1;
    sent_sets.clear();
    transactions.clear();
    start_writer(fsync_policy::always);
    uint64_t crash_after = rng() % 150;
    uint64_t durable_at_crash = 0;
    bool rewriting = false;
    auto cut = std::make_shared<uint64_t>(0);
    for (uint64_t step = 0;; ++step) {
      if (step == crash_after) {
        durable_at_crash = *durable;
        fs().crash(rng);
        process->die();
        break;
      }
      auto r = rng() % 10;
      if (r < 3) {
        send_batch(1 + rng() % 4, r == 0);
      } else if (r == 3 && !rewriting) {
        rewriting = true;
        *cut = 0;
        auto w = writer;
        sys.spawn([w, cut](caf::event_based_actor* a) {
          a->request(w, caf::infinite, aof_rewrite_start_atom::value, uint64_t{0})
              .then([cut](const std::string& err, uint64_t c) {
                if (err.empty())
                  *cut = c;
              });
        });
      } else if (r == 4 && rewriting && *cut != 0) {
        std::string temp = "/data/appendonlydir/temp-rewrite.aof";
        write_base(fs(), temp, sent_sets, *cut);
        rewriting = false;
        auto w = writer;
        sys.spawn([w, temp](caf::event_based_actor* a) {
          a->request(w, caf::infinite, aof_rewrite_finish_atom::value, temp, false)
              .then([](const std::string&) {}); // fails once the process is dead
        });
      } else if (sched.has_job()) {
        sched.run_once();
      }
    }
    stop_writer();
    sched.run();
    announced_total += durable_at_crash;
    aof_load_result r;
    auto seqs = surviving(r);
    rewrites_done += r.manifest.base_seq > 1;
    CAF_CHECK(r.status != aof_load_status::failed);
    if (r.status == aof_load_status::failed)
      CAF_MESSAGE("seed " << seed << ": " << r.error);
    // A prefix of what was sent, covering everything announced, with
    // every transaction whole or absent.
    CAF_REQUIRE_LESS_OR_EQUAL(seqs.size(), sent_sets.size());
    CAF_CHECK(std::equal(seqs.begin(), seqs.end(), sent_sets.begin()));
    for (uint64_t s : sent_sets)
      if (s <= durable_at_crash)
        CAF_CHECK(std::binary_search(seqs.begin(), seqs.end(), s));
    for (auto [first, last] : transactions) {
      auto n = std::count_if(seqs.begin(), seqs.end(),
                             [&](uint64_t s) { return s >= first && s <= last; });
      CAF_CHECK(n == 0 || n == static_cast<long>(last - first + 1));
    }
    // The directory is usable again: a restart appends after the survivors.
    start_writer(fsync_policy::always);
    send_batch(1, false);
    sched.run();
    stop_writer();
    auto again = surviving(r);
    CAF_CHECK(r.status == aof_load_status::ok);
    CAF_CHECK_EQUAL(again.size(), seqs.size() + 1);
  }
  // The crashes hit real work: announced writes, finished rewrites.
  CAF_MESSAGE("announced " << announced_total << " seqs, " << rewrites_done << " rewrites");
  CAF_CHECK_GREATER(announced_total, 1000u);
  CAF_CHECK_GREATER(rewrites_done, 20);
}

// A rewrite with a cut ahead of the stream rotates exactly after the cut;
// finishing it makes the new base current and deletes the old files.
CAF_TEST(rewrite_rotates_at_the_cut) {
  start_writer(fsync_policy::everysec);
  send_batch(2, false);
  sched.run();
  auto answer = ask_writer(aof_rewrite_start_atom::value, uint64_t{4});
  auto w = writer;
  sched.run();
  CAF_CHECK_EQUAL(answer->first, "pending");
  send_batch(4, false); // seqs 3..6: 3 and 4 before the cut
  sched.run();
  CAF_CHECK_EQUAL(answer->first, "");
  CAF_CHECK_EQUAL(answer->second, 4u);
  CAF_CHECK(status->rewrite_in_progress.load());
  CAF_CHECK_EQUAL(fs().contents("/data/appendonlydir/appendonly.aof.manifest"),
                  "file appendonly.aof.1.base.aof seq 1 type b\n"
                  "file appendonly.aof.1.incr.aof seq 1 type i\n"
                  "file appendonly.aof.2.incr.aof seq 2 type i\n");
  // A second rewrite cannot start meanwhile.
  auto second = ask_writer(aof_rewrite_start_atom::value, uint64_t{0});
  sched.run();
  CAF_CHECK_EQUAL(second->first, "an AOF rewrite is already in progress");
  write_base(fs(), "/data/appendonlydir/temp-rewrite.aof", sent_sets, 4);
  auto finished = std::make_shared<std::string>("pending");
  sys.spawn([w, finished](caf::event_based_actor* a) {
    a->request(w, caf::infinite, aof_rewrite_finish_atom::value,
               std::string("/data/appendonlydir/temp-rewrite.aof"), false)
        .then([finished](const std::string& err) { *finished = err; });
  });
  sched.run();
  CAF_CHECK_EQUAL(*finished, "");
  CAF_CHECK_EQUAL(fs().contents("/data/appendonlydir/appendonly.aof.manifest"),
                  "file appendonly.aof.2.base.aof seq 2 type b\n"
                  "file appendonly.aof.2.incr.aof seq 2 type i\n");
  CAF_CHECK(!fs().exists("/data/appendonlydir/appendonly.aof.1.base.aof"));
  CAF_CHECK(!fs().exists("/data/appendonlydir/appendonly.aof.1.incr.aof"));
  CAF_CHECK(!status->rewrite_in_progress.load());
  CAF_CHECK_EQUAL(status->rewrites.load(), 1u);
  stop_writer();
  aof_load_result r;
  auto seqs = surviving(r);
  CAF_CHECK_EQUAL(seqs, (std::vector<uint64_t>{1, 2, 3, 4, 5, 6}));
  std::string info;
  append_aof_info(info, status.get(), 0);
  CAF_CHECK(info.find("aof_enabled:0\r\n") != std::string::npos);
  CAF_CHECK(info.find("aof_rewrites:1\r\n") != std::string::npos);
}

// everysec: nothing is fsynced until a second has passed, then the fsync
// runs on the background thread; the writer never waits for it.
CAF_TEST(everysec_fsyncs_a_second_behind) {
  start_writer(fsync_policy::everysec);
  send_batch(3, false);
  sched.run();
  CAF_CHECK_EQUAL(status->written_seq.load(), 3u);
  CAF_CHECK_EQUAL(*durable, 0u); // no announcements outside always
  sched.advance_time(std::chrono::milliseconds(1000));
  sched.run();
  for (int i = 0; i < 200 && status->durable_seq.load() < 3; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  CAF_CHECK_EQUAL(status->durable_seq.load(), 3u);
  std::mt19937_64 rng(3);
  fs().crash(rng);
  aof_load_result r;
  auto seqs = surviving(r);
  CAF_CHECK_EQUAL(seqs, (std::vector<uint64_t>{1, 2, 3}));
}

// everysec on a busy disk: while the background fsync runs, writes wait
// up to two seconds, then go ahead (aof_delayed_fsync counts it).
CAF_TEST(everysec_postpones_writes_behind_a_slow_fsync) {
  slow_disk disk(fs());
  std::string err;
  auto cfg = config(fsync_policy::everysec);
  cfg.fs = &disk;
  auto log = aof_log::open(cfg, err);
  CAF_REQUIRE(log != nullptr);
  disk.close_gate();
  writer = spawn_aof_writer(sys, std::move(log), record_durable());
  send_batch(1, false); // written; its fsync starts and hangs
  sched.run();
  for (int i = 0; i < 200 && status->pending_fsync.load() == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  CAF_CHECK_EQUAL(status->written_seq.load(), 1u);
  send_batch(1, false); // postponed
  sched.run();
  CAF_CHECK_EQUAL(status->written_seq.load(), 1u);
  CAF_CHECK_GREATER(status->buffer_length.load(), 0u);
  for (int i = 0; i < 19; ++i) {
    sched.advance_time(std::chrono::milliseconds(100));
    sched.run();
  }
  CAF_CHECK_EQUAL(status->written_seq.load(), 1u);
  for (int i = 0; i < 3; ++i) {
    sched.advance_time(std::chrono::milliseconds(100));
    sched.run();
  }
  CAF_CHECK_EQUAL(status->written_seq.load(), 2u);
  CAF_CHECK_EQUAL(status->delayed_fsync.load(), 1u);
  disk.open_gate();
  stop_writer();
  CAF_CHECK_EQUAL(status->pending_fsync.load(), 0u);
}

// no: the writer never fsyncs; a crash may take everything, but what is
// left loads.
CAF_TEST(policy_no_never_fsyncs) {
  start_writer(fsync_policy::no);
  send_batch(3, false);
  sched.run();
  sched.advance_time(std::chrono::milliseconds(5000));
  sched.run();
  CAF_CHECK_EQUAL(status->written_seq.load(), 3u);
  CAF_CHECK_EQUAL(status->durable_seq.load(), 0u);
  CAF_CHECK(!sched.has_pending_timeout());
  std::mt19937_64 rng(5);
  fs().crash(rng);
  aof_load_result r;
  surviving(r);
  CAF_CHECK(r.status != aof_load_status::failed);
}

// A full disk: the write fails, the data stays buffered, nothing is
// announced, INFO says err; when space returns the retry writes it all.
CAF_TEST(disk_full_keeps_data_and_recovers) {
  start_writer(fsync_policy::always);
  send_batch(2, false);
  sched.run();
  CAF_CHECK_EQUAL(*durable, 2u);
  fs().set_capacity(fs().contents("/data/appendonlydir/appendonly.aof.1.incr.aof").size() +
                    fs().contents("/data/appendonlydir/appendonly.aof.manifest").size() + 10);
  send_batch(3, false);
  sched.run();
  CAF_CHECK_EQUAL(*durable, 2u);
  CAF_CHECK(status->write_error());
  CAF_CHECK_EQUAL(status->error_text(), "No space left on device");
  CAF_CHECK_GREATER(status->buffer_length.load(), 0u);
  CAF_CHECK_EQUAL(log_lines.back(), "Error writing to the AOF file: No space left on device");
  std::string info;
  append_aof_info(info, status.get(), 0);
  CAF_CHECK(info.find("aof_last_write_status:err\r\n") != std::string::npos);
  // Retries while full change nothing and log nothing new.
  auto lines = log_lines.size();
  sched.advance_time(std::chrono::milliseconds(100));
  sched.run();
  CAF_CHECK_EQUAL(log_lines.size(), lines);
  fs().set_capacity(UINT64_MAX);
  sched.advance_time(std::chrono::milliseconds(100));
  sched.run();
  CAF_CHECK_EQUAL(*durable, 5u);
  CAF_CHECK(!status->write_error());
  CAF_CHECK_EQUAL(log_lines.back(), "AOF write error looks solved, Redis can write again.");
  stop_writer();
  aof_load_result r;
  auto seqs = surviving(r);
  CAF_CHECK_EQUAL(seqs, (std::vector<uint64_t>{1, 2, 3, 4, 5}));
}

// Leaving always releases what was held; aof_flush makes everything durable
// once every record up to its seq has arrived.
CAF_TEST(policy_change_and_flush) {
  start_writer(fsync_policy::everysec);
  send_batch(2, false);
  sched.run();
  auto answer = ask_writer(aof_flush_atom::value, uint64_t{3});
  sched.run();
  CAF_CHECK_EQUAL(answer->first, "pending");
  send_batch(1, false);
  sched.run();
  CAF_CHECK_EQUAL(answer->first, "");
  CAF_CHECK_EQUAL(answer->second, 3u);
  caf::anon_send(writer, aof_policy_atom::value, std::string("always"));
  send_batch(1, false);
  sched.run();
  CAF_CHECK_EQUAL(*durable, 4u);
  caf::anon_send(writer, aof_policy_atom::value, std::string("no"));
  send_batch(1, false);
  sched.run();
  CAF_CHECK_EQUAL(*durable, 4u);
}

CAF_TEST_FIXTURE_SCOPE_END()
