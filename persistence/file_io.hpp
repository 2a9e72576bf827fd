// The file operations persistence needs, behind one small interface, so the
// deterministic tests can run the same writers on a simulated disk that
// loses everything not yet fsynced when it "crashes". Plain C++.
//
// Durability model (what POSIX promises and what the simulation keeps):
// bytes appended to a file survive a crash only after sync() on it; a
// create, rename or remove survives only after sync_dir() on its directory.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace actis::persistence {

/// A sequential reader (a file, a string). read() returns 0 only at the end.
class byte_source {
public:
  virtual ~byte_source() = default;
  /// Reads up to `n` bytes into `dst`; 0 at the end of input. Sets error()
  /// and returns 0 when the underlying read fails.
  virtual size_t read(char* dst, size_t n) = 0;
  const std::string& error() const { return error_; }

protected:
  std::string error_;
};

/// Bytes in memory (RESTORE payloads, tests); `rest()` is what was not
/// read yet. The bytes must outlive it.
class view_source final : public byte_source {
public:
  explicit view_source(std::string_view bytes) : rest_(bytes) {}
  size_t read(char* dst, size_t n) override;
  std::string_view rest() const { return rest_; }

private:
  std::string_view rest_;
};

/// Reads another source through a 64 KiB buffer (the RDB and AOF readers
/// take a few bytes at a time; a file's reads are system calls). Bytes not
/// read yet stay here, so a caller can go on after a part another reader
/// consumed (an AOF base with an RDB preamble). error() repeats the inner
/// source's.
class buffered_source final : public byte_source {
public:
  explicit buffered_source(byte_source& inner) : inner_(inner), buf_(64 * 1024) {}
  /// Owns `inner`.
  explicit buffered_source(std::unique_ptr<byte_source> inner)
      : owned_(std::move(inner)), inner_(*owned_), buf_(64 * 1024) {}
  size_t read(char* dst, size_t n) override;

private:
  std::unique_ptr<byte_source> owned_;
  byte_source& inner_;
  std::vector<char> buf_;
  size_t pos_ = 0, end_ = 0;
};

/// A file opened for appending. Every call returns false on failure and
/// leaves the reason ("No space left on device", ...) in error().
class writable_file {
public:
  virtual ~writable_file() = default;
  virtual bool append(std::string_view data) = 0;
  /// Makes every byte appended so far durable (fdatasync).
  virtual bool sync() = 0;
  virtual bool close() = 0;
  /// Bytes in the file (as of open plus what was appended since).
  virtual uint64_t size() const = 0;
  const std::string& error() const { return error_; }

protected:
  std::string error_;
};

/// The directory and file operations. Paths are plain strings; errors go to
/// `err` (strerror text) and the call returns false / null.
class file_system {
public:
  virtual ~file_system() = default;

  /// Opens `path` for appending, creating it; `truncate` empties it first.
  virtual std::unique_ptr<writable_file> open_append(const std::string& path, bool truncate,
                                                     std::string& err) = 0;
  /// A buffered reader of the file.
  virtual std::unique_ptr<byte_source> open_read(const std::string& path, std::string& err) = 0;
  /// Atomically replaces `to` by `from` (rename(2)).
  virtual bool rename(const std::string& from, const std::string& to, std::string& err) = 0;
  virtual bool remove(const std::string& path, std::string& err) = 0;
  /// Cuts the file to `size` bytes (a torn AOF tail, aof-load-truncated).
  virtual bool truncate(const std::string& path, uint64_t size, std::string& err) = 0;
  /// Makes the directory's entries (creates, renames, removes) durable.
  virtual bool sync_dir(const std::string& dir, std::string& err) = 0;
  /// Creates the directory if missing (mode 0755).
  virtual bool make_dir(const std::string& dir, std::string& err) = 0;
  virtual bool exists(const std::string& path) = 0;
  virtual std::optional<uint64_t> file_size(const std::string& path) = 0;
  /// Names (not paths) of the regular files in `dir`, unsorted.
  virtual std::vector<std::string> list_dir(const std::string& dir) = 0;

  /// The real one (POSIX calls).
  static file_system& posix();
};

/// The directory part of a path ("." when it has none).
std::string dir_of(const std::string& path);
/// `dir` + "/" + `name`.
std::string join_path(const std::string& dir, std::string_view name);

/// A whole file written the crash-safe way: `bytes` go to `path` + ".tmp-"
/// + `tag`, which is fsynced, renamed over `path`, and the directory fsynced,
/// so a crash at any point leaves either the old file or the new one.
bool replace_file(file_system& fs, const std::string& path, std::string_view tag,
                  std::string_view bytes, std::string& err);

} // namespace actis::persistence
