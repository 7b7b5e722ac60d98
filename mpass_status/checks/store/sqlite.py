"""Check results in a SQLite file (WAL mode): the store of one machine, with no server to run.

Whatever sqlite3 or the file system raises leaves this module as StorageError.
"""

import logging
import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from pathlib import Path

from mpass_status.checks.store.interface import ResultsStore, StorageError
from mpass_status.checks.store.sql import BUSY_SECONDS, SQLResults, schema
from mpass_status.checks.store.sqlite_lock import FileLock, prober_alive
from mpass_status.files import sqlite_gone

log = logging.getLogger(__name__)
# SQLite's names for a file that is not (or no longer) a database.
CORRUPT = {"SQLITE_CORRUPT", "SQLITE_NOTADB"}

SCHEMA = ";\n".join(schema("INTEGER PRIMARY KEY"))


def _storage_error(exc: Exception) -> StorageError:
    # Callers print the message: it keeps the driver's words and its error's name ("OperationalError: ...").
    return StorageError(f"{type(exc).__name__}: {exc}")


class SQLiteResults(SQLResults):
    """A results file; every operation opens its own connection, so threads and processes may share it."""

    # Only processes of this machine write into the file; the prober's flock shows whether one runs.
    shared = False

    def __init__(self, path):
        self.path = Path(path)
        self.name = self.path.name
        self.lock_path = self.path.with_name(self.path.name + ".prober-lock")
        self.unsaved_path = self.path.with_name(self.path.name + ".unsaved.json")
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
        # Files from before vantage points get the column; their results were all from one place.
        for table in ("rounds", "results"):
            columns = {row[1] for row in db.execute(f"PRAGMA table_info({table})")}
            if "vantage" not in columns:
                db.execute(f"ALTER TABLE {table} ADD COLUMN vantage TEXT NOT NULL DEFAULT ''")
        self._ready = True

    @contextmanager
    def _connect(self, busy_seconds: float = BUSY_SECONDS) -> Iterator[sqlite3.Connection]:
        try:
            if self._ready and sqlite_gone(self.path):
                log.error("results database %s was deleted or emptied: making it again", self.path)
                self._ready = False
            if not self._ready:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            with closing(sqlite3.connect(self.path, timeout=busy_seconds)) as db:
                db.row_factory = sqlite3.Row
                db.execute(f"PRAGMA busy_timeout = {int(busy_seconds * 1000)}")
                if not self._ready:
                    self._prepare(db)
                with db:
                    yield db
        except (sqlite3.Error, OSError) as exc:
            raise _storage_error(exc) from exc

    def recover(self, error: StorageError) -> Path | None:
        """Moves a corrupt file (and its WAL) aside with a timestamp so a new one starts; returns where it went.
        A file whose tables were dropped gets them again, and its own path is returned.

        Only the prober calls this: readers report the error and leave the file to the writer.
        """
        if "no such table" in str(error.__cause__):
            self._ready = False
            log.error("results database %s lost its tables (%s): making them again", self.path, error)
            return self.path
        if getattr(error.__cause__, "sqlite_errorname", None) not in CORRUPT:
            return None
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        try:
            for suffix in ("-wal", "-shm"):
                companion = self.path.with_name(self.path.name + suffix)
                if companion.exists():
                    companion.replace(aside.with_name(aside.name + suffix))
            self.path.replace(aside)
        except OSError as exc:
            raise _storage_error(exc) from exc
        self._ready = False
        log.error("results database %s is corrupt (%s): moved aside to %s, starting a new one", self.path, error, aside)
        return aside

    def prepare(self) -> None:
        """Opens the file for the prober, moving it aside first if it is corrupt."""
        try:
            with self._connect() as db:
                db.execute("PRAGMA quick_check").fetchall()
        except StorageError as exc:
            if self.recover(exc) is None:
                raise
            with self._connect():
                pass

    def prober_lock(self) -> FileLock:
        """Returns the flock of the file beside the database that one prober holds."""
        return FileLock(self.lock_path)

    def prober_alive(self) -> bool:
        """Returns whether a process holds the prober's flock."""
        return prober_alive(self.lock_path)

    def close(self) -> None:
        """Does nothing: every operation closes its own connection."""

    def journal_mode(self) -> str:
        """Returns SQLite's journal mode of the file (wal once initialised)."""
        with self._connect() as db:
            return db.execute("PRAGMA journal_mode").fetchone()[0]

    def writable(self) -> bool:
        """Returns whether a write transaction can be taken now."""
        try:
            with self._connect(busy_seconds=0.5) as db:
                db.execute("BEGIN IMMEDIATE")
                # A file with no tables takes writes too, but not the prober's.
                db.execute("SELECT 1 FROM rounds JOIN results ON 0 = 1").fetchall()
                db.execute("CREATE TEMP TABLE IF NOT EXISTS probe_write (x)")
            return True
        except StorageError:
            return False


# The engine keeps the interface's promises (checked by type checkers; the contract tests check it at run time).
_: type[ResultsStore] = SQLiteResults
