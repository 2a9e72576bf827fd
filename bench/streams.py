#!/usr/bin/python3
"""Streams side by side with redis-server: XADD, XREADGROUP (COUNT 1, each
delivery entered in the PEL) and XACK throughput with redis-benchmark's
arbitrary-command mode, without pipelining and with -P 16, alternating the
servers round by round; then the RSS of one stream of 1,000,000 entries of
two small fields each. Prints one table with actis/redis ratios.

    bench/streams.py [--quick] [--rounds N] [--actis PATH] [--actis-flags '...']

Uses bench/run.py's server handling (free ports, no persistence, stopped at
exit). XREADGROUP + XACK is reported as the rate of the pair (one delivery
and its acknowledgement), from the two measured rates.
"""
import argparse
import atexit
import os
import statistics
import subprocess
import sys

import run

CLIENTS = 50
# Entries each XREADGROUP / XACK run finds waiting: at least its requests.
TARGETS = {1: 1.0, 16: 1.3}


def bench(server, argv_tail, requests, pipeline):
    argv = ["redis-benchmark", "-h", "127.0.0.1", "-p", str(server.port), "-c", str(CLIENTS),
            "-n", str(requests), "-r", "100000000", "--csv"]
    if pipeline > 1:
        argv += ["-P", str(pipeline)]
    result = subprocess.run(argv + argv_tail, capture_output=True, text=True)
    server.ensure_alive()
    if result.returncode != 0:
        raise run.BenchError(f"redis-benchmark failed against {server.label}: {result.stderr}")
    values = list(run.parse_csv(result.stdout).values())
    if not values:
        raise run.BenchError(f"no result from redis-benchmark: {result.stdout!r}")
    return values[0]


def load_entries(server, key, count, explicit_ids):
    """XADDs `count` entries of two small fields to `key` with redis-cli --pipe;
    with explicit IDs 1-1 .. 1-count (so XACK can name them)."""
    chunks = []
    for i in range(1, count + 1):
        entry_id = f"1-{i}" if explicit_ids else "*"
        chunks.append(run.resp_command("XADD", key, entry_id, "f1", str(i), "f2", f"v{i % 1000}"))
    data = b"".join(chunks)
    result = subprocess.run(["redis-cli", "-p", str(server.port), "--pipe"], input=data,
                            capture_output=True)
    if result.returncode != 0:
        raise run.BenchError(f"redis-cli --pipe failed: {result.stderr!r}")
    length = server.command("XLEN", key)
    if length != count:
        raise run.BenchError(f"{server.label}: XLEN {length}, expected {count}")


def throughput(servers, rounds, requests):
    samples = {}
    for pipeline in (1, 16):
        n = requests * (5 if pipeline > 1 else 1)
        for _ in range(rounds):
            for server in servers:
                server.command("FLUSHALL")
                rate = bench(server, ["XADD", "bench:xadd", "*", "f1", "__rand_int__", "f2",
                                      "small"], n, pipeline)
                samples.setdefault(("XADD", pipeline, server.label), []).append(rate)
                server.command("FLUSHALL")
                load_entries(server, "bench:s", n, True)
                server.command("XGROUP", "CREATE", "bench:s", "g", "0")
                read = bench(server, ["XREADGROUP", "GROUP", "g", "c", "COUNT", "1", "STREAMS",
                                      "bench:s", ">"], n, pipeline)
                pending = server.command("XPENDING", "bench:s", "g")[0]
                if pending != n:
                    raise run.BenchError(f"{server.label}: {pending} pending, expected {n}")
                ack = bench(server, ["XACK", "bench:s", "g", "1-__rand_int__"], n, pipeline)
                samples.setdefault(("XREADGROUP COUNT 1", pipeline, server.label), []).append(read)
                samples.setdefault(("XACK", pipeline, server.label), []).append(ack)
                pair = 1.0 / (1.0 / read + 1.0 / ack)
                samples.setdefault(("XREADGROUP + XACK", pipeline, server.label), []).append(pair)
                print(f"  -P {pipeline:<2} {server.label:<5} XADD {rate:>10,.0f}  XREADGROUP "
                      f"{read:>10,.0f}  XACK {ack:>10,.0f} req/s", file=sys.stderr)
    return samples


def stream_rss(server, entries):
    server.stop()
    server.start()
    before = server.rss_bytes()
    load_entries(server, "bench:big", entries, False)
    return server.rss_bytes() - before, server.rss_bytes()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actis", default=run.DEFAULT_ACTIS)
    parser.add_argument("--actis-flags", default="")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--requests", type=int, default=100000)
    parser.add_argument("--entries", type=int, default=1000000)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    if args.quick:
        args.rounds, args.requests, args.entries = 1, 20000, 100000
    if not os.access(args.actis, os.X_OK):
        sys.exit(f"no actis binary at {args.actis}: build it first")
    base = ["--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    servers = [run.Server("actis", args.actis, base + args.actis_flags.split()),
               run.Server("redis", run.which("redis-server"), base + ["--daemonize", "no"])]
    atexit.register(lambda: [s.stop() for s in servers])
    for s in servers:
        s.start()
    samples = throughput(servers, args.rounds, args.requests)
    rss = {s.label: stream_rss(s, args.entries) for s in servers}

    print(f"{'test':<22} {'pipeline':>8} {'actis req/s':>12} {'redis req/s':>12} "
          f"{'ratio':>6} {'target':>7}")
    for name in ("XADD", "XREADGROUP COUNT 1", "XACK", "XREADGROUP + XACK"):
        for pipeline in (1, 16):
            a = statistics.median(samples[(name, pipeline, "actis")])
            r = statistics.median(samples[(name, pipeline, "redis")])
            target = f">={TARGETS[pipeline]}" if name in ("XADD", "XREADGROUP + XACK") else ""
            print(f"{name:<22} {'-P ' + str(pipeline):>8} {a:>12,.0f} {r:>12,.0f} "
                  f"{a / r:>6.2f} {target:>7}")
    a_grow, a_total = rss["actis"]
    r_grow, r_total = rss["redis"]
    print(f"{'RSS, stream of ' + format(args.entries, ',') + ' entries':<43} "
          f"actis {a_total / 2**20:7.1f} MiB (+{a_grow / 2**20:.1f})  redis "
          f"{r_total / 2**20:7.1f} MiB (+{r_grow / 2**20:.1f})  ratio {a_total / r_total:.2f} "
          f"(target <=1.0)")


if __name__ == "__main__":
    try:
        main()
    except run.BenchError as e:
        sys.exit(f"error: {e}")
