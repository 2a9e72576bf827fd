// Reading Redis's RDB format (versions 1 to 10: everything redis-server 7.0
// writes or loads) from a stream, so multi-GB files load without being held
// in memory, and single DUMP values for RESTORE. Plain C++, no CAF.
//
// Corrupt input never crashes, hangs or allocates without bound: every
// length is checked against what the input still holds before memory is
// committed beyond a small step, and every embedded blob (listpack, ziplist,
// intset, zipmap) is validated whole before use, as Redis's
// sanitize-dump-payload yes does. Loaded values take the encoding actis
// would choose for their contents under the current *-max-listpack-*,
// set-max-intset-entries and list-max-listpack-size settings, as Redis
// converts on load.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "datatypes/value.hpp"
#include "persistence/file_io.hpp"

namespace actis::persistence {

/// Receives what load_rdb finds, in file order.
struct rdb_handler {
  virtual ~rdb_handler() = default;
  virtual void aux(std::string_view key, std::string_view value);
  virtual void resize_db(int db, uint64_t keys, uint64_t expires);
  /// One key of database `db`; `expire_ms` -1 without an expire, `idle_s`
  /// and `lfu_freq` -1 unless the file carried them. Empty collections are
  /// skipped (as Redis skips them) and never reach here.
  virtual void entry(int db, std::string key, datatypes::value v, int64_t expire_ms,
                     int64_t idle_s, int lfu_freq) = 0;
  /// A function library's code (RDB_OPCODE_FUNCTION2).
  virtual void function(std::string code);
  /// Called about every MiB with the bytes consumed so far.
  virtual void progress(uint64_t bytes_read);
};

struct rdb_error {
  std::string message;
  /// Bytes consumed from the source when the problem was found.
  uint64_t offset = 0;
};

/// Reads one RDB stream (header to EOF opcode and its checksum) and hands
/// its contents to `h`. The source is not read past the checksum. Nothing
/// on success; else what is wrong and where. `verify_checksum`: compare the
/// CRC64 trailer (a zero trailer means "saved without checksum").
/// `deep_sanitize` (sanitize-dump-payload yes) also refuses duplicates
/// inside embedded blobs and unordered intsets, which are otherwise merged
/// and sorted; the structure is validated either way.
std::optional<rdb_error> load_rdb(byte_source& src, rdb_handler& h, bool verify_checksum,
                                  bool deep_sanitize = false);

/// Decodes one value of RDB type `type` from the front of `bytes` (a DUMP
/// payload's body), advancing `bytes` past it. Nothing on corrupt input or
/// an empty collection, with `error` saying why. `deep_sanitize` as for
/// load_rdb.
std::optional<datatypes::value> read_value(uint8_t type, std::string_view& bytes,
                                           std::string& error, bool deep_sanitize = true);

/// Decodes one RDB string (plain, integer-encoded or LZF) from the front of
/// `bytes`, advancing it. False on corrupt input.
bool read_string(std::string_view& bytes, std::string& out);

/// DUMP payload framing (Redis's verifyDumpPayload): at least 10 bytes, an
/// RDB version not newer than ours, and, when `check_crc`, the CRC64.
bool dump_payload_ok(std::string_view payload, bool check_crc);

} // namespace actis::persistence
