#include "persistence/aof_loader.hpp"

#include <chrono>
#include <cstdio>

#include "config/config.hpp"

namespace actis::persistence {

namespace {

void note(aof_load_result& r, std::string text) { r.log.push_back({false, std::move(text)}); }
void warn(aof_load_result& r, std::string text) { r.log.push_back({true, std::move(text)}); }

aof_load_result& fail(aof_load_result& r, std::string file, std::string err, uint64_t offset = 0) {
  r.status = aof_load_status::failed;
  r.error_file = std::move(file);
  r.error = std::move(err);
  r.error_offset = offset;
  warn(r, r.error);
  return r;
}

bool dir_exists(file_system& fs, const std::string& dir) {
  return fs.exists(dir) || !fs.list_dir(dir).empty();
}

/// Redis's aofUpgradePrepare: the old file becomes the base of a manifest
/// (written first, so a crash before the rename is detected next time),
/// then moves into the directory.
bool upgrade(file_system& fs, const aof_load_options& opt, aof_load_result& r) {
  std::string dir = aof_dir_path(opt);
  std::string err;
  if (!fs.make_dir(dir, err)) {
    fail(r, opt.filename, "Can't open or create append-only dir " + opt.dirname + ": " + err);
    return false;
  }
  r.manifest = aof_manifest{};
  r.manifest.base = aof_file_info{opt.filename, 1, aof_file_type::base};
  r.manifest.base_seq = 1;
  if (!save_manifest(fs, dir, opt.filename, r.manifest, err)) {
    fail(r, manifest_file_name(opt.filename), err);
    return false;
  }
  if (!fs.rename(join_path(opt.dir, opt.filename), join_path(dir, opt.filename), err) ||
      !fs.sync_dir(dir, err) || !fs.sync_dir(opt.dir, err)) {
    fail(r, opt.filename,
         "Error moving the AOF file " + opt.filename + " to the AOF directory " + opt.dirname +
             ": " + err);
    return false;
  }
  r.upgraded = true;
  note(r, "Successfully migrated an old-style AOF into the AOF directory " + opt.dirname + ".");
  return true;
}

std::string seconds_since(std::chrono::steady_clock::time_point start) {
  std::chrono::duration<double> d = std::chrono::steady_clock::now() - start;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", d.count());
  return buf;
}

/// Loads one file of the set; false when loading must stop.
bool load_one(file_system& fs, const aof_load_options& opt, const aof_read_callbacks& cb,
              const aof_file_info& f, bool last_file, aof_load_result& r) {
  std::string dir = aof_dir_path(opt);
  std::string path = join_path(dir, f.name);
  std::string err;
  auto src = fs.open_read(path, err);
  if (!src) {
    fail(r, f.name, "Fatal error: can't open the append log file " + f.name +
                        " for reading: " + err);
    return false;
  }
  auto start = std::chrono::steady_clock::now();
  aof_read_options ro;
  ro.load_truncated = opt.load_truncated;
  ro.name = f.name;
  ro.old_style = f.name == opt.filename;
  aof_read_result res = read_aof(*src, cb, ro);
  r.commands += res.commands;
  for (auto& line : res.log)
    if (res.status != aof_read_status::failed || line.text != res.error)
      r.log.push_back(line);
  const char* kind = f.type == aof_file_type::base ? "base" : "incr";
  switch (res.status) {
    case aof_read_status::failed:
      fail(r, f.name, res.error, res.error_offset);
      return false;
    case aof_read_status::truncated:
      if (!last_file) {
        fail(r, f.name, "Fatal error: the truncated file is not the last file",
             res.valid_length);
        return false;
      }
      if (!fs.truncate(path, res.valid_length, err)) {
        warn(r, "Error truncating the AOF file " + f.name + ": " + err);
        fail(r, f.name,
             "Unexpected end of file reading the append only file " + f.name +
                 ". You can: 1) Make a backup of your AOF file, then use ./redis-check-aof "
                 "--fix <filename.manifest>. 2) Alternatively you can set the "
                 "'aof-load-truncated' configuration option to yes and restart the server.",
             res.valid_length);
        return false;
      }
      warn(r, "AOF " + f.name + " loaded anyway because aof-load-truncated is enabled");
      r.total_size += res.valid_length;
      break;
    case aof_read_status::ok:
    case aof_read_status::empty:
      r.total_size += fs.file_size(path).value_or(0);
      break;
  }
  if (f.type == aof_file_type::base)
    r.base_size = r.total_size;
  note(r, std::string("DB loaded from ") + kind + " file " + f.name + ": " +
              seconds_since(start) + " seconds");
  return true;
}

} // namespace

aof_load_options aof_load_options_from_config() {
  auto& reg = config::registry::instance();
  aof_load_options opt;
  opt.dirname = reg.get_one("appenddirname");
  opt.filename = reg.get_one("appendfilename");
  opt.load_truncated = reg.get_one("aof-load-truncated") == "yes";
  return opt;
}

std::string aof_dir_path(const aof_load_options& opt) { return join_path(opt.dir, opt.dirname); }

aof_load_result load_aof(file_system& fs, const aof_load_options& opt,
                         const aof_read_callbacks& cb) {
  aof_load_result r;
  std::string dir = aof_dir_path(opt);
  std::string err;
  bool have_dir = dir_exists(fs, dir);
  if (have_dir) {
    if (auto m = load_manifest(fs, dir, opt.filename, err))
      r.manifest = std::move(*m);
    else if (!err.empty())
      return fail(r, manifest_file_name(opt.filename), err);
  }
  auto& m = r.manifest;
  if (fs.exists(join_path(opt.dir, opt.filename))) {
    bool half_upgraded = m.base && m.incr.empty() && m.base->name == opt.filename &&
                         !fs.exists(join_path(dir, opt.filename));
    if (!have_dir || (!m.base && m.incr.empty()) || half_upgraded)
      if (!upgrade(fs, opt, r))
        return r;
  }
  if (!m.base && m.incr.empty()) {
    r.status = aof_load_status::not_exist;
    return r;
  }
  // Every file the manifest names must exist before any is loaded.
  uint64_t total = 0;
  std::vector<const aof_file_info*> files;
  if (m.base)
    files.push_back(&*m.base);
  for (auto& f : m.incr)
    files.push_back(&f);
  for (auto* f : files) {
    auto size = fs.file_size(join_path(dir, f->name));
    if (!size)
      return fail(r, f->name,
                  "Unable to obtain the AOF file " + f->name +
                      " length. stat: No such file or directory");
    total += *size;
  }
  if (total == 0) {
    r.status = aof_load_status::empty;
    return r;
  }
  for (size_t i = 0; i < files.size(); ++i)
    if (!load_one(fs, opt, cb, *files[i], i + 1 == files.size(), r))
      return r;
  return r;
}

} // namespace actis::persistence
