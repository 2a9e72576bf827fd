"""A minimal raw RESP2/RESP3 client for byte-exact reply comparison.

redis-py is deliberately not used: it decodes replies (and hides details
such as the exact error text framing, `$-1` vs `_`, or `:1` vs `#t`) while
the differential tests need to compare the bytes each server really sent.
"""

import socket


class RespProtocolError(Exception):
    """The server sent bytes that are not valid RESP."""


class ConnectionLost(Exception):
    """The server closed the connection or did not answer in time."""


class _Incomplete(Exception):
    """The buffer ends in the middle of a reply; more bytes are needed: at
    least until the buffer is `needed` long (a bulk's known end), so that a
    reply of hundreds of MB is not parsed again after every read."""

    def __init__(self, needed=0):
        super().__init__()
        self.needed = needed


class Reply:
    """One parsed RESP value.

    kind      the RESP type byte as a str ('+', '-', ':', '$', '*', '_', '#',
              ',', '(', '!', '=', '%', '~', '>'); a RESP2 null bulk or null
              array keeps its own kind ('$' / '*') with value None.
    value     bytes for string-like kinds, int for ':', None for nulls,
              the raw text (bytes) for ',' and '(' and '#'.
    children  for aggregates: the element replies (a map lists key, value,
              key, value ...).
    raw       the exact bytes of this reply on the wire (including any
              attribute that preceded it).
    attribute the '|' attribute Reply that preceded this one, if any.
    """

    __slots__ = ("kind", "value", "children", "raw", "attribute")

    def __init__(self, kind, value=None, children=None, raw=b"", attribute=None):
        self.kind = kind
        self.value = value
        self.children = children
        self.raw = raw
        self.attribute = attribute

    @property
    def is_aggregate(self):
        return self.children is not None

    @property
    def is_error(self):
        return self.kind in ("-", "!")

    def __repr__(self):
        return repr(self.raw)


_AGGREGATE_KINDS = {"*", "~", ">", "%", "|"}
_LINE_KINDS = {"+", "-", ":", "_", "#", ",", "("}
_BLOB_KINDS = {"$", "!", "="}


def _read_line(buf, pos):
    end = buf.find(b"\r\n", pos)
    if end < 0:
        raise _Incomplete()
    return bytes(buf[pos:end]), end + 2


def _parse_int(text, what):
    try:
        return int(text)
    except ValueError:
        raise RespProtocolError("bad %s %r" % (what, text)) from None


def parse_reply(buf, pos=0):
    """Parses one reply starting at buf[pos].

    Returns (Reply, next_pos). Raises _Incomplete when buf holds only a prefix
    of the reply and RespProtocolError on malformed input.
    """
    start = pos
    if pos >= len(buf):
        raise _Incomplete()
    kind = chr(buf[pos])
    if kind == "|":
        attribute, pos = _parse_aggregate(buf, pos, kind)
        reply, pos = parse_reply(buf, pos)
        reply.attribute = attribute
        reply.raw = bytes(buf[start:pos])
        return reply, pos
    if kind in _AGGREGATE_KINDS:
        return _parse_aggregate(buf, pos, kind)
    line, pos = _read_line(buf, pos + 1)
    if kind in _LINE_KINDS:
        if kind == ":":
            value = _parse_int(line, "integer")
        elif kind == "_":
            if line:
                raise RespProtocolError("null with payload %r" % line)
            value = None
        else:
            value = line
        return Reply(kind, value, raw=bytes(buf[start:pos])), pos
    if kind in _BLOB_KINDS:
        length = _parse_int(line, "bulk length")
        if length == -1 and kind == "$":
            return Reply(kind, None, raw=bytes(buf[start:pos])), pos
        if length < 0:
            raise RespProtocolError("bad bulk length %d" % length)
        if len(buf) < pos + length + 2:
            raise _Incomplete(pos + length + 2)
        payload = bytes(buf[pos:pos + length])
        if buf[pos + length:pos + length + 2] != b"\r\n":
            raise RespProtocolError("bulk not terminated by CRLF")
        pos += length + 2
        return Reply(kind, payload, raw=bytes(buf[start:pos])), pos
    raise RespProtocolError("unknown RESP type byte %r" % kind)


def _parse_aggregate(buf, pos, kind):
    start = pos
    line, pos = _read_line(buf, pos + 1)
    count = _parse_int(line, "aggregate length")
    if count == -1 and kind == "*":
        return Reply(kind, None, raw=bytes(buf[start:pos])), pos
    if count < 0:
        raise RespProtocolError("bad aggregate length %d" % count)
    elements = count * 2 if kind in ("%", "|") else count
    children = []
    for _ in range(elements):
        child, pos = parse_reply(buf, pos)
        children.append(child)
    return Reply(kind, None, children, raw=bytes(buf[start:pos])), pos


def encode_command(args):
    """Encodes a list of bytes arguments as a RESP multibulk request."""
    out = [b"*%d\r\n" % len(args)]
    for arg in args:
        out.append(b"$%d\r\n%s\r\n" % (len(arg), arg))
    return b"".join(out)


class RespConnection:
    """A blocking connection that sends requests and reads whole replies."""

    def __init__(self, host, port, timeout=10.0):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = bytearray()

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def send_raw(self, data):
        try:
            self.sock.sendall(data)
        except OSError as exc:
            raise ConnectionLost("send failed: %s" % exc) from None

    def read_reply(self):
        """Reads exactly one complete reply (RESP2 or RESP3)."""
        while True:
            try:
                reply, used = parse_reply(self.buf)
            except _Incomplete as missing:
                self._receive_more()
                while len(self.buf) < missing.needed:
                    self._receive_more()
                continue
            del self.buf[:used]
            return reply

    def _receive_more(self):
        try:
            chunk = self.sock.recv(1 << 20)
        except socket.timeout:
            raise ConnectionLost("timed out waiting for a reply") from None
        except OSError as exc:
            raise ConnectionLost("receive failed: %s" % exc) from None
        if not chunk:
            raise ConnectionLost("connection closed by server")
        self.buf += chunk

    def call(self, *args):
        """Sends one command (str or bytes arguments) and returns its reply."""
        encoded = [a if isinstance(a, bytes) else str(a).encode() for a in args]
        self.send_raw(encode_command(encoded))
        return self.read_reply()
