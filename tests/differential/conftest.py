"""Session fixtures: one reference redis-server and one actis-server.

Both are started on free loopback ports in private temporary directories with
persistence disabled, and stopped at the end of the session. ACTIS_SERVER
names the actis binary (default: build/actis-server in the repository); the
reference is REDIS_SERVER (default: redis-server on PATH).
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from diff_resp import ConnectionLost, RespConnection  # noqa: E402

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DEFAULT_ACTIS = os.path.join(REPO_ROOT, "build", "actis-server")
STARTUP_TIMEOUT_S = 15.0


def _free_port():
    """Asks the kernel for an unused port. Racy by nature; start() retries."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerProcess:
    """A server started with redis-server compatible flags."""

    def __init__(self, label, binary, extra_args=()):
        self.label = label
        self.binary = binary
        self.extra_args = list(extra_args)
        self.port = None
        self.proc = None
        self.workdir = tempfile.mkdtemp(prefix="actis-diff-%s-" % label)
        self.log_path = os.path.join(self.workdir, "server.log")
        self.restarts = 0

    def start(self):
        last_error = None
        for _ in range(3):
            self.port = _free_port()
            args = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1",
                    "--save", "", "--appendonly", "no",
                    "--enable-debug-command", "yes", "--dir", self.workdir] + self.extra_args
            log = open(self.log_path, "ab")
            self.proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, cwd=self.workdir)
            log.close()
            last_error = self._wait_ready()
            if last_error is None:
                return
            self.stop()
        raise RuntimeError("%s (%s) did not start: %s\n--- log tail ---\n%s"
                           % (self.label, self.binary, last_error, self.log_tail()))

    def _wait_ready(self):
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        error = "no answer to PING"
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return "exited with code %s" % self.proc.returncode
            try:
                conn = RespConnection("127.0.0.1", self.port, timeout=2.0)
                try:
                    reply = conn.call("PING")
                finally:
                    conn.close()
                if reply.raw == b"+PONG\r\n":
                    return None
                error = "PING answered %r" % reply.raw
            except (OSError, ConnectionLost) as exc:
                error = str(exc)
            time.sleep(0.05)
        return error

    def is_healthy(self):
        if self.proc is None or self.proc.poll() is not None:
            return False
        try:
            conn = RespConnection("127.0.0.1", self.port, timeout=5.0)
            try:
                return conn.call("PING").raw == b"+PONG\r\n"
            finally:
                conn.close()
        except (OSError, ConnectionLost):
            return False

    def ensure_running(self):
        """Restarts the server if it died or hangs; returns a note or None."""
        if self.is_healthy():
            return None
        code = self.proc.poll() if self.proc else None
        self.stop()
        self.restarts += 1
        self.start()
        return "%s was not healthy (exit code %s) and was restarted" % (self.label, code)

    def wait_exit_status(self, timeout):
        """'running', or how the process ended; waits up to timeout for an
        exit already under way (a crashing server may still be dumping)."""
        if self.proc is None:
            return "not started"
        try:
            code = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return "running"
        return "exited with code %s" % code

    def connect(self):
        return RespConnection("127.0.0.1", self.port)

    def stop(self):
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def log_tail(self, lines=20):
        try:
            with open(self.log_path, "rb") as f:
                return b"".join(f.readlines()[-lines:]).decode("utf-8", "replace")
        except OSError:
            return "(no log)"

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.workdir, ignore_errors=True)


class ServerPair:
    def __init__(self, reference, candidate):
        self.reference = reference
        self.candidate = candidate


# Every case file runs against actis with one event loop and with four, so
# the cross-partition paths (batches, transactions, summaries) are compared
# on any machine.
ACTIS_THREADS = [1, 4]


@pytest.fixture(scope="session", params=ACTIS_THREADS,
                ids=["threads%d" % n for n in ACTIS_THREADS])
def servers(request):
    actis_binary = os.environ.get("ACTIS_SERVER") or DEFAULT_ACTIS
    if not (os.path.isfile(actis_binary) and os.access(actis_binary, os.X_OK)):
        pytest.fail("actis server binary not found or not executable: %s "
                    "(build it, or set ACTIS_SERVER)" % actis_binary, pytrace=False)
    redis_binary = os.environ.get("REDIS_SERVER") or shutil.which("redis-server")
    if not redis_binary:
        pytest.fail("reference redis-server not found on PATH (or set REDIS_SERVER)",
                    pytrace=False)

    reference = ServerProcess("redis", redis_binary)
    # Checking the cases themselves (both sides redis-server): no --threads.
    same = os.path.realpath(actis_binary) == os.path.realpath(redis_binary)
    threads = [] if same else ["--threads", str(request.param)]
    candidate = ServerProcess("actis", actis_binary, threads)
    try:
        try:
            reference.start()
            candidate.start()
        except RuntimeError as exc:
            pytest.fail(str(exc), pytrace=False)
        yield ServerPair(reference, candidate)
    finally:
        reference.cleanup()
        candidate.cleanup()
