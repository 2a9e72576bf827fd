"""Seeded random command sequences (random_commands.py), each compared reply
by reply with redis-server at --threads 1 and 4, and at the end how much
each server's dirty counter grew. A failure prints the commands that led to
the first mismatch; the same seed replays it."""

import pytest

from random_commands import START_CONFIG, SequenceRun

# (seed, protocol version): RESP3 for a quarter of them.
RUNS = [(seed, 3 if seed % 4 == 0 else 2) for seed in range(1, 9)]
COMMANDS_PER_SEED = 4000


@pytest.mark.parametrize("seed,resp", RUNS, ids=["seed%d-resp%d" % run for run in RUNS])
def test_random_sequence(servers, seed, resp):
    for server in (servers.reference, servers.candidate):
        server.ensure_running()
    redis, actis = servers.reference.connect(), servers.candidate.connect()
    saved = [(name, redis.call("CONFIG", "GET", name).children[1].value)
             for name, _ in START_CONFIG]
    try:
        run = SequenceRun(redis, actis, seed, resp)
        run.start()
        for i in range(COMMANDS_PER_SEED):
            problem = run.step(i)
            if problem is not None:
                pytest.fail("seed %d: mismatch after\n  %s" % (seed, problem), pytrace=False)
        sides = [servers.reference.connect(), servers.candidate.connect()]
        problem = run.changes_problem(*sides)
        for conn in sides:
            conn.close()
        if problem is not None:
            pytest.fail("seed %d: %s" % (seed, problem), pytrace=False)
    finally:
        for conn in (redis, actis):
            conn.close()
        # Fresh connections: the run may end inside MULTI or in database 1.
        for server in (servers.reference, servers.candidate):
            conn = server.connect()
            conn.call("FLUSHALL")
            conn.call("FUNCTION", "FLUSH")
            for name, value in saved:
                conn.call("CONFIG", "SET", name, value)
            conn.close()
