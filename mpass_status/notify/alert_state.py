"""What the operator was last told of each component on each alert route, in the results database: a restart, or
another worker, finds it there and does not alert again. The SQL both engines run, and the SQLite engine with its
lock (an flock beside the file); the PostgreSQL engine is alert_state_postgres.py (alerts.py opens either)."""

import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Protocol

from mpass_status.checks.store.sqlite_lock import FileLock

# `told` is {time}: seconds since the epoch, a REAL in SQLite and a DOUBLE PRECISION in PostgreSQL.
SCHEMA = (
    "CREATE TABLE IF NOT EXISTS operator_alerts (route TEXT NOT NULL, component TEXT NOT NULL, state TEXT NOT NULL,"
    " told {time} NOT NULL, PRIMARY KEY (route, component))"
)
TOLD = "SELECT route, component, state, told FROM operator_alerts"
FORGET = "DELETE FROM operator_alerts WHERE route = ? AND component = ?"
REMEMBER = (
    "INSERT INTO operator_alerts (route, component, state, told) VALUES (?, ?, ?, ?) ON CONFLICT (route, component)"
    " DO UPDATE SET state = excluded.state, told = excluded.told"
)

Told = dict[str, dict[str, tuple[str, float]]]


class AlertLock(Protocol):
    """The right to alert, held by one process at a time for the length of one pass."""

    def acquire(self) -> bool:
        """Takes the lock if no other process holds it; returns whether this process holds it now."""

    def release(self) -> None:
        """Gives the lock up."""


class AlertState:
    """The route -> component -> (state, when told) of the alerts the providers accepted (SQLite)."""

    def __init__(self, path):
        self.path = Path(path)

    def lock(self) -> AlertLock:
        """Returns the lock that lets one process at a time alert from this database."""
        return FileLock(Path(str(self.path) + ".alerts-lock"))

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=10)
        db.execute(SCHEMA.format(time="REAL"))
        return db

    def told(self) -> Told:
        """Returns, for each route, each component's state the operator was last told, with when."""
        with closing(self._connect()) as db:
            return as_told(db.execute(TOLD))

    def record(self, route: str, told: dict[str, str | None], now: float) -> None:
        """Records what the operator has now been told on route; None forgets a component (it is back up)."""
        with closing(self._connect()) as db, db:
            for component, state in told.items():
                if state is None:
                    db.execute(FORGET, (route, component))
                else:
                    db.execute(REMEMBER, (route, component, state, now))


def as_told(rows) -> Told:
    """Returns the rows of TOLD grouped by route."""
    found: Told = {}
    for route, component, state, when in rows:
        found.setdefault(route, {})[component] = (state, when)
    return found
