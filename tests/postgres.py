"""A throwaway PostgreSQL server for the tests: Debian's `postgresql` binaries, a data folder in a temporary
directory owned by the `postgres` user (the server refuses to run as root), listening on 127.0.0.1 only."""

import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path

import psycopg

_names = itertools.count(1)
# base URL -> how pg_ctl starts and stops that server (restart() of a fault test).
_servers: dict[str, list] = {}


def binaries() -> Path:
    """Returns the folder of the newest installed PostgreSQL's binaries (`make test` installs them)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(p.split("/")[4]))
    if not found:
        raise RuntimeError("PostgreSQL is not installed: `make test` installs Debian's postgresql package")
    return Path(found[-1]).parent


def _as_postgres(args: list, **kwargs):
    # subprocess switches to the user itself (Python 3.9+); HOME must be one the user may read.
    return subprocess.run(args, user="postgres", env={"PATH": "/usr/bin:/bin", "HOME": "/tmp"}, **kwargs)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def server():
    """Starts a server in a temporary folder and yields its base URL; stops it and removes the folder after."""
    folder = Path(tempfile.mkdtemp(prefix="mpass-pg-"))
    user = pwd.getpwnam("postgres")
    os.chown(folder, user.pw_uid, user.pw_gid)
    data, port, bin_dir = folder / "data", _free_port(), binaries()
    try:
        _as_postgres(
            [bin_dir / "initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"],
            check=True,
            capture_output=True,
        )
        options = f"-c listen_addresses=127.0.0.1 -p {port} -k {folder} -c fsync=off -c max_connections=200"
        started = _as_postgres(
            [bin_dir / "pg_ctl", "-D", data, "-o", options, "-l", folder / "server.log", "-w", "-t", "60", "start"],
            capture_output=True,
        )
        if started.returncode != 0:
            log = (folder / "server.log").read_text() if (folder / "server.log").exists() else ""
            raise RuntimeError(f"PostgreSQL did not start: {started.stderr.decode()} {log}")
        base = f"postgresql://postgres@127.0.0.1:{port}"
        _servers[base] = [bin_dir / "pg_ctl", "-D", data, "-o", options, "-l", folder / "server.log", "-w", "-t", "60"]
        yield base
    finally:
        _as_postgres([bin_dir / "pg_ctl", "-D", data, "-m", "immediate", "stop"], capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


def stop(base: str) -> None:
    """Stops the server at base at once, as a crash would (its clients' connections end)."""
    _as_postgres([*_servers[base], "-m", "immediate", "stop"], check=True, capture_output=True)


def start(base: str) -> None:
    """Starts the server at base again after stop(), on the same port and data."""
    _as_postgres([*_servers[base], "start"], check=True, capture_output=True)


def new_database(base: str) -> str:
    """Creates an empty database on the server at base and returns its URL."""
    name = f"status_{os.getpid()}_{next(_names)}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    return f"{base}/{name}"
