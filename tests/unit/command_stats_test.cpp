// Unit tests for the per-command statistics: the latency bucket layout, the
// error codes, counting through the executor and the reply builder, the sum
// over threads, and the exact INFO lines.
#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "commands/command.hpp"
#include "commands/command_stats.hpp"
#include "commands/context.hpp"
#include "commands/executor.hpp"
#include "commands/latency_histogram.hpp"
#include "config/config.hpp"
#include "protocol/reply.hpp"

using namespace actis;
namespace stats = actis::commands::stats;
namespace latency = actis::commands::latency;

namespace {

void ok_handler(commands::command_context& ctx) { ctx.reply.ok(); }
void error_handler(commands::command_context& ctx) { ctx.reply.error("WRONGTYPE nope"); }

/// A small table: a plain command, one that fails, a container with
/// listed subcommands and one whose parts are hidden (as DEBUG's).
struct stats_fixture {
  commands::command_table table;

  stats_fixture() {
    const commands::command_def rows[] = {
        {.name = "ping", .arity = -1, .handler = ok_handler},
        {.name = "fail", .arity = 1, .handler = error_handler},
        {.name = "config", .arity = -2},
        {.name = "config|get", .arity = -3, .handler = ok_handler},
        {.name = "config|set", .arity = -4, .handler = ok_handler},
        {.name = "debug", .arity = -2, .handler = error_handler, .hide_subcommands = true},
        {.name = "debug|sleep", .arity = -2, .handler = ok_handler},
    };
    table.add(rows);
    stats::reset();
  }

  const commands::command_spec& spec(const std::string& line) {
    std::string error;
    auto argv = split(line);
    auto* s = table.resolve(argv, error);
    REQUIRE_MESSAGE(s != nullptr, error);
    return *s;
  }

  static protocol::command_args split(const std::string& line) {
    protocol::command_args argv;
    size_t pos = 0;
    while (pos < line.size()) {
      auto end = line.find(' ', pos);
      if (end == std::string::npos)
        end = line.size();
      argv.emplace_back(line.substr(pos, end - pos));
      pos = end + 1;
    }
    return argv;
  }

  /// Runs `line` through the executor; returns the reply bytes.
  std::string run(const std::string& line) {
    std::string out;
    protocol::reply_builder reply(out);
    auto argv = split(line);
    commands::execute(spec(line), argv, reply, nullptr, 0, nullptr);
    return out;
  }

  std::string commandstats() {
    std::string out;
    stats::append_commandstats(out, table);
    return out;
  }
};

/// The command lines without the values that depend on the clock.
std::string without_usec(std::string text) {
  for (const char* field : {"usec=", "usec_per_call="}) {
    size_t pos = 0;
    while ((pos = text.find(field, pos)) != std::string::npos) {
      pos += std::string_view(field).size();
      auto end = text.find(',', pos);
      text.erase(pos, end - pos);
    }
  }
  return text;
}

} // namespace

TEST_CASE("latency buckets: exact below 32 ns, then within 1/32 of the value") {
  CHECK(latency::bucket_count == 832);
  CHECK(latency::bucket_of(0) == 1); // clamped to 1 ns, as Redis does
  for (uint64_t ns = 1; ns < 32; ++ns) {
    CHECK(latency::lowest_in(latency::bucket_of(ns)) == ns);
    CHECK(latency::highest_in(latency::bucket_of(ns)) == ns);
  }
  size_t previous = 0;
  for (uint64_t ns = 32; ns <= latency::max_ns; ns += ns / 7 + 1) {
    auto b = latency::bucket_of(ns);
    CHECK(b >= previous);
    CHECK(b < latency::bucket_count);
    previous = b;
    CHECK(latency::lowest_in(b) <= ns);
    CHECK(latency::highest_in(b) >= ns);
    CHECK(static_cast<double>(latency::highest_in(b) - latency::lowest_in(b) + 1)
          <= static_cast<double>(latency::lowest_in(b)) / 32.0);
    // Buckets tile the range: the next one starts right after this one.
    CHECK(latency::lowest_in(b + 1) == latency::highest_in(b) + 1);
  }
  CHECK(latency::bucket_of(latency::max_ns * 5) == latency::bucket_of(latency::max_ns));
}

TEST_CASE("latency percentiles follow hdr_value_at_percentile") {
  std::vector<uint64_t> counts(latency::bucket_count, 0);
  CHECK(latency::value_at_percentile(counts, 50) == 0);
  // 1000 ns lands in [992, 1007].
  counts[latency::bucket_of(1000)] = 1;
  CHECK(latency::value_at_percentile(counts, 50) == 1007);
  CHECK(latency::value_at_percentile(counts, 0) == 992);
  CHECK(latency::value_at_percentile(counts, 100) == 1007);
  // 98 fast and 2 slow samples: p50 and p98 fast, p99 slow.
  counts.assign(latency::bucket_count, 0);
  counts[latency::bucket_of(10)] = 98;
  counts[latency::bucket_of(20)] = 2;
  CHECK(latency::value_at_percentile(counts, 50) == 10);
  CHECK(latency::value_at_percentile(counts, 98) == 10);
  CHECK(latency::value_at_percentile(counts, 99) == 20);
  CHECK(latency::value_at_percentile(counts, 150) == 20);
}

TEST_CASE("error codes are the first word within 32 bytes, else ERR") {
  CHECK(protocol::error_code("ERR syntax error") == "ERR");
  CHECK(protocol::error_code("WRONGTYPE Operation against a key") == "WRONGTYPE");
  CHECK(protocol::error_code("my error") == "my");
  CHECK(protocol::error_code("EXECABORT") == "ERR");
  CHECK(protocol::error_code(std::string(30, 'A') + " x") == std::string(30, 'A'));
  CHECK(protocol::error_code(std::string(31, 'A') + " x") == "ERR");
}

TEST_CASE_FIXTURE(stats_fixture, "commandstats: calls, failures and rejections") {
  CHECK(run("ping") == "+OK\r\n");
  run("ping");
  run("fail");
  run("config get x");
  stats::rejected(table.lookup(split("ping a b")));       // ran into an arity check
  stats::rejected(table.lookup(split("config set")));     // the subcommand, not CONFIG
  stats::rejected(table.lookup(split("config")));         // CONFIG itself
  CHECK(table.lookup(split("config nosuch")) == nullptr); // named nothing, as in Redis
  CHECK(table.lookup(split("nosuch")) == nullptr);
  CHECK(without_usec(commandstats())
        == "cmdstat_ping:calls=2,usec=,usec_per_call=,rejected_calls=1,failed_calls=0\r\n"
           "cmdstat_fail:calls=1,usec=,usec_per_call=,rejected_calls=0,failed_calls=1\r\n"
           "cmdstat_config:calls=0,usec=,usec_per_call=,rejected_calls=1,failed_calls=0\r\n"
           "cmdstat_config|get:calls=1,usec=,usec_per_call=,rejected_calls=0,failed_calls=0\r\n"
           "cmdstat_config|set:calls=0,usec=,usec_per_call=,rejected_calls=1,failed_calls=0\r\n");
  CHECK(stats::total_calls() == 4);
}

TEST_CASE_FIXTURE(stats_fixture, "commandstats: usec and usec_per_call") {
  stats::executed(spec("ping"), 2500, false);
  stats::executed(spec("ping"), 2000, false);
  CHECK(commandstats()
        == "cmdstat_ping:calls=2,usec=4,usec_per_call=2.00,rejected_calls=0,failed_calls=0\r\n");
}

TEST_CASE_FIXTURE(stats_fixture, "hidden subcommands count as their container") {
  run("debug sleep 0");
  run("debug nosuch");
  CHECK(table.lookup(split("debug nosuch")) == &table.all()[3]);
  CHECK(without_usec(commandstats())
        == "cmdstat_debug:calls=2,usec=,usec_per_call=,rejected_calls=0,failed_calls=1\r\n");
}

TEST_CASE_FIXTURE(stats_fixture, "errorstats count every error reply by code") {
  std::string out;
  protocol::reply_builder reply(out);
  reply.error("ERR one");
  reply.error("no code here");
  reply.error("WRONGTYPE two");
  reply.error_verbatim("lua-error from a script");
  run("fail");
  std::string text;
  stats::append_errorstats(text);
  CHECK(text
        == "errorstat_ERR:count=2\r\n"
           "errorstat_WRONGTYPE:count=2\r\n"
           "errorstat_lua-error:count=1\r\n");
  CHECK(stats::total_error_replies() == 5);
}

TEST_CASE_FIXTURE(stats_fixture, "errorstats keep at most 128 codes; the total counts all") {
  std::string out;
  protocol::reply_builder reply(out);
  for (size_t i = 0; i < stats::max_error_codes + 5; ++i)
    reply.error("CODE" + std::to_string(i) + " x");
  reply.error("CODE0 again");
  std::string text;
  stats::append_errorstats(text);
  size_t lines = 0;
  for (char c : text)
    lines += c == '\n';
  CHECK(lines == stats::max_error_codes);
  CHECK(text.find("errorstat_CODE0:count=2\r\n") != std::string::npos);
  CHECK(text.find("errorstat_CODE130:") == std::string::npos);
  CHECK(stats::total_error_replies() == stats::max_error_codes + 6);
  // A reset forgets the codes, so new ones have room again.
  stats::reset();
  reply.error("CODE130 x");
  text.clear();
  stats::append_errorstats(text);
  CHECK(text == "errorstat_CODE130:count=1\r\n");
}

TEST_CASE_FIXTURE(stats_fixture, "latencystats: Redis's line format, tracking on and off") {
  stats::executed(spec("ping"), 1000, false);
  stats::executed(spec("config get x"), 2'000'000, false);
  std::string text;
  stats::append_latencystats(text, table, "50 99 99.9 0 12.5");
  CHECK(text
        == "latency_percentiles_usec_ping:p50=1.007,p99=1.007,p99.9=1.007,p0=0.992,"
           "p12.5=1.007\r\n"
           "latency_percentiles_usec_config|get:p50=2031.615,p99=2031.615,p99.9=2031.615,"
           "p0=1998.848,p12.5=2031.615\r\n");
  text.clear();
  stats::append_latencystats(text, table, "");
  CHECK(text == "latency_percentiles_usec_ping:\r\nlatency_percentiles_usec_config|get:\r\n");

  auto& tracking = config::live().latency_tracking;
  tracking = false;
  stats::reset();
  stats::executed(spec("ping"), 1000, false);
  tracking = true;
  text.clear();
  stats::append_latencystats(text, table, "50");
  CHECK(text.empty());
  CHECK(without_usec(commandstats())
        == "cmdstat_ping:calls=1,usec=,usec_per_call=,rejected_calls=0,failed_calls=0\r\n");
}

TEST_CASE_FIXTURE(stats_fixture, "counts of every thread are summed; reset clears them all") {
  const auto& ping = spec("ping");
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i)
        stats::executed(ping, 100, i % 10 == 0);
      std::string out;
      protocol::reply_builder(out).error("ERR from a thread");
    });
  for (auto& t : threads)
    t.join();
  CHECK(without_usec(commandstats())
        == "cmdstat_ping:calls=4000,usec=,usec_per_call=,rejected_calls=0,failed_calls=400\r\n");
  CHECK(stats::total_calls() == 4000);
  CHECK(stats::total_error_replies() == 4);
  stats::reset();
  CHECK(commandstats().empty());
  CHECK(stats::total_calls() == 0);
  CHECK(stats::total_error_replies() == 0);
  std::string text;
  stats::append_latencystats(text, table, "50");
  CHECK(text.empty());
}

TEST_CASE("the command clock never runs backwards and keeps CLOCK_MONOTONIC's pace") {
  uint64_t last = stats::now_ns();
  for (int i = 0; i < 100000; ++i) {
    uint64_t now = stats::now_ns();
    REQUIRE(now >= last);
    last = now;
  }
  // Wide bounds: a scale off by a factor (ticks taken for nanoseconds, or
  // the ratio inverted) lands far outside them; a busy machine does not.
  auto wall_before = std::chrono::steady_clock::now();
  uint64_t before = stats::now_ns();
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  uint64_t measured = stats::now_ns() - before;
  auto wall = std::chrono::duration_cast<std::chrono::nanoseconds>(
                  std::chrono::steady_clock::now() - wall_before)
                  .count();
  CHECK(static_cast<double>(measured) > 0.8 * static_cast<double>(wall));
  CHECK(static_cast<double>(measured) < 1.25 * static_cast<double>(wall));
}
