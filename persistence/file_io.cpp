#include "persistence/file_io.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace actis::persistence {

size_t view_source::read(char* dst, size_t n) {
  size_t take = std::min(n, rest_.size());
  std::memcpy(dst, rest_.data(), take);
  rest_.remove_prefix(take);
  return take;
}

size_t buffered_source::read(char* dst, size_t n) {
  size_t done = 0;
  while (done < n) {
    if (pos_ == end_) {
      // A large read goes straight to the destination.
      if (n - done >= buf_.size()) {
        size_t r = inner_.read(dst + done, n - done);
        if (r == 0) {
          error_ = inner_.error();
          break;
        }
        done += r;
        continue;
      }
      size_t r = inner_.read(buf_.data(), buf_.size());
      if (r == 0) {
        error_ = inner_.error();
        break;
      }
      pos_ = 0;
      end_ = r;
    }
    size_t k = std::min(n - done, end_ - pos_);
    std::memcpy(dst + done, buf_.data() + pos_, k);
    pos_ += k;
    done += k;
  }
  return done;
}

namespace {

std::string errno_text() { return std::strerror(errno); }

class posix_writable_file final : public writable_file {
public:
  posix_writable_file(int fd, uint64_t size) : fd_(fd), size_(size) {}
  ~posix_writable_file() override {
    if (fd_ >= 0)
      ::close(fd_);
  }

  bool append(std::string_view data) override {
    while (!data.empty()) {
      ssize_t n = ::write(fd_, data.data(), data.size());
      if (n < 0) {
        if (errno == EINTR)
          continue;
        error_ = errno_text();
        return false;
      }
      data.remove_prefix(static_cast<size_t>(n));
      size_ += static_cast<uint64_t>(n);
    }
    return true;
  }

  bool sync() override {
    if (::fdatasync(fd_) == 0)
      return true;
    error_ = errno_text();
    return false;
  }

  bool close() override {
    int fd = fd_;
    fd_ = -1;
    if (fd < 0 || ::close(fd) == 0)
      return true;
    error_ = errno_text();
    return false;
  }

  uint64_t size() const override { return size_; }

private:
  int fd_;
  uint64_t size_;
};

/// A file's read(2) calls; open_read puts a buffered_source in front.
class posix_file_source final : public byte_source {
public:
  explicit posix_file_source(int fd) : fd_(fd) {}
  ~posix_file_source() override { ::close(fd_); }

  size_t read(char* dst, size_t n) override {
    for (;;) {
      ssize_t got = ::read(fd_, dst, n);
      if (got >= 0)
        return static_cast<size_t>(got);
      if (errno != EINTR) {
        error_ = errno_text();
        return 0;
      }
    }
  }

private:
  int fd_;
};

class posix_file_system final : public file_system {
public:
  std::unique_ptr<writable_file> open_append(const std::string& path, bool truncate,
                                             std::string& err) override {
    int flags = O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | (truncate ? O_TRUNC : 0);
    int fd = ::open(path.c_str(), flags, 0644);
    if (fd < 0) {
      err = errno_text();
      return nullptr;
    }
    struct stat st {};
    ::fstat(fd, &st);
    return std::make_unique<posix_writable_file>(fd, static_cast<uint64_t>(st.st_size));
  }

  std::unique_ptr<byte_source> open_read(const std::string& path, std::string& err) override {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      err = errno_text();
      return nullptr;
    }
    return std::make_unique<buffered_source>(std::make_unique<posix_file_source>(fd));
  }

  bool rename(const std::string& from, const std::string& to, std::string& err) override {
    return check(::rename(from.c_str(), to.c_str()), err);
  }

  bool remove(const std::string& path, std::string& err) override {
    return check(::unlink(path.c_str()), err);
  }

  bool truncate(const std::string& path, uint64_t size, std::string& err) override {
    return check(::truncate(path.c_str(), static_cast<off_t>(size)), err);
  }

  bool sync_dir(const std::string& dir, std::string& err) override {
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
      return check(-1, err);
    int rc = ::fsync(fd);
    int saved = errno;
    ::close(fd);
    errno = saved;
    return check(rc, err);
  }

  bool make_dir(const std::string& dir, std::string& err) override {
    if (::mkdir(dir.c_str(), 0755) == 0 || errno == EEXIST)
      return true;
    return check(-1, err);
  }

  bool exists(const std::string& path) override {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0;
  }

  std::optional<uint64_t> file_size(const std::string& path) override {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0)
      return std::nullopt;
    return static_cast<uint64_t>(st.st_size);
  }

  std::vector<std::string> list_dir(const std::string& dir) override {
    std::vector<std::string> names;
    DIR* d = ::opendir(dir.c_str());
    if (d == nullptr)
      return names;
    while (dirent* e = ::readdir(d))
      if (e->d_type == DT_REG || e->d_type == DT_UNKNOWN)
        if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0)
          names.emplace_back(e->d_name);
    ::closedir(d);
    return names;
  }

private:
  static bool check(int rc, std::string& err) {
    if (rc == 0)
      return true;
    err = errno_text();
    return false;
  }
};

} // namespace

file_system& file_system::posix() {
  static posix_file_system fs;
  return fs;
}

std::string dir_of(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos)
    return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

std::string join_path(const std::string& dir, std::string_view name) {
  std::string path = dir.empty() ? std::string(".") : dir;
  if (path.back() != '/')
    path += '/';
  path += name;
  return path;
}

bool replace_file(file_system& fs, const std::string& path, std::string_view tag,
                  std::string_view bytes, std::string& err) {
  std::string temp = path + ".tmp-" + std::string(tag);
  auto file = fs.open_append(temp, true, err);
  if (!file)
    return false;
  if (!file->append(bytes) || !file->sync() || !file->close()) {
    err = file->error();
    std::string ignored;
    fs.remove(temp, ignored);
    return false;
  }
  return fs.rename(temp, path, err) && fs.sync_dir(dir_of(path), err);
}

} // namespace actis::persistence
