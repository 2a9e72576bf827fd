"""Blocking commands end to end with redis-py, at --threads 1 and 4: served by
pushes from other clients, exactly once across partitions, FIFO, timeouts,
clients that leave, CLIENT UNBLOCK, BLMOVE chains, and the seeds' job queue."""
import threading
import time

import pytest

THREADS = [1, 4]


def crc16(data: bytes) -> int:
    crc = 0
    for b in data:
        crc ^= b << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return crc


def partition(key: str, count: int) -> int:
    """actis's key -> partition map: the cluster slot modulo the partitions."""
    k = key.encode()
    start = k.find(b"{")
    if start != -1:
        end = k.find(b"}", start + 1)
        if end > start + 1:
            k = k[start + 1:end]
    return (crc16(k) % 16384) % count


def keys_on_distinct_partitions(prefix: str, n: int, count: int = 4):
    """n keys that live on n different partitions at --threads `count`."""
    found, seen, i = [], set(), 0
    while len(found) < n:
        key = f"{prefix}{i}"
        p = partition(key, count)
        if p not in seen:
            seen.add(p)
            found.append(key)
        i += 1
    return found


def wait_blocked(r, n, timeout=5):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if r.info("clients")["blocked_clients"] == n:
            return
        time.sleep(0.01)
    raise AssertionError(f"blocked_clients never reached {n}")


def in_thread(fn, *args):
    result = {}

    def run():
        try:
            result["value"] = fn(*args)
        except Exception as e:  # reported by the test
            result["error"] = e

    t = threading.Thread(target=run)
    t.start()
    return t, result


@pytest.mark.parametrize("threads", THREADS)
def test_blpop_is_served_by_a_push_of_another_client(start_server, threads):
    srv = start_server("--threads", str(threads))
    r = srv.client()
    a, b = keys_on_distinct_partitions("q", 2)
    t, res = in_thread(srv.client().blpop, [a, b], 5)
    wait_blocked(r, 1)
    assert r.rpush(b, "hello") == 1
    t.join(5)
    assert res.get("value") == (b.encode(), b"hello")
    assert r.info("clients")["blocked_clients"] == 0
    assert r.exists(b) == 0


@pytest.mark.parametrize("threads", THREADS)
def test_a_client_blocked_on_two_partitions_is_served_once(start_server, threads):
    srv = start_server("--threads", str(threads))
    r = srv.client()
    a, b = keys_on_distinct_partitions("k", 2)
    for round_ in range(30):
        r.delete(a, b)
        t, res = in_thread(srv.client().blpop, [a, b], 5)
        wait_blocked(r, 1)
        # Both keys are fed at the same moment by one pipeline.
        with r.pipeline(transaction=False) as p:
            p.rpush(a, "x")
            p.rpush(b, "y")
            p.execute()
        t.join(5)
        got = res.get("value")
        assert got in ((a.encode(), b"x"), (b.encode(), b"y")), (round_, res)
        assert r.llen(a) + r.llen(b) == 1, round_


@pytest.mark.parametrize("threads", THREADS)
def test_clients_blocked_on_one_key_are_served_in_order(start_server, threads):
    srv = start_server("--threads", str(threads))
    r = srv.client()
    waiters = []
    for i in range(3):
        waiters.append(in_thread(srv.client().brpop, ["fifo"], 5))
        wait_blocked(r, i + 1)
    r.lpush("fifo", "1", "2", "3")  # the tail is "1"
    got = []
    for t, res in waiters:
        t.join(5)
        got.append(res.get("value"))
    assert got == [(b"fifo", b"1"), (b"fifo", b"2"), (b"fifo", b"3")]


@pytest.mark.parametrize("threads", THREADS)
def test_timeouts_are_sub_second_and_reply_null(start_server, threads):
    srv = start_server("--threads", str(threads))
    r = srv.client()
    start = time.time()
    assert r.blpop(["none1", "none2"], 0.2) is None
    elapsed = time.time() - start
    assert 0.15 <= elapsed < 1.5, elapsed
    assert r.blmove("none1", "none2", 0.1) is None
    assert r.bzpopmin("none3", 0.1) is None
    assert r.info("clients")["blocked_clients"] == 0
    # The client goes on with its pipeline afterwards.
    assert r.ping()


@pytest.mark.parametrize("threads", THREADS)
def test_a_blocked_client_that_leaves_takes_nothing(start_server, threads):
    srv = start_server("--threads", str(threads))
    r = srv.client()
    a, b = keys_on_distinct_partitions("gone", 2)
    s = srv.raw()
    s.sendall(f"BLPOP {a} {b} 0\r\n".encode())
    wait_blocked(r, 1)
    s.close()
    wait_blocked(r, 0, timeout=10)
    r.rpush(a, "kept")
    r.rpush(b, "kept")
    assert r.lrange(a, 0, -1) == [b"kept"]
    assert r.lrange(b, 0, -1) == [b"kept"]


@pytest.mark.parametrize("threads", THREADS)
def test_client_unblock(start_server, threads):
    srv = start_server("--threads", str(threads))
    r = srv.client()
    blocked = srv.client()
    blocked_id = blocked.client_id()
    t, res = in_thread(blocked.blpop, ["ub"], 0)
    wait_blocked(r, 1)
    assert b"flags=b" in r.execute_command("CLIENT", "LIST").split(f"id={blocked_id} ".encode())[1].split(b"\n")[0]
    assert r.execute_command("CLIENT", "UNBLOCK", blocked_id) == 1
    t.join(5)
    assert "value" in res and res["value"] is None
    assert r.execute_command("CLIENT", "UNBLOCK", blocked_id) == 0
    t, res = in_thread(blocked.blpop, ["ub"], 0)
    wait_blocked(r, 1)
    assert r.execute_command("CLIENT", "UNBLOCK", blocked_id, "ERROR") == 1
    t.join(5)
    assert "UNBLOCKED" in str(res.get("error"))


@pytest.mark.parametrize("threads", THREADS)
def test_blmove_into_a_waited_list_chains(start_server, threads):
    srv = start_server("--threads", str(threads))
    r = srv.client()
    src, mid = keys_on_distinct_partitions("chain", 2)
    mover = in_thread(srv.client().blmove, src, mid, 5, "LEFT", "RIGHT")
    wait_blocked(r, 1)
    popper = in_thread(srv.client().blpop, [mid], 5)
    wait_blocked(r, 2)
    r.rpush(src, "item")
    mover[0].join(5)
    popper[0].join(5)
    assert mover[1].get("value") == b"item"
    assert popper[1].get("value") == (mid.encode(), b"item")
    assert r.exists(src, mid) == 0


@pytest.mark.parametrize("threads", THREADS)
def test_job_queue_every_job_processed_once_with_its_payload(start_server, threads):
    """The seeds' job queue: producers pipeline SET job:N payload + LPUSH jobs N,
    four workers BRPOP jobs and GET the payload."""
    srv = start_server("--threads", str(threads))
    jobs_per_producer, producers = 300, 2
    processed, missing = [], []
    lock = threading.Lock()
    done = threading.Event()

    def worker():
        c = srv.client()
        while True:
            item = c.brpop(["jobs"], 0.2)
            if item is None:
                if done.is_set():
                    return
                continue
            job = item[1].decode()
            payload = c.get(f"job:{job}")
            with lock:
                processed.append(job)
                if payload != f"payload-{job}".encode():
                    missing.append(job)

    def producer(p):
        c = srv.client()
        for i in range(jobs_per_producer):
            job = f"{p}-{i}"
            with c.pipeline(transaction=False) as pipe:
                pipe.set(f"job:{job}", f"payload-{job}")
                pipe.lpush("jobs", job)
                pipe.execute()

    workers = [threading.Thread(target=worker) for _ in range(4)]
    for w in workers:
        w.start()
    prods = [threading.Thread(target=producer, args=(p,)) for p in range(producers)]
    for p in prods:
        p.start()
    for p in prods:
        p.join()
    r = srv.client()
    deadline = time.time() + 20
    while r.llen("jobs") and time.time() < deadline:
        time.sleep(0.05)
    done.set()
    for w in workers:
        w.join(10)
    assert not missing
    assert sorted(processed) == sorted(f"{p}-{i}" for p in range(producers)
                                       for i in range(jobs_per_producer))


@pytest.mark.parametrize("threads", THREADS)
def test_blocking_commands_inside_a_pipeline_keep_program_order(start_server, threads):
    srv = start_server("--threads", str(threads))
    a, b = keys_on_distinct_partitions("po", 2)
    s = srv.raw()
    # The BLPOP blocks; the SET after it must not run before it completes,
    # while the reply of the PING before it goes out at once.
    s.sendall(f"PING\r\nBLPOP {a} 5\r\nSET {b} after\r\n".encode())
    r = srv.client()
    wait_blocked(r, 1)
    assert s.recv(4096) == b"+PONG\r\n"
    assert r.get(b) is None
    r.rpush(a, "v")
    data = b""
    deadline = time.time() + 5
    while data.count(b"\r\n") < 6 and time.time() < deadline:
        data += s.recv(4096)
    assert data == f"*2\r\n${len(a)}\r\n{a}\r\n$1\r\nv\r\n+OK\r\n".encode()
    assert r.get(b) == b"after"
    s.close()
