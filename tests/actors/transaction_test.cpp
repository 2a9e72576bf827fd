// Deterministic tests of the cross-partition conversation (hold / run /
// release) and of the write stream's total order, driven by CAF's test
// coordinator. Every test explores many message interleavings: at each step
// a seeded random generator picks which ready actor runs next.
#define CAF_SUITE actors
#include <caf/test/unit_test_impl.hpp>

#include "tests/actors/partition_fixture.hpp"

using namespace actis;
using namespace actis::actors;
using partition_test::fixture;

CAF_TEST_FIXTURE_SCOPE(transaction_tests, fixture)

// MSETNX and DEL race on two partitions while readers poll MGET: no reader
// may ever see one key without the other, and the outcome must be one of the
// two serial orders.
CAF_TEST(msetnx_races_del_atomically) {
  for (unsigned seed = 1; seed <= 300; ++seed) {
    std::mt19937 rng(seed);
    for (auto& d : data)
      d->dbs[0].clear();
    auto set_reply = std::make_shared<std::string>();
    auto del_reply = std::make_shared<std::string>();
    std::vector<std::shared_ptr<std::string>> reads;
    client({"MSETNX", key_a, "1", key_b, "1"}, set_reply);
    client({"DEL", key_a, key_b}, del_reply);
    for (int r = 0; r < 3; ++r) {
      reads.push_back(std::make_shared<std::string>());
      client({"MGET", key_a, key_b}, reads.back());
    }
    run_shuffled(rng);
    CAF_REQUIRE_EQUAL(*set_reply, ":1\r\n");
    for (auto& r : reads) {
      bool both = *r == "*2\r\n$1\r\n1\r\n$1\r\n1\r\n";
      bool none = *r == "*2\r\n$-1\r\n$-1\r\n";
      CAF_REQUIRE(both || none);
    }
    if (*del_reply == ":2\r\n") {
      CAF_REQUIRE(!exists(key_a) && !exists(key_b));
    } else {
      CAF_REQUIRE_EQUAL(*del_reply, ":0\r\n");
      CAF_REQUIRE(exists(key_a) && exists(key_b));
    }
    CAF_REQUIRE(!*held[0] && !*held[1]);
  }
}

// A batch for a held partition waits in its mailbox and runs after release.
CAF_TEST(batches_wait_for_release) {
  auto txn_reply = std::make_shared<std::string>();
  client({"MSET", key_a, "x", key_b, "y"}, txn_reply);
  // Let the client take both holds but not yet run: run until p0 is held.
  while (!*held[0])
    sched.run_once();
  partition_batch batch;
  batch.batches.push_back(conn_batch{1, {batch_item{0, 2, {"GET", key_a}}}});
  std::string got;
  track(sys.spawn([&, batch](caf::event_based_actor* s) mutable {
    s->request(partitions[0], caf::infinite, exec_batch_atom::value, batch)
        .then([&](batch_result& res) { got = res.results.at(0).replies.at(0); });
    return caf::behavior{[](int) {}};
  }));
  sched.run();
  CAF_CHECK_EQUAL(*txn_reply, "+OK\r\n");
  CAF_CHECK_EQUAL(got, "$1\r\nx\r\n");
  CAF_CHECK(!*held[0] && !*held[1]);
}

// A coordinator that dies while holding a partition does not block it.
CAF_TEST(holder_death_releases_partition) {
  sys.spawn([&](caf::event_based_actor* self) {
    self->request(partitions[0], caf::infinite, hold_atom::value).then([self](held_atom) {
      self->quit();
    });
    return caf::behavior{[](int) {}};
  });
  sched.run();
  CAF_CHECK(!*held[0]);
  auto reply = std::make_shared<std::string>();
  client({"SET", key_a, "v"}, reply);
  sched.run();
  CAF_CHECK_EQUAL(*reply, "+OK\r\n");
}

// Records stamped on two loops reach the consumer gap-free in stamp order,
// whatever order the loops' batches arrive in.
CAF_TEST(write_stream_total_order) {
  std::vector<uint64_t> seen;
  auto consumer = track(sys.spawn([&](caf::event_based_actor*) {
    return caf::behavior{[&](write_batch_atom, std::vector<write_record>& recs) {
      for (auto& r : recs)
        seen.push_back(r.seq);
    }};
  }));
  auto sequencer = track(sys.spawn(write_sequencer, consumer, uint64_t{1}));
  std::mt19937 rng(7);
  std::vector<write_record> loop0, loop1;
  for (uint64_t s = 1; s <= 200; ++s)
    ((rng() & 1) ? loop0 : loop1).push_back(write_record{s, 0, {"SET", "k", "v"}});
  // Ship each loop's records in chunks, interleaving the loops randomly.
  size_t i0 = 0, i1 = 0;
  while (i0 < loop0.size() || i1 < loop1.size()) {
    auto& src = (i1 >= loop1.size() || (i0 < loop0.size() && (rng() & 1))) ? loop0 : loop1;
    auto& i = (&src == &loop0) ? i0 : i1;
    auto n = std::min<size_t>(src.size() - i, 1 + rng() % 7);
    std::vector<write_record> chunk(src.begin() + i, src.begin() + i + n);
    i += n;
    caf::anon_send(sequencer, write_batch_atom::value, std::move(chunk));
  }
  sched.run();
  CAF_REQUIRE_EQUAL(seen.size(), 200u);
  for (uint64_t s = 0; s < seen.size(); ++s)
    CAF_CHECK_EQUAL(seen[s], s + 1);
}

// Changes applied through a partition reach the stream in execution order,
// stamped consecutively; reads are not propagated.
CAF_TEST(propagation_follows_execution_order) {
  partition_batch batch;
  batch.batches.push_back(conn_batch{1,
                                     {batch_item{0, 2, {"SET", key_a, "1"}},
                                      batch_item{0, 2, {"INCR", key_a}},
                                      batch_item{0, 2, {"GET", key_a}}}});
  std::vector<write_record> shipped;
  auto consumer = track(sys.spawn([&](caf::event_based_actor*) {
    return caf::behavior{[&](write_batch_atom, std::vector<write_record>& recs) {
      for (auto& r : recs)
        shipped.push_back(std::move(r));
    }};
  }));
  auto first = write_stream::next_seq.load();
  start_write_stream(sys, consumer);
  track(write_stream::sequencer);
  run_batch_on(0, batch);
  sink.flush();
  sched.run();
  write_stream::active = false;
  CAF_REQUIRE_EQUAL(shipped.size(), 2u);
  CAF_CHECK_EQUAL(shipped[0].seq, first);
  CAF_CHECK_EQUAL(shipped[0].argv.at(0), "SET");
  CAF_CHECK_EQUAL(shipped[1].argv.at(0), "INCR");
}

// A batch's keys are loaded ahead of its commands (a window at a time,
// across connections and databases): the replies are those of running the
// items one by one, also when an item's first_key names no key or lies past
// its arguments (a batch is a message: nothing in it is trusted).
CAF_TEST(batch_replies_follow_items_with_keys_loaded_ahead) {
  partition_batch batch;
  std::vector<std::string> expected;
  int next_key = 0;
  auto key_of_partition_0 = [&] {
    for (;; ++next_key) {
      auto k = "warm:" + std::to_string(next_key);
      if (commands::keyspace::partition_of(k, partition_count) == 0) {
        ++next_key;
        return k;
      }
    }
  };
  for (uint64_t conn = 1; conn <= 3; ++conn) {
    conn_batch cb{conn, {}};
    for (int i = 0; i < 15; ++i) {
      int32_t db = i % 4 == 3 ? 1 : 0;
      auto key = key_of_partition_0();
      cb.items.push_back(batch_item{db, 2, {"SET", key, std::to_string(i)}, 1});
      expected.push_back("+OK\r\n");
      cb.items.push_back(batch_item{db, 2, {"INCR", key}, i % 5 == 0 ? 7u : 1u});
      expected.push_back(":" + std::to_string(i + 1) + "\r\n");
      cb.items.push_back(batch_item{db, 2, {"PING"}, 0});
      expected.push_back("+PONG\r\n");
    }
    batch.batches.push_back(std::move(cb));
  }
  auto res = run_batch_on(0, batch);
  std::vector<std::string> got;
  for (auto& r : res.results)
    for (auto& reply : r.replies)
      got.push_back(reply);
  CAF_CHECK_EQUAL(got, expected);
  CAF_CHECK_EQUAL(data[0]->dbs[1].size(), 9u);
}

// A transaction's records (EXEC, a script) reach the stream together,
// wrapped in MULTI … EXEC, even when another loop emits meanwhile; a
// transaction of one command is not wrapped.
CAF_TEST(transaction_records_are_wrapped_and_numbered_together) {
  std::vector<write_record> shipped;
  auto consumer = track(sys.spawn([&](caf::event_based_actor*) {
    return caf::behavior{[&](write_batch_atom, std::vector<write_record>& recs) {
      for (auto& r : recs)
        shipped.push_back(std::move(r));
    }};
  }));
  start_write_stream(sys, consumer);
  track(write_stream::sequencer);
  loop_write_sink other_loop;
  sink.begin_atomic();
  sink.emit(0, {"SET", "a", "1"});
  other_loop.emit(0, {"SET", "x", "1"});
  sink.flush(); // nothing leaves while the transaction is open
  sink.emit(1, {"SET", "b", "1"});
  sink.end_atomic();
  sink.begin_atomic();
  sink.emit(0, {"INCR", "a"});
  sink.end_atomic();
  sink.flush();
  other_loop.flush();
  sched.run();
  write_stream::active = false;
  std::vector<std::string> names;
  for (auto& r : shipped)
    names.push_back(r.argv.at(0) + (r.argv.size() > 1 ? " " + r.argv[1] : ""));
  CAF_CHECK_EQUAL(names, (std::vector<std::string>{"SET x", "MULTI", "SET a", "SET b", "EXEC",
                                                   "INCR a"}));
  for (size_t i = 1; i < shipped.size(); ++i)
    CAF_CHECK_EQUAL(shipped[i].seq, shipped[i - 1].seq + 1);
}

// A hold that fails (the partition is gone) releases what was granted and
// reports the failing partition instead of running the body.
CAF_TEST(failed_hold_releases_and_reports) {
  caf::anon_send_exit(partitions[1], caf::exit_reason::user_shutdown);
  sched.run();
  auto reply = std::make_shared<std::string>();
  client({"MSET", key_a, "1", key_b, "2"}, reply);
  sched.run();
  CAF_CHECK_EQUAL(*reply, "failed at partition 1");
  CAF_CHECK(!*held[0]);
  CAF_CHECK(!exists(key_a));
  // p0 serves others again.
  auto log = std::make_shared<std::vector<std::string>>();
  send_get(0, key_a, log);
  sched.run();
  CAF_REQUIRE_EQUAL(log->size(), 1u);
  CAF_CHECK_EQUAL(log->at(0), "$-1\r\n");
}

// A coordinator that times out while its hold is queued releases it; the
// partition drops the queued hold instead of granting it to nobody.
CAF_TEST(timed_out_queued_hold_is_dropped) {
  auto log = std::make_shared<std::vector<std::string>>();
  std::vector<partition_ref> p0{partition_ref{0, partitions[0], data[0].get()}};
  // A first coordinator takes p0 and keeps it until told.
  auto first = track(sys.spawn([&](caf::event_based_actor* self) {
    self->request(partitions[0], caf::infinite, hold_atom::value).then([](held_atom) {});
    return caf::behavior{[self, this](int) { self->send(partitions[0], release_atom::value); }};
  }));
  sched.run();
  CAF_REQUIRE(*held[0]);
  auto b = holder(p0, log, "B");
  sched.run();
  CAF_CHECK(log->empty());
  // B's hold request times out.
  caf::anon_send(b, 1);
  sched.run();
  CAF_REQUIRE_EQUAL(log->size(), 1u);
  CAF_CHECK_EQUAL(log->at(0), "B failed at 0");
  caf::anon_send(first, 1);
  sched.run();
  CAF_CHECK(!*held[0]);
  CAF_CHECK_EQUAL(log->size(), 1u);
}

// Work that reaches a held partition waits inside it and runs in arrival
// order on release; a queued hold is granted in its turn, and what came
// after it waits for that holder. So loops take turns in the order they
// asked.
CAF_TEST(held_partition_serves_in_arrival_order) {
  data[0]->dbs[0].find_or_insert(key_a).first->val = datatypes::value::from_string("v");
  auto log = std::make_shared<std::vector<std::string>>();
  caf::actor first;
  auto first_held = std::make_shared<bool>(false);
  first = track(sys.spawn([&, first_held](caf::event_based_actor* self) {
    self->request(partitions[0], caf::infinite, hold_atom::value).then([first_held](held_atom) {
      *first_held = true;
    });
    return caf::behavior{[self, this](int) { self->send(partitions[0], release_atom::value); }};
  }));
  sched.run();
  CAF_REQUIRE(*first_held);
  send_get(0, key_a, log);            // 1: queued
  sched.run();
  std::vector<partition_ref> p0{partition_ref{0, partitions[0], data[0].get()}};
  holder(p0, log, "second");          // 2: queued hold
  sched.run();
  send_get(0, key_a, log);            // 3: queued behind the hold
  sched.run();
  CAF_CHECK(log->empty());
  caf::anon_send(first, 1);            // release
  sched.run();
  CAF_REQUIRE_EQUAL(log->size(), 3u);
  CAF_CHECK_EQUAL(log->at(0), "$1\r\nv\r\n");
  CAF_CHECK_EQUAL(log->at(1), "second ran");
  CAF_CHECK_EQUAL(log->at(2), "$1\r\nv\r\n");
  CAF_CHECK(!*held[0]);
}

// A coordinator that dies while its hold is queued is forgotten.
CAF_TEST(dead_queued_holder_is_forgotten) {
  auto blocker_held = std::make_shared<bool>(false);
  auto blocker = track(sys.spawn([&, blocker_held](caf::event_based_actor* self) {
    self->request(partitions[0], caf::infinite, hold_atom::value).then([blocker_held](held_atom) {
      *blocker_held = true;
    });
    return caf::behavior{[self, this](int) { self->send(partitions[0], release_atom::value); }};
  }));
  sched.run();
  CAF_REQUIRE(*blocker_held);
  auto doomed = sys.spawn([&](caf::event_based_actor* self) {
    self->request(partitions[0], caf::infinite, hold_atom::value).then([](held_atom) {});
    return caf::behavior{[self](int) { self->quit(); }};
  });
  sched.run();
  caf::anon_send(doomed, 1);
  sched.run();
  caf::anon_send(blocker, 1);
  sched.run();
  CAF_CHECK(!*held[0]);
}

// Batches a client sends one after another (each chained behind the last,
// as the pipeline does for consecutive commands to one partition) run in
// the order sent, while other coordinators take and release the partition
// at random moments.
CAF_TEST(chained_batches_keep_order_across_holds) {
  for (unsigned seed = 1; seed <= 100; ++seed) {
    std::mt19937 rng(seed);
    for (auto& d : data)
      d->dbs[0].clear();
    auto replies = std::make_shared<std::vector<std::string>>();
    track(sys.spawn([this, replies](caf::event_based_actor* s) {
      for (int i = 0; i < 20; ++i) {
        partition_batch batch;
        batch.batches.push_back(conn_batch{1, {batch_item{0, 2, {"APPEND", key_a, "x"}}}});
        s->request(partitions[0], caf::infinite, exec_batch_atom::value, batch)
            .then([replies](batch_result& res) {
              replies->push_back(res.results.at(0).replies.at(0));
            });
      }
      return caf::behavior{[](int) {}};
    }));
    for (int h = 0; h < 3; ++h) {
      auto reply = std::make_shared<std::string>();
      client({"MSET", key_a, "", key_b, "y"}, reply);
    }
    run_shuffled(rng);
    CAF_REQUIRE_EQUAL(replies->size(), 20u);
    // Each APPEND's length is one more than the one before it, except
    // where an MSET reset the value in between.
    for (size_t i = 1; i < replies->size(); ++i) {
      auto len = std::stoi(replies->at(i).substr(1));
      auto prev = std::stoi(replies->at(i - 1).substr(1));
      CAF_REQUIRE(len == prev + 1 || len <= prev);
    }
    CAF_REQUIRE(!*held[0] && !*held[1]);
  }
}

// A round takes transactions while they fit its command bound, and stops
// starting new ones when its time budget is spent; the rest wait, in order.
CAF_TEST(rounds_are_bounded) {
  std::deque<transaction_request> waiting;
  auto ran = std::make_shared<std::vector<int>>();
  for (int i = 0; i < 10; ++i)
    waiting.push_back(transaction_request{
        {0}, 100, [ran, i](std::vector<commands::partition_data*>&) { ran->push_back(i); },
        [](const std::string&) {}});
  auto round = take_round(waiting);
  CAF_CHECK_EQUAL(round.size(), max_round_commands / 100);
  CAF_CHECK_EQUAL(waiting.size(), 10 - round.size());
  // A clock that passes the budget after the first transaction.
  int64_t clock = 0;
  std::vector<commands::partition_data*> held_parts(partition_count, nullptr);
  run_round(round, waiting, held_parts, [&clock] {
    auto now = clock;
    clock += round_budget_us;
    return now;
  });
  CAF_REQUIRE_EQUAL(ran->size(), 1u);
  CAF_CHECK_EQUAL(ran->at(0), 0);
  CAF_CHECK_EQUAL(waiting.size(), 9u);
  // The ones not run are first again, in their order.
  auto next = take_round(waiting);
  run_round(next, waiting, held_parts, [] { return int64_t{0}; });
  CAF_CHECK_EQUAL(ran->at(1), 1);
  CAF_CHECK_EQUAL(ran->at(2), 2);
  // A transaction bigger than the bound still gets a round of its own.
  std::deque<transaction_request> big;
  big.push_back(transaction_request{{0}, max_round_commands * 2,
                                    [](std::vector<commands::partition_data*>&) {},
                                    [](const std::string&) {}});
  CAF_CHECK_EQUAL(take_round(big).size(), 1u);
}

CAF_TEST_FIXTURE_SCOPE_END()
