"""MULTI/EXEC/WATCH end to end with redis-py at --threads 1 and 4: the seeds'
fund transfer keeps its total under concurrent clients, a reader never sees
half of a transaction that spans partitions, WATCH sees other clients'
writes on other partitions and expiry, blocked clients are woken only after
EXEC, and an EXEC whose client has gone still runs, once."""
import socket
import threading
import time

import pytest
import redis

from workload import audit_sum, run_all
from test_blocking import in_thread, keys_on_distinct_partitions, wait_blocked

THREADS = [1, 4]


@pytest.mark.parametrize("threads", THREADS)
def test_fund_transfer_keeps_the_total(start_server, threads):
    srv = start_server("--threads", str(threads))
    accounts = keys_on_distinct_partitions("acct:", 4) + [f"acct:x{i}" for i in range(6)]
    srv.client().mset({a: 1000 for a in accounts})
    total = 1000 * len(accounts)
    stop = time.time() + 10
    done, retries, errors, torn = [0], [0], [], []

    def transfer(seed):
        import random
        rnd = random.Random(seed)
        r = srv.client()
        try:
            while time.time() < stop:
                src, dst = rnd.sample(accounts, 2)
                amount = rnd.randint(1, 50)
                with r.pipeline() as p:
                    try:
                        p.watch(src, dst)
                        if int(p.get(src)) < amount:
                            p.unwatch()
                            continue
                        p.multi()
                        p.decrby(src, amount)
                        p.incrby(dst, amount)
                        p.execute()
                        done[0] += 1
                    except redis.WatchError:
                        retries[0] += 1
        except Exception as e:
            errors.append(e)

    threads_ = [threading.Thread(target=transfer, args=(i,)) for i in range(20)]
    threads_.append(threading.Thread(target=audit_sum, args=(srv.client(), accounts, total, stop, torn)))
    run_all(threads_)
    assert not errors
    assert not torn, f"a reader saw half a transfer: {torn[:5]}"
    values = [int(v) for v in srv.client().mget(accounts)]
    assert sum(values) == total
    assert min(values) >= 0
    assert done[0] > 100
    print(f"threads={threads}: {done[0]} transfers, {retries[0]} retries")


@pytest.mark.parametrize("threads", THREADS)
def test_watch_sees_writes_of_other_clients_and_expiry(start_server, threads):
    srv = start_server("--threads", str(threads))
    a, b = keys_on_distinct_partitions("w:", 2)
    r, other = srv.client(), srv.client()
    p = r.pipeline()
    p.watch(a, b)
    other.set(b, "changed")
    p.multi()
    p.set(a, "mine")
    with pytest.raises(redis.WatchError):
        p.execute()
    assert r.get(a) is None
    # a key that expires between WATCH and EXEC counts as changed
    r.set(a, "v", px=100)
    p = r.pipeline()
    p.watch(a)
    time.sleep(0.2)
    p.multi()
    p.set(b, "after-expiry")
    with pytest.raises(redis.WatchError):
        p.execute()
    # untouched watched keys let EXEC run
    p = r.pipeline()
    p.watch(a, b)
    p.multi()
    p.set(a, "ok")
    assert p.execute() == [True]


@pytest.mark.parametrize("threads", THREADS)
def test_blocked_client_is_woken_after_exec(start_server, threads):
    srv = start_server("--threads", str(threads))
    q, other = keys_on_distinct_partitions("q:", 2)
    r = srv.client()
    t, result = in_thread(lambda: srv.client().blpop([q], 5))
    wait_blocked(r, 1)
    p = r.pipeline()  # MULTI ... EXEC
    p.rpush(q, "a")
    p.set(other, "x")
    p.rpush(q, "b")
    p.lpop(q)
    assert p.execute() == [1, True, 2, "a".encode()]
    t.join()
    assert result.get("value") == (q.encode(), b"b"), result
    assert r.llen(q) == 0


@pytest.mark.parametrize("threads", THREADS)
def test_exec_of_a_client_that_left_runs_once(start_server, threads):
    srv = start_server("--threads", str(threads))
    keys = keys_on_distinct_partitions("gone:", 3)
    for i in range(50):
        s = socket.create_connection(("127.0.0.1", srv.port))
        cmds = ["MULTI"] + [f"INCR {k}" for k in keys] + ["EXEC"]
        s.sendall(("\r\n".join(cmds) + "\r\n").encode())
        s.close()
    r = srv.client()
    deadline = time.time() + 5
    while time.time() < deadline and [int(v or 0) for v in r.mget(keys)] != [50] * 3:
        time.sleep(0.05)
    assert [int(v) for v in r.mget(keys)] == [50, 50, 50]


@pytest.mark.parametrize("threads", THREADS)
def test_queued_commands_do_not_run_before_exec(start_server, threads):
    srv = start_server("--threads", str(threads))
    a, b = keys_on_distinct_partitions("pend:", 2)
    other = srv.client()
    s = socket.create_connection(("127.0.0.1", srv.port))
    s.sendall(f"MULTI\r\nSET {a} 1\r\nSET {b} 2\r\n".encode())
    time.sleep(0.2)
    assert other.mget([a, b]) == [None, None]
    s.sendall(b"DISCARD\r\n")
    time.sleep(0.1)
    s.close()
    assert other.mget([a, b]) == [None, None]


@pytest.mark.parametrize("threads", THREADS)
def test_replies_keep_their_order_around_exec(start_server, threads):
    """MULTI's and QUEUED's replies wait while EXEC runs on other partitions;
    EXEC's reply must still come after them (it once overtook them)."""
    srv = start_server("--threads", str(threads))
    accounts = [f"acct:{i}" for i in range(10)]
    srv.client().mset({a: 1000 for a in accounts})
    bad = []

    def work(seed):
        import random
        rnd = random.Random(seed)
        s = socket.create_connection(("127.0.0.1", srv.port))
        f = s.makefile("rb")
        for _ in range(200):
            a, b = rnd.sample(accounts, 2)
            s.sendall(f"GET {a}\r\n".encode())
            f.readline(), f.readline()
            s.sendall(f"MULTI\r\nDECRBY {a} 1\r\nINCRBY {b} 1\r\nEXEC\r\n".encode())
            lines = [f.readline() for _ in range(6)]
            if lines[:3] != [b"+OK\r\n", b"+QUEUED\r\n", b"+QUEUED\r\n"] or lines[3] != b"*2\r\n":
                bad.append(lines)
        s.close()

    run_all([threading.Thread(target=work, args=(i,)) for i in range(10)])
    assert not bad, bad[:3]
    assert sum(int(v) for v in srv.client().mget(accounts)) == 10000


@pytest.mark.parametrize("threads", THREADS)
def test_client_list_inside_exec_shows_the_client_in_multi(start_server, threads):
    """As Redis: while EXEC runs, its client is still in MULTI (flag x and
    the queued count), also in CLIENT LIST, whose answer comes from every
    loop."""
    srv = start_server("--threads", str(threads))
    a, b = keys_on_distinct_partitions("cl:", 2)
    p = srv.client().pipeline(transaction=True)
    p.set(a, 1).client_list().set(b, 2)
    _, clients, _ = p.execute()
    assert len(clients) == 1, clients
    assert clients[0]["flags"] == "x" and clients[0]["multi"] == "3", clients
    assert clients[0]["cmd"] == "exec", clients
