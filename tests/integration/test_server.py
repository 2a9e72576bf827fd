"""Start-up, configuration and command-line behaviour of actis-server."""
import subprocess

from conftest import SERVER


def test_version_and_help():
    out = subprocess.run([SERVER, "--version"], capture_output=True, text=True, timeout=10)
    assert out.returncode == 0 and "v=" in out.stdout
    out = subprocess.run([SERVER, "--help"], capture_output=True, text=True, timeout=10)
    assert out.returncode == 0 and "Usage" in out.stdout + out.stderr


def test_unknown_directive_fails_naming_it():
    out = subprocess.run([SERVER, "--no-such-directive", "1"], capture_output=True, text=True,
                         timeout=10)
    assert out.returncode != 0
    assert "no-such-directive" in out.stdout + out.stderr


def test_config_file_and_flags_override(start_server):
    s = start_server(config_text="maxclients 123\nhz 20\n# a comment\nlatency-tracking yes\n",
                     )
    c = s.client()
    assert c.config_get("maxclients") == {"maxclients": "123"}
    assert c.config_get("hz") == {"hz": "20"}
    s2 = start_server("--maxclients", "77", config_text="maxclients 123\n")
    assert s2.client().config_get("maxclients") == {"maxclients": "77"}


def test_unimplemented_directives_warned_once(start_server):
    s = start_server(config_text="lazyfree-lazy-eviction yes\n")
    assert "lazyfree-lazy-eviction" in s.output()
    assert s.client().config_get("lazyfree-lazy-eviction") == {"lazyfree-lazy-eviction": "yes"}


def test_redis_cli_works(server):
    run = lambda *a: subprocess.run(["redis-cli", "-p", str(server.port), *a],
                                    capture_output=True, text=True, timeout=10).stdout.strip()
    assert run("SET", "greeting", "hello") == "OK"
    assert run("GET", "greeting") == "hello"
    assert run("INCR", "n") == "1"
    assert run("DBSIZE") == "2"
    lines = "".join(f"SET k{i} v{i}\n" for i in range(2000))
    out = subprocess.run(["redis-cli", "-p", str(server.port), "--pipe"], input=lines,
                         capture_output=True, text=True, timeout=30).stdout
    assert "errors: 0, replies: 2000" in out
    assert run("GET", "k1999") == "v1999"


def test_info_sections(server):
    c = server.client()
    c.set("a", 1)
    c.set("b", 2, ex=100)
    info = c.info()
    assert info["redis_version"] == "7.0.15"
    assert info["connected_clients"] >= 1
    assert info["db0"]["keys"] == 2 and info["db0"]["expires"] == 1
    raw = c.execute_command("INFO", "keyspace")
    assert raw["db0"]["keys"] == 2


def test_sigterm_exits_cleanly(start_server):
    s = start_server()
    s.stop()
    assert s.proc.returncode == 0


def test_port_in_use_fails_startup(start_server):
    s = start_server()
    out = subprocess.run([SERVER, "--port", str(s.port), "--bind", "127.0.0.1"],
                         capture_output=True, text=True, timeout=10)
    assert out.returncode != 0
    assert "Address already in use" in out.stdout + out.stderr
    assert s.client().ping()


def test_shutdown_command(start_server):
    s = start_server()
    run = lambda *a: subprocess.run(["redis-cli", "-p", str(s.port), *a], capture_output=True,
                                    text=True, timeout=10).stdout.strip()
    assert run("SHUTDOWN", "ABORT") == "ERR No shutdown in progress."
    assert run("SHUTDOWN", "NOSAVE") == ""
    assert s.proc.wait(10) == 0
    assert "User requested shutdown" in s.output()
