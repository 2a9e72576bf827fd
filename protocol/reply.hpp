// RESP2/RESP3 reply encoder. Plain C++, no CAF.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace actis::protocol {

/// +OK as bytes, the same in RESP2 and RESP3 (for replies built outside a
/// reply_builder, e.g. a deferred one).
inline constexpr std::string_view ok_reply = "+OK\r\n";
/// Receives the code of every error reply any reply_builder writes (Redis's
/// afterErrorReply: INFO errorstats and total_error_replies), on the thread
/// that writes it, while the builder is still writing.
using error_listener = void (*)(std::string_view code);
/// Installs the process-wide listener (null: error replies are not
/// counted). Call before any thread builds replies.
void set_error_listener(error_listener listener);
/// The errorstats name of an error line (without '-'): Redis takes the
/// first word if a space comes within the first 32 bytes of "-line", else
/// "ERR".
std::string_view error_code(std::string_view line);

/// Appends RESP-encoded replies to a caller-owned buffer. The protocol version
/// (2 or 3) decides how nulls, maps, sets, doubles and booleans are encoded,
/// so command handlers call the same functions for both.
/// The buffer must outlive the builder. Not thread-safe; one per execution.
class reply_builder {
public:
  explicit reply_builder(std::string& out, int resp = 2) : out_(&out), resp_(resp) {}

  int resp() const { return resp_; }
  std::string& buffer() { return *out_; }
  /// Number of error replies this builder wrote (failed_calls: the command
  /// replied an error).
  uint64_t errors() const { return errors_; }

  void ok();                              // +OK
  void simple(std::string_view s);        // +s
  /// `msg` is the full error line without '-' and CRLF, e.g. "ERR syntax error".
  /// A message whose first word is not an upper-case code (ERR, WRONGTYPE,
  /// NOSCRIPT...) gets "ERR " prepended. CR/LF in `msg` become spaces.
  void error(std::string_view msg);
  /// Error line sent as given, never prefixed (Lua error replies: Redis sends
  /// redis.error_reply("my error") as "-my error"). CR/LF become spaces.
  void error_verbatim(std::string_view line);
  /// error_verbatim() of an error whose code was counted already (a
  /// script's error raised from a nested command's: Redis's
  /// ERR_REPLY_FLAG_NO_STATS_UPDATE): errors() counts it, the error
  /// listener (INFO errorstats) does not see it again.
  void error_counted_before(std::string_view line);
  void integer(long long v);              // :v
  void bulk(std::string_view s);          // $len s
  void null();                            // RESP2 $-1, RESP3 _
  void null_array();                      // RESP2 *-1, RESP3 _
  void array(size_t n);                   // *n
  void map(size_t pairs);                 // RESP2 *2n, RESP3 %n
  void set(size_t n);                     // RESP2 *n, RESP3 ~n
  void push(size_t n);                    // RESP2 *n, RESP3 >n
  /// RESP3 attribute (|pairs) ahead of the reply it describes. RESP2 has
  /// no attributes: callers write none there (the caller checks resp()).
  void attribute(size_t pairs);
  /// RESP3 ,d ; RESP2 bulk string; both "%.17g" like Redis 7.0 (1.1 is
  /// "1.1000000000000001"), infinities as inf / -inf.
  void dbl(double d);
  void boolean(bool b);                   // RESP3 #t/#f ; RESP2 :1/:0
  /// RESP3 big number ((digits), RESP2 bulk string. `digits` is written as
  /// given.
  void big_number(std::string_view digits);
  /// RESP3 verbatim string (=len txt:...), RESP2 bulk string.
  void verbatim(std::string_view text, std::string_view format = "txt");
  /// Already-encoded RESP bytes, appended as they are.
  void raw(std::string_view encoded) { out_->append(encoded); }

private:
  std::string* out_;
  int resp_;
  uint64_t errors_ = 0;

  /// Counts the error line just written, which starts at `line_start`.
  void count_error(size_t line_start);
};

} // namespace actis::protocol
