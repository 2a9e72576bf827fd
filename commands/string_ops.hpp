// The string family's operations: what GET, SET, INCR ... do to the
// keyspace, without a connection or a reply. Handlers (string_family.cpp)
// parse, call one of these and reply; MULTI/EXEC, scripts and unit tests can
// call them the same way. Each records its changes through keyspace::notify
// as the handler did; what the write stream needs beyond the command as
// sent (Redis's rewrites) is part of the returned value.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "commands/keyspace.hpp"
#include "commands/op_status.hpp"
#include "datatypes/lcs.hpp"
#include "datatypes/value.hpp"

namespace actis::commands {

/// A string an operation read, never copied: a view of the value in the
/// keyspace, valid until the next write to the keyspace, or the value itself
/// where the operation removed or replaced it (SET … GET, GETDEL, GETEX that
/// deletes). An int-encoded value's digits are rendered by view().
class string_value {
public:
  explicit string_value(const datatypes::value& in_keyspace) : viewed_(&in_keyspace) {}
  explicit string_value(datatypes::value&& taken) : owned_(std::move(taken)) {}

  /// The contents; valid while *this lives and, for a viewed value, until
  /// the next write to the keyspace.
  std::string_view view() const { return (viewed_ != nullptr ? *viewed_ : owned_).str(digits_); }

private:
  const datatypes::value* viewed_ = nullptr;
  datatypes::value owned_;
  mutable std::string digits_;
};

// --- Expiry options (SET, SETEX, PSETEX, GETEX) ----------------------------

enum class expire_kind : uint8_t { none, ex, px, exat, pxat };

/// An expire option as given: its kind and its unparsed time argument.
struct expire_arg {
  expire_kind kind = expire_kind::none;
  std::string_view time;
};

/// The unix time in ms `e` stands for at `now_ms`: not_integer for a
/// non-number, invalid_expire for a non-positive or overflowing time.
op_result<int64_t> absolute_expire(const expire_arg& e, int64_t now_ms);

// --- SET and friends -------------------------------------------------------

enum class set_condition : uint8_t { always, if_absent, if_present };

struct set_options {
  set_condition condition = set_condition::always;
  /// Return the previous string (SET … GET, GETSET).
  bool get = false;
  bool keep_ttl = false;
  expire_arg expire;
};

struct set_outcome {
  bool stored = false;
  /// The expire stored with the value (absolute ms), -1 if none.
  int64_t expire_at_ms = -1;
  /// With options.get: the previous string, nullopt if the key was absent.
  std::optional<string_value> old;
};

/// SET, SETNX, SETEX, PSETEX and GETSET. An invalid expire fails before the
/// key is looked up; wrong_type only with options.get (a plain SET replaces
/// any value).
op_result<set_outcome> op_set(keyspace& ks, int db, std::string_view key, std::string_view val,
                              const set_options& options);

/// MSET / MSETNX over key, value pairs (`pairs` has even length). With
/// `only_if_none_exist` nothing is stored if any key exists. True if stored.
bool op_mset(keyspace& ks, int db, std::span<const std::string> pairs, bool only_if_none_exist);

// --- Reads -----------------------------------------------------------------

/// GET: nil for a missing key.
op_result<string_value> op_get(keyspace& ks, int db, std::string_view key);

/// MGET: one string per key, nullopt for a missing key or one that is not a
/// string.
std::vector<std::optional<string_value>> op_mget(keyspace& ks, int db,
                                                 std::span<const std::string> keys);

/// GETDEL: the string, removed from the keyspace; nil for a missing key.
op_result<string_value> op_getdel(keyspace& ks, int db, std::string_view key);

struct getex_options {
  expire_arg expire;
  bool persist = false;
};

enum class ttl_change : uint8_t { none, deleted, expire_set, persisted };

struct getex_outcome {
  string_value value;
  ttl_change change = ttl_change::none;
  /// With change == expire_set: the new expire (absolute ms).
  int64_t expire_at_ms = -1;
};

/// GETEX: the string and what happened to its TTL. An absolute expire in the
/// past deletes the key. nil for a missing key (before the expire is
/// checked, as Redis).
op_result<getex_outcome> op_getex(keyspace& ks, int db, std::string_view key,
                                  const getex_options& options);

/// STRLEN: 0 for a missing key.
op_result<size_t> op_strlen(keyspace& ks, int db, std::string_view key);

/// A byte range of a string (GETRANGE).
struct string_slice {
  std::optional<string_value> source;
  size_t start = 0, length = 0;
  std::string_view view() const {
    return source ? source->view().substr(start, length) : std::string_view{};
  }
};

/// GETRANGE / SUBSTR: inclusive range, negative indexes from the end; an
/// empty slice for a missing key or an empty range.
op_result<string_slice> op_getrange(keyspace& ks, int db, std::string_view key, long long start,
                                    long long end);

// --- Writes ----------------------------------------------------------------

/// APPEND: the new length.
op_result<size_t> op_append(keyspace& ks, int db, std::string_view key, std::string_view tail);

/// SETRANGE: the new length. An empty patch creates no key.
op_result<size_t> op_setrange(keyspace& ks, int db, std::string_view key, long long offset,
                              std::string_view patch);

/// INCR, DECR, INCRBY, DECRBY: the new value, stored int-encoded, TTL kept.
op_result<int64_t> op_incrby(keyspace& ks, int db, std::string_view key, int64_t delta);

/// INCRBYFLOAT: the new value as stored (the write stream gets it as SET …
/// KEEPTTL). `increment` is parsed after the key's type is checked, as Redis
/// does.
op_result<std::string> op_incrbyfloat(keyspace& ks, int db, std::string_view key,
                                      std::string_view increment);

// --- LCS -------------------------------------------------------------------

struct lcs_strings {
  std::optional<string_value> a, b;
};

/// LCS's first step: both keys read (missing ones are empty);
/// lcs_not_strings if either holds another type.
op_result<lcs_strings> op_lcs_read(keyspace& ks, int db, std::string_view key_a,
                                   std::string_view key_b);

struct lcs_options {
  bool idx = false, len = false, with_match_len = false;
  uint64_t min_match_len = 0;
};

/// LCS's second step on what op_lcs_read returned: with `len` alone only
/// the length is computed, with `idx` the matches, else the common string.
op_result<datatypes::lcs_result> op_lcs(const lcs_strings& strings, const lcs_options& options);

} // namespace actis::commands
