"""INFO's per-command statistics as clients see them: section selection and
counts summed over every event loop."""
import threading


def info_lines(server, *args):
    """INFO's text as lines (redis-py would parse it into a dict)."""
    c = server.client()
    c.response_callbacks["INFO"] = lambda response, **options: response
    return c.execute_command("INFO", *args).decode().splitlines()


def sections(server, *args):
    return [line[2:] for line in info_lines(server, *args) if line.startswith("# ")]


def fields(server, section):
    """name -> value of INFO `section`; "a=1,b=2" values become dicts."""
    out = {}
    for line in info_lines(server, section)[1:]:
        name, _, value = line.partition(":")
        if "=" in value:
            value = {k: int(v) for k, v in (kv.split("=") for kv in value.split(","))
                     if v.isdigit()}
        out[name] = value
    return out


def test_info_sections_like_redis(server):
    default = sections(server)
    assert "Errorstats" in default
    assert "Commandstats" not in default and "Latencystats" not in default
    for name in ("all", "everything"):
        every = sections(server, name)
        for s in ("Commandstats", "Errorstats", "Latencystats"):
            assert s in every
    assert sections(server, "commandstats") == ["Commandstats"]
    assert sections(server, "ERRORSTATS", "latencystats") == ["Errorstats", "Latencystats"]


def test_counts_of_all_loops_are_summed(server):
    """Many clients (spread over both loops) and keys (over both
    partitions): every call and error is counted once."""
    server.client().config_resetstat()
    clients, per_client = 8, 300

    def work(n):
        c = server.client()
        for i in range(per_client):
            c.set("key:%d:%d" % (n, i), i)
        for i in range(10):
            try:
                c.incrby("key:%d:%d" % (n, i), "x")
            except Exception:
                pass

    threads = [threading.Thread(target=work, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stats = fields(server, "commandstats")
    assert stats["cmdstat_set"]["calls"] == clients * per_client
    assert stats["cmdstat_incrby"]["calls"] == clients * 10
    assert stats["cmdstat_incrby"]["failed_calls"] == clients * 10
    assert fields(server, "errorstats")["errorstat_ERR"]["count"] == clients * 10
    totals = fields(server, "stats")
    assert int(totals["total_error_replies"]) == clients * 10
    # CONFIG RESETSTAT and the two INFO calls before count too.
    assert int(totals["total_commands_processed"]) == clients * (per_client + 10) + 1 + 2
