// Incremental RESP request parser (multibulk and inline). Plain C++, no CAF.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace actis::protocol {

/// One request: argv[0] is the command name as sent.
using command_args = std::vector<std::string>;

struct parser_limits {
  size_t proto_max_bulk_len = 512ull * 1024 * 1024;    // proto-max-bulk-len
  size_t max_multibulk = 2147483647;                   // Redis 7.0's cap: INT_MAX
  size_t max_inline = 64 * 1024;                       // PROTO_INLINE_MAX_SIZE
  size_t query_buffer_limit = 1024ull * 1024 * 1024;   // client-query-buffer-limit
};

enum class parse_status {
  ok,            // all input consumed (commands may or may not have been produced)
  protocol_error,// reply "-" + error_message() + "\r\n", then close
  query_buffer_limit // close without reply (Redis logs and frees the client)
};

/// Stateful parser: bytes may arrive split anywhere; a partially received
/// command is kept inside the parser until it completes. Never throws on bad
/// input; never allocates more than the limits allow before reporting.
class request_parser {
public:
  explicit request_parser(parser_limits limits = {}) : limits_(limits) {}

  void set_limits(const parser_limits& l) { limits_ = l; }

  /// Consumes `input`, appending every completed command to `out` (existing
  /// elements are kept). After an error the parser must not be fed again.
  parse_status feed(std::string_view input, std::vector<command_args>& out);

  /// The complete error line (without '-' and CRLF) for protocol_error,
  /// e.g. "ERR Protocol error: invalid bulk length".
  const std::string& error_message() const { return error_; }

  /// Unparsed bytes held for the command being received: a partial line or
  /// bulk payload (Redis's query buffer, CLIENT LIST qbuf).
  size_t pending_bytes() const { return line_.size() + bulk_.size() + deferred_.size(); }
  /// Bytes of the arguments already parsed for the command being received
  /// (CLIENT LIST argv-mem).
  size_t pending_args_bytes() const { return current_bytes_; }

  /// Redis's caps for clients that still have to authenticate: a multibulk
  /// count above 10 or a bulk length above 16384 is a protocol error.
  void set_auth_required(bool required) { auth_required_ = required; }

  /// True when feed() stopped at a header that breaks the unauthenticated
  /// caps after it had produced commands: one of them (AUTH, HELLO) may lift
  /// the caps, as Redis runs each command before parsing the next. The caller
  /// must run the produced commands, then call feed({}, out) again.
  bool has_deferred_input() const { return !deferred_.empty(); }

private:
  enum class stage : unsigned char { idle, mbulk_count, bulk_header, bulk_data, inline_line };
  enum class line_result : unsigned char { complete, need_more, too_big };

  line_result read_line(std::string_view input, size_t& pos, char terminator,
                        std::string_view& line);
  parse_status fail(std::string message);
  parse_status suspend() const;

  parser_limits limits_;
  std::string error_;
  stage stage_ = stage::idle;
  std::string line_;            // start of a line whose terminator has not arrived
  bool line_has_cr_ = false;    // header line: '\r' seen, the byte after it has not
  bool line_blocked_ = false;   // a NUL precedes the terminator: Redis never sees it
  command_args current_;        // args of the multibulk being received
  long long multibulk_left_ = 0;
  size_t bulk_len_ = 0;         // length of the bulk being received
  std::string bulk_;            // partial bulk payload, with its trailing CRLF
  size_t current_bytes_ = 0;
  bool auth_required_ = false;
  std::string deferred_;        // unparsed input kept back until feed() is called again
};

/// Splits an inline command line like Redis's sdssplitargs (quotes, \xHH,
/// escapes) into `out`, replacing its contents. The line ends at its first NUL,
/// as Redis splits C strings. Returns false on unbalanced quotes.
bool split_inline_args(std::string_view line, command_args& out);

} // namespace actis::protocol
