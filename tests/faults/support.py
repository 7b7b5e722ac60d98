"""What the fault-injection tests share: the long-running prober as a deployment runs it, and ways to break things."""

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from mpass_status.standin.config import write_standin_config

from ..helpers import ROOT, wait_for

BIN = Path(sys.executable).parent
# Short intervals, so a test sees in seconds what a deployment sees in a minute.
FAST_PROBE = {
    "retry_interval": 1,
    "failures_to_down": 3,
    "successes_to_up": 2,
    "stale_after_intervals": 3,
    "reference_timeout": 1,
    "slow_ms": 1400,
}


def fast_config(folder: Path, production, test, references, database: Path, **probe) -> Path:
    """Writes a stand-in configuration with 2-second intervals and the given database."""
    return write_standin_config(
        folder / "status.toml",
        production,
        test,
        timeout=1,
        interval=2,
        probe={**FAST_PROBE, "database": str(database), **probe},
        references=references,
    )


def refuse(broker) -> None:
    """Closes a stand-in broker's ports so connections are refused, keeping its CA for the TLS check."""
    broker.stopping.set()
    broker.server.shutdown()
    broker.server.server_close()
    broker.tls_socket.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def site_env(config: Path, notices: Path, database: Path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STATUS_")}
    env.update(
        STATUS_CONFIG=str(config), STATUS_NOTICES=str(notices), STATUS_DATABASE=str(database), PYTHONUNBUFFERED="1"
    )
    env.update(extra)
    return env


@contextmanager
def running(args: list[str], env: dict, log: Path):
    """Runs a command from the checkout with its output in log, and stops it (and its workers) at the end."""
    with log.open("wb") as out:
        process = subprocess.Popen(
            args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            yield process
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()


@contextmanager
def gunicorn(env: dict, log: Path, workers: int = 2):
    """The site under gunicorn as deployed (gunicorn.conf.py), with STATUS_PROBE=1; yields its base URL."""
    port = free_port()
    env = dict(env, STATUS_PROBE="1", BIND=f"127.0.0.1:{port}", WEB_CONCURRENCY=str(workers))
    with running([str(BIN / "gunicorn"), "app:create_app()"], env, log) as process:
        base = f"http://127.0.0.1:{port}"
        wait_for(lambda: answer(base + "/healthz")[0] == 200 or process.poll() is not None, 30)
        assert process.poll() is None, log.read_text()
        yield base


@contextmanager
def watching(env: dict, log: Path):
    """`flask probe --watch` in its own process."""
    with running([str(BIN / "flask"), "--app", "app", "probe", "--watch"], env, log) as process:
        yield process


def answer(url: str) -> tuple[int, bytes]:
    """GETs url and returns (status, body), errors included; (0, b'') when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except OSError:
        return 0, b""


def answer_json(url: str) -> tuple[int, dict]:
    status, body = answer(url)
    return status, json.loads(body) if body else {}


def states(summary: dict) -> dict[str, str]:
    """Returns {component id: Statuspage status} of a summary.json body, groups left out."""
    return {c["id"]: c["status"] for c in summary.get("components", []) if not c["group"]}


def rounds(database: Path) -> int:
    """Returns how many rounds the results database holds (0 while the prober is still creating it)."""
    with sqlite3.connect(database) as db:
        if not db.execute("SELECT 1 FROM sqlite_master WHERE name = 'rounds'").fetchone():
            return 0
        return db.execute("SELECT count(*) FROM rounds").fetchone()[0]


def lock_holder(lock: Path) -> int | None:
    """Returns the pid holding the flock on lock, read from /proc/locks."""
    inode = lock.stat().st_ino
    for line in Path("/proc/locks").read_text().splitlines():
        parts = line.split()
        if len(parts) > 5 and parts[1] == "FLOCK" and parts[5].split(":")[-1] == str(inode):
            return int(parts[4])
    return None


@contextmanager
def tmpfs(folder: Path, size: str, read_only: bool = False):
    """Mounts a small tmpfs at folder (a full or read-only disk for root too); skips where mounting is denied."""
    import pytest

    folder.mkdir(parents=True, exist_ok=True)
    options = f"size={size}" + (",ro" if read_only else "")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)
