"""How two replies are compared: exactly, or relaxed in the ways the case
files' directives and the random sequences need (shared by
test_differential.py and random_commands.py)."""

import re

_TIMING_FIELD = re.compile(rb"\b(usec|usec_per_call)=[0-9.]+")
_PERCENTILE_VALUE = re.compile(rb"\b(p[0-9.]+)=[0-9.]+")


def normalize_info(text):
    """INFO text without what depends on the clock or on hash order.

    The values of usec= and usec_per_call= in cmdstat_ lines and of the
    percentiles in latency_percentiles_usec_ lines become '*' (the names
    stay, so the same commands and percentiles must be listed), and the
    lines of each section are sorted (redis lists commands in the order of
    its randomly seeded command dict).
    """
    sections = []
    for line in text.split(b"\r\n"):
        if line.startswith(b"cmdstat_"):
            line = _TIMING_FIELD.sub(rb"\1=*", line)
        elif line.startswith(b"latency_percentiles_usec_"):
            line = _PERCENTILE_VALUE.sub(rb"\1=*", line)
        if line.startswith(b"# ") or not sections:
            sections.append([line])
        else:
            sections[-1].append(line)
    return tuple((s[0], tuple(sorted(s[1:]))) for s in sections)


def canonical(reply, mode):
    """A comparable form of a reply under the given comparison mode.

    'exact' compares the raw bytes; 'type' only the RESP type byte; 'sort' /
    'sortpairs' sort the top-level elements (or key/value pairs, always for a
    RESP3 map) by their raw bytes; 'subcommands' sorts the subcommand list
    of each COMMAND INFO entry; 'infonorm' compares an INFO text through
    normalize_info.
    """
    if mode == "type":
        return reply.kind
    if mode == "subcommands" and reply.is_aggregate:
        return (reply.kind, tuple(_sorted_subcommands(e) for e in reply.children))
    if mode == "infonorm" and reply.kind in ("$", "=") and reply.value is not None:
        # A RESP3 verbatim string starts with its format, "txt:".
        text = reply.value[4:] if reply.kind == "=" else reply.value
        return (reply.kind, normalize_info(text))
    if mode in ("sort", "sortpairs") and reply.is_aggregate:
        children = [c.raw for c in reply.children]
        if mode == "sortpairs" or reply.kind == "%":
            pairs = [children[i] + children[i + 1] for i in range(0, len(children), 2)]
            return (reply.kind, len(children), tuple(sorted(pairs)))
        return (reply.kind, len(children), tuple(sorted(children)))
    return reply.raw


def _sorted_subcommands(entry):
    """A COMMAND INFO entry with its subcommands (element 10) in sorted order."""
    if not entry.is_aggregate or len(entry.children) != 10:
        return entry.raw
    head = tuple(c.raw for c in entry.children[:9])
    subs = entry.children[9]
    if not subs.is_aggregate:
        return (head, subs.raw)
    return (head, subs.kind, tuple(sorted(c.raw for c in subs.children)))


def within(a, b, tolerance):
    """Structural equality where integers may differ by up to tolerance."""
    if a.kind != b.kind:
        return False
    if a.kind == ":":
        return abs(a.value - b.value) <= tolerance
    if a.is_aggregate or b.is_aggregate:
        if not (a.is_aggregate and b.is_aggregate) or len(a.children) != len(b.children):
            return False
        return all(within(x, y, tolerance) for x, y in zip(a.children, b.children))
    return a.raw == b.raw
