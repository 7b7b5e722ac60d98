"""The figures of serving beyond one machine: the live export (against a one-off export, its freshness, torn
reads, a re-export after a probe round on 10,000 notices), a shared cache in front of the app, and a worker's
cold start with and without the parsed notices kept from an earlier start."""

import http.client
import json
import re
import socket
import subprocess
import threading
import time
import xml.etree.ElementTree as ET
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from bench import nginx
from mpass_status.checks.results import CheckResult

ROUND_CHECKS = ("prod-oidc-discovery", "prod-oidc-authorize")


def whole(name: str, body: bytes) -> bool:
    """Tells whether body is a complete file of its kind (what a torn read would not be)."""
    try:
        if name.endswith((".html", "/")):
            return body.rstrip().endswith(b"</html>")
        if name.endswith(".json"):
            json.loads(body)
        elif name.endswith((".rss", ".atom")):
            ET.fromstring(body)
        elif name.endswith(".ics"):
            return body.rstrip().endswith(b"END:VCALENDAR")
    except (ValueError, ET.ParseError):
        return False
    return True


def store_round(db, outcome: str) -> None:
    """Stores a round of the production OIDC checks, as a prober would."""
    now = datetime.now(UTC)
    results = [
        CheckResult(now, check, "oidc", "prod-oidc", "production", "https://x/", outcome, 40, "ok")
        for check in ROUND_CHECKS
    ]
    db.insert_round(results, now, now)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def wait_for_change(path: Path, before: bytes, seconds: float = 10.0) -> float | None:
    """Returns how long until path's bytes differ from before, polled every 5 ms (None: not within seconds)."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        try:
            if path.read_bytes() != before:
                return time.monotonic() - started
        except FileNotFoundError:
            pass
        time.sleep(0.005)
    return None


@contextmanager
def watcher(folder: Path, notices: Path, database: Path, env: dict, bin_dir: Path, root: Path):
    """`flask freeze --watch folder` in its own process; yields once its first full pass is on disk."""
    env = dict(env, STATUS_NOTICES=str(notices), STATUS_DATABASE=str(database))
    args = [str(bin_dir / "flask"), "--app", "app", "freeze", "--watch", str(folder)]
    proc = subprocess.Popen(args, env=env, cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 600
        while not (folder / "404.html").is_file():
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError("the live export did not finish its first pass")
            time.sleep(0.1)
        yield proc
    finally:
        proc.terminate()
        proc.wait(10)


def freshness(folder: Path, notices: Path, slug: str, db, trials: int = 30) -> dict:
    """Lag from a stored round to the exported status JSON, and from a notice edit to its exported page."""
    summary = folder / "api" / "v2" / "summary.json"
    rounds, edits = [], []
    for n in range(trials):
        before = summary.read_bytes()
        # The opposite of what the file says now, so that every round changes it.
        shown = {c["id"]: c["status"] for c in json.loads(before)["components"]}
        store_round(db, "degraded" if shown.get("prod-oidc") == "operational" else "ok")
        lag = wait_for_change(summary, before)
        rounds.append(lag if lag is not None else float("inf"))
        time.sleep(0.1 + (n % 5) * 0.09)  # land at different moments of the watcher's poll
    source, page = notices / f"{slug}.md", folder / "fi" / "notices" / slug / "index.html"
    text = source.read_text(encoding="utf-8")
    for n in range(max(5, trials // 3)):
        before = page.read_bytes()
        marker = f"Muokkaus {n}"
        source.write_text(re.sub(r"(\n  fi: )(.*)", rf"\g<1>{marker} \g<2>", text, count=1), encoding="utf-8")
        lag = wait_for_change(page, before)
        edits.append(lag if lag is not None else float("inf"))
        time.sleep(0.3 + (n % 3) * 0.11)
    source.write_text(text, encoding="utf-8")
    return {
        "round": {"p50": percentile(rounds, 0.5), "p99": percentile(rounds, 0.99), "n": len(rounds)},
        "notice": {"p50": percentile(edits, 0.5), "p99": percentile(edits, 0.99), "n": len(edits)},
    }


class HttpReader(threading.Thread):
    """Fetches every file of an exported folder through nginx, over and over, and counts torn answers."""

    def __init__(self, port: int, folder: Path):
        super().__init__(daemon=True)
        self.port, self.folder, self.stop = port, folder, threading.Event()
        self.reads, self.torn = 0, []

    def paths(self) -> list[str]:
        found = []
        for path in self.folder.rglob("*"):
            if path.is_file() and not path.name.startswith("."):
                found.append("/" + path.relative_to(self.folder).as_posix())
        return found

    def run(self):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        while not self.stop.is_set():
            for path in self.paths():
                connection.request("GET", path)
                response = connection.getresponse()
                body = response.read()
                if response.status == 404:
                    continue  # removed between listing and fetching
                self.reads += 1
                if response.status != 200 or not whole(path, body):
                    self.torn.append(path)


def torn_reads(app, folder: Path, tmp: Path, exports: int = 100) -> dict:
    """Runs `exports` re-exports after a probe round each while a reader fetches every file through nginx."""
    from mpass_status import runtime
    from mpass_status.web.export import Export

    export = Export(app, folder)
    export.full()
    port = free_port()
    conf = nginx.write_conf(tmp, [nginx.static_server(port, folder)], workers=1)
    written = 0
    with nginx_running(conf, port):
        reader = HttpReader(port, folder)
        reader.start()
        db = runtime.results(app)
        for n in range(exports):
            store_round(db, "degraded" if n % 2 == 0 else "ok")
            # The freshness clock asks the database for the newest round at most once a second: ask now.
            runtime.state(app).freshness.probe_round(fresh=True)
            written += len(export.live().written)
        reader.stop.set()
        reader.join(30)
    return {"exports": exports, "written": written, "reads": reader.reads, "torn": len(reader.torn)}


def reexport_after_round(app, folder: Path) -> dict:
    """Times a live pass after a probe round on an archive already exported live once."""
    from mpass_status import runtime
    from mpass_status.web.export import Export

    export = Export(app, folder)
    export.live()  # the live files as of now (and the URL list)
    store_round(runtime.results(app), "degraded")
    runtime.state(app).freshness.probe_round(fresh=True)
    began = time.perf_counter()
    done = export.live()
    return {"seconds": time.perf_counter() - began, "rendered": done.rendered, "written": len(done.written)}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def nginx_running(conf: Path, port: int):
    proc = subprocess.Popen(
        ["nginx", "-c", str(conf), "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("HEAD", "/")
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield proc
    finally:
        proc.terminate()
        proc.wait(10)


def shared_cache(app_base: str, access_log: Path, tmp: Path, paths: list[str], seconds: int, wrk_once) -> dict:
    """Loads paths through nginx proxy_cache in front of the app; returns hit rates and what reached the app."""
    port = free_port()
    cache_tmp = tmp / "proxy"
    cache_tmp.mkdir(exist_ok=True)
    conf = nginx.write_conf(cache_tmp, [nginx.proxy_cache_server(cache_tmp, port, app_base)])
    figures = {}
    with nginx_running(conf, port):
        for path in paths:
            log_before = (cache_tmp / "cache.log").read_text() if (cache_tmp / "cache.log").exists() else ""
            app_before = access_log.read_text()
            run = wrk_once(f"http://127.0.0.1:{port}{path}", seconds)
            time.sleep(0.3)
            cache_lines = (cache_tmp / "cache.log").read_text()[len(log_before) :].splitlines()
            app_lines = access_log.read_text()[len(app_before) :]
            hits = sum(1 for line in cache_lines if line.startswith(("HIT", "UPDATING", "STALE")))
            figures[path] = {
                "rps": run["rps"],
                "requests": len(cache_lines),
                "hit_rate": hits / len(cache_lines) if cache_lines else 0.0,
                "app_requests": len(re.findall(rf'"GET {re.escape(path)} HTTP', app_lines)),
            }
    return figures
