#include "actors/pubsub.hpp"

#include <algorithm>
#include <memory>
#include <mutex>

#include <caf/all.hpp>

#include "actors/client_info.hpp"
#include "actors/messages.hpp"
#include "actors/server.hpp"
#include "commands/command.hpp"
#include "config/keyspace_events.hpp"
#include "datatypes/strutil.hpp"

namespace actis::actors {

namespace {

std::vector<std::unique_ptr<pubsub_registry>>& registries() {
  static std::vector<std::unique_ptr<pubsub_registry>> all;
  return all;
}

std::vector<std::unique_ptr<keyspace_publisher>>& publishers() {
  static std::vector<std::unique_ptr<keyspace_publisher>> all;
  return all;
}

/// The registry of the loop whose thread this is, once that loop's manager
/// ran on it. A transaction round runs other loops' partitions on this
/// thread, so their keyspace events must be published from here.
thread_local pubsub_registry* this_thread_registry = nullptr;

void append_bulk(std::string& out, std::string_view s) {
  out += '$';
  out += std::to_string(s.size());
  out += "\r\n";
  out.append(s.data(), s.size());
  out += "\r\n";
}

/// RESP2 frame of a message; a RESP3 client replaces the '*' by '>'.
void message_frame(std::string& out, std::string_view kind, const std::string_view* pattern,
                   std::string_view channel, std::string_view message) {
  out.clear();
  out += pattern != nullptr ? "*4\r\n" : "*3\r\n";
  append_bulk(out, kind);
  if (pattern != nullptr)
    append_bulk(out, *pattern);
  append_bulk(out, channel);
  append_bulk(out, message);
}

} // namespace

// -- pubsub_counts -----------------------------------------------------------

pubsub_counts& pubsub_counts::instance() {
  static pubsub_counts counts;
  return counts;
}

void pubsub_counts::set_loops(uint32_t loops) {
  std::unique_lock lock(mutex_);
  loops_ = std::max<uint32_t>(1, loops);
}

pubsub_counts::table& pubsub_counts::of(pubsub_kind kind) {
  switch (kind) {
    case pubsub_kind::channel: return channels_;
    case pubsub_kind::pattern: return patterns_;
    case pubsub_kind::shard: break;
  }
  return shards_;
}

void pubsub_counts::add(pubsub_kind kind, const std::string& name, uint32_t loop, int delta) {
  std::unique_lock lock(mutex_);
  auto& t = of(kind);
  auto it = t.find(name);
  if (it == t.end()) {
    if (delta < 0)
      return;
    it = t.emplace(name, std::vector<uint32_t>(loops_, 0)).first;
  }
  it->second[loop] += static_cast<uint32_t>(delta);
  for (auto n : it->second)
    if (n != 0)
      return;
  t.erase(it);
}

uint64_t pubsub_counts::receivers(bool shard, std::string_view channel,
                                  std::vector<uint32_t>& per_loop) {
  per_loop.assign(loops_, 0);
  uint64_t total = 0;
  auto count = [&](const std::vector<uint32_t>& loops) {
    for (size_t i = 0; i < loops.size(); ++i) {
      per_loop[i] += loops[i];
      total += loops[i];
    }
  };
  std::shared_lock lock(mutex_);
  auto& t = shard ? shards_ : channels_;
  if (!t.empty())
    if (auto it = t.find(std::string(channel)); it != t.end())
      count(it->second);
  if (!shard)
    for (auto& [pattern, loops] : patterns_)
      if (datatypes::glob_match(pattern, channel))
        count(loops);
  return total;
}

std::vector<std::string> pubsub_counts::channels(bool shard, const std::string_view* pattern) {
  std::vector<std::string> out;
  std::shared_lock lock(mutex_);
  for (auto& [name, loops] : shard ? shards_ : channels_)
    if (pattern == nullptr || datatypes::glob_match(*pattern, name))
      out.push_back(name);
  return out;
}

uint64_t pubsub_counts::subscribers(bool shard, std::string_view channel) {
  std::shared_lock lock(mutex_);
  auto& t = shard ? shards_ : channels_;
  auto it = t.find(std::string(channel));
  uint64_t n = 0;
  if (it != t.end())
    for (auto c : it->second)
      n += c;
  return n;
}

uint64_t pubsub_counts::distinct(pubsub_kind kind) {
  std::shared_lock lock(mutex_);
  return of(kind).size();
}

// -- pubsub_registry ---------------------------------------------------------

std::unordered_map<std::string, pubsub_registry::subscribers>&
pubsub_registry::of(pubsub_kind kind) {
  switch (kind) {
    case pubsub_kind::channel: return channels_;
    case pubsub_kind::pattern: return patterns_;
    case pubsub_kind::shard: break;
  }
  return shards_;
}

void pubsub_registry::subscribe(pubsub_kind kind, const std::string& name,
                                pubsub_subscriber* sub) {
  of(kind)[name].push_back(sub);
  pubsub_counts::instance().add(kind, name, loop_, 1);
}

void pubsub_registry::unsubscribe(pubsub_kind kind, const std::string& name,
                                  pubsub_subscriber* sub) {
  auto& t = of(kind);
  auto it = t.find(name);
  if (it == t.end())
    return;
  auto& subs = it->second;
  auto at = std::find(subs.begin(), subs.end(), sub);
  if (at == subs.end())
    return;
  subs.erase(at);
  if (subs.empty())
    t.erase(it);
  pubsub_counts::instance().add(kind, name, loop_, -1);
}

void pubsub_registry::forget(pubsub_subscriber* sub) {
  if (sub->flush_pending)
    touched_.erase(std::remove(touched_.begin(), touched_.end(), sub), touched_.end());
  sub->flush_pending = false;
}

uint64_t pubsub_registry::publish(bool shard, std::string_view channel,
                                  std::string_view message) {
  auto n = pubsub_counts::instance().receivers(shard, channel, per_loop_);
  if (n == 0)
    return 0;
  // Sent at once, not gathered until the end of the iteration: whatever
  // this thread sends another loop afterwards (a batch's replies, a batch
  // that writes a key whose event another subscriber gets) then arrives
  // after the message, so delivery respects causality.
  auto& srv = server::instance();
  for (uint32_t l = 0; l < per_loop_.size(); ++l)
    if (l != loop_ && per_loop_[l] != 0)
      caf::anon_send(srv.loops[l]->manager, pubsub_atom::value,
                     pubsub_message{shard, std::string(channel), std::string(message)});
  if (per_loop_[loop_] != 0)
    deliver_local(shard, channel, message);
  return n;
}

void pubsub_registry::deliver(const pubsub_message& m) {
  deliver_local(m.shard, m.channel, m.message);
}

void pubsub_registry::deliver_local(bool shard, std::string_view channel,
                                    std::string_view message) {
  auto& t = shard ? shards_ : channels_;
  if (auto it = t.find(std::string(channel)); it != t.end()) {
    message_frame(frame_, shard ? "smessage" : "message", nullptr, channel, message);
    for (auto* sub : it->second) {
      sub->push_message(frame_);
      touched(sub);
    }
  }
  if (shard)
    return;
  for (auto& [pattern, subs] : patterns_) {
    if (!datatypes::glob_match(pattern, channel))
      continue;
    std::string_view p = pattern;
    message_frame(frame_, "pmessage", &p, channel, message);
    for (auto* sub : subs) {
      sub->push_message(frame_);
      touched(sub);
    }
  }
}

void pubsub_registry::touched(pubsub_subscriber* sub) {
  // A subscriber is written once per loop iteration, as Redis writes each
  // client once per event-loop iteration, however many messages it got.
  if (sub->flush_pending)
    return;
  sub->flush_pending = true;
  touched_.push_back(sub);
  request_flush();
}

void pubsub_registry::request_flush() {
  if (flush_posted_)
    return;
  flush_posted_ = true;
  caf::anon_send(server::instance().loops[loop_]->manager, pubsub_flush_atom::value);
}

void pubsub_registry::flush() {
  this_thread_registry = this;
  flush_posted_ = false;
  // Flushing may drop a subscriber (output limit), which forgets it here.
  std::vector<pubsub_subscriber*> subs;
  subs.swap(touched_);
  for (auto* sub : subs)
    sub->flush_pending = false;
  for (auto* sub : subs)
    sub->flush_messages();
}

void pubsub_registry::bind_thread() { this_thread_registry = this; }

pubsub_registry& loop_pubsub(uint32_t loop) { return *registries()[loop]; }

pubsub_registry& thread_pubsub() {
  return this_thread_registry != nullptr ? *this_thread_registry : loop_pubsub(0);
}

void create_pubsub(uint32_t loops) {
  registries().clear();
  publishers().clear();
  for (uint32_t i = 0; i < loops; ++i) {
    registries().push_back(std::make_unique<pubsub_registry>());
    registries().back()->set_loop(i);
    publishers().push_back(std::make_unique<keyspace_publisher>(*registries().back()));
  }
  pubsub_counts::instance().set_loops(loops);
}

commands::keyspace_event_sink* keyspace_sink(uint32_t loop) {
  return publishers()[loop].get();
}

// -- pubsub_subscriptions ----------------------------------------------------

std::set<std::string>& pubsub_subscriptions::of(pubsub_kind kind) {
  switch (kind) {
    case pubsub_kind::channel: return channels_;
    case pubsub_kind::pattern: return patterns_;
    case pubsub_kind::shard: break;
  }
  return shards_;
}

const std::set<std::string>& pubsub_subscriptions::names(pubsub_kind kind) const {
  return const_cast<pubsub_subscriptions*>(this)->of(kind);
}

bool pubsub_subscriptions::subscribe(pubsub_kind kind, const std::string& name) {
  if (!of(kind).insert(name).second)
    return false;
  registry_.subscribe(kind, name, &sub_);
  update_counts();
  return true;
}

bool pubsub_subscriptions::unsubscribe(pubsub_kind kind, const std::string& name) {
  if (of(kind).erase(name) == 0)
    return false;
  registry_.unsubscribe(kind, name, &sub_);
  update_counts();
  return true;
}

size_t pubsub_subscriptions::count(pubsub_kind kind) const {
  return kind == pubsub_kind::shard ? shards_.size() : channels_.size() + patterns_.size();
}

void pubsub_subscriptions::unsubscribe_all() {
  for (auto kind : {pubsub_kind::channel, pubsub_kind::pattern, pubsub_kind::shard}) {
    for (auto& name : of(kind))
      registry_.unsubscribe(kind, name, &sub_);
    of(kind).clear();
  }
  update_counts();
}

void pubsub_subscriptions::update_counts() {
  info_.sub = static_cast<uint32_t>(channels_.size());
  info_.psub = static_cast<uint32_t>(patterns_.size());
  info_.ssub = static_cast<uint32_t>(shards_.size());
}

bool allowed_when_subscribed(const commands::command_spec& spec) {
  for (std::string_view name : {"ping", "subscribe", "ssubscribe", "unsubscribe", "sunsubscribe",
                                "psubscribe", "punsubscribe", "quit", "reset"})
    if (spec.name == name)
      return true;
  return false;
}

// -- keyspace notifications --------------------------------------------------

void keyspace_publisher::publish(int db, std::string_view key, std::string_view event,
                                 int flags) {
  auto& registry = this_thread_registry != nullptr ? *this_thread_registry : registry_;
  auto prefix = [&](std::string_view kind) {
    channel_ = "__";
    channel_ += kind;
    channel_ += '@';
    channel_ += std::to_string(db);
    channel_ += "__:";
  };
  if ((flags & config::notify_keyspace) != 0) {
    prefix("keyspace");
    channel_.append(key.data(), key.size());
    registry.publish(false, channel_, event);
  }
  if ((flags & config::notify_keyevent) != 0) {
    prefix("keyevent");
    channel_.append(event.data(), event.size());
    registry.publish(false, channel_, key);
  }
}

} // namespace actis::actors
