// Lexical helpers for redis.conf syntax: argument splitting and quoting as
// Redis's sdssplitargs/sdscatrepr do, and memory values with units.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace actis::config::detail {

/// Splits one config line into arguments: whitespace-separated, "double
/// quoted" (with \n \r \t \b \a \xHH and \c escapes) or 'single quoted' (only
/// \' escaped). A closing quote must be followed by whitespace or the end.
/// Returns false for unbalanced quotes.
bool split_args(std::string_view line, std::vector<std::string>& out);

/// CONFIG SET's splitting of a multi-argument value: on every single space,
/// keeping empty pieces ("a  b" -> "a", "", "b"); "" yields no pieces.
std::vector<std::string> split_on_spaces(std::string_view s);

/// Double-quoted, escaped form of `s` that split_args reads back unchanged
/// (how redis-server turns --flag values into config lines).
std::string quote_arg(std::string_view s);

/// A memory value: decimal digits followed by an optional unit (b, k, kb, m,
/// mb, g, gb; any case). k/m/g are powers of 1000, kb/mb/gb of 1024. No digits
/// means 0; digits beyond 64 bits saturate and units multiply with wrap-around,
/// as Redis's memtoull does. False for anything else (signs, spaces, dots).
bool parse_memory(std::string_view s, unsigned long long& out);

/// Reads a config file, or every file matching a glob pattern in order (a
/// pattern matching nothing reads nothing), like Redis's loadServerConfig.
/// On failure `error` is "Fatal error, can't open config file '<f>': <why>".
bool read_config_source(const std::string& path, std::string& content, std::string& error);

} // namespace actis::config::detail
