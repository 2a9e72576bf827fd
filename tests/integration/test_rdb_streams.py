"""Streams in RDB form exchanged with the real redis-server 7.0.15: DUMP on
one server and RESTORE on the other, both ways, and dump.rdb files saved by
one and loaded by the other. Restored streams must have the same DEBUG
DIGEST-VALUE and the same XINFO STREAM FULL (groups, PELs with delivery
times and counts, consumers with seen times); payloads of streams that
never lost an entry must be byte-identical. Run at --threads 1 and 4."""
import random
import shutil
import subprocess
import tempfile

import pytest

from conftest import Server, redis_reference

pytestmark = pytest.mark.skipif(shutil.which("redis-server") is None,
                                reason="redis-server not on PATH")

THREADS = ["1", "4"]


@pytest.fixture
def reference():
    d = tempfile.mkdtemp(prefix="actis-rdb-streams-")
    proc, client = redis_reference(d)
    yield client
    proc.terminate()
    proc.wait(5)
    shutil.rmtree(d, ignore_errors=True)


def fill(r, seed):
    """Streams with groups, PELs and consumers; returns (all keys, keys of
    streams that never lost an entry)."""
    rnd = random.Random(seed)
    c = r.execute_command
    # Small, fixed IDs, mixed field sets, integer-looking values.
    c("XADD", "s:small", "1-1", "a", "1", "b", "hello")
    c("XADD", "s:small", "1-2", "a", "2", "b", "x")
    c("XADD", "s:small", "5-0", "c", "-3")
    c("XADD", "s:small", "5-1", "a", "7", "b", str(2**40))
    c("XGROUP", "CREATE", "s:small", "g1", "0")
    c("XGROUP", "CREATE", "s:small", "g0", "1-1", "ENTRIESREAD", "1")
    c("XREADGROUP", "GROUP", "g1", "alice", "COUNT", "2", "STREAMS", "s:small", ">")
    c("XREADGROUP", "GROUP", "g1", "bob", "COUNT", "1", "STREAMS", "s:small", ">")
    c("XGROUP", "CREATECONSUMER", "s:small", "g0", "idle")
    # Several nodes, no deletions.
    for i in range(450):
        c("XADD", "s:nodes", "%d-%d" % (1000 + i // 3, i % 3),
          "f", "v%d" % i, "n", str(rnd.randrange(10**6)))
    c("XGROUP", "CREATE", "s:nodes", "readers", "$")
    # Random stream with deletions, trims, groups, claims and acks.
    ms = 10**12
    for i in range(1200):
        ms += rnd.randrange(0, 3)
        fields = ["k%d" % rnd.randrange(3), "x" * rnd.randrange(0, 60)]
        if rnd.random() < 0.3:
            fields += ["extra", str(rnd.randrange(-1000, 1000))]
        c("XADD", "s:churn", "%d-*" % ms, *fields)
    ids = [e[0] for e in r.xrange("s:churn")]
    for i in rnd.sample(ids, 200):
        c("XDEL", "s:churn", i)
    c("XTRIM", "s:churn", "MAXLEN", "900")
    for g in ("ga", "gb", "gc"):
        c("XGROUP", "CREATE", "s:churn", g, "0")
        for name in ("c1", "c2", "c3"):
            c("XREADGROUP", "GROUP", g, name, "COUNT", str(rnd.randrange(1, 80)),
              "STREAMS", "s:churn", ">")
    pending = [p["message_id"] for p in r.xpending_range("s:churn", "ga", "-", "+", 1000)]
    c("XACK", "s:churn", "ga", *rnd.sample(pending, len(pending) // 3))
    rest = [p["message_id"] for p in r.xpending_range("s:churn", "gb", "-", "+", 1000)]
    c("XCLAIM", "s:churn", "gb", "c9", "0", *rest[:10], "RETRYCOUNT", "7", "TIME", "12345")
    # Entries pending in a group but deleted from the stream.
    c("XDEL", "s:churn", *rest[10:15])
    c("XGROUP", "SETID", "s:churn", "gc", "$", "ENTRIESREAD", "3")
    # Empty streams: emptied by XDEL, and made by XGROUP CREATE MKSTREAM.
    c("XADD", "s:emptied", "7-7", "a", "b")
    c("XDEL", "s:emptied", "7-7")
    c("XGROUP", "CREATE", "s:made", "g", "$", "MKSTREAM")
    c("XSETID", "s:made", "99-5", "ENTRIESADDED", "12", "MAXDELETEDID", "3-3")
    return (["s:small", "s:nodes", "s:churn", "s:emptied", "s:made"],
            ["s:small", "s:nodes", "s:made"])


def full(r, key):
    info = r.execute_command("XINFO", "STREAM", key, "FULL", "COUNT", "0")
    return info


def describe(r, key, with_nodes):
    d = dict(zip(full(r, key)[::2], full(r, key)[1::2]))
    if not with_nodes:
        # actis rebuilds loaded nodes without Redis's deleted entries.
        d.pop(b"radix-tree-keys")
        d.pop(b"radix-tree-nodes")
    return (r.type(key), r.execute_command("DEBUG", "DIGEST-VALUE", key), d)


def transfer(src, dst, keys, intact):
    for key in keys:
        payload = src.dump(key)
        dst.restore(key, 0, payload, replace=True)
        assert describe(dst, key, key in intact) == describe(src, key, key in intact), key
        if key in intact:
            assert dst.dump(key) == payload, key


@pytest.mark.parametrize("threads", THREADS)
def test_streams_redis_to_actis_and_back(start_server, reference, threads):
    actis = start_server("--threads", threads, "--enable-debug-command", "yes").client()
    keys, intact = fill(reference, seed=int(threads))
    transfer(reference, actis, keys, intact)
    reference.flushall()
    transfer(actis, reference, keys, intact)


@pytest.mark.parametrize("threads", THREADS)
def test_streams_actis_to_redis(start_server, reference, threads):
    actis = start_server("--threads", threads, "--enable-debug-command", "yes").client()
    keys, _ = fill(actis, seed=10 + int(threads))
    # Everything actis writes is its own layout: Redis keeps it node for node.
    transfer(actis, reference, keys, keys)


@pytest.mark.parametrize("threads", THREADS)
def test_stream_files_move_between_actis_and_redis(tmp_path, threads):
    actis_dir = tmp_path / "actis"
    redis_dir = tmp_path / "redis"
    actis_dir.mkdir()
    redis_dir.mkdir()
    proc, r = redis_reference(str(redis_dir))
    try:
        keys, intact = fill(r, seed=3)
        expected = {k: describe(r, k, k in intact) for k in keys}
        assert r.save()
    finally:
        r.shutdown(nosave=True)
        proc.wait()
    shutil.copy(redis_dir / "dump.rdb", actis_dir / "dump.rdb")
    s = Server("--threads", threads, "--enable-debug-command", "yes", dir=str(actis_dir))
    try:
        c = s.client()
        assert {k: describe(c, k, k in intact) for k in keys} == expected
        c.execute_command("XADD", "s:small", "9-9", "written-by", "actis")
        expected = {k: describe(c, k, True) for k in keys}
        assert c.save()
    finally:
        s.stop()
        s.cleanup()
    check = subprocess.run(["redis-check-rdb", str(actis_dir / "dump.rdb")],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    shutil.copy(actis_dir / "dump.rdb", redis_dir / "dump.rdb")
    proc, r = redis_reference(str(redis_dir))
    try:
        assert {k: describe(r, k, True) for k in keys} == expected
    finally:
        r.shutdown(nosave=True)
        proc.wait()
