// Unit tests of the config layer: defaults and formats, units, CONFIG GET
// patterns, aliases, CONFIG SET validation/atomicity, config files and the
// command line. Expected texts come from redis-server 7.0.15.
#include <doctest/doctest.h>

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "config/keyspace_events.hpp"
#include "config/syntax.hpp"

using namespace actis::config;

namespace {

registry& fresh() {
  registry& r = registry::instance();
  r.reset_to_defaults();
  return r;
}

std::vector<std::string> names_of(const std::vector<std::pair<std::string, std::string>>& pairs) {
  std::vector<std::string> names;
  for (const auto& p : pairs)
    names.push_back(p.first);
  std::sort(names.begin(), names.end());
  return names;
}

std::string set1(registry& r, const std::string& name, const std::string& value) {
  return r.set({{name, value}});
}

/// A scratch directory for config files, removed with its files at the end.
struct temp_dir {
  std::string path;
  std::vector<std::string> files;
  temp_dir() {
    char tmpl[] = "/tmp/actis-config-test-XXXXXX";
    path = mkdtemp(tmpl);
  }
  ~temp_dir() {
    for (const auto& f : files)
      std::remove(f.c_str());
    rmdir(path.c_str());
  }
  std::string write(const std::string& name, const std::string& text) {
    std::string full = path + "/" + name;
    std::ofstream(full) << text;
    files.push_back(full);
    return full;
  }
};

/// Runs parse_command_line on a vector of arguments (argv[0] included).
bool run_command_line(std::vector<std::string> args, std::string& error, bool& exit_now) {
  std::vector<char*> argv;
  for (auto& a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  return parse_command_line(static_cast<int>(args.size()), argv.data(), error, exit_now);
}

std::string fatal(int line, const std::string& text, const std::string& reason) {
  return "*** FATAL CONFIG FILE ERROR (actis) ***\nReading the configuration file, at line " +
         std::to_string(line) + "\n>>> '" + text + "'\n" + reason;
}

} // namespace

TEST_CASE("config: defaults print like Redis 7.0") {
  registry& r = fresh();
  CHECK(r.get({"*"}).size() == 192);
  CHECK(r.get_one("proto-max-bulk-len") == "536870912");
  CHECK(r.get_one("client-query-buffer-limit") == "1073741824");
  CHECK(r.get_one("save") == "3600 1 300 100 60 10000");
  CHECK(r.get_one("client-output-buffer-limit") ==
        "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60");
  CHECK(r.get_one("bind") == "* -::*");
  CHECK(r.get_one("port") == "6379");
  CHECK(r.get_one("maxmemory-policy") == "noeviction");
  CHECK(r.get_one("list-max-listpack-size") == "-2");
  CHECK(r.get_one("latency-tracking-info-percentiles") == "50 99 99.9");
  CHECK(r.get_one("oom-score-adj-values") == "0 200 800");
  CHECK(r.get_one("notify-keyspace-events") == "");
  CHECK(r.get_one("unixsocketperm") == "0");
  CHECK(r.get_one("threads") == "0");
  CHECK(r.get_one("no-such-thing") == "");
  char cwd[4096];
  REQUIRE(getcwd(cwd, sizeof cwd));
  CHECK(r.get_one("dir") == cwd);
  live_values& live = r.live();
  CHECK(live.proto_max_bulk_len == 512ll * 1024 * 1024);
  CHECK(live.hz == 10);
  CHECK(live.loglevel == 2);
  CHECK(live.obuf_replica_hard == 256ll << 20);
  CHECK(r.accepted_but_inactive().empty());
}

TEST_CASE("config: memory units") {
  registry& r = fresh();
  struct unit_case { const char* in; const char* out; };
  for (auto [in, out] : {unit_case{"1gb", "1073741824"}, {"512mb", "536870912"}, {"100k", "100000"},
                         {"1Kb", "1024"}, {"2M", "2000000"}, {"3g", "3000000000"}, {"7b", "7"},
                         {"kb", "0"}, {"99999999999999999999", "18446744073709551615"},
                         {"99999999999999999999k", "18446744073709550616"}}) {
    CHECK(set1(r, "maxmemory", in) == "");
    CHECK(r.get_one("maxmemory") == out);
  }
  for (const char* bad : {"1t", "1.5", "-1", " 1", "1 ", "0x10", "1%"})
    CHECK(set1(r, "maxmemory", bad) ==
          "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a "
          "memory value");
  CHECK(set1(r, "proto-max-bulk-len", "1k") ==
        "ERR CONFIG SET failed (possibly related to argument 'proto-max-bulk-len') - argument must "
        "be between 1048576 and 9223372036854775807 inclusive");
  CHECK(set1(r, "proto-max-bulk-len", "2mb") == "");
  CHECK(r.live().proto_max_bulk_len == 2 * 1024 * 1024);
  // Plain integers take no units and no sloppy syntax.
  for (const char* bad : {"1k", "+1", "01", " 1", "1.5", "99999999999999999999"})
    CHECK(set1(r, "acllog-max-len", bad) ==
          "ERR CONFIG SET failed (possibly related to argument 'acllog-max-len') - argument "
          "couldn't be parsed into an integer");
}

TEST_CASE("config: percent memory values") {
  registry& r = fresh();
  CHECK(set1(r, "maxmemory-clients", "50%") == "");
  CHECK(r.get_one("maxmemory-clients") == "50%");
  CHECK(set1(r, "maxmemory-clients", "0%") == "");
  CHECK(r.get_one("maxmemory-clients") == "0");
  CHECK(set1(r, "maxmemory-clients", "101%") ==
        "ERR CONFIG SET failed (possibly related to argument 'maxmemory-clients') - percentage "
        "argument must be less or equal to 100");
  CHECK(set1(r, "maxmemory-clients", "-1%") ==
        "ERR CONFIG SET failed (possibly related to argument 'maxmemory-clients') - argument must "
        "be a memory or percent value");
  // 2^64-1 wraps to -1 in Redis's signed cast, i.e. 1%.
  CHECK(set1(r, "maxmemory-clients", "18446744073709551615") == "");
  CHECK(r.get_one("maxmemory-clients") == "1%");
}

TEST_CASE("config: CONFIG GET patterns, exact names and hidden parameters") {
  registry& r = fresh();
  CHECK(names_of(r.get({"*max-*-entries*"})) ==
        std::vector<std::string>{"hash-max-listpack-entries", "hash-max-ziplist-entries",
                                 "set-max-intset-entries", "zset-max-listpack-entries",
                                 "zset-max-ziplist-entries"});
  CHECK(names_of(r.get({"*MAX-*-ENTRIES*"})).size() == 5);
  // An exact name is echoed as given; the same parameter comes back once.
  CHECK(r.get({"PORT", "port", "por?"}) ==
        std::vector<std::pair<std::string, std::string>>{{"PORT", "6379"}});
  CHECK(names_of(r.get({"hz", "*z"})) == std::vector<std::string>{"dynamic-hz", "hz"});
  CHECK(r.get({"nonexistent"}).empty());
  // Hidden parameters answer only to their exact name.
  CHECK(r.get({"*-load-delay"}).empty());
  CHECK(r.get({"key-load-delay"}).size() == 1);
  CHECK(r.get({"threads"}).size() == 1);
  CHECK(r.get({"thread?"}).empty());
}

TEST_CASE("config: aliases share one value") {
  registry& r = fresh();
  CHECK(set1(r, "slave-priority", "5") == "");
  CHECK(r.get_one("replica-priority") == "5");
  CHECK(names_of(r.get({"*priority*"})) ==
        std::vector<std::string>{"replica-priority", "slave-priority"});
  CHECK(set1(r, "lua-time-limit", "10") == "");
  CHECK(r.get_one("busy-reply-threshold") == "10");
  CHECK(set1(r, "hash-max-ziplist-value", "1kb") == "");
  CHECK(r.get_one("hash-max-listpack-value") == "1024");
  // Alias and primary in one CONFIG SET are not duplicates: the last wins.
  CHECK(r.set({{"slave-priority", "1"}, {"replica-priority", "2"}}) == "");
  CHECK(r.get_one("slave-priority") == "2");
  // Errors name the parameter as typed, lowercased.
  CHECK(set1(r, "SLAVE-priority", "abc") ==
        "ERR CONFIG SET failed (possibly related to argument 'slave-priority') - argument "
        "couldn't be parsed into an integer");
  CHECK(r.get({"replicaof", "slaveof"}).size() == 2);
}

TEST_CASE("config: CONFIG SET errors") {
  registry& r = fresh();
  CHECK(set1(r, "foo", "bar") == "ERR Unknown option or number of arguments for CONFIG SET - 'foo'");
  CHECK(set1(r, "Daemonize", "no") ==
        "ERR CONFIG SET failed (possibly related to argument 'Daemonize') - can't set immutable "
        "config");
  CHECK(set1(r, "dir", "/tmp") ==
        "ERR CONFIG SET failed (possibly related to argument 'dir') - can't set protected config");
  CHECK(set1(r, "maxclients", "abc") ==
        "ERR CONFIG SET failed (possibly related to argument 'maxclients') - argument couldn't be "
        "parsed into an integer");
  CHECK(set1(r, "maxclients", "0") ==
        "ERR CONFIG SET failed (possibly related to argument 'maxclients') - argument must be "
        "between 1 and 4294967295 inclusive");
  CHECK(set1(r, "activerehashing", "1") ==
        "ERR CONFIG SET failed (possibly related to argument 'activerehashing') - argument must "
        "be 'yes' or 'no'");
  CHECK(set1(r, "appendfsync", "sometimes") ==
        "ERR CONFIG SET failed (possibly related to argument 'appendfsync') - argument(s) must be "
        "one of the following: everysec, always, no");
  CHECK(set1(r, "loglevel", "WARNING") == "");
  CHECK(r.get_one("loglevel") == "warning");
  CHECK(r.live().loglevel == 3);
  CHECK(set1(r, "hz", "1000") == "");
  CHECK(r.get_one("hz") == "500");
  CHECK(set1(r, "hz", "0") == "");
  CHECK(r.live().hz == 1);
  CHECK(set1(r, "repl-backlog-size", "1") == "");
  CHECK(r.get_one("repl-backlog-size") == "16384");
  CHECK(set1(r, "replicaof", "no one") ==
        "ERR CONFIG SET failed (possibly related to argument 'replicaof') - can't set immutable "
        "config");
  CHECK(set1(r, "activedefrag", "yes").find("Active defragmentation cannot be enabled") !=
        std::string::npos);
  CHECK(set1(r, "oom-score-adj", "relative") == "");
  CHECK(r.get_one("oom-score-adj") == "yes");
}

TEST_CASE("config: CONFIG SET is all-or-nothing") {
  registry& r = fresh();
  CHECK(r.set({{"hz", "7"}, {"maxmemory", "abc"}}) ==
        "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a "
        "memory value");
  CHECK(r.get_one("hz") == "10");
  // Name problems win over value problems, in argument order.
  CHECK(r.set({{"maxmemory", "abc"}, {"daemonize", "no"}}) ==
        "ERR CONFIG SET failed (possibly related to argument 'daemonize') - can't set immutable "
        "config");
  CHECK(r.set({{"foo", "bar"}, {"daemonize", "no"}}) ==
        "ERR Unknown option or number of arguments for CONFIG SET - 'foo'");
  CHECK(r.set({{"HZ", "5"}, {"hz", "6"}}) ==
        "ERR CONFIG SET failed (possibly related to argument 'hz') - duplicate parameter");
  CHECK(r.set({{"hz", "20"}, {"timeout", "30"}}) == "");
  CHECK(r.live().hz == 20);
  CHECK(r.live().timeout == 30);

  // A failing apply hook rolls every parameter back and re-applies them.
  int port_hook_runs = 0;
  std::string port_seen;
  r.set_apply_hook("port", [&] {
    ++port_hook_runs;
    port_seen = r.get_one("port");
    return port_seen == "1" ? std::string("Unable to listen on this port") : std::string();
  });
  CHECK(r.set({{"maxmemory", "1mb"}, {"port", "1"}}) ==
        "ERR CONFIG SET failed (possibly related to argument 'port') - Unable to listen on this "
        "port");
  CHECK(port_hook_runs == 2);
  CHECK(port_seen == "6379");
  CHECK(r.get_one("maxmemory") == "0");
  CHECK(r.set({{"port", "7000"}}) == "");
  CHECK(r.get_one("port") == "7000");
  r.set_apply_hook("port", [] { return std::string(); });
}

TEST_CASE("config: protected configs follow enable-protected-configs") {
  registry& r = fresh();
  std::string error;
  REQUIRE(r.load_text("enable-protected-configs local\n", error));
  CHECK(r.set({{"dbfilename", "x.rdb"}}, false).find("can't set protected config") !=
        std::string::npos);
  CHECK(r.set({{"dbfilename", "x.rdb"}}, true) == "");
  CHECK(r.set({{"dbfilename", "a/b"}}, true) ==
        "ERR CONFIG SET failed (possibly related to argument 'dbfilename') - dbfilename can't be a "
        "path, just a filename");
  char before[4096];
  REQUIRE(getcwd(before, sizeof before));
  CHECK(r.set({{"dir", "/nonexistent-dir"}}, true) ==
        "ERR CONFIG SET failed (possibly related to argument 'dir') - No such file or directory");
  CHECK(r.set({{"dir", "/tmp"}, {"hz", "abc"}}, true).find("'hz'") != std::string::npos);
  CHECK(r.get_one("dir") == before);
  CHECK(r.set({{"dir", "/tmp"}}, true) == "");
  CHECK(r.get_one("dir") == "/tmp");
  REQUIRE(chdir(before) == 0);
}

TEST_CASE("config: multi-argument parameters") {
  registry& r = fresh();
  CHECK(set1(r, "client-output-buffer-limit", "pubsub 1mb 2k 3 replica 1gb 1 0") == "");
  CHECK(r.get_one("client-output-buffer-limit") ==
        "normal 0 0 0 slave 1073741824 1 0 pubsub 1048576 2000 3");
  CHECK(r.live().obuf_pubsub_soft == 2000);
  CHECK(r.live().obuf_replica_soft_secs == 0);
  CHECK(set1(r, "client-output-buffer-limit", "master 1 1 1").find(
            "Invalid client class specified in buffer limit configuration.") != std::string::npos);
  CHECK(set1(r, "client-output-buffer-limit", "normal 1 2").find(
            "Wrong number of arguments in buffer limit configuration.") != std::string::npos);
  CHECK(set1(r, "client-output-buffer-limit", "normal 1 2 -1").find(
            "Error in hard, soft or soft_seconds setting in buffer limit configuration.") !=
        std::string::npos);

  CHECK(set1(r, "save", "100 1 200 2") == "");
  CHECK(r.get_one("save") == "100 1 200 2");
  CHECK(set1(r, "save", "1  2").find("Invalid save parameters") != std::string::npos);
  CHECK(set1(r, "save", "") == "");
  CHECK(r.get_one("save") == "");

  CHECK(set1(r, "notify-keyspace-events", "KEA") == "");
  CHECK(r.get_one("notify-keyspace-events") == "AKE");
  CHECK(set1(r, "notify-keyspace-events", "mtdn") == "");
  CHECK(r.get_one("notify-keyspace-events") == "tdnm");
  // Redis prints "A" without the "n" it also holds; the flag still acts.
  CHECK(set1(r, "notify-keyspace-events", "KEAn") == "");
  CHECK(r.get_one("notify-keyspace-events") == "AKE");
  int flags = r.live().notify_keyspace_events.load();
  CHECK((flags & static_cast<int>(event_class::new_key)) != 0);
  CHECK((flags & notify_keyspace) != 0);
  CHECK((flags & static_cast<int>(event_class::key_miss)) == 0);
  CHECK(set1(r, "notify-keyspace-events", "KEA n").find(
            "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.") != std::string::npos);

  CHECK(set1(r, "oom-score-adj-values", "0 200") ==
        "ERR CONFIG SET failed (possibly related to argument 'oom-score-adj-values') - wrong "
        "number of arguments");
  CHECK(set1(r, "latency-tracking-info-percentiles", "50.55555555 1e2 1e-5") == "");
  CHECK(r.get_one("latency-tracking-info-percentiles") == "50.555556 100 0.00001");
  CHECK(set1(r, "shutdown-on-sigint", "force now save") == "");
  CHECK(r.get_one("shutdown-on-sigint") == "save now force");
  CHECK(set1(r, "shutdown-on-sigint", "save nosave").find(
            "shutdown options SAVE and NOSAVE can't be used simultaneously") != std::string::npos);
  CHECK(set1(r, "bind", "127.0.0.1 ::1") == "");
  CHECK(r.get_one("bind") == "127.0.0.1 ::1");
}

TEST_CASE("config: argument splitting and quoting") {
  using actis::config::detail::quote_arg;
  using actis::config::detail::split_args;
  std::vector<std::string> words;
  REQUIRE(split_args("  a \"b c\" 'it\\'s' \"\\x41\\n\\z\" x\"y z\" \"\"", words));
  CHECK(words == std::vector<std::string>{"a", "b c", "it's", "A\nz", "xy z", ""});
  CHECK_FALSE(split_args("\"abc\"d", words));
  CHECK_FALSE(split_args("\"abc", words));
  REQUIRE(split_args(quote_arg("a\"b\\c\x01\n"), words));
  CHECK(words == std::vector<std::string>{"a\"b\\c\x01\n"});
}

TEST_CASE("config: file syntax and errors") {
  registry& r = fresh();
  std::string error;
  CHECK(r.load_text("# comment\n\n   PORT   7001  \r\n\tloglevel\tverbose\nsave 900 1\n"
                    "save 300 10\nsave \"60 10000\"\nmasterauth \"a\\x41\"\n"
                    "client-output-buffer-limit replica 1mb 1mb 0\n"
                    "list-max-ziplist-entries 5\nsentinel\n",
                    error));
  CHECK(error.empty());
  CHECK(r.get_one("port") == "7001");
  CHECK(r.get_one("loglevel") == "verbose");
  CHECK(r.get_one("save") == "900 1 300 10 60 10000");
  CHECK(r.get_one("masterauth") == "aA");
  CHECK(r.live().obuf_replica_hard == 1024 * 1024);

  CHECK_FALSE(r.load_text("port 0\nfoo bar\n", error));
  CHECK(error == fatal(2, "foo bar", "Bad directive or wrong number of arguments"));
  CHECK_FALSE(r.load_text("port\n", error));
  CHECK(error == fatal(1, "port", "wrong number of arguments"));
  CHECK_FALSE(r.load_text("\n\ndaemonize \"abc\n", error));
  CHECK(error == fatal(3, "daemonize \"abc", "Unbalanced quotes in configuration line"));
  CHECK_FALSE(r.load_text("daemonize maybe", error));
  CHECK(error == fatal(1, "daemonize maybe", "argument must be 'yes' or 'no'"));
  CHECK_FALSE(r.load_text("sentinel monitor a b c\n", error));
  CHECK(error == fatal(1, "sentinel monitor a b c", "sentinel directive while not in sentinel mode"));
  CHECK_FALSE(r.load_text("cluster-enabled yes\nreplicaof 1.2.3.4 6379\n", error));
  CHECK(error ==
        "*** FATAL CONFIG FILE ERROR (actis) ***\nreplicaof directive not allowed in cluster mode");

  // save "" clears, later lines in the same load append again.
  r.reset_to_defaults();
  CHECK(r.load_text("save 900 1\nsave \"\"\nsave 5 5\n", error));
  CHECK(r.get_one("save") == "5 5");
  r.reset_to_defaults();
  CHECK(r.load_text("save\n", error));
  CHECK(r.get_one("save") == "");
}

TEST_CASE("config: include, rename-command, user and loadmodule") {
  registry& r = fresh();
  temp_dir dir;
  dir.write("inner.conf", "# inner\n\nmaxmemory 1mb\nhz abc\n");
  std::string outer = dir.write("outer.conf", "port 0\ninclude " + dir.path + "/inner.conf\n");
  std::string error;
  CHECK_FALSE(r.load_file(outer, error));
  CHECK(error == fatal(4, "hz abc", "argument couldn't be parsed into an integer"));
  CHECK(r.get_one("maxmemory") == "1048576");

  dir.write("1.part", "hz 30\n");
  dir.write("2.part", "hz 40\n");
  CHECK(r.load_text("include " + dir.path + "/*.part\ninclude " + dir.path + "/*.none\n", error));
  CHECK(r.get_one("hz") == "40");
  CHECK_FALSE(r.load_text("include " + dir.path + "/missing.conf\n", error));
  CHECK(error == "Fatal error, can't open config file '" + dir.path +
                     "/missing.conf': No such file or directory");
  CHECK_FALSE(r.load_file(dir.path + "/missing.conf", error));

  r.reset_to_defaults();
  r.set_command_lookup([](std::string_view name) { return name == "get" || name == "set"; });
  CHECK_FALSE(r.load_text("rename-command foo bar\n", error));
  CHECK(error == fatal(1, "rename-command foo bar", "No such command in rename-command"));
  CHECK_FALSE(r.load_text("rename-command get set\n", error));
  CHECK(error == fatal(1, "rename-command get set", "Target command name already exists"));
  CHECK(r.load_text("rename-command GET \"\"\n", error));
  CHECK_FALSE(r.load_text("rename-command get x\n", error));
  CHECK(r.load_text("user bob on >pw\nloadmodule /x.so a b\n", error));
  CHECK(r.renamed_commands() == std::vector<std::pair<std::string, std::string>>{{"GET", ""}});
  CHECK(r.user_directives() == std::vector<std::vector<std::string>>{{"bob", "on", ">pw"}});
  CHECK(r.module_directives() == std::vector<std::vector<std::string>>{{"/x.so", "a", "b"}});
  auto inactive = r.accepted_but_inactive();
  CHECK(std::count(inactive.begin(), inactive.end(), "loadmodule") == 1);
  CHECK(std::count(inactive.begin(), inactive.end(), "user") == 1);
  r.set_command_lookup(nullptr);
  r.reset_to_defaults();
  CHECK(r.renamed_commands().empty());
}

TEST_CASE("config: implemented and inactive parameters") {
  registry& r = fresh();
  CHECK(r.is_implemented("maxclients"));
  CHECK(r.is_implemented("client-output-buffer-limit"));
  CHECK(r.is_implemented("threads"));
  CHECK_FALSE(r.is_implemented("daemonize"));
  CHECK_FALSE(r.is_implemented("appendonly"));
  CHECK(r.is_implemented("include"));
  std::string error;
  REQUIRE(r.load_text("daemonize yes\nappendonly no\nmaxclients 5\nslave-read-only no\n", error));
  CHECK(r.accepted_but_inactive() == std::vector<std::string>{"daemonize", "replica-read-only"});
  r.mark_implemented("slave-read-only");
  CHECK(r.is_implemented("replica-read-only"));
  CHECK(r.accepted_but_inactive() == std::vector<std::string>{"daemonize"});
}

TEST_CASE("config: command line") {
  registry& r = fresh();
  temp_dir dir;
  std::string file = dir.write("base.conf", "port 7001\nhz 20\nsave 900 1\n");
  std::string error;
  bool exit_now = true;

  CHECK(run_command_line({"actis-server", file, "--port", "7002", "--save", "60", "5",
                          "--requirepass", "--secret", "--threads", "3"},
                         error, exit_now));
  CHECK_FALSE(exit_now);
  CHECK(r.get_one("port") == "7002");
  CHECK(r.get_one("hz") == "20");
  CHECK(r.get_one("save") == "900 1 60 5");
  CHECK(r.get_one("requirepass") == "--secret");
  CHECK(r.live().threads == 3);
  CHECK(r.config_file() == file);

  r.reset_to_defaults();
  CHECK(run_command_line({"actis-server", "--save", "--loglevel", "warning"}, error, exit_now));
  CHECK(r.get_one("save") == "");
  CHECK(r.get_one("loglevel") == "warning");

  CHECK_FALSE(run_command_line({"actis-server", "--port", "0", "--foo", "1", "2", "x y"}, error,
                               exit_now));
  CHECK(error == fatal(3, "foo \"1\" \"2\" \"x y\"", "Bad directive or wrong number of arguments"));
  CHECK_FALSE(run_command_line({"actis-server", file, "--daemonize", "abc"}, error, exit_now));
  CHECK(error == fatal(5, "daemonize \"abc\"", "argument must be 'yes' or 'no'"));
  CHECK_FALSE(run_command_line({"actis-server", "--port", "0", "-", "--hz", "1"}, error, exit_now));
  CHECK(error == fatal(2, "port \"0\" \"-\"", "wrong number of arguments"));
  CHECK_FALSE(run_command_line({"actis-server", dir.path + "/nope.conf"}, error, exit_now));
  CHECK(error.find("Fatal error, can't open config file '") == 0);

  // "-" as the last argument reads more config from stdin.
  std::istringstream stdin_text("maxmemory 2mb\n");
  std::streambuf* saved = std::cin.rdbuf(stdin_text.rdbuf());
  bool ok = run_command_line({"actis-server", "--hz", "15", "-"}, error, exit_now);
  std::cin.rdbuf(saved);
  CHECK(ok);
  CHECK(r.get_one("maxmemory") == "2097152");
  CHECK(r.get_one("hz") == "15");

  std::ostringstream out, err;
  std::streambuf* saved_out = std::cout.rdbuf(out.rdbuf());
  std::streambuf* saved_err = std::cerr.rdbuf(err.rdbuf());
  bool version_ok = run_command_line({"actis-server", "--version"}, error, exit_now);
  bool version_exit = exit_now;
  bool help_ok = run_command_line({"actis-server", "-h"}, error, exit_now);
  std::cout.rdbuf(saved_out);
  std::cerr.rdbuf(saved_err);
  CHECK(version_ok);
  CHECK(version_exit);
  CHECK(out.str().rfind("actis server v=0.1.0 ", 0) == 0);
  CHECK(help_ok);
  CHECK(exit_now);
  CHECK(err.str().rfind("Usage: ./actis-server [/path/to/redis.conf] [options] [-]\n", 0) == 0);
  CHECK_FALSE(run_command_line({"actis-server", "--sentinel"}, error, exit_now));
  r.reset_to_defaults();
}
