"""Helpers shared by the concurrency tests: an auditor that checks a sum
stays constant, and running a set of threads to completion."""
import time


def audit_sum(client, keys, total, stop, torn):
    """Until time `stop`, MGETs `keys` and records every sum that is not
    `total` in `torn` (a reader saw half of a transaction)."""
    while time.time() < stop:
        s = sum(int(v) for v in client.mget(keys))
        if s != total:
            torn.append(s)


def run_all(threads):
    for t in threads:
        t.start()
    for t in threads:
        t.join()
