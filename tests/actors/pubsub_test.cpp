// Pub/sub's bookkeeping without sockets: the process-wide count table
// (receivers per loop with patterns, PUBSUB's views), a client's
// subscriptions keeping CLIENT LIST's counts, and where a pushed message
// goes in a client's reply queue relative to replies still on their way.
#include <caf/test/unit_test.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "actors/client_info.hpp"
#include "actors/pubsub.hpp"
#include "actors/reply_queue.hpp"

using namespace actis::actors;

namespace {

std::string text(const std::vector<char>& out) { return std::string(out.begin(), out.end()); }

class silent_subscriber final : public pubsub_subscriber {
public:
  void push_message(std::string_view) override {}
  void flush_messages() override {}
};

} // namespace

CAF_TEST(receivers_count_channels_and_matching_patterns_per_loop) {
  auto& counts = pubsub_counts::instance();
  counts.set_loops(3);
  counts.add(pubsub_kind::channel, "news.tech", 0, 1);
  counts.add(pubsub_kind::channel, "news.tech", 2, 1);
  counts.add(pubsub_kind::channel, "news.tech", 2, 1);
  counts.add(pubsub_kind::pattern, "news.*", 1, 1);
  counts.add(pubsub_kind::pattern, "n[aeiou]ws.te?h", 2, 1);
  counts.add(pubsub_kind::pattern, "sport.*", 0, 1);
  counts.add(pubsub_kind::shard, "news.tech", 1, 1);
  std::vector<uint32_t> per_loop;
  CAF_CHECK_EQUAL(counts.receivers(false, "news.tech", per_loop), 5u);
  CAF_CHECK_EQUAL(per_loop, (std::vector<uint32_t>{1, 1, 3}));
  // Shard channels are a namespace of their own, without patterns.
  CAF_CHECK_EQUAL(counts.receivers(true, "news.tech", per_loop), 1u);
  CAF_CHECK_EQUAL(per_loop, (std::vector<uint32_t>{0, 1, 0}));
  CAF_CHECK_EQUAL(counts.receivers(false, "weather", per_loop), 0u);
  CAF_CHECK_EQUAL(counts.subscribers(false, "news.tech"), 3u);
  CAF_CHECK_EQUAL(counts.patterns(), 3u);
  std::string_view pattern = "news.*";
  CAF_CHECK_EQUAL(counts.channels(false, &pattern), std::vector<std::string>{"news.tech"});
  counts.add(pubsub_kind::channel, "news.tech", 0, -1);
  counts.add(pubsub_kind::channel, "news.tech", 2, -1);
  counts.add(pubsub_kind::channel, "news.tech", 2, -1);
  counts.add(pubsub_kind::pattern, "news.*", 1, -1);
  counts.add(pubsub_kind::pattern, "n[aeiou]ws.te?h", 2, -1);
  counts.add(pubsub_kind::pattern, "sport.*", 0, -1);
  counts.add(pubsub_kind::shard, "news.tech", 1, -1);
  CAF_CHECK(counts.channels(false, nullptr).empty());
  CAF_CHECK_EQUAL(counts.distinct(pubsub_kind::pattern), 0u);
  CAF_CHECK_EQUAL(counts.distinct(pubsub_kind::shard), 0u);
  counts.set_loops(1);
}

CAF_TEST(subscriptions_keep_client_counts_and_the_global_table) {
  pubsub_counts::instance().set_loops(1);
  pubsub_registry registry;
  client_info info;
  silent_subscriber sub;
  {
    pubsub_subscriptions subs(info, registry, sub);
    CAF_CHECK(subs.subscribe(pubsub_kind::channel, "a"));
    CAF_CHECK(!subs.subscribe(pubsub_kind::channel, "a"));
    CAF_CHECK(subs.subscribe(pubsub_kind::pattern, "a*"));
    CAF_CHECK(subs.subscribe(pubsub_kind::shard, "s"));
    CAF_CHECK_EQUAL(subs.count(pubsub_kind::channel), 2u);
    CAF_CHECK_EQUAL(subs.count(pubsub_kind::shard), 1u);
    CAF_CHECK_EQUAL(info.sub + info.psub + info.ssub, 3u);
    CAF_CHECK(info.subscribed());
    CAF_CHECK_EQUAL(pubsub_counts::instance().subscribers(false, "a"), 1u);
    CAF_CHECK(!subs.unsubscribe(pubsub_kind::channel, "b"));
    CAF_CHECK(subs.unsubscribe(pubsub_kind::channel, "a"));
    CAF_CHECK_EQUAL(info.sub, 0u);
  }
  // Gone with the client (RESET and disconnects use unsubscribe_all).
  CAF_CHECK(!info.subscribed());
  CAF_CHECK_EQUAL(pubsub_counts::instance().patterns(), 0u);
  CAF_CHECK_EQUAL(pubsub_counts::instance().subscribers(true, "s"), 0u);
}

CAF_TEST(pushes_follow_started_replies_and_precede_the_running_command) {
  client_info info;
  reply_queue q(info);
  std::vector<char> out;
  // Nothing pending: straight to the output.
  q.push("<m1>", out);
  CAF_CHECK_EQUAL(text(out), "<m1>");
  out.clear();
  // A reply still on a partition: the push waits behind it, whole.
  auto first = q.reserve();
  q.push("<m2>", out);
  q.push("<m3>", out);
  CAF_CHECK(out.empty());
  auto second = q.reserve();
  // The command running now published: its message goes ahead of its reply.
  q.push("<own>", out, &second);
  q.fill(second, "+B\r\n");
  q.drain_into(out);
  CAF_CHECK(out.empty());
  q.fill(first, "+A\r\n");
  q.drain_into(out);
  CAF_CHECK_EQUAL(text(out), "+A\r\n<m2><m3><own>+B\r\n");
  CAF_CHECK(!q.pending());
  // CLIENT REPLY OFF drops replies, not pushes.
  out.clear();
  info.replies = reply_mode::off;
  auto dropped = q.reserve();
  q.push("<m4>", out, &dropped);
  q.fill(dropped, "+C\r\n");
  q.drain_into(out);
  CAF_CHECK_EQUAL(text(out), "<m4>");
}
