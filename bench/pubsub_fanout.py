#!/usr/bin/python3
"""PUBLISH fan-out, actis vs redis-server side by side.

    bench/pubsub_fanout.py                 # 1, 10 and 100 subscribers
    bench/pubsub_fanout.py --messages 50000 --subscribers 1 10
    bench/pubsub_fanout.py --actis-flags='--threads 2'

For each subscriber count N and each server (alternating, --rounds times):
N raw subscriber sockets on channel `ch` are read by one separate reader
process (epoll, 256 KiB reads, bytes counted and discarded, so the reader
costs little), then `redis-benchmark -c 50 -P 16 -n M PUBLISH ch <16 bytes>`
publishes M messages. Reported: messages delivered per second (N * M over
the time from the first publish to the last byte reaching the readers) and
the server's CPU seconds per million deliveries. Both servers run with
their default settings (`--save '' --appendonly no`).
"""
import argparse
import os
import selectors
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run import BenchError, Server, which  # noqa: E402

PAYLOAD = "0123456789abcdef"
FRAME = b"*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$16\r\n" + PAYLOAD.encode() + b"\r\n"


def reader_main(port, subscribers, expected_bytes):
    """Child process: subscribes, reports ready, reads until every socket got
    its share, prints the monotonic time of the last byte."""
    sel = selectors.DefaultSelector()
    socks = []
    confirm = b"*3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n"
    for _ in range(subscribers):
        s = socket.create_connection(("127.0.0.1", port))
        s.sendall(b"SUBSCRIBE ch\r\n")
        got = b""
        while len(got) < len(confirm):
            got += s.recv(len(confirm) - len(got))
        s.setblocking(False)
        sel.register(s, selectors.EVENT_READ, [0])
        socks.append(s)
    print("ready", flush=True)
    done = 0
    last = time.monotonic()
    while done < subscribers:
        for key, _ in sel.select(timeout=30):
            try:
                chunk = key.fileobj.recv(262144)
            except BlockingIOError:
                continue
            if not chunk:
                raise SystemExit("server closed a subscriber")
            key.data[0] += len(chunk)
            last = time.monotonic()
            if key.data[0] >= expected_bytes:
                sel.unregister(key.fileobj)
                done += 1
        else:
            if not sel.get_map():
                break
    print("%.6f" % last, flush=True)


def measure(server, subscribers, messages):
    reader = subprocess.Popen(
        [sys.executable, os.path.abspath(__file__), "--reader", str(server.port),
         str(subscribers), str(messages * len(FRAME))],
        stdout=subprocess.PIPE, text=True)
    if reader.stdout.readline().strip() != "ready":
        raise BenchError("reader failed")
    cpu0 = server.cpu_seconds()
    start = time.monotonic()
    subprocess.run(["redis-benchmark", "-h", "127.0.0.1", "-p", str(server.port), "-c", "50",
                    "-P", "16", "-n", str(messages), "-q", "PUBLISH", "ch", PAYLOAD],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    last = float(reader.stdout.readline())
    reader.wait()
    cpu = server.cpu_seconds() - cpu0
    deliveries = subscribers * messages
    return deliveries / (last - start), cpu * 1e6 / deliveries


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--reader":
        reader_main(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
        return
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--actis", default=os.path.join(os.path.dirname(__file__), "..", "build",
                                                    "actis-server"))
    ap.add_argument("--actis-flags", default="")
    ap.add_argument("--subscribers", type=int, nargs="+", default=[1, 10, 100])
    ap.add_argument("--messages", type=int, default=200000,
                    help="messages per run (divided by N/10 above 10 subscribers)")
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()
    for tool in ("redis-server", "redis-benchmark"):
        if which(tool) is None:
            raise SystemExit(f"{tool} not on PATH")
    common = ["--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    servers = [Server("actis", os.path.abspath(args.actis), common + args.actis_flags.split()),
               Server("redis", which("redis-server"), common + ["--daemonize", "no"])]
    try:
        for s in servers:
            s.start()
        rows = []
        for n in args.subscribers:
            messages = args.messages if n <= 10 else max(1000, args.messages * 10 // n)
            results = {s.label: [] for s in servers}
            for _ in range(args.rounds):
                for s in servers:
                    results[s.label].append(measure(s, n, messages))
            best = {k: max(v) for k, v in results.items()}
            rows.append((n, messages, best["actis"], best["redis"]))
        print("| subscribers | messages | actis deliveries/s | redis deliveries/s | ratio |"
              " actis CPU s/M | redis CPU s/M |")
        print("|---|---|---|---|---|---|---|")
        for n, m, a, r in rows:
            print(f"| {n} | {m} | {a[0]:,.0f} | {r[0]:,.0f} | {a[0] / r[0]:.2f}x |"
                  f" {a[1]:.2f} | {r[1]:.2f} |")
    finally:
        for s in servers:
            s.stop()


if __name__ == "__main__":
    main()
