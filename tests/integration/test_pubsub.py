"""Pub/sub end to end with redis-py's PubSub, at --threads 1 and 4: pattern
subscriptions, unsubscribing from all, receiver counts and delivery order
across event loops, a PUBLISH ordered after the publisher's earlier writes,
CLIENT LIST's counts, the slow-subscriber cut-off, and keyspace events."""
import os
import shlex
import socket
import sys
import threading
import time

import pytest
import redis

THREADS = [1, 4]


def wait_message(p, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        m = p.get_message(timeout=0.1)
        if m is not None and m["type"] in ("message", "pmessage", "smessage"):
            return m
    raise AssertionError("no message within %ss" % timeout)


def subscribed(p, kind, names):
    """Subscribes and waits for every confirmation."""
    getattr(p, kind)(*names)
    seen = 0
    deadline = time.time() + 10
    while seen < len(names) and time.time() < deadline:
        m = p.get_message(timeout=0.1)
        if m is not None and m["type"] == kind:
            seen += 1
    assert seen == len(names)


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


@pytest.mark.parametrize("threads", THREADS)
def test_patterns_and_unsubscribe_all(start_server, threads):
    s = start_server("--threads", str(threads))
    c = s.client()
    p = s.client().pubsub()
    subscribed(p, "psubscribe", ["news.*", "h[ae]llo"])
    subscribed(p, "subscribe", ["news.tech", "other"])
    assert c.publish("news.tech", "x") == 2
    got = [wait_message(p), wait_message(p)]
    assert {m["type"] for m in got} == {"message", "pmessage"}
    assert c.publish("hello", "y") == 1
    m = wait_message(p)
    assert (m["type"], m["pattern"], m["channel"], m["data"]) == \
        ("pmessage", b"h[ae]llo", b"hello", b"y")
    assert c.publish("hillo", "z") == 0
    assert sorted(c.pubsub_channels()) == [b"news.tech", b"other"]
    assert c.pubsub_numpat() == 2
    p.unsubscribe()
    p.punsubscribe()
    deadline = time.time() + 10
    while (c.pubsub_numpat() or c.pubsub_channels()) and time.time() < deadline:
        p.get_message(timeout=0.1)
    assert c.pubsub_numpat() == 0 and c.pubsub_channels() == []
    assert c.publish("news.tech", "x") == 0


@pytest.mark.parametrize("threads", THREADS)
def test_counts_and_order_across_loops(start_server, threads):
    """Subscribers spread over the loops (the kernel spreads connections):
    PUBLISH counts all of them at once, and each receives one publisher's
    messages in publish order, once per matching subscription."""
    s = start_server("--threads", str(threads))
    subs = []
    for i in range(12):
        p = s.client().pubsub()
        subscribed(p, "subscribe", ["ch"])
        if i % 3 == 0:
            subscribed(p, "psubscribe", ["c*"])
        subs.append(p)
    publishers = [s.client() for _ in range(6)]
    for pub in publishers:
        assert pub.publish("ch", "count") == 16
    # Drain the counting messages.
    for i, p in enumerate(subs):
        for _ in range(6 * (2 if i % 3 == 0 else 1)):
            wait_message(p)
    pub = publishers[0]
    n = 3000
    pipe = pub.pipeline(transaction=False)
    for k in range(n):
        pipe.publish("ch", str(k))
    assert pipe.execute() == [16] * n
    for i, p in enumerate(subs):
        plain, patterned = [], []
        want = n * (2 if i % 3 == 0 else 1)
        for _ in range(want):
            m = wait_message(p)
            (patterned if m["type"] == "pmessage" else plain).append(int(m["data"]))
        assert plain == list(range(n))
        if i % 3 == 0:
            assert patterned == list(range(n))


@pytest.mark.parametrize("threads", THREADS)
def test_publish_after_lpush_is_seen(start_server, threads):
    """A pipeline LPUSH q x + PUBLISH ch go: a subscriber that reacts with
    LRANGE q sees x, whatever loops the key, the publisher and the
    subscriber are on."""
    s = start_server("--threads", str(threads))
    subs = []
    for _ in range(6):
        p = s.client().pubsub()
        subscribed(p, "subscribe", ["go"])
        subs.append((p, s.client()))
    pubs = [s.client() for _ in range(4)]
    for round_ in range(60):
        pub = pubs[round_ % len(pubs)]
        key = "q%d" % round_
        pipe = pub.pipeline(transaction=False)
        pipe.lpush(key, "x%d" % round_)
        pipe.publish("go", key)
        pipe.execute()
        for p, reader in subs:
            m = wait_message(p)
            assert reader.lrange(m["data"], 0, -1) == [("x%d" % round_).encode()]


@pytest.mark.parametrize("threads", THREADS)
def test_client_list_counts_and_reset(start_server, threads):
    s = start_server("--threads", str(threads))
    c = s.client()
    p = s.client().pubsub()
    subscribed(p, "subscribe", ["a", "b"])
    subscribed(p, "psubscribe", ["x*"])
    # redis-py 4.3 has no ssubscribe helper.
    p.execute_command("SSUBSCRIBE", "s")
    deadline = time.time() + 10
    while time.time() < deadline:
        m = p.get_message(timeout=0.1)
        if m is not None and m["type"] == "ssubscribe":
            break
    lines = [l for l in c.client_list() if l["sub"] != "0"]
    assert len(lines) == 1
    line = lines[0]
    assert (line["sub"], line["psub"], line["ssub"], line["flags"]) == ("2", "1", "1", "P")
    assert len(c.client_list(_type="pubsub")) == 1
    assert c.execute_command("PUBSUB", "SHARDNUMSUB", "s") == [b"s", 1]
    assert c.execute_command("SPUBLISH", "s", "m") == 1
    assert wait_message(p)["type"] == "smessage"
    p.connection.send_command("RESET")
    assert p.connection.read_response() == b"RESET"
    assert c.pubsub_numsub("a", "b") == [(b"a", 0), (b"b", 0)]
    assert c.pubsub_numpat() == 0
    assert all(l["flags"] == "N" for l in c.client_list())


def test_subscriber_that_leaves_is_forgotten(start_server):
    s = start_server("--threads", "4")
    c = s.client()
    socks = []
    for _ in range(8):
        sk = socket.create_connection(("127.0.0.1", s.port))
        sk.sendall(b"SUBSCRIBE gone\r\nPSUBSCRIBE g*\r\n")
        socks.append(sk)
    deadline = time.time() + 10
    while c.publish("gone", "x") != 16 and time.time() < deadline:
        time.sleep(0.05)
    assert c.publish("gone", "x") == 16
    for sk in socks:
        sk.close()
    while c.publish("gone", "x") != 0 and time.time() < deadline:
        time.sleep(0.05)
    assert c.publish("gone", "x") == 0
    assert c.pubsub_numpat() == 0


@pytest.mark.parametrize("threads", THREADS)
def test_slow_subscriber_is_dropped(start_server, threads):
    """A subscriber that never reads while 300 MB are published is cut off
    at client-output-buffer-limit pubsub (32 MB hard); the server's memory
    stays bounded and the publisher and a reading subscriber are fine."""
    s = start_server("--threads", str(threads))
    c = s.client()
    slow = socket.create_connection(("127.0.0.1", s.port))
    slow.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    slow.sendall(b"SUBSCRIBE big\r\n")
    reader = s.client().pubsub()
    subscribed(reader, "subscribe", ["big"])
    deadline = time.time() + 10
    while c.publish("big", "") != 2 and time.time() < deadline:
        time.sleep(0.05)
    received = [0]
    stop = threading.Event()

    def read_all():
        while not stop.is_set():
            m = reader.get_message(timeout=0.1)
            if m is not None and m["type"] == "message":
                received[0] += 1

    t = threading.Thread(target=read_all)
    t.start()
    payload = b"x" * 100_000
    base = rss_kb(s.proc.pid)
    peak = base
    pipe = c.pipeline(transaction=False)
    counts = []
    messages = 3000  # 300 MB: kept for the slow subscriber, they would be 300 MB of RSS
    for i in range(messages):
        pipe.publish("big", payload)
        if i % 50 == 49:
            counts += pipe.execute()
            peak = max(peak, rss_kb(s.proc.pid))
            # The reader keeps up (a reader slower than the publisher by
            # 32 MB would be cut off too, as in Redis).
            while received[0] < i + 1 - 100 and time.time() < deadline + 60:
                time.sleep(0.01)
    stop_at = time.time() + 30
    while received[0] < messages and time.time() < stop_at:
        time.sleep(0.1)
    stop.set()
    t.join()
    assert received[0] >= messages
    assert counts[0] == 2 and counts[-1] == 1, (counts[0], counts[-1])
    assert len([l for l in c.client_list() if l["sub"] != "0"]) == 1
    assert c.info("stats").get("client_output_buffer_limit_disconnections", 1) >= 1
    print(f"server RSS growth {(peak - base) // 1024} MiB while 300 MB were published")
    # 32 MB of buffered output at most, plus the reader's lag (10 MB), the
    # messages in flight between loops and what the loops' malloc arenas
    # keep: 30-120 MiB measured at --threads 4, never near the 300 MB a
    # subscriber kept without limit would take.
    assert peak - base < 200 * 1024, (base, peak)
    slow.close()


@pytest.mark.parametrize("threads", THREADS)
def test_keyspace_events_expire_and_expired(start_server, threads):
    s = start_server("--threads", str(threads))
    c = s.client()
    c.config_set("notify-keyspace-events", "KEA")
    p = s.client().pubsub()
    subscribed(p, "psubscribe", ["__key*__:*"])
    for i in range(8):
        key = "k%d" % i
        c.set(key, "v", px=300)
        got = [wait_message(p) for _ in range(4)]
        k = key.encode()
        assert {(m["channel"], m["data"]) for m in got} == {
            (b"__keyspace@0__:" + k, b"set"), (b"__keyevent@0__:set", k),
            (b"__keyspace@0__:" + k, b"expire"), (b"__keyevent@0__:expire", k)}
    time.sleep(0.35)
    assert c.get("k0") is None  # reclaimed lazily (or by the active cycle)
    # The others are reclaimed by the active cycle.
    seen = set()
    deadline = time.time() + 10
    while len(seen) < 8 and time.time() < deadline:
        m = p.get_message(timeout=0.1)
        if m is None or m["type"] != "pmessage":
            continue
        if m["channel"] == b"__keyevent@0__:expired":
            seen.add(m["data"])
        else:
            assert m["channel"].startswith(b"__keyspace@0__:k") and m["data"] == b"expired"
    assert seen == {("k%d" % i).encode() for i in range(8)}


KEYSPACE_SCRIPT = [
    ("SET", "s", "v"), ("APPEND", "s", "w"), ("SETRANGE", "s", "1", "xy"), ("INCR", "n"),
    ("INCRBYFLOAT", "n", "1.5"), ("GETDEL", "s"), ("MSET", "a", "1", "b", "2", "c{x}", "3"),
    ("SET", "a", "2", "EX", "100"), ("PERSIST", "a"), ("EXPIRE", "a", "100"), ("PEXPIRE", "a", "0"),
    ("RENAME", "b", "b2"), ("COPY", "b2", "b3"), ("DEL", "b2", "b3", "nokey"), ("MOVE", "c{x}", "1"),
    ("LPUSH", "l", "1", "2", "3"), ("RPOP", "l"), ("LSET", "l", "0", "z"), ("LINSERT", "l", "BEFORE", "z", "y"),
    ("LTRIM", "l", "0", "0"), ("LMOVE", "l", "l2", "LEFT", "RIGHT"), ("RPUSH", "l2", "q"), ("LREM", "l2", "0", "q"),
    ("HSET", "h", "f", "1", "g", "2"), ("HINCRBY", "h", "f", "3"), ("HDEL", "h", "f", "g"),
    ("SADD", "st", "a", "b"), ("SREM", "st", "a"), ("SMOVE", "st", "st2", "b"),
    ("SADD", "st3", "x"), ("SINTERSTORE", "st4", "st3", "st3"), ("SUNIONSTORE", "st4", "nokey"),
    ("ZADD", "z", "1", "a", "2", "b"), ("ZINCRBY", "z", "1", "a"), ("ZREM", "z", "a"),
    ("ZPOPMIN", "z"), ("ZADD", "z2", "1", "m"), ("ZUNIONSTORE", "z3", "1", "z2"),
    ("ZREMRANGEBYSCORE", "z3", "0", "10"), ("PFADD", "hll", "a"), ("SETBIT", "bits", "7", "1"),
    ("BITOP", "OR", "bits2", "bits", "bits"), ("SET", "e", "v", "PX", "10"), ("SLEEP",),
    ("GET", "e"), ("SET", "t", "v"), ("GETEX", "t", "PX", "100000"), ("GETEX", "t", "PERSIST"),
    ("SWAPDB", "0", "1"), ("SWAPDB", "0", "1"), ("GET", "nokey"), ("FLUSHDB",),
]


def events_until_barrier(c, p):
    """The (channel, message) pairs `p` receives before the message that `c`
    publishes on "barrier" now: everything the previous command published."""
    c.publish("barrier", "x")
    events = []
    while True:
        m = wait_message(p)
        if m["channel"] == b"barrier":
            return events
        events.append((m["channel"], m["data"]))


def keyspace_events(port, flags):
    c = redis.Redis(host="127.0.0.1", port=port, socket_timeout=10)
    c.flushall()
    c.execute_command("DEBUG", "SET-ACTIVE-EXPIRE", "0")
    c.config_set("notify-keyspace-events", flags)
    p = redis.Redis(host="127.0.0.1", port=port, socket_timeout=10).pubsub()
    subscribed(p, "psubscribe", ["__key*__:*"])
    subscribed(p, "subscribe", ["barrier"])
    out = []
    for cmd in KEYSPACE_SCRIPT:
        if cmd[0] == "SLEEP":
            time.sleep(0.05)
            continue
        try:
            c.execute_command(*cmd)
        except redis.ResponseError as e:
            out.append(("error", str(e)))
        out.append((cmd, events_until_barrier(c, p)))
    c.execute_command("DEBUG", "SET-ACTIVE-EXPIRE", "1")
    c.config_set("notify-keyspace-events", "")
    return out


@pytest.fixture(scope="module")
def reference_redis():
    from conftest import free_port
    import shutil
    import subprocess
    import tempfile
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server not on PATH")
    port = free_port()
    d = tempfile.mkdtemp(prefix="actis-ref-")
    proc = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1",
                             "--save", "", "--appendonly", "no", "--dir", d,
                             "--enable-debug-command", "yes"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 10
    while time.time() < deadline:
        try:
            if redis.Redis(host="127.0.0.1", port=port).ping():
                break
        except redis.ConnectionError:
            time.sleep(0.05)
    yield port
    proc.terminate()
    proc.wait()
    shutil.rmtree(d, ignore_errors=True)


@pytest.mark.parametrize("threads", THREADS)
@pytest.mark.parametrize("flags", ["KEA", "Kg$", "Elshzx", "KEAmn", "E$"])
def test_keyspace_events_match_redis(start_server, reference_redis, threads, flags):
    """The events each command emits, their channels, messages and order,
    compared with redis-server's for the same script."""
    s = start_server("--threads", str(threads), "--enable-debug-command", "yes")
    expected = keyspace_events(reference_redis, flags)
    actual = keyspace_events(s.port, flags)
    for e, a in zip(expected, actual):
        assert e == a
    assert len(expected) == len(actual)


def events_and_dirty_per_command(port):
    """For each command of the differential WATCH sweep, on a fresh dataset:
    the keyspace events it publishes (KEA) and how much it adds to
    rdb_changes_since_last_save."""
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                                    "differential"))
    from generate_cases import WATCH_TOUCH_CASES
    c = redis.Redis(host="127.0.0.1", port=port, socket_timeout=10)
    raw = redis.Redis(host="127.0.0.1", port=port, socket_timeout=10)
    raw.response_callbacks = {}  # replies as sent: some would not parse
    p = redis.Redis(host="127.0.0.1", port=port, socket_timeout=10).pubsub()
    subscribed(p, "psubscribe", ["__key*__:*"])
    subscribed(p, "subscribe", ["barrier"])
    out = []
    for setup, commands in WATCH_TOUCH_CASES:
        for cmd in commands:
            c.config_set("notify-keyspace-events", "")
            c.flushall()
            for s in setup:
                c.execute_command(*shlex.split(s))
            c.config_set("notify-keyspace-events", "KEA")
            before = c.info("persistence")["rdb_changes_since_last_save"]
            try:
                raw.execute_command(*shlex.split(cmd))
            except redis.ResponseError:
                pass
            events = events_until_barrier(c, p)
            dirty = c.info("persistence")["rdb_changes_since_last_save"] - before
            out.append((cmd, events, dirty))
    c.config_set("notify-keyspace-events", "")
    return out


@pytest.mark.parametrize("threads", THREADS)
def test_events_and_dirty_count_of_quiet_commands_match_redis(start_server, reference_redis,
                                                              threads):
    """Commands that succeed without a change or change only a stream's
    consumer groups publish what redis-server publishes and count as often
    in the dirty counter (which drives save points)."""
    s = start_server("--threads", str(threads))
    expected = events_and_dirty_per_command(reference_redis)
    actual = events_and_dirty_per_command(s.port)
    assert len(expected) == len(actual)
    assert [e for e, a in zip(expected, actual) if e != a] == []
    assert sum(1 for _, events, _ in expected if events) > 50  # the sweep does publish


@pytest.mark.parametrize("threads", THREADS)
def test_resp3_client_blocked_in_blpop_gets_pushes(start_server, threads):
    """As in Redis, a RESP3 subscriber parked in BLPOP receives messages
    while it waits; the BLPOP reply follows when it is served."""
    from conftest import recv_until
    s = start_server("--threads", str(threads))
    c = s.client()
    sk = socket.create_connection(("127.0.0.1", s.port))
    sk.sendall(b"HELLO 3\r\nSUBSCRIBE ch\r\n")
    recv_until(sk, lambda d: b"subscribe\r\n$2\r\nch\r\n:1\r\n" in d)
    sk.sendall(b"BLPOP list 0\r\n")
    deadline = time.time() + 10
    while c.execute_command("INFO", "clients").get("blocked_clients", 0) < 1 \
            and time.time() < deadline:
        time.sleep(0.02)
    assert c.publish("ch", "while-blocked") == 1
    data = recv_until(sk, lambda d: b"while-blocked\r\n" in d, timeout=5)
    assert data == b">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$13\r\nwhile-blocked\r\n"
    c.rpush("list", "x")
    data = recv_until(sk, lambda d: d.endswith(b"$1\r\nx\r\n"), timeout=5)
    assert data == b"*2\r\n$4\r\nlist\r\n$1\r\nx\r\n"
    sk.close()


def test_confirmations_and_messages_survive_client_reply_off(start_server):
    """Redis 7.0 writes (un)subscribe confirmations and messages under CLIENT
    REPLY OFF; only the replies of ordinary commands are dropped."""
    from conftest import recv_until
    s = start_server("--threads", "1")
    sk = socket.create_connection(("127.0.0.1", s.port))
    sk.sendall(b"CLIENT REPLY OFF\r\nSUBSCRIBE q\r\nUNSUBSCRIBE q\r\nUNSUBSCRIBE\r\n"
               b"HELLO 3\r\nSUBSCRIBE q\r\nPUBLISH q z\r\nCLIENT REPLY ON\r\n")
    want = (b"*3\r\n$9\r\nsubscribe\r\n$1\r\nq\r\n:1\r\n"
            b"*3\r\n$11\r\nunsubscribe\r\n$1\r\nq\r\n:0\r\n"
            b"*3\r\n$11\r\nunsubscribe\r\n$-1\r\n:0\r\n"
            b">3\r\n$9\r\nsubscribe\r\n$1\r\nq\r\n:1\r\n"
            b">3\r\n$7\r\nmessage\r\n$1\r\nq\r\n$1\r\nz\r\n+OK\r\n")
    assert recv_until(sk, lambda d: d.endswith(b"+OK\r\n")) == want
    sk.close()


@pytest.mark.parametrize("threads", THREADS)
def test_publish_from_a_script_reaches_subscribers(start_server, threads):
    srv = start_server("--threads", str(threads))
    subs = []
    for _ in range(4):  # likely spread over the loops
        p = srv.client().pubsub()
        subscribed(p, "subscribe", ["from-lua"])
        subs.append(p)
    r = srv.client()
    assert r.eval("return redis.call('PUBLISH', 'from-lua', ARGV[1])", 0, "hi") == 4
    for p in subs:
        assert wait_message(p)["data"] == b"hi"
        p.close()
