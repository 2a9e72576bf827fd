"""Parsing of differential case files (see README.md for the syntax)."""

import re


class CaseSyntaxError(Exception):
    def __init__(self, path, line_no, message):
        super().__init__("%s:%d: %s" % (path, line_no, message))


# Directives that modify how the command on the same line is compared.
COMPARE_MODES = {"!sort", "!set", "!sortpairs", "!ignore", "!type", "!scanall",
                 "!subcommands", "!infonorm"}
# Directives that form a whole line on their own.
STANDALONE = {"!resp2", "!resp3", "!sleep", "!reconnect", "!raw", "!requires"}


class Step:
    """One line of a case file.

    action   'command' (send args, read one reply), 'raw' (send the raw bytes in
             args[0], read one reply), 'sleep', 'hello', 'reconnect' or
             'requires' (args: command names the file depends on) or
             'pipeline' (args: the command Steps sent in one write).
    args     list of bytes for commands; [bytes] for raw.
    mode     'exact', 'sort', 'sortpairs', 'ignore', 'type', 'scanall' or
             'subcommands', 'infonorm'.
    approx   max allowed difference between integers (0 = exact).
    value    milliseconds for 'sleep', protocol version for 'hello', the
             number of replies a 'command' produces (None: one).
    """

    __slots__ = ("line_no", "text", "action", "args", "mode", "approx", "value")

    def __init__(self, line_no, text, action, args=None, mode="exact",
                 approx=0, value=None):
        self.line_no = line_no
        self.text = text
        self.action = action
        self.args = args or []
        self.mode = mode
        self.approx = approx
        self.value = value


_SIMPLE_ESCAPES = {"n": b"\n", "r": b"\r", "t": b"\t", "b": b"\b", "a": b"\a"}
_HEX = re.compile(r"[0-9a-fA-F]{2}")


def split_args(line):
    """Splits a line into byte-string arguments the way redis-cli does.

    Double quotes allow \\xHH, \\n, \\r, \\t, \\b, \\a and backslash-escaping of
    any other character; single quotes only allow \\' for a quote. A closing
    quote must be followed by whitespace or the end of the line.
    Raises ValueError on unbalanced quotes.
    """
    args = []
    i, n = 0, len(line)
    while True:
        while i < n and line[i].isspace():
            i += 1
        if i >= n:
            return args
        current = bytearray()
        if line[i] == '"':
            i += 1
            while True:
                if i >= n:
                    raise ValueError("unbalanced double quote")
                c = line[i]
                if c == "\\" and i + 1 < n:
                    nxt = line[i + 1]
                    if nxt == "x" and _HEX.fullmatch(line[i + 2:i + 4]):
                        current.append(int(line[i + 2:i + 4], 16))
                        i += 4
                        continue
                    current += _SIMPLE_ESCAPES.get(nxt, nxt.encode())
                    i += 2
                    continue
                if c == '"':
                    i += 1
                    break
                current += c.encode()
                i += 1
        elif line[i] == "'":
            i += 1
            while True:
                if i >= n:
                    raise ValueError("unbalanced single quote")
                c = line[i]
                if c == "\\" and line[i + 1:i + 2] == "'":
                    current += b"'"
                    i += 2
                    continue
                if c == "'":
                    i += 1
                    break
                current += c.encode()
                i += 1
        else:
            while i < n and not line[i].isspace():
                current += line[i].encode()
                i += 1
            args.append(bytes(current))
            continue
        if i < n and not line[i].isspace():
            raise ValueError("closing quote must be followed by a space")
        args.append(bytes(current))


def parse_case_file(path):
    """Returns the list of Steps of a case file; raises CaseSyntaxError."""
    steps = []
    pipeline = None
    with open(path, encoding="utf-8") as f:
        for line_no, raw_line in enumerate(f, 1):
            text = raw_line.strip()
            if not text or text.startswith("#"):
                continue
            lowered = text.lower()
            if lowered == "!pipeline":
                if pipeline is not None:
                    raise CaseSyntaxError(path, line_no, "nested !pipeline")
                pipeline = Step(line_no, text, "pipeline", args=[])
                continue
            if lowered == "!end":
                if pipeline is None:
                    raise CaseSyntaxError(path, line_no, "!end without !pipeline")
                if not pipeline.args:
                    raise CaseSyntaxError(path, line_no, "empty !pipeline")
                steps.append(pipeline)
                pipeline = None
                continue
            step = _parse_line(path, line_no, text)
            if pipeline is not None:
                if step.action != "command" or step.mode == "scanall":
                    raise CaseSyntaxError(path, line_no,
                                          "only plain commands may appear in a !pipeline")
                pipeline.args.append(step)
                continue
            if step.action == "requires" and any(s.action != "requires" for s in steps):
                raise CaseSyntaxError(path, line_no, "!requires must precede all commands")
            steps.append(step)
    if pipeline is not None:
        raise CaseSyntaxError(path, pipeline.line_no, "!pipeline without !end")
    return steps


def required_commands(steps):
    """Command names listed by the file's !requires lines."""
    return [name for s in steps if s.action == "requires" for name in s.args]


def _parse_line(path, line_no, text):
    try:
        tokens = split_args(text)
    except ValueError as exc:
        raise CaseSyntaxError(path, line_no, str(exc)) from None
    head = tokens[0].decode("utf-8", "replace").lower()

    if head in STANDALONE:
        rest = tokens[1:]
        if head in ("!resp2", "!resp3"):
            if rest:
                raise CaseSyntaxError(path, line_no, "%s takes no arguments" % head)
            return Step(line_no, text, "hello", value=int(head[-1]))
        if head == "!reconnect":
            if rest:
                raise CaseSyntaxError(path, line_no, "!reconnect takes no arguments")
            return Step(line_no, text, "reconnect")
        if head == "!sleep":
            if len(rest) != 1 or not rest[0].isdigit():
                raise CaseSyntaxError(path, line_no, "usage: !sleep MILLISECONDS")
            return Step(line_no, text, "sleep", value=int(rest[0]))
        if head == "!requires":
            if not rest:
                raise CaseSyntaxError(path, line_no, "usage: !requires COMMAND...")
            return Step(line_no, text, "requires", args=rest)
        if not rest:
            raise CaseSyntaxError(path, line_no, "usage: !raw BYTES...")
        return Step(line_no, text, "raw", args=[b"".join(rest)])

    mode, approx, replies = "exact", 0, None
    while tokens and tokens[0].startswith(b"!"):
        directive = tokens.pop(0).decode("utf-8", "replace").lower()
        if directive == "!approx":
            if not tokens or not tokens[0].isdigit():
                raise CaseSyntaxError(path, line_no, "usage: !approx N COMMAND...")
            approx = int(tokens.pop(0))
        elif directive == "!replies":
            if not tokens or not tokens[0].isdigit() or int(tokens[0]) < 1:
                raise CaseSyntaxError(path, line_no, "usage: !replies N COMMAND...")
            replies = int(tokens.pop(0))
        elif directive in COMPARE_MODES:
            if mode != "exact":
                raise CaseSyntaxError(path, line_no, "only one comparison mode per line")
            mode = "sort" if directive == "!set" else directive[1:]
        else:
            raise CaseSyntaxError(path, line_no, "unknown directive %s" % directive)
    if not tokens:
        raise CaseSyntaxError(path, line_no, "directive without a command")
    if mode == "scanall" and _scan_cursor_index(tokens) is None:
        raise CaseSyntaxError(path, line_no, "!scanall needs SCAN/SSCAN/HSCAN/ZSCAN")
    if mode == "scanall" and replies is not None:
        raise CaseSyntaxError(path, line_no, "!replies does not combine with !scanall")
    return Step(line_no, text, "command", args=tokens, mode=mode, approx=approx, value=replies)


def _scan_cursor_index(args):
    name = args[0].lower()
    if name == b"scan" and len(args) >= 2:
        return 1
    if name in (b"sscan", b"hscan", b"zscan") and len(args) >= 3:
        return 2
    return None


def scan_cursor_index(args):
    """Index of the cursor argument of a SCAN-family command, or None."""
    return _scan_cursor_index(args)
