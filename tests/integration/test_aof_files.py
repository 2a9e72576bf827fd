"""The AOF directory against the real tools: redis-check-aof and
redis-server 7.0.15 accept what actis writes, and actis's reader loads what
redis-server writes (contents compared by DEBUG DIGEST after replaying the
loaded commands into a fresh redis-server). Drives the AOF code through
build/tests/actis-aof-tool until the server's start-up wiring lands."""
import os
import pathlib
import shutil
import socket
import subprocess
import tempfile
import time

import pytest
import redis

REPO = pathlib.Path(__file__).resolve().parents[2]
TOOL = os.environ.get("ACTIS_AOF_TOOL", str(REPO / "build" / "tests" / "actis-aof-tool"))

pytestmark = pytest.mark.skipif(
    not (os.path.exists(TOOL) and shutil.which("redis-server") and shutil.which("redis-check-aof")),
    reason="needs actis-aof-tool, redis-server and redis-check-aof")

RECORDS = [
    "0 SET a 1",
    '0 RPUSH list x y "with space" ""',
    "3 INCR counter",
    "3 INCR counter",
    "0 MULTI",
    "0 SET b 2",
    "3 HSET h field value",
    "0 EXEC",
    '5 SET bin "\\x00\\xff\\r\\n"',
    "0 DEL a",
    "0 SADD s 1 2 3",
    "9 ZADD z 1.5 m",
]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Redis:
    """A redis-server 7.0.15 in `dir`, stopped by SHUTDOWN (which fsyncs)."""

    def __init__(self, dir, *flags):
        self.port = free_port()
        self.dir = dir
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir", dir,
             "--save", "", "--enable-debug-command", "yes", *flags],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        deadline = time.time() + 10
        while True:
            try:
                if self.client().ping():
                    return
            except redis.ConnectionError:
                if self.proc.poll() is not None or time.time() > deadline:
                    raise RuntimeError("redis-server failed: " +
                                       self.proc.stdout.read().decode(errors="replace"))
                time.sleep(0.05)

    def client(self, db=0):
        return redis.Redis(host="127.0.0.1", port=self.port, db=db, socket_timeout=10)

    def digest(self):
        return self.client().execute_command("DEBUG", "DIGEST")

    def shutdown(self):
        try:
            self.client().shutdown()
        except redis.ConnectionError:
            pass
        out = self.proc.communicate(timeout=10)[0].decode(errors="replace")
        return out


def tool(*args, stdin=b""):
    return subprocess.run([TOOL, *args], input=stdin, capture_output=True, timeout=60)


def replay_digest(resp):
    """DEBUG DIGEST of a fresh redis-server after running `resp` in it."""
    d = tempfile.mkdtemp(prefix="actis-aof-replay-")
    try:
        r = Redis(d)
        try:
            with socket.create_connection(("127.0.0.1", r.port)) as s:
                s.sendall(resp + b"*1\r\n$4\r\nPING\r\n")
                s.settimeout(10)
                got = b""
                while not got.endswith(b"+PONG\r\n"):
                    chunk = s.recv(65536)
                    assert chunk, "connection closed during replay"
                    got += chunk
            return r.digest()
        finally:
            r.shutdown()
    finally:
        shutil.rmtree(d, ignore_errors=True)


def records_digest(records):
    """What running the records in a redis-server yields, each after a
    SELECT of its db (as a replica would run them)."""
    resp = b""
    for line in records:
        db, *argv = split(line)
        for cmd in ([b"SELECT", db], argv):
            resp += b"*%d\r\n" % len(cmd) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a) for a in cmd)
    return replay_digest(resp)


def split(line):
    """The tool's quoting (double quotes with \\xHH), for the few records here."""
    out, cur, i, quoted, has = [], b"", 0, False, False
    raw = line.encode()
    while i < len(raw):
        c = raw[i:i + 1]
        if quoted:
            if c == b"\\" and raw[i + 1:i + 2] == b"x":
                cur += bytes([int(raw[i + 2:i + 4], 16)])
                i += 3
            elif c == b"\\":
                cur += {b"r": b"\r", b"n": b"\n"}.get(raw[i + 1:i + 2], raw[i + 1:i + 2])
                i += 1
            elif c == b'"':
                quoted = False
            else:
                cur += c
        elif c == b'"':
            quoted, has = True, True
        elif c == b" ":
            if cur or has:
                out.append(cur)
            cur, has = b"", False
        else:
            cur += c
        i += 1
    if cur or has:
        out.append(cur)
    return out


@pytest.fixture
def workdir():
    d = tempfile.mkdtemp(prefix="actis-aof-")
    yield d
    shutil.rmtree(d, ignore_errors=True)


def write_with_tool(d, *flags, records=RECORDS):
    res = tool("write", d, *flags, stdin=("\n".join(records) + "\n").encode())
    assert res.returncode == 0, res.stderr.decode()
    return res


@pytest.mark.parametrize("flags", [["always"], ["everysec", "--timestamps"],
                                   ["no", "--rewrite-at", "3"], ["always", "--rewrite-at", "8"]])
def test_redis_tools_accept_actis_directory(workdir, flags):
    write_with_tool(workdir, *flags)
    manifest = os.path.join(workdir, "appendonlydir", "appendonly.aof.manifest")
    check = subprocess.run(["redis-check-aof", manifest], capture_output=True, timeout=30)
    assert check.returncode == 0, check.stdout.decode()
    assert b"All AOF files and manifest are valid" in check.stdout
    expected = records_digest(RECORDS)
    r = Redis(workdir, "--appendonly", "yes", "--aof-use-rdb-preamble", "no")
    try:
        assert r.digest() == expected
    finally:
        r.shutdown()
    # Redis appended to actis's incr file; actis reads the result back.
    loaded = tool("load", workdir)
    assert loaded.returncode == 0, loaded.stderr.decode()
    assert replay_digest(loaded.stdout) == expected


def redis_written(d, preamble, rewrite):
    r = Redis(d, "--appendonly", "yes", "--aof-use-rdb-preamble", preamble)
    try:
        c = r.client()
        c.set("k", "v")
        c.rpush("l", *[str(i) for i in range(200)])
        c.hset("h", mapping={"a": "1", "b": "2"})
        c.expire("h", 1000)
        if rewrite:
            c.bgrewriteaof()
            deadline = time.time() + 10
            while c.info("persistence")["aof_rewrite_in_progress"] or \
                    c.info("persistence")["aof_rewrite_scheduled"]:
                assert time.time() < deadline
                time.sleep(0.05)
        c3 = r.client(3)
        c3.incrbyfloat("f", 1.5)
        with c3.pipeline(transaction=True) as p:
            p.set("t1", "x")
            p.lpush("t2", "y")
            p.execute()
        c.delete("k")
        return r.digest()
    finally:
        r.shutdown()


@pytest.mark.parametrize("rewrite", [False, True])
def test_actis_loads_redis_directory(workdir, rewrite):
    expected = redis_written(workdir, "no", rewrite)
    loaded = tool("load", workdir)
    assert loaded.returncode == 0, loaded.stderr.decode()
    assert replay_digest(loaded.stdout) == expected


def test_actis_loads_redis_directory_with_rdb_base(workdir):
    expected = redis_written(workdir, "yes", False)
    loaded = tool("load", workdir)
    assert loaded.returncode == 0, loaded.stderr.decode()
    assert b"skipped an RDB of" in loaded.stderr
    assert b"Reading RDB base file on AOF loading..." in loaded.stderr
    assert replay_digest(loaded.stdout) == expected


def test_torn_tail_is_cut_and_redis_accepts_the_result(workdir):
    expected_full = redis_written(workdir, "no", False)
    incr = os.path.join(workdir, "appendonlydir", "appendonly.aof.1.incr.aof")
    size = os.path.getsize(incr)
    torn = b"*3\r\n$3\r\nSET\r\n$4\r\ntorn"
    with open(incr, "ab") as f:
        f.write(torn)
    strict = tool("load", workdir, "--strict")
    assert strict.returncode == 1
    assert b"Unexpected end of file reading the append only file appendonly.aof.1.incr.aof" \
        in strict.stderr
    assert os.path.getsize(incr) == size + len(torn)
    loaded = tool("load", workdir)
    assert loaded.returncode == 0, loaded.stderr.decode()
    assert b"!!! Truncating the AOF appendonly.aof.1.incr.aof at offset %d !!!" % size \
        in loaded.stderr
    assert os.path.getsize(incr) == size
    manifest = os.path.join(workdir, "appendonlydir", "appendonly.aof.manifest")
    check = subprocess.run(["redis-check-aof", manifest], capture_output=True, timeout=30)
    assert check.returncode == 0, check.stdout.decode()
    assert replay_digest(loaded.stdout) == expected_full


def test_corrupt_middle_names_file_and_offset(workdir):
    write_with_tool(workdir, "always")
    incr = os.path.join(workdir, "appendonlydir", "appendonly.aof.1.incr.aof")
    data = bytearray(open(incr, "rb").read())
    at = data.index(b"*6\r\n$5\r\nRPUSH")
    data[at] = ord("+")
    open(incr, "wb").write(bytes(data))
    loaded = tool("load", workdir)
    assert loaded.returncode == 1
    assert (b"FAILED appendonly.aof.1.incr.aof offset %d: Bad file format reading the append "
            b"only file appendonly.aof.1.incr.aof" % at) in loaded.stderr


def test_old_single_file_is_upgraded(workdir):
    # Redis < 7: one appendonly.aof in dir.
    d = tempfile.mkdtemp(prefix="actis-aof-old-")
    try:
        expected = redis_written(d, "no", False)
        incr = os.path.join(d, "appendonlydir", "appendonly.aof.1.incr.aof")
        shutil.copy(incr, os.path.join(workdir, "appendonly.aof"))
    finally:
        shutil.rmtree(d, ignore_errors=True)
    loaded = tool("load", workdir)
    assert loaded.returncode == 0, loaded.stderr.decode()
    assert b"Successfully migrated an old-style AOF into the AOF directory appendonlydir." \
        in loaded.stderr
    assert not os.path.exists(os.path.join(workdir, "appendonly.aof"))
    assert open(os.path.join(workdir, "appendonlydir", "appendonly.aof.manifest")).read() == \
        "file appendonly.aof seq 1 type b\n"
    assert replay_digest(loaded.stdout) == expected
    # The upgraded directory is what redis-server 7.0 itself would accept.
    r = Redis(workdir, "--appendonly", "yes", "--aof-use-rdb-preamble", "no")
    try:
        assert r.digest() == expected
    finally:
        r.shutdown()
