"""Seeded random command sequences for differential runs against redis-server.

A sequence mixes every data type's commands, their options and their error
paths over a handful of keys (two of them share a hash tag, the rest spread
over the partitions), with values chosen to hit parsing edges ("inf", " 1",
"0x10", 2^64, embedded NUL), encoding switches (small thresholds, long
values), MULTI/EXEC, WATCH and scripts calling random commands. The same
seed gives the same sequence, so a mismatch found by a long run replays in
the test suite. At the end, both servers' dirty counters
(rdb_changes_since_last_save) must have grown by the same amount.

The one thing compared loosely is what Redis leaves to its hash seed or to
the fill a list was created with (see docs/ARCHITECTURE.md, Lists): replies
marked unordered are compared as multisets, and DUMP of a hashtable, of a
small hash restored from one (it keeps that order) or of a list by its length
or its type only (DEBUG DIGEST-VALUE compares content), and DUMP of a stream
up to its consumers' seen-times, which come from each server's clock.

Run it by hand against two running servers for longer runs:
    /usr/bin/python3 tests/differential/random_commands.py ACTIS_PORT REDIS_PORT SEED COUNT [RESP]
"""

import math
import os
import random
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from diff_resp import ConnectionLost, RespConnection  # noqa: E402
from reply_compare import canonical, within  # noqa: E402

# Settings every run starts from: small list nodes with compression, so
# multi-node and compressed lists occur, and Redis's other defaults.
START_CONFIG = [
    ("hash-max-listpack-entries", "128"), ("hash-max-listpack-value", "64"),
    ("zset-max-listpack-entries", "128"), ("zset-max-listpack-value", "64"),
    ("set-max-intset-entries", "512"),
    ("list-max-listpack-size", "3"), ("list-compress-depth", "1"),
]

# Short keys and two longer ones: actis keeps a key of up to 34 bytes in its
# entry (in one of four entry sizes) and a longer one on the heap.
KEYS = ["k1", "k2", "k3", "{t}a", "{t}b", "l1", "h1", "s1", "z1", "x",
        "key:of-a-middle-length-25", "a-key-longer-than-thirty-four-bytes!!"]
VALUES = ["", "0", "1", "-1", "10", "3.5", "abc", "foo", "bar", "9223372036854775807",
          "-9223372036854775808", "1e3", "inf", "-inf", "+inf", "nan", " 1", "0x10",
          "a" * 70, "18446744073709551616", "1.0", "-0", "00", "01", "-101\x00\x00"]
NUMBERS = ["0", "1", "-1", "2", "5", "-5", "100", "-100", "3.0", "x", "", "9223372036854775807",
           "-9223372036854775808", "1.5", "inf", "-inf", "(1", "(5", "+inf", "nan", "[a", "(a",
           "-", "+"]
# Long enough that nothing expires during a run: expiry is compared, not timing.
TTLS = ["100000", "-1", "0", "x", "9223372036854775807", "1000000", "-9223372036854775808"]
STREAM_IDS = ["1-1", "0-1", "5", "3-2", "18446744073709551615-18446744073709551615", "9-0"]


class CommandGenerator:
    """Commands drawn from one seeded random stream. next() gives (argv,
    unordered): unordered replies are compared as multisets."""

    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.generators = self._strings() + self._keyspace() + self._lists() + \
            self._hashes() + self._sets() + self._zsets() + self._others()
        # One entry for all of them: a timeout costs Redis up to 100 ms
        # (its timeouts are checked by a 10 Hz cron).
        blocking = self._blocking()
        self.generators.append(lambda: self.rng.choice(blocking)())
        self.nestable = list(self.generators)
        self.generators += self._scripts_and_transactions()

    def next(self):
        cmd = self.rng.choice(self.generators)()
        if cmd[0].startswith("!"):
            return [cmd[0][1:]] + cmd[1:], True
        return cmd, False

    # Argument helpers.
    def k(self):
        return self.rng.choice(KEYS)

    def v(self):
        return self.rng.choice(VALUES)

    def n(self):
        return self.rng.choice(NUMBERS)

    def one(self, *choices):
        return self.rng.choice(choices)

    def some(self, f, lo=1, hi=4):
        return [f() for _ in range(self.rng.randint(lo, hi))]

    def pairs(self, first, second, lo=1, hi=3):
        return [x for _ in range(self.rng.randint(lo, hi)) for x in (first(), second())]

    def opts(self, *choices):
        """Each option (a word, or a function giving its words) with
        probability 0.3, in random order."""
        out = []
        for c in choices:
            if self.rng.random() < 0.3:
                out.append(c() if callable(c) else [c])
        self.rng.shuffle(out)
        return [word for option in out for word in option]

    def _strings(self):
        k, v, n, one = self.k, self.v, self.n, self.one
        return [
            lambda: ["SET", k(), v()] + self.opts("NX", "XX", "GET", "KEEPTTL",
                                                  lambda: ["EX", one(*TTLS)], lambda: ["PX", one(*TTLS)]),
            lambda: ["GET", k()], lambda: ["INCR", k()], lambda: ["INCRBY", k(), n()],
            lambda: ["INCRBYFLOAT", k(), n()], lambda: ["DECRBY", k(), n()],
            lambda: ["INCRBYFLOAT", k(), one("1e308", "-1e308", "0.1", "1e-5", "5e-324", "3\x00")],
            lambda: ["APPEND", k(), v()], lambda: ["APPEND", k(), "a" * one(1, 30, 50, 100)],
            lambda: ["GETRANGE", k(), n(), n()], lambda: ["SUBSTR", k(), n(), n()],
            lambda: ["SETRANGE", k(), one("0", "3", "-1", "10", "536870911", "536870912"), v()],
            lambda: ["STRLEN", k()], lambda: ["GETDEL", k()],
            lambda: ["GETEX", k()] + self.opts("PERSIST", lambda: ["EX", one(*TTLS)]),
            lambda: ["MSETNX"] + self.pairs(k, v, 2, 2), lambda: ["MSET"] + self.pairs(k, v, 2, 2),
            lambda: ["MGET"] + self.some(k), lambda: ["GETSET", k(), v()],
            lambda: ["SETEX", k(), one(*TTLS), v()], lambda: ["PSETEX", k(), one(*TTLS), v()],
            lambda: ["LCS", k(), k()] + self.opts("LEN", "IDX", "WITHMATCHLEN", lambda: ["MINMATCHLEN", n()]),
            lambda: ["BITCOUNT", k()] + self.opts(lambda: [n(), n()]),
            lambda: ["SETBIT", k(), one("0", "7", "100", "-1"), one("0", "1", "2")],
            lambda: ["GETBIT", k(), n()], lambda: ["BITPOS", k(), one("0", "1")] + self.opts(lambda: [n(), n()]),
            lambda: ["BITOP", one("AND", "OR", "XOR", "NOT"), k()] + self.some(k),
            lambda: ["BITFIELD", k()] + self.opts(
                lambda: ["GET", one("u8", "i5", "u63", "i64", "u64", "x"), one("0", "#1", "7", "-1")],
                lambda: ["SET", one("u8", "i5", "u4"), one("0", "#2", "3"), n()],
                lambda: ["OVERFLOW", one("WRAP", "SAT", "FAIL", "X")],
                lambda: ["INCRBY", one("u8", "i5", "u2"), one("0", "#0"), n()]),
            lambda: ["BITFIELD_RO", k(), "GET", one("u8", "i8", "i64"), one("0", "9")],
            lambda: ["PFADD", k()] + self.some(v), lambda: ["PFCOUNT"] + self.some(k),
            lambda: ["PFMERGE", k()] + self.some(k),
        ]

    def _keyspace(self):
        k, one = self.k, self.one
        return [
            lambda: ["DEL"] + self.some(k), lambda: ["UNLINK"] + self.some(k),
            lambda: ["EXISTS"] + self.some(k), lambda: ["TOUCH"] + self.some(k),
            lambda: ["TYPE", k()], lambda: ["OBJECT", "ENCODING", k()], lambda: ["DUMP", k()],
            lambda: ["DEBUG", "DIGEST-VALUE", k()],
            lambda: ["EXPIRE", k(), one(*TTLS)] + self.opts("NX", "XX", "GT", "LT"),
            lambda: ["EXPIREAT", k(), one("1", "0", "99999999999", "-5", "x")] + self.opts("NX", "XX", "GT", "LT"),
            lambda: ["PEXPIREAT", k(), one("1", "99999999999999")],
            lambda: ["TTL", k()], lambda: ["EXPIRETIME", k()], lambda: ["PERSIST", k()],
            lambda: ["RENAME", k(), k()], lambda: ["RENAMENX", k(), k()],
            lambda: ["COPY", k(), k()] + self.opts("REPLACE", lambda: ["DB", one("0", "1", "x", "-1")]),
            lambda: ["MOVE", k(), one("0", "1", "16")], lambda: ["SELECT", one("0", "1")],
            lambda: ["SWAPDB", one("0", "1"), one("0", "1", "x", "16")],
            lambda: ["!KEYS", one("*", "k*", "{t}*", "?1", "[kh]1", "*\\*")], lambda: ["DBSIZE"],
            lambda: ["CONFIG", "SET", one("hash-max-listpack-entries", "zset-max-listpack-entries",
                                          "set-max-intset-entries", "hash-max-listpack-value",
                                          "zset-max-listpack-value"), one("0", "1", "2", "3", "128", "64")],
        ]

    def _lists(self):
        k, v, n, one = self.k, self.v, self.n, self.one
        side = lambda: one("LEFT", "RIGHT")  # noqa: E731
        return [
            lambda: ["LPUSH", k()] + self.some(v), lambda: ["RPUSH", k()] + self.some(v),
            lambda: ["RPUSH", k()] + self.some(v, 5, 60), lambda: ["LPUSHX", k()] + self.some(v),
            lambda: ["LPOP", k()] + self.opts(lambda: [n()]), lambda: ["RPOP", k()] + self.opts(lambda: [n()]),
            lambda: ["LRANGE", k(), n(), n()], lambda: ["LINDEX", k(), n()], lambda: ["LSET", k(), n(), v()],
            lambda: ["LREM", k(), n(), v()], lambda: ["LTRIM", k(), n(), n()], lambda: ["LLEN", k()],
            lambda: ["LINSERT", k(), one("BEFORE", "AFTER", "X"), v(), v()],
            lambda: ["LPOS", k(), v()] + self.opts(lambda: ["RANK", n()], lambda: ["COUNT", n()],
                                                  lambda: ["MAXLEN", n()]),
            lambda: ["LMOVE", k(), k(), side(), one("LEFT", "RIGHT", "UP")],
            lambda: ["LMPOP", one("1", "2", "0"), k(), k(), side()] + self.opts(lambda: ["COUNT", n()]),
        ]

    def _hashes(self):
        k, v, n, one = self.k, self.v, self.n, self.one
        field = lambda: str(self.rng.randint(0, 60))  # noqa: E731
        return [
            lambda: ["HSET", k()] + self.pairs(v, v), lambda: ["HSET", k()] + self.pairs(field, v, 5, 40),
            lambda: ["HSETNX", k(), v(), v()], lambda: ["HGET", k(), v()], lambda: ["HDEL", k()] + self.some(v),
            lambda: ["HINCRBY", k(), v(), n()], lambda: ["HINCRBYFLOAT", k(), v(), n()],
            lambda: ["HINCRBYFLOAT", k(), one("f", "g"), one("1e308", "-1e308", "0.1", "x", "5e-324")],
            lambda: ["HLEN", k()], lambda: ["HMGET", k()] + self.some(v), lambda: ["HSTRLEN", k(), v()],
            lambda: ["HEXISTS", k(), v()], lambda: ["!HGETALL", k()], lambda: ["!HKEYS", k()],
            lambda: ["HRANDFIELD", k(), one("0", "-0")],
        ]

    def _sets(self):
        k, v, one = self.k, self.v, self.one
        member = lambda: str(self.rng.randint(-50, 600))  # noqa: E731
        return [
            lambda: ["SADD", k()] + self.some(v), lambda: ["SADD", k()] + self.some(member, 5, 60),
            lambda: ["SREM", k()] + self.some(v), lambda: ["SCARD", k()], lambda: ["SISMEMBER", k(), v()],
            lambda: ["SMISMEMBER", k()] + self.some(v), lambda: ["!SMEMBERS", k()],
            lambda: ["!SINTER"] + self.some(k), lambda: ["!SUNION"] + self.some(k),
            lambda: ["!SDIFF"] + self.some(k), lambda: ["SINTERSTORE", k()] + self.some(k),
            lambda: ["SUNIONSTORE", k()] + self.some(k), lambda: ["SDIFFSTORE", k()] + self.some(k),
            lambda: ["SMOVE", k(), k(), v()], lambda: ["SRANDMEMBER", k(), "0"],
            lambda: ["SINTERCARD", one("1", "2", "3", "0"), k(), k()] + self.opts(lambda: ["LIMIT", self.n()]),
        ]

    def _zsets(self):
        k, v, n, one = self.k, self.v, self.n, self.one
        limit = lambda: ["LIMIT", n(), n()]  # noqa: E731
        two = lambda: one("1", "2")  # noqa: E731
        score = lambda: str(self.rng.randint(0, 30))  # noqa: E731
        member = lambda: "m" + str(self.rng.randint(0, 200))  # noqa: E731
        return [
            lambda: ["ZADD", k()] + self.opts("NX", "XX", "GT", "LT", "CH", "INCR") + self.pairs(n, v),
            lambda: ["ZADD", k()] + self.pairs(score, member, 5, 60),
            lambda: ["ZADD", k(), "INCR", one("1e308", "inf", "-inf", "1", "nan"), v()],
            lambda: ["ZINCRBY", k(), n(), v()], lambda: ["ZREM", k()] + self.some(v), lambda: ["ZCARD", k()],
            lambda: ["ZSCORE", k(), v()], lambda: ["ZMSCORE", k()] + self.some(v), lambda: ["ZRANK", k(), v()],
            lambda: ["ZREVRANK", k(), v()], lambda: ["ZCOUNT", k(), n(), n()],
            lambda: ["ZLEXCOUNT", k(), n(), n()],
            lambda: ["ZRANGE", k(), n(), n()] + self.opts("BYSCORE", "BYLEX", "REV", "WITHSCORES", limit),
            lambda: ["ZRANGEBYSCORE", k(), n(), n()] + self.opts("WITHSCORES", limit),
            lambda: ["ZRANGEBYLEX", k(), n(), n()] + self.opts(limit),
            lambda: ["ZREVRANGEBYLEX", k(), n(), n()] + self.opts(limit),
            lambda: ["ZREVRANGE", k(), n(), n()] + self.opts("WITHSCORES"),
            lambda: ["ZRANGESTORE", k(), k(), n(), n()] + self.opts("BYSCORE", "REV"),
            lambda: ["ZPOPMIN", k()] + self.opts(lambda: [n()]), lambda: ["ZPOPMAX", k()] + self.opts(lambda: [n()]),
            lambda: ["ZREMRANGEBYSCORE", k(), n(), n()], lambda: ["ZREMRANGEBYRANK", k(), n(), n()],
            lambda: ["ZREMRANGEBYLEX", k(), n(), n()],
            lambda: ["ZUNIONSTORE", k(), one("1", "2", "3"), k(), k()] + self.opts(
                lambda: ["WEIGHTS", n(), n()], lambda: ["AGGREGATE", one("SUM", "MIN", "MAX", "X")]),
            lambda: ["ZINTERSTORE", k(), two(), k(), k()] + self.opts(lambda: ["WEIGHTS", n(), n()]),
            lambda: ["ZDIFFSTORE", k(), two(), k(), k()],
            lambda: ["ZINTER", two(), k(), k()] + self.opts("WITHSCORES", lambda: ["AGGREGATE", one("SUM", "MIN", "MAX")]),
            lambda: ["ZUNION", "2", k(), k()] + self.opts("WITHSCORES", lambda: ["AGGREGATE", one("SUM", "MIN", "MAX")]),
            lambda: ["ZDIFF", two(), k(), k()] + self.opts("WITHSCORES"),
            lambda: ["ZINTERCARD", "2", k(), k()] + self.opts(lambda: ["LIMIT", n()]),
            lambda: ["ZMPOP", two(), k(), k(), one("MIN", "MAX")] + self.opts(lambda: ["COUNT", n()]),
            lambda: ["GEOADD", k()] + self.opts("NX", "XX", "CH") + [
                word for _ in range(self.rng.randint(1, 2))
                for word in (one("13.361389", "15.087269", "-200", "0", "180", "x"),
                             one("38.115556", "37.502669", "85.06", "86", "0"), v())],
            lambda: ["GEOPOS", k()] + self.some(v), lambda: ["GEOHASH", k()] + self.some(v),
            lambda: ["GEODIST", k(), v(), v()] + self.opts(lambda: [one("km", "m", "mi", "ft", "xx")]),
            lambda: ["GEOSEARCH", k(), "FROMLONLAT", "15", "37"] + one(["BYRADIUS", "200", "km"], ["BYBOX", "400", "300", "km"]) +
            self.opts("ASC", "WITHDIST", "WITHCOORD", "WITHHASH", lambda: ["COUNT", one("1", "0", "2")]),
            lambda: ["GEORADIUSBYMEMBER", k(), v(), "500", "km"] + self.opts("ASC", "DESC", "WITHDIST", lambda: ["STORE", k()]),
        ]

    def _others(self):
        k, v, n, one = self.k, self.v, self.n, self.one
        group = lambda: one("g1", "g2")  # noqa: E731
        consumer = lambda: one("c1", "c2")  # noqa: E731
        stream_id = lambda: one(*STREAM_IDS)  # noqa: E731
        return [
            # Compared as multisets, so no LIMIT: a set's order is its hash seed's.
            lambda: ["!SORT", k(), "BY", one("nosort", "w_*", "h1->" + v(), "k*")] + self.opts(
                "ALPHA", "DESC", lambda: ["GET", one("#", "w_*", "h1->inf", "k*->0")]),
            lambda: ["SORT", k()] + self.opts("ALPHA", "DESC", lambda: ["LIMIT", n(), n()]),
            # Numeric sorts only: ALPHA ties are left in the hash order of a set.
            lambda: ["SORT", k(), "BY", one("w_*", "k*"), "STORE", k()] + self.opts(lambda: ["GET", one("#", "w_*")]),
            lambda: ["MSET", "w_" + v(), n(), "w_" + v(), n()],
            lambda: ["XADD", k()] + self.opts("NOMKSTREAM", lambda: ["MAXLEN", n()],
                                             lambda: ["MINID", one("3-0", "0", "=", "~")]) + [stream_id(), v(), v()],
            lambda: ["XLEN", k()], lambda: ["XDEL", k(), one("1-1", "5-0", "x")],
            lambda: ["XRANGE", k(), one("-", "0", "1-1", "(1-1"), one("+", "5", "2-0")] + self.opts(lambda: ["COUNT", n()]),
            lambda: ["XREVRANGE", k(), one("+", "5"), one("-", "1-1")] + self.opts(lambda: ["COUNT", n()]),
            lambda: ["XTRIM", k(), one("MINID", "MAXLEN"), one("=", "~", "3-0", "2", "-5")] + self.opts(lambda: ["LIMIT", n()]),
            lambda: ["XSETID", k(), one("5-0", "100-0", "0-1", "x")],
            lambda: ["XGROUP", "CREATE", k(), group(), one("0", "$", "1-1")] + self.opts("MKSTREAM"),
            lambda: ["XGROUP", "DESTROY", k(), group()],
            lambda: ["XGROUP", "SETID", k(), group(), one("0", "$", "3-0")],
            lambda: ["XREADGROUP", "GROUP", group(), consumer()] + self.opts(
                lambda: ["COUNT", one("1", "2", "0")], "NOACK") + ["STREAMS", k(), one(">", "0", "1-1")],
            lambda: ["XREAD"] + self.opts(lambda: ["COUNT", one("1", "2")]) + ["STREAMS", k(), one("0", "1-1", "$")],
            lambda: ["XACK", k(), group()] + self.some(lambda: one("1-1", "3-2", "5-0", "x")),
            lambda: ["XPENDING", k(), group()], lambda: ["XINFO", "STREAM", k()], lambda: ["XINFO", "GROUPS", k()],
            lambda: ["XAUTOCLAIM", k(), group(), consumer(), "0", one("0-0", "1-1", "x")] + self.opts(
                lambda: ["COUNT", one("1", "2", "0", "100")], "JUSTID"),
            lambda: ["XCLAIM", k(), group(), consumer(), "0"] + self.some(lambda: one("1-1", "3-2", "5-0", "9-0")) +
            ["JUSTID"] + self.opts("FORCE", lambda: ["LASTID", one("9-0", "1-0")]),
        ]

    def _scripts_and_transactions(self):
        def nested():
            while True:
                cmd = self.rng.choice(self.nestable)()
                if not cmd[0].startswith("!"):
                    return cmd
        return [
            lambda: ["EVAL", "return redis.call(unpack(ARGV))", "0"] + nested(),
            lambda: ["EVAL", "return redis.pcall(unpack(ARGV))", "0"] + nested(),
            lambda: ["EVAL", "return {tonumber(ARGV[1]), type(tonumber(ARGV[1]))}", "0", self.n()],
            lambda: ["!EVAL", "return redis.call('hgetall', KEYS[1])", "1", self.k()],
            lambda: ["EVAL", "return redis.call('sort', KEYS[1], 'by', 'nosort')", "1", self.k()],
            # Whole scans, their elements sorted (a hashtable's order is its
            # hash seed's); a small encoding's scan is one page on both.
            lambda: ["EVAL", "local r = redis.call(ARGV[1], KEYS[1], 0, 'COUNT', 1000, "
                     "unpack(ARGV, 2)) table.sort(r[2]) return r", "1", self.k(),
                     self.one("HSCAN", "SSCAN", "ZSCAN")] +
            self.opts(lambda: ["MATCH", self.one("*", "1*", "a*", "*[0-4]", "f?o")]),
            lambda: ["EVAL", "local r = redis.call('scan', 0, 'COUNT', 1000, unpack(ARGV)) "
                     "table.sort(r[2]) return r", "0"] +
            self.opts(lambda: ["TYPE", self.one("string", "list", "hash", "set", "zset", "stream",
                                                "nosuchtype")],
                      lambda: ["MATCH", self.one("k*", "*1", "{t}*")]),
            # DUMP/RESTORE round trips of every type, in one atomic step.
            lambda: ["EVAL", "local d = redis.call('dump', KEYS[1]) if not d then return 0 end "
                     "return redis.call('restore', KEYS[2], 0, d, 'replace')", "2", self.k(), self.k()],
            lambda: ["FUNCTION", "LOAD", "REPLACE",
                     "#!lua name=fuzz\nredis.register_function('fuzz_call', "
                     "function(keys, args) return redis.call(unpack(args)) end)"],
            lambda: ["FCALL", "fuzz_call", "0"] + nested(),
            lambda: ["MULTI"], lambda: ["EXEC"], lambda: ["DISCARD"], lambda: ["WATCH", self.k()],
            lambda: ["UNWATCH"],
        ]

    def _blocking(self):
        """Blocking commands with timeouts short enough to wait out: they
        either find an element or time out, on both servers alike."""
        k, one = self.k, self.one
        timeout = lambda: one("0.002", "0.0001", "-1", "x")  # noqa: E731
        return [
            lambda: ["BLPOP", k(), k(), timeout()], lambda: ["BRPOP", k(), timeout()],
            lambda: ["BLMOVE", k(), k(), one("LEFT", "RIGHT"), one("LEFT", "RIGHT"), timeout()],
            lambda: ["BRPOPLPUSH", k(), k(), timeout()],
            lambda: ["BLMPOP", timeout(), "2", k(), k(), one("LEFT", "RIGHT")] + self.opts(lambda: ["COUNT", self.n()]),
            lambda: ["BZPOPMIN", k(), k(), timeout()], lambda: ["BZPOPMAX", k(), timeout()],
            lambda: ["BZMPOP", timeout(), "1", k(), one("MIN", "MAX")],
            lambda: ["XREAD", "BLOCK", one("2", "1"), "STREAMS", k(), one("0", "$")],
            lambda: ["XREADGROUP", "GROUP", one("g1", "g2"), "c1", "BLOCK", "1", "STREAMS", k(), ">"],
        ]


# Times in seconds computed from milliseconds and each server's clock.
SECOND_ROUNDED = {"TTL", "EXPIRETIME"}


def replies_equivalent(cmd, unordered, expected, actual, skew_ms=1000):
    """skew_ms bounds how far apart in time the two servers ran any command
    so far: a relative expire or a consumer's seen-time set by it differs by
    up to that (a long EXEC runs on redis first, then on actis)."""
    mode = "sort" if unordered else "exact"
    if canonical(expected, mode) == canonical(actual, mode):
        return True
    if cmd[0] in ("EVAL", "FCALL") and len(cmd) > 3 and cmd[2] == "0":
        cmd = cmd[3:]  # a script calling the command: the same rules
    if cmd[0] in SECOND_ROUNDED:
        return within(expected, actual, 1 + math.ceil(skew_ms / 1000))
    if cmd[0] != "DUMP" or expected.raw[:1] != b"$" or actual.raw[:1] != b"$":
        return False
    kind = expected.raw.split(b"\r\n", 1)[1][:1]
    if kind in (b"\x02", b"\x04"):  # a set or hash hashtable
        return len(expected.raw) == len(actual.raw)
    if kind == b"\x13":  # a stream: its consumers' seen-times come from the clock
        return differs_only_in_timestamps(dump_payload(expected), dump_payload(actual), skew_ms + 1000)
    # A quicklist's nodes follow the fill it was made with; a small hash
    # restored from a hashtable is a listpack in that (each server's own)
    # order, compressed as a whole: for both only the type must match.
    return kind in (b"\x10", b"\x12") and actual.raw.split(b"\r\n", 1)[1][:1] == kind


def dump_payload(reply):
    """A DUMP reply's RDB value, without the version and CRC64 trailer."""
    return reply.raw.split(b"\r\n", 1)[1][:-2][:-10]


DAY_MS = 86400 * 1000


def differs_only_in_timestamps(expected, actual, slack_ms):
    """True when every byte that differs lies in an 8-byte millisecond time
    (little-endian, as RDB writes them) within a day of now in both payloads
    and at most slack_ms apart: a consumer seen a moment later on one server."""
    if len(expected) != len(actual):
        return False
    now_ms = int(time.time() * 1000)
    covered_until = 0
    for at in range(len(expected)):
        if at < covered_until or expected[at] == actual[at]:
            continue
        for start in range(max(0, at - 7), at + 1):
            a = int.from_bytes(expected[start:start + 8], "little")
            b = int.from_bytes(actual[start:start + 8], "little")
            if start + 8 <= len(expected) and abs(a - now_ms) < DAY_MS and abs(a - b) <= slack_ms:
                covered_until = start + 8
                break
        else:
            return False
    return True


def changes_since_save(conn):
    """rdb_changes_since_last_save of INFO persistence: the dirty counter
    that drives save points and replication."""
    info = conn.call("INFO", "persistence").value
    return int(re.search(rb"rdb_changes_since_last_save:(\d+)", info).group(1))


class SequenceRun:
    """Sends one sequence to both servers and reports the first mismatch
    (after which the two keyspaces differ, so the run stops)."""

    def __init__(self, redis, actis, seed, resp=2):
        self.redis, self.actis = redis, actis
        self.resp = resp
        self.generator = CommandGenerator(seed)
        self.queued = []  # (argv, unordered) of the open MULTI
        self.recent = []
        self.skew_ms = 1000  # grows with the longest command pair sent so far

    def start(self):
        for conn in (self.redis, self.actis):
            conn.call("HELLO", str(self.resp))
            conn.call("FLUSHALL")
            conn.call("FUNCTION", "FLUSH")
            for name, value in START_CONFIG:
                conn.call("CONFIG", "SET", name, value)
        self.changes_at_start = [changes_since_save(c) for c in (self.redis, self.actis)]

    def step(self, index):
        """None, or a description of how the two replies differ."""
        cmd, unordered = self.generator.next()
        self.recent = (self.recent + ["#%d %r" % (index, cmd)])[-12:]
        started = time.monotonic()
        try:
            expected = self.redis.call(*cmd)
        except ConnectionLost as exc:
            return "\n  ".join(self.recent) + "\n    redis: %s" % exc
        try:
            actual = self.actis.call(*cmd)
        except ConnectionLost as exc:
            return "\n  ".join(self.recent) + "\n    actis: %s" % exc
        self.skew_ms = max(self.skew_ms, (time.monotonic() - started) * 1000)
        problem = None
        name = cmd[0].upper()
        if name == "EXEC" and expected.children is not None and actual.children is not None \
                and len(expected.children) == len(actual.children) == len(self.queued):
            for (qcmd, qunordered), e, a in zip(self.queued, expected.children, actual.children):
                if not replies_equivalent(qcmd, qunordered, e, a, self.skew_ms):
                    problem = "in EXEC, %r\n    redis: %r\n    actis: %r" % (qcmd, e.raw[:300], a.raw[:300])
                    break
        elif not replies_equivalent(cmd, unordered, expected, actual, self.skew_ms):
            problem = "redis: %r\n    actis: %r" % (expected.raw[:300], actual.raw[:300])
        if expected.raw == b"+QUEUED\r\n":
            self.queued.append((cmd, unordered))
        elif name in ("EXEC", "DISCARD") or (name == "MULTI" and expected.raw == b"+OK\r\n"):
            self.queued = []
        if problem is None:
            return None
        return "\n  ".join(self.recent) + "\n    " + problem


    def changes_problem(self, redis_side, actis_side):
        """None, or how the two dirty counters grew differently since start();
        read on connections of their own (the run's may be inside MULTI)."""
        grown = [changes_since_save(c) - base
                 for c, base in zip((redis_side, actis_side), self.changes_at_start)]
        if grown[0] == grown[1]:
            return None
        return "rdb_changes_since_last_save grew by %d on redis, by %d on actis" % tuple(grown)


def main(argv):
    actis_port, redis_port, seed, count = (int(a) for a in argv[1:5])
    resp = int(argv[5]) if len(argv) > 5 else 2
    run = SequenceRun(RespConnection("127.0.0.1", redis_port),
                      RespConnection("127.0.0.1", actis_port), seed, resp)
    run.start()
    for i in range(count):
        problem = run.step(i)
        if problem is not None:
            print("seed %d: mismatch after\n  %s" % (seed, problem))
            return 1
    problem = run.changes_problem(RespConnection("127.0.0.1", redis_port),
                                  RespConnection("127.0.0.1", actis_port))
    if problem is not None:
        print("seed %d: %s" % (seed, problem))
        return 1
    print("seed %d: %d commands, 0 mismatches" % (seed, count))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
