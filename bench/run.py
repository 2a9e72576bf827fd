#!/usr/bin/python3
"""Side-by-side benchmark: actis versus redis-server 7.0.

Starts both servers on free loopback ports without persistence, runs
redis-benchmark against them alternately (A, R, A, R, ...) with and without
pipelining, measures the CPU time each server spends per request, loads the
same key set into both to compare memory, and prints one table with the
targets. See bench/README.md for what is measured and how to read it.
"""

import argparse
import atexit
import csv
import io
import os
import signal
import socket
import statistics
import subprocess
import sys
import time

import client_load  # bench/client_load.py: the client's share of a core
import groups  # bench/groups.py: MULTI/EXEC and script throughput

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_ACTIS = os.path.join(REPO_ROOT, "build", "actis-server")

# Each pop test follows the push test that fills its key (redis-benchmark
# uses one fixed key per type: mylist, myset, myzset).
TESTS = ["set", "get", "incr", "mset", "lpush", "lpop", "rpop", "sadd", "hset", "spop",
         "zadd", "zpopmin", "lrange_100"]
# redis-benchmark's CSV names for the tests above.
CSV_NAMES = {"set": "SET", "get": "GET", "incr": "INCR", "mset": "MSET (10 keys)",
             "lpush": "LPUSH", "lpop": "LPOP", "rpop": "RPOP", "sadd": "SADD", "hset": "HSET",
             "spop": "SPOP", "zadd": "ZADD", "zpopmin": "ZPOPMIN",
             "lrange_100": "LRANGE_100 (first 100 elements)"}

TARGET_THROUGHPUT_PLAIN = 1.05   # actis/redis req/s without pipelining, at least
TARGET_COLLECTION_PLAIN = 1.0    # the same for the collection tests (issue 7)
TARGET_THROUGHPUT_PIPELINED = 1.3  # actis/redis req/s with -P 16, at least
TARGET_CPU_PER_REQUEST = 0.9     # actis/redis CPU seconds per request, at most
TARGET_MEMORY = 1.0              # actis/redis memory, at most
TARGET_COLLECTION_MEMORY = 0.9   # actis/redis RSS for the collection data sets, at most
TARGET_LATENCY_P99 = 1.5         # actis/redis GET p99 under cross-key MSET load, at most
TARGET_MULTI_LOOP_CPU = 1.15     # actis --threads 2 / --threads 1 CPU per request, at most

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
BYTES_PER_KIB = 1024


class BenchError(Exception):
    """A failure that ends the run with a clear message (no traceback)."""


# ---------------------------------------------------------------- servers

class Server:
    """One server process under test, killed at exit whatever happens."""

    def __init__(self, label, binary, flags, cpus=None):
        """`cpus`: the CPU set the server runs on (None: the caller's)."""
        self.label = label
        self.binary = binary
        self.flags = flags
        self.cpus = cpus
        self.port = None
        self.proc = None

    def start(self, timeout=15.0):
        """Starts on a fresh free loopback port and waits until PING answers."""
        self.port = free_port()
        self.argv = [self.binary, "--port", str(self.port)] + self.flags
        self.log_path = f"/tmp/actis-bench-{self.label}-{self.port}.log"
        # A new session keeps Ctrl-C from reaching the server directly: we
        # stop it ourselves so a half-dead server never outlives the run.
        with open(self.log_path, "wb") as log:
            pin = (lambda: os.sched_setaffinity(0, self.cpus)) if self.cpus else None
            self.proc = subprocess.Popen(self.argv, stdout=log, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, start_new_session=True,
                                         preexec_fn=pin)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise BenchError(f"{self.label} exited with status {self.proc.returncode} "
                                 f"during startup; log:\n{self.log_tail()}")
            try:
                if self.command("PING", timeout=1.0) == "PONG":
                    print(f"{self.label}: pid {self.proc.pid}, port {self.port}, "
                          f"{self.binary}", file=sys.stderr)
                    return
            except OSError:
                pass
            except BenchError as error:  # -LOADING while a file loads
                if "LOADING" not in str(error):
                    raise
            time.sleep(0.1)
        raise BenchError(f"{self.label} did not answer PING on port {self.port} "
                         f"within {timeout:.0f}s; log:\n{self.log_tail()}")

    def stop(self):
        """Stops the server; its log is deleted unless it had exited by
        itself (then the log explains why and stays)."""
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        try:
            os.unlink(self.log_path)
        except OSError:
            pass

    def ensure_alive(self):
        if self.proc.poll() is not None:
            raise BenchError(f"{self.label} died (status {self.proc.returncode}); "
                             f"log:\n{self.log_tail()}")

    def log_tail(self, lines=20):
        try:
            with open(self.log_path, "rb") as f:
                text = f.read().decode(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def cpu_seconds(self):
        """utime + stime of the whole process (all threads), in seconds."""
        with open(f"/proc/{self.proc.pid}/stat") as f:
            stat = f.read()
        # Fields after the parenthesised command name, which may hold spaces.
        fields = stat[stat.rindex(")") + 2:].split()
        utime, stime = int(fields[11]), int(fields[12])
        return (utime + stime) / CLOCK_TICKS

    def rss_bytes(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * BYTES_PER_KIB
        raise BenchError(f"no VmRSS for {self.label}")

    def command(self, *args, timeout=30.0):
        """Sends one command, returns the reply (str, int or list; errors raise)."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=timeout) as sock:
            payload = [f"*{len(args)}\r\n".encode()]
            for arg in args:
                data = arg.encode() if isinstance(arg, str) else arg
                payload.append(b"$%d\r\n%s\r\n" % (len(data), data))
            sock.sendall(b"".join(payload))
            return read_reply(sock.makefile("rb"))

    def used_memory(self):
        """INFO memory used_memory, or None when the server does not report it."""
        try:
            info = self.command("INFO", "memory")
        except BenchError:
            return None
        for line in info.splitlines():
            if line.startswith("used_memory:"):
                return int(line.split(":", 1)[1])
        return None


def read_reply(stream):
    line = stream.readline()
    if not line.endswith(b"\r\n"):
        raise OSError("connection closed mid-reply")
    kind, body = line[:1], line[1:-2].decode()
    if kind == b"+":
        return body
    if kind == b"-":
        raise BenchError(f"server error: {body}")
    if kind == b":":
        return int(body)
    if kind == b"$":
        length = int(body)
        if length < 0:
            return None
        data = stream.read(length + 2)
        return data[:-2].decode(errors="replace")
    if kind == b"*":
        count = int(body)
        return None if count < 0 else [read_reply(stream) for _ in range(count)]
    raise OSError(f"unexpected reply {line!r}")


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def which(program):
    for directory in os.environ.get("PATH", "").split(os.pathsep):
        candidate = os.path.join(directory, program)
        if os.access(candidate, os.X_OK):
            return candidate
    return None


# ---------------------------------------------------------------- throughput

def cpu_split(cpus, pin):
    """(server CPUs, client CPUs): with `pin` and two CPUs or more, the
    servers get the first and the clients the others, so neither preempts
    the other and a run does not depend on where the scheduler put whom
    (unpinned, the same binary varied by 20-40% in req/s between runs on
    the 2-core machine). (None, None) leaves both to the scheduler."""
    cpus = sorted(cpus)
    if not pin or len(cpus) < 2:
        return None, None
    return {cpus[0]}, set(cpus[1:])


def run_benchmark(server, test, requests, pipeline):
    """One redis-benchmark run of one test; returns (req/s, server CPU
    seconds, share of a core the client used). A client near a full core
    bounds the run: no server can answer it faster."""
    argv = ["redis-benchmark", "-h", "127.0.0.1", "-p", str(server.port),
            "-c", "50", "-r", "100000", "-n", str(requests), "-t", test, "--csv"]
    if pipeline > 1:
        argv += ["-P", str(pipeline)]
    cpu_before = server.cpu_seconds()
    result, client_busy = client_load.run_client(argv)
    cpu_used = server.cpu_seconds() - cpu_before
    server.ensure_alive()
    if result.returncode != 0:
        raise BenchError(f"redis-benchmark failed against {server.label} "
                         f"(status {result.returncode}):\n{result.stderr.strip()}")
    rps = parse_csv(result.stdout).get(CSV_NAMES[test])
    if rps is None:
        raise BenchError(f"no {CSV_NAMES[test]!r} line in redis-benchmark output for "
                         f"{server.label}:\n{result.stdout}{result.stderr}")
    return rps, cpu_used, client_busy


def parse_csv(text):
    """Maps the "test" column of redis-benchmark --csv output to its req/s."""
    rows = {}
    for row in csv.reader(io.StringIO(text)):
        if len(row) >= 2 and row[0] != "test":
            try:
                rows[row[0]] = float(row[1])
            except ValueError:
                pass
    return rows


def throughput_phase(servers, modes, rounds):
    """Returns {(mode, test, label): [(rps, cpu_seconds_per_million,
    client_busy), ...]}."""
    samples = {}
    total = rounds * len(modes) * len(TESTS) * len(servers)
    done = 0
    for round_index in range(rounds):
        for mode_name, pipeline, requests in modes:
            for test in TESTS:
                # Alternate the servers so drift (thermal, other load) hits both.
                for server in servers:
                    rps, cpu, client_busy = run_benchmark(server, test, requests, pipeline)
                    samples.setdefault((mode_name, test, server.label), []).append(
                        (rps, cpu / requests * 1e6, client_busy))
                    done += 1
                    print(f"  [{done}/{total}] round {round_index + 1} {mode_name:<6} "
                          f"{test:<4} {server.label:<5} {rps:>12,.0f} req/s "
                          f"{cpu / requests * 1e6:7.2f} CPU s/M req, client "
                          f"{client_busy:.0%} of a core", file=sys.stderr)
    return samples


# ---------------------------------------------------------------- latency

def latency_under_load(server, seconds):
    """GET p50/p99 (ms) of one client while 8 clients pipeline MSETs of 10
    random keys 64 deep (keys of every partition in each MSET)."""
    load = subprocess.Popen(
        ["redis-benchmark", "-h", "127.0.0.1", "-p", str(server.port), "-c", "8", "-P", "64",
         "-r", "100000", "-n", "100000000", "-t", "mset", "-q"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(0.5)
        result = subprocess.run(
            ["redis-benchmark", "-h", "127.0.0.1", "-p", str(server.port), "-c", "1",
             "-r", "100000", "-n", str(int(seconds * 4000)), "-t", "get", "--csv"],
            capture_output=True, text=True)
    finally:
        load.kill()
        load.wait()
    server.ensure_alive()
    for row in csv.DictReader(io.StringIO(result.stdout)):
        if row.get("test") == "GET":
            return float(row["p50_latency_ms"]), float(row["p99_latency_ms"])
    raise BenchError(f"no GET latency line for {server.label}:\n{result.stdout}{result.stderr}")


def latency_phase(servers, rounds):
    """Returns {label: [(p50, p99), ...]}, servers alternating."""
    samples = {}
    for round_index in range(rounds):
        for server in servers:
            p50, p99 = latency_under_load(server, 2.0)
            samples.setdefault(server.label, []).append((p50, p99))
            print(f"  round {round_index + 1} latency {server.label:<5} GET p50 {p50:.3f} ms "
                  f"p99 {p99:.3f} ms under MSET load", file=sys.stderr)
    return samples


# ---------------------------------------------------------------- multi-loop cost

def scaling_phase(one_loop, two_loops, rounds, requests):
    """CPU per request of actis at --threads 2 against --threads 1 (same
    binary, same run). Returns {(test, pipeline): (cpu1, cpu2)} medians."""
    results = {}
    for test in ("set", "get"):
        for pipeline, n in ((1, requests), (16, requests * 5)):
            cpu = {one_loop.label: [], two_loops.label: []}
            for _ in range(rounds):
                for server in (one_loop, two_loops):
                    _, used, _ = run_benchmark(server, test, n, pipeline)
                    cpu[server.label].append(used / n * 1e6)
            results[(test, pipeline)] = (statistics.median(cpu[one_loop.label]),
                                         statistics.median(cpu[two_loops.label]))
            print(f"  {test} -P {pipeline}: CPU s/M req --threads 1 "
                  f"{results[(test, pipeline)][0]:.2f}, --threads 2 "
                  f"{results[(test, pipeline)][1]:.2f}", file=sys.stderr)
    return results


# ---------------------------------------------------------------- memory

def pipe_input(key_count):
    """RESP SET commands for key:%08d -> value:%08d, built in one pass."""
    template = b"*3\r\n$3\r\nSET\r\n$12\r\nkey:%08d\r\n$14\r\nvalue:%08d\r\n"
    return b"".join(template % (i, i) for i in range(key_count))


def resp_command(*args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


def collection_inputs(count, zset_members):
    """The collection data sets: name -> (RESP input, keys it creates)."""
    fields = [x for i in range(10) for x in (f"field{i}", f"v{i}")]
    small_ints = [str(i) for i in range(10)]
    strings = [f"item-{i}" for i in range(10)]
    zset = []
    for start in range(0, zset_members, 100):
        args = []
        for m in range(start, min(start + 100, zset_members)):
            args += [str(m * 7 % 1000003), f"member:{m}"]
        zset.append(resp_command("ZADD", "bigzset", *args))
    return {
        f"{count // 1000}k hashes x 10 fields": (
            b"".join(resp_command("HSET", f"hash:{i}", *fields) for i in range(count)), count),
        f"{count // 1000}k sets x 10 ints": (
            b"".join(resp_command("SADD", f"set:{i}", *small_ints) for i in range(count)), count),
        f"{count // 1000}k lists x 10 strings": (
            b"".join(resp_command("RPUSH", f"list:{i}", *strings) for i in range(count)), count),
        f"zset of {zset_members // 1000}k members": (b"".join(zset), 1),
    }


def load_and_measure(server, data, expected_keys):
    """FLUSHALL, load `data` with redis-cli --pipe, and return the memory
    figures before and after."""
    server.command("FLUSHALL")
    time.sleep(0.5)
    before_rss, before_used = server.rss_bytes(), server.used_memory()
    result = subprocess.run(["redis-cli", "-h", "127.0.0.1", "-p", str(server.port),
                             "--pipe"], input=data, capture_output=True)
    server.ensure_alive()
    output = (result.stdout + result.stderr).decode(errors="replace")
    if result.returncode != 0 or "errors: 0," not in output:
        raise BenchError(f"redis-cli --pipe into {server.label} failed:\n{output}")
    keys = server.command("DBSIZE")
    if keys != expected_keys:
        raise BenchError(f"{server.label} holds {keys} keys after loading {expected_keys}")
    time.sleep(0.5)
    return {"rss_before": before_rss, "rss_after": server.rss_bytes(),
            "used_before": before_used, "used_after": server.used_memory()}


def memory_phase(servers, key_count, restart):
    """Returns {label: dict(rss_before, rss_after, used_before, used_after)}.

    With `restart`, each server is restarted first so its baseline is not
    inflated by whatever its allocator kept from the throughput phase."""
    data = pipe_input(key_count)
    results = {}
    for server in servers:
        if restart:
            server.stop()
            server.start()
        results[server.label] = load_and_measure(server, data, key_count)
        print(f"  {server.label:<5} loaded {key_count:,} keys: RSS "
              f"{mib(results[server.label]['rss_after'])}", file=sys.stderr)
    return results


def collection_memory_phase(servers, count, zset_members):
    """Returns {data set name: {label: memory figures}}, each data set loaded
    into a freshly started server."""
    results = {}
    for name, (data, keys) in collection_inputs(count, zset_members).items():
        for server in servers:
            server.stop()
            server.start()
            results.setdefault(name, {})[server.label] = load_and_measure(server, data, keys)
            print(f"  {server.label:<5} {name}: RSS "
                  f"{mib(results[name][server.label]['rss_after'])}", file=sys.stderr)
    return results


# ---------------------------------------------------------------- report

def mib(value):
    return "n/a" if value is None else f"{value / 2**20:.1f} MiB"


def ratio_text(ratio):
    return "n/a" if ratio is None else f"{ratio:.3f}"


def verdict(ratio, target, higher_is_better):
    if ratio is None:
        return "n/a"
    ok = ratio >= target if higher_is_better else ratio <= target
    return "PASS" if ok else "MISS"


def safe_ratio(numerator, denominator):
    if numerator is None or denominator is None or denominator == 0:
        return None
    return numerator / denominator


def build_table(samples, memory, modes, latency=None, scaling=None, collections=None):
    """Rows of the result table (list of lists of strings) and its header."""
    header = ["test", "mode", "actis req/s", "redis req/s", "ratio", "target",
              "actis CPU s/M", "redis CPU s/M", "CPU/req ratio", "target",
              "client core busy (actis/redis run)"]
    rows = []
    for mode_name, pipeline, _ in modes:
        for test in TESTS:
            plain_target = (TARGET_THROUGHPUT_PLAIN if test in ("set", "get", "incr", "mset")
                            else TARGET_COLLECTION_PLAIN)
            throughput_target = TARGET_THROUGHPUT_PIPELINED if pipeline > 1 else plain_target
            actis = samples[(mode_name, test, "actis")]
            redis = samples[(mode_name, test, "redis")]
            actis_rps = statistics.median(s[0] for s in actis)
            redis_rps = statistics.median(s[0] for s in redis)
            rps_ratio = safe_ratio(actis_rps, redis_rps)
            actis_cpu = statistics.median(s[1] for s in actis)
            redis_cpu = statistics.median(s[1] for s in redis)
            cpu_ratio = safe_ratio(actis_cpu, redis_cpu)
            actis_client = statistics.median(s[2] for s in actis)
            redis_client = statistics.median(s[2] for s in redis)
            rows.append([CSV_NAMES[test], mode_name, f"{actis_rps:,.0f}", f"{redis_rps:,.0f}",
                         ratio_text(rps_ratio),
                         f">= {throughput_target} {verdict(rps_ratio, throughput_target, True)}",
                         f"{actis_cpu:.2f}", f"{redis_cpu:.2f}", ratio_text(cpu_ratio),
                         f"<= {TARGET_CPU_PER_REQUEST} "
                         f"{verdict(cpu_ratio, TARGET_CPU_PER_REQUEST, False)}",
                         f"{actis_client:.0%} / {redis_client:.0%}"])
    if memory:
        actis, redis = memory["actis"], memory["redis"]
        for name, key in (("RSS after load", "rss_after"), ("used_memory after load", "used_after")):
            ratio = safe_ratio(actis[key], redis[key])
            rows.append([name, "memory", mib(actis[key]), mib(redis[key]), ratio_text(ratio),
                         f"<= {TARGET_MEMORY} {verdict(ratio, TARGET_MEMORY, False)}"] + [""] * 5)
        delta = {label: m["rss_after"] - m["rss_before"] for label, m in memory.items()}
        ratio = safe_ratio(delta["actis"], delta["redis"])
        rows.append(["RSS delta (load)", "memory", mib(delta["actis"]), mib(delta["redis"]),
                     ratio_text(ratio), f"<= {TARGET_MEMORY} {verdict(ratio, TARGET_MEMORY, False)}"]
                    + [""] * 5)
    for name, figures in (collections or {}).items():
        actis, redis = figures["actis"], figures["redis"]
        ratio = safe_ratio(actis["rss_after"], redis["rss_after"])
        rows.append([f"RSS {name}", "memory", mib(actis["rss_after"]), mib(redis["rss_after"]),
                     ratio_text(ratio),
                     f"<= {TARGET_COLLECTION_MEMORY} "
                     f"{verdict(ratio, TARGET_COLLECTION_MEMORY, False)}"] + [""] * 5)
    if latency:
        for name, index in (("GET p50 ms, MSET load", 0), ("GET p99 ms, MSET load", 1)):
            a = statistics.median(s[index] for s in latency["actis"])
            r = statistics.median(s[index] for s in latency["redis"])
            ratio = safe_ratio(a, r)
            target = (f"<= {TARGET_LATENCY_P99} {verdict(ratio, TARGET_LATENCY_P99, False)}"
                      if index == 1 else "")
            rows.append([name, "latency", f"{a:.3f}", f"{r:.3f}", ratio_text(ratio), target]
                        + [""] * 5)
    if scaling:
        for (test, pipeline), (cpu1, cpu2) in scaling.items():
            ratio = safe_ratio(cpu2, cpu1)
            rows.append([f"{CSV_NAMES[test]} CPU s/M: --threads 2 vs 1",
                         "plain" if pipeline == 1 else f"-P {pipeline}", f"{cpu2:.2f}",
                         f"{cpu1:.2f} (t1)", ratio_text(ratio),
                         f"<= {TARGET_MULTI_LOOP_CPU} "
                         f"{verdict(ratio, TARGET_MULTI_LOOP_CPU, False)}"] + [""] * 5)
    return header, rows


def format_text(header, rows):
    widths = [max(len(r[i]) for r in [header] + rows) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(header)),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)) for row in rows]
    return "\n".join(lines)


def format_markdown(header, rows, description):
    lines = [description, "", "| " + " | ".join(header) + " |",
             "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- main

def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--actis", default=DEFAULT_ACTIS,
                        help="actis-server binary (default: build/actis-server in the repo)")
    parser.add_argument("--redis", default="redis-server", help="redis-server binary")
    parser.add_argument("--actis-flags", default="",
                        help="extra flags for actis only, e.g. '--threads 1'")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per server (default 3)")
    parser.add_argument("--quick", action="store_true",
                        help="small request counts and key set, for checking the script")
    parser.add_argument("--requests", type=int, help="requests per run without pipelining")
    parser.add_argument("--pipelined-requests", type=int, help="requests per run with -P 16")
    parser.add_argument("--keys", type=int, help="keys loaded for the memory comparison")
    parser.add_argument("--skip-throughput", action="store_true")
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--skip-collection-memory", action="store_true",
                        help="skip the RSS of the hash/set/list/zset data sets")
    parser.add_argument("--skip-latency", action="store_true")
    parser.add_argument("--skip-groups", action="store_true",
                        help="skip MULTI/EXEC and script throughput (bench/groups.py)")
    parser.add_argument("--skip-scaling", action="store_true",
                        help="skip the actis --threads 2 vs --threads 1 CPU comparison")
    parser.add_argument("--markdown", metavar="FILE", help="also write the table as markdown")
    parser.add_argument("--no-pin", action="store_true",
                        help="do not run the servers on the first CPU and the clients on "
                             "the others")
    args = parser.parse_args()
    if args.requests is None:
        args.requests = 20000 if args.quick else 200000
    if args.pipelined_requests is None:
        args.pipelined_requests = 100000 if args.quick else 1000000
    if args.keys is None:
        args.keys = 100000 if args.quick else 1000000
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    return args


def resolve_binaries(args):
    actis = os.path.abspath(args.actis) if os.sep in args.actis else which(args.actis)
    if not actis or not os.access(actis, os.X_OK):
        raise BenchError(f"actis binary not found or not executable: {args.actis}\n"
                         "Build it first: cmake -S . -B build && cmake --build build -j2")
    redis = args.redis if os.sep in args.redis else which(args.redis)
    if not redis or not os.access(redis, os.X_OK):
        raise BenchError(f"redis-server not found: {args.redis}")
    for tool in ("redis-benchmark", "redis-cli"):
        if not which(tool):
            raise BenchError(f"{tool} not found on PATH")
    return actis, redis


def main():
    args = parse_args()
    actis_bin, redis_bin = resolve_binaries(args)
    common = ["--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    all_cpus = os.sched_getaffinity(0)
    server_cpus, client_cpus = cpu_split(all_cpus, not args.no_pin)
    if client_cpus:
        # Every client tool started from here (redis-benchmark, redis-cli,
        # actis-txload) inherits this set.
        os.sched_setaffinity(0, client_cpus)
    servers = [Server("actis", actis_bin, common + args.actis_flags.split(), server_cpus),
               Server("redis", redis_bin, common + ["--daemonize", "no"], server_cpus)]

    atexit.register(lambda: [s.stop() for s in servers])
    # Every stop signal becomes an exception so the atexit cleanup runs.
    # SIGINT is set explicitly because a parent may have left it ignored.
    def on_signal(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)

    for server in servers:
        server.start()

    modes = [("plain", 1, args.requests), ("-P 16", 16, args.pipelined_requests)]
    samples, memory = {}, None
    if not args.skip_throughput:
        print(f"throughput: {args.rounds} rounds, {args.requests:,} requests plain, "
              f"{args.pipelined_requests:,} with -P 16", file=sys.stderr)
        samples = throughput_phase(servers, modes, args.rounds)
    else:
        modes = []
    latency, scaling = None, None
    if not args.skip_latency:
        print("latency: GET p50/p99 of one client while 8 clients pipeline MSETs 64 deep",
              file=sys.stderr)
        latency = latency_phase(servers, args.rounds)
    if not args.skip_scaling:
        print("multi-loop cost: actis --threads 1 vs --threads 2", file=sys.stderr)
        # Every CPU: a second loop on the servers' one CPU would measure
        # context switches, not the cross-loop conversation.
        one = Server("actis-t1", actis_bin, common + ["--threads", "1"], all_cpus)
        two = Server("actis-t2", actis_bin, common + ["--threads", "2"], all_cpus)
        atexit.register(lambda: [s.stop() for s in (one, two)])
        one.start()
        two.start()
        scaling = scaling_phase(one, two, args.rounds, args.requests)
        one.stop()
        two.stop()
    if not args.skip_memory:
        print(f"memory: loading {args.keys:,} keys", file=sys.stderr)
        memory = memory_phase(servers, args.keys, restart=not args.skip_throughput)

    group_samples = {}
    if not args.skip_groups:
        txload = groups.txload_binary(actis_bin)
        if not os.access(txload, os.X_OK):
            raise BenchError(f"{txload} not found: build the actis-txload target")
        print("groups: MULTI/EXEC and script calls (actis-txload)", file=sys.stderr)
        group_samples = groups.group_phase(servers, txload, args.rounds,
                                           1.0 if args.quick else 5.0)

    collections = None
    if not args.skip_collection_memory:
        count, members = (10000, 100000) if args.quick else (100000, 1000000)
        print(f"collection memory: {count:,} hashes/sets/lists, a zset of {members:,}",
              file=sys.stderr)
        collections = collection_memory_phase(servers, count, members)

    header, rows = build_table(samples, memory, modes, latency, scaling, collections)
    rows += groups.group_rows(group_samples, ratio_text, verdict, safe_ratio)
    description = (f"actis vs redis-server; redis-benchmark -c 50 -r 100000, median of "
                   f"{args.rounds} rounds; plain n={args.requests}, -P 16 n={args.pipelined_requests}; "
                   f"actis flags: {args.actis_flags or '(defaults)'}; "
                   f"memory: {args.keys:,} keys key:%08d -> value:%08d; "
                   f"collection RSS: each data set loaded into a fresh server; "
                   f"{len(all_cpus)} CPUs"
                   + (f", servers on CPU {sorted(server_cpus)}, clients on "
                      f"{sorted(client_cpus)}" if server_cpus else ", not pinned"))
    print()
    print(description)
    print(format_text(header, rows))
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(format_markdown(header, rows, description))
        print(f"markdown written to {args.markdown}", file=sys.stderr)


if __name__ == "__main__":
    try:
        main()
    except BenchError as error:
        print(f"bench: {error}", file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        print("bench: interrupted, servers stopped", file=sys.stderr)
        sys.exit(130)
