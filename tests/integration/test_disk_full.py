"""A full disk, for real: the server's directory is a small tmpfs. Writes get
MISCONF as in Redis (AOF and RDB errors), reads keep working, nothing
already persisted is damaged, and writes resume once space returns."""
import contextlib
import os
import subprocess
import time

import pytest
import redis

from conftest import check_aof, kill9, running


@contextlib.contextmanager
def small_filesystem(path, size):
    """A tmpfs of `size` at `path` (needs root; the test is skipped where
    mounting is not allowed)."""
    path.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip("cannot mount a tmpfs here: " + mounted.stderr.strip())
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def fill_until_refused(c, prefix, value, limit=2000):
    """SETs until the server refuses one; returns the acknowledged keys and
    the refusal."""
    acked = []
    for i in range(limit):
        try:
            c.set(f"{prefix}{i}", value)
            acked.append(f"{prefix}{i}")
        except redis.ResponseError as e:
            return acked, str(e)
        time.sleep(0.002)
    raise AssertionError("the disk never filled up")


def wait_for(predicate, what, timeout=30):
    deadline = time.time() + timeout
    while not predicate():
        assert time.time() < deadline, what
        time.sleep(0.05)


@pytest.mark.parametrize("threads", ["1", "4"])
def test_aof_on_a_full_disk_refuses_writes_and_recovers(tmp_path, threads):
    with small_filesystem(tmp_path / "disk", "3m") as disk:
        ballast = disk / "ballast"
        ballast.write_bytes(b"\0" * (1 << 20))
        flags = ["--threads", threads, "--appendonly", "yes", "--appendfsync", "everysec"]
        value = "v" * 20000
        with running(*flags, dir=str(disk)) as s:
            c = s.client()
            acked, refusal = fill_until_refused(c, "k", value)
            assert refusal.startswith("MISCONF Errors writing to the AOF file: No space left on "
                                      "device"), refusal
            assert c.get(acked[0]) == value.encode()  # reads still work
            with pytest.raises(redis.ResponseError, match="MISCONF"):
                c.ping()
            assert c.info("persistence")["aof_last_write_status"] == "err"
            ballast.unlink()  # space returns
            wait_for(lambda: c.info("persistence")["aof_last_write_status"] == "ok",
                     "the AOF writer retrying once space returned")
            c.set("after", "recovered")
            assert c.ping()
            time.sleep(1.5)  # everysec: the last write reached the disk
            kill9(s)
        check_aof(disk)
        with running(*flags, dir=str(disk)) as s:
            c = s.client()
            for key in acked:
                assert c.strlen(key) == len(value), key
            assert c.get("after") == b"recovered"


@pytest.mark.parametrize("threads", ["1", "4"])
def test_snapshot_on_a_full_disk_keeps_the_previous_one(tmp_path, threads):
    with small_filesystem(tmp_path / "disk", "3m") as disk:
        flags = ["--threads", threads, "--save", "3600 1"]
        value = "x" * 1000
        with running(*flags, dir=str(disk)) as s:
            c = s.client()
            c.mset({f"saved{i}": value for i in range(500)})
            assert c.save() is True
            saved = (disk / "dump.rdb").read_bytes()
            ballast = disk / "ballast"
            with open(ballast, "wb") as f:  # the rest of the disk
                with contextlib.suppress(OSError):
                    while True:
                        f.write(b"\0" * 65536)
                        f.flush()
            c.mset({f"more{i}": value for i in range(500)})
            with pytest.raises(redis.ResponseError):
                c.save()
            assert c.info("persistence")["rdb_last_bgsave_status"] == "err"
            with pytest.raises(redis.ResponseError, match="MISCONF"):
                c.set("refused", 1)
            assert c.get("saved0") == value.encode()
            assert (disk / "dump.rdb").read_bytes() == saved  # untouched
            assert [p.name for p in disk.iterdir() if p.name.startswith("temp-")] == []
            ballast.unlink()
            assert c.bgsave()
            wait_for(lambda: c.info("persistence")["rdb_last_bgsave_status"] == "ok"
                     and c.info("persistence")["rdb_bgsave_in_progress"] == 0,
                     "a snapshot once space returned")
            c.set("accepted", 1)
            c.shutdown(nosave=True)
            s.proc.wait(10)
        with running("--threads", threads, dir=str(disk)) as s:
            assert s.client().dbsize() == 1000
