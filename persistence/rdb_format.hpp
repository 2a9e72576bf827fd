// Writing Redis's RDB format, version 10 (redis-server 7.0): snapshot files
// and the value part of DUMP payloads. Each type is written in the encoding
// Redis 7.0 writes for the same contents (listpack and intset blobs in
// Redis's byte format), so a DUMP of a small value is byte-identical to
// Redis's. Plain C++, no CAF; the functions only append to `out`.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "datatypes/value.hpp"

namespace actis::persistence {

constexpr int rdb_version = 10;

/// Value type bytes (rdb.h's RDB_TYPE_*).
namespace rdb_type {
constexpr uint8_t string = 0;
constexpr uint8_t list = 1;
constexpr uint8_t set = 2;
constexpr uint8_t zset = 3;
constexpr uint8_t hash = 4;
constexpr uint8_t zset_2 = 5;
constexpr uint8_t module = 6;
constexpr uint8_t module_2 = 7;
constexpr uint8_t hash_zipmap = 9;
constexpr uint8_t list_ziplist = 10;
constexpr uint8_t set_intset = 11;
constexpr uint8_t zset_ziplist = 12;
constexpr uint8_t hash_ziplist = 13;
constexpr uint8_t list_quicklist = 14;
constexpr uint8_t stream_listpacks = 15;
constexpr uint8_t hash_listpack = 16;
constexpr uint8_t zset_listpack = 17;
constexpr uint8_t list_quicklist_2 = 18;
constexpr uint8_t stream_listpacks_2 = 19;
/// Redis 7.2's set listpack; accepted on load.
constexpr uint8_t set_listpack = 20;
} // namespace rdb_type

/// Opcodes (rdb.h's RDB_OPCODE_*).
namespace rdb_opcode {
constexpr uint8_t function2 = 245;
constexpr uint8_t function_pre_ga = 246;
constexpr uint8_t module_aux = 247;
constexpr uint8_t idle = 248;
constexpr uint8_t freq = 249;
constexpr uint8_t aux = 250;
constexpr uint8_t resizedb = 251;
constexpr uint8_t expiretime_ms = 252;
constexpr uint8_t expiretime = 253;
constexpr uint8_t selectdb = 254;
constexpr uint8_t eof = 255;
} // namespace rdb_opcode

/// Quicklist 2 node containers.
constexpr uint64_t quicklist_node_plain = 1;
constexpr uint64_t quicklist_node_packed = 2;

/// "REDIS0010".
void put_header(std::string& out);
/// An AUX field (never compressed, as Redis's short aux values never are).
void put_aux(std::string& out, std::string_view key, std::string_view value);
/// An integer AUX field as rdbSaveAuxFieldStrInt: its decimal text, which
/// the string encoding stores as an integer when it fits 32 bits.
void put_aux(std::string& out, std::string_view key, long long value);
void put_select_db(std::string& out, int db);
void put_resize_db(std::string& out, uint64_t keys, uint64_t expires);
/// One key: EXPIRETIME_MS when `expire_ms` >= 0, IDLE when `idle_s` >= 0
/// (Redis writes it under an LRU maxmemory-policy), FREQ when `lfu_freq`
/// >= 0 (under an LFU policy), the type byte, the key, the value.
/// `compress` is rdbcompression. Throws std::invalid_argument for a type
/// the format cannot hold yet (streams).
void put_entry(std::string& out, std::string_view key, const datatypes::value& v,
               int64_t expire_ms, bool compress, int64_t idle_s = -1, int lfu_freq = -1);
/// A function library (RDB_OPCODE_FUNCTION2 and its code).
void put_function(std::string& out, std::string_view library_code, bool compress = true);
/// The EOF opcode; the caller appends the CRC64 (or 8 zero bytes).
void put_eof(std::string& out);
/// The type byte and the value, as DUMP embeds them; returns the type byte.
/// Throws std::invalid_argument as put_entry.
uint8_t put_value(std::string& out, const datatypes::value& v, bool compress);

/// A DUMP payload: the value, the RDB version (2 bytes LE) and the CRC64
/// (8 bytes LE) of everything before it.
std::string dump_payload(const datatypes::value& v, bool compress);

} // namespace actis::persistence
