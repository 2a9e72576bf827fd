// A file system in memory that forgets, on crash(), everything POSIX does
// not promise to keep: bytes appended since a file's last sync (but for a
// random prefix of them, as a torn write leaves) and directory changes since
// the directory's last sync. It can also run out of space. For the
// deterministic crash tests; thread-safe. Plain C++.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <random>

#include "persistence/file_io.hpp"

namespace actis::persistence {

class simulated_file_system final : public file_system {
public:
  std::unique_ptr<writable_file> open_append(const std::string& path, bool truncate,
                                             std::string& err) override;
  std::unique_ptr<byte_source> open_read(const std::string& path, std::string& err) override;
  bool rename(const std::string& from, const std::string& to, std::string& err) override;
  bool remove(const std::string& path, std::string& err) override;
  bool truncate(const std::string& path, uint64_t size, std::string& err) override;
  bool sync_dir(const std::string& dir, std::string& err) override;
  bool make_dir(const std::string& dir, std::string& err) override;
  bool exists(const std::string& path) override;
  std::optional<uint64_t> file_size(const std::string& path) override;
  std::vector<std::string> list_dir(const std::string& dir) override;

  /// The machine loses power: only durable state remains (see above).
  /// Open files stay usable objects but write to the lost versions.
  void crash(std::mt19937_64& rng);
  /// Appends fail with "No space left on device" once the total size of all
  /// files would exceed `bytes`.
  void set_capacity(uint64_t bytes);
  /// The current contents of `path` (empty if missing).
  std::string contents(const std::string& path);

  struct node {
    std::string data;
    /// data[0, synced) is durable.
    size_t synced = 0;
  };

private:
  friend class simulated_file;
  bool reserve(size_t bytes);

  std::mutex mutex_;
  /// What a directory listing shows now, and what survives a crash.
  std::map<std::string, std::shared_ptr<node>> visible_, durable_;
  uint64_t capacity_ = UINT64_MAX;
};

} // namespace actis::persistence
