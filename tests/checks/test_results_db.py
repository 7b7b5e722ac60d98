"""The results stores, SQLite and PostgreSQL, through one interface: rounds, the queries of the status pages,
retention, vantage points, writers in parallel; and what only SQLite has (WAL mode, an older file's columns)."""

import socket
import sqlite3
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest

from mpass_status.checks.results import CheckResult
from mpass_status.checks.store import open_results
from mpass_status.checks.store_sqlite import SQLiteResults
from mpass_status.status.uptime import daily_series, uptimes

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def result(when, outcome="ok", check_id="prod-oidc-discovery", component="prod-oidc", ms=120, code="ok", params=None):
    return CheckResult(
        when,
        check_id,
        "oidc",
        component,
        "production",
        "https://x.example",
        outcome,
        ms,
        code,
        params if params is not None else {"ms": ms},
    )


def test_schema_is_created_in_wal_mode(tmp_path):
    results_db = SQLiteResults(tmp_path / "status.sqlite3")
    assert results_db.journal_mode() == "wal"
    with sqlite3.connect(tmp_path / "status.sqlite3") as raw:
        indexes = {row[0] for row in raw.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    assert "results_component_time" in indexes
    # Opening the same file again keeps what is there.
    results_db.insert_round([result(NOW)], NOW, NOW)
    assert len(SQLiteResults(tmp_path / "status.sqlite3").latest_per_check()) == 1


def test_round_round_trips_with_codes_params_and_aware_times(results_db):
    assert results_db.last_round_time() is None
    failing = result(NOW, "failed", ms=None, code="timeout", params={"seconds": 10})
    results_db.insert_round([result(NOW - timedelta(minutes=1))], NOW - timedelta(minutes=1), NOW)
    results_db.insert_round(
        [failing, result(NOW, component="wilma", check_id="prod-authsources")], NOW, NOW + timedelta(seconds=3)
    )
    latest = {(r.check_id, r.component): r for r in results_db.latest_per_check()}
    assert latest[("prod-oidc-discovery", "prod-oidc")] == failing
    assert latest[("prod-oidc-discovery", "prod-oidc")].reason == "timeout after 10 s"
    assert results_db.last_round_time() == NOW + timedelta(seconds=3)
    assert results_db.last_round_time().tzinfo is not None


def test_recent_by_check_is_oldest_first_and_limited(results_db):
    rows = [result(NOW - timedelta(minutes=m), "failed" if m % 2 else "ok") for m in range(10)]
    results_db.insert_round(rows, NOW, NOW)
    recent = results_db.recent_by_check("prod-oidc", limit=4)["prod-oidc-discovery"]
    assert [r.time for r in recent] == [NOW - timedelta(minutes=m) for m in (3, 2, 1, 0)]


def test_results_between_and_hourly_counts_leave_out_excluded_windows(results_db):
    rows = [result(NOW - timedelta(minutes=10 * i), "failed" if i < 3 else "ok") for i in range(12)]
    rows.append(result(NOW - timedelta(minutes=5), "unknown", code="network_down", params={}))
    results_db.insert_round(rows, NOW, NOW)
    start = NOW - timedelta(hours=3)
    assert len(results_db.results_between(start, NOW + timedelta(seconds=1), "prod-oidc")) == 13
    counts = results_db.hourly_counts("prod-oidc", start, NOW + timedelta(seconds=1))
    assert sum(n for _, n, _ in counts) == 12 and sum(b for _, _, b in counts) == 3
    window = [(NOW - timedelta(minutes=25), NOW + timedelta(minutes=1))]
    counts = results_db.hourly_counts("prod-oidc", start, NOW + timedelta(seconds=1), window)
    assert sum(n for _, n, _ in counts) == 9 and sum(b for _, _, b in counts) == 0


def test_retention_purge_drops_only_old_results(results_db):
    old, fresh = NOW - timedelta(days=91), NOW - timedelta(days=89)
    results_db.insert_round([result(old)], old, old)
    results_db.insert_round([result(fresh)], fresh, fresh)
    assert results_db.purge(90, NOW) == 1
    remaining = results_db.results_between(NOW - timedelta(days=365), NOW)
    assert [r.time for r in remaining] == [fresh]


def test_concurrent_writers_and_a_second_process_handle(results_db, results_target):
    def write(n):
        for i in range(20):
            when = NOW + timedelta(seconds=n * 100 + i)
            results_db.insert_round([result(when, check_id=f"c{n}")], when, when)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    other = open_results(results_target)
    assert len(other.results_between(NOW, NOW + timedelta(hours=1))) == 80
    assert other.writable()
    other.close()


def test_naive_times_are_refused(results_db):
    with pytest.raises(ValueError):
        results_db.insert_round([result(NOW.replace(tzinfo=None))], NOW, NOW)


def test_a_long_maintenance_history_does_not_grow_the_uptime_query(results_db):
    """Thousands of past maintenance windows (a long archive) once made SQLite refuse the query."""
    from datetime import UTC, datetime, timedelta

    from mpass_status.checks.results import CheckResult

    now = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    rows = [
        CheckResult(now - timedelta(minutes=m), "c", "http", "wilma", "production", "u", "ok", 10, "ok")
        for m in range(1, 61)
    ]
    results_db.insert_round(rows, now, now)
    old = [(now - timedelta(days=200 + d), now - timedelta(days=200 + d, hours=-2)) for d in range(3000)]
    # Two overlapping windows inside the range count once, joined.
    recent = [(now - timedelta(minutes=30), now - timedelta(minutes=10)), (now - timedelta(minutes=20), now)]
    counts = results_db.hourly_counts("wilma", now - timedelta(days=90), now, old + recent)
    assert sum(n for _, n, _ in counts) == 30


def test_hourly_counts_leave_out_maintenance_windows(results_db):
    # One result a minute for two hours; the second hour fails, inside a maintenance window.
    rows = [result(NOW - timedelta(minutes=m), "failed" if m <= 60 else "ok") for m in range(1, 121)]
    results_db.insert_round(rows, NOW, NOW)
    start = NOW - timedelta(days=90)
    assert uptimes(results_db.hourly_counts("prod-oidc", start, NOW), NOW)["24h"] == pytest.approx(0.5)
    windows = [(NOW - timedelta(minutes=61), NOW)]
    excluding = uptimes(results_db.hourly_counts("prod-oidc", start, NOW, windows), NOW)
    assert excluding == {"24h": 1.0, "7d": 1.0, "30d": 1.0, "90d": 1.0}
    series = daily_series(results_db.hourly_counts("prod-oidc", start, NOW), NOW)
    assert (series[-1]["level"], series[-1]["failed"]) == ("down", 60)


def test_results_carry_their_vantage_point_and_each_one_keeps_its_own_history(results_db):
    for minutes in range(6):
        when = NOW - timedelta(minutes=minutes)
        results_db.insert_round([result(when, "failed")], when, when, vantage="Espoo")
        results_db.insert_round([result(when)], when, when + timedelta(seconds=5), vantage="Oulu")
    latest = {r.vantage: r for r in results_db.latest_per_check()}
    assert set(latest) == {"Espoo", "Oulu"} and latest["Espoo"].outcome == "failed"
    assert latest["Oulu"].outcome == "ok" and latest["Oulu"].time == NOW
    # The thresholds read the newest `limit` results of each vantage point, not of both together.
    recent = results_db.recent_by_check("prod-oidc", limit=3)["prod-oidc-discovery"]
    assert sorted(r.vantage for r in recent) == ["Espoo"] * 3 + ["Oulu"] * 3
    assert [r.time for r in recent] == sorted(r.time for r in recent)
    assert results_db.last_round_by_vantage() == {"Espoo": NOW, "Oulu": NOW + timedelta(seconds=5)}
    assert results_db.last_round_time() == NOW + timedelta(seconds=5)


def test_a_file_from_before_vantage_points_gains_the_column_and_keeps_its_results(tmp_path):
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as old:
        old.executescript(
            "CREATE TABLE rounds (id TEXT PRIMARY KEY, started TEXT NOT NULL, finished TEXT NOT NULL,"
            " checks INTEGER NOT NULL, network_down INTEGER NOT NULL DEFAULT 0);"
            "CREATE TABLE results (id INTEGER PRIMARY KEY, round_id TEXT NOT NULL, time TEXT NOT NULL,"
            " check_id TEXT NOT NULL, kind TEXT NOT NULL, component TEXT NOT NULL, environment TEXT NOT NULL,"
            " target TEXT NOT NULL, outcome TEXT NOT NULL, response_ms INTEGER, code TEXT NOT NULL,"
            " params TEXT NOT NULL DEFAULT '{}', reason TEXT NOT NULL);"
            "INSERT INTO results VALUES (1, 'r', '2026-03-02T11:59:00.000000Z', 'prod-oidc-discovery', 'oidc',"
            " 'prod-oidc', 'production', 'https://x', 'ok', 100, 'ok', '{}', 'answered');"
        )
    store = SQLiteResults(path)
    assert [(r.vantage, r.outcome) for r in store.latest_per_check()] == [("", "ok")]
    store.insert_round([result(NOW)], NOW, NOW, vantage="Espoo")
    assert {r.vantage for r in store.latest_per_check()} == {"", "Espoo"}


def test_an_unreachable_postgresql_server_is_a_storage_error_quickly(tmp_path):
    from mpass_status.checks.store import STORAGE_ERRORS

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    store = open_results(f"postgresql://postgres@127.0.0.1:{port}/none")
    began = time.monotonic()
    with pytest.raises(STORAGE_ERRORS):
        store.last_round_time()
    assert not store.writable() and not store.prober_alive()
    assert time.monotonic() - began < 15
    assert store.name == f"postgresql://127.0.0.1:{port}/none"
    store.close()
