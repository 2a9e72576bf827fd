"""Persistence switched at runtime and its administration, with real
processes: CONFIG SET appendonly yes/no under writes (then kill -9),
BGREWRITEAOF with appendonly off, DEBUG LOADAOF, SAVE during a rewrite,
and the LOADING replies while a large dataset loads at start-up."""
import pathlib
import shutil
import socket
import subprocess
import time

import pytest
import redis

from conftest import SERVER, check_aof, free_port, kill9, redis_digest, redis_reference, running
from test_aof import Writers, check_and_rebase

THREADS = ["1", "4"]


def start(dir, threads, *flags):
    return running("--threads", threads, "--enable-debug-command", "yes", *flags, dir=dir)


def wait_for(predicate, what, timeout=30):
    deadline = time.time() + timeout
    while not predicate():
        assert time.time() < deadline, what
        time.sleep(0.05)


def rewrite_done(c, rewrites):
    info = c.info("persistence")
    return info["aof_rewrites"] >= rewrites and info["aof_rewrite_in_progress"] == 0


def read_replies(sock, n):
    """The bytes of `n` simple/error or bulk replies."""
    data = b""
    pos = 0
    for _ in range(n):
        while b"\r\n" not in data[pos:]:
            chunk = sock.recv(65536)
            assert chunk, data
            data += chunk
        end = data.index(b"\r\n", pos)
        if data[pos:pos + 1] == b"$":
            end += 2 + int(data[pos + 1:end]) + 2
            while len(data) < end:
                chunk = sock.recv(65536)
                assert chunk, data
                data += chunk
            pos = end
        else:
            pos = end + 2
    return data


def manifest(dir):
    return (pathlib.Path(dir) / "appendonlydir" / "appendonly.aof.manifest").read_text()


@pytest.mark.parametrize("preamble", ["yes", "no"])
@pytest.mark.parametrize("threads", THREADS)
def test_appendonly_turned_on_under_writes_keeps_every_acknowledged_write(tmp_path, threads,
                                                                          preamble):
    """With an RDB base and with a base of commands (aof-use-rdb-preamble)."""
    n = 8
    with start(str(tmp_path), threads, "--appendonly", "no", "--appendfsync", "always",
               "--aof-use-rdb-preamble", preamble) as s:
        c = s.client()
        c.mset({f"k{i}": i for i in range(50000)})
        w = Writers(s, n, {})
        time.sleep(0.3)
        assert c.config_set("appendonly", "yes") is True
        assert c.info("persistence")["aof_enabled"] == 1
        wait_for(lambda: rewrite_done(c, 1), "the rewrite that enables the AOF")
        time.sleep(0.5)  # writes acknowledged after an fsync of the new incr file
        kill9(s)
        w.join()
        acked = w.acked
    text = manifest(tmp_path)
    base = ".base.rdb seq" if preamble == "yes" else ".base.aof seq"
    assert base in text and "type b" in text and "type i" in text, text
    with start(str(tmp_path), threads, "--appendonly", "yes") as s:
        c = s.client()
        check_and_rebase(c, acked, n)
        assert c.dbsize() == 50000 + 2 * n
    check_aof(tmp_path)


@pytest.mark.parametrize("threads", THREADS)
def test_appendonly_off_and_on_again(tmp_path, threads):
    with start(str(tmp_path), threads, "--appendonly", "yes", "--appendfsync", "always") as s:
        c = s.client()
        c.set("before", 1)
        assert c.config_set("appendonly", "no") is True
        assert c.info("persistence")["aof_enabled"] == 0
        c.set("while-off", 2)
        old = manifest(tmp_path)
        assert c.config_set("appendonly", "yes") is True
        wait_for(lambda: rewrite_done(c, 1), "the rewrite that enables the AOF again")
        c.set("after", 3)
        digest = c.execute_command("DEBUG", "DIGEST")
        new = manifest(tmp_path)
        assert new != old
        # The files the old manifest named are gone (aof-disable-auto-gc no).
        for line in old.splitlines():
            name = line.split()[1]
            if name not in new:
                assert not (tmp_path / "appendonlydir" / name).exists()
        kill9(s)
    with start(str(tmp_path), threads, "--appendonly", "yes") as s:
        c = s.client()
        assert c.execute_command("DEBUG", "DIGEST") == digest
        assert c.mget("before", "while-off", "after") == [b"1", b"2", b"3"]


def test_bgrewriteaof_with_appendonly_off_writes_a_directory_redis_loads(tmp_path):
    with start(str(tmp_path), "4", "--appendonly", "no") as s:
        c = s.client()
        c.set("s", "v")
        c.rpush("l", *range(300))
        c.zadd("z", {"m": 1.5})
        assert c.bgrewriteaof() is True
        wait_for(lambda: rewrite_done(c, 1), "BGREWRITEAOF with appendonly off")
        assert c.info("persistence")["aof_enabled"] == 0
        c.set("s", "changed")  # not in the AOF: it is off
        c.bgrewriteaof()
        wait_for(lambda: rewrite_done(c, 2), "a second rewrite")
        digest = c.execute_command("DEBUG", "DIGEST")
        c.shutdown(nosave=True)
        s.proc.wait(10)
    # Redis's layout: one base, no incr file, the first base deleted.
    text = manifest(tmp_path)
    assert text == "file appendonly.aof.2.base.rdb seq 2 type b\n", text
    files = sorted(p.name for p in (tmp_path / "appendonlydir").iterdir())
    assert files == ["appendonly.aof.2.base.rdb", "appendonly.aof.manifest"]
    check_aof(tmp_path)
    assert redis_digest(str(tmp_path), "--appendonly", "yes") == digest


@pytest.mark.parametrize("threads", THREADS)
def test_debug_loadaof_reloads_what_was_written(tmp_path, threads):
    with start(str(tmp_path), threads, "--appendonly", "yes", "--appendfsync", "everysec") as s:
        c = s.client()
        for i in range(200):
            c.incr(f"n{i % 7}")
            c.rpush("list", i)
        c.pexpire("list", 100000)
        digest = c.execute_command("DEBUG", "DIGEST")
        assert c.execute_command("DEBUG", "LOADAOF") == b"OK"
        assert c.execute_command("DEBUG", "DIGEST") == digest
        assert 0 < c.pttl("list") <= 100000
        assert c.info("persistence")["aof_enabled"] == 1
        c.set("after", 1)
        assert c.execute_command("DEBUG", "LOADAOF") == b"OK"
        assert c.get("after") == b"1"


@pytest.mark.parametrize("threads", THREADS)
def test_save_during_a_rewrite_waits_for_it_and_saves(tmp_path, threads):
    with start(str(tmp_path), threads, "--appendonly", "yes") as s:
        c = s.client()
        c.mset({f"k{i}": "x" * 20 for i in range(200000)})
        assert c.bgrewriteaof() is True
        c.set("late", 1)
        assert c.save() is True  # Redis saves in the foreground; so do we
        assert c.info("persistence")["rdb_last_bgsave_status"] == "ok"
        wait_for(lambda: rewrite_done(c, 1), "the rewrite")
        c.shutdown(nosave=True)
        s.proc.wait(10)
    with start(str(tmp_path), threads, "--appendonly", "no") as s:
        c = s.client()
        assert c.dbsize() == 200001
        assert c.get("late") == b"1"


@pytest.fixture(scope="module")
def large_dump(tmp_path_factory):
    """A dump.rdb of 2M keys; redis-server writes it (DEBUG POPULATE is fast
    there)."""
    d = tmp_path_factory.mktemp("large-dump")
    proc, r = redis_reference(str(d))
    try:
        r.execute_command("DEBUG", "POPULATE", 2000000)
        r.save()
    finally:
        proc.terminate()
        proc.wait()
    return d / "dump.rdb"


def start_loading(dir, large_dump, *flags):
    """actis starting on a copy of `large_dump`: (process, port, log)."""
    shutil.copy(large_dump, dir / "dump.rdb")
    port = free_port()
    log = open(dir / "server.log", "w+")
    server = subprocess.Popen([SERVER, "--port", str(port), "--bind", "127.0.0.1",
                               "--dir", str(dir), "--appendonly", "no", *flags],
                              stdout=log, stderr=subprocess.STDOUT)
    return server, port, log


def send_while_loading(port, request, replies, until_loaded=True):
    """Connects as soon as the port accepts and sends `request`, again
    until its first reply is not -LOADING (or, without `until_loaded`, only
    until one is answered); the replies seen, in order."""
    seen = []
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
                sock.sendall(request)
                data = read_replies(sock, replies)
            seen.append(data)
            if not until_loaded or not data.startswith(b"-LOADING"):
                break
        except ConnectionRefusedError:
            time.sleep(0.01)
    return seen


def test_clients_get_loading_while_a_large_dataset_loads(tmp_path, large_dump):
    server, port, log = start_loading(tmp_path, large_dump, "--save", "")
    try:
        seen = send_while_loading(port, b"GET key:1\r\nINFO persistence\r\n", 2)
        loading = [d for d in seen if d.startswith(b"-LOADING")]
        assert loading, seen[:3]
        assert loading[0].startswith(b"-LOADING Redis is loading the dataset in memory\r\n")
        assert b"loading:1\r\n" in loading[0] and b"loading_loaded_perc:" in loading[0]
        assert seen[-1].startswith(b"$7\r\nvalue:1\r\n"), seen[-1][:40]
        assert b"loading:0\r\n" in seen[-1]
        c = redis.Redis(port=port)
        assert c.dbsize() == 2000000
    finally:
        server.terminate()
        server.wait(10)
        log.close()


@pytest.mark.parametrize("how", ["SHUTDOWN", "SIGTERM"])
def test_shutdown_during_loading_exits_at_once_without_saving(tmp_path, large_dump, how):
    # Save points are on, so a shutdown after the load would save.
    server, port, log = start_loading(tmp_path, large_dump, "--save", "3600 1")
    try:
        seen = send_while_loading(port, b"PING\r\n", 1, until_loaded=False)
        assert seen and seen[-1].startswith(b"-LOADING"), seen[-1:]
        if how == "SHUTDOWN":
            with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
                sock.sendall(b"SHUTDOWN\r\n")
                assert sock.recv(100) == b""  # no reply: the connection closes
        else:
            server.terminate()
        assert server.wait(10) == 0
        log.seek(0)
        text = log.read()
        assert "Received shutdown signal during loading" in text, text
        assert "DB loaded from disk" not in text and "DB saved" not in text, text
        assert (tmp_path / "dump.rdb").read_bytes() == large_dump.read_bytes()
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
        log.close()
