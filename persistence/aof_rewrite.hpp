// The AOF base in command form (aof-use-rdb-preamble no): each key as the
// commands that rebuild it, in the shape of Redis 7.0's rewrite, so
// redis-server and redis-check-aof read actis's base and actis reads
// theirs. Plain C++.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "datatypes/value.hpp"

namespace actis::persistence {

/// SELECT <db>: the keys that follow belong to `db`.
void put_select_command(std::string& out, int db);

/// FUNCTION LOAD <code>: a function library.
void put_function_command(std::string& out, std::string_view library_code);

/// The commands that rebuild `key` holding `v`: SET, RPUSH, SADD, ZADD or
/// HMSET (at most 64 elements each), or for a stream its entries, XSETID
/// and its groups with their consumers and pending entries; then PEXPIREAT
/// when `expire_ms` is not negative.
void put_entry_commands(std::string& out, std::string_view key, const datatypes::value& v,
                        int64_t expire_ms);

} // namespace actis::persistence
