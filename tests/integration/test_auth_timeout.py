"""requirepass enforcement and idle-client timeout."""
import time

import pytest
import redis

from conftest import recv_until


def test_requirepass_blocks_until_auth(start_server):
    s = start_server("--requirepass", "s3cret")
    raw = s.raw()
    raw.sendall(b"PING\r\nHELLO 3\r\nAUTH wrong\r\nAUTH s3cret\r\nPING\r\n")
    data = recv_until(raw, lambda d: d.endswith(b"+PONG\r\n"))
    assert data.startswith(b"-NOAUTH Authentication required.\r\n-NOAUTH HELLO must be called")
    assert data.endswith(b"-WRONGPASS invalid username-password pair or user is disabled.\r\n"
                         b"+OK\r\n+PONG\r\n")
    with pytest.raises(redis.AuthenticationError):
        s.client().ping()
    assert s.client(password="s3cret").ping()
    hello = s.raw()
    hello.sendall(b"HELLO 2 AUTH default s3cret\r\nGET k\r\n")
    assert recv_until(hello, lambda d: d.endswith(b"$-1\r\n")).endswith(b"$-1\r\n")


def test_unauthenticated_request_size_capped(start_server):
    s = start_server("--requirepass", "pw")
    raw = s.raw()
    raw.sendall(b"*11\r\n")
    assert recv_until(raw, lambda d: False) == \
        b"-ERR Protocol error: unauthenticated multibulk length\r\n"
    ok = s.raw()
    # A pipelined AUTH lifts the cap for the big command right after it.
    big = b"x" * 20000
    ok.sendall(b"AUTH pw\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$20000\r\n" + big + b"\r\n")
    assert recv_until(ok, lambda d: d.count(b"+OK\r\n") >= 2) == b"+OK\r\n+OK\r\n"


def test_idle_clients_closed_after_timeout(start_server):
    s = start_server("--timeout", "1")
    idle = s.raw()
    idle.sendall(b"PING\r\n")
    assert recv_until(idle, lambda d: d.endswith(b"\r\n")) == b"+PONG\r\n"
    time.sleep(3)
    assert recv_until(idle, lambda d: False, timeout=5) == b""
    assert s.client().ping()
