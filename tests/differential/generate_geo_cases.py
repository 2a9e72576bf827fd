"""Writes cases/geo_gen_*.txt: GEO sets of random points (listpack and
skiplist encodings) searched around random centres with every shape, unit
and sort, so that the cells Redis scans, the members it finds, their order
and every printed digit are compared.

Run `/usr/bin/python3 tests/differential/generate_geo_cases.py` after
changing this script and commit the regenerated files with it.
"""

import random

from generate_cases import write_cases

UNITS = ["m", "km", "mi", "ft"]


def add_points(rnd, key, n, lon, lat, spread):
    lines = []
    batch = []
    for i in range(n):
        x = max(-180, min(180, lon + rnd.uniform(-spread, spread)))
        y = max(-85, min(85, lat + rnd.uniform(-spread / 2, spread / 2)))
        batch.append("%.6f %.6f %s:%d" % (x, y, key, i))
        if len(batch) == 20:
            lines.append("GEOADD %s %s" % (key, " ".join(batch)))
            batch = []
    if batch:
        lines.append("GEOADD %s %s" % (key, " ".join(batch)))
    return lines


def searches(rnd, key, lon, lat, spread, rounds):
    lines = []
    for _ in range(rounds):
        x = max(-180, min(180, lon + rnd.uniform(-spread, spread)))
        y = max(-85, min(85, lat + rnd.uniform(-spread / 2, spread / 2)))
        unit = rnd.choice(UNITS)
        scale = {"m": 1000, "km": 1, "mi": 0.62, "ft": 3280}[unit]
        size = rnd.choice([1, 5, 20, 100, 500, 3000]) * scale
        sort = rnd.choice(["", "ASC", "DESC"])
        count = rnd.choice(["", "", "COUNT 3", "COUNT 10 ANY", "COUNT 1"])
        withs = rnd.choice(["", "WITHDIST", "WITHCOORD", "WITHDIST WITHHASH WITHCOORD"])
        if rnd.random() < 0.5:
            shape = "BYRADIUS %s %s" % (size, unit)
        else:
            shape = "BYBOX %s %s %s" % (size, round(size * rnd.uniform(0.2, 3), 3), unit)
        # Unsorted replies with ANY depend on the scan order; sorted ones on
        # the distances: both must match.
        lines.append("GEOSEARCH %s FROMLONLAT %.5f %.5f %s %s %s %s"
                     % (key, x, y, shape, sort, count, withs))
        if rnd.random() < 0.3:
            lines.append("GEORADIUS %s %.5f %.5f %s %s %s %s %s"
                         % (key, x, y, size, unit, sort, count, withs))
        if rnd.random() < 0.2:
            member = "%s:%d" % (key, rnd.randrange(50))
            lines.append("GEORADIUSBYMEMBER %s %s %s %s %s %s"
                         % (key, member, size, unit, sort, withs))
            lines.append("GEOSEARCHSTORE st %s FROMMEMBER %s %s %s STOREDIST"
                         % (key, member, shape, count))
            lines.append("GEOSEARCH st FROMMEMBER %s BYRADIUS 1 m" % member)
    return lines


def random_searches():
    rnd = random.Random(2026)
    lines = []
    regions = [("eu", 10, 50, 20, 60), ("city", 2.35, 48.85, 0.2, 100),
               ("pole", 20, 82, 40, 40), ("date", 179, -10, 4, 40),
               ("world", 0, 0, 180, 200), ("south", -60, -70, 30, 40)]
    for key, lon, lat, spread, n in regions:
        lines += add_points(rnd, key, n, lon, lat, spread)
        lines.append("OBJECT ENCODING %s" % key)
        lines.append("GEOHASH %s %s" % (key, " ".join("%s:%d" % (key, i) for i in range(0, n, 7))))
        lines.append("GEOPOS %s %s" % (key, " ".join("%s:%d" % (key, i) for i in range(0, n, 9))))
        lines.append("GEODIST %s %s:0 %s:1 km" % (key, key, key))
        lines += searches(rnd, key, lon, lat, spread, 25)
    return lines


GENERATORS = {"geo_gen_searches.txt": random_searches}


if __name__ == "__main__":
    write_cases(GENERATORS, "generate_geo_cases.py")
