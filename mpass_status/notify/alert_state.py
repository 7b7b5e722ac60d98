"""What the operator was last told of each component, in the results database (SQLite): a restart, or another
worker, finds it there and does not alert again."""

import sqlite3
from contextlib import closing
from pathlib import Path

SCHEMA = "CREATE TABLE IF NOT EXISTS alerts (component TEXT PRIMARY KEY, state TEXT NOT NULL, told REAL NOT NULL)"


class AlertState:
    """The component -> (state, when told) of the alerts the provider accepted."""

    def __init__(self, path):
        self.path = Path(path)

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=10)
        db.execute(SCHEMA)
        return db

    def told(self) -> dict[str, tuple[str, float]]:
        """Returns each component's state the operator was last told, with when."""
        with closing(self._connect()) as db:
            return {row[0]: (row[1], row[2]) for row in db.execute("SELECT component, state, told FROM alerts")}

    def record(self, told: dict[str, str | None], now: float) -> None:
        """Records what the operator has now been told; None forgets a component (it is back up)."""
        with closing(self._connect()) as db, db:
            for component, state in told.items():
                if state is None:
                    db.execute("DELETE FROM alerts WHERE component = ?", (component,))
                else:
                    db.execute(
                        "INSERT INTO alerts (component, state, told) VALUES (?, ?, ?) ON CONFLICT (component)"
                        " DO UPDATE SET state = excluded.state, told = excluded.told",
                        (component, state, now),
                    )
