// The bits of notify-keyspace-events, shared by the config parser (which
// reads the letters) and the keyspace notification point (which tests a
// change's class against them). Values are Redis's NOTIFY_* constants.
#pragma once

namespace actis::config {

/// What kind of change an event reports; the letter is its class in
/// notify-keyspace-events.
enum class event_class : int {
  generic = 1 << 2,   // g: DEL, EXPIRE, RENAME, COPY, MOVE ...
  string = 1 << 3,    // $
  list = 1 << 4,      // l
  set = 1 << 5,       // s
  hash = 1 << 6,      // h
  zset = 1 << 7,      // z
  expired = 1 << 8,   // x: lazy and active expiry
  evicted = 1 << 9,   // e: maxmemory eviction
  stream = 1 << 10,   // t
  key_miss = 1 << 11, // m: a read found no key
  module = 1 << 13,   // d
  new_key = 1 << 14,  // n: a key was added
};

/// K: publish on __keyspace@<db>__:<key>.
constexpr int notify_keyspace = 1 << 0;
/// E: publish on __keyevent@<db>__:<event>.
constexpr int notify_keyevent = 1 << 1;
/// A: every class except key-miss (m) and new-key (n).
constexpr int notify_all_classes =
    static_cast<int>(event_class::generic) | static_cast<int>(event_class::string) |
    static_cast<int>(event_class::list) | static_cast<int>(event_class::set) |
    static_cast<int>(event_class::hash) | static_cast<int>(event_class::zset) |
    static_cast<int>(event_class::expired) | static_cast<int>(event_class::evicted) |
    static_cast<int>(event_class::stream) | static_cast<int>(event_class::module);

} // namespace actis::config
