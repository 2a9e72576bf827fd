"""Throughput of command groups that redis-benchmark cannot send: MULTI/EXEC
transactions and script calls, driven by bench/txload.cpp (actis-txload),
against both servers alternately. Part of bench/run.py."""
import os
import statistics
import sys

import client_load  # bench/client_load.py

# (name, script to SCRIPT LOAD or None, the group's commands, target ratio or None)
GROUPS = [
    ("MULTI/EXEC of 3 INCR", None,
     ["MULTI", "INCR tx:a:__rand__", "INCR tx:b:__rand__", "INCR tx:c:__rand__", "EXEC"], 1.0),
    ("EVALSHA INCR+EXPIRE", "redis.call('INCR', KEYS[1]) return redis.call('EXPIRE', KEYS[1], ARGV[1])",
     ["EVALSHA {sha} 1 rl:__rand__ 60"], 1.0),
    ("EVALSHA undeclared key", "return redis.call('INCR', 'u:' .. ARGV[1])",
     ["EVALSHA {sha} 0 __rand__"], None),
]
CLIENTS = 50
PIPELINES = (1, 16)


def txload_binary(actis_binary):
    return os.path.join(os.path.dirname(actis_binary), "actis-txload")


def run_group(txload, server, commands, pipeline, seconds):
    argv = [txload, "127.0.0.1", str(server.port), str(CLIENTS), str(seconds), str(pipeline),
            *commands]
    cpu_before = server.cpu_seconds()
    result, client_busy = client_load.run_client(argv)
    cpu = server.cpu_seconds() - cpu_before
    server.ensure_alive()
    if result.returncode != 0:
        return None, None, None
    groups_per_s = float(result.stdout.strip())
    return groups_per_s, cpu / max(groups_per_s * seconds, 1) * 1e6, client_busy


def group_phase(servers, txload, rounds, seconds):
    """Returns {(name, pipeline, label): [(groups/s, CPU s per M groups,
    client share of a core)]}; a
    group a server cannot run (no scripting) is left out."""
    samples = {}
    for name, script, commands, _ in GROUPS:
        shas = {}
        for server in servers:
            if script is None:
                shas[server.label] = ""
                continue
            try:
                shas[server.label] = server.command("SCRIPT", "LOAD", script)
            except Exception:  # no scripting (yet): an error reply
                continue
        if len(shas) != len(servers):
            print(f"  {name}: skipped (a server cannot run it)", file=sys.stderr)
            continue
        for pipeline in PIPELINES:
            for _ in range(rounds):
                for server in servers:
                    cmds = [c.replace("{sha}", shas[server.label]) for c in commands]
                    rate, cpu, client_busy = run_group(txload, server, cmds, pipeline, seconds)
                    if rate is None:
                        continue
                    samples.setdefault((name, pipeline, server.label), []).append(
                        (rate, cpu, client_busy))
                    print(f"  {name} -P {pipeline} {server.label:<5} {rate:>10,.0f} groups/s "
                          f"{cpu:7.2f} CPU s/M, client {client_busy:.0%} of a core",
                          file=sys.stderr)
    return samples


def group_rows(samples, ratio_text, verdict, safe_ratio):
    rows = []
    for name, _, _, target in GROUPS:
        for pipeline in PIPELINES:
            actis = samples.get((name, pipeline, "actis"))
            redis = samples.get((name, pipeline, "redis"))
            if not actis or not redis:
                continue
            a = statistics.median(s[0] for s in actis)
            r = statistics.median(s[0] for s in redis)
            ac = statistics.median(s[1] for s in actis)
            rc = statistics.median(s[1] for s in redis)
            a_client = statistics.median(s[2] for s in actis)
            r_client = statistics.median(s[2] for s in redis)
            ratio = safe_ratio(a, r)
            mode = "plain" if pipeline == 1 else f"-P {pipeline}"
            tgt = f">= {target} {verdict(ratio, target, True)}" if target and pipeline == 1 else ""
            rows.append([name, mode, f"{a:,.0f}", f"{r:,.0f}", ratio_text(ratio), tgt,
                         f"{ac:.2f}", f"{rc:.2f}", ratio_text(safe_ratio(ac, rc)), "",
                         f"{a_client:.0%} / {r_client:.0%}"])
    return rows
