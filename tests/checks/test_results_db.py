"""The SQLite results store: WAL mode, rounds, the queries of the status pages and retention."""

import sqlite3
import threading
from datetime import UTC, datetime, timedelta

import pytest

from mpass_status.checks.results import CheckResult
from mpass_status.checks.store import ResultsDB
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


def test_schema_is_created_in_wal_mode(results_db, tmp_path):
    assert results_db.journal_mode() == "wal"
    with sqlite3.connect(tmp_path / "status.sqlite3") as raw:
        indexes = {row[0] for row in raw.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    assert "results_component_time" in indexes
    # Opening the same file again keeps what is there.
    results_db.insert_round([result(NOW)], NOW, NOW)
    assert len(ResultsDB(tmp_path / "status.sqlite3").latest_per_check()) == 1


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


def test_concurrent_writers_and_a_second_process_handle(results_db, tmp_path):
    def write(n):
        for i in range(20):
            when = NOW + timedelta(seconds=n * 100 + i)
            results_db.insert_round([result(when, check_id=f"c{n}")], when, when)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    other = ResultsDB(tmp_path / "status.sqlite3")
    assert len(other.results_between(NOW, NOW + timedelta(hours=1))) == 80
    assert other.writable()


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
