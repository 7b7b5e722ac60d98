"""What only one engine of the results store has: SQLite's WAL mode, the columns an older file gains and a
corrupt file moved aside; PostgreSQL's prober lock per vantage point; and that only the engines name their
drivers, so a site on SQLite never loads PostgreSQL's."""

import ast
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime

import pytest

from mpass_status.checks.results import CheckResult
from mpass_status.checks.store import StorageError, open_results

from ..helpers import ROOT

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
PACKAGE = ROOT / "mpass_status"
# Each driver and the engines that may import it: the results store's, and the e-mail subscriptions' (notify/).
DRIVERS = {
    "sqlite3": ("checks/store/sqlite.py", "notify/store_sqlite.py", "notify/alert_state.py"),
    "psycopg": ("checks/store/postgres.py", "notify/store_postgres.py", "notify/alert_state_postgres.py"),
}


def result(when):
    return CheckResult(when, "prod-oidc-discovery", "oidc", "prod-oidc", "production", "https://x", "ok", 1, "ok")


def test_a_sqlite_file_is_created_in_wal_mode_with_its_indexes(tmp_path):
    store = open_results(tmp_path / "status.sqlite3")
    assert store.journal_mode() == "wal"
    with sqlite3.connect(tmp_path / "status.sqlite3") as raw:
        indexes = {row[0] for row in raw.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    assert {"results_component_time", "results_check_time", "rounds_finished"} <= indexes
    # Opening the same file again keeps what is there.
    store.insert_round([result(NOW)], NOW, NOW)
    assert len(open_results(tmp_path / "status.sqlite3").latest_per_check()) == 1


def test_a_sqlite_file_from_before_vantage_points_gains_the_column_and_keeps_its_results(tmp_path):
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
    store = open_results(path)
    assert [(r.vantage, r.outcome) for r in store.latest_per_check()] == [("", "ok")]
    store.insert_round([result(NOW)], NOW, NOW, vantage="Espoo")
    assert {r.vantage for r in store.latest_per_check()} == {"", "Espoo"}


def test_a_corrupt_sqlite_file_is_a_storage_error_to_readers_and_moved_aside_by_the_prober(tmp_path):
    path = tmp_path / "status.sqlite3"
    path.write_bytes(b"not a database, " * 512)
    reader = open_results(path)
    with pytest.raises(StorageError) as raised:
        reader.latest_per_check()
    assert isinstance(raised.value.__cause__, sqlite3.DatabaseError)
    # Readers leave the file to the writer.
    assert path.read_bytes().startswith(b"not a database")
    prober = open_results(path)
    prober.prepare()
    aside = list(tmp_path.glob("status.sqlite3.corrupt-*"))
    assert len(aside) == 1 and aside[0].read_bytes().startswith(b"not a database")
    prober.insert_round([result(NOW)], NOW, NOW)
    assert prober.last_round_time() == NOW and reader.last_round_time() == NOW


@pytest.mark.parametrize("damage", ["deleted", "emptied"])
def test_a_sqlite_file_deleted_or_emptied_under_a_running_site_is_made_again(tmp_path, damage):
    path = tmp_path / "status.sqlite3"
    prober, reader = open_results(path), open_results(path)
    prober.insert_round([result(NOW)], NOW, NOW)
    assert reader.last_round_time() == NOW
    if damage == "deleted":
        for companion in tmp_path.glob("status.sqlite3*"):
            if companion.name != "status.sqlite3-wal":
                companion.unlink()  # the WAL of the old file stays behind: it must not be replayed into the new one
    else:
        path.write_bytes(b"")
    # Both a reader and the prober find the tables again, not "no such table" from then on.
    assert reader.last_round_time() is None and reader.writable()
    later = NOW.replace(minute=1)
    prober.insert_round([result(later)], later, later)
    assert reader.last_round_time() == later and prober.latest_per_check()[0].time == later


def test_a_sqlite_file_whose_tables_were_dropped_is_not_writable_until_the_prober_makes_them_again(tmp_path):
    path = tmp_path / "status.sqlite3"
    prober, reader = open_results(path), open_results(path)
    prober.insert_round([result(NOW)], NOW, NOW)
    assert reader.writable()
    with sqlite3.connect(path) as raw:
        raw.executescript("DROP TABLE results; DROP TABLE rounds;")
    # /readyz's database.ok is writable(): false while the file cannot take a round.
    assert not reader.writable()
    with pytest.raises(StorageError) as raised:
        prober.insert_round([result(NOW)], NOW, NOW)
    assert prober.recover(raised.value) == path
    prober.insert_round([result(NOW)], NOW, NOW)
    assert reader.writable() and reader.last_round_time() == NOW


def test_postgresql_keeps_one_prober_lock_per_vantage_point(postgres_url):
    espoo, oulu, espoo_again = (open_results(postgres_url, v) for v in ("Espoo", "Oulu", "Espoo"))
    locks = [store.prober_lock() for store in (espoo, oulu, espoo_again)]
    try:
        assert espoo.shared and espoo.name.startswith("postgresql://127.0.0.1:")
        assert locks[0].acquire() and locks[1].acquire()
        assert not locks[2].acquire()
        assert espoo_again.prober_alive() and oulu.prober_alive()
    finally:
        for lock in locks:
            lock.release()
        for store in (espoo, oulu, espoo_again):
            store.close()


def _imported_modules(path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_only_the_engines_import_their_drivers():
    for path in sorted(PACKAGE.rglob("*.py")):
        where = path.relative_to(PACKAGE).as_posix()
        for driver, engines in DRIVERS.items():
            if where not in engines:
                assert driver not in _imported_modules(path), f"{where} imports {driver}"
    for driver, engines in DRIVERS.items():
        for engine in engines:
            assert driver in _imported_modules(PACKAGE / engine)


def test_a_site_on_sqlite_never_loads_the_postgresql_driver(tmp_path):
    # A process of its own: this one has loaded psycopg for the PostgreSQL tests.
    script = (
        "import sys; from tests.helpers import build_site; from mpass_status import runtime;"
        f"app = build_site({str(tmp_path)!r});"
        "assert runtime.results(app).writable(); assert app.test_client().get('/fi/').status_code == 200;"
        "print(sorted(m for m in sys.modules if m.startswith(('psycopg', 'mpass_status.checks.store.'))))"
    )
    loaded = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert loaded.returncode == 0, loaded.stderr
    assert "mpass_status.checks.store.sqlite" in loaded.stdout and "psycopg" not in loaded.stdout
