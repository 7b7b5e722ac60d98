"""`make bench`: load cost by archive size, and requests per second against nginx serving the export."""

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from bench import live, nginx
from bench.synthetic_notices import write_archive
from mpass_status.standin.broker import StandinBroker
from mpass_status.standin.config import write_standin_config
from mpass_status.standin.reference import StandinReference

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BIN = Path(PYTHON).parent
SIZES = (10, 1_000, 10_000)
PAGES = {
    "front page": "/fi/",
    "notice page": "/fi/notices/{slug}/",
    "archive": "/fi/archive/",
    "RSS feed": "/fi/feed.rss",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


@contextmanager
def process(args, env=None, cwd=ROOT):
    proc = subprocess.Popen(args, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield proc
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


def wrk_once(url: str, seconds: int, connections: int = 32) -> dict:
    """Runs wrk against url once and returns requests per second and latency percentiles in ms."""
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    figures = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))}
    for percent, value, unit in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", out, re.M):
        figures[f"p{percent}_ms"] = float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    figures["errors"] = int(errors.group(1)) if errors else 0
    return figures


def median_run(runs: list[dict]) -> dict:
    """Returns the run with the median requests per second: one run on a shared machine is noisy."""
    return sorted(runs, key=lambda figures: figures["rps"])[len(runs) // 2]


def wrk(url: str, seconds: int, runs: int = 3, connections: int = 32) -> dict:
    """Runs wrk several times and returns the median run."""
    return median_run([wrk_once(url, seconds, connections) for _ in range(runs)])


def measure_load(folder: Path) -> dict:
    out = subprocess.run(
        [PYTHON, "-m", "bench.measure_load", str(folder)], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout)


def site_env(folder: Path, tmp: Path, extra: dict | None = None) -> dict:
    return dict(
        os.environ,
        STATUS_NOTICES=str(folder),
        STATUS_DATABASE=str(tmp / "bench.sqlite3"),
        **(extra or {}),
    )


@contextmanager
def gunicorn(folder: Path, tmp: Path):
    """Serves the site on folder with gunicorn.conf.py (2 workers); yields its base URL."""
    port = free_port()
    args = [str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}", "app:create_app()"]
    with process(args, env=site_env(folder, tmp)):
        wait_for(f"http://127.0.0.1:{port}/fi/", 120)
        yield f"http://127.0.0.1:{port}"


def warm(url: str) -> bool:
    """Requests url until every worker has rendered it; False when the site does not serve it."""
    try:
        for _ in range(8):
            urllib.request.urlopen(url, timeout=30).close()
    except OSError:
        return False
    return True


def serve_dynamic(folders: dict, tmp: Path, urls: dict, seconds: int) -> dict:
    """Measures each page of the small and the large archive, their runs interleaved against drift."""
    results = {size: {} for size in folders}
    with gunicorn(folders[10], tmp) as small, gunicorn(folders[10_000], tmp) as large:
        bases = {10: small, 10_000: large}
        for name in PAGES:
            if not all(warm(bases[size] + urls[size][name]) for size in folders):
                continue  # a page this build does not serve is left out, not guessed
            runs = {size: [] for size in folders}
            for _ in range(3):
                for size in folders:
                    runs[size].append(wrk_once(bases[size] + urls[size][name], seconds))
            for size in folders:
                results[size][name] = median_run(runs[size])
    return results


def export_site(folder: Path, tmp: Path) -> Path:
    build = tmp / "build"
    env = site_env(folder, tmp)
    subprocess.run(
        [str(BIN / "flask"), "--app", "app", "freeze", str(build)], env=env, cwd=ROOT, check=True, capture_output=True
    )
    return build


def latency_while_broker_hangs(folder: Path, tmp: Path, seconds: int) -> dict:
    """Front page latency under load with the prober running, against a healthy and then a hanging broker."""
    figures = {}
    with (
        StandinBroker(hang_seconds=60) as production,
        StandinBroker() as test,
        StandinReference() as first_reference,
        StandinReference() as second_reference,
    ):
        for label in ("healthy broker", "hanging broker"):
            if label == "hanging broker":
                for target in ("discovery", "jwks", "metadata", "authnsources", "authorize"):
                    production.set_fault(target, "hang")
            config = write_standin_config(
                tmp / f"status-{label[0]}.toml",
                production,
                test,
                timeout=10,
                interval=15,
                probe={"database": str(tmp / f"probe-{label[0]}.sqlite3")},
                references=(first_reference, second_reference),
            )
            port = free_port()
            env = site_env(folder, tmp, {"STATUS_CONFIG": str(config), "STATUS_PROBE": "1"})
            env["STATUS_DATABASE"] = str(tmp / f"probe-{label[0]}.sqlite3")
            args = [str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}", "app:create_app()"]
            with process(args, env=env):
                wait_for(f"http://127.0.0.1:{port}/fi/", 120)
                # Rounds run (against the hanging broker, wait) while wrk runs. Eight connections load the
                # server without queueing requests behind its four handlers, so p99 is the page's own.
                figures[label] = wrk(f"http://127.0.0.1:{port}/fi/", seconds, connections=8)
    return figures


def serve_static(build: Path, tmp: Path, urls: dict, seconds: int) -> dict:
    port = free_port()
    conf = nginx.write_conf(tmp, [nginx.static_server(port, build)])
    with process(["nginx", "-c", str(conf), "-g", "daemon off;"]):
        wait_for(f"http://127.0.0.1:{port}/fi/", 30)
        return {name: wrk(f"http://127.0.0.1:{port}{path}", seconds) for name, path in urls.items()}


@contextmanager
def gunicorn_logged(folder: Path, tmp: Path, access_log: Path):
    """Serves the site on folder with gunicorn.conf.py, its access log in access_log; yields its base URL."""
    port = free_port()
    args = [str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--access-logfile", str(access_log)]
    with process([*args, "app:create_app()"], env=site_env(folder, tmp)):
        wait_for(f"http://127.0.0.1:{port}/fi/", 120)
        yield f"http://127.0.0.1:{port}"


def live_against_one_off(folder: Path, build: Path, tmp: Path, slug: str, seconds: int) -> dict:
    """nginx serving the live export (rounds landing each second) against nginx serving a one-off export, and
    the live export's freshness."""
    from mpass_status.checks.store import open_results

    notices, database, exported = tmp / "notices-live", tmp / "live.sqlite3", tmp / "live-export"
    shutil.copytree(folder, notices)
    db = open_results(database)
    live.store_round(db, "ok")
    figures = {}
    with live.watcher(exported, notices, database, dict(os.environ), BIN, ROOT):
        ports = {"one-off export": free_port(), "live export": free_port()}
        place = tmp / "nginx-live"
        place.mkdir()
        servers = [
            nginx.static_server(ports["one-off export"], build),
            nginx.static_server(ports["live export"], exported),
        ]
        conf = nginx.write_conf(place, servers)
        stop = threading.Event()

        def rounds():
            n = 0
            while not stop.wait(1.0):
                live.store_round(db, "degraded" if n % 2 == 0 else "ok")
                n += 1

        writer = threading.Thread(target=rounds, daemon=True)
        with live.nginx_running(conf, ports["live export"]):
            writer.start()
            runs = {name: [] for name in ports}
            for _ in range(3):
                for name, port in ports.items():
                    runs[name].append(wrk_once(f"http://127.0.0.1:{port}/fi/", seconds))
            stop.set()
            writer.join()
        figures["rps"] = {name: median_run(found)["rps"] for name, found in runs.items()}
        figures["freshness"] = live.freshness(exported, notices, slug, db)
    return figures


def app_on(folder: Path, database: Path):
    from app import create_app

    return create_app({"NOTICES_DIR": str(folder), "DATABASE": str(database)})


def row(*cells) -> str:
    return "  ".join(f"{cell:<{width}}" for cell, width in zip(cells, (34, 16, 16, 24), strict=False))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=5, help="length of each wrk run")
    args = parser.parse_args()
    for tool in ("wrk", "nginx"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is missing: run `make bench`, which installs it")
    with tempfile.TemporaryDirectory(prefix="mpass-bench-") as name:
        tmp = Path(name)
        print(
            f"# make bench, {time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores,"
            f" wrk -t2 -c32 -d{args.seconds}s, median of 3 runs"
        )
        print("\n## Loading the notices: first start, and a restart with the parses kept (target: 10,000 in")
        print("## under 3 s and 150 MB at first, under 1 s on a restart)")
        print(row("archive", "first load s", "restart load s", "peak RSS MB (first/restart)"))
        folders, urls, middle = {}, {}, {}
        for size in SIZES:
            folders[size] = tmp / f"notices-{size}"
            slugs = write_archive(folders[size], size)
            middle[size] = slugs[len(slugs) // 2]
            urls[size] = {name: path.format(slug=middle[size]) for name, path in PAGES.items()}
            first, again = measure_load(folders[size]), measure_load(folders[size])
            memory = f"{first['peak_rss_mb']} / {again['peak_rss_mb']}"
            print(row(f"{size} notices", first["load_s"], again["load_s"], memory))

        build = export_site(folders[10], tmp)
        static = serve_static(build, tmp, urls[10], args.seconds)
        dynamic = serve_dynamic({size: folders[size] for size in (10, 10_000)}, tmp, urls, args.seconds)

        print("\n## Requests per second (gunicorn.conf.py: 2 workers) against nginx serving the static export")
        print(row("page", "nginx rps", "dynamic rps", "ratio (target ≥ 7 % front)"))
        for name in PAGES:
            if name in static and name in dynamic[10]:
                ratio = dynamic[10][name]["rps"] / static[name]["rps"]
                print(row(name, round(static[name]["rps"]), round(dynamic[10][name]["rps"]), f"{ratio:.1%}"))
        hang = latency_while_broker_hangs(folders[10], tmp, args.seconds)
        print("\n## Front page latency while the prober checks the broker, wrk -c8 (target: p99 < 50 ms, hanging)")
        print(row("broker", "rps", "p50 ms", "p99 ms"))
        for label, figures in hang.items():
            print(row(label, round(figures["rps"]), figures.get("p50_ms"), figures.get("p99_ms")))

        print(
            "\n## Live export: nginx serving it, rounds landing every second, against a one-off export (target ≈ 1.0)"
        )
        beyond = live_against_one_off(folders[10], build, tmp, middle[10], args.seconds)
        print(row("front page", "one-off rps", "live rps", "ratio"))
        rps = beyond["rps"]
        ratio = rps["live export"] / rps["one-off export"]
        print(row("/fi/", round(rps["one-off export"]), round(rps["live export"]), f"{ratio:.2f}"))
        print("\n## Freshness: a stored round or a notice edit to the exported file (target: p99 < 2 s)")
        print(row("change", "p50 s", "p99 s", "trials"))
        for name, lag in beyond["freshness"].items():
            print(
                row(
                    "probe round" if name == "round" else "notice edit",
                    f"{lag['p50']:.2f}",
                    f"{lag['p99']:.2f}",
                    lag["n"],
                )
            )

        torn_folder = tmp / "notices-torn"
        shutil.copytree(folders[10], torn_folder)
        (tmp / "nginx-torn").mkdir()
        torn = live.torn_reads(app_on(torn_folder, tmp / "torn.sqlite3"), tmp / "torn-export", tmp / "nginx-torn")
        print("\n## Torn reads: every file fetched through nginx in a loop during 100 re-exports (target: 0)")
        print(row("re-exports", "files written", "reads", "torn"))
        print(row(torn["exports"], torn["written"], torn["reads"], torn["torn"]))

        redo = live.reexport_after_round(app_on(folders[10_000], tmp / "reexport.sqlite3"), tmp / "export-10000")
        print("\n## Re-export after a probe round, 10,000 notices, only changed files (target: under 1 s)")
        print(row("seconds", "rendered", "written"))
        print(row(f"{redo['seconds']:.3f}", redo["rendered"], redo["written"]))

        print("\n## Shared cache: nginx proxy_cache in front of gunicorn, wrk -c32 (what reaches the app)")
        print(row("address", "rps", "hit rate", "requests / to the app"))
        access = tmp / "access.log"
        access.touch()
        with gunicorn_logged(folders[10], tmp, access) as base:
            paths = ["/fi/", urls[10]["notice page"], "/fi/feed.rss", "/api/v2/summary.json"]
            cached = live.shared_cache(base, access, tmp, paths, args.seconds, wrk_once)
        for path, found in cached.items():
            served = f"{found['requests']} / {found['app_requests']}"
            print(row(path[:34], round(found["rps"]), f"{found['hit_rate']:.2%}", served))

        print("\n## Cost independent of archive size (target: 10 vs 10,000 notices within 20 %)")
        print(row("page", "10 rps", "10,000 rps", "change"))
        for name in ("front page", "RSS feed", "archive", "notice page"):
            if name in dynamic[10] and name in dynamic[10_000]:
                small, large = dynamic[10][name]["rps"], dynamic[10_000][name]["rps"]
                print(row(name, round(small), round(large), f"{(large - small) / small:+.1%}"))


if __name__ == "__main__":
    main()
