// The table of every Redis 7.0 configuration parameter (plus actis's own
// "threads") and the codec turning directive arguments into the canonical
// text CONFIG GET prints.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace actis::config::detail {

enum class value_kind : std::uint8_t {
  boolean,
  enumeration,
  flags_enumeration,     // several choices OR-ed together (shutdown-on-sig*)
  integer,
  memory,                // integer accepting units (1gb, 100k)
  octal,                 // unixsocketperm
  string,
  save,
  bind,
  output_buffer_limits,  // client-output-buffer-limit
  keyspace_events,       // notify-keyspace-events
  oom_score_adj_values,
  latency_percentiles,   // latency-tracking-info-percentiles
  replicaof,
  directory,             // dir: a chdir() whose value CONFIG GET reads back
};

/// Flag bits of param_def::flags.
inline constexpr unsigned immutable = 1u << 0;        // CONFIG SET refuses it
inline constexpr unsigned protected_config = 1u << 1; // needs enable-protected-configs
inline constexpr unsigned hidden = 1u << 2;           // CONFIG GET patterns skip it
inline constexpr unsigned implemented = 1u << 3;      // actis acts on it
inline constexpr unsigned percent_allowed = 1u << 4;  // memory value may be "N%"
inline constexpr unsigned full_unsigned = 1u << 5;    // memory over the whole 64-bit unsigned range

struct enum_choice {
  std::string_view name;
  int value;
};

/// Extra validation of a parsed value (file names, host names...): returns
/// the Redis error reason, or nullptr when the value is fine.
using value_check = const char* (*)(std::string_view canonical);

struct param_def {
  std::string_view name;
  std::string_view alias;              // older name still accepted ("" if none)
  value_kind kind;
  unsigned flags;
  std::string_view default_value;      // canonical form, as CONFIG GET prints it
  long long min = 0;                   // integer / memory bounds
  long long max = 0;
  std::span<const enum_choice> choices{};
  value_check check = nullptr;

  bool has(unsigned flag) const { return (flags & flag) != 0; }
  /// Takes several arguments in a file line and a space-separated list in
  /// CONFIG SET.
  bool multi_arg() const;
};

/// Every parameter, primary names in alphabetical order.
std::span<const param_def> param_table();

/// Converts `args` into `def`'s canonical value in `out`. `current` is the
/// value being replaced: client-output-buffer-limit only updates the classes
/// it names, and a config file's later "save" lines append to `current` when
/// `append_save` is set. Returns "" or Redis's error reason
/// ("argument must be 'yes' or 'no'"...). Never touches the process (dir's
/// chdir is up to the caller).
std::string parse_value(const param_def& def, const std::vector<std::string>& args,
                        const std::string& current, bool append_save, std::string& out);

/// Numeric reading of a canonical integer/memory/enum value, for publishing
/// to live_values (enum: the choice's value; memory percent: negative).
long long numeric_value(const param_def& def, const std::string& canonical);

/// client-output-buffer-limit canonical value split into hard/soft/seconds
/// triples for the normal, replica and pubsub classes.
struct output_buffer_limits {
  unsigned long long hard[3];
  unsigned long long soft[3];
  long long soft_seconds[3];
};
output_buffer_limits parse_output_buffer_limits(const std::string& canonical);

/// The config::event_class and notify_* bits of a canonical
/// notify-keyspace-events value.
int keyspace_event_flags(const std::string& canonical);
/// A canonical notify-keyspace-events value as CONFIG GET prints it.
std::string keyspace_events_text(const std::string& canonical);

} // namespace actis::config::detail
