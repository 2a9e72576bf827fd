"""Streams end to end with redis-py, at --threads 1 and 4: XREAD BLOCK served
by an XADD of another client (also across partitions, `$` resolved when the
reader parked), XREADGROUP BLOCK delivering each entry to exactly one
consumer, a timed-out reader leaving no pending entry, and the seeds'
event-log scenario: a producer, three consumers of one group, one killed
mid-way whose pending entries are taken over with XAUTOCLAIM; every event is
processed at least once, acknowledged exactly once, and XPENDING ends
empty."""
import threading
import time

import pytest

from test_blocking import in_thread, keys_on_distinct_partitions, wait_blocked

THREADS = [1, 4]


@pytest.mark.parametrize("threads", THREADS)
def test_xread_block_is_served_by_xadd_across_partitions(start_server, threads):
    srv = start_server("--threads", str(threads))
    r = srv.client()
    a, b = keys_on_distinct_partitions("st", 2)
    r.xadd(a, {"old": "1"}, id="1-0")
    t, res = in_thread(srv.client().xread, {a: "$", b: "$"}, None, 5000)
    wait_blocked(r, 1)
    # An entry added before the reader's `$` would not count; this one does.
    r.xadd(b, {"new": "2"}, id="5-0")
    t.join(5)
    assert res.get("value") == [[b.encode(), [(b"5-0", {b"new": b"2"})]]]
    assert r.info("clients")["blocked_clients"] == 0


@pytest.mark.parametrize("threads", THREADS)
def test_xread_block_dollar_is_the_last_id_when_parked(start_server, threads):
    srv = start_server("--threads", str(threads))
    r = srv.client()
    r.xadd("s", {"a": "1"}, id="1-0")
    t, res = in_thread(srv.client().xread, {"s": "$"}, None, 5000)
    wait_blocked(r, 1)
    r.xadd("s", {"a": "2"}, id="2-0")
    t.join(5)
    assert res.get("value") == [[b"s", [(b"2-0", {b"a": b"2"})]]]


@pytest.mark.parametrize("threads", THREADS)
def test_blocked_group_readers_each_get_their_own_entries(start_server, threads):
    srv = start_server("--threads", str(threads))
    r = srv.client()
    r.xgroup_create("s", "g", id="$", mkstream=True)
    readers = [in_thread(srv.client().xreadgroup, "g", f"c{i}", {"s": ">"}, 1, 5000)
               for i in range(2)]
    wait_blocked(r, 2)
    r.xadd("s", {"n": "1"}, id="1-0")
    r.xadd("s", {"n": "2"}, id="2-0")
    got = []
    for t, res in readers:
        t.join(5)
        value = res.get("value")
        assert value, res
        got += [entry_id for _, entries in value for entry_id, _ in entries]
    assert sorted(got) == [b"1-0", b"2-0"]
    assert r.xpending("s", "g")["pending"] == 2


@pytest.mark.parametrize("threads", THREADS)
def test_a_timed_out_group_reader_leaves_no_pending_entry(start_server, threads):
    srv = start_server("--threads", str(threads))
    r = srv.client()
    r.xgroup_create("s", "g", id="$", mkstream=True)
    assert srv.client().xreadgroup("g", "c", {"s": ">"}, block=50) == []
    r.xadd("s", {"n": "1"}, id="1-0")
    assert r.xpending("s", "g")["pending"] == 0
    assert r.xreadgroup("g", "c", {"s": ">"}) == [[b"s", [(b"1-0", {b"n": b"1"})]]]


@pytest.mark.parametrize("threads", THREADS)
def test_event_log_with_a_killed_consumer(start_server, threads):
    srv = start_server("--threads", str(threads))
    r = srv.client()
    stream, group, total = "events", "workers", 300
    r.xgroup_create(stream, group, id="0", mkstream=True)
    processed = {}   # event id -> times processed
    acked = {}       # event id -> times acknowledged
    lock = threading.Lock()
    stop = threading.Event()

    def record(table, key):
        with lock:
            table[key] = table.get(key, 0) + 1

    def consumer(name, die_after=None):
        c = srv.client()
        handled = 0
        while not stop.is_set():
            reply = c.xreadgroup(group, name, {stream: ">"}, count=5, block=100)
            for _, entries in reply or []:
                for entry_id, _ in entries:
                    record(processed, entry_id)
                    if die_after is not None and handled >= die_after:
                        # Killed with entries delivered but not acknowledged.
                        c.close()
                        return
                    if c.xack(stream, group, entry_id) == 1:
                        record(acked, entry_id)
                    handled += 1

    def producer():
        p = srv.client()
        for i in range(total):
            p.xadd(stream, {"n": str(i)})
            if i % 50 == 0:
                time.sleep(0.01)

    threads_ = [threading.Thread(target=consumer, args=("alice",)),
                threading.Thread(target=consumer, args=("bob",)),
                threading.Thread(target=consumer, args=("carol", 20))]
    for t in threads_:
        t.start()
    producer()
    # Until every event was delivered and only the killed consumer's remain
    # pending.
    deadline = time.time() + 20
    while time.time() < deadline:
        info = r.xinfo_groups(stream)[0]
        stuck = r.xpending_range(stream, group, "-", "+", total, consumername="carol")
        if info["lag"] == 0 and info["pending"] == len(stuck):
            break
        time.sleep(0.05)
    stop.set()
    for t in threads_:
        t.join(10)

    # Take over what the killed consumer left pending.
    cursor = "0-0"
    while True:
        cursor, claimed, deleted = r.xautoclaim(stream, group, "rescuer", 0, cursor, count=50)
        assert deleted == []
        for entry_id, _ in claimed:
            record(processed, entry_id)
            if r.xack(stream, group, entry_id) == 1:
                record(acked, entry_id)
        if cursor in (b"0-0", "0-0"):
            break

    ids = [entry_id for entry_id, _ in r.xrange(stream)]
    assert len(ids) == total
    assert all(processed.get(i, 0) >= 1 for i in ids)
    assert all(acked.get(i) == 1 for i in ids)
    assert r.xpending(stream, group)["pending"] == 0
    info = {g["name"]: g for g in r.xinfo_groups(stream)}[group.encode()]
    assert info["lag"] == 0 and info["entries-read"] == total
