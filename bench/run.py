"""`make bench`: load cost by archive size, and requests per second (median and steadiness) against nginx
serving the export."""

import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
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
    "status API": "/api/v2/summary.json",
}
# Rates are measured in this many 1-second wrk windows a page and server, the servers' windows interleaved.
WINDOWS = 30
# A server is steady on a page when its slowest tenth of windows keeps this share of its median rate.
STEADY = 0.8


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


def windows(urls: dict[str, str], count: int) -> dict[str, dict]:
    """Runs count 1-second wrk windows against each url, the urls in turn so that the shared machine's drift
    hits all alike; returns for each its median rate, the 10th percentile of its windows and their ratio."""
    rates = {name: [] for name in urls}
    for _ in range(count):
        for name, url in urls.items():
            rates[name].append(wrk_once(url, 1)["rps"])
    found = {}
    for name, measured in rates.items():
        median, p10 = statistics.median(measured), statistics.quantiles(measured, n=10)[0]
        found[name] = {"rps": median, "p10": p10, "steady": p10 / median, "windows": measured}
    return found


def serve_side_by_side(build: Path, folders: dict, tmp: Path, urls: dict, count: int) -> dict:
    """Measures each page on nginx serving the export and on gunicorn serving the small and the large archive,
    all three running at once and their windows interleaved; returns {page: {server: figures}}."""
    port = free_port()
    conf = nginx.write_conf(tmp, [nginx.static_server(port, build)])
    results = {}
    with (
        process(["nginx", "-c", str(conf), "-g", "daemon off;"]),
        gunicorn(folders[10], tmp) as small,
        gunicorn(folders[10_000], tmp) as large,
    ):
        wait_for(f"http://127.0.0.1:{port}/fi/", 30)
        bases = {"nginx": f"http://127.0.0.1:{port}", 10: small, 10_000: large}
        for name in PAGES:
            targets = {server: base + urls[10 if server == "nginx" else server][name] for server, base in bases.items()}
            if not all(warm(url) for url in targets.values()):
                continue  # a page this build does not serve is left out, not guessed
            results[name] = windows(targets, count)
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
                warm(f"http://127.0.0.1:{port}/fi/")
                # Rounds run (against the hanging broker, wait) while wrk runs. Eight connections load the
                # server without queueing requests behind its eight handlers (2 workers × 4 threads), so p99 is
                # the page's own.
                figures[label] = wrk(f"http://127.0.0.1:{port}/fi/", seconds, connections=8)
    return figures


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


def row(*cells, widths=(34, 16, 16, 24)) -> str:
    return "  ".join(f"{cell:<{width}}" for cell, width in zip(cells, widths, strict=False))


def steadiness_rows(served: dict) -> list[str]:
    """Returns the table of medians and steadiness, nginx and gunicorn side by side, dips flagged."""
    widths = (12, 12, 14, 14, 14, 10, 8)
    lines = [row("page", "nginx rps", "nginx p10", "dynamic rps", "dynamic p10", "ratio", "", widths=widths)]
    for name, found in served.items():
        ours, theirs = found[10], found["nginx"]
        dips = [server for server, figures in (("nginx", theirs), ("gunicorn", ours)) if figures["steady"] < STEADY]
        cells = (
            name,
            round(theirs["rps"]),
            f"{round(theirs['p10'])} ({theirs['steady']:.2f})",
            round(ours["rps"]),
            f"{round(ours['p10'])} ({ours['steady']:.2f})",
            f"{ours['rps'] / theirs['rps']:.1%}",
            "DIPS: " + ", ".join(dips) if dips else "steady",
        )
        lines.append(row(*cells, widths=widths))
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=5, help="length of each wrk run beyond the windows")
    parser.add_argument("--windows", type=int, default=WINDOWS, help="1-second windows a page and server")
    args = parser.parse_args()
    for tool in ("wrk", "nginx"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is missing: run `make bench`, which installs it")
    with tempfile.TemporaryDirectory(prefix="mpass-bench-") as name:
        tmp = Path(name)
        print(
            f"# make bench, {time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores,"
            f" wrk -t2 -c32 -d{args.seconds}s, median of 3 runs unless told; load average"
            f" {' '.join(f'{load:.2f}' for load in os.getloadavg())}"
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
        rates = serve_side_by_side(build, folders, tmp, urls, args.windows)
        print(f"\n## Requests per second in {args.windows} 1-second windows (wrk -t2 -c32 -d1s) a page and server,")
        print("## interleaved: median and 10th percentile (its share of the median), nginx serving the static")
        print(f"## export and gunicorn.conf.py (2 workers) (targets: front ≥ 15 % of nginx, p10 ≥ {STEADY} of median)")
        print("\n".join(steadiness_rows(rates)))
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

        print(
            "\n## Cost independent of archive size, medians of the windows (target: 10 vs 10,000 notices within 20 %)"
        )
        print(row("page", "10 rps", "10,000 rps", "change"))
        for name, found in rates.items():
            small, large = found[10]["rps"], found[10_000]["rps"]
            print(row(name, round(small), round(large), f"{(large - small) / small:+.1%}"))


if __name__ == "__main__":
    main()
