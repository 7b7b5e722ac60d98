"""The results store's contract, run on SQLite and on PostgreSQL through the interface only (open_results and
the ResultsStore and ProberLock protocols): rounds, the queries of the status pages, retention, vantage
points, writers in parallel, the prober lock, and StorageError for a store that cannot answer."""

import socket
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest

from mpass_status.checks.results import CheckResult
from mpass_status.checks.store import ProberLock, ResultsStore, StorageError, open_results
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


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def broken_target(request, tmp_path):
    """A store that cannot answer: a SQLite file whose folder is a file, or a PostgreSQL port nobody listens on."""
    if request.param == "sqlite":
        (tmp_path / "taken").write_text("a file where the database's folder should be")
        return tmp_path / "taken" / "status.sqlite3"
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"postgresql://postgres@127.0.0.1:{port}/none"


def test_every_engine_keeps_the_interfaces_promises(results_db):
    assert isinstance(results_db, ResultsStore)
    assert isinstance(results_db.prober_lock(), ProberLock)
    assert results_db.name and isinstance(results_db.shared, bool)


def test_round_round_trips_with_codes_params_and_aware_times(results_db):
    assert results_db.last_round_time() is None and results_db.last_round_by_vantage() == {}
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
    rows += [result(NOW - timedelta(minutes=m), check_id="prod-oidc-jwks") for m in range(2)]
    results_db.insert_round(rows, NOW, NOW)
    recent = results_db.recent_by_check("prod-oidc", limit=4)
    assert [r.time for r in recent["prod-oidc-discovery"]] == [NOW - timedelta(minutes=m) for m in (3, 2, 1, 0)]
    assert len(recent["prod-oidc-jwks"]) == 2
    assert results_db.recent_by_check("wilma") == {}


def test_results_between_and_hourly_counts_leave_out_excluded_windows(results_db):
    rows = [result(NOW - timedelta(minutes=10 * i), "failed" if i < 3 else "ok") for i in range(12)]
    rows.append(result(NOW - timedelta(minutes=5), "unknown", code="network_down", params={}))
    rows.append(result(NOW - timedelta(minutes=5), component="wilma", check_id="prod-authsources"))
    results_db.insert_round(rows, NOW, NOW)
    start = NOW - timedelta(hours=3)
    between = results_db.results_between(start, NOW + timedelta(seconds=1), "prod-oidc")
    assert len(between) == 13 and [r.time for r in between] == sorted(r.time for r in between)
    assert len(results_db.results_between(start, NOW + timedelta(seconds=1))) == 14
    # The end is left out.
    assert len(results_db.results_between(start, NOW, "prod-oidc")) == 12
    counts = results_db.hourly_counts("prod-oidc", start, NOW + timedelta(seconds=1))
    assert sum(n for _, n, _ in counts) == 12 and sum(b for _, _, b in counts) == 3
    assert all(hour.tzinfo is not None and hour.minute == 0 for hour, _, _ in counts)
    window = [(NOW - timedelta(minutes=25), NOW + timedelta(minutes=1))]
    counts = results_db.hourly_counts("prod-oidc", start, NOW + timedelta(seconds=1), window)
    assert sum(n for _, n, _ in counts) == 9 and sum(b for _, _, b in counts) == 0


def test_retention_purge_drops_only_old_results_and_rounds(results_db):
    old, fresh = NOW - timedelta(days=91), NOW - timedelta(days=89)
    results_db.insert_round([result(old)], old, old, vantage="Espoo")
    results_db.insert_round([result(fresh)], fresh, fresh)
    assert results_db.purge(90, NOW) == 1
    remaining = results_db.results_between(NOW - timedelta(days=365), NOW)
    assert [r.time for r in remaining] == [fresh]
    assert results_db.last_round_by_vantage() == {"": fresh}


def test_concurrent_writers_and_a_second_store_of_the_same_target(results_db, results_target):
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
    try:
        assert len(other.results_between(NOW, NOW + timedelta(hours=1))) == 80
        assert other.writable()
    finally:
        other.close()


def test_naive_times_are_refused(results_db):
    with pytest.raises(ValueError):
        results_db.insert_round([result(NOW.replace(tzinfo=None))], NOW, NOW)


def test_a_long_maintenance_history_does_not_grow_the_uptime_query(results_db):
    """Thousands of past maintenance windows (a long archive) once made SQLite refuse the query."""
    rows = [
        CheckResult(NOW - timedelta(minutes=m), "c", "http", "wilma", "production", "u", "ok", 10, "ok")
        for m in range(1, 61)
    ]
    results_db.insert_round(rows, NOW, NOW)
    old = [(NOW - timedelta(days=200 + d), NOW - timedelta(days=200 + d, hours=-2)) for d in range(3000)]
    # Two overlapping windows inside the range count once, joined.
    recent = [(NOW - timedelta(minutes=30), NOW - timedelta(minutes=10)), (NOW - timedelta(minutes=20), NOW)]
    counts = results_db.hourly_counts("wilma", NOW - timedelta(days=90), NOW, old + recent)
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


def test_a_fresh_store_is_writable_once_prepared(results_db):
    results_db.prepare()
    assert results_db.writable()
    assert results_db.recover(StorageError("not one a new store fixes")) is None


def test_one_prober_holds_the_lock_and_a_second_takes_it_once_it_is_released(results_db, results_target):
    first, other_store = results_db.prober_lock(), open_results(results_target)
    second = other_store.prober_lock()
    try:
        assert not results_db.prober_alive()
        assert first.acquire() and first.held
        # Asking again while holding it keeps it.
        assert first.acquire() and first.held
        assert not second.acquire() and not second.held
        assert results_db.prober_alive() and other_store.prober_alive()
        first.release()
        assert not first.held and not results_db.prober_alive()
        assert second.acquire() and second.held
        assert not first.acquire()
        assert results_db.prober_alive()
    finally:
        first.release()
        second.release()
        other_store.close()
    assert not results_db.prober_alive()


def test_a_store_that_cannot_answer_raises_storage_error_quickly(broken_target):
    store = open_results(broken_target)
    began = time.monotonic()
    try:
        with pytest.raises(StorageError) as raised:
            store.last_round_time()
        # Callers print the message: it names the driver's error, which is kept as the cause.
        assert raised.value.__cause__ is not None
        assert str(raised.value).startswith(type(raised.value.__cause__).__name__ + ": ")
        with pytest.raises(StorageError):
            store.insert_round([result(NOW)], NOW, NOW)
        assert not store.writable() and not store.prober_alive()
        assert not store.prober_lock().acquire()
        # Each operation gives up within the store's busy timeout: a page must not hang on it.
        assert time.monotonic() - began < 20
    finally:
        store.close()
