// Unit tests for the protocol layer: reply encoding, request parsing, error
// texts. Expected bytes were checked against redis-server 7.0.15.
#include <doctest/doctest.h>

#include <malloc.h>

#include <climits>
#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/errors.hpp"
#include "protocol/reply.hpp"
#include "protocol/resp_parser.hpp"

using namespace std::string_literals;
using namespace std::string_view_literals;
using actis::protocol::command_args;
using actis::protocol::parse_status;
using actis::protocol::parser_limits;
using actis::protocol::reply_builder;
using actis::protocol::request_parser;
using actis::protocol::split_inline_args;
namespace err = actis::protocol::err;

namespace {

template <class Fn>
std::string encode(int resp, Fn&& write) {
  std::string out;
  reply_builder rb(out, resp);
  write(rb);
  return out;
}

std::string multibulk(const command_args& args) {
  std::string out = "*" + std::to_string(args.size()) + "\r\n";
  for (const auto& a : args) out += "$" + std::to_string(a.size()) + "\r\n" + a + "\r\n";
  return out;
}

struct outcome {
  std::vector<command_args> commands;
  parse_status status = parse_status::ok;
  std::string error;
  size_t pending = 0;
};

/// Feeds `data` to a fresh parser in chunks of the given sizes, stopping at
/// the first failure.
outcome parse_chunks(std::string_view data, const std::vector<size_t>& sizes,
                     parser_limits limits = {}) {
  request_parser parser(limits);
  outcome result;
  size_t pos = 0;
  for (size_t size : sizes) {
    result.status = parser.feed(data.substr(pos, size), result.commands);
    pos += size;
    if (result.status != parse_status::ok) break;
  }
  result.error = parser.error_message();
  result.pending = parser.pending_bytes();
  return result;
}

struct split_plan {
  std::string name;
  std::vector<size_t> sizes;
};

/// Whole, byte by byte, and seeded random splits of `n` bytes.
std::vector<split_plan> splits_of(size_t n) {
  std::vector<split_plan> plans;
  plans.push_back({"whole", {n}});
  plans.push_back({"bytewise", std::vector<size_t>(n, 1)});
  std::mt19937 rng(static_cast<unsigned>(n) * 7919u + 17u);
  for (int round = 0; round < 12; ++round) {
    std::uniform_int_distribution<size_t> size_dist(1, round < 6 ? 7 : 4096);
    split_plan plan{"random#" + std::to_string(round), {}};
    for (size_t left = n; left > 0;) {
      const size_t size = std::min(left, size_dist(rng));
      plan.sizes.push_back(size);
      left -= size;
    }
    plans.push_back(std::move(plan));
  }
  return plans;
}

/// The same outcome however `data` is split.
void check_all_splits(std::string_view data, const std::vector<command_args>& expected,
                      parse_status status = parse_status::ok, std::string_view error = "",
                      parser_limits limits = {}) {
  for (const auto& plan : splits_of(data.size())) {
    CAPTURE(plan.name);
    const auto result = parse_chunks(data, plan.sizes, limits);
    CHECK(result.status == status);
    CHECK(result.error == error);
    CHECK(result.commands == expected);
  }
}

void check_protocol_error(std::string_view data, std::string_view error,
                          const std::vector<command_args>& before = {},
                          parser_limits limits = {}) {
  CAPTURE(data.substr(0, 80));
  check_all_splits(data, before, parse_status::protocol_error, error, limits);
}

command_args split(std::string_view line) {
  command_args out;
  REQUIRE(split_inline_args(line, out));
  return out;
}

} // namespace

// ---------------------------------------------------------------- replies

TEST_CASE("reply: simple strings, integers, bulk strings") {
  for (int resp : {2, 3}) {
    CAPTURE(resp);
    CHECK(encode(resp, [](auto& r) { r.ok(); }) == "+OK\r\n");
    CHECK(encode(resp, [](auto& r) { r.simple("PONG"); }) == "+PONG\r\n");
    CHECK(encode(resp, [](auto& r) { r.integer(0); }) == ":0\r\n");
    CHECK(encode(resp, [](auto& r) { r.integer(-42); }) == ":-42\r\n");
    CHECK(encode(resp, [](auto& r) { r.integer(LLONG_MAX); }) == ":9223372036854775807\r\n");
    CHECK(encode(resp, [](auto& r) { r.integer(LLONG_MIN); }) == ":-9223372036854775808\r\n");
    CHECK(encode(resp, [](auto& r) { r.bulk("foo"); }) == "$3\r\nfoo\r\n");
    CHECK(encode(resp, [](auto& r) { r.bulk(""); }) == "$0\r\n\r\n");
    CHECK(encode(resp, [](auto& r) { r.bulk("a\r\n\0b"sv); }) == "$5\r\na\r\n\0b\r\n"s);
    CHECK(encode(resp, [](auto& r) { r.raw("+x\r\n"); }) == "+x\r\n");
    const std::string big(100000, 'z');
    CHECK(encode(resp, [&](auto& r) { r.bulk(big); }) == "$100000\r\n" + big + "\r\n");
  }
}

TEST_CASE("reply: errors") {
  std::string out;
  reply_builder rb(out);
  rb.error("ERR syntax error");
  rb.error("WRONGTYPE Operation against a key holding the wrong kind of value");
  rb.error("NOSCRIPT No matching script. Please use EVAL.");
  rb.error("Protocol error: bad");
  rb.error("no code here");
  rb.error("");
  rb.error("ERR line\r\nbreak\n");
  rb.error("EXECABORT");
  CHECK(out ==
        "-ERR syntax error\r\n"
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
        "-NOSCRIPT No matching script. Please use EVAL.\r\n"
        "-ERR Protocol error: bad\r\n"
        "-ERR no code here\r\n"
        "-ERR \r\n"
        "-ERR line  break \r\n"
        "-EXECABORT\r\n");
  CHECK(rb.errors() == 8);
  out.clear();
  rb.error_verbatim("my error\nx");
  CHECK(out == "-my error x\r\n");
  CHECK(rb.errors() == 9);
  rb.integer(1);
  CHECK(rb.errors() == 9);
}

TEST_CASE("reply: nulls, aggregates and booleans differ by protocol") {
  CHECK(encode(2, [](auto& r) { r.null(); }) == "$-1\r\n");
  CHECK(encode(3, [](auto& r) { r.null(); }) == "_\r\n");
  CHECK(encode(2, [](auto& r) { r.null_array(); }) == "*-1\r\n");
  CHECK(encode(3, [](auto& r) { r.null_array(); }) == "_\r\n");
  CHECK(encode(2, [](auto& r) { r.array(3); }) == "*3\r\n");
  CHECK(encode(3, [](auto& r) { r.array(0); }) == "*0\r\n");
  CHECK(encode(2, [](auto& r) { r.map(2); }) == "*4\r\n");
  CHECK(encode(3, [](auto& r) { r.map(2); }) == "%2\r\n");
  CHECK(encode(2, [](auto& r) { r.set(5); }) == "*5\r\n");
  CHECK(encode(3, [](auto& r) { r.set(5); }) == "~5\r\n");
  CHECK(encode(2, [](auto& r) { r.push(3); }) == "*3\r\n");
  CHECK(encode(3, [](auto& r) { r.push(3); }) == ">3\r\n");
  CHECK(encode(2, [](auto& r) { r.boolean(true); r.boolean(false); }) == ":1\r\n:0\r\n");
  CHECK(encode(3, [](auto& r) { r.boolean(true); r.boolean(false); }) == "#t\r\n#f\r\n");
  CHECK(encode(2, [](auto& r) { r.verbatim("hello"); }) == "$5\r\nhello\r\n");
  CHECK(encode(3, [](auto& r) { r.verbatim("hello"); }) == "=9\r\ntxt:hello\r\n");
  CHECK(encode(3, [](auto& r) { r.verbatim("# x", "mkd"); }) == "=7\r\nmkd:# x\r\n");
  CHECK(encode(3, [](auto& r) { r.verbatim(""); }) == "=4\r\ntxt:\r\n");
  std::string out;
  reply_builder rb(out, 3);
  CHECK(rb.resp() == 3);
  CHECK(&rb.buffer() == &out);
}

TEST_CASE("reply: doubles like Redis 7.0 ZSCORE") {
  struct sample {
    double value;
    std::string_view text;
  };
  const sample samples[] = {
      {1.1, "1.1000000000000001"},
      {0.1 + 0.2, "0.30000000000000004"},
      {3, "3"},
      {0, "0"},
      {-2.5, "-2.5"},
      {1e300, "1.0000000000000001e+300"},
      {1e-7, "9.9999999999999995e-08"},
      {123456789012345678.0, "1.2345678901234568e+17"},
      {std::numeric_limits<double>::infinity(), "inf"},
      {-std::numeric_limits<double>::infinity(), "-inf"},
  };
  for (const auto& s : samples) {
    CAPTURE(s.text);
    const std::string text(s.text);
    CHECK(encode(2, [&](auto& r) { r.dbl(s.value); }) ==
          "$" + std::to_string(text.size()) + "\r\n" + text + "\r\n");
    CHECK(encode(3, [&](auto& r) { r.dbl(s.value); }) == "," + text + "\r\n");
  }
  CHECK(encode(3, [](auto& r) { r.dbl(std::nan("")); }) == ",nan\r\n");
}

TEST_CASE("reply: replies append to the buffer") {
  std::string out = "+prefix\r\n";
  reply_builder rb(out, 3);
  rb.map(1);
  rb.bulk("k");
  rb.dbl(2);
  rb.null();
  CHECK(out == "+prefix\r\n%1\r\n$1\r\nk\r\n,2\r\n_\r\n");
}

// ---------------------------------------------------------------- errors

TEST_CASE("errors: texts with names") {
  CHECK(err::wrong_arity("get") == "ERR wrong number of arguments for 'get' command");
  CHECK(err::wrong_arity("config|get") ==
        "ERR wrong number of arguments for 'config|get' command");
  CHECK(err::unknown_subcommand("foo", "CLIENT") ==
        "ERR unknown subcommand 'foo'. Try CLIENT HELP.");
  CHECK(err::unknown_subcommand("Foo", "object") ==
        "ERR unknown subcommand 'Foo'. Try OBJECT HELP.");
  CHECK(err::unknown_subcommand(std::string(200, 'a'), "CONFIG") ==
        "ERR unknown subcommand '" + std::string(128, 'a') + "'. Try CONFIG HELP.");
  CHECK(err::unknown_subcommand("f\no", "CLIENT") ==
        "ERR unknown subcommand 'f o'. Try CLIENT HELP.");
  CHECK(err::unknown_subcommand("fo\r", "CLIENT") ==
        "ERR unknown subcommand 'fo '. Try CLIENT HELP.");
  CHECK(err::unknown_subcommand("f\0o"sv, "CLIENT") ==
        "ERR unknown subcommand 'f'. Try CLIENT HELP.");
  CHECK(err::invalid_expire("set") == "ERR invalid expire time in 'set' command");
}

TEST_CASE("errors: unknown command lists args like Redis 7.0") {
  auto unknown = [](std::vector<std::string> argv) { return err::unknown_command(argv); };
  CHECK(unknown({"foo", "a", "b"}) ==
        "ERR unknown command 'foo', with args beginning with: 'a' 'b' ");
  CHECK(unknown({"foo"}) == "ERR unknown command 'foo', with args beginning with: ");
  CHECK(unknown({""}) == "ERR unknown command '', with args beginning with: ");
  CHECK(unknown({std::string(200, 'b'), "x"}) ==
        "ERR unknown command '" + std::string(128, 'b') + "', with args beginning with: 'x' ");
  CHECK(unknown({"foo", std::string(120, 'c'), "defghijklmnop", "z"}) ==
        "ERR unknown command 'foo', with args beginning with: '" + std::string(120, 'c') +
            "' 'defgh' ");
  CHECK(unknown({"foo", std::string(127, 'c'), "d", "e"}) ==
        "ERR unknown command 'foo', with args beginning with: '" + std::string(127, 'c') +
            "' ");
  CHECK(unknown({"foo", std::string(125, 'c'), "de", "e"}) ==
        "ERR unknown command 'foo', with args beginning with: '" + std::string(125, 'c') +
            "' ");
  CHECK(unknown({"foo", std::string(129, 'x') + "\n"}) ==
        "ERR unknown command 'foo', with args beginning with: '" + std::string(128, 'x') +
            "' ");
  CHECK(unknown({"f\0o"s, "a\0b"s, "xy"}) ==
        "ERR unknown command 'f', with args beginning with: 'a' 'xy' ");
  CHECK(unknown({"f\no", "a\r\nb"}) ==
        "ERR unknown command 'f o', with args beginning with: 'a  b' ");
  std::vector<std::string_view> views{"get", "k"};
  CHECK(err::unknown_command(views) ==
        "ERR unknown command 'get', with args beginning with: 'k' ");
}

// ---------------------------------------------------------------- inline split

TEST_CASE("split_inline_args: quoting and escapes like sdssplitargs") {
  CHECK(split("") == command_args{});
  CHECK(split("   \t ") == command_args{});
  CHECK(split("set k v") == command_args{"set", "k", "v"});
  CHECK(split("  a   b  ") == command_args{"a", "b"});
  CHECK(split("\"a\\x41\\n\"") == command_args{"aA\n"});
  CHECK(split("\"\\r\\t\\b\\a\\\\\\\"\\q\"") == command_args{"\r\t\b\a\\\"q"});
  CHECK(split("\"\\x4g\"") == command_args{"x4g"});
  CHECK(split("\"\\xff\\x00\"") == command_args{"\xff\0"s});
  CHECK(split("'it\\'s'") == command_args{"it's"});
  CHECK(split("'a\\nb'") == command_args{"a\\nb"});
  CHECK(split("\"\\'\"") == command_args{"'"});
  CHECK(split("a\"b c\"") == command_args{"ab c"});
  CHECK(split("\"\" ''") == command_args{"", ""});
  CHECK(split("\"a\"\tb") == command_args{"a", "b"});
  CHECK(split("\"a\"\x0b") == command_args{"a"});
  CHECK(split("a\x0b" "b") == command_args{"a\x0b" "b"});
  CHECK(split("\x0b  a") == command_args{"a"});
  CHECK(split("PING\rPING") == command_args{"PING", "PING"});
  CHECK(split("a\0b c"sv) == command_args{"a"});
  command_args out{"stale"};
  for (std::string_view bad : {"\"abc\"d", "\"abc", "'a'b", "\"\\\"", "'abc", "\"a\\\""}) {
    CAPTURE(bad);
    CHECK_FALSE(split_inline_args(bad, out));
  }
}

// ---------------------------------------------------------------- parser: good input

TEST_CASE("parser: multibulk commands and pipelines") {
  check_all_splits("*1\r\n$4\r\nPING\r\n", {{"PING"}});
  check_all_splits("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n", {{"SET", "k", ""}});
  check_all_splits("*2\r\n$4\r\necho\r\n$6\r\na\r\n\0\r\n\r\n"s, {{"echo", "a\r\n\0\r\n"s}});
  check_all_splits("*0\r\n*-1\r\n*-9223372036854775808\r\n*1\r\n$1\r\nx\r\n", {{"x"}});
  // The two bytes after a payload and the byte after a header's CR are not checked.
  check_all_splits("*1\r\n$4\r\nPINGXY*1\r\n$4\r\nPING\r\n", {{"PING"}, {"PING"}});
  check_all_splits("*1\rX$4\rYPING\r\n", {{"PING"}});

  std::mt19937 rng(1234);
  std::vector<command_args> expected;
  std::string data;
  for (int i = 0; i < 300; ++i) {
    command_args cmd;
    const int argc = 1 + static_cast<int>(rng() % 5);
    for (int a = 0; a < argc; ++a) {
      std::string arg(rng() % 40, '\0');
      for (char& c : arg) c = static_cast<char>(rng() % 256);
      cmd.push_back(std::move(arg));
    }
    data += multibulk(cmd);
    expected.push_back(std::move(cmd));
  }
  check_all_splits(data, expected);
}

TEST_CASE("parser: inline commands") {
  check_all_splits("PING\n", {{"PING"}});
  check_all_splits("PING\r\n", {{"PING"}});
  check_all_splits("\r\n\r\n\nPING\r\n", {{"PING"}});
  check_all_splits("  \r\n\t\nPING\n", {{"PING"}});
  check_all_splits("\rPING\r\n", {{"PING"}});
  check_all_splits("PING\rPING\n", {{"PING", "PING"}});
  check_all_splits("set k \"a b\\x41\"\r\nget 'it\\'s'\n", {{"set", "k", "a bA"}, {"get", "it's"}});
  check_all_splits("ECHO \"a\"\tb\n", {{"ECHO", "a", "b"}});
  check_all_splits("PING\r\n*1\r\n$4\r\nPING\r\nECHO x\n*0\r\n", {{"PING"}, {"PING"}, {"ECHO", "x"}});
  // A 64KB line is still accepted.
  const std::string long_arg(65536 - 6, 'a');
  check_all_splits("ECHO " + long_arg + "\n", {{"ECHO", long_arg}});
}

TEST_CASE("parser: existing commands in out are kept") {
  request_parser parser;
  std::vector<command_args> out{{"OLD"}};
  CHECK(parser.feed("*1\r\n$3\r\nNEW\r\n", out) == parse_status::ok);
  CHECK(out == std::vector<command_args>{{"OLD"}, {"NEW"}});
}

TEST_CASE("parser: partial commands stay in the parser") {
  request_parser parser;
  std::vector<command_args> out;
  CHECK(parser.feed("*2\r\n$3\r\nGET\r\n$5\r\nab", out) == parse_status::ok);
  CHECK(out.empty());
  CHECK(parser.pending_bytes() == 2);
  CHECK(parser.pending_args_bytes() == 3);
  CHECK(parser.feed("c", out) == parse_status::ok);
  CHECK(parser.pending_bytes() == 3);
  CHECK(parser.feed("de\r", out) == parse_status::ok);
  CHECK(out.empty());
  CHECK(parser.feed("\n*1\r\n$4\r", out) == parse_status::ok);
  CHECK(out == std::vector<command_args>{{"GET", "abcde"}});
  CHECK(parser.pending_bytes() == 2);
  CHECK(parser.pending_args_bytes() == 0);
  CHECK(parser.feed("", out) == parse_status::ok);
  CHECK(parser.feed("\nPING\r\nPI", out) == parse_status::ok);
  CHECK(out == std::vector<command_args>{{"GET", "abcde"}, {"PING"}});
  CHECK(parser.pending_bytes() == 2);
  CHECK(parser.feed("NG\n", out) == parse_status::ok);
  CHECK(out.size() == 3);
  CHECK(parser.pending_bytes() == 0);
}

TEST_CASE("parser: big arguments in any split") {
  std::string big(1 << 20, '\0');
  std::mt19937 rng(99);
  for (char& c : big) c = static_cast<char>(rng() % 256);
  const command_args cmd{"SET", "key", big};
  const std::string data = multibulk(cmd) + multibulk({"GET", "key"});
  for (const auto& plan : splits_of(data.size())) {
    if (plan.name == "bytewise") continue;  // a million feeds adds nothing here
    CAPTURE(plan.name);
    const auto result = parse_chunks(data, plan.sizes);
    CHECK(result.status == parse_status::ok);
    CHECK(result.commands == std::vector<command_args>{cmd, {"GET", "key"}});
  }
  std::vector<size_t> bytewise(data.size(), 1);
  CHECK(parse_chunks(data, bytewise).commands.size() == 2);
}

TEST_CASE("parser: many commands in one buffer") {
  std::string data;
  for (int i = 0; i < 100000; ++i) data += "*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n";
  request_parser parser;
  std::vector<command_args> out;
  CHECK(parser.feed(data, out) == parse_status::ok);
  REQUIRE(out.size() == 100000);
  CHECK(out.back() == command_args{"SET", "key", "value"});
  CHECK(parser.pending_bytes() == 0);
}

// ---------------------------------------------------------------- parser: bad input

TEST_CASE("parser: malformed multibulk counts") {
  const auto invalid = "ERR Protocol error: invalid multibulk length";
  for (std::string_view header : {"*+1\r\n", "*01\r\n", "* 1\r\n", "*1 \r\n", "*\r\n",
                                  "*-\r\n", "*-0\r\n", "*1a\r\n", "*2147483648\r\n",
                                  "*99999999999999999999\r\n", "*-9223372036854775809\r\n",
                                  "*000000000000000000001\r\n"})
    check_protocol_error(header, invalid);
  check_protocol_error("*1\r\n$4\r\nPING\r\n*x\r\n", invalid, {{"PING"}});
  check_protocol_error("*" + std::string(65536, '1'), "ERR Protocol error: too big mbulk count string");
  check_protocol_error("*1\r\n$1\r\na\r\n*" + std::string(70000, '1'),
                       "ERR Protocol error: too big mbulk count string", {{"a"}});
  check_all_splits("*" + std::string(65535, '1'), {});
  // Counts up to INT_MAX are accepted and wait for their arguments, without
  // reserving room for all of them.
  check_all_splits("*2147483647\r\n$1\r\na\r\n", {});
  parser_limits small;
  small.max_multibulk = 3;
  check_protocol_error("*4\r\n", invalid, {}, small);
  check_all_splits("*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n", {{"a", "b", "c"}}, parse_status::ok,
                   "", small);
}

TEST_CASE("parser: malformed bulk headers") {
  const auto invalid = "ERR Protocol error: invalid bulk length";
  for (std::string_view header : {"$a\r\n", "$-1\r\n", "$-0\r\n", "$+4\r\n", "$ 4\r\n", "$04\r\n",
                                  "$\r\n", "$4 \r\n", "$536870913\r\n",
                                  "$99999999999999999999\r\n"})
    check_protocol_error("*1\r\n"s.append(header), invalid);
  check_protocol_error("*2\r\n$3\r\nGET\r\n$x\r\n", invalid);
  check_protocol_error("*1\r\nx\r\n", "ERR Protocol error: expected '$', got 'x'");
  check_protocol_error("*1\r\n\r\n", "ERR Protocol error: expected '$', got ' '");
  check_protocol_error("*1\r\n\n\r\n", "ERR Protocol error: expected '$', got ' '");
  check_protocol_error("*1\r\n\x01\r\n", "ERR Protocol error: expected '$', got '\x01'");
  check_protocol_error("*1\r\n$4\r\nPING\r\n*2\r\n$3\r\nGET\r\n:1\r\n",
                       "ERR Protocol error: expected '$', got ':'", {{"PING"}});
  check_protocol_error("*1\r\n$" + std::string(65536, '1'),
                       "ERR Protocol error: too big bulk count string");
  check_protocol_error("*1\r\nxyz" + std::string(70000, 'x'),
                       "ERR Protocol error: too big bulk count string");
  check_all_splits("*1\r\n$" + std::string(65535, '1'), {});
  // Like Redis, the size check only applies while no CR has arrived: a long
  // header received at once is judged by its number instead.
  const std::string long_header = "*1\r\n$" + std::string(70000, '1') + "\r";
  CHECK(parse_chunks(long_header, {long_header.size()}).status == parse_status::ok);
  const auto judged = parse_chunks(long_header + "\n", {long_header.size() + 1});
  CHECK(judged.error == invalid);
  CHECK(parse_chunks(long_header, std::vector<size_t>(long_header.size(), 1)).error ==
        "ERR Protocol error: too big bulk count string");

  parser_limits small;
  small.proto_max_bulk_len = 10;
  check_protocol_error("*1\r\n$11\r\n", invalid, {}, small);
  check_all_splits("*1\r\n$10\r\n0123456789\r\n", {{"0123456789"}}, parse_status::ok, "", small);
}

TEST_CASE("parser: malformed inline commands") {
  check_protocol_error(std::string(65537, 'x'), "ERR Protocol error: too big inline request");
  check_protocol_error("PING\n" + std::string(65537, 'x'),
                       "ERR Protocol error: too big inline request", {{"PING"}});
  check_all_splits(std::string(65536, 'x'), {});
  const auto unbalanced = "ERR Protocol error: unbalanced quotes in request";
  check_protocol_error("ECHO \"abc\"d\n", unbalanced);
  check_protocol_error("ECHO \"abc\n", unbalanced);
  check_protocol_error("ECHO 'a'b\r\n", unbalanced);
  check_protocol_error("ECHO \"\\\"\n", unbalanced);
  check_protocol_error("PING\r\nECHO 'x\r\nPING\r\n", unbalanced, {{"PING"}});
}

TEST_CASE("parser: a NUL before the line end hides it, as with Redis's strchr") {
  check_all_splits("PI\0NG\r\nPING\r\n"s, {});
  check_all_splits("*1\0\r\n*1\r\n$1\r\na\r\n"s, {});
  check_all_splits("*1\r\n$1\0\r\n"s, {});
  check_protocol_error("PI\0NG\r\n"s + std::string(65537, 'x'),
                       "ERR Protocol error: too big inline request");
  check_protocol_error("*1\r\n$\0\r\n"s + std::string(65537, 'x'),
                       "ERR Protocol error: too big bulk count string");
  // NUL inside a bulk payload is plain data.
  check_all_splits("*1\r\n$3\r\n\0\0\0\r\n"s, {{"\0\0\0"s}});
}

TEST_CASE("parser: the parser stays failed") {
  request_parser parser;
  std::vector<command_args> out;
  CHECK(parser.feed("*1\r\n$a\r\n", out) == parse_status::protocol_error);
  CHECK(parser.feed("*1\r\n$4\r\nPING\r\n", out) == parse_status::protocol_error);
  CHECK(out.empty());
  CHECK(parser.error_message() == "ERR Protocol error: invalid bulk length");
}

// ---------------------------------------------------------------- parser: limits

TEST_CASE("parser: query buffer limit") {
  parser_limits limits;
  limits.query_buffer_limit = 1000;
  limits.proto_max_bulk_len = 5000;
  const std::string fits = multibulk({"SET", "k", std::string(998, 'v')});
  check_all_splits(fits, {{"SET", "k", std::string(998, 'v')}}, parse_status::ok, "", limits);
  const std::string too_big = multibulk({"SET", "k", std::string(999, 'v')});
  check_all_splits(too_big, {}, parse_status::query_buffer_limit, "", limits);
  // Completed arguments left the query buffer, as in Redis.
  const command_args many{"RPUSH", "k", std::string(900, 'a'), std::string(900, 'b')};
  check_all_splits(multibulk(many), {many}, parse_status::ok, "", limits);
  // Only bytes that arrived count: a declared length alone is fine.
  const auto declared = parse_chunks("*1\r\n$4000\r\nabc", {15}, limits);
  CHECK(declared.status == parse_status::ok);
  CHECK(declared.pending == 3);
}

TEST_CASE("parser: a huge declared bulk length allocates nothing up front") {
  struct mallinfo2 before = mallinfo2();
  request_parser parser;
  std::vector<command_args> out;
  CHECK(parser.feed("*1\r\n$536870912\r\nabc", out) == parse_status::ok);
  struct mallinfo2 after = mallinfo2();
  const size_t grown = (after.uordblks + after.hblkhd) - (before.uordblks + before.hblkhd);
  CHECK(grown < 8u * 1024 * 1024);
  CHECK(parser.pending_bytes() == 3);
  CHECK(out.empty());
}

TEST_CASE("parser: unauthenticated clients get Redis's tighter caps") {
  auto unauth = [](std::string_view data, const std::vector<size_t>& sizes) {
    request_parser parser;
    parser.set_auth_required(true);
    outcome result;
    size_t pos = 0;
    for (size_t size : sizes) {
      result.status = parser.feed(data.substr(pos, size), result.commands);
      pos += size;
      if (result.status != parse_status::ok) break;
    }
    result.error = parser.error_message();
    return result;
  };
  for (const auto& plan : splits_of(5)) {
    auto r = unauth("*11\r\n", plan.sizes);
    CHECK(r.status == parse_status::protocol_error);
    CHECK(r.error == "ERR Protocol error: unauthenticated multibulk length");
  }
  const std::string ten = "*10\r\n";
  CHECK(unauth(ten, {ten.size()}).status == parse_status::ok);
  const std::string big_bulk = "*1\r\n$16385\r\n";
  auto r = unauth(big_bulk, {big_bulk.size()});
  CHECK(r.status == parse_status::protocol_error);
  CHECK(r.error == "ERR Protocol error: unauthenticated bulk length");
  const std::string max_bulk = "*1\r\n$16384\r\n";
  CHECK(unauth(max_bulk, {max_bulk.size()}).status == parse_status::ok);
}

TEST_CASE("parser: a pipelined AUTH lifts the caps before the next command is parsed") {
  const std::string big(20000, 'v');
  const std::string data =
      multibulk({"AUTH", "pw"}) + multibulk({"SET", "k", big}) + multibulk({"PING"});
  request_parser parser;
  parser.set_auth_required(true);
  std::vector<command_args> out;
  CHECK(parser.feed(data, out) == parse_status::ok);
  CHECK(out == std::vector<command_args>{{"AUTH", "pw"}});
  CHECK(parser.has_deferred_input());
  CHECK(parser.pending_bytes() > big.size());
  parser.set_auth_required(false);  // AUTH succeeded
  CHECK(parser.feed("", out) == parse_status::ok);
  CHECK_FALSE(parser.has_deferred_input());
  CHECK(out == std::vector<command_args>{{"AUTH", "pw"}, {"SET", "k", big}, {"PING"}});

  request_parser refused;
  refused.set_auth_required(true);
  out.clear();
  CHECK(refused.feed(multibulk({"AUTH", "bad"}) + "*11\r\n", out) == parse_status::ok);
  CHECK(refused.has_deferred_input());
  CHECK(refused.feed("", out) == parse_status::protocol_error);
  CHECK(refused.error_message() == "ERR Protocol error: unauthenticated multibulk length");

  // Deferred in the middle of a command: the bulk header is re-read later.
  request_parser middle;
  middle.set_auth_required(true);
  out.clear();
  CHECK(middle.feed(multibulk({"AUTH", "pw"}) + "*2\r\n$3\r\nSET\r\n$20000\r\n", out) ==
        parse_status::ok);
  CHECK(out.size() == 1);
  CHECK(middle.has_deferred_input());
  middle.set_auth_required(false);
  CHECK(middle.feed(big.substr(0, 5), out) == parse_status::ok);
  CHECK(middle.feed(big.substr(5) + "\r\n", out) == parse_status::ok);
  CHECK(out.back() == command_args{"SET", big});
}
