"""Runs every cases/*.txt file against redis-server and actis-server.

One pytest test per case file. Every command is sent to both servers and the
replies are compared (exactly, unless a directive relaxes the comparison);
all mismatches of a file are collected and reported together.
"""

import glob
import os
import time

import pytest

from diff_cases import CaseSyntaxError, parse_case_file, required_commands, scan_cursor_index
from diff_resp import ConnectionLost, RespProtocolError, encode_command, parse_reply
from reply_compare import canonical, within

CASES_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cases")
CASE_FILES = sorted(glob.glob(os.path.join(CASES_DIR, "*.txt")))
MAX_SCAN_ROUNDS = 100000


# ---------------------------------------------------------------- comparison

def _replies_match(expected, actual, step):
    if step.approx and step.mode == "exact":
        return within(expected, actual, step.approx)
    return canonical(expected, step.mode) == canonical(actual, step.mode)


# ---------------------------------------------------------------- scanning

def _scan_all(side, args):
    """Iterates a SCAN-family command to completion from cursor 0.

    Returns ('error', raw) for an error reply, otherwise ('items', sorted
    de-duplicated tuple of elements); HSCAN/ZSCAN elements are field+value
    pairs so a value change is detected too.
    """
    index = scan_cursor_index(args)
    pair_elements = args[0].lower() in (b"hscan", b"zscan")
    cursor = b"0"
    items = set()
    for _ in range(MAX_SCAN_ROUNDS):
        request = list(args)
        request[index] = cursor
        reply = side.call(*request)
        if reply.is_error:
            return ("error", reply.raw)
        if (reply.kind != "*" or not reply.children or len(reply.children) != 2
                or not reply.children[1].is_aggregate):
            return ("malformed", reply.raw)
        cursor = reply.children[0].value
        elements = [c.raw for c in reply.children[1].children]
        if pair_elements:
            elements = [elements[i] + elements[i + 1] for i in range(0, len(elements) - 1, 2)]
        items.update(elements)
        if cursor == b"0":
            return ("items", tuple(sorted(items)))
    return ("no-termination", cursor)


# ---------------------------------------------------------------- session

class Side:
    """One server's connection during a case file."""

    def __init__(self, server):
        self.server = server
        self.conn = None

    def open(self):
        if self.conn:
            self.conn.close()
        self.conn = self.server.connect()

    def close(self):
        if self.conn:
            self.conn.close()
            self.conn = None

    def _labelled(self, operation, *args):
        try:
            return operation(*args)
        except ConnectionLost as exc:
            raise ConnectionLost("%s: %s" % (self.server.label, exc)) from None

    def call(self, *args):
        return self._labelled(self.conn.call, *args)

    def send_raw(self, data):
        return self._labelled(self.conn.send_raw, data)

    def read_reply(self):
        return self._labelled(self.conn.read_reply)


class CaseRun:
    def __init__(self, case_name, servers):
        self.case_name = case_name
        self.redis = Side(servers.reference)
        self.actis = Side(servers.candidate)
        self.mismatches = []

    def server_states(self):
        """Exit status of both servers, with the log tail of a dead one."""
        lines = []
        for side in (self.redis, self.actis):
            server = side.server
            status = server.wait_exit_status(timeout=2.0)
            lines.append("    %s: %s" % (server.label, status))
            if status != "running":
                lines.append("      " + server.log_tail(10).replace("\n", "\n      "))
        return "\n".join(lines)

    def location(self, step):
        return "%s:%d" % (self.case_name, step.line_no)

    def report(self, step, expected, actual, note=""):
        self.mismatches.append("%s: %s%s\n    redis: %r\n    actis: %r"
                               % (self.location(step), step.text,
                                  "  (%s)" % note if note else "", expected, actual))

    def reset(self):
        """Fresh connections on both servers and empty keyspaces."""
        for side in (self.redis, self.actis):
            side.open()
            side.call("FLUSHALL")
            side.call("SELECT", "0")

    def run(self, steps):
        self.reset()
        for step in steps:
            try:
                self.run_step(step)
            except ConnectionLost as exc:
                self.mismatches.append("%s: %s\n    connection problem: %s\n%s"
                                       % (self.location(step), step.text, exc,
                                          self.server_states()))
                break
            except RespProtocolError as exc:
                self.mismatches.append("%s: %s\n    invalid RESP: %s"
                                       % (self.location(step), step.text, exc))
                break
        self.redis.close()
        self.actis.close()

    def run_step(self, step):
        if step.action == "requires":
            return
        if step.action == "sleep":
            time.sleep(step.value / 1000.0)
        elif step.action == "reconnect":
            self.redis.open()
            self.actis.open()
        elif step.action == "hello":
            expected = self.redis.call("HELLO", str(step.value))
            actual = self.actis.call("HELLO", str(step.value))
            if expected.kind != actual.kind:
                self.report(step, expected, actual, "HELLO reply type differs")
        elif step.action == "raw":
            self.redis.send_raw(step.args[0])
            self.actis.send_raw(step.args[0])
            self.compare(step, self.redis.read_reply(), self.actis.read_reply())
        elif step.action == "pipeline":
            request = b"".join(encode_command(sub.args) for sub in step.args)
            self.redis.send_raw(request)
            self.actis.send_raw(request)
            for sub in step.args:
                for _ in range(sub.value or 1):
                    self.compare(sub, self.redis.read_reply(), self.actis.read_reply())
        elif step.mode == "scanall":
            expected = _scan_all(self.redis, step.args)
            actual = _scan_all(self.actis, step.args)
            if expected != actual:
                self.report(step, expected, actual, "full scan results differ")
        else:
            expected = self.redis.call(*step.args)
            actual = self.actis.call(*step.args)
            self.compare(step, expected, actual)
            for _ in range((step.value or 1) - 1):
                self.compare(step, self.redis.read_reply(), self.actis.read_reply())

    def compare(self, step, expected, actual):
        if step.mode == "ignore":
            return
        if not _replies_match(expected, actual, step):
            note = "" if step.mode == "exact" and not step.approx else \
                "mode %s, approx %d" % (step.mode, step.approx)
            self.report(step, expected, actual, note)


def _missing_commands(server, names):
    """The names actis answers with 'unknown command' when sent without
    arguments (so !requires must only name commands that take arguments)."""
    if not names:
        return []
    conn = server.connect()
    try:
        return [name.decode() for name in names
                if conn.call(name).raw.startswith(b"-ERR unknown command")]
    finally:
        conn.close()


@pytest.mark.parametrize("case_path", CASE_FILES,
                         ids=[os.path.basename(p) for p in CASE_FILES])
def test_case_file(servers, case_path):
    case_name = os.path.relpath(case_path, os.path.dirname(CASES_DIR))
    try:
        steps = parse_case_file(case_path)
    except CaseSyntaxError as exc:
        pytest.fail(str(exc), pytrace=False)

    notes = [n for n in (servers.reference.ensure_running(),
                         servers.candidate.ensure_running()) if n]
    missing = _missing_commands(servers.candidate, required_commands(steps))
    if missing:
        pytest.skip("%s: actis does not implement %s yet" % (case_name, ", ".join(missing)))
    run = CaseRun(case_name, servers)
    run.run(steps)
    if run.mismatches:
        header = "%d mismatch(es) in %s" % (len(run.mismatches), case_name)
        if notes:
            header += " [%s]" % "; ".join(notes)
        pytest.fail(header + "\n" + "\n".join(run.mismatches), pytrace=False)


# Containers whose own COMMAND INFO cannot match yet because actis lacks
# some of their subcommands; each implemented subcommand is still covered.
INCOMPLETE_CONTAINERS = {"client"}


def test_command_info_covers_every_command(servers):
    """command_info.txt must ask COMMAND INFO about every command and
    subcommand actis implements, so a new one cannot go unchecked."""
    if os.path.samefile(servers.candidate.binary, servers.reference.binary):
        pytest.skip("the candidate is the reference server (checking the cases themselves)")
    servers.candidate.ensure_running()
    conn = servers.candidate.connect()
    try:
        implemented = {c.value.decode() for c in conn.call("COMMAND", "LIST").children}
    finally:
        conn.close()
    asked = set()
    for step in parse_case_file(os.path.join(CASES_DIR, "command_info.txt")):
        if step.action == "command" and [a.lower() for a in step.args[:2]] == [b"command", b"info"]:
            asked.update(a.decode().lower() for a in step.args[2:])
    missing = sorted(implemented - asked - INCOMPLETE_CONTAINERS)
    assert not missing, "command_info.txt lacks COMMAND INFO for: " + ", ".join(missing)


def test_case_files_exist():
    assert CASE_FILES, "no case files in %s" % CASES_DIR


def test_raw_client_parses_resp3():
    """Self-check of the RESP parser on every RESP3 type, nested."""
    sample = (b"|1\r\n+ttl\r\n:3\r\n"
              b"%2\r\n+a\r\n*2\r\n:1\r\n,1.5\r\n$1\r\nb\r\n~1\r\n#t\r\n")
    reply, used = parse_reply(bytearray(sample))
    assert used == len(sample)
    assert reply.kind == "%" and reply.attribute.kind == "|"
    assert len(reply.children) == 4 and reply.children[1].children[1].value == b"1.5"
    for wire, kind in ((b"_\r\n", "_"), (b"(123456789012345678901\r\n", "("),
                       (b"!3\r\nERR\r\n", "!"), (b"=7\r\ntxt:abc\r\n", "="),
                       (b">2\r\n+message\r\n$-1\r\n", ">"), (b"*-1\r\n", "*")):
        parsed, used = parse_reply(bytearray(wire))
        assert parsed.kind == kind and used == len(wire)
