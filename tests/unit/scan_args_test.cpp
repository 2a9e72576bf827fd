// The cursor and options SCAN, SSCAN, HSCAN and ZSCAN share (Redis's
// parseScanCursorOrReply and scanGeneric's option loop).
#include <doctest/doctest.h>

#include <string>

#include "commands/scan_args.hpp"

using namespace actis::commands;

TEST_CASE("scan args: the cursor follows strtoul") {
  CHECK(*parse_scan_cursor("0") == 0);
  CHECK(*parse_scan_cursor("+17") == 17);
  CHECK(*parse_scan_cursor("-1") == UINT64_MAX);
  CHECK(*parse_scan_cursor(std::string("5\0junk", 6)) == 5);
  CHECK(*parse_scan_cursor("18446744073709551615") == UINT64_MAX);
  CHECK(parse_scan_cursor("18446744073709551616").status() == op_status::invalid_cursor);
  CHECK(parse_scan_cursor(" 1").status() == op_status::invalid_cursor);
  CHECK(parse_scan_cursor("1x").status() == op_status::invalid_cursor);
}

TEST_CASE("scan args: MATCH, COUNT and TYPE where allowed") {
  actis::protocol::command_args argv{"SSCAN", "k", "0", "count", "5", "MATCH", "a*"};
  auto opt = parse_scan_options(argv, 3, false);
  REQUIRE(opt.ok());
  CHECK(opt->count == 5);
  CHECK(*opt->pattern == "a*");
  CHECK(!opt->type);

  actis::protocol::command_args scan{"SCAN", "0", "TYPE", "set"};
  CHECK(*parse_scan_options(scan, 2, true)->type == "set");
  CHECK(parse_scan_options(scan, 2, false).status() == op_status::syntax);

  actis::protocol::command_args bad_count{"SCAN", "0", "COUNT", "x"};
  CHECK(parse_scan_options(bad_count, 2, true).status() == op_status::not_integer);
  actis::protocol::command_args zero_count{"SCAN", "0", "COUNT", "0"};
  CHECK(parse_scan_options(zero_count, 2, true).status() == op_status::syntax);
  actis::protocol::command_args dangling{"SCAN", "0", "MATCH"};
  CHECK(parse_scan_options(dangling, 2, true).status() == op_status::syntax);
}
