// Deterministic tests of the AOF writer on the simulated disk: batches fed
// through the actor, the machine crashing at random points (also during a
// rewrite's rotation), and the surviving directory loaded back. Under
// appendfsync always, every seq announced durable must survive, exactly
// once and in order; under every policy the directory must stay loadable.
#include <caf/test/unit_test.hpp>

#include <caf/test/dsl.hpp>

#include <map>
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

struct aof_fixture : test_coordinator_fixture<aof_config> {
  std::unique_ptr<simulated_file_system> disk = std::make_unique<simulated_file_system>();
  simulated_file_system& fs() { return *disk; }
  /// The SET seqs sent, in order, and the [first, last] SET seqs of each
  /// transaction.
  std::vector<uint64_t> sent_sets;
  std::vector<std::pair<uint64_t, uint64_t>> transactions;
  std::shared_ptr<aof_status> status = std::make_shared<aof_status>();
  std::shared_ptr<uint64_t> durable = std::make_shared<uint64_t>(0);
  std::vector<std::string> log_lines;
  caf::actor subscriber;
  caf::actor writer;
  uint64_t next_seq = 1;

  aof_fixture() {
    auto seen = durable;
    subscriber = sys.spawn([seen](caf::event_based_actor*) {
      return caf::behavior{[seen](aof_durable_atom, uint64_t seq) {
        if (seq > *seen)
          *seen = seq;
      }};
    });
  }

  ~aof_fixture() {
    stop_writer();
    caf::anon_send_exit(subscriber, caf::exit_reason::user_shutdown);
    sched.run();
  }

  aof_log_config config(fsync_policy p) {
    aof_log_config cfg;
    cfg.fs = disk.get();
    cfg.dir = "/data/appendonlydir";
    cfg.policy = p;
    cfg.status = status;
    cfg.log = [this](bool, std::string_view text) { log_lines.emplace_back(text); };
    return cfg;
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
    writer = spawn_aof_writer(sys, std::move(log), subscriber);
  }

  void stop_writer() {
    if (writer) {
      caf::anon_send_exit(writer, caf::exit_reason::user_shutdown);
      sched.run();
      writer = nullptr;
    }
  }

  /// A batch of `n` records; every third batch is a transaction.
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

/// The base a rewrite writes: every SET up to `cut`, crash-safely.
void write_base(file_system& fs, const std::string& path, uint64_t cut) {
  aof_encoder enc;
  std::string bytes;
  for (uint64_t s = 1; s <= cut; ++s)
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
  for (unsigned seed = 1; seed <= 150; ++seed) {
    std::mt19937_64 rng(seed);
    disk = std::make_unique<simulated_file_system>();
    *durable = 0;
    next_seq = 1;
    sent_sets.clear();
    transactions.clear();
    start_writer(fsync_policy::always);
    uint64_t crash_after = rng() % 60;
    uint64_t durable_at_crash = 0;
    bool rewriting = false;
    auto cut = std::make_shared<uint64_t>(0);
    auto finished = std::make_shared<bool>(false);
    for (uint64_t step = 0;; ++step) {
      if (step == crash_after) {
        durable_at_crash = *durable;
        fs().crash(rng);
        break;
      }
      auto r = rng() % 10;
      if (r < 4) {
        send_batch(1 + rng() % 4, r == 0);
      } else if (r == 4 && !rewriting) {
        rewriting = true;
        *cut = 0;
        *finished = false;
        auto w = writer;
        sys.spawn([w, cut](caf::event_based_actor* a) {
          a->request(w, caf::infinite, aof_rewrite_start_atom::value, uint64_t{0})
              .then([cut](const std::string& err, uint64_t c) {
                if (err.empty())
                  *cut = c;
              });
        });
      } else if (r == 5 && rewriting && *cut != 0) {
        std::string temp = "/data/appendonlydir/temp-rewrite.aof";
        write_base(fs(), temp, *cut);
        rewriting = false;
        auto w = writer;
        sys.spawn([w, temp](caf::event_based_actor* a) {
          a->request(w, caf::infinite, aof_rewrite_finish_atom::value, temp, false)
              .then([](const std::string&) {});
        });
      } else if (sched.has_job()) {
        sched.run_once();
      }
    }
    stop_writer();
    sched.run();
    aof_load_result r;
    auto seqs = surviving(r);
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
}

CAF_TEST_FIXTURE_SCOPE_END()
