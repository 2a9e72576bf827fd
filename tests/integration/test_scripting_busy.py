"""Busy scripts at --threads 1 and 4, side by side with redis-server 7.0.15:
while a script runs past busy-reply-threshold every client of the server,
connected before or during the script, gets Redis's BUSY for ordinary
commands; SCRIPT KILL / FUNCTION KILL stop a script that has not written
(its caller gets Redis's error), one that wrote is UNKILLABLE and only
SHUTDOWN NOSAVE stops the server; HELLO and AUTH work, so clients can
connect meanwhile; replies stay in order and every connection works
normally once the script ended. Each scenario runs against both servers and
their transcripts must be equal."""
import socket
import tempfile
import threading
import time

import pytest
import redis

from conftest import redis_reference, encode_command

THREADS = [1, 4]
THRESHOLD = "100"
SPIN = "while true do end"
SPIN_AFTER_WRITE = "redis.call('set', 'w', '1') while true do end"
LIBRARY = """#!lua name=busylib
redis.register_function('spin', function() while true do end end)
redis.register_function{function_name='spin_ro', callback=function() while true do end end,
                        flags={'no-writes'}}
"""


# -- a raw RESP client, so transcripts hold the exact replies ----------------


class Raw:
    def __init__(self, port, timeout=10):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.file = self.sock.makefile("rb")

    def send(self, *commands):
        """Sends the commands (argument tuples) in one write."""
        self.sock.sendall(b"".join(encode_command(*c) for c in commands))

    def reply(self):
        """One reply: errors as ("ERR", text), maps as dicts; None at EOF."""
        line = self.file.readline()
        if not line:
            return None
        kind, rest = line[:1], line[1:-2]
        if kind in (b"+", b"("):
            return rest.decode()
        if kind == b"-":
            return ("ERR", rest.decode())
        if kind == b":":
            return int(rest)
        if kind in (b"$", b"="):
            n = int(rest)
            if n < 0:
                return None
            data = self.file.read(n + 2)[:-2]
            return data.decode(errors="replace")
        if kind == b"_":
            return None
        if kind in (b"*", b"~", b">"):
            n = int(rest)
            return None if n < 0 else [self.reply() for _ in range(n)]
        if kind == b"%":
            n = int(rest)
            items = [(self.reply(), self.reply()) for _ in range(n)]
            return {k: v for k, v in items}
        if kind == b",":
            return float(rest)
        if kind == b"#":
            return rest == b"t"
        raise AssertionError("unexpected reply line %r" % line)

    def call(self, *args):
        self.send(args)
        return self.reply()

    def close(self):
        self.file.close()
        self.sock.close()


class Caller(threading.Thread):
    """A client that runs one pipeline in the background (its first command
    the long script) and collects `count` replies."""

    def __init__(self, port, commands, count=None):
        super().__init__(daemon=True)
        self.conn = Raw(port, timeout=30)
        self.commands = commands
        self.count = len(commands) if count is None else count
        self.replies = []

    def run(self):
        self.conn.send(*self.commands)
        for _ in range(self.count):
            self.replies.append(self.conn.reply())

    def finish(self):
        self.join(20)
        assert not self.is_alive(), "the script's caller got no reply"
        self.conn.close()
        return self.replies


def is_busy(reply):
    return isinstance(reply, tuple) and reply[1].startswith("BUSY ")


def wait_busy(port, caller=None):
    """A new connection, once the server answers it BUSY (the script is past
    the threshold), and that first BUSY reply."""
    deadline = time.time() + 10
    while time.time() < deadline:
        c = Raw(port)
        reply = c.call("GET", "k")
        if is_busy(reply):
            return c, reply
        c.close()
        time.sleep(0.02)
    raise AssertionError("the server never answered BUSY: %r %r" % (reply, caller and caller.replies))


# -- the two servers ----------------------------------------------------------

@pytest.fixture
def servers(start_server):
    """run(scenario, *flags): the scenario's transcript on actis at each
    --threads and on redis-server, which must all be equal."""

    def run(scenario, *flags):
        transcripts = {}
        for threads in THREADS:
            srv = start_server("--threads", str(threads), "--busy-reply-threshold", THRESHOLD,
                               *flags)
            transcripts[f"actis --threads {threads}"] = scenario(srv.port, srv.proc)
        with tempfile.TemporaryDirectory() as d:
            proc, client = redis_reference(d, "--busy-reply-threshold", THRESHOLD, *flags)
            try:
                port = client.connection_pool.connection_kwargs["port"]
                transcripts["redis"] = scenario(port, proc)
            finally:
                if proc.poll() is None:
                    proc.kill()
                proc.wait()
        reference = transcripts.pop("redis")
        for name, transcript in transcripts.items():
            assert transcript == reference, name
        return reference

    return run


# -- scenarios ----------------------------------------------------------------

def killed_script(killer):
    def scenario(port, proc):
        t = []
        before = Raw(port)                      # connected before the script
        assert before.call("SET", "k", "v") == "OK"
        caller = Caller(port, [("EVAL", SPIN, "0")])
        caller.start()
        time.sleep(0.2)
        during, busy = wait_busy(port, caller)          # connected during the script
        t.append(busy)
        t.append(before.call("GET", "k"))
        t.append(before.call("PING"))
        t.append(during.call("FUNCTION", "KILL"))   # the wrong kind of kill
        t.append((before if killer == "existing" else during).call("SCRIPT", "KILL"))
        t.append(caller.finish())
        for c in (before, during):
            t.append(c.call("GET", "k"))
            t.append(c.call("SCRIPT", "KILL"))
        fresh = Raw(port)
        t.append(fresh.call("GET", "k"))
        for c in (before, during, fresh):
            c.close()
        return t
    return scenario


@pytest.mark.parametrize("killer", ["new", "existing"])
def test_endless_read_only_script_is_killed(servers, killer):
    t = servers(killed_script(killer))
    assert t[0][1].startswith("BUSY Redis is busy running a script. You can only call SCRIPT KILL")
    assert t[4] == "OK"
    assert t[5][0][1].startswith("ERR Script killed by user with SCRIPT KILL...")
    assert t[6] == "v"


def unkillable(port, proc):
    t = []
    before = Raw(port)
    caller = Caller(port, [("EVAL", SPIN_AFTER_WRITE, "0")], count=1)
    caller.start()
    time.sleep(0.2)
    during, busy = wait_busy(port, caller)
    t.append(busy)
    t.append(before.call("SCRIPT", "KILL"))
    t.append(during.call("FUNCTION", "KILL"))
    t.append(before.call("SHUTDOWN"))           # only NOSAVE may stop it
    t.append(before.call("SHUTDOWN", "SAVE"))
    t.append(during.call("GET", "w"))
    t.append(during.call("SHUTDOWN", "NOSAVE"))  # no reply: the server is gone
    t.append(proc.wait(10))
    caller.join(10)
    t.append(caller.replies)
    for c in (before, during):
        c.close()
    return t


def test_script_that_wrote_is_unkillable_and_shutdown_nosave_stops_the_server(servers):
    t = servers(unkillable)
    assert t[1][1].startswith("UNKILLABLE Sorry the script already executed write commands")
    assert is_busy(t[3])
    assert t[6] is None and t[7] == 0


def killed_function(port, proc):
    t = []
    c = Raw(port)
    t.append(c.call("FUNCTION", "LOAD", "REPLACE", LIBRARY))
    for name in ("spin", "spin_ro"):
        caller = Caller(port, [("FCALL", name, "0")])
        caller.start()
        time.sleep(0.2)
        during, busy = wait_busy(port, caller)
        t.append(busy)
        t.append(c.call("EVAL", "return 1", "0"))
        t.append(c.call("SCRIPT", "KILL"))      # the wrong kind of kill
        stats = during.call("FUNCTION", "STATS")  # allowed while busy
        t.append((stats[0], stats[1][:4]))
        t.append(during.call("FUNCTION", "KILL"))
        t.append(caller.finish())
        t.append(during.call("PING"))
        during.close()
    c.close()
    return t


def test_endless_function_is_killed_by_function_kill(servers):
    t = servers(killed_function)
    assert t[1][1].endswith("You can only call FUNCTION KILL or SHUTDOWN NOSAVE.")
    assert t[4] == ("running_script", ["name", "spin", "command", ["FCALL", "spin", "0"]])
    assert t[5] == "OK"
    assert "Script killed by user with SCRIPT KILL" in t[6][0][1]


def pipelined_in_order(port, proc):
    t = []
    other = Raw(port)
    # The caller's pipeline: its later commands run after the script, in order.
    caller = Caller(port, [("EVAL", SPIN, "0"), ("SET", "k", "1"), ("INCR", "k"),
                           ("GET", "k")])
    caller.start()
    time.sleep(0.2)
    during, busy = wait_busy(port, caller)
    t.append(busy)
    # A pipeline during the script: BUSY, and MULTI's own answer.
    other.send(("GET", "k"), ("MULTI",), ("INCR", "k"))
    t += [other.reply() for _ in range(3)]
    t.append(during.call("SCRIPT", "KILL"))
    t.append(caller.finish())
    t.append(other.call("EXEC"))                # the BUSY INCR failed the MULTI
    t.append(during.call("GET", "k"))
    for c in (other, during):
        c.close()
    return t


def test_pipelines_keep_their_order(servers):
    t = servers(pipelined_in_order)
    assert t[5][1:] == ["OK", 2, "2"]
    assert t[6][1].startswith("EXECABORT")


def handshake(port, proc):
    t = []
    admin = Raw(port)
    t.append(admin.call("CONFIG", "SET", "requirepass", "pw"))
    admin.close()
    caller = Caller(port, [("AUTH", "pw"), ("EVAL", SPIN, "0")])
    caller.start()
    time.sleep(0.2)
    deadline = time.time() + 10
    # redis-py connects (AUTH) during the script; its GET gets BUSY.
    while True:
        client = redis.Redis(host="127.0.0.1", port=port, password="pw", socket_timeout=10)
        try:
            client.get("k")
        except redis.ResponseError as e:
            t.append(str(e))
            break
        assert time.time() < deadline, "never BUSY"
        time.sleep(0.02)
    raw = Raw(port)
    hello = raw.call("HELLO", "3", "AUTH", "default", "pw", "SETNAME", "during")
    t.append((hello["proto"], hello["role"]))
    t.append(raw.call("CLIENT", "SETNAME", "other"))  # not allowed while busy in 7.0
    t.append(raw.call("GET", "k"))
    t.append(raw.call("SCRIPT", "KILL"))
    t.append(caller.finish())
    t.append(client.set("k", "after"))
    t.append(client.get("k"))
    t.append(raw.call("CLIENT", "GETNAME"))
    t.append(raw.call("GET", "k"))
    client.close()
    raw.close()
    return t


def test_clients_connect_during_a_busy_script(servers):
    t = servers(handshake)
    assert t[1].startswith("BUSY Redis is busy running a script.")
    assert t[2] == (3, "master")
    assert t[-2:] == ["during", "after"]


def watch_during_the_script(port, proc):
    t = []
    c = Raw(port)
    t.append(c.call("SET", "k", "v"))
    caller = Caller(port, [("EVAL", SPIN, "0")])
    caller.start()
    time.sleep(0.2)
    during, busy = wait_busy(port, caller)
    t.append(busy)
    # WATCH is allowed while busy and answered at once, before the script
    # ends; the GET sent with it gets BUSY.
    c.send(("WATCH", "k"), ("GET", "k"))
    t.append([c.reply(), c.reply()])
    t.append(caller.is_alive())
    t.append(during.call("SCRIPT", "KILL"))
    t.append(caller.finish())
    c.send(("MULTI",), ("SET", "k", "2"), ("EXEC",))
    t.append([c.reply() for _ in range(3)])
    for conn in (c, during):
        conn.close()
    return t


def test_watch_during_the_script(servers):
    t = servers(watch_during_the_script)
    assert t[2][0] == "OK" and is_busy(t[2][1])
    assert t[3] is True
    assert t[6] == ["OK", "QUEUED", ["OK"]]


# Writes its key once it has been busy for `ms` milliseconds (TIME, so the
# same on both servers), then ends by itself: a script that wrote cannot be
# killed.
WRITE_LATER = """local function now()
  local t = redis.call('TIME') return t[1] * 1000 + t[2] / 1000
end
local start = now()
while now() - start < tonumber(ARGV[1]) do end
return redis.call('incr', KEYS[1])"""


def watched_then_written_by_the_script(port, proc):
    t = []
    # Several watchers: at --threads 4 some are on the script's loop (served
    # inside its round) and some on others (handed to the script's thread).
    watchers = [Raw(port) for _ in range(8)]
    t.append(watchers[0].call("SET", "w", "5"))
    caller = Caller(port, [("EVAL", WRITE_LATER, "1", "w", "1500")])
    caller.start()
    time.sleep(0.2)
    during, busy = wait_busy(port, caller)
    t.append(busy)
    t.append([c.call("WATCH", "w") for c in watchers])   # before the script's INCR
    t.append(caller.finish())
    for c in watchers:
        c.send(("MULTI",), ("GET", "w"), ("EXEC",))
    t.append([[c.reply() for _ in range(3)] for c in watchers])
    # Watched after the script's write: nothing changes it any more.
    c = watchers[0]
    t.append(c.call("WATCH", "w"))
    c.send(("MULTI",), ("GET", "w"), ("EXEC",))
    t.append([c.reply() for _ in range(3)])
    for conn in watchers + [during]:
        conn.close()
    return t


def test_a_write_of_the_busy_script_after_watch_fails_exec(servers):
    t = servers(watched_then_written_by_the_script)
    assert t[2] == ["OK"] * 8
    assert t[3] == [6]
    assert t[4] == [["OK", "QUEUED", None]] * 8
    assert t[6] == ["OK", "QUEUED", ["6"]]


# -- actis only ---------------------------------------------------------------

@pytest.mark.parametrize("threads", THREADS)
def test_connections_accepted_during_the_script_are_normal_afterwards(start_server, threads):
    """Many connections opened during the script (each answered BUSY) serve
    big pipelines once it ended; the client count is right."""
    srv = start_server("--threads", str(threads), "--busy-reply-threshold", THRESHOLD)
    admin = srv.client()
    admin.ping()
    caller = Caller(srv.port, [("EVAL", SPIN, "0")])
    caller.start()
    time.sleep(0.2)
    first, _ = wait_busy(srv.port)
    conns = [first]
    for _ in range(20):
        c = Raw(srv.port)
        assert is_busy(c.call("INCR", "n"))
        conns.append(c)
    # One more with a partial command read during the script.
    partial = Raw(srv.port)
    payload = encode_command("SET", "p", "x" * 100000)
    partial.sock.sendall(payload[:50000])
    time.sleep(0.05)
    assert conns[5].call("SCRIPT", "KILL") == "OK"
    caller.finish()
    partial.sock.sendall(payload[50000:])
    reply = partial.reply()
    # The command was refused or run as a whole, never parsed twice.
    assert reply == "OK" or is_busy(reply), reply
    assert partial.call("PING") == "PONG"
    for c in conns:
        c.send(*[("INCR", "n")] * 500)
    for c in conns:
        replies = [c.reply() for _ in range(500)]
        assert all(isinstance(r, int) for r in replies)
    assert admin.get("n") == b"%d" % (500 * len(conns))

    def clients_become(n):
        deadline = time.time() + 5
        while admin.info("clients")["connected_clients"] != n:
            assert time.time() < deadline, admin.info("clients")
            time.sleep(0.05)

    clients_become(len(conns) + 2)  # + partial + admin
    for c in conns + [partial]:
        c.close()
    clients_become(1)
