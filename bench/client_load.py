"""How busy a benchmark client was: a client near a full core bounds the
run, since no server can answer it faster (bench/README.md)."""
import resource
import subprocess
import time


def children_cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_client(argv):
    """Runs a client to completion; returns (CompletedProcess, share of a
    core it used over its wall time)."""
    cpu_before = children_cpu_seconds()
    started = time.monotonic()
    result = subprocess.run(argv, capture_output=True, text=True)
    busy = (children_cpu_seconds() - cpu_before) / max(time.monotonic() - started, 1e-9)
    return result, busy
