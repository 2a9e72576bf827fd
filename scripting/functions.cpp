#include "scripting/functions.hpp"

#include <algorithm>
#include <cctype>

#include "scripting/script_cache.hpp"

namespace actis::scripting {

namespace {

struct named_flag {
  std::string_view name;
  uint32_t flag;
};
constexpr named_flag function_flags[] = {
    {"no-writes", sf_no_writes},       {"allow-oom", sf_allow_oom},
    {"allow-stale", sf_allow_stale},   {"no-cluster", sf_no_cluster},
    {"allow-cross-slot-keys", sf_allow_cross_slot},
};

std::vector<std::string_view> words(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i])))
      ++i;
    size_t start = i;
    while (i < s.size() && !std::isspace(static_cast<unsigned char>(s[i])))
      ++i;
    if (i > start)
      out.push_back(s.substr(start, i - start));
  }
  return out;
}

bool iequal(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

} // namespace

std::optional<library_header> parse_library_header(std::string_view code, std::string& error) {
  if (code.substr(0, 2) != "#!") {
    error = "ERR Missing library metadata";
    return std::nullopt;
  }
  auto nl = code.find('\n');
  if (nl == std::string_view::npos) {
    error = "ERR Invalid library metadata";
    return std::nullopt;
  }
  auto parts = words(code.substr(0, nl));
  if (parts.empty()) {
    error = "ERR Invalid library metadata";
    return std::nullopt;
  }
  auto engine = parts[0].substr(2);
  if (!iequal(engine, "lua")) {
    error = "ERR Engine '" + std::string(engine) + "' not found";
    return std::nullopt;
  }
  library_header h;
  bool named = false;
  for (size_t i = 1; i < parts.size(); ++i) {
    if (parts[i].substr(0, 5) == "name=") {
      if (named) {
        error = "ERR Invalid metadata value, name argument was given multiple times";
        return std::nullopt;
      }
      h.name = std::string(parts[i].substr(5));
      named = true;
      continue;
    }
    error = "ERR Invalid metadata value given: " + std::string(parts[i]);
    return std::nullopt;
  }
  if (!named) {
    error = "ERR Library name was not given";
    return std::nullopt;
  }
  h.length = nl;
  return h;
}

bool valid_function_name(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

std::vector<std::string_view> flag_names(uint32_t flags) {
  std::vector<std::string_view> out;
  for (auto& f : function_flags)
    if (flags & f.flag)
      out.push_back(f.name);
  return out;
}

uint32_t flag_of(std::string_view name) {
  for (auto& f : function_flags)
    if (f.name == name)
      return f.flag;
  return 0;
}

library_registry& library_registry::instance() {
  static library_registry registry;
  return registry;
}

std::string library_registry::add(library lib, bool replace) {
  std::lock_guard lock(mu_);
  auto same = std::find_if(libraries_.begin(), libraries_.end(),
                           [&](const library& l) { return l.name == lib.name; });
  if (same != libraries_.end() && !replace)
    return "ERR Library '" + lib.name + "' already exists";
  for (auto& f : lib.functions)
    for (auto& l : libraries_)
      if (l.name != lib.name)
        for (auto& g : l.functions)
          if (iequal(g.name, f.name))
            return "ERR Function " + f.name + " already exists";
  if (same != libraries_.end())
    *same = std::move(lib);
  else
    libraries_.push_back(std::move(lib));
  generation_.fetch_add(1, std::memory_order_acq_rel);
  return {};
}

std::string library_registry::join(std::vector<library> libs, bool replace) {
  std::lock_guard lock(mu_);
  std::vector<library> kept;
  for (auto& l : libraries_) {
    bool replaced = false;
    for (auto& n : libs)
      if (n.name == l.name) {
        if (!replace)
          return "ERR Library " + n.name + " already exists";
        replaced = true;
      }
    if (!replaced)
      kept.push_back(l);
  }
  for (auto& n : libs)
    for (auto& f : n.functions)
      for (auto& l : kept)
        for (auto& g : l.functions)
          if (iequal(f.name, g.name))
            return "ERR Function " + f.name + " already exists";
  for (auto& n : libs)
    kept.push_back(std::move(n));
  libraries_ = std::move(kept);
  generation_.fetch_add(1, std::memory_order_acq_rel);
  return {};
}

void library_registry::replace_all(std::vector<library> libs) {
  std::lock_guard lock(mu_);
  libraries_ = std::move(libs);
  generation_.fetch_add(1, std::memory_order_acq_rel);
}

bool library_registry::remove(std::string_view name) {
  std::lock_guard lock(mu_);
  auto it = std::find_if(libraries_.begin(), libraries_.end(),
                         [&](const library& l) { return l.name == name; });
  if (it == libraries_.end())
    return false;
  libraries_.erase(it);
  generation_.fetch_add(1, std::memory_order_acq_rel);
  return true;
}

void library_registry::flush() {
  std::lock_guard lock(mu_);
  libraries_.clear();
  generation_.fetch_add(1, std::memory_order_acq_rel);
}

std::vector<library> library_registry::snapshot() const {
  std::lock_guard lock(mu_);
  return libraries_;
}

std::optional<std::pair<std::string, function_meta>>
library_registry::find_function(std::string_view name) const {
  std::lock_guard lock(mu_);
  for (auto& l : libraries_)
    for (auto& f : l.functions)
      if (iequal(f.name, name))
        return std::pair{l.name, f};
  return std::nullopt;
}

size_t library_registry::library_count() const {
  std::lock_guard lock(mu_);
  return libraries_.size();
}

size_t library_registry::function_count() const {
  std::lock_guard lock(mu_);
  size_t n = 0;
  for (auto& l : libraries_)
    n += l.functions.size();
  return n;
}

bool library_registry::has_library(std::string_view name) const {
  std::lock_guard lock(mu_);
  return std::any_of(libraries_.begin(), libraries_.end(),
                     [&](const library& l) { return l.name == name; });
}

} // namespace actis::scripting
