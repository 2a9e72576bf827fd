// Deterministic test of a script killed while it holds every partition: the
// kill ends it with Redis's error, the partitions are released, and work that
// queued at them meanwhile runs afterwards, in order.
#include <caf/test/unit_test.hpp>

#include <thread>

#include "scripting/running_script.hpp"
#include "tests/actors/partition_fixture.hpp"

using namespace actis;
using namespace actis::actors;
using partition_test::fixture;

CAF_TEST_FIXTURE_SCOPE(script_kill_tests, fixture)

CAF_TEST(killed_script_releases_its_partitions) {
  std::vector<partition_ref> all;
  for (uint32_t p = 0; p < partition_count; ++p)
    all.push_back(partition_ref{p, partitions[p], data[p].get()});
  auto reply = std::make_shared<std::string>();
  auto log = std::make_shared<std::vector<std::string>>();
  // SCRIPT KILL from "another client": a thread that waits for the script.
  std::thread killer([] {
    auto& s = scripting::current_script();
    while (!s.active.load())
      std::this_thread::yield();
    while (scripting::request_kill(false) != scripting::kill_outcome::requested)
      std::this_thread::yield();
  });
  track(sys.spawn([this, all, reply](caf::event_based_actor* self) {
    hold_and_run(
        self, all, partition_count, watchdog,
        [this, reply](std::vector<commands::partition_data*>& parts) {
          commands::keyspace ks(parts, partition_count, &sink, unix_ms());
          protocol::command_args argv{"EVAL", "while true do end", "0"};
          protocol::reply_builder out(*reply, 2);
          commands::execute(*commands::table().find("eval"), argv, out, &ks, 0, nullptr);
        },
        [](uint32_t, const caf::error&) { CAF_FAIL("hold failed"); });
    return caf::behavior{[](int) {}};
  }));
  // Take both holds, then queue a read at each held partition.
  for (int i = 0; i < 4; ++i)
    sched.run_once();
  send_get(0, key_a, log);
  send_get(1, key_b, log);
  sched.run();
  killer.join();
  CAF_CHECK(reply->rfind("-ERR Script killed by user with SCRIPT KILL...", 0) == 0);
  CAF_CHECK(!scripting::current_script().active.load());
  CAF_CHECK(!*held[0] && !*held[1]);
  CAF_CHECK_EQUAL(log->size(), 2u);
}

CAF_TEST_FIXTURE_SCOPE_END()
