#include "persistence/simulated_file_system.hpp"

#include <cstring>

namespace actis::persistence {

namespace {
const char* const no_such_file = "No such file or directory";
} // namespace

class simulated_file final : public writable_file {
public:
  simulated_file(simulated_file_system& fs, std::shared_ptr<simulated_file_system::node> n)
      : fs_(fs), node_(std::move(n)) {}

  bool append(std::string_view data) override {
    std::lock_guard<std::mutex> guard(fs_.mutex_);
    if (!fs_.reserve(data.size())) {
      error_ = "No space left on device";
      return false;
    }
    node_->data.append(data);
    return true;
  }

  bool sync() override {
    std::lock_guard<std::mutex> guard(fs_.mutex_);
    node_->synced = node_->data.size();
    return true;
  }

  bool close() override { return true; }

  uint64_t size() const override {
    std::lock_guard<std::mutex> guard(fs_.mutex_);
    return node_->data.size();
  }

private:
  simulated_file_system& fs_;
  std::shared_ptr<simulated_file_system::node> node_;
};

namespace {

class snapshot_source final : public byte_source {
public:
  explicit snapshot_source(std::string bytes) : bytes_(std::move(bytes)) {}
  size_t read(char* dst, size_t n) override {
    size_t take = std::min(n, bytes_.size() - offset_);
    std::memcpy(dst, bytes_.data() + offset_, take);
    offset_ += take;
    return take;
  }

private:
  std::string bytes_;
  size_t offset_ = 0;
};

} // namespace

bool simulated_file_system::reserve(size_t bytes) {
  uint64_t used = 0;
  for (auto& [path, n] : visible_)
    used += n->data.size();
  return used + bytes <= capacity_;
}

std::unique_ptr<writable_file> simulated_file_system::open_append(const std::string& path,
                                                                  bool truncate, std::string&) {
  std::lock_guard<std::mutex> guard(mutex_);
  auto& slot = visible_[path];
  if (!slot)
    slot = std::make_shared<node>();
  if (truncate) {
    slot->data.clear();
    slot->synced = 0;
  }
  return std::make_unique<simulated_file>(*this, slot);
}

std::unique_ptr<byte_source> simulated_file_system::open_read(const std::string& path,
                                                              std::string& err) {
  std::lock_guard<std::mutex> guard(mutex_);
  auto it = visible_.find(path);
  if (it == visible_.end()) {
    err = no_such_file;
    return nullptr;
  }
  return std::make_unique<snapshot_source>(it->second->data);
}

bool simulated_file_system::rename(const std::string& from, const std::string& to,
                                   std::string& err) {
  std::lock_guard<std::mutex> guard(mutex_);
  auto it = visible_.find(from);
  if (it == visible_.end()) {
    err = no_such_file;
    return false;
  }
  auto n = it->second;
  visible_.erase(it);
  visible_[to] = std::move(n);
  return true;
}

bool simulated_file_system::remove(const std::string& path, std::string& err) {
  std::lock_guard<std::mutex> guard(mutex_);
  if (visible_.erase(path) == 0) {
    err = no_such_file;
    return false;
  }
  return true;
}

bool simulated_file_system::truncate(const std::string& path, uint64_t size, std::string& err) {
  std::lock_guard<std::mutex> guard(mutex_);
  auto it = visible_.find(path);
  if (it == visible_.end()) {
    err = no_such_file;
    return false;
  }
  node& n = *it->second;
  if (size < n.data.size())
    n.data.resize(size);
  if (n.synced > n.data.size())
    n.synced = n.data.size();
  return true;
}

bool simulated_file_system::sync_dir(const std::string& dir, std::string&) {
  std::lock_guard<std::mutex> guard(mutex_);
  for (auto it = durable_.begin(); it != durable_.end();)
    it = dir_of(it->first) == dir && !visible_.count(it->first) ? durable_.erase(it) : ++it;
  for (auto& [path, n] : visible_)
    if (dir_of(path) == dir)
      durable_[path] = n;
  return true;
}

bool simulated_file_system::make_dir(const std::string&, std::string&) { return true; }

bool simulated_file_system::exists(const std::string& path) {
  std::lock_guard<std::mutex> guard(mutex_);
  return visible_.count(path) != 0;
}

std::optional<uint64_t> simulated_file_system::file_size(const std::string& path) {
  std::lock_guard<std::mutex> guard(mutex_);
  auto it = visible_.find(path);
  if (it == visible_.end())
    return std::nullopt;
  return it->second->data.size();
}

std::vector<std::string> simulated_file_system::list_dir(const std::string& dir) {
  std::lock_guard<std::mutex> guard(mutex_);
  std::vector<std::string> names;
  for (auto& [path, n] : visible_)
    if (dir_of(path) == dir)
      names.push_back(path.substr(path.rfind('/') + 1));
  return names;
}

void simulated_file_system::crash(std::mt19937_64& rng) {
  std::lock_guard<std::mutex> guard(mutex_);
  // A node may be reachable from both maps; keep each one's torn prefix once.
  std::map<node*, bool> torn;
  for (auto& [path, n] : durable_) {
    if (torn.emplace(n.get(), true).second) {
      size_t unsynced = n->data.size() - n->synced;
      n->data.resize(n->synced + (unsynced == 0 ? 0 : rng() % (unsynced + 1)));
      n->synced = n->data.size();
    }
  }
  // Open handles keep writing to nodes no longer reachable: fresh copies
  // stand for what is on disk now.
  std::map<std::string, std::shared_ptr<node>> survivors;
  for (auto& [path, n] : durable_)
    survivors[path] = std::make_shared<node>(*n);
  durable_ = survivors;
  visible_ = std::move(survivors);
}

void simulated_file_system::set_capacity(uint64_t bytes) {
  std::lock_guard<std::mutex> guard(mutex_);
  capacity_ = bytes;
}

std::string simulated_file_system::contents(const std::string& path) {
  std::lock_guard<std::mutex> guard(mutex_);
  auto it = visible_.find(path);
  return it == visible_.end() ? std::string() : it->second->data;
}

} // namespace actis::persistence
