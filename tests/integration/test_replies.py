"""Replies are written once a loop iteration has read its sockets: every
client still gets all of its replies, in order, and the last ones before a
close go out before it. At --threads 1 and 4, many clients at once."""
import socket
import threading

import pytest

from conftest import recv_until, encode_command

THREADS = (1, 4)
CLIENTS = 40


def run_clients(port, work):
    """Runs work(i, sock) for CLIENTS sockets at once, each connected before
    any starts, so their writes land in the same loop iterations."""
    socks = [socket.create_connection(("127.0.0.1", port)) for _ in range(CLIENTS)]
    errors = []
    start = threading.Barrier(CLIENTS)

    def one(i):
        try:
            start.wait()
            work(i, socks[i])
        except Exception as exc:  # reported below with the client's number
            errors.append((i, repr(exc)))

    threads = [threading.Thread(target=one, args=(i,)) for i in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for s in socks:
        s.close()
    assert not errors, errors


@pytest.mark.parametrize("threads", THREADS)
def test_quit_answers_the_commands_before_it_then_closes(start_server, threads):
    srv = start_server("--threads", str(threads))

    def work(i, sock):
        sock.sendall(encode_command("SET", f"q:{i}", f"v{i}") + encode_command("INCR", f"n:{i}")
                     + encode_command("GET", f"q:{i}") + encode_command("QUIT")
                     + encode_command("SET", f"after:{i}", "x"))
        data = recv_until(sock, lambda d: False)  # until the server closes
        value = f"v{i}".encode()
        assert data == b"+OK\r\n:1\r\n$%d\r\n%s\r\n+OK\r\n" % (len(value), value), data

    run_clients(srv.port, work)
    c = srv.client()
    assert c.exists(*[f"after:{i}" for i in range(CLIENTS)]) == 0
    assert c.exists(*[f"q:{i}" for i in range(CLIENTS)]) == CLIENTS


@pytest.mark.parametrize("threads", THREADS)
def test_every_client_gets_every_reply_of_its_pipelines(start_server, threads):
    srv = start_server("--threads", str(threads))
    rounds, depth = 30, 20

    def work(i, sock):
        for r in range(rounds):
            # Keys of every partition, so at 4 loops replies come from
            # several loops and wait for each other.
            batch = b"".join(encode_command("INCR", f"c:{i}:{k}") for k in range(depth))
            sock.sendall(batch)
            want = b"".join(b":%d\r\n" % (r + 1) for _ in range(depth))
            data = recv_until(sock, lambda d: len(d) >= len(want))
            assert data == want, (r, data)

    run_clients(srv.port, work)
    c = srv.client()
    assert all(int(c.get(f"c:{i}:{k}")) == rounds for i in range(CLIENTS) for k in range(depth))
