"""Lua scripts end to end with redis-py at --threads 1 and 4: a rate limiter
hit by 50 clients never admits more than its limit per window, and scripts
moving amounts between undeclared keys on different partitions stay atomic
while plain writes race them (a reader never sees half a transfer)."""
import threading
import time

import pytest

from workload import audit_sum, run_all
from test_blocking import keys_on_distinct_partitions

THREADS = [1, 4]

RATE_LIMITER = """
local n = redis.call('incr', KEYS[1])
if n == 1 then redis.call('pexpire', KEYS[1], ARGV[2]) end
if n > tonumber(ARGV[1]) then return 0 end
return 1
"""

# Builds its key names inside the script, as queue libraries do: nothing is
# declared, and the two accounts live on different partitions.
UNDECLARED_TRANSFER = """
local src, dst = 'acct:' .. ARGV[1], 'acct:' .. ARGV[2]
local amount = tonumber(ARGV[3])
if tonumber(redis.call('get', src)) < amount then return 0 end
redis.call('decrby', src, amount)
redis.call('incrby', dst, amount)
return 1
"""


@pytest.mark.parametrize("threads", THREADS)
def test_rate_limiter_never_admits_more_than_its_limit(start_server, threads):
    srv = start_server("--threads", str(threads))
    limit, window_ms = 20, 200
    sha = srv.client().script_load(RATE_LIMITER)
    admitted = {}
    lock = threading.Lock()
    stop = time.time() + 3
    errors = []

    def client():
        r = srv.client()
        try:
            while time.time() < stop:
                window = int(time.time() * 1000) // window_ms
                key = f"rl:{window}"
                if r.evalsha(sha, 1, key, limit, window_ms * 5) == 1:
                    with lock:
                        admitted[key] = admitted.get(key, 0) + 1
        except Exception as e:
            errors.append(e)

    workers = [threading.Thread(target=client) for _ in range(50)]
    run_all(workers)
    assert not errors
    assert admitted, "nothing was admitted"
    assert max(admitted.values()) <= limit, admitted


@pytest.mark.parametrize("threads", THREADS)
def test_undeclared_keys_on_two_partitions_stay_atomic(start_server, threads):
    srv = start_server("--threads", str(threads))
    names = [k.split(":", 1)[1] for k in keys_on_distinct_partitions("acct:", 2)]
    accounts = [f"acct:{n}" for n in names]
    srv.client().mset({a: 1000 for a in accounts})
    total = 1000 * len(accounts)
    sha = srv.client().script_load(UNDECLARED_TRANSFER)
    stop = time.time() + 3
    errors, torn, moved = [], [], [0]

    def transfer(seed):
        import random
        rnd = random.Random(seed)
        r = srv.client()
        try:
            while time.time() < stop:
                src, dst = rnd.sample(names, 2)
                moved[0] += r.evalsha(sha, 0, src, dst, rnd.randint(1, 30))
        except Exception as e:
            errors.append(e)

    def plain_writer():
        r = srv.client()
        try:
            i = 0
            while time.time() < stop:
                r.set(f"noise:{i % 64}", i)
                i += 1
        except Exception as e:
            errors.append(e)

    workers = [threading.Thread(target=transfer, args=(i,)) for i in range(10)]
    workers += [threading.Thread(target=plain_writer) for _ in range(4)]
    workers.append(threading.Thread(target=audit_sum, args=(srv.client(), accounts, total, stop, torn)))
    run_all(workers)
    assert not errors
    assert not torn, f"a reader saw half a transfer: {torn[:5]}"
    assert sum(int(v) for v in srv.client().mget(accounts)) == total
    assert moved[0] > 50


def test_busy_script_other_loops_answer_busy_and_script_kill_stops_it(start_server):
    """At --threads 4, clients on the other loops get BUSY while a script runs
    past busy-reply-threshold, and SCRIPT KILL from one of them ends it with
    Redis's error; a script that wrote cannot be killed."""
    import socket
    srv = start_server("--threads", "4", "--busy-reply-threshold", "100")
    result = {}

    def run(script):
        try:
            result["reply"] = srv.client().eval(script, 0)
        except Exception as e:
            result["reply"] = e

    def other_loop_client():
        """A raw connection that answers (it is not on the busy loop)."""
        for _ in range(32):
            s = socket.create_connection(("127.0.0.1", srv.port), timeout=0.5)
            try:
                s.sendall(b"GET k\r\n")
                reply = s.recv(1024)
                assert reply.startswith(b"-BUSY Redis is busy running a script."), reply
                s.settimeout(5)
                return s
            except socket.timeout:
                s.close()
        raise AssertionError("no connection landed on another loop")

    t = threading.Thread(target=run, args=("while true do end",))
    t.start()
    time.sleep(0.3)
    s = other_loop_client()
    s.sendall(b"SCRIPT KILL\r\n")
    assert s.recv(1024) == b"+OK\r\n"
    t.join(5)
    assert "Script killed by user with SCRIPT KILL" in str(result["reply"])
    s.sendall(b"PING\r\n")
    assert s.recv(1024) == b"+PONG\r\n"

    t = threading.Thread(target=run, args=("redis.call('set','w','1') while true do end",))
    t.start()
    time.sleep(0.3)
    s = other_loop_client()
    s.sendall(b"SCRIPT KILL\r\n")
    assert s.recv(1024).startswith(b"-UNKILLABLE")
    # Only SHUTDOWN NOSAVE ends it.
    s.sendall(b"SHUTDOWN NOSAVE\r\n")
    srv.proc.wait(10)
    t.join(5)
