// The fixture of the actor tests: partitions as ordinary actors under CAF's
// deterministic test coordinator, and helpers that drive them.
#pragma once

#include <caf/test/dsl.hpp>

#include <algorithm>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "actors/families.hpp"
#include "actors/loop.hpp"
#include "actors/messages.hpp"
#include "actors/partition.hpp"
#include "actors/transaction.hpp"
#include "actors/write_stream.hpp"
#include "commands/command.hpp"
#include "commands/executor.hpp"

namespace partition_test {

using namespace actis;
using namespace actis::actors;

struct test_config : caf::actor_system_config {
  test_config() { actis::actors::add_message_types(*this); }
};

/// Two partitions as ordinary actors under the deterministic scheduler.
struct fixture : test_coordinator_fixture<test_config> {
  static constexpr uint32_t partition_count = 2;

  fixture() {
    static bool registered = [] {
      register_all_commands();
      return true;
    }();
    (void)registered;
    for (uint32_t p = 0; p < partition_count; ++p) {
      data.push_back(std::make_unique<commands::partition_data>(p, 16));
      held.push_back(std::make_unique<bool>(false));
      auto env = env_of(p);
      partitions.push_back(sys.spawn([env](caf::event_based_actor* self) {
        return partition_behavior(self, env);
      }));
    }
    // Two keys owned by different partitions.
    for (int i = 0; key_a.empty() || key_b.empty(); ++i) {
      auto k = "key" + std::to_string(i);
      auto p = commands::keyspace::partition_of(k, partition_count);
      (p == 0 ? key_a : key_b) = k;
    }
  }

  ~fixture() {
    for (auto& a : partitions)
      caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
    for (auto& a : spawned)
      caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
    sched.run();
  }

  /// What partition `p`'s actor works on.
  partition_env env_of(uint32_t p) {
    partition_env env;
    env.data = data[p].get();
    env.held = held[p].get();
    env.partition_count = partition_count;
    env.sink = &sink;
    return env;
  }

  /// Runs `batch` on partition `p` directly, as its actor would.
  batch_result run_batch_on(uint32_t p, partition_batch& batch) {
    std::vector<commands::partition_data*> parts(partition_count, nullptr);
    parts[p] = data[p].get();
    auto env = env_of(p);
    return run_batch(env, parts, batch);
  }

  /// Remembers an actor so the fixture stops it at the end.
  caf::actor track(caf::actor a) {
    spawned.push_back(a);
    return a;
  }

  std::vector<partition_ref> refs_for(const protocol::command_args& argv) {
    auto* spec = commands::table().find(argv[0]);
    std::vector<size_t> pos;
    commands::table().key_positions(*spec, argv, pos);
    std::vector<uint32_t> idx;
    for (auto i : pos)
      idx.push_back(commands::keyspace::partition_of(argv[i], partition_count));
    std::sort(idx.begin(), idx.end());
    idx.erase(std::unique(idx.begin(), idx.end()), idx.end());
    std::vector<partition_ref> refs;
    for (auto i : idx)
      refs.push_back(partition_ref{i, partitions[i], data[i].get()});
    return refs;
  }

  /// Spawns a client that runs `argv` as a transaction and stores the reply.
  caf::actor client(protocol::command_args argv, std::shared_ptr<std::string> reply) {
    auto refs = refs_for(argv);
    return track(sys.spawn([this, argv, reply, refs](caf::event_based_actor* self) {
      hold_and_run(self, refs, partition_count, watchdog,
                   [this, argv, reply](std::vector<commands::partition_data*>& parts) {
                     commands::keyspace ks(parts, partition_count, &sink, unix_ms());
                     std::string error;
                     auto* spec = commands::table().resolve(argv, error);
                     protocol::reply_builder out(*reply, 2);
                     commands::execute(*spec, argv, out, &ks, 0, nullptr);
                   },
                   [reply](uint32_t partition, const caf::error&) {
                     *reply = "failed at partition " + std::to_string(partition);
                   });
      return caf::behavior{[](int) {}};
    }));
  }

  /// Spawns a client that runs `cmds` in order under one hold (as a
  /// pipeline's transaction unit) and appends their replies to `replies`.
  caf::actor unit(std::vector<protocol::command_args> cmds,
                  std::shared_ptr<std::vector<std::string>> replies) {
    std::vector<partition_ref> refs;
    for (auto& argv : cmds)
      for (auto& r : refs_for(argv))
        if (std::none_of(refs.begin(), refs.end(),
                         [&](const partition_ref& x) { return x.index == r.index; }))
          refs.push_back(r);
    std::sort(refs.begin(), refs.end(),
              [](const partition_ref& x, const partition_ref& y) { return x.index < y.index; });
    return track(sys.spawn([this, cmds, replies, refs](caf::event_based_actor* self) {
      hold_and_run(self, refs, partition_count, watchdog,
                   [this, cmds, replies](std::vector<commands::partition_data*>& parts) {
                     commands::keyspace ks(parts, partition_count, &sink, unix_ms());
                     for (auto& argv : cmds) {
                       std::string error;
                       auto* spec = commands::table().resolve(argv, error);
                       replies->emplace_back();
                       protocol::reply_builder out(replies->back(), 2);
                       commands::execute(*spec, argv, out, &ks, 0, nullptr);
                     }
                   },
                   [replies](uint32_t partition, const caf::error&) {
                     replies->push_back("failed at partition " + std::to_string(partition));
                   });
      return caf::behavior{[](int) {}};
    }));
  }

  /// Spawns a coordinator that holds `refs`, runs an empty body and
  /// releases; logs "<name> ran" or "<name> failed at <partition>". An int
  /// message ticks its watchdog two minutes ahead.
  caf::actor holder(std::vector<partition_ref> refs, std::shared_ptr<std::vector<std::string>> log,
                    std::string name) {
    return track(sys.spawn([this, refs, log, name](caf::event_based_actor* self) {
      hold_and_run(
          self, refs, partition_count, watchdog,
          [log, name](std::vector<commands::partition_data*>&) { log->push_back(name + " ran"); },
          [log, name](uint32_t partition, const caf::error&) {
            log->push_back(name + " failed at " + std::to_string(partition));
          });
      // An int is the coordinator's clock tick two minutes later: its
      // watchdog expires what is still unanswered (as a loop manager's tick).
      return caf::behavior{[this](int) { watchdog.expire(unix_ms() + 120000, 60000); }};
    }));
  }

  /// Sends partition `p` a one-command batch from a fresh actor; the reply
  /// is appended to `log`.
  void send_get(uint32_t p, const std::string& key, std::shared_ptr<std::vector<std::string>> log) {
    partition_batch batch;
    batch.batches.push_back(conn_batch{1, {batch_item{0, 2, {"GET", key}}}});
    track(sys.spawn([this, p, batch, log](caf::event_based_actor* s) {
      s->request(partitions[p], caf::infinite, exec_batch_atom::value, batch)
          .then([log](batch_result& res) { log->push_back(res.results.at(0).replies.at(0)); });
      return caf::behavior{[](int) {}};
    }));
  }

  /// Runs ready actors in a random order until nothing is left to do.
  void run_shuffled(std::mt19937& rng) {
    while (!sched.jobs.empty()) {
      std::uniform_int_distribution<size_t> pick(0, sched.jobs.size() - 1);
      auto i = pick(rng);
      std::swap(sched.jobs.front(), sched.jobs[i]);
      sched.run_once();
    }
  }

  /// Direct peek at a key (valid only while no transaction runs).
  bool exists(const std::string& key) {
    auto p = commands::keyspace::partition_of(key, partition_count);
    return data[p]->dbs[0].find(key) != nullptr;
  }

  std::vector<std::unique_ptr<commands::partition_data>> data;
  std::vector<std::unique_ptr<bool>> held;
  std::vector<caf::actor> partitions;
  std::vector<caf::actor> spawned;
  loop_write_sink sink;
  request_watchdog watchdog;
  std::string key_a, key_b;
};

} // namespace partition_test
