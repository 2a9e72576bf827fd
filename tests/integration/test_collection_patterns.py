"""The seeds' collection patterns end to end with redis-py, at --threads 1 and
4, with several clients at once: a leaderboard, delayed jobs, a priority
queue, tags over keys on different partitions, and a hash object store."""
import collections
import random
import threading
import time

import pytest

from test_blocking import keys_on_distinct_partitions

THREADS = [1, 4]


def run_all(*workers):
    """Runs each callable in its own thread; re-raises the first failure."""
    errors = []

    def guard(fn):
        try:
            fn()
        except Exception as e:  # reported below
            errors.append(e)

    threads = [threading.Thread(target=guard, args=(w,)) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not any(t.is_alive() for t in threads), "a worker hung"
    if errors:
        raise errors[0]


@pytest.mark.parametrize("threads", THREADS)
def test_leaderboard(start_server, threads):
    srv = start_server("--threads", str(threads))
    r = srv.client()
    players = [f"player:{i}" for i in range(20)]
    r.zadd("board", {p: 0 for p in players})
    plans = []
    for seed in range(4):
        rng = random.Random(seed)
        # Halves are exact in binary: the sums do not depend on the order.
        plans.append([(rng.choice(players), rng.randint(-4, 20) / 2) for _ in range(250)])
    stop = threading.Event()

    def player(plan):
        c = srv.client()
        for member, amount in plan:
            c.zincrby("board", amount, member)

    def reader():
        c = srv.client()
        while not stop.is_set():
            # One command, one moment: the whole board in order.
            board = c.zrevrange("board", 0, -1, withscores=True)
            assert len(board) == len(players)
            assert [s for _, s in board] == sorted((s for _, s in board), reverse=True)
            assert 0 <= c.zrank("board", "player:0") < len(players)
            assert 0 <= c.zrevrank("board", "player:0") < len(players)

    def players_then_stop():
        run_all(*[lambda plan=plan: player(plan) for plan in plans])
        stop.set()

    run_all(players_then_stop, reader)

    expected = collections.Counter({p: 0.0 for p in players})
    for plan in plans:
        for member, amount in plan:
            expected[member] += amount
    # Redis orders equal scores by member, descending in the reverse range.
    descending = sorted(expected.items(), key=lambda kv: (kv[1], kv[0]), reverse=True)
    got = r.zrevrange("board", 0, -1, withscores=True)
    assert [(m.decode(), s) for m, s in got] == descending
    for i, (member, _) in enumerate(descending):
        assert r.zrevrank("board", member) == i
        assert r.zrank("board", member) == len(players) - 1 - i


@pytest.mark.parametrize("threads", THREADS)
def test_delayed_jobs_are_processed_once_when_due(start_server, threads):
    srv = start_server("--threads", str(threads))
    jobs = [f"job:{i}" for i in range(150)]
    processed = collections.defaultdict(list)
    lock = threading.Lock()
    produced = threading.Event()

    def producer():
        c = srv.client()
        rng = random.Random(7)
        for job in jobs:
            c.zadd("delayed", {job: time.time() + rng.uniform(0, 0.3)})
        produced.set()

    def poller(name):
        c = srv.client()
        while True:
            now = time.time()
            due = c.zrangebyscore("delayed", 0, now, start=0, num=5, withscores=True)
            for job, when in due:
                # Only the poller whose ZREM removed the job runs it.
                if c.zrem("delayed", job) == 1:
                    assert time.time() >= when
                    with lock:
                        processed[job.decode()].append(name)
            if not due:
                if produced.is_set() and c.zcard("delayed") == 0:
                    return
                time.sleep(0.005)

    run_all(producer, *[lambda n=n: poller(n) for n in range(3)])
    assert sorted(processed) == sorted(jobs)
    assert all(len(by) == 1 for by in processed.values()), processed


@pytest.mark.parametrize("threads", THREADS)
def test_priority_queue_with_zpopmax(start_server, threads):
    srv = start_server("--threads", str(threads))
    r = srv.client()
    per_producer = 100
    # Producer p owns priorities p, p+4, p+8 ...: all distinct.
    items = {f"item:{p}:{i}": p + 4 * i for p in range(4) for i in range(per_producer)}

    def producer(p):
        c = srv.client()
        for i in range(per_producer):
            c.zadd("pq", {f"item:{p}:{i}": p + 4 * i})

    run_all(*[lambda p=p: producer(p) for p in range(4)])
    assert r.zcard("pq") == len(items)

    popped = {}

    def consumer(name):
        c = srv.client()
        mine = []
        while True:
            got = c.zpopmax("pq", 3)
            if not got:
                break
            mine += got
        popped[name] = mine

    run_all(*[lambda n=n: consumer(n) for n in range(3)])
    everything = []
    for mine in popped.values():
        scores = [s for _, s in mine]
        # Each consumer sees the highest remaining priorities: descending.
        assert scores == sorted(scores, reverse=True)
        assert len(set(scores)) == len(scores)
        everything += [(m.decode(), s) for m, s in mine]
    assert sorted(everything) == sorted(items.items())

    # Producers and consumers at once: still every item exactly once.
    more = {f"late:{i}": float(i % 17) for i in range(300)}
    done = threading.Event()
    late = collections.Counter()
    lock = threading.Lock()

    def late_producer():
        c = srv.client()
        for member, score in more.items():
            c.zadd("pq", {member: score})
        done.set()

    def late_consumer():
        c = srv.client()
        while True:
            got = c.zpopmax("pq")
            if not got:
                if done.is_set() and c.zcard("pq") == 0:
                    return
                time.sleep(0.001)
                continue
            with lock:
                late.update(m.decode() for m, _ in got)

    run_all(late_producer, late_consumer, late_consumer)
    assert late == collections.Counter(more.keys())


@pytest.mark.parametrize("threads", THREADS)
def test_tags_across_partitions(start_server, threads):
    srv = start_server("--threads", str(threads))
    r = srv.client()
    tags = keys_on_distinct_partitions("tag:", 4)
    rng = random.Random(3)
    expected = {t: set() for t in tags}
    plans = [[] for _ in range(4)]
    for i in range(400):
        item = f"doc:{i % 120}" if i % 3 else str(i % 50)  # integers and strings
        tag = rng.choice(tags)
        expected[tag].add(item)
        plans[i % 4].append((tag, item))

    def tagger(plan):
        c = srv.client()
        for tag, item in plan:
            c.sadd(tag, item)

    run_all(*[lambda plan=plan: tagger(plan) for plan in plans])

    def members(reply):
        return {m.decode() for m in reply}

    a, b, c, d = tags
    assert members(r.sinter([a, b])) == expected[a] & expected[b]
    assert members(r.sinter(tags)) == set.intersection(*expected.values())
    assert members(r.sunion(tags)) == set.union(*expected.values())
    assert members(r.sdiff([a, b, c])) == expected[a] - expected[b] - expected[c]
    dest = keys_on_distinct_partitions("dest:", 1)[0]
    assert r.sinterstore(dest, [c, d]) == len(expected[c] & expected[d])
    assert members(r.smembers(dest)) == expected[c] & expected[d]
    assert r.sunionstore(dest, [a, d]) == len(expected[a] | expected[d])
    assert members(r.smembers(dest)) == expected[a] | expected[d]
    # Sets as sorted-set inputs: each membership scores 1, so the union's
    # SUM is the number of tags an item has.
    counts = collections.Counter(m for t in tags for m in expected[t])
    got = r.zunion(tags, withscores=True)
    assert {m.decode(): s for m, s in got} == counts
    assert r.zintercard(2, [a, b]) == len(expected[a] & expected[b])

    # While taggers keep writing, each SINTERSTORE / SUNIONSTORE result is a
    # snapshot: never more than the final sets allow.
    extra = [(rng.choice(tags), f"late:{i}") for i in range(200)]
    for tag, item in extra:
        expected[tag].add(item)
    stop = threading.Event()

    def combiner():
        cl = srv.client()
        while not stop.is_set():
            cl.sunionstore(dest, tags)
            assert members(cl.smembers(dest)) <= set.union(*expected.values())
            cl.sinterstore(dest, [a, b])
            assert members(cl.smembers(dest)) <= expected[a] & expected[b]

    def late_taggers():
        run_all(*[lambda part=part: tagger(part) for part in (extra[:100], extra[100:])])
        stop.set()

    run_all(late_taggers, combiner)
    assert members(r.sunion(tags)) == set.union(*expected.values())


@pytest.mark.parametrize("threads", THREADS)
def test_hash_object_store_counters_are_exact(start_server, threads):
    srv = start_server("--threads", str(threads))
    r = srv.client()
    objects = [f"obj:{i}" for i in range(10)]
    for key in objects:
        r.hset(key, mapping={"name": key, "views": 0, "likes": 0})

    def worker(w):
        c = srv.client()
        rng = random.Random(w)
        for i in range(250):
            key = rng.choice(objects)
            if i % 5 == 0:
                # A field of its own per worker: no lost writes to compare.
                c.hset(key, f"seen_by:{w}", i)
            elif i % 5 == 1:
                c.hincrby(key, "likes", 2)
            else:
                c.hincrby(key, "views", 1)
            if i % 50 == 0:
                assert c.hget(key, "name") == key.encode()

    run_all(*[lambda w=w: worker(w) for w in range(4)])

    views = collections.Counter()
    likes = collections.Counter()
    seen = collections.defaultdict(dict)
    for w in range(4):
        rng = random.Random(w)
        for i in range(250):
            key = rng.choice(objects)
            if i % 5 == 0:
                seen[key][f"seen_by:{w}"] = str(i)
            elif i % 5 == 1:
                likes[key] += 2
            else:
                views[key] += 1
    for key in objects:
        want = {"name": key, "views": str(views[key]), "likes": str(likes[key]), **seen[key]}
        got = {f.decode(): v.decode() for f, v in r.hgetall(key).items()}
        assert got == want
        assert r.hlen(key) == len(want)
