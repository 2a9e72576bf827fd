"""Writes cases/hll_gen_*.txt: HyperLogLogs of thousands of elements, so
that sparse coding, promotion to dense, the estimator and merges are
compared byte for byte with Redis (GET of every HLL built).

Run `/usr/bin/python3 tests/differential/generate_hll_cases.py` after
changing this script and commit the regenerated files with it.
"""

import random

from generate_cases import write_cases



def batches(prefix, count, size):
    return [" ".join("%s%d" % (prefix, i) for i in range(start, min(start + size, count)))
            for start in range(0, count, size)]


def many_elements():
    lines = []
    # One element at a time through the sparse range, with the encoding,
    # the count and the bytes checked along the way.
    for i in range(400):
        lines.append("PFADD one e%d" % i)
        if i % 25 == 0:
            lines += ["PFCOUNT one", "PFDEBUG ENCODING one", "GET one"]
    lines += ["PFCOUNT one", "GET one", "STRLEN one"]
    # Batches: sparse -> dense at the default hll-sparse-max-bytes.
    for n, batch in enumerate(batches("x", 5000, 100)):
        lines.append("PFADD big " + batch)
        if n % 5 == 0:
            lines += ["PFCOUNT big", "PFDEBUG ENCODING big", "STRLEN big"]
    lines += ["PFCOUNT big", "GET big"]
    # Random binary-safe elements, integers and repeats.
    rnd = random.Random(7)
    for _ in range(20):
        elements = ["r%x" % rnd.getrandbits(48) for _ in range(50)]
        elements += [str(rnd.randint(-10**6, 10**6)) for _ in range(20)]
        lines.append("PFADD rnd " + " ".join(elements))
        lines.append("PFADD rnd " + " ".join(elements[:10]))
    lines += ["PFCOUNT rnd", "GET rnd", "PFDEBUG ENCODING rnd"]
    # Merges of sparse and dense HLLs, in both orders.
    lines += ["PFMERGE m1 one rnd", "GET m1", "PFCOUNT m1", "PFDEBUG ENCODING m1",
              "PFMERGE m2 big one", "GET m2", "PFCOUNT m2",
              "PFMERGE one big", "PFDEBUG ENCODING one", "PFCOUNT one",
              "PFCOUNT big rnd one", "PFCOUNT rnd m1"]
    # Large cardinalities where the estimator's corrections differ.
    for n, batch in enumerate(batches("y", 20000, 500)):
        lines.append("PFADD huge " + batch)
        if n % 8 == 0:
            lines.append("PFCOUNT huge")
    lines += ["PFCOUNT huge", "GET huge", "PFCOUNT huge big"]
    # A smaller sparse limit: promotion at a few hundred bytes.
    lines.append("CONFIG SET hll-sparse-max-bytes 200")
    for n, batch in enumerate(batches("z", 300, 10)):
        lines += ["PFADD small " + batch, "PFDEBUG ENCODING small", "STRLEN small"]
    lines += ["GET small", "PFCOUNT small", "PFMERGE small2 m1", "PFDEBUG ENCODING small2",
              "GET small2", "CONFIG SET hll-sparse-max-bytes 3000"]
    return lines


def crafted_values():
    """HLLs written with SET (as a copy from another server would be): a
    dense one with registers above the sparse limit of 32, read, merged
    into a sparse one (which must turn dense) and added to."""
    lines = []
    regs = [0] * 16384
    rnd = random.Random(11)
    for i in range(0, 16384, 37):
        regs[i] = rnd.randint(1, 63)
    bits = 0
    for i, r in enumerate(regs):
        bits |= r << (6 * i)
    body = bits.to_bytes(12288, "little")
    header = b"HYLL\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80"
    escaped = "".join("\\x%02x" % b for b in header + body)
    lines += ['SET dense "%s"' % escaped, "PFCOUNT dense", "PFDEBUG ENCODING dense",
              "GET dense", "PFADD sp a b c", "PFMERGE sp dense", "PFDEBUG ENCODING sp",
              "GET sp", "PFCOUNT sp", "PFADD dense q w e r t y", "PFCOUNT dense", "GET dense",
              "PFCOUNT dense sp", "PFMERGE fresh dense", "GET fresh"]
    return lines


GENERATORS = {
    "hll_gen_many.txt": many_elements,
    "hll_gen_crafted.txt": crafted_values,
}


if __name__ == "__main__":
    write_cases(GENERATORS, "generate_hll_cases.py")
