// The file interface: the POSIX implementation in a temporary directory, and
// the simulated one keeping exactly what POSIX promises across a crash.
#include <doctest/doctest.h>

#include <cstdlib>
#include <random>
#include <string>

#include "persistence/file_io.hpp"
#include "persistence/simulated_file_system.hpp"

using namespace actis::persistence;

namespace {

std::string read_all(file_system& fs, const std::string& path) {
  std::string err;
  auto in = fs.open_read(path, err);
  REQUIRE(in);
  std::string out;
  char buf[7];
  while (size_t n = in->read(buf, sizeof buf))
    out.append(buf, n);
  return out;
}

} // namespace

TEST_CASE("file_io: posix append, replace_file, list, truncate") {
  char tmpl[] = "/tmp/actis-fileio-XXXXXX";
  std::string dir = ::mkdtemp(tmpl);
  file_system& fs = file_system::posix();
  std::string err;
  std::string path = join_path(dir, "a.aof");
  auto f = fs.open_append(path, false, err);
  REQUIRE(f);
  CHECK(f->append("hello "));
  CHECK(f->append("world"));
  CHECK(f->sync());
  CHECK(f->size() == 11);
  CHECK(f->close());
  CHECK(read_all(fs, path) == "hello world");
  CHECK(fs.open_append(path, false, err)->size() == 11);
  CHECK(fs.truncate(path, 5, err));
  CHECK(read_all(fs, path) == "hello");
  std::string manifest = join_path(dir, "m");
  CHECK(replace_file(fs, manifest, "1", "one", err));
  CHECK(replace_file(fs, manifest, "2", "two", err));
  CHECK(read_all(fs, manifest) == "two");
  auto names = fs.list_dir(dir);
  CHECK(names.size() == 2);
  CHECK(fs.file_size(manifest) == 3);
  CHECK_FALSE(fs.open_read(join_path(dir, "missing"), err));
  CHECK(err == "No such file or directory");
  CHECK(fs.remove(path, err));
  CHECK(fs.remove(manifest, err));
  std::system(("rmdir " + dir).c_str());
}

TEST_CASE("file_io: a simulated crash keeps synced bytes and synced directory entries") {
  simulated_file_system fs;
  std::mt19937_64 rng(7);
  std::string err;
  auto f = fs.open_append("/d/log", false, err);
  f->append("kept");
  f->sync();
  fs.sync_dir("/d", err);
  f->append("-maybe-torn");
  auto lost = fs.open_append("/d/new", false, err);
  lost->append("x");
  lost->sync();  // the file's bytes, but not its directory entry
  fs.crash(rng);
  std::string log = fs.contents("/d/log");
  CHECK(log.substr(0, 4) == "kept");
  CHECK(std::string("kept-maybe-torn").substr(0, log.size()) == log);
  CHECK_FALSE(fs.exists("/d/new"));

  // A rename is durable only after the directory sync.
  CHECK(replace_file(fs, "/d/log", "t", "replaced", err));
  fs.crash(rng);
  CHECK(fs.contents("/d/log") == "replaced");
  fs.open_append("/d/tmp", true, err)->sync();
  fs.sync_dir("/d", err);
  fs.rename("/d/tmp", "/d/log", err);
  fs.crash(rng);
  CHECK(fs.contents("/d/log") == "replaced");
  CHECK(fs.exists("/d/tmp"));
}

TEST_CASE("file_io: the simulated disk fills up") {
  simulated_file_system fs;
  std::string err;
  fs.set_capacity(10);
  auto f = fs.open_append("/d/f", false, err);
  CHECK(f->append("0123456789"));
  CHECK_FALSE(f->append("!"));
  CHECK(f->error() == "No space left on device");
  fs.set_capacity(100);
  CHECK(f->append("!"));
  CHECK(fs.contents("/d/f") == "0123456789!");
}
