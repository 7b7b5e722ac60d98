"""The queries of the status pages and the prober, written once in SQL both engines run, and the schema
they read (results numbered in each engine's own words).

Times are stored as text in one fixed UTC format in both: text order is time order, and one query text
serves both engines (hours are its first 13 characters).
"""

import json
import uuid
from contextlib import AbstractContextManager
from datetime import UTC, datetime, timedelta

from mpass_status.checks.results import CheckResult

# How long an operation waits for another writer's lock (or a pooled connection) before it gives up.
BUSY_SECONDS = 5.0


def schema(row_id: str) -> tuple[str, ...]:
    """Returns the statements creating the tables and indexes, results numbered by row_id (the engine's words).

    Rounds come first, as in every insert: in PostgreSQL an index being built then waits for a writer
    instead of deadlocking with it.
    """
    return (
        "CREATE TABLE IF NOT EXISTS rounds (id TEXT PRIMARY KEY, started TEXT NOT NULL, finished TEXT NOT NULL,"
        " checks INTEGER NOT NULL, network_down INTEGER NOT NULL DEFAULT 0, vantage TEXT NOT NULL DEFAULT '')",
        "CREATE INDEX IF NOT EXISTS rounds_finished ON rounds (finished)",
        f"CREATE TABLE IF NOT EXISTS results (id {row_id}, round_id TEXT NOT NULL, time TEXT NOT NULL,"
        " check_id TEXT NOT NULL, kind TEXT NOT NULL, component TEXT NOT NULL, environment TEXT NOT NULL,"
        " target TEXT NOT NULL, outcome TEXT NOT NULL CHECK (outcome IN ('ok', 'degraded', 'failed', 'unknown')),"
        " response_ms INTEGER, code TEXT NOT NULL, params TEXT NOT NULL DEFAULT '{}', reason TEXT NOT NULL,"
        " vantage TEXT NOT NULL DEFAULT '')",
        "CREATE INDEX IF NOT EXISTS results_component_time ON results (component, time)",
        "CREATE INDEX IF NOT EXISTS results_check_time ON results (check_id, component, time)",
    )


def _stamp(moment: datetime) -> str:
    # One fixed UTC format keeps text comparison in SQL equal to time order.
    if moment.tzinfo is None:
        raise ValueError("naive datetime given to the results store")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _moment(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


class SQLResults:
    """The queries of the ResultsStore interface; an engine supplies connections (_connect), which raise
    StorageError for whatever its driver raises, and the rest of the interface (its own upkeep and lock)."""

    # The engine's parameter marker: the queries below are written with "?".
    marker = "?"

    def _connect(self, busy_seconds: float = BUSY_SECONDS) -> AbstractContextManager:
        raise NotImplementedError

    def _sql(self, query: str) -> str:
        return query if self.marker == "?" else query.replace("?", self.marker)

    def insert_round(
        self,
        results: list[CheckResult],
        started: datetime,
        finished: datetime,
        network_down: bool = False,
        vantage: str = "",
    ) -> str:
        """Stores one round of results atomically and returns its id."""
        round_id = uuid.uuid4().hex
        with self._connect() as db:
            db.execute(
                self._sql(
                    "INSERT INTO rounds (id, started, finished, checks, network_down, vantage)"
                    " VALUES (?, ?, ?, ?, ?, ?)"
                ),
                (round_id, _stamp(started), _stamp(finished), len(results), int(network_down), vantage),
            )
            db.cursor().executemany(
                self._sql(
                    "INSERT INTO results (round_id, time, check_id, kind, component, environment,"
                    " target, outcome, response_ms, code, params, reason, vantage)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                ),
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
                        r.vantage or vantage,
                    )
                    for r in results
                ],
            )
        return round_id

    def last_round_time(self) -> datetime | None:
        """Returns when the newest round of any vantage point finished, or None before the first one."""
        with self._connect() as db:
            row = db.execute("SELECT max(finished) AS newest FROM rounds").fetchone()
        return _moment(row["newest"]) if row["newest"] else None

    def last_round_by_vantage(self) -> dict[str, datetime]:
        """Returns when the newest round of each vantage point finished."""
        with self._connect() as db:
            rows = db.execute("SELECT vantage, max(finished) AS newest FROM rounds GROUP BY vantage").fetchall()
        return {row["vantage"]: _moment(row["newest"]) for row in rows}

    def latest_per_check(self) -> list[CheckResult]:
        """Returns the newest result of every (check, component, vantage point)."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT r.* FROM results r JOIN (SELECT check_id, component, vantage, max(time) AS t"
                " FROM results GROUP BY check_id, component, vantage) m"
                " ON r.check_id = m.check_id AND r.component = m.component AND r.vantage = m.vantage"
                " AND r.time = m.t ORDER BY r.component, r.check_id, r.vantage"
            ).fetchall()
        return [_result(row) for row in rows]

    def recent_by_check(self, component: str, limit: int = 20) -> dict[str, list[CheckResult]]:
        """Returns a component's newest results per check and vantage point (limit of each), oldest first."""
        with self._connect() as db:
            rows = db.execute(
                self._sql(
                    "SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY check_id, vantage"
                    " ORDER BY time DESC) AS n FROM results WHERE component = ?) AS ranked"
                    " WHERE n <= ? ORDER BY time"
                ),
                (component, limit),
            ).fetchall()
        grouped: dict[str, list[CheckResult]] = {}
        for row in rows:
            grouped.setdefault(row["check_id"], []).append(_result(row))
        return grouped

    def results_between(self, start: datetime, end: datetime, component: str | None = None) -> list[CheckResult]:
        """Returns results with start <= time < end, oldest first, optionally of one component."""
        query = "SELECT * FROM results WHERE time >= ? AND time < ?"
        args = [_stamp(start), _stamp(end)]
        if component is not None:
            query += " AND component = ?"
            args.append(component)
        with self._connect() as db:
            rows = db.execute(self._sql(query + " ORDER BY time"), args).fetchall()
        return [_result(row) for row in rows]

    def hourly_counts(
        self, component: str, start: datetime, end: datetime, excluded=()
    ) -> list[tuple[datetime, int, int]]:
        """Returns [(hour, results, failed)] of a component, leaving out unknown results and excluded windows."""
        query = (
            "SELECT substr(time, 1, 13) AS hour, count(*) AS n,"
            " sum(CASE WHEN outcome = 'failed' THEN 1 ELSE 0 END) AS bad FROM results"
            " WHERE component = ? AND time >= ? AND time < ? AND outcome != 'unknown'"
        )
        args = [component, _stamp(start), _stamp(end)]
        # Only windows inside [start, end) matter: a long history of maintenance must not grow the query.
        for window_start, window_end in _merged(excluded, start, end):
            query += " AND NOT (time >= ? AND time < ?)"
            args += [_stamp(window_start), _stamp(window_end)]
        with self._connect() as db:
            rows = db.execute(self._sql(query + " GROUP BY hour ORDER BY hour"), args).fetchall()
        return [
            (datetime.strptime(row["hour"], "%Y-%m-%dT%H").replace(tzinfo=UTC), row["n"], row["bad"]) for row in rows
        ]

    def purge(self, retention_days: int, now: datetime) -> int:
        """Deletes results and rounds older than retention_days and returns how many results went."""
        cutoff = _stamp(now - timedelta(days=retention_days))
        with self._connect() as db:
            gone = db.execute(self._sql("DELETE FROM results WHERE time < ?"), (cutoff,)).rowcount
            db.execute(self._sql("DELETE FROM rounds WHERE finished < ?"), (cutoff,))
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
        vantage=row["vantage"],
    )
