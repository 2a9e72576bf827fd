#include "scripting/script_cache.hpp"

#include "datatypes/digest.hpp"

namespace actis::scripting {

namespace {

/// Redis's sdssplitargs for the shebang line: words separated by blanks;
/// quoting is not needed by any valid shebang, so words are taken as is.
std::vector<std::string_view> split_words(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\v' ||
                            s[i] == '\f'))
      ++i;
    size_t start = i;
    while (i < s.size() && !(s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\v' ||
                             s[i] == '\f'))
      ++i;
    if (i > start)
      out.push_back(s.substr(start, i - start));
  }
  return out;
}

struct flag_name {
  std::string_view name;
  uint32_t flag;
};
constexpr flag_name flag_names[] = {
    {"no-writes", sf_no_writes},       {"allow-oom", sf_allow_oom},
    {"allow-stale", sf_allow_stale},   {"no-cluster", sf_no_cluster},
    {"allow-cross-slot-keys", sf_allow_cross_slot},
};

} // namespace

std::optional<uint32_t> parse_eval_shebang(std::string_view body, size_t& shebang_len,
                                           std::string& error) {
  shebang_len = 0;
  if (body.substr(0, 2) != "#!")
    return sf_eval_compat;
  auto nl = body.find('\n');
  if (nl == std::string_view::npos) {
    error = "ERR Invalid script shebang";
    return std::nullopt;
  }
  auto parts = split_words(body.substr(0, nl));
  if (parts.empty()) {
    error = "ERR Invalid engine in script shebang";
    return std::nullopt;
  }
  if (parts[0] != "#!lua") {
    error = "ERR Unexpected engine in script shebang: " + std::string(parts[0]);
    return std::nullopt;
  }
  uint32_t flags = 0;
  for (size_t j = 1; j < parts.size(); ++j) {
    if (parts[j].substr(0, 6) != "flags=") {
      error = "ERR Unknown lua shebang option: " + std::string(parts[j]);
      return std::nullopt;
    }
    auto list = parts[j].substr(6);
    // sdssplitlen: an empty list has no flags; otherwise every comma
    // separates a flag, empty ones included.
    if (list.empty())
      continue;
    size_t pos = 0;
    while (true) {
      auto comma = list.find(',', pos);
      auto name = list.substr(pos, comma == std::string_view::npos ? list.npos : comma - pos);
      const flag_name* found = nullptr;
      for (auto& f : flag_names)
        if (f.name == name)
          found = &f;
      if (found == nullptr) {
        error = "ERR Unexpected flag in script shebang: " + std::string(name);
        return std::nullopt;
      }
      flags |= found->flag;
      if (comma == std::string_view::npos)
        break;
      pos = comma + 1;
    }
  }
  shebang_len = nl;
  return flags;
}

std::string sha1_hex(std::string_view data) {
  unsigned char d[datatypes::digest_size] = {};
  datatypes::xor_digest(d, data);
  return datatypes::digest_hex(d);
}

script_cache& script_cache::instance() {
  static script_cache cache;
  return cache;
}

void script_cache::add(const std::string& sha, std::string_view body, uint32_t flags) {
  std::lock_guard lock(mu_);
  auto [it, inserted] = scripts_.try_emplace(sha, script{std::string(body), flags});
  if (inserted)
    body_bytes_ += body.size();
}

std::optional<script_cache::script> script_cache::find(std::string_view sha) const {
  std::lock_guard lock(mu_);
  auto it = scripts_.find(std::string(sha));
  if (it == scripts_.end())
    return std::nullopt;
  return it->second;
}

std::optional<uint32_t> script_cache::flags_of(const std::string& sha) const {
  std::lock_guard lock(mu_);
  auto it = scripts_.find(sha);
  if (it == scripts_.end())
    return std::nullopt;
  return it->second.flags;
}

bool script_cache::contains(std::string_view sha) const {
  std::lock_guard lock(mu_);
  return scripts_.count(std::string(sha)) != 0;
}

void script_cache::flush() {
  std::lock_guard lock(mu_);
  scripts_.clear();
  body_bytes_ = 0;
  generation_.fetch_add(1, std::memory_order_acq_rel);
}

size_t script_cache::size() const {
  std::lock_guard lock(mu_);
  return scripts_.size();
}

size_t script_cache::body_bytes() const {
  std::lock_guard lock(mu_);
  return body_bytes_;
}

} // namespace actis::scripting
