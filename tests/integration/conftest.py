"""Starts real actis-server processes on free loopback ports for the tests."""
import contextlib
import os
import pathlib
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import pytest
import redis

REPO = pathlib.Path(__file__).resolve().parents[2]
SERVER = os.environ.get("ACTIS_SERVER", str(REPO / "build" / "actis-server"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One actis-server process; stopped by stop() or at fixture teardown."""

    def __init__(self, *flags, config_text=None, dir=None):
        # A given dir is kept by cleanup(): a restart reuses it.
        self.own_dir = dir is None
        self.dir = dir or tempfile.mkdtemp(prefix="actis-it-")
        self.port = free_port()
        args = [SERVER]
        if config_text is not None:
            path = pathlib.Path(self.dir) / "actis.conf"
            path.write_text(config_text)
            args.append(str(path))
        args += ["--port", str(self.port), "--bind", "127.0.0.1", "--dir", self.dir,
                 "--save", "", "--appendonly", "no", *flags]
        self.log = open(pathlib.Path(self.dir) / "server.log", "a+")
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT)
        password = flags[flags.index("--requirepass") + 1] if "--requirepass" in flags else None
        deadline = time.time() + 10
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("actis-server exited: " + self.output())
            try:
                if self.client(password=password).ping():
                    return
            except redis.ConnectionError:
                time.sleep(0.05)
        self.stop()  # not handed to a fixture yet: nobody else would stop it
        raise RuntimeError("actis-server did not answer PING")

    def client(self, **kw):
        return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=10, **kw)

    def raw(self):
        s = socket.create_connection(("127.0.0.1", self.port), timeout=10)
        return s

    def output(self):
        self.log.flush()
        self.log.seek(0)
        return self.log.read()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.flush()

    def cleanup(self):
        self.log.close()
        if self.own_dir:
            shutil.rmtree(self.dir, ignore_errors=True)


@contextlib.contextmanager
def running(*flags, **kw):
    """A Server for a `with` block: stopped and cleaned up when it ends
    (a given `dir` is kept, so a later one starts from its files)."""
    s = Server(*flags, **kw)
    try:
        yield s
    finally:
        s.stop()
        s.cleanup()


def kill9(server):
    """Kills the process as a crash would: nothing is flushed or saved."""
    server.proc.send_signal(signal.SIGKILL)
    server.proc.wait()


def redis_reference(dir, *flags):
    """A redis-server 7.0 on a free port with `dir` as its directory, for
    files and payloads moved between the two servers: (process, client),
    once it answers PING (after loading its files)."""
    port = free_port()
    proc = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1",
                             "--dir", dir, "--save", "", "--appendonly", "no",
                             "--enable-debug-command", "yes", *flags],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    client = redis.Redis(host="127.0.0.1", port=port, socket_timeout=10)
    deadline = time.time() + 10
    while True:
        try:
            client.ping()
            return proc, client
        except (redis.ConnectionError, redis.BusyLoadingError):
            if time.time() > deadline or proc.poll() is not None:
                proc.kill()
                raise RuntimeError("redis-server did not start")
            time.sleep(0.05)


def check_aof(dir):
    """redis-check-aof accepts the AOF directory in `dir`."""
    manifest = pathlib.Path(dir) / "appendonlydir" / "appendonly.aof.manifest"
    check = subprocess.run(["redis-check-aof", str(manifest)], capture_output=True, text=True,
                           timeout=60)
    assert check.returncode == 0, check.stdout + check.stderr


def redis_digest(dir, *flags):
    """DEBUG DIGEST of the dataset redis-server 7.0 loads from `dir`."""
    proc, client = redis_reference(dir, *flags)
    try:
        return client.execute_command("DEBUG", "DIGEST")
    finally:
        proc.terminate()
        proc.wait()


@pytest.fixture
def server():
    s = Server("--threads", "2", "--enable-debug-command", "yes")
    yield s
    s.stop()
    try:
        assert s.proc.returncode == 0, s.output()
    finally:
        s.cleanup()


@pytest.fixture
def start_server():
    started = []

    def start(*flags, **kw):
        s = Server(*flags, **kw)
        started.append(s)
        return s

    yield start
    for s in started:
        s.stop()
        s.cleanup()


def recv_until(sock, predicate, timeout=10):
    """Reads from sock until predicate(data) holds or the peer closes (or
    resets) the connection."""
    sock.settimeout(timeout)
    data = b""
    while not predicate(data):
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:
            break
        if not chunk:
            break
        data += chunk
    return data


def encode_command(*args):
    """One command as a RESP array of bulk strings (str, int or bytes args)."""
    out = b"*%d\r\n" % len(args)
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out += b"$%d\r\n%s\r\n" % (len(a), a)
    return out
