// Parsing of directive arguments into canonical CONFIG GET text, with Redis
// 7.0's acceptance rules and error reasons for each kind of parameter.
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "config/directives.hpp"
#include "config/keyspace_events.hpp"
#include "config/syntax.hpp"
#include "datatypes/strutil.hpp"

namespace actis::config::detail {

namespace {

using datatypes::iequals;
using datatypes::ll_to_string;

/// Redis's CONFIG_MAX_HZ / CONFIG_MIN_HZ: hz is silently clamped to them.
constexpr long long min_hz = 1;
constexpr long long max_hz = 500;

constexpr const char* class_names[3] = {"normal", "slave", "pubsub"};

std::string range_error(long long min, long long max) {
  return "argument must be between " + ll_to_string(min) + " and " + ll_to_string(max) +
         " inclusive";
}

std::string join(const std::vector<std::string>& parts) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i)
      out.push_back(' ');
    out += parts[i];
  }
  return out;
}

/// strtoll over the whole string (leading blanks and '+' allowed, as C
/// does); `range_checked` also refuses out-of-range values.
bool parse_c_long(const std::string& s, long long& out, bool range_checked) {
  errno = 0;
  char* end = nullptr;
  out = std::strtoll(s.c_str(), &end, 10);
  if (*end != '\0')
    return false;
  return !(range_checked && errno == ERANGE);
}

std::string choices_error(const param_def& def) {
  std::string out = "argument(s) must be one of the following: ";
  for (size_t i = 0; i < def.choices.size(); ++i) {
    if (i)
      out += ", ";
    out += def.choices[i].name;
  }
  return out;
}

const enum_choice* find_choice(const param_def& def, std::string_view name) {
  for (const auto& c : def.choices)
    if (iequals(c.name, name))
      return &c;
  return nullptr;
}

/// CONFIG GET form of an enum value: the first choice with that value; for
/// flag sets with no exact match, every non-zero choice it contains.
std::string format_choice(const param_def& def, int value) {
  for (const auto& c : def.choices)
    if (c.value == value)
      return std::string(c.name);
  std::string out;
  for (const auto& c : def.choices) {
    if (c.value != 0 && (value & c.value) == c.value) {
      if (!out.empty())
        out.push_back(' ');
      out += c.name;
    }
  }
  return out;
}

std::string parse_integer(const param_def& def, const std::string& arg, std::string& out) {
  long long v;
  if (!datatypes::parse_ll(arg, v))
    return "argument couldn't be parsed into an integer";
  if (v < def.min || v > def.max)
    return range_error(def.min, def.max);
  if (def.name == "hz")
    v = v < min_hz ? min_hz : (v > max_hz ? max_hz : v);
  out = ll_to_string(v);
  return "";
}

std::string parse_memory_value(const param_def& def, const std::string& arg, std::string& out) {
  const char* bad = def.has(percent_allowed) ? "argument must be a memory or percent value"
                                             : "argument must be a memory value";
  long long v;
  if (def.has(percent_allowed) && !arg.empty() && arg.back() == '%') {
    long long percent;
    if (!datatypes::parse_ll(std::string_view(arg).substr(0, arg.size() - 1), percent) ||
        percent < 0)
      return bad;
    v = -percent;
  } else {
    unsigned long long bytes;
    if (!parse_memory(arg, bytes))
      return bad;
    if (def.has(full_unsigned)) {
      out = std::to_string(bytes);
      return "";
    }
    // Values past LLONG_MAX wrap negative, exactly like Redis's signed cast:
    // out of range, or a percentage for percent-capable parameters.
    v = static_cast<long long>(bytes);
  }
  if (def.has(percent_allowed) && v < 0) {
    if (v < -100)
      return "percentage argument must be less or equal to 100";
    out = ll_to_string(-v) + "%";
    return "";
  }
  if (v < def.min || v > def.max)
    return range_error(def.min, def.max);
  out = ll_to_string(v);
  return "";
}

std::string parse_octal(const param_def& def, const std::string& arg, std::string& out) {
  errno = 0;
  char* end = nullptr;
  long v = std::strtol(arg.c_str(), &end, 8);
  if (*end != '\0' || errno == ERANGE)
    return "argument couldn't be parsed as an octal number";
  if (v < def.min || v > def.max) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "argument must be between %llo and %llo inclusive",
                  static_cast<unsigned long long>(def.min), static_cast<unsigned long long>(def.max));
    return buf;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%lo", v);
  out = buf;
  return "";
}

std::string parse_flags(const param_def& def, const std::vector<std::string>& args,
                        std::string& out) {
  if (args.empty())
    return choices_error(def);
  int value = 0;
  for (const auto& arg : args) {
    const enum_choice* c = find_choice(def, arg);
    if (!c)
      return choices_error(def);
    value |= c->value;
  }
  // shutdown-on-sig*: "save" (1) and "nosave" (2) exclude each other.
  if ((value & 1) && (value & 2))
    return "shutdown options SAVE and NOSAVE can't be used simultaneously";
  out = format_choice(def, value);
  return "";
}

std::string parse_save(const std::vector<std::string>& given, const std::string& current,
                       bool append, std::string& out) {
  std::vector<std::string> args = given;
  bool cleared = false;
  if (args.size() == 1 && args[0].empty()) {
    args.clear();
    cleared = true;
  }
  if (args.size() % 2 != 0)
    return "Invalid save parameters";
  std::vector<std::string> pairs;
  for (size_t j = 0; j < args.size(); ++j) {
    long long v;
    if (!parse_c_long(args[j], v, false) || (j % 2 == 0 && v < 1) || (j % 2 == 1 && v < 0))
      return "Invalid save parameters";
    // Changes are kept in an int, as Redis does.
    pairs.push_back(j % 2 == 0 ? ll_to_string(v) : ll_to_string(static_cast<int>(v)));
  }
  std::string added = join(pairs);
  if (append && !cleared && !current.empty())
    out = added.empty() ? current : current + " " + added;
  else
    out = added;
  return "";
}

std::string parse_bind(const std::vector<std::string>& args, std::string& out) {
  constexpr size_t max_bind_addresses = 16;
  if (args.size() > max_bind_addresses)
    return "Too many bind addresses specified.";
  out = join(args);
  return "";
}

std::string format_output_buffer_limits(const output_buffer_limits& limits) {
  std::string out;
  for (int c = 0; c < 3; ++c) {
    if (c)
      out.push_back(' ');
    out += class_names[c];
    out += " " + std::to_string(limits.hard[c]) + " " + std::to_string(limits.soft[c]) + " " +
           ll_to_string(limits.soft_seconds[c]);
  }
  return out;
}

std::string parse_obuf(const std::vector<std::string>& args, const std::string& current,
                       std::string& out) {
  if (args.size() % 4 != 0)
    return "Wrong number of arguments in buffer limit configuration.";
  output_buffer_limits limits = parse_output_buffer_limits(current);
  // Everything is validated before any class changes.
  output_buffer_limits updated = limits;
  for (size_t j = 0; j < args.size(); j += 4) {
    int cls;
    if (iequals(args[j], "normal"))
      cls = 0;
    else if (iequals(args[j], "slave") || iequals(args[j], "replica"))
      cls = 1;
    else if (iequals(args[j], "pubsub"))
      cls = 2;
    else
      return "Invalid client class specified in buffer limit configuration.";
    unsigned long long hard, soft;
    long long seconds;
    if (!parse_memory(args[j + 1], hard) || !parse_memory(args[j + 2], soft) ||
        !parse_c_long(args[j + 3], seconds, true) || seconds < 0)
      return "Error in hard, soft or soft_seconds setting in buffer limit configuration.";
    updated.hard[cls] = hard;
    updated.soft[cls] = soft;
    updated.soft_seconds[cls] = seconds;
  }
  out = format_output_buffer_limits(updated);
  return "";
}

/// Letters of notify-keyspace-events' classes, in CONFIG GET's printing order.
struct event_letter {
  char letter;
  event_class cls;
};
constexpr event_letter class_letters[] = {
    {'g', event_class::generic}, {'$', event_class::string},  {'l', event_class::list},
    {'s', event_class::set},     {'h', event_class::hash},    {'z', event_class::zset},
    {'x', event_class::expired}, {'e', event_class::evicted}, {'t', event_class::stream},
    {'d', event_class::module},  {'n', event_class::new_key}};

/// The bits of a notify-keyspace-events argument; false for a letter that
/// names no class.
bool event_flags(std::string_view arg, int& flags) {
  flags = 0;
  for (char c : arg) {
    if (c == 'A') {
      flags |= notify_all_classes;
    } else if (c == 'K') {
      flags |= notify_keyspace;
    } else if (c == 'E') {
      flags |= notify_keyevent;
    } else if (c == 'm') {
      flags |= static_cast<int>(event_class::key_miss);
    } else {
      int bit = 0;
      for (const auto& l : class_letters)
        if (l.letter == c)
          bit = static_cast<int>(l.cls);
      if (!bit)
        return false;
      flags |= bit;
    }
  }
  return true;
}

std::string parse_keyspace_events(const std::string& arg, std::string& out) {
  int flags = 0;
  if (!event_flags(arg, flags))
    return "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.";
  // "n" stays in the canonical value after "A" (so the flag is published)
  // but keyspace_events_text() hides it, as Redis prints it.
  out.clear();
  if ((flags & notify_all_classes) == notify_all_classes) {
    out.push_back('A');
    if (flags & static_cast<int>(event_class::new_key))
      out.push_back('n');
  } else {
    for (const auto& l : class_letters)
      if (flags & static_cast<int>(l.cls))
        out.push_back(l.letter);
  }
  if (flags & notify_keyspace)
    out.push_back('K');
  if (flags & notify_keyevent)
    out.push_back('E');
  if (flags & static_cast<int>(event_class::key_miss))
    out.push_back('m');
  return "";
}

std::string parse_oom_values(const std::vector<std::string>& args, std::string& out) {
  if (args.size() != 3)
    return "wrong number of arguments";
  std::vector<std::string> parts;
  for (const auto& arg : args) {
    long long v;
    if (!parse_c_long(arg, v, true) || v < -2000 || v > 2000)
      return "Invalid oom-score-adj-values, elements must be between -2000 and 2000.";
    parts.push_back(ll_to_string(v));
  }
  out = join(parts);
  return "";
}

/// "%f" with trailing zeros (and a bare dot) removed, as Redis prints
/// percentiles.
std::string format_percentile(double v) {
  char buf[512];
  std::snprintf(buf, sizeof buf, "%f", v);
  std::string s = buf;
  if (s.find('.') != std::string::npos) {
    while (!s.empty() && s.back() == '0')
      s.pop_back();
    if (!s.empty() && s.back() == '.')
      s.pop_back();
  }
  return s;
}

std::string parse_percentiles(const std::vector<std::string>& given, std::string& out) {
  std::vector<std::string> args = given;
  if (args.size() == 1 && args[0].empty())
    args.clear();
  std::vector<std::string> parts;
  for (const auto& arg : args) {
    double v;
    if (!datatypes::parse_double(arg, v))
      return "Invalid latency-tracking-info-percentiles parameters";
    if (v < 0.0 || v > 100.0)
      return "latency-tracking-info-percentiles parameters should sit between [0.0,100.0]";
    parts.push_back(format_percentile(v));
  }
  out = join(parts);
  return "";
}

std::string parse_replicaof(const std::vector<std::string>& args, std::string& out) {
  if (args.size() != 2)
    return "wrong number of arguments";
  if (iequals(args[0], "no") && iequals(args[1], "one")) {
    out.clear();
    return "";
  }
  long long port;
  if (!parse_c_long(args[1], port, true) || port < 0 || port > 65535)
    return "Invalid master port";
  out = args[0] + " " + ll_to_string(port);
  return "";
}

std::string parse_single(const param_def& def, const std::string& arg, std::string& out) {
  switch (def.kind) {
    case value_kind::boolean:
      if (iequals(arg, "yes"))
        out = "yes";
      else if (iequals(arg, "no"))
        out = "no";
      else
        return "argument must be 'yes' or 'no'";
      return "";
    case value_kind::enumeration: {
      const enum_choice* c = find_choice(def, arg);
      if (!c)
        return choices_error(def);
      out = format_choice(def, c->value);
      return "";
    }
    case value_kind::integer:
      return parse_integer(def, arg, out);
    case value_kind::memory:
      return parse_memory_value(def, arg, out);
    case value_kind::octal:
      return parse_octal(def, arg, out);
    case value_kind::keyspace_events:
      return parse_keyspace_events(arg, out);
    case value_kind::string:
    case value_kind::directory:
      out = arg;
      return "";
    default:
      return "wrong number of arguments";
  }
}

} // namespace

std::string parse_value(const param_def& def, const std::vector<std::string>& args,
                        const std::string& current, bool append_save, std::string& out) {
  std::string err;
  switch (def.kind) {
    case value_kind::flags_enumeration: err = parse_flags(def, args, out); break;
    case value_kind::save: err = parse_save(args, current, append_save, out); break;
    case value_kind::bind: err = parse_bind(args, out); break;
    case value_kind::output_buffer_limits: err = parse_obuf(args, current, out); break;
    case value_kind::oom_score_adj_values: err = parse_oom_values(args, out); break;
    case value_kind::latency_percentiles: err = parse_percentiles(args, out); break;
    case value_kind::replicaof: err = parse_replicaof(args, out); break;
    default:
      if (args.size() != 1)
        return "wrong number of arguments";
      err = parse_single(def, args[0], out);
  }
  if (err.empty() && def.check)
    if (const char* problem = def.check(out))
      err = problem;
  return err;
}

long long numeric_value(const param_def& def, const std::string& canonical) {
  if (def.kind == value_kind::enumeration || def.kind == value_kind::flags_enumeration) {
    int value = 0;
    for (const auto& word : split_on_spaces(canonical))
      if (const enum_choice* c = find_choice(def, word))
        value |= c->value;
    return value;
  }
  if (def.kind == value_kind::boolean)
    return canonical == "yes" ? 1 : 0;
  if (!canonical.empty() && canonical.back() == '%')
    return -std::strtoll(canonical.c_str(), nullptr, 10);
  if (def.has(full_unsigned))
    return static_cast<long long>(std::strtoull(canonical.c_str(), nullptr, 10));
  return std::strtoll(canonical.c_str(), nullptr, 10);
}

int keyspace_event_flags(const std::string& canonical) {
  int flags = 0;
  event_flags(canonical, flags);
  return flags;
}

std::string keyspace_events_text(const std::string& canonical) {
  // Redis prints "A" alone even when "n" is also set (the flag still acts).
  if (canonical.size() >= 2 && canonical[0] == 'A' && canonical[1] == 'n')
    return "A" + canonical.substr(2);
  return canonical;
}

output_buffer_limits parse_output_buffer_limits(const std::string& canonical) {
  output_buffer_limits limits{};
  std::vector<std::string> words = split_on_spaces(canonical);
  for (size_t j = 0; j + 3 < words.size(); j += 4) {
    for (int c = 0; c < 3; ++c) {
      if (words[j] == class_names[c]) {
        limits.hard[c] = std::strtoull(words[j + 1].c_str(), nullptr, 10);
        limits.soft[c] = std::strtoull(words[j + 2].c_str(), nullptr, 10);
        limits.soft_seconds[c] = std::strtoll(words[j + 3].c_str(), nullptr, 10);
      }
    }
  }
  return limits;
}

} // namespace actis::config::detail
