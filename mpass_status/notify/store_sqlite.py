"""The subscription store in a SQLite file: one machine's senders, one writer at a time."""

import re
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from mpass_status.files import sqlite_gone
from mpass_status.notify.store import SCHEMA, SubscriptionStore

# Whether every table of SCHEMA (subscribers, outbox, webhooks and the rest) is in the file.
TABLES = re.findall(r"CREATE TABLE IF NOT EXISTS (\w+)", SCHEMA)
MARKS = ", ".join("?" * len(TABLES))
TABLES_MADE = f"SELECT count(*) = {len(TABLES)} FROM sqlite_master WHERE type = 'table' AND name IN ({MARKS})"


class SQLiteSubscriptions(SubscriptionStore):
    """Subscribers and outbox in the results file; every operation opens its own connection."""

    def __init__(self, path):
        self.path = Path(path)
        self._ready = False

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        if self._ready and sqlite_gone(self.path):
            self._ready = False
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with closing(sqlite3.connect(self.path, timeout=10, isolation_level=None)) as db:
            db.row_factory = sqlite3.Row
            db.execute("PRAGMA foreign_keys = ON")
            db.execute("PRAGMA busy_timeout = 10000")
            # In WAL mode a commit need not wait for the disk (it is durable at the next checkpoint): a sender
            # records each e-mail as it goes, and an fsync for each would halve its rate.
            db.execute("PRAGMA synchronous = NORMAL")
            # A file deleted, emptied or stripped under the running site (and perhaps made again by the results
            # store, which knows only its own tables) gets this store's tables again before it is used.
            if self._ready and not db.execute(TABLES_MADE, TABLES).fetchone()[0]:
                self._ready = False
            if not self._ready:
                # The results store sets WAL too; whichever opens the file first does it (it stays so).
                if db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                    db.execute("PRAGMA journal_mode = WAL")
                db.executescript(SCHEMA.format(id="INTEGER PRIMARY KEY", time="REAL"))
                self._ready = True
            # IMMEDIATE: a read followed by a write never meets another writer in between, and a claim's rows
            # are no other sender's.
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
