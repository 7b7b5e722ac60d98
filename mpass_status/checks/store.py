"""Stores check results in SQLite (WAL mode) and answers the queries the status pages need."""

import json
import logging
import sqlite3
import time
import uuid
from contextlib import closing, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from mpass_status.checks.results import CheckResult

log = logging.getLogger(__name__)
# What a failing results file raises: missing folder, read-only, locked, full or corrupt.
STORAGE_ERRORS = (sqlite3.Error, OSError)
# SQLite's names for a file that is not (or no longer) a database.
CORRUPT = {"SQLITE_CORRUPT", "SQLITE_NOTADB"}
# How long a write waits for another writer's lock before the round is kept for later.
BUSY_SECONDS = 5.0

SCHEMA = """
CREATE TABLE IF NOT EXISTS rounds (
    id TEXT PRIMARY KEY,
    started TEXT NOT NULL,
    finished TEXT NOT NULL,
    checks INTEGER NOT NULL,
    network_down INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS results (
    id INTEGER PRIMARY KEY,
    round_id TEXT NOT NULL,
    time TEXT NOT NULL,
    check_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    component TEXT NOT NULL,
    environment TEXT NOT NULL,
    target TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('ok', 'degraded', 'failed', 'unknown')),
    response_ms INTEGER,
    code TEXT NOT NULL,
    params TEXT NOT NULL DEFAULT '{}',
    reason TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS results_component_time ON results (component, time);
CREATE INDEX IF NOT EXISTS results_check_time ON results (check_id, component, time);
CREATE INDEX IF NOT EXISTS rounds_finished ON rounds (finished);
"""


def _stamp(moment: datetime) -> str:
    # One fixed UTC format keeps text comparison in SQL equal to time order.
    if moment.tzinfo is None:
        raise ValueError("naive datetime given to the results store")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _moment(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


class ResultsDB:
    """A results file; every operation opens its own connection, so threads and processes may share it.

    Nothing touches the disk until the first operation, and a failed operation raises one of
    STORAGE_ERRORS: a missing, read-only, locked, full or corrupt file never stops the site from starting.
    """

    def __init__(self, path):
        self.path = Path(path)
        self._ready = False

    def _prepare(self, db) -> None:
        # Switching to WAL needs the file to itself and does not wait for it: another connection doing the
        # same at the same moment makes it fail at once, so it is tried a few times.
        for attempt in range(20):
            try:
                if db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                    db.execute("PRAGMA journal_mode=WAL")
                break
            except sqlite3.OperationalError:
                if attempt == 19:
                    raise
                time.sleep(0.05)
        db.executescript(SCHEMA)
        self._ready = True

    @contextmanager
    def _connect(self, busy_seconds: float = BUSY_SECONDS):
        if not self._ready:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        with closing(sqlite3.connect(self.path, timeout=busy_seconds)) as db:
            db.row_factory = sqlite3.Row
            db.execute(f"PRAGMA busy_timeout = {int(busy_seconds * 1000)}")
            if not self._ready:
                self._prepare(db)
            with db:
                yield db

    def recover(self, error: Exception) -> Path | None:
        """Moves a corrupt file (and its WAL) aside with a timestamp so a new one starts; returns where it went.

        Only the prober calls this: readers report the error and leave the file to the writer.
        """
        if getattr(error, "sqlite_errorname", None) not in CORRUPT:
            return None
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        for suffix in ("-wal", "-shm"):
            companion = self.path.with_name(self.path.name + suffix)
            if companion.exists():
                companion.replace(aside.with_name(aside.name + suffix))
        self.path.replace(aside)
        self._ready = False
        log.error("results database %s is corrupt (%s): moved aside to %s, starting a new one", self.path, error, aside)
        return aside

    def prepare(self) -> None:
        """Opens the file for the prober, moving it aside first if it is corrupt."""
        try:
            with self._connect() as db:
                db.execute("PRAGMA quick_check").fetchall()
        except sqlite3.DatabaseError as exc:
            if self.recover(exc) is None:
                raise
            with self._connect():
                pass

    def journal_mode(self) -> str:
        """Returns SQLite's journal mode of the file (wal once initialised)."""
        with self._connect() as db:
            return db.execute("PRAGMA journal_mode").fetchone()[0]

    def insert_round(self, results, started, finished, network_down=False) -> str:
        """Stores one round of results atomically and returns its id."""
        round_id = uuid.uuid4().hex
        with self._connect() as db:
            db.execute(
                "INSERT INTO rounds VALUES (?, ?, ?, ?, ?)",
                (round_id, _stamp(started), _stamp(finished), len(results), int(network_down)),
            )
            db.executemany(
                "INSERT INTO results (round_id, time, check_id, kind, component, environment,"
                " target, outcome, response_ms, code, params, reason)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        round_id,
                        _stamp(r.time),
                        r.check_id,
                        r.kind,
                        r.component,
                        r.environment,
                        r.target,
                        r.outcome,
                        r.response_ms,
                        r.code,
                        json.dumps(r.params),
                        r.reason,
                    )
                    for r in results
                ],
            )
        return round_id

    def writable(self) -> bool:
        """Returns whether a write transaction can be taken now (asked briefly: a health check must not hang)."""
        try:
            with self._connect(busy_seconds=0.5) as db:
                db.execute("BEGIN IMMEDIATE")
                db.execute("CREATE TEMP TABLE IF NOT EXISTS probe_write (x)")
            return True
        except STORAGE_ERRORS:
            return False

    def last_round_time(self) -> datetime | None:
        """Returns when the newest round finished, or None before the first one."""
        with self._connect() as db:
            row = db.execute("SELECT max(finished) FROM rounds").fetchone()
        return _moment(row[0]) if row[0] else None

    def latest_per_check(self) -> list[CheckResult]:
        """Returns the newest result of every (check, component) pair."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT r.* FROM results r JOIN (SELECT check_id, component, max(time) AS t"
                " FROM results GROUP BY check_id, component) m"
                " ON r.check_id = m.check_id AND r.component = m.component AND r.time = m.t"
                " ORDER BY r.component, r.check_id"
            ).fetchall()
        return [_result(row) for row in rows]

    def recent_by_check(self, component: str, limit: int = 20) -> dict[str, list[CheckResult]]:
        """Returns a component's newest results per check, oldest first, for streak counting."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY check_id"
                " ORDER BY time DESC) AS n FROM results WHERE component = ?)"
                " WHERE n <= ? ORDER BY time",
                (component, limit),
            ).fetchall()
        grouped: dict[str, list[CheckResult]] = {}
        for row in rows:
            grouped.setdefault(row["check_id"], []).append(_result(row))
        return grouped

    def results_between(self, start: datetime, end: datetime, component: str | None = None):
        """Returns results with start <= time < end, oldest first, optionally of one component."""
        query = "SELECT * FROM results WHERE time >= ? AND time < ?"
        args = [_stamp(start), _stamp(end)]
        if component is not None:
            query += " AND component = ?"
            args.append(component)
        with self._connect() as db:
            rows = db.execute(query + " ORDER BY time", args).fetchall()
        return [_result(row) for row in rows]

    def hourly_counts(self, component: str, start: datetime, end: datetime, excluded=()):
        """Returns [(hour, results, failed)] of a component, leaving out unknown results and excluded windows."""
        query = (
            "SELECT substr(time, 1, 13) AS hour, count(*) AS n,"
            " sum(outcome = 'failed') AS bad FROM results"
            " WHERE component = ? AND time >= ? AND time < ? AND outcome != 'unknown'"
        )
        args = [component, _stamp(start), _stamp(end)]
        # Only windows inside [start, end) matter: a long history of maintenance must not grow the query.
        for window_start, window_end in _merged(excluded, start, end):
            query += " AND NOT (time >= ? AND time < ?)"
            args += [_stamp(window_start), _stamp(window_end)]
        with self._connect() as db:
            rows = db.execute(query + " GROUP BY hour ORDER BY hour", args).fetchall()
        return [
            (datetime.strptime(row["hour"], "%Y-%m-%dT%H").replace(tzinfo=UTC), row["n"], row["bad"]) for row in rows
        ]

    def purge(self, retention_days: int, now: datetime) -> int:
        """Deletes results and rounds older than retention_days and returns how many results went."""
        cutoff = _stamp(now - timedelta(days=retention_days))
        with self._connect() as db:
            gone = db.execute("DELETE FROM results WHERE time < ?", (cutoff,)).rowcount
            db.execute("DELETE FROM rounds WHERE finished < ?", (cutoff,))
        return gone


def _merged(windows, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    """Returns the windows clipped to [start, end), overlapping ones joined, in time order."""
    clipped = sorted((max(a, start), min(b, end)) for a, b in windows if a < end and b > start)
    merged: list[tuple[datetime, datetime]] = []
    for a, b in clipped:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


def _result(row) -> CheckResult:
    return CheckResult(
        time=_moment(row["time"]),
        check_id=row["check_id"],
        kind=row["kind"],
        component=row["component"],
        environment=row["environment"],
        target=row["target"],
        outcome=row["outcome"],
        response_ms=row["response_ms"],
        code=row["code"],
        params=json.loads(row["params"]),
    )
