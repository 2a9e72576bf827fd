"""aof-use-rdb-preamble no: a rewrite writes its base as commands, as
Redis 7.0 does. Every type in small and large encodings, expiring keys, two
databases, streams with groups, PELs and consumers, and a function library:
actis rebuilds them from its own base, and so does redis-server 7.0.15,
with the same contents; redis-check-aof accepts the directory. Run at
--threads 1 and 4."""
import pathlib
import shutil

import pytest

from conftest import check_aof, redis_reference, running
from test_rdb_interop import fill as fill_types
from test_aof_runtime import rewrite_done, wait_for
from test_rdb_streams import fill as fill_streams

pytestmark = pytest.mark.skipif(shutil.which("redis-server") is None,
                                reason="redis-server not on PATH")

THREADS = ["1", "4"]
LIBRARY = "#!lua name=lib\nredis.register_function('f', function() return 1 end)"


def rebuilt_view(reply):
    """XINFO STREAM FULL without what a rebuild changes: each consumer's
    seen-time (it was last seen when its commands ran) and the radix-tree
    figures (the nodes are refilled without deleted entries)."""
    if not isinstance(reply, list):
        return reply
    out = [rebuilt_view(x) for x in reply]
    for i in range(len(out) - 1):
        if out[i] in (b"seen-time", b"radix-tree-keys", b"radix-tree-nodes"):
            out[i + 1] = 0
    return out


def contents(c, keys, streams):
    """What a reload must keep: the digest of every database, each key's
    type, encoding and TTL (to the minute), the streams' groups and the
    libraries."""
    described = {}
    for key in keys:
        described[key] = (c.type(key), c.object("encoding", key), c.pttl(key) // 60000)
    for key in streams:
        described[key] += (rebuilt_view(
            c.execute_command("XINFO", "STREAM", key, "FULL", "COUNT", "0")),)
    return (c.execute_command("DEBUG", "DIGEST"), described, c.execute_command("FUNCTION", "LIST"))


def fill(c, seed):
    """Every type, streams and a library; returns db 0's keys, the streams
    and those of them that lost entries."""
    fill_types(c, seed)
    streams, intact = fill_streams(c, seed)
    c.execute_command("FUNCTION", "LOAD", LIBRARY)
    changed = [k for k in streams if k not in intact]
    return sorted(k.decode() for k in c.keys("*")), streams, changed


def without(snapshot, keys):
    digest, described, libraries = snapshot
    return digest, {k: v for k, v in described.items() if k not in keys}, libraries


@pytest.mark.parametrize("threads", THREADS)
def test_rewrite_base_of_commands_loads_in_actis_and_redis(tmp_path, threads):
    flags = ("--appendonly", "yes", "--aof-use-rdb-preamble", "no")
    with running("--threads", threads, "--enable-debug-command", "yes", *flags,
                 dir=str(tmp_path)) as s:
        c = s.client()
        keys, streams, changed_streams = fill(c, seed=int(threads))
        other = s.client(db=3)
        other.set("db3:key", "in another database")
        other.rpush("db3:list", *range(100))
        assert c.bgrewriteaof() is True
        wait_for(lambda: rewrite_done(c, 1), "BGREWRITEAOF")
        c.set("written:after", "the rewrite")  # goes to the incr file
        keys = keys + ["written:after"]
        expected = contents(c, keys, streams)
        c.shutdown(nosave=True)
        s.proc.wait(10)
    aof_dir = pathlib.Path(tmp_path) / "appendonlydir"
    manifest = (aof_dir / "appendonly.aof.manifest").read_text()
    assert "appendonly.aof.2.base.aof seq 2 type b" in manifest, manifest
    base = (aof_dir / "appendonly.aof.2.base.aof").read_bytes()
    assert base.startswith(b"*3\r\n$8\r\nFUNCTION\r\n$4\r\nLOAD\r\n"), base[:64]
    check_aof(tmp_path)

    with running("--threads", threads, "--enable-debug-command", "yes", *flags,
                 dir=str(tmp_path)) as s:
        reloaded = contents(s.client(), keys, streams)
        s.client().shutdown(nosave=True)
        s.proc.wait(10)
    # Pending entries whose stream entry was deleted are not rebuilt: the
    # base's XCLAIM ... FORCE skips a missing entry, in Redis as in actis.
    assert without(reloaded, changed_streams) == without(expected, changed_streams)
    proc, r = redis_reference(str(tmp_path), *flags)
    try:
        assert contents(r, keys, streams) == reloaded
    finally:
        r.shutdown(nosave=True)
        proc.wait()
