"""Runs check rounds concurrently, schedules them by interval and offers the `flask probe` command."""

import fcntl
import os
import sqlite3
import threading
import time
from concurrent.futures import ThreadPoolExecutor, wait
from datetime import UTC, datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from mpass_status.check_results import CheckResult, Finding, failed
from mpass_status.checks_config import parse_checks, parse_probe
from mpass_status.checks_http import (
    CheckFailed,
    _seconds,
    check_authsources,
    check_http,
    check_oidc,
)
from mpass_status.checks_saml_tls import check_saml, check_tls
from mpass_status.config import SiteConfig, load_config
from mpass_status.results_db import ResultsDB

# Grace after a check's timeout before the round gives up waiting on its thread.
HARD_MARGIN = 0.5


def _now() -> datetime:
    return datetime.now(UTC)


def _finding(check, deadline, now, probe) -> Finding:
    try:
        if check.kind == "http":
            found = check_http(check, deadline)
        elif check.kind == "oidc":
            found = check_oidc(check, deadline)
        elif check.kind == "authsources":
            found = check_authsources(check, deadline)
        elif check.kind == "saml":
            found = check_saml(check, deadline, now, probe.warn_days)
        else:
            found = check_tls(check, deadline, now, probe.warn_days)
    except CheckFailed as exc:
        return exc.finding
    except Exception as exc:  # noqa: BLE001 - a check must never stop the prober
        return failed("internal_error", detail=f"{type(exc).__name__}: {exc}"[:160])
    if found.outcome == "ok" and found.response_ms is not None and found.response_ms > check.slow_ms:
        return Finding(
            "degraded",
            "slow",
            {"ms": found.response_ms, "limit": check.slow_ms},
            found.response_ms,
            per_component=found.per_component,
        )
    return found


def _results(check, found: Finding, when) -> list[CheckResult]:
    return [
        CheckResult(
            time=when,
            check_id=check.id,
            kind=check.kind,
            component=component,
            environment=check.environment,
            target=check.url,
            outcome=found.per_component.get(component, found).outcome,
            response_ms=found.response_ms,
            code=found.per_component.get(component, found).code,
            params=found.per_component.get(component, found).params,
            network_error=found.network_error,
        )
        for component in check.components
    ]


def run_check(check, probe, now=None) -> list[CheckResult]:
    """Runs one check within its timeout and returns one result per component it covers."""
    now = now or _now()
    found = _finding(check, time.monotonic() + check.timeout, now, probe)
    return _results(check, found, now)


def run_checks(checks, probe, now=None) -> list[CheckResult]:
    """Runs checks concurrently with hard timeouts and applies the own-network-down rule."""
    now = now or _now()
    if not checks:
        return []
    pool = ThreadPoolExecutor(max_workers=min(16, len(checks)), thread_name_prefix="probe")
    futures = {pool.submit(run_check, check, probe, now): check for check in checks}
    wait(futures, timeout=max(c.timeout for c in checks) + HARD_MARGIN)
    # A thread stuck past its deadline is left to finish on its own; the round does not wait.
    pool.shutdown(wait=False, cancel_futures=True)
    results = []
    for future, check in futures.items():
        if future.done() and not future.cancelled():
            results.extend(future.result())
        else:
            results.extend(_results(check, failed("timeout", seconds=_seconds(check.timeout)), now))
    # One unreachable target says little; every target of the round unreachable points at us.
    if len({r.check_id for r in results}) > 1 and all(r.network_error for r in results):
        results = [r.with_(outcome="unknown", code="network_down", params={}) for r in results]
    return results


def site_config_of(app_or_config) -> SiteConfig:
    """Returns the SiteConfig of an app (extension, STATUS_CONFIG or STATUS_CONFIG_PATH) or passes one through."""
    if isinstance(app_or_config, SiteConfig):
        return app_or_config
    app = app_or_config
    config = app.extensions.get("status_config") or app.config.get("STATUS_CONFIG")
    if isinstance(config, SiteConfig):
        return config
    path = config or app.config.get("STATUS_CONFIG_PATH") or os.environ.get("STATUS_CONFIG")
    return load_config(path or "status.toml")


def database_path(app_or_config) -> Path:
    """Returns the results database path: app.config['DATABASE'] if set, else [probe] database."""
    if not isinstance(app_or_config, SiteConfig) and app_or_config.config.get("DATABASE"):
        return Path(app_or_config.config["DATABASE"])
    return parse_probe(site_config_of(app_or_config)).database


def open_db(app_or_config) -> ResultsDB:
    """Opens (creating on first use) the results database of an app or configuration, once per app."""
    if isinstance(app_or_config, SiteConfig):
        return ResultsDB(database_path(app_or_config))
    path = database_path(app_or_config)
    # ResultsDB opens a connection per operation, so one instance serves every thread of the app.
    db = app_or_config.extensions.get("results_db")
    if db is None or db.path != path:
        db = app_or_config.extensions["results_db"] = ResultsDB(path)
    return db


def run_round(app_or_config, db: ResultsDB, checks=None, now=None) -> list[CheckResult]:
    """Runs the given (default: all) checks once, stores the round, purges old results and returns them."""
    config = site_config_of(app_or_config)
    probe = parse_probe(config)
    checks = parse_checks(config) if checks is None else checks
    started = now or _now()
    results = run_checks(checks, probe, started)
    network_down = bool(results) and all(r.outcome == "unknown" for r in results)
    db.insert_round(results, started, _now() if now is None else now, network_down)
    db.purge(probe.retention_days, started)
    return results


def watch(app_or_config, db: ResultsDB, stop: threading.Event, on_round=None):
    """Runs each check at its own interval until stop is set."""
    checks = parse_checks(site_config_of(app_or_config))
    due = {check.id: 0.0 for check in checks}
    while not stop.is_set() and checks:
        moment = time.monotonic()
        ready = [check for check in checks if due[check.id] <= moment]
        if ready:
            for check in ready:
                due[check.id] = moment + check.interval
            results = run_round(app_or_config, db, ready)
            if on_round:
                on_round(results)
        stop.wait(max(0.05, min(due.values()) - time.monotonic()))


def start_background(app, stop: threading.Event | None = None):
    """Starts the scheduler in a daemon thread unless another process holds the lock; returns the thread or None."""
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    # Held open for the thread's whole life: closing it releases the lock.
    lock = open(Path(app.instance_path) / "prober.lock", "a+")  # noqa: SIM115
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        lock.close()
        return None
    db = open_db(app)
    config = site_config_of(app)
    stop = stop or threading.Event()

    def run():
        try:
            watch(config, db, stop)
        finally:
            # Releasing on exit lets another worker take over the probing.
            lock.close()

    thread = threading.Thread(target=run, name="prober", daemon=True)
    thread.stop_event = stop
    thread.start()
    return thread


def format_table(results) -> str:
    """Returns results as a plain text table for the terminal."""
    rows = [("CHECK", "COMPONENT", "OUTCOME", "MS", "REASON")]
    rows += [
        (r.check_id, r.component, r.outcome, "" if r.response_ms is None else str(r.response_ms), r.reason)
        for r in results
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    return "\n".join("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:4])) + "  " + row[4] for row in rows)


@click.command("probe")
@with_appcontext
@click.option("--watch", "keep_watching", is_flag=True, help="Run checks at their intervals until interrupted.")
def probe_command(keep_watching):
    """Runs one round of broker checks and prints the results (or keeps running with --watch)."""
    app = current_app._get_current_object()
    db = open_db(app)
    if not keep_watching:
        click.echo(format_table(run_round(app, db)))
        return
    stop = threading.Event()
    try:
        watch(app, db, stop, on_round=lambda results: click.echo(format_table(results) + "\n"))
    except KeyboardInterrupt:
        stop.set()


def init_app(app):
    """Registers the `flask probe` command and tells the page cache when a new round has landed."""
    app.cli.add_command(probe_command)
    # The page cache asks on every request; the database is asked at most every STATUS_VERSION_SECONDS.
    every = app.config.get("STATUS_VERSION_SECONDS", 1.0)
    memo = {"value": "", "checked": float("-inf")}

    def status_version() -> str:
        if time.monotonic() - memo["checked"] >= every:
            memo["value"], memo["checked"] = _status_version(app), time.monotonic()
        return memo["value"]

    app.extensions["status_version"] = status_version


def _status_version(app) -> str:
    # A broken results file must not take the notice pages down with it.
    try:
        return str(open_db(app).last_round_time())
    except (sqlite3.Error, OSError):
        return ""
