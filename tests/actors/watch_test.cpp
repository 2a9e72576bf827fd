// Deterministic tests of WATCH / MULTI / EXEC as partition conversations:
// two clients each WATCH two keys on different partitions, read them, and
// EXEC a read-modify-write of both, under random message interleavings. With
// WATCH an update is never lost: the final values are those of the EXECs
// that succeeded, applied one after another.
#include <caf/test/unit_test.hpp>

#include "commands/watch.hpp"
#include "tests/actors/partition_fixture.hpp"

using namespace actis;
using namespace actis::actors;
using partition_test::fixture;

namespace {

long long value_of(const std::string& reply) {
  // "$N\r\n<digits>\r\n"
  auto start = reply.find("\r\n") + 2;
  return std::stoll(reply.substr(start, reply.find("\r\n", start) - start));
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(watch_tests, fixture)

// Each client: WATCH a b; GET a; GET b (one hold); then EXEC { SET a (a-1);
// SET b (b+1) } (a second hold), which must fail if the other client's EXEC
// ran in between.
CAF_TEST(watched_transfers_never_lose_an_update) {
  for (unsigned seed = 1; seed <= 300; ++seed) {
    std::mt19937 rng(seed);
    for (auto& d : data)
      d->dbs[0].clear();
    auto set = std::make_shared<std::string>();
    client({"MSET", key_a, "10", key_b, "10"}, set);
    sched.run();
    auto refs = refs_for({"MSET", key_a, "x", key_b, "x"});
    auto outcomes = std::make_shared<std::vector<std::string>>();
    for (int c = 0; c < 2; ++c) {
      track(sys.spawn([this, refs, outcomes](caf::event_based_actor* self) {
        auto session = std::make_shared<commands::watch_session>();
        auto read = std::make_shared<std::pair<long long, long long>>();
        auto run = [this](commands::keyspace& ks, protocol::command_args argv) {
          std::string reply;
          protocol::reply_builder out(reply, 2);
          commands::execute_nested(*commands::table().find(argv[0]), argv, out, ks, 0, false);
          return reply;
        };
        hold_and_run(
            self, refs, partition_count, watchdog,
            [this, self, session, read, run](std::vector<commands::partition_data*>& parts) {
              commands::keyspace ks(parts, partition_count, &sink, unix_ms());
              for (auto& k : {key_a, key_b})
                commands::watch_key(ks.part(k), 0, k, session, ks.now_ms());
              read->first = value_of(run(ks, {"GET", key_a}));
              read->second = value_of(run(ks, {"GET", key_b}));
              self->send(self, 1);
            },
            [](uint32_t, const caf::error&) { CAF_FAIL("hold failed"); });
        return caf::behavior{[this, self, refs, session, read, run, outcomes](int) {
          hold_and_run(
              self, refs, partition_count, watchdog,
              [this, session, read, run, outcomes](std::vector<commands::partition_data*>& parts) {
                commands::keyspace ks(parts, partition_count, &sink, unix_ms());
                bool broken = false;
                for (auto& k : {key_a, key_b}) {
                  broken = broken || commands::watch_broken(ks.part(k), 0, k, *session, ks.now_ms());
                  commands::unwatch_key(ks.part(k), 0, k, session.get());
                }
                if (broken) {
                  outcomes->push_back("aborted");
                  return;
                }
                run(ks, {"SET", key_a, std::to_string(read->first - 1)});
                run(ks, {"SET", key_b, std::to_string(read->second + 1)});
                outcomes->push_back("ok");
              },
              [](uint32_t, const caf::error&) { CAF_FAIL("hold failed"); });
        }};
      }));
    }
    run_shuffled(rng);
    CAF_REQUIRE_EQUAL(outcomes->size(), 2u);
    auto ok = std::count(outcomes->begin(), outcomes->end(), "ok");
    CAF_REQUIRE(ok >= 1);
    auto a = std::make_shared<std::string>();
    auto b = std::make_shared<std::string>();
    client({"GET", key_a}, a);
    client({"GET", key_b}, b);
    sched.run();
    CAF_REQUIRE_EQUAL(value_of(*a), 10 - ok);
    CAF_REQUIRE_EQUAL(value_of(*b), 10 + ok);
    CAF_REQUIRE(data[0]->watches.empty() && data[1]->watches.empty());
    CAF_REQUIRE(data[0]->observers.watch == nullptr && data[1]->observers.watch == nullptr);
  }
}

CAF_TEST_FIXTURE_SCOPE_END()
