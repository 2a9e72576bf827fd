// Deterministic tests of XREADGROUP BLOCK over the blocking conversation:
// two consumers of one group parked on a stream, fed by XADDs from a
// transaction unit and a batch under many random interleavings. Each entry
// goes to exactly one consumer, the group's PEL holds each once, and an
// unparked (timed-out) consumer takes nothing.
#include <caf/test/unit_test.hpp>

#include "tests/actors/partition_fixture.hpp"

using namespace actis;
using namespace actis::actors;

namespace {

struct recorded_reader final : commands::blocked_client {
  using blocked_client::blocked_client;
  void deliver(std::string reply) override { replies.push_back(std::move(reply)); }
  void retry() override { ++retries; }
  std::vector<std::string> replies;
  int retries = 0;
};

struct stream_block_fixture : partition_test::fixture {
  /// Runs `argv` holding every partition directly (no actor may run):
  /// parks it when `w` is given, else returns its reply.
  std::string run(protocol::command_args argv, std::shared_ptr<recorded_reader>* w = nullptr) {
    std::string error;
    auto* spec = commands::table().resolve(argv, error);
    std::vector<commands::partition_data*> all;
    for (auto& d : data)
      all.push_back(d.get());
    commands::keyspace ks(all, partition_count, &sink, unix_ms());
    std::string reply;
    protocol::reply_builder out(reply, 2);
    if (w == nullptr) {
      commands::execute(*spec, argv, out, &ks, 0, nullptr);
      return reply;
    }
    *w = std::make_shared<recorded_reader>(*spec, argv, 0, 2);
    bool parked = commands::execute(*spec, (*w)->argv, out, &ks, 0, nullptr, nullptr, *w);
    CAF_REQUIRE(parked);
    CAF_REQUIRE(reply.empty());
    return reply;
  }

  std::shared_ptr<recorded_reader> park(protocol::command_args argv) {
    std::shared_ptr<recorded_reader> w;
    run(std::move(argv), &w);
    return w;
  }

  void send_batch(uint32_t p, std::vector<protocol::command_args> cmds) {
    partition_batch batch;
    conn_batch cb{7, {}};
    for (auto& argv : cmds)
      cb.items.push_back(batch_item{0, 2, argv});
    batch.batches.push_back(std::move(cb));
    track(sys.spawn([this, p, batch](caf::event_based_actor* s) {
      s->request(partitions[p], caf::infinite, exec_batch_atom::value, batch)
          .then([](batch_result&) {});
      return caf::behavior{[](int) {}};
    }));
  }

  void reset_stream() {
    for (auto& d : data) {
      d->dbs[0].clear();
      d->waiters = commands::waiter_table{};
    }
    run({"XGROUP", "CREATE", key_a, "g", "$", "MKSTREAM"});
  }

  /// The reply of XREADGROUP served with one entry `id` (fields n <n>).
  std::string served_reply(const std::string& id, const std::string& n) const {
    return "*1\r\n*2\r\n$" + std::to_string(key_a.size()) + "\r\n" + key_a + "\r\n*1\r\n*2\r\n$" +
           std::to_string(id.size()) + "\r\n" + id + "\r\n*2\r\n$1\r\nn\r\n$1\r\n" + n + "\r\n";
  }

  /// XPENDING's extended rows, without the idle time: "id consumer count".
  std::string pending_of(const std::string& consumer) {
    return run({"XPENDING", key_a, "g", "-", "+", "100", consumer});
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(stream_block_tests, stream_block_fixture)

// Two consumers parked with XREADGROUP BLOCK; one XADD comes from a
// transaction unit, one from a batch to the stream's partition, in any
// interleaving. Each consumer gets exactly one entry, the two differ, and
// each is pending for the consumer that got it.
CAF_TEST(interleaved_xadds_serve_each_consumer_once) {
  for (unsigned seed = 1; seed <= 200; ++seed) {
    std::mt19937 rng(seed);
    reset_stream();
    auto alice = park({"XREADGROUP", "GROUP", "g", "alice", "COUNT", "1", "BLOCK", "0",
                       "STREAMS", key_a, ">"});
    auto bob = park({"XREADGROUP", "GROUP", "g", "bob", "COUNT", "1", "BLOCK", "0", "STREAMS",
                     key_a, ">"});
    // Generated IDs: either XADD may come first.
    auto replies = std::make_shared<std::vector<std::string>>();
    unit({{"XADD", key_a, "*", "n", "1"}}, replies);
    send_batch(0, {{"XADD", key_a, "*", "n", "2"}});
    run_shuffled(rng);
    CAF_REQUIRE_EQUAL(alice->replies.size(), 1u);
    CAF_REQUIRE_EQUAL(bob->replies.size(), 1u);
    auto value_of = [](const std::string& reply) { return reply.substr(reply.size() - 3, 1); };
    CAF_REQUIRE_NOT_EQUAL(value_of(alice->replies[0]), value_of(bob->replies[0]));
    // Each consumer has exactly its own entry pending.
    CAF_REQUIRE_EQUAL(pending_of("alice").substr(0, 4), "*1\r\n");
    CAF_REQUIRE_EQUAL(pending_of("bob").substr(0, 4), "*1\r\n");
    CAF_REQUIRE_EQUAL(run({"XPENDING", key_a, "g"}).substr(0, 8), "*4\r\n:2\r\n");
    CAF_REQUIRE(data[0]->waiters.empty() && data[1]->waiters.empty());
  }
}

// Consumers are served oldest first; a third stays parked with nothing.
CAF_TEST(group_readers_are_served_in_order) {
  reset_stream();
  auto first = park({"XREADGROUP", "GROUP", "g", "c1", "BLOCK", "0", "STREAMS", key_a, ">"});
  auto second = park({"XREADGROUP", "GROUP", "g", "c2", "BLOCK", "0", "STREAMS", key_a, ">"});
  auto third = park({"XREADGROUP", "GROUP", "g", "c3", "BLOCK", "0", "STREAMS", key_a, ">"});
  send_batch(0, {{"XADD", key_a, "1-0", "n", "1"}});
  sched.run();
  CAF_REQUIRE_EQUAL(first->replies.size(), 1u);
  CAF_CHECK_EQUAL(first->replies[0], served_reply("1-0", "1"));
  CAF_CHECK(second->replies.empty());
  send_batch(0, {{"XADD", key_a, "2-0", "n", "2"}});
  sched.run();
  CAF_REQUIRE_EQUAL(second->replies.size(), 1u);
  CAF_CHECK_EQUAL(second->replies[0], served_reply("2-0", "2"));
  CAF_CHECK(third->replies.empty());
  CAF_CHECK(!third->claimed());
}

// A consumer that timed out (claimed and unparked) takes nothing: the new
// entry stays undelivered and nothing is pending.
CAF_TEST(timed_out_reader_leaves_no_pending_entry) {
  reset_stream();
  auto w = park({"XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", key_a, ">"});
  CAF_REQUIRE(w->claim());
  for (auto& p : partitions)
    caf::anon_send(p, unpark_atom::value, commands::waiter_ptr(w));
  sched.run();
  send_batch(0, {{"XADD", key_a, "1-0", "n", "1"}});
  sched.run();
  CAF_CHECK(w->replies.empty());
  CAF_CHECK_EQUAL(run({"XPENDING", key_a, "g"}).substr(0, 8), "*4\r\n:0\r\n");
}

CAF_TEST_FIXTURE_SCOPE_END()
