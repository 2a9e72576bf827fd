"""Protocol handling and client limits over real sockets."""
import random
import socket
import threading
import time

import pytest
import redis

from conftest import recv_until


def count_replies(data):
    return data.count(b"\r\n")


def test_deep_pipeline_in_one_write(server):
    s = server.raw()
    n = 20000
    payload = b"".join(b"*3\r\n$3\r\nSET\r\n$%d\r\nk%d\r\n$1\r\nv\r\n" % (len(str(i)) + 1, i)
                       for i in range(n))
    s.sendall(payload)
    data = recv_until(s, lambda d: d.count(b"+OK\r\n") >= n)
    assert data == b"+OK\r\n" * n
    assert server.client().dbsize() == n


def test_replies_in_request_order_across_partitions(server):
    s = server.raw()
    cmds = []
    for i in range(500):
        cmds.append(b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n" % (
            len(str(i)) + 3, b"key%d" % i, len(str(i)), str(i).encode()))
        cmds.append(b"*2\r\n$3\r\nGET\r\n$%d\r\n%s\r\n" % (len(str(i)) + 3, b"key%d" % i))
    s.sendall(b"".join(cmds))
    expected = b"".join(b"+OK\r\n$%d\r\n%d\r\n" % (len(str(i)), i) for i in range(500))
    data = recv_until(s, lambda d: len(d) >= len(expected))
    assert data == expected


def test_arguments_split_across_reads(server):
    s = server.raw()
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    cmd = b"*3\r\n$3\r\nSET\r\n$5\r\nsplit\r\n$11\r\nhello world\r\n*2\r\n$3\r\nGET\r\n$5\r\nsplit\r\n"
    for i in range(len(cmd)):
        s.send(cmd[i:i + 1])
        if i % 7 == 0:
            time.sleep(0.001)
    assert recv_until(s, lambda d: d.endswith(b"world\r\n")) == b"+OK\r\n$11\r\nhello world\r\n"


def test_inline_commands(server):
    s = server.raw()
    s.sendall(b'SET inl "a b"\r\nGET inl\nPING\r\n')
    assert recv_until(s, lambda d: d.endswith(b"+PONG\r\n")) == b"+OK\r\n$3\r\na b\r\n+PONG\r\n"


def test_protocol_errors_close_only_that_client(server):
    other = server.client()
    other.set("survivor", "yes")
    cases = {
        b"*1\r\n$a\r\n": b"-ERR Protocol error: invalid bulk length\r\n",
        b"*x\r\n": b"-ERR Protocol error: invalid multibulk length\r\n",
        b"*1\r\n+foo\r\n": b"-ERR Protocol error: expected '$', got '+'\r\n",
        b'SET "a b\r\n': b"-ERR Protocol error: unbalanced quotes in request\r\n",
        b"*1\r\n$536870913\r\n": b"-ERR Protocol error: invalid bulk length\r\n",
        b"*2147483648\r\n": b"-ERR Protocol error: invalid multibulk length\r\n",
    }
    for bad, error in cases.items():
        s = server.raw()
        s.sendall(b"PING\r\n" + bad)
        data = recv_until(s, lambda d: False)  # until the server closes
        assert data == b"+PONG\r\n" + error, bad
    assert other.get("survivor") == b"yes"


def test_too_big_inline_request(server):
    s = server.raw()
    s.sendall(b"a" * (70 * 1024))
    data = recv_until(s, lambda d: False)
    assert data == b"-ERR Protocol error: too big inline request\r\n"


def test_query_buffer_limit_disconnects(server):
    c = server.client()
    c.config_set("client-query-buffer-limit", "1mb")
    s = server.raw()
    try:
        s.sendall(b"*2\r\n$3\r\nGET\r\n$4000000\r\n" + b"x" * (2 * 1024 * 1024))
    except (BrokenPipeError, ConnectionResetError):
        pass
    assert recv_until(s, lambda d: False) == b""
    assert c.ping()


def test_unknown_command_and_arity_errors(server):
    s = server.raw()
    s.sendall(b"FOO a b\r\nGET\r\n")
    data = recv_until(s, lambda d: d.count(b"\r\n") >= 2)
    assert data == (b"-ERR unknown command 'FOO', with args beginning with: 'a' 'b' \r\n"
                    b"-ERR wrong number of arguments for 'get' command\r\n")


def test_maxclients(server):
    c = server.client()
    c.config_set("maxclients", "3")
    # Only this client may be counted (the start-up probe must be gone).
    deadline = time.time() + 5
    while c.info("clients")["connected_clients"] != 1 and time.time() < deadline:
        time.sleep(0.05)
    keep = [server.raw() for _ in range(2)]
    for k in keep:
        k.sendall(b"PING\r\n")
        assert recv_until(k, lambda d: d.endswith(b"\r\n")) == b"+PONG\r\n"
    extra = server.raw()
    assert recv_until(extra, lambda d: False) == b"-ERR max number of clients reached\r\n"


def test_output_buffer_limit_disconnects_slow_reader(server):
    c = server.client()
    c.set("big", "x" * (1024 * 1024))
    c.config_set("client-output-buffer-limit", "normal 4mb 0 0")
    s = server.raw()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.sendall(b"*2\r\n$3\r\nGET\r\n$3\r\nbig\r\n" * 200)
    time.sleep(1.0)
    started = time.time()
    received = recv_until(s, lambda d: False, timeout=10)
    # Cut off, not drained: far less than the 200 MB asked for, at once.
    assert len(received) < 8 * 1024 * 1024
    assert time.time() - started < 5
    assert c.ping()
    c.config_set("client-output-buffer-limit", "normal 0 0 0")


def test_vanishing_client_mid_pipeline(server):
    for _ in range(20):
        s = server.raw()
        s.sendall(b"*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$1\r\ny\r\n" * 1000 + b"*2\r\n$3\r\nGET")
        s.close()
    c = server.client()
    assert c.get("x") == b"y"
    deadline = time.time() + 5
    while c.info("clients")["connected_clients"] != 1 and time.time() < deadline:
        time.sleep(0.05)
    assert c.info("clients")["connected_clients"] == 1


def test_hello_resp3(server):
    s = server.raw()
    s.sendall(b"HELLO 3\r\n")
    data = recv_until(s, lambda d: b"modules" in d and d.endswith(b"\r\n"))
    assert data.startswith(b"%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n")
    s.sendall(b"GET nokey\r\n")
    assert recv_until(s, lambda d: d.endswith(b"\r\n")) == b"_\r\n"


def test_multi_key_commands_are_atomic_across_partitions(server):
    writer = server.client()
    reader = server.client()
    keys = [f"atom{i}" for i in range(8)]  # spread over both partitions
    stop = threading.Event()
    bad = []

    def write():
        v = 0
        while not stop.is_set():
            v += 1
            writer.mset({k: v for k in keys})

    t = threading.Thread(target=write)
    t.start()
    try:
        for _ in range(2000):
            vals = reader.mget(keys)
            if len(set(vals)) != 1:
                bad.append(vals)
    finally:
        stop.set()
        t.join()
    assert not bad


def test_client_list_and_kill_across_loops(server):
    clients = [server.client() for _ in range(6)]
    ids = []
    for c in clients:
        c.ping()
        ids.append(c.client_id())
    admin = server.client()
    listing = admin.client_list()
    listed = {int(e["id"]) for e in listing}
    assert set(ids) <= listed
    for victim in ids[:4]:
        assert admin.execute_command("CLIENT", "KILL", "ID", victim) == 1
    assert admin.execute_command("CLIENT", "KILL", "ID", 999999) == 0
    time.sleep(0.2)
    listed = {int(e["id"]) for e in admin.client_list()}
    assert not (set(ids[:4]) & listed)


def test_active_expiry_removes_untouched_keys(server):
    c = server.client()
    p = c.pipeline(transaction=False)
    for i in range(2000):
        p.set(f"vol{i}", "v", px=random.randint(50, 150))
    p.set("stay", "v")
    p.execute()
    deadline = time.time() + 10
    while time.time() < deadline and c.dbsize() > 1:
        time.sleep(0.2)
    assert c.dbsize() == 1
    assert c.info("stats")["expired_keys"] >= 2000


def test_debug_gated_by_config(start_server):
    s = start_server("--enable-debug-command", "no")
    try:
        s.client().execute_command("DEBUG", "DIGEST")
        assert False, "DEBUG must be refused"
    except redis.ResponseError as e:
        assert "DEBUG command not allowed" in str(e)


def test_debug_digest_equal_for_equal_contents(start_server):
    a = start_server("--threads", "1", "--enable-debug-command", "yes").client()
    b = start_server("--threads", "2", "--enable-debug-command", "yes").client()
    assert a.execute_command("DEBUG", "DIGEST") == b"0" * 40
    for k in range(100):
        a.set(f"d{k}", k)
    for k in reversed(range(100)):
        b.set(f"d{k}", k)
    assert a.execute_command("DEBUG", "DIGEST") == b.execute_command("DEBUG", "DIGEST")
    assert a.execute_command("DEBUG", "DIGEST-VALUE", "d5") == \
        b.execute_command("DEBUG", "DIGEST-VALUE", "d5")
    b.set("d5", "other")
    assert a.execute_command("DEBUG", "DIGEST") != b.execute_command("DEBUG", "DIGEST")


def test_pipeline_order_with_cross_partition_commands(server):
    """Multi-partition commands in a pipeline keep the client's order: later
    commands see their effects and replies come back in request order."""
    s = server.raw()
    cmds, expected = [], []

    def send(*args, reply):
        cmds.append(b"*%d\r\n" % len(args) + b"".join(
            b"$%d\r\n%s\r\n" % (len(a), a) for a in (x.encode() for x in args)))
        expected.append(reply)

    keys = [f"ord{i}" for i in range(6)]  # spread over both partitions
    for round_ in range(30):
        send("MSET", *[x for k in keys for x in (k, str(round_))], reply=b"+OK\r\n")
        send("INCR", keys[round_ % 6], reply=b":%d\r\n" % (round_ + 1))
        send("GET", keys[(round_ + 1) % 6], reply=b"$%d\r\n%d\r\n" % (len(str(round_)), round_))
        send("PING", reply=b"+PONG\r\n")
        send("DEL", keys[0], keys[3], reply=b":2\r\n")
        send("EXISTS", *keys, reply=b":4\r\n")
    s.sendall(b"".join(cmds))
    want = b"".join(expected)
    assert recv_until(s, lambda d: len(d) >= len(want)) == want


def test_a_reply_too_large_for_memory_is_refused_not_fatal(server):
    """SRANDMEMBER/HRANDFIELD/ZRANDMEMBER with a count of -(2^63-1) ask for a
    reply no memory holds (redis-server 7.0 dies on it); actis answers an
    error and keeps the data and every client."""
    r = server.client()
    r.sadd("s", "a", "b")
    r.hset("h", "f", "v")
    r.zadd("z", {"m": 1})
    huge = -9223372036854775807
    for cmd in (("SRANDMEMBER", "s", huge), ("HRANDFIELD", "h", huge),
                ("ZRANDMEMBER", "z", huge)):
        with pytest.raises(redis.ResponseError, match="too large"):
            r.execute_command(*cmd)
    assert r.scard("s") == 2 and r.hlen("h") == 1 and r.zcard("z") == 1
    assert r.ping()
