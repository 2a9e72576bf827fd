#!/usr/bin/python3
"""Persistence side by side: actis versus redis-server 7.0.

For N small keys (key:%08d -> value:%08d): SAVE time and dump.rdb size, the
time from start to the first PING answer when loading that file, and the
extra memory while BGSAVE runs under a redis-benchmark SET load (Redis:
its own RSS plus the fork child's private pages; actis: its RSS growth).
Then SET throughput (redis-benchmark, 50 clients) with appendonly yes under
appendfsync always and everysec. Prints one table with actis/redis ratios
and the issue's targets.

    /usr/bin/python3 bench/persistence.py [--keys 1000000] [--rounds 3]
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import run  # bench/run.py: Server, pipe_input, mib, ratio_text, verdict

TARGET_SAVE_TIME = 1.0   # actis/redis SAVE seconds, at most
TARGET_LOAD_TIME = 1.0   # actis/redis start-up load seconds, at most
TARGET_BGSAVE_EXTRA = 0.10  # actis extra RSS during BGSAVE / dataset RSS, at most
TARGET_AOF_SET = 1.0     # actis/redis SET req/s with the AOF on, at least
AOF_REQUESTS = 50000


def private_bytes(pid):
    """Private (not shared) resident bytes of one process: what a fork
    child really adds."""
    total = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith(("Private_Clean:", "Private_Dirty:")):
                    total += int(line.split()[1]) * 1024
    except OSError:
        return 0
    return total


def children(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(p) for p in f.read().split()]
    except OSError:
        return []


def load_keys(server, keys):
    data = run.pipe_input(keys)
    result = subprocess.run(["redis-cli", "-h", "127.0.0.1", "-p", str(server.port), "--pipe"],
                            input=data, capture_output=True)
    if result.returncode != 0:
        raise run.BenchError(result.stdout.decode() + result.stderr.decode())


def wait_bgsave(server):
    while "rdb_bgsave_in_progress:1" in server.command("INFO", "persistence"):
        time.sleep(0.01)


def save_and_load(server, keys, workdir):
    """(SAVE seconds, file bytes, load seconds)."""
    server.command("FLUSHALL")
    load_keys(server, keys)
    started = time.monotonic()
    server.command("SAVE")
    save_s = time.monotonic() - started
    size = os.path.getsize(os.path.join(workdir, "dump.rdb"))
    server.stop()
    started = time.monotonic()
    server.start(timeout=300)
    load_s = time.monotonic() - started
    if server.command("DBSIZE") != keys:
        raise run.BenchError(f"{server.label} did not load {keys} keys")
    return save_s, size, load_s


def bgsave_memory(server, keys):
    """(dataset RSS, peak extra bytes during a BGSAVE under SET load)."""
    server.command("FLUSHALL")
    load_keys(server, keys)
    time.sleep(0.5)
    base = server.rss_bytes()
    load = subprocess.Popen(["redis-benchmark", "-h", "127.0.0.1", "-p", str(server.port),
                             "-t", "set", "-n", "100000000", "-r", str(keys), "-c", "20", "-q"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.5)
    peak = 0
    try:
        server.command("BGSAVE")
        while True:
            extra = server.rss_bytes() - base
            extra += sum(private_bytes(child) for child in children(server.proc.pid))
            peak = max(peak, extra)
            if "rdb_bgsave_in_progress:0" in server.command("INFO", "persistence"):
                break
            time.sleep(0.005)
    finally:
        load.terminate()
        load.wait()
    return base, peak


def aof_set_rate(label, binary, flags, policy):
    """redis-benchmark SET req/s against a fresh server with the AOF on."""
    workdir = tempfile.mkdtemp(prefix=f"actis-bench-aof-{label}-")
    server = run.Server(label, binary, flags + ["--dir", workdir, "--appendonly", "yes",
                                                "--appendfsync", policy])
    try:
        server.start()
        rps, _, _ = run.run_benchmark(server, "set", AOF_REQUESTS, 1)
        return rps
    finally:
        server.stop()
        shutil.rmtree(workdir, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--actis", default=run.DEFAULT_ACTIS)
    parser.add_argument("--redis", default="redis-server")
    parser.add_argument("--keys", type=int, default=1000000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--actis-flags", default="")
    args = parser.parse_args()
    dirs = {label: tempfile.mkdtemp(prefix=f"actis-bench-persist-{label}-")
            for label in ("actis", "redis")}
    common = ["--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    servers = [run.Server("actis", args.actis, common + ["--dir", dirs["actis"]]
                          + args.actis_flags.split()),
               run.Server("redis", args.redis, common + ["--dir", dirs["redis"],
                                                         "--daemonize", "no"])]
    results = {s.label: {"save": [], "size": [], "load": [], "base": [], "extra": []}
               for s in servers}
    try:
        for s in servers:
            s.start()
        for r in range(args.rounds):
            for s in servers:
                save_s, size, load_s = save_and_load(s, args.keys, dirs[s.label])
                base, extra = bgsave_memory(s, args.keys)
                out = results[s.label]
                for k, v in (("save", save_s), ("size", size), ("load", load_s),
                             ("base", base), ("extra", extra)):
                    out[k].append(v)
                print(f"  round {r + 1} {s.label:<5} SAVE {save_s:.2f}s, {run.mib(size)}, "
                      f"load {load_s:.2f}s, BGSAVE extra {run.mib(extra)} over "
                      f"{run.mib(base)}", file=sys.stderr)
    finally:
        for s in servers:
            s.stop()
        for d in dirs.values():
            shutil.rmtree(d, ignore_errors=True)
    aof = {}
    for policy in ("always", "everysec"):
        for r in range(args.rounds):
            for label, binary, flags in (
                    ("actis", args.actis, ["--bind", "127.0.0.1", "--save", ""]
                     + args.actis_flags.split()),
                    ("redis", args.redis, ["--bind", "127.0.0.1", "--save", "",
                                           "--daemonize", "no"])):
                rate = aof_set_rate(label, binary, flags, policy)
                aof.setdefault((policy, label), []).append(rate)
                print(f"  round {r + 1} {label:<5} SET with appendfsync {policy}: "
                      f"{rate:,.0f} req/s", file=sys.stderr)
    med = {label: {k: statistics.median(v) for k, v in r.items()} for label, r in results.items()}
    a, r = med["actis"], med["redis"]
    extra_share = a["extra"] / a["base"]
    rows = [
        ("SAVE time (s)", f"{a['save']:.2f}", f"{r['save']:.2f}",
         run.ratio_text(a["save"] / r["save"]), f"<= {TARGET_SAVE_TIME}",
         run.verdict(a["save"] / r["save"], TARGET_SAVE_TIME, False)),
        ("dump.rdb size", run.mib(a["size"]), run.mib(r["size"]),
         run.ratio_text(a["size"] / r["size"]), "", ""),
        ("start-up load (s)", f"{a['load']:.2f}", f"{r['load']:.2f}",
         run.ratio_text(a["load"] / r["load"]), f"<= {TARGET_LOAD_TIME}",
         run.verdict(a["load"] / r["load"], TARGET_LOAD_TIME, False)),
        ("BGSAVE extra memory under SET load", run.mib(a["extra"]), run.mib(r["extra"]),
         f"{extra_share:.1%} of actis's dataset RSS", f"< {TARGET_BGSAVE_EXTRA:.0%}",
         run.verdict(extra_share, TARGET_BGSAVE_EXTRA, False)),
    ]
    for policy in ("always", "everysec"):
        a_rate = statistics.median(aof[(policy, "actis")])
        r_rate = statistics.median(aof[(policy, "redis")])
        rows.append((f"SET req/s, appendfsync {policy}", f"{a_rate:,.0f}", f"{r_rate:,.0f}",
                     run.ratio_text(a_rate / r_rate), f">= {TARGET_AOF_SET}",
                     run.verdict(a_rate / r_rate, TARGET_AOF_SET, True)))
    header = ("measure", "actis", "redis", "actis/redis", "target", "")
    print(f"\n{args.keys:,} keys, median of {args.rounds} rounds")
    print(run.format_text(header, rows))


if __name__ == "__main__":
    main()
