// Server log in Redis's format ("pid:M 22 Nov 2026 04:16:10.123 * text"),
// to the logfile or stdout, filtered by loglevel. Thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace actis::actors {

enum class log_level { debug = 0, verbose = 1, notice = 2, warning = 3 };

/// Opens `path` for appending ("" = stdout). Returns false if it can't.
bool open_log(const std::string& path);
void log(log_level level, std::string_view text);

} // namespace actis::actors
