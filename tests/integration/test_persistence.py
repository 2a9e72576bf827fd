"""RDB snapshots with real processes and real files: SAVE/BGSAVE and restart,
a consistent cut under concurrent writes, files exchanged with redis-server
7.0 both ways, save points, SHUTDOWN and SIGTERM, MISCONF, DEBUG RELOAD and
a corrupt file."""
import os
import pathlib
import shutil
import signal
import subprocess
import threading
import time

import pytest
import redis

from conftest import free_port, kill9, redis_reference, running

THREADS = ["1", "4"]


def start(dir, threads, *flags):
    return running("--threads", threads, "--enable-debug-command", "yes", *flags, dir=dir)



def wait_bgsave(c, timeout=60):
    deadline = time.time() + timeout
    while c.info("persistence")["rdb_bgsave_in_progress"]:
        assert time.time() < deadline, "BGSAVE did not finish"
        time.sleep(0.02)


def fill_every_type(c):
    """Every type in small and large encodings, expiring keys, several dbs
    and a function library."""
    c.set("int", 12345)
    c.set("short", "hello")
    c.set("long", "x" * 100)
    c.set("random", os.urandom(300))
    c.set("volatile", "v", ex=1000)
    c.rpush("small-list", *range(5))
    c.rpush("big-list", *[f"item-{i}" * 3 for i in range(2000)])
    c.sadd("intset", *range(20))
    c.sadd("bigset", *[f"m{i}" for i in range(600)])
    c.zadd("small-zset", {"a": 1, "b": 2.5, "c": -3})
    c.zadd("big-zset", {f"z{i}": i / 7 for i in range(500)})
    c.hset("small-hash", mapping={"f1": "v1", "f2": 2})
    c.hset("big-hash", mapping={f"f{i}": "v" * (i % 90) for i in range(700)})
    c.pexpire("big-hash", 500000)
    c.pfadd("hll", *range(100))
    c.setbit("bits", 1000, 1)
    c.execute_command("SELECT", 3)
    c.set("in-db-3", "three")
    c.lpush("list-db-3", "a")
    c.execute_command("SELECT", 0)
    c.execute_command("FUNCTION", "LOAD",
                      "#!lua name=mylib\nredis.register_function('f', function() return 1 end)")


def digest(c):
    return c.execute_command("DEBUG", "DIGEST")


@pytest.mark.parametrize("threads", THREADS)
def test_save_and_restart_keeps_every_type(tmp_path, threads):
    with start(str(tmp_path), threads) as s:
        c = s.client()
        fill_every_type(c)
        before = digest(c)
        ttl = c.pttl("big-hash")
        assert c.save()
        assert c.lastsave().timestamp() > 0
        info = c.info("persistence")
        assert info["rdb_last_bgsave_status"] == "ok"
        assert info["rdb_changes_since_last_save"] == 0
        s.stop()
        assert s.proc.returncode == 0
    with start(str(tmp_path), threads) as s:
        c = s.client()
        assert digest(c) == before
        assert 0 < c.pttl("big-hash") <= ttl
        assert c.execute_command("FCALL", "f", 0) == 1
        assert c.info("persistence")["rdb_last_load_keys_loaded"] == 17


@pytest.mark.parametrize("threads", THREADS)
def test_bgsave_is_one_consistent_cut_under_writes(tmp_path, threads):
    """One client increments c0, c1, ..., c15, c0, ... in turn while BGSAVE
    runs over 200k other keys that also change; the file must hold a prefix
    of that order (c0 >= c1 >= ... >= c15 >= c0 - 1), and a FLUSHDB after
    BGSAVE answered must not reach the file."""
    with start(str(tmp_path), threads) as s:
        c = s.client()
        pipe = c.pipeline(transaction=False)
        for i in range(200000):
            pipe.set(f"filler:{i}", f"old-{i}")
            if i % 5000 == 4999:
                pipe.execute()
        pipe.execute()
        c.execute_command("SELECT", 1)
        for i in range(0, 20000, 1000):
            c.mset({f"gone:{j}": j for j in range(i, i + 1000)})
        c.execute_command("SELECT", 0)
        stop = threading.Event()

        def writer():
            w = s.client()
            n = 0
            while not stop.is_set():
                w.incr(f"c{n % 16}")
                w.set(f"filler:{(n * 7919) % 200000}", f"new-{n}")
                n += 1

        t = threading.Thread(target=writer)
        t.start()
        time.sleep(0.2)
        flusher = s.client()
        flusher.execute_command("SELECT", 1)
        assert c.bgsave()
        flusher.flushdb()
        flusher.set("after-cut", 1)
        wait_bgsave(c)
        stop.set()
        t.join()
        assert c.info("persistence")["rdb_last_bgsave_status"] == "ok"
        kill9(s)
    with start(str(tmp_path), threads) as s:
        c = s.client()
        values = [int(c.get(f"c{i}") or 0) for i in range(16)]
        assert values[0] > 0
        for a, b in zip(values, values[1:]):
            assert a >= b
        assert values[-1] >= values[0] - 1
        filler = c.mget([f"filler:{i}" for i in range(200000)])
        assert all(v is not None for v in filler)
        c.execute_command("SELECT", 1)
        assert c.dbsize() == 20000
        assert c.get("after-cut") is None


@pytest.mark.parametrize("threads", THREADS)
def test_files_move_between_actis_and_redis(tmp_path, threads):
    actis_dir = tmp_path / "actis"
    redis_dir = tmp_path / "redis"
    actis_dir.mkdir()
    redis_dir.mkdir()
    # redis-server writes, actis loads.
    proc, r = redis_reference(str(redis_dir))
    try:
        fill_every_type(r)
        redis_digest = digest(r)
        assert r.save()
    finally:
        r.shutdown(nosave=True)
        proc.wait()
    shutil.copy(redis_dir / "dump.rdb", actis_dir / "dump.rdb")
    with start(str(actis_dir), threads) as s:
        c = s.client()
        assert digest(c) == redis_digest
        # actis writes, redis-check-rdb accepts, redis-server loads.
        c.set("written-by-actis", "yes")
        c.zadd("big-zset", {"extra": 1e300})
        actis_digest = digest(c)
        assert c.save()
    check = subprocess.run(["redis-check-rdb", str(actis_dir / "dump.rdb")],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    shutil.copy(actis_dir / "dump.rdb", redis_dir / "dump.rdb")
    proc, r = redis_reference(str(redis_dir))
    try:
        assert digest(r) == actis_digest
        assert r.fcall("f", 0) == 1
    finally:
        r.shutdown(nosave=True)
        proc.wait()


@pytest.mark.parametrize("threads", THREADS)
def test_save_points_shutdown_and_sigterm(tmp_path, threads):
    rdb = tmp_path / "dump.rdb"
    # A save point fires by itself.
    with start(str(tmp_path), threads, "--save", "1 1") as s:
        c = s.client()
        first = c.lastsave()
        c.set("a", 1)
        deadline = time.time() + 10
        while c.lastsave() == first or not rdb.exists():
            assert time.time() < deadline, "the save point did not fire"
            time.sleep(0.1)
        assert c.info("persistence")["rdb_saves"] >= 1
        # SIGTERM saves when save points are configured.
        c.set("b", 2)
        s.proc.send_signal(signal.SIGTERM)
        assert s.proc.wait(30) == 0
    with start(str(tmp_path), threads) as s:
        c = s.client()
        assert c.get("b") == b"2"
        # SHUTDOWN NOSAVE does not save; SHUTDOWN SAVE does without save points.
        c.set("c", 3)
        c.shutdown(nosave=True)  # redis-py returns when the connection closes
        s.proc.wait(30)
    with start(str(tmp_path), threads) as s:
        c = s.client()
        assert c.get("c") is None
        c.set("d", 4)
        c.shutdown(save=True)
        assert s.proc.wait(30) == 0
    with start(str(tmp_path), threads) as s:
        assert s.client().get("d") == b"4"


@pytest.mark.parametrize("threads", THREADS)
def test_failed_save_refuses_writes_until_a_save_succeeds(tmp_path, threads):
    data = tmp_path / "data"
    data.mkdir()
    with start(str(data), threads, "--save", "3600 1", "--enable-protected-configs", "yes") as s:
        c = s.client()
        c.set("kept", 1)
        assert c.save()
        shutil.rmtree(data)  # the temporary file cannot be created any more
        with pytest.raises(redis.ResponseError):
            c.bgsave()
        info = c.info("persistence")
        assert info["rdb_last_bgsave_status"] == "err"
        with pytest.raises(redis.ResponseError, match="MISCONF"):
            c.set("refused", 1)
        assert c.get("kept") == b"1"
        c.config_set("stop-writes-on-bgsave-error", "no")
        c.set("accepted", 1)
        c.config_set("stop-writes-on-bgsave-error", "yes")
        with pytest.raises(redis.ResponseError, match="MISCONF"):
            c.incr("kept")
        data.mkdir()
        c.config_set("dir", str(data))  # the old working directory is gone for good
        assert c.save()
        c.set("after", 1)
        assert c.info("persistence")["rdb_last_bgsave_status"] == "ok"


@pytest.mark.parametrize("threads", THREADS)
def test_debug_reload_and_bgsave_replies(tmp_path, threads):
    with start(str(tmp_path), threads) as s:
        c = s.client()
        fill_every_type(c)
        before = digest(c)
        assert c.execute_command("DEBUG", "RELOAD") == b"OK"
        assert digest(c) == before
        c.set("only-in-memory", 1)
        assert c.execute_command("DEBUG", "RELOAD", "NOSAVE") == b"OK"
        assert c.get("only-in-memory") is None
        assert digest(c) == before
        raw = s.raw()
        raw.sendall(b"BGSAVE\r\nBGSAVE\r\nBGSAVE SCHEDULE\r\nBGSAVE NOW\r\n")
        data = b""
        while data.count(b"\r\n") < 4:
            data += raw.recv(4096)
        replies = data.split(b"\r\n")[:4]
        assert replies[0] == b"+Background saving started"
        assert replies[1] in (b"-ERR Background save already in progress",
                              b"+Background saving started")
        assert replies[2] in (b"+Background saving scheduled", b"+Background saving started")
        assert replies[3] == b"-ERR syntax error"
        raw.close()
        wait_bgsave(c)


def test_a_corrupt_file_stops_start_up_with_its_name(tmp_path):
    with start(str(tmp_path), "1") as s:
        c = s.client()
        fill_every_type(c)
        assert c.save()
    rdb = tmp_path / "dump.rdb"
    blob = bytearray(rdb.read_bytes())
    blob[len(blob) // 2] ^= 0xFF
    rdb.write_bytes(bytes(blob))
    log = tmp_path / "corrupt.log"
    with open(log, "w") as out:
        proc = subprocess.run(
            [os.environ.get("ACTIS_SERVER", str(pathlib.Path(__file__).resolve().parents[2]
                                                / "build" / "actis-server")),
             "--port", str(free_port()), "--bind", "127.0.0.1", "--dir", str(tmp_path)],
            stdout=out, stderr=subprocess.STDOUT, timeout=30)
    assert proc.returncode != 0
    assert "dump.rdb" in log.read_text()


@pytest.mark.parametrize("threads", THREADS)
def test_a_crash_during_bgsave_leaves_the_previous_snapshot(tmp_path, threads):
    with start(str(tmp_path), threads) as s:
        c = s.client()
        c.set("first", "snapshot")
        assert c.save()
        saved = digest(c)
        pipe = c.pipeline(transaction=False)
        for i in range(300000):
            pipe.set(f"k{i}", "v" * 50)
            if i % 10000 == 9999:
                pipe.execute()
        pipe.execute()
        assert c.bgsave()
        kill9(s)  # mid-snapshot: the temporary file is never renamed
    with start(str(tmp_path), threads) as s:
        assert digest(s.client()) == saved
