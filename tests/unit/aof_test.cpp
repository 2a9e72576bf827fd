// The AOF files: the manifest (round trips, Redis-written text, every parse
// error), the RESP encoding, and the reader on torn, corrupt and bit-flipped
// input (errors, never a crash), and the directory loader.
#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "persistence/aof_format.hpp"
#include "persistence/aof_log.hpp"
#include "persistence/aof_loader.hpp"
#include "persistence/aof_manifest.hpp"
#include "persistence/simulated_file_system.hpp"

using namespace actis::persistence;

namespace {

std::string parse_error(std::string_view text) {
  aof_manifest m;
  std::string err;
  CHECK_FALSE(parse_manifest(text, m, err));
  return err;
}

struct collected {
  std::vector<aof_argv> commands;
  aof_read_result result;
};

collected read_all(std::string_view bytes, bool load_truncated = true,
                   aof_read_callbacks cb = {}) {
  collected c;
  if (!cb.on_command)
    cb.on_command = [&](const aof_argv& argv) {
      c.commands.push_back(argv);
      return std::string();
    };
  view_source src(bytes);
  aof_read_options opt;
  opt.load_truncated = load_truncated;
  opt.name = "appendonly.aof.1.incr.aof";
  c.result = read_aof(src, cb, opt);
  return c;
}

/// A file of `n` commands over a few dbs; `ends` gets each command's end.
std::string sample_file(int n, std::vector<size_t>& ends, std::vector<aof_argv>& cmds) {
  aof_encoder enc;
  std::string out;
  for (int i = 0; i < n; ++i) {
    aof_argv argv{"SET", "key:" + std::to_string(i), std::string(static_cast<size_t>(i % 7), 'v')};
    enc.append(out, i / 3 % 2, argv);
    ends.push_back(out.size());
    cmds.push_back(argv);
  }
  return out;
}

} // namespace

TEST_CASE("aof manifest: names and Redis's text round trip") {
  CHECK(manifest_file_name("appendonly.aof") == "appendonly.aof.manifest");
  CHECK(base_file_name("appendonly.aof", 1, true) == "appendonly.aof.1.base.rdb");
  CHECK(base_file_name("a", 12, false) == "a.12.base.aof");
  CHECK(incr_file_name("appendonly.aof", 3) == "appendonly.aof.3.incr.aof");

  // As redis-server 7.0.15 wrote it after a rewrite.
  std::string redis = "file appendonly.aof.2.base.rdb seq 2 type b\n"
                      "file appendonly.aof.1.base.rdb seq 1 type h\n"
                      "file appendonly.aof.1.incr.aof seq 1 type h\n"
                      "file appendonly.aof.2.incr.aof seq 2 type i\n";
  aof_manifest m;
  std::string err;
  REQUIRE(parse_manifest(redis, m, err));
  REQUIRE(m.base);
  CHECK(m.base->name == "appendonly.aof.2.base.rdb");
  CHECK(m.base_seq == 2);
  CHECK(m.history.size() == 2);
  CHECK(m.incr.size() == 1);
  CHECK(m.incr_seq == 2);
  CHECK(serialize_manifest(m) == redis);

  // Comments are skipped, extra key/value pairs ignored, keys any case.
  REQUIRE(parse_manifest("# hi\nFILE x seq 4 TYPE i future 1\n", m, err));
  CHECK(m.incr.at(0) == aof_file_info{"x", 4, aof_file_type::incr});
}

TEST_CASE("aof manifest: quoting of unusual names") {
  aof_manifest m;
  m.base = aof_file_info{"my file\t\"q\"\x01.aof", 1, aof_file_type::base};
  m.base_seq = 1;
  std::string text = serialize_manifest(m);
  CHECK(text == "file \"my file\\t\\\"q\\\"\\x01.aof\" seq 1 type b\n");
  aof_manifest back;
  std::string err;
  REQUIRE(parse_manifest(text, back, err));
  CHECK(back == m);
}

TEST_CASE("aof manifest: Redis's errors") {
  CHECK(parse_error("") == "Found an empty AOF manifest");
  CHECK(parse_error("file a seq 1 type b") == "The AOF manifest file contains too long line");
  CHECK(parse_error("file a seq 1 type b\n\n") == "Invalid AOF manifest file format");
  CHECK(parse_error("file a seq 1\n") == "Invalid AOF manifest file format");
  CHECK(parse_error("file a seq 1 type b x\n") == "Invalid AOF manifest file format");
  CHECK(parse_error("file a seq 0 type b\n") == "Invalid AOF manifest file format");
  CHECK(parse_error("file \"a seq 1 type b\n") == "Invalid AOF manifest file format");
  CHECK(parse_error("file a/b seq 1 type b\n") == "File can't be a path, just a filename");
  CHECK(parse_error("file a seq 1 type b\nfile c seq 2 type b\n") ==
        "Found duplicate base file information");
  CHECK(parse_error("file a seq 2 type i\nfile c seq 2 type i\n") ==
        "Found a non-monotonic sequence number");
  CHECK(parse_error("file a seq 2 type x\n") == "Unknown AOF file type");
  CHECK(parse_error("file " + std::string(1100, 'a') + " seq 1 type b\n") ==
        "The AOF manifest file contains too long line");
}

TEST_CASE("aof manifest: new files, rewrite bookkeeping, load and save") {
  aof_manifest m;
  CHECK(add_new_base(m, "appendonly.aof", true) == "appendonly.aof.1.base.rdb");
  CHECK(add_new_incr(m, "appendonly.aof") == "appendonly.aof.1.incr.aof");
  CHECK(add_new_incr(m, "appendonly.aof") == "appendonly.aof.2.incr.aof");
  CHECK(add_new_base(m, "appendonly.aof", false) == "appendonly.aof.2.base.aof");
  mark_rewritten_incr_as_history(m);
  CHECK(serialize_manifest(m) == "file appendonly.aof.2.base.aof seq 2 type b\n"
                                 "file appendonly.aof.1.incr.aof seq 1 type h\n"
                                 "file appendonly.aof.1.base.rdb seq 1 type h\n"
                                 "file appendonly.aof.2.incr.aof seq 2 type i\n");
  simulated_file_system fs;
  std::string err;
  CHECK_FALSE(load_manifest(fs, "/d", "appendonly.aof", err));
  CHECK(err.empty());
  REQUIRE(save_manifest(fs, "/d", "appendonly.aof", m, err));
  auto back = load_manifest(fs, "/d", "appendonly.aof", err);
  REQUIRE(back);
  CHECK(*back == m);
}

TEST_CASE("aof format: SELECT on db changes and at the start, timestamps") {
  aof_encoder enc(true);
  std::string out;
  enc.append(out, 0, {"SET", "a", "1"}, 100);
  enc.append(out, 0, {"INCR", "a"}, 100);
  enc.append(out, 3, {"DEL", "b"}, 101);
  CHECK(out == "#TS:100\r\n*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n"
               "*2\r\n$4\r\nINCR\r\n$1\r\na\r\n"
               "#TS:101\r\n*2\r\n$6\r\nSELECT\r\n$1\r\n3\r\n*2\r\n$3\r\nDEL\r\n$1\r\nb\r\n");
  auto c = read_all(out);
  CHECK(c.result.status == aof_read_status::ok);
  REQUIRE(c.commands.size() == 5);
  CHECK(c.commands[2] == aof_argv{"INCR", "a"});
  CHECK(c.result.valid_length == out.size());
  enc.reset();
  std::string next;
  enc.append(next, 3, {"DEL", "b"}, 101);
  CHECK(next.rfind("*2\r\n$6\r\nSELECT", 0) == 0);
}

TEST_CASE("aof reader: every torn tail is found at the last complete command") {
  std::vector<size_t> ends;
  std::vector<aof_argv> cmds;
  std::string file = sample_file(20, ends, cmds);
  for (size_t cut = 0; cut <= file.size(); ++cut) {
    auto c = read_all(std::string_view(file).substr(0, cut));
    size_t complete = 0;
    while (complete < ends.size() && ends[complete] <= cut)
      ++complete;
    uint64_t valid = complete == 0 ? 0 : ends[complete - 1];
    CAPTURE(cut);
    if (cut == 0) {
      CHECK(c.result.status == aof_read_status::empty);
    } else if (valid == cut || c.result.valid_length == cut) {
      // At a command boundary (a SET's, or a SELECT's just before one).
      CHECK(c.result.status == aof_read_status::ok);
    } else {
      CHECK(c.result.status == aof_read_status::truncated);
      // A lone SELECT at the end is complete too; count commands, not sets.
      CHECK(c.result.valid_length <= cut);
      CHECK(c.result.valid_length >= valid);
    }
    size_t sets = 0;
    for (auto& a : c.commands)
      sets += a[0] == "SET";
    CHECK(sets == complete);
    auto strict = read_all(std::string_view(file).substr(0, cut), false);
    if (c.result.status == aof_read_status::truncated) {
      CHECK(strict.result.status == aof_read_status::failed);
      CHECK(strict.result.error.rfind("Unexpected end of file reading the append only file "
                                      "appendonly.aof.1.incr.aof. You can: 1)",
                                      0) == 0);
    }
  }
  auto c = read_all(std::string_view(file).substr(0, file.size() - 3));
  CHECK(c.result.log.at(0).text ==
        "!!! Warning: short read while loading the AOF file appendonly.aof.1.incr.aof!!!");
  CHECK(c.result.log.at(1).text == "!!! Truncating the AOF appendonly.aof.1.incr.aof at offset " +
                                        std::to_string(ends[18]) + " !!!");
}

TEST_CASE("aof reader: a corrupt middle fails naming the file and offset") {
  std::vector<size_t> ends;
  std::vector<aof_argv> cmds;
  std::string file = sample_file(6, ends, cmds);
  std::string bad = file;
  bad[ends[2]] = '+';
  auto c = read_all(bad);
  CHECK(c.result.status == aof_read_status::failed);
  CHECK(c.result.error_offset == ends[2]);
  CHECK(c.result.error ==
        "Bad file format reading the append only file appendonly.aof.1.incr.aof: make a backup "
        "of your AOF file, then use ./redis-check-aof --fix <filename.manifest>");
  for (std::string junk : {"*0\r\n", "*-1\r\n", "*x\r\n", "*2\r\n$-1\r\n", "*1\r\n$1\r\nab\r\n",
                           "*1\r\n+1\r\n", "*1\r\n$1x\r\n", "\r\n"}) {
    CAPTURE(junk);
    CHECK(read_all(file + junk + file).result.status == aof_read_status::failed);
  }
}

TEST_CASE("aof reader: transactions are applied whole, an unfinished one is dropped") {
  aof_encoder enc;
  std::string file;
  enc.append(file, 0, {"SET", "a", "1"});
  size_t before_multi = file.size();
  enc.append(file, 0, {"MULTI"});
  enc.append(file, 0, {"INCR", "a"});
  enc.append(file, 0, {"EXEC"});
  size_t after_exec = file.size();
  auto c = read_all(file);
  CHECK(c.commands.size() == 5);
  CHECK(c.commands[2] == aof_argv{"MULTI"});
  enc.append(file, 0, {"MULTI"});
  enc.append(file, 0, {"INCR", "a"});
  c = read_all(file);
  CHECK(c.result.status == aof_read_status::truncated);
  CHECK(c.result.valid_length == after_exec);
  CHECK(c.commands.size() == 5);
  CHECK(c.result.log.at(0).text ==
        "Revert incomplete MULTI/EXEC transaction in AOF file appendonly.aof.1.incr.aof");
  // Torn inside the transaction: cut before its MULTI, not after its INCR.
  c = read_all(std::string_view(file).substr(0, file.size() - 2));
  CHECK(c.result.valid_length == after_exec);
  c = read_all(std::string_view(file).substr(0, after_exec - 3));
  CHECK(c.result.valid_length == before_multi);
  CHECK(c.commands.size() == 2);
}

TEST_CASE("aof reader: the callback's error stops loading") {
  aof_encoder enc;
  std::string file;
  enc.append(file, 0, {"NOSUCH", "a"});
  aof_read_callbacks cb;
  cb.on_command = [](const aof_argv& argv) {
    return argv[0] == "NOSUCH" ? aof_unknown_command_error(argv[0], "f") : std::string();
  };
  auto c = read_all(file, true, cb);
  CHECK(c.result.status == aof_read_status::failed);
  CHECK(c.result.error == "Unknown command 'NOSUCH' reading the append only file f");
}

TEST_CASE("aof reader: an RDB preamble goes to the RDB loader, then the RESP tail") {
  std::string rdb = "REDIS0010<payload>END!";
  aof_encoder enc;
  std::string tail;
  enc.append(tail, 0, {"SET", "t", "1"});
  std::string file = rdb + tail;
  for (size_t over : {0, 3, 11}) {
    std::string seen;
    aof_read_callbacks cb;
    cb.on_rdb = [&](byte_source& src, std::string& unread) {
      // Reads in odd steps, and `over` bytes too far.
      std::string got;
      char buf[5];
      while (got.size() < rdb.size() + over)
        if (size_t n = src.read(buf, std::min<size_t>(5, rdb.size() + over - got.size())))
          got.append(buf, n);
        else
          return std::string("short");
      seen = got.substr(0, rdb.size());
      unread = got.substr(rdb.size());
      return std::string();
    };
    auto c = read_all(file, true, cb);
    CHECK(seen == rdb);
    CHECK(c.result.rdb_preamble);
    CHECK(c.result.status == aof_read_status::ok);
    REQUIRE(c.commands.size() == 2);
    CHECK(c.commands[1] == aof_argv{"SET", "t", "1"});
    CHECK(c.result.valid_length == file.size());
  }
  auto c = read_all(rdb);
  CHECK(c.result.status == aof_read_status::failed);
  CHECK(c.result.error ==
        "Error reading the RDB base file appendonly.aof.1.incr.aof, AOF loading aborted");
}

TEST_CASE("aof reader: random bit flips and cuts never crash") {
  std::vector<size_t> ends;
  std::vector<aof_argv> cmds;
  std::string file = sample_file(40, ends, cmds);
  std::mt19937_64 rng(11);
  for (int round = 0; round < 3000; ++round) {
    std::string bad = file.substr(0, rng() % (file.size() + 1));
    int flips = 1 + static_cast<int>(rng() % 3);
    for (int f = 0; f < flips && !bad.empty(); ++f)
      bad[rng() % bad.size()] ^= static_cast<char>(1 << (rng() % 8));
    auto c = read_all(bad);
    CHECK(c.result.valid_length <= bad.size());
    if (c.result.status == aof_read_status::failed)
      CHECK(c.result.error_offset <= bad.size());
  }
}

TEST_CASE("aof loader: base and incr files, truncation of the last, upgrade") {
  simulated_file_system fs;
  std::string err;
  aof_load_options opt;
  opt.dir = "/data";
  std::vector<aof_argv> seen;
  aof_read_callbacks cb;
  cb.on_command = [&](const aof_argv& a) {
    seen.push_back(a);
    return std::string();
  };
  CHECK(load_aof(fs, opt, cb).status == aof_load_status::not_exist);

  auto write = [&](const std::string& path, const std::string& bytes) {
    auto f = fs.open_append(path, true, err);
    REQUIRE(f);
    REQUIRE(f->append(bytes));
    REQUIRE(f->sync());
  };
  aof_encoder enc;
  std::string one, two;
  enc.append(one, 0, {"SET", "a", "1"});
  enc.reset();
  enc.append(two, 1, {"SET", "b", "2"});
  aof_manifest m;
  std::string base = add_new_base(m, opt.filename, false);
  std::string incr1 = add_new_incr(m, opt.filename);
  std::string incr2 = add_new_incr(m, opt.filename);
  REQUIRE(save_manifest(fs, "/data/appendonlydir", opt.filename, m, err));
  write("/data/appendonlydir/" + base, one);
  write("/data/appendonlydir/" + incr1, "");
  write("/data/appendonlydir/" + incr2, two + "*2\r\n$3\r\nDEL");
  auto r = load_aof(fs, opt, cb);
  CHECK(r.status == aof_load_status::ok);
  CHECK(seen.size() == 4);
  CHECK(r.total_size == one.size() + two.size());
  CHECK(fs.contents("/data/appendonlydir/" + incr2) == two);
  CHECK(r.manifest == m);

  // A torn file that is not the last one stops loading.
  write("/data/appendonlydir/" + incr1, "*1\r\n$4\r\nPI");
  r = load_aof(fs, opt, cb);
  CHECK(r.status == aof_load_status::failed);
  CHECK(r.error == "Fatal error: the truncated file is not the last file");
  CHECK(r.error_file == incr1);

  // A manifest naming a missing file.
  REQUIRE(fs.remove("/data/appendonlydir/" + incr1, err));
  r = load_aof(fs, opt, cb);
  CHECK(r.status == aof_load_status::failed);
  CHECK(r.error == "Unable to obtain the AOF file " + incr1 +
                       " length. stat: No such file or directory");

  // An old single appendonly.aof in dir moves into the directory.
  simulated_file_system old;
  std::string err2;
  auto f = old.open_append("/data/appendonly.aof", true, err2);
  REQUIRE(f->append(one));
  seen.clear();
  r = load_aof(old, opt, cb);
  CHECK(r.status == aof_load_status::ok);
  CHECK(r.upgraded);
  CHECK(seen.size() == 2);
  CHECK(old.contents("/data/appendonlydir/appendonly.aof") == one);
  CHECK_FALSE(old.exists("/data/appendonly.aof"));
  CHECK(old.contents("/data/appendonlydir/appendonly.aof.manifest") ==
        "file appendonly.aof seq 1 type b\n");
}

TEST_CASE("aof: settings from the configuration registry") {
  auto opt = aof_load_options_from_config();
  CHECK(opt.dir == ".");
  CHECK(opt.dirname == "appendonlydir");
  CHECK(opt.filename == "appendonly.aof");
  CHECK(opt.load_truncated);
  simulated_file_system fs;
  aof_load_result loaded;
  loaded.total_size = 10;
  loaded.base_size = 4;
  auto cfg = aof_log_config_from_config(fs, opt, loaded);
  CHECK(cfg.dir == "./appendonlydir");
  CHECK(cfg.policy == fsync_policy::everysec);
  CHECK_FALSE(cfg.timestamps);
  CHECK(cfg.auto_gc);
  CHECK(cfg.loaded_base_size == 4);
}

TEST_CASE("aof: INFO persistence lines as Redis 7.0 prints them") {
  std::string off;
  append_aof_info(off, nullptr, 0);
  CHECK(off == "aof_enabled:0\r\naof_rewrite_in_progress:0\r\naof_rewrite_scheduled:0\r\n"
               "aof_last_rewrite_time_sec:-1\r\naof_current_rewrite_time_sec:-1\r\n"
               "aof_last_bgrewrite_status:ok\r\naof_rewrites:0\r\n"
               "aof_rewrites_consecutive_failures:0\r\naof_last_write_status:ok\r\n"
               "aof_last_cow_size:0\r\nmodule_fork_in_progress:0\r\n"
               "module_fork_last_cow_size:0\r\n");
  aof_status st;
  st.enabled = true;
  st.current_size = 94;
  st.rewrite_in_progress = true;
  st.rewrite_start_ms = 1000;
  std::string on;
  append_aof_info(on, &st, 4500);
  CHECK(on.find("aof_rewrite_in_progress:1\r\n") != std::string::npos);
  CHECK(on.find("aof_current_rewrite_time_sec:3\r\n") != std::string::npos);
  std::string_view last = "module_fork_last_cow_size:0\r\n";
  CHECK(on.substr(on.find(last) + last.size()) == "aof_current_size:94\r\naof_base_size:0\r\n"
                                 "aof_pending_rewrite:0\r\naof_buffer_length:0\r\n"
                                 "aof_pending_bio_fsync:0\r\naof_delayed_fsync:0\r\n");
}
