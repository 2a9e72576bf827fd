"""Redis's LFU access counters under an LFU maxmemory-policy, side by side
with redis-server 7.0.15 at --threads 1 and 4: OBJECT FREQ (5 for a new
key, counted on reads and writes, not by OBJECT FREQ itself, saturating at
255), lfu-log-factor 0 counting every access, RESTORE ... FREQ, the counter
kept through an overwrite, DEBUG RELOAD (the RDB's FREQ records) and the
errors under other policies. lfu-decay-time 0 keeps the counters from
decaying at a minute boundary during the run."""
import pathlib
import shutil
import subprocess
import tempfile

import pytest

from conftest import redis_reference

THREADS = [1, 4]


def scenario(r):
    t = []
    r.set("plain", "v")
    t.append(("freq under noeviction", err(lambda: r.object("freq", "plain"))))
    r.config_set("maxmemory-policy", "allkeys-lfu")
    r.config_set("lfu-decay-time", "0")
    t.append(("idletime under lfu", err(lambda: r.object("idletime", "plain"))))
    r.set("a", "one")               # not a shared integer: those share one word
    t.append(("new key", r.object("freq", "a")))
    t.append(("freq does not count", r.object("freq", "a")))
    r.get("a")                      # from 5, the first use always counts
    t.append(("one read", r.object("freq", "a")))
    r.config_set("lfu-log-factor", "0")   # every use counts
    for _ in range(10):
        r.get("a")
    t.append(("ten reads", r.object("freq", "a")))
    r.append("a", "!")
    r.set("a", "seven")             # an overwrite keeps and counts the key's word
    t.append(("append and overwrite", r.object("freq", "a")))
    payload = r.dump("a")
    r.restore("b", 0, payload, frequency=100)
    t.append(("restore freq", r.object("freq", "b")))
    r.restore("c", 0, payload)
    t.append(("restore without freq", r.object("freq", "c")))
    r.restore("d", 0, payload, frequency=255)
    r.get("d")
    t.append(("saturated", r.object("freq", "d")))
    for key in ("k:%d" % i for i in range(40)):     # keys of every partition
        r.restore(key, 0, payload, frequency=40)
        r.get(key)
    t.append(("many", sorted({r.object("freq", "k:%d" % i) for i in range(40)})))
    r.execute_command("DEBUG", "RELOAD")
    t.append(("after reload", [r.object("freq", k) for k in ("a", "b", "c", "d", "k:7")]))
    r.config_set("maxmemory-policy", "allkeys-lru")
    r.restore("e", 0, payload, frequency=9)
    t.append(("freq under lru", err(lambda: r.object("freq", "e"))))
    return t


def err(call):
    try:
        return ("ok", call())
    except Exception as e:  # the error reply is the point
        return ("error", str(e))


@pytest.mark.parametrize("threads", THREADS)
def test_lfu_counters_match_redis(start_server, threads):
    srv = start_server("--threads", str(threads), "--enable-debug-command", "yes")
    actis = scenario(srv.client())
    with tempfile.TemporaryDirectory() as d:
        proc, client = redis_reference(d)
        try:
            reference = scenario(client)
        finally:
            proc.kill()
            proc.wait()
    assert actis == reference
    assert dict(reference)["new key"] == 5
    assert dict(reference)["one read"] == 6
    assert dict(reference)["ten reads"] == 16
    assert dict(reference)["restore freq"] == 100


@pytest.mark.parametrize("threads", THREADS)
def test_rdb_freq_records_load_in_redis(start_server, threads):
    srv = start_server("--threads", str(threads), "--maxmemory-policy", "allkeys-lfu",
                       "--lfu-decay-time", "0")
    r = srv.client()
    r.set("seed", "value")
    payload = r.dump("seed")
    want = {}
    for i in range(40):
        r.restore("f:%d" % i, 0, payload, frequency=i * 6)
        want["f:%d" % i] = i * 6
    r.save()
    dump = pathlib.Path(srv.dir) / "dump.rdb"
    check = subprocess.run(["redis-check-rdb", str(dump)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    with tempfile.TemporaryDirectory() as d:
        shutil.copy(dump, pathlib.Path(d) / "dump.rdb")
        proc, client = redis_reference(d, "--maxmemory-policy", "allkeys-lfu",
                                       "--lfu-decay-time", "0")
        try:
            got = {k: client.object("freq", k) for k in want}
        finally:
            proc.kill()
            proc.wait()
    assert got == want
