// The Lua engine with a fake host: conversions both ways, the sandbox,
// error shapes, shebang parsing, the script cache, SCRIPT KILL and the
// thread's work while a script runs.
#include <doctest/doctest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "protocol/reply.hpp"
#include "scripting/engine.hpp"
#include "scripting/functions.hpp"
#include "scripting/running_script.hpp"
#include "scripting/script_cache.hpp"

using namespace actis::scripting;

namespace {

/// Answers every command with a fixed RESP reply, remembering the calls.
struct fake_host : script_host {
  std::string next_reply = "+OK\r\n";
  std::string refusal;
  std::vector<std::vector<std::string>> calls;
  std::vector<int> resps;

  std::string call(const std::vector<std::string>& argv, int resp, std::string& out) override {
    calls.push_back(argv);
    resps.push_back(resp);
    if (!refusal.empty())
      return refusal;
    out += next_reply;
    return {};
  }
  bool command_exists(const std::vector<std::string>& argv) override { return argv[0] != "nosuch"; }
  std::vector<int> repl_flags;
  void set_repl(int flags) override { repl_flags.push_back(flags); }
};

/// Runs `body` as EVAL would, returning the RESP reply (protocol `resp`).
std::string eval(const std::string& body, fake_host& host, std::vector<std::string> keys = {},
                 std::vector<std::string> args = {}, int resp = 2) {
  auto sha = sha1_hex(body);
  std::string out;
  actis::protocol::reply_builder reply(out, resp);
  size_t shebang = 0;
  std::string error;
  auto flags = parse_eval_shebang(body, shebang, error);
  if (!flags)
    return "-" + error + "\r\n";
  auto& e = engine::local();
  if (!e.load(sha, body, shebang, error))
    return "-" + error + "\r\n";
  e.run(sha, keys, args, host, reply);
  return out;
}

std::string eval(const std::string& body) {
  fake_host host;
  return eval(body, host);
}

} // namespace

TEST_CASE("scripting: Lua values become Redis replies") {
  CHECK(eval("return 1") == ":1\r\n");
  CHECK(eval("return 3.99") == ":3\r\n");
  CHECK(eval("return -3.99") == ":-3\r\n");
  CHECK(eval("return 1e30") == ":-9223372036854775808\r\n");
  CHECK(eval("return 'x'") == "$1\r\nx\r\n");
  CHECK(eval("return true") == ":1\r\n");
  CHECK(eval("return false") == "$-1\r\n");
  CHECK(eval("return nil") == "$-1\r\n");
  CHECK(eval("return {1,2,nil,3}") == "*2\r\n:1\r\n:2\r\n");
  CHECK(eval("return {ok='fine'}") == "+fine\r\n");
  CHECK(eval("return {err='My error'}") == "-My error\r\n");
  CHECK(eval("return {double=1.5}") == "$3\r\n1.5\r\n");
  CHECK(eval("return {1,{2,{3}}}") == "*2\r\n:1\r\n*2\r\n:2\r\n*1\r\n:3\r\n");
  fake_host host;
  CHECK(eval("redis.setresp(3) return true", host, {}, {}, 3) == "#t\r\n");
  CHECK(eval("return {map={a=1}}", host, {}, {}, 3) == "%1\r\n$1\r\na\r\n:1\r\n");
  CHECK(eval("return {set={a=true}}", host, {}, {}, 3) == "~1\r\n$1\r\na\r\n");
}

TEST_CASE("scripting: command replies become Lua values") {
  fake_host host;
  host.next_reply = "$-1\r\n";
  CHECK(eval("return type(redis.call('get', 'k'))", host) == "$7\r\nboolean\r\n");
  host.next_reply = ":42\r\n";
  CHECK(eval("return redis.call('incr', 'k') + 1", host) == ":43\r\n");
  host.next_reply = "+OK\r\n";
  CHECK(eval("return redis.call('set', 'k', 'v').ok", host) == "$2\r\nOK\r\n");
  host.next_reply = "*2\r\n$1\r\na\r\n$-1\r\n";
  CHECK(eval("local r = redis.call('mget', 'a', 'b') return {r[1], type(r[2])}", host) ==
        "*2\r\n$1\r\na\r\n$7\r\nboolean\r\n");
  host.next_reply = "%1\r\n$1\r\nf\r\n$1\r\nv\r\n";
  CHECK(eval("redis.setresp(3) return redis.call('hgetall', 'h').map.f", host) == "$1\r\nv\r\n");
  CHECK(host.resps.back() == 3);
  host.next_reply = ",1.5\r\n";
  CHECK(eval("return tostring(redis.call('x').double)", host) == "$3\r\n1.5\r\n");
  host.next_reply = "-ERR bad thing\r\n";
  CHECK(eval("return redis.pcall('x').err", host) == "$13\r\nERR bad thing\r\n");
}

TEST_CASE("scripting: redis.call arguments are strings, numbers as %.17g") {
  fake_host host;
  eval("redis.call('set', KEYS[1], 3.5, 100, 0.1)", host, {"k"});
  REQUIRE(host.calls.size() == 1);
  CHECK(host.calls[0] == std::vector<std::string>{"set", "k", "3.5", "100", "0.10000000000000001"});
  CHECK(eval("return redis.call('get', {})", host).find(
            "Lua redis lib command arguments must be strings or integers") != std::string::npos);
  CHECK(eval("return redis.pcall()", host) ==
        "-ERR Please specify at least one argument for this redis lib call\r\n");
}

TEST_CASE("scripting: errors carry Redis's script tail") {
  auto body = std::string("error('boom')");
  CHECK(eval(body) == "-ERR user_script:1: boom script: " + sha1_hex(body) +
                          ", on @user_script:1.\r\n");
  body = "\nreturn x";
  CHECK(eval(body) == "-ERR user_script:2: Script attempted to access nonexistent global "
                      "variable 'x' script: " + sha1_hex(body) + ", on @user_script:2.\r\n");
  CHECK(eval("return (").find("Error compiling script (new function): user_script:1: "
                              "unexpected symbol near '<eof>'") != std::string::npos);
  fake_host host;
  host.refusal = "Unknown Redis command called from script";
  body = "return redis.call('nosuch')";
  CHECK(eval(body, host) == "-ERR Unknown Redis command called from script script: " +
                                sha1_hex(body) + ", on @user_script:1.\r\n");
}

TEST_CASE("scripting: the sandbox is Redis 7.0's") {
  CHECK(eval("x = 1").find("Attempt to modify a readonly table") != std::string::npos);
  CHECK(eval("string.x = 1").find("Attempt to modify a readonly table") != std::string::npos);
  CHECK(eval("rawset(_G, 'x', 1)").find("Attempt to modify a readonly table") !=
        std::string::npos);
  for (auto name : {"os", "io", "print", "loadfile", "dofile", "require", "debug", "package"})
    CHECK(eval(std::string("return ") + name).find("nonexistent global variable") !=
          std::string::npos);
  CHECK(eval("return tostring(10/2)") == "$1\r\n5\r\n");
  CHECK(eval("return string.format('%d', 3.5)") == "$1\r\n3\r\n");
  CHECK(eval("return table.getn({1,2}) + math.mod(7, 3)") == ":3\r\n");
  CHECK(eval("return unpack({7})") == ":7\r\n");
  CHECK(eval("return loadstring('return 5')()") == ":5\r\n");
  CHECK(eval("return _VERSION") == "$7\r\nLua 5.1\r\n");
}

TEST_CASE("scripting: shebang flags") {
  size_t len = 0;
  std::string error;
  CHECK(parse_eval_shebang("return 1", len, error) == sf_eval_compat);
  CHECK(parse_eval_shebang("#!lua flags=no-writes,allow-oom\nreturn 1", len, error) ==
        (sf_no_writes | sf_allow_oom));
  CHECK(len == 31);
  CHECK(!parse_eval_shebang("#!lua flags=bad\n", len, error));
  CHECK(error == "ERR Unexpected flag in script shebang: bad");
  CHECK(!parse_eval_shebang("#!luax\n", len, error));
  CHECK(error == "ERR Unexpected engine in script shebang: #!luax");
  CHECK(!parse_eval_shebang("#!lua", len, error));
  CHECK(error == "ERR Invalid script shebang");
}

TEST_CASE("scripting: the cache is shared and SCRIPT FLUSH rebuilds each thread's state") {
  auto& cache = script_cache::instance();
  cache.add(sha1_hex("return 1"), "return 1", sf_eval_compat);
  CHECK(cache.contains(sha1_hex("return 1")));
  auto* before = &engine::local();
  std::string error;
  REQUIRE(before->load(sha1_hex("return 1"), "return 1", 0, error));
  CHECK(before->loaded(sha1_hex("return 1")));
  cache.flush();
  CHECK(!cache.contains(sha1_hex("return 1")));
  CHECK(!engine::local().loaded(sha1_hex("return 1")));
  CHECK(sha1_hex("") == "da39a3ee5e6b4b0d3255bfef95601890afd80709");
}

TEST_CASE("scripting: SCRIPT KILL stops a script that has not written") {
  CHECK(request_kill(false) == kill_outcome::not_busy);
  std::string reply;
  std::thread runner([&] {
    fake_host host;
    reply = eval("local i = 0 while true do i = i + 1 end", host);
  });
  while (!current_script().active.load())
    std::this_thread::yield();
  CHECK(request_kill(true) == kill_outcome::busy_other_kind);
  CHECK(request_kill(false) == kill_outcome::requested);
  runner.join();
  CHECK(reply.find("-ERR Script killed by user with SCRIPT KILL...") == 0);
}

TEST_CASE("scripting: the thread serves its clients while a script runs, and a kill they "
          "ask for ends it at once") {
  int calls = 0;
  // What an event loop installs: here the third round asks for the kill.
  set_while_script_runs([&] {
    CHECK(current_script().active.load());
    if (++calls == 3)
      CHECK(request_kill(false) == kill_outcome::requested);
  });
  auto reply = eval("local i = 0 while true do i = i + 1 end");
  set_while_script_runs(nullptr);
  CHECK(calls == 3);
  CHECK(reply.find("-ERR Script killed by user with SCRIPT KILL...") == 0);
  // Only the thread that installed it serves: others run without.
  std::thread other([] { CHECK(!while_script_runs()); });
  other.join();
}

/// Flags every call as a write, as the command layer's host does for
/// write commands, and lets the script go on until told to stop.
struct writing_host : fake_host {
  std::atomic<bool> stop{false};
  std::string call(const std::vector<std::string>&, int, std::string& out) override {
    current_script().wrote.store(true);
    out += stop.load() ? ":1\r\n" : ":0\r\n";
    return {};
  }
};

TEST_CASE("scripting: a script that wrote cannot be killed") {
  writing_host host;
  std::string reply;
  std::thread runner([&] { reply = eval("while redis.call('set', 'k', 'v') == 0 do end", host); });
  while (!current_script().wrote.load())
    std::this_thread::yield();
  CHECK(request_kill(false) == kill_outcome::unkillable);
  host.stop.store(true);
  runner.join();
  CHECK(reply == "$-1\r\n");
  CHECK(request_kill(false) == kill_outcome::not_busy);
}

TEST_CASE("scripting: functions load, run and report their errors") {
  auto& registry = library_registry::instance();
  registry.flush();
  std::string code = "#!lua name=lib\nredis.register_function('f', function(k, a) "
                     "return {k[1], a[1]} end)";
  std::string error;
  auto header = parse_library_header(code, error);
  REQUIRE(header);
  CHECK(header->name == "lib");
  library lib{header->name, code, {}};
  REQUIRE(engine::local().load_library(code, header->length, lib.functions, error, false));
  REQUIRE(lib.functions.size() == 1);
  CHECK(registry.add(lib, false).empty());
  CHECK(registry.add(lib, false) == "ERR Library 'lib' already exists");
  fake_host host;
  std::string out;
  actis::protocol::reply_builder reply(out);
  std::vector<std::string> keys{"k"}, args{"v"};
  engine::local().call_function("f", keys, args, host, reply);
  CHECK(out == "*2\r\n$1\r\nk\r\n$1\r\nv\r\n");
  // Another thread's engine loads the registry's libraries on first use.
  std::string other;
  std::thread([&] {
    fake_host h;
    actis::protocol::reply_builder r(other);
    engine::local().call_function("F", keys, args, h, r);
  }).join();
  CHECK(other == "*2\r\n$1\r\nk\r\n$1\r\nv\r\n");
  std::vector<function_meta> none;
  CHECK(!engine::local().load_library("#!lua name=x\nreturn 1", 12, none, error, false));
  CHECK(error == "ERR No functions registered");
  CHECK(!engine::local().load_library("#!lua name=x\nx = 1", 12, none, error, false));
  CHECK(error == "ERR Error registering functions: ERR user_function:2: Attempt to modify a "
                 "readonly table");
  registry.flush();
}

TEST_CASE("scripting: redis.set_repl hands its flags to the host, bad flags are refused") {
  fake_host host;
  CHECK(eval("redis.set_repl(redis.REPL_NONE) redis.call('set', 'k', 'v') "
             "redis.set_repl(redis.REPL_AOF) return 1",
             host) == ":1\r\n");
  CHECK(host.repl_flags == std::vector<int>{actis::scripting::repl_none,
                                            actis::scripting::repl_aof});
  CHECK(host.calls.size() == 1);
  fake_host refused;
  CHECK(eval("redis.set_repl(8)", refused).starts_with(
      "-ERR Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE."));
  CHECK(refused.repl_flags.empty());
}
