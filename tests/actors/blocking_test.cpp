// Deterministic tests of the blocking conversation (commands/blocking.hpp):
// clients parked on keys of two partitions, fed by transactions and batches
// under many random interleavings, are served exactly once and nothing is
// lost.
#include <caf/test/unit_test.hpp>

#include "tests/actors/partition_fixture.hpp"

using namespace actis;
using namespace actis::actors;

namespace {

/// A parked client that records what it got.
struct recorded_client final : commands::blocked_client {
  using blocked_client::blocked_client;
  void deliver(std::string reply) override { replies.push_back(std::move(reply)); }
  void retry() override { ++retries; }
  std::vector<std::string> replies;
  int retries = 0;
};

struct blocking_fixture : partition_test::fixture {
  /// Runs `argv` (a blocking command) for a new client, holding every
  /// partition directly: only valid while no actor runs. It must park.
  std::shared_ptr<recorded_client> park(protocol::command_args argv) {
    std::string error;
    auto* spec = commands::table().resolve(argv, error);
    auto w = std::make_shared<recorded_client>(*spec, argv, 0, 2);
    std::vector<commands::partition_data*> all;
    for (auto& d : data)
      all.push_back(d.get());
    commands::keyspace ks(all, partition_count, &sink, unix_ms());
    std::string reply;
    protocol::reply_builder out(reply, 2);
    bool parked = commands::execute(*spec, w->argv, out, &ks, 0, nullptr, nullptr, w);
    CAF_REQUIRE(parked);
    CAF_REQUIRE(reply.empty());
    return w;
  }

  /// Sends partition `p` a batch of `cmds` from a fresh actor.
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

  size_t list_length(const std::string& key) {
    auto p = commands::keyspace::partition_of(key, partition_count);
    auto* e = data[p]->dbs[0].find(key);
    if (e == nullptr)
      return 0;
    std::vector<commands::partition_data*> view(partition_count, nullptr);
    view[p] = data[p].get();
    commands::keyspace ks(view, partition_count, &sink, unix_ms());
    std::string reply;
    protocol::reply_builder out(reply, 2);
    protocol::command_args argv{"LLEN", key};
    std::string error;
    commands::execute(*commands::table().resolve(argv, error), argv, out, &ks, 0, nullptr);
    return static_cast<size_t>(std::stoll(reply.substr(1)));
  }

  static std::string pop_reply(const std::string& key, const std::string& value) {
    return "*2\r\n$" + std::to_string(key.size()) + "\r\n" + key + "\r\n$" +
           std::to_string(value.size()) + "\r\n" + value + "\r\n";
  }

  void clear_all() {
    for (auto& d : data) {
      d->dbs[0].clear();
      d->waiters = commands::waiter_table{};
    }
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(blocking_tests, blocking_fixture)

// Two clients blocked on keys of different partitions; one transaction unit
// pushes into both. Each is served once, with its own key's element, and
// the lists end empty.
CAF_TEST(one_transaction_feeds_clients_blocked_on_two_partitions) {
  for (unsigned seed = 1; seed <= 200; ++seed) {
    std::mt19937 rng(seed);
    clear_all();
    auto on_a = park({"BLPOP", key_a, "0"});
    auto on_b = park({"BRPOP", key_b, "0"});
    auto replies = std::make_shared<std::vector<std::string>>();
    unit({{"RPUSH", key_a, "x"}, {"RPUSH", key_b, "y"}}, replies);
    run_shuffled(rng);
    CAF_REQUIRE_EQUAL(replies->size(), 2u);
    CAF_REQUIRE_EQUAL(on_a->replies.size(), 1u);
    CAF_REQUIRE_EQUAL(on_b->replies.size(), 1u);
    CAF_REQUIRE_EQUAL(on_a->replies[0], pop_reply(key_a, "x"));
    CAF_REQUIRE_EQUAL(on_b->replies[0], pop_reply(key_b, "y"));
    CAF_REQUIRE_EQUAL(list_length(key_a), 0u);
    CAF_REQUIRE_EQUAL(list_length(key_b), 0u);
    CAF_REQUIRE(data[0]->waiters.empty() && data[1]->waiters.empty());
  }
}

// A client blocked on a key in each partition; both keys are fed at the same
// moment, one by a transaction, one by a batch, in any interleaving. It is
// served exactly once; the other element stays.
CAF_TEST(client_blocked_on_two_partitions_is_served_once) {
  for (unsigned seed = 1; seed <= 300; ++seed) {
    std::mt19937 rng(seed);
    clear_all();
    auto w = park({"BLPOP", key_a, key_b, "0"});
    auto replies = std::make_shared<std::vector<std::string>>();
    unit({{"RPUSH", key_a, "x"}}, replies);
    send_batch(1, {{"RPUSH", key_b, "y"}});
    run_shuffled(rng);
    CAF_REQUIRE_EQUAL(w->replies.size(), 1u);
    CAF_REQUIRE(w->claimed());
    bool took_a = w->replies[0] == pop_reply(key_a, "x");
    bool took_b = w->replies[0] == pop_reply(key_b, "y");
    CAF_REQUIRE(took_a != took_b);
    CAF_REQUIRE_EQUAL(list_length(key_a), took_a ? 0u : 1u);
    CAF_REQUIRE_EQUAL(list_length(key_b), took_b ? 0u : 1u);
  }
}

// Clients blocked on one key are served oldest first, one element each.
CAF_TEST(waiters_of_one_key_are_served_in_order) {
  clear_all();
  auto first = park({"BLPOP", key_a, "0"});
  auto second = park({"BLPOP", key_a, "0"});
  auto third = park({"BLPOP", key_a, "0"});
  send_batch(0, {{"RPUSH", key_a, "1", "2"}});
  sched.run();
  CAF_REQUIRE_EQUAL(first->replies.size(), 1u);
  CAF_CHECK_EQUAL(first->replies[0], pop_reply(key_a, "1"));
  CAF_REQUIRE_EQUAL(second->replies.size(), 1u);
  CAF_CHECK_EQUAL(second->replies[0], pop_reply(key_a, "2"));
  CAF_CHECK(third->replies.empty());
  CAF_CHECK(!third->claimed());
}

// A BLMOVE whose destination lives on another partition is handed back to
// its client (to run again holding both) instead of half-moving; the
// element stays in the source.
CAF_TEST(blmove_across_partitions_is_handed_back) {
  clear_all();
  auto mover = park({"BLMOVE", key_a, key_b, "LEFT", "RIGHT", "0"});
  send_batch(0, {{"RPUSH", key_a, "item"}});
  sched.run();
  CAF_CHECK(mover->replies.empty());
  CAF_CHECK_EQUAL(mover->retries, 1);
  CAF_CHECK_EQUAL(list_length(key_a), 1u);
  CAF_CHECK_EQUAL(list_length(key_b), 0u);
}

// An unparked (timed-out) client is dropped by the partition; a later push
// stays in the list.
CAF_TEST(unparked_client_takes_nothing) {
  clear_all();
  auto w = park({"BLPOP", key_a, key_b, "0"});
  CAF_REQUIRE(w->claim());
  for (auto& p : partitions)
    caf::anon_send(p, unpark_atom::value, commands::waiter_ptr(w));
  sched.run();
  CAF_CHECK(data[0]->waiters.empty() && data[1]->waiters.empty());
  send_batch(0, {{"RPUSH", key_a, "x"}});
  sched.run();
  CAF_CHECK(w->replies.empty());
  CAF_CHECK_EQUAL(list_length(key_a), 1u);
}

CAF_TEST_FIXTURE_SCOPE_END()
