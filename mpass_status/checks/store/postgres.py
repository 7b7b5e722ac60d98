"""Check results in PostgreSQL, through a pool of connections: probers on several networks (vantage
points) write into one history, and every site that reads it sees what all of them saw.

Whatever psycopg or its pool raises leaves this module as StorageError; only this module imports them, and
it is imported only for a postgresql:// URL, so a site on SQLite never loads the driver.
"""

import zlib
from collections.abc import Iterator
from contextlib import contextmanager, suppress

import psycopg
from psycopg.conninfo import conninfo_to_dict
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool, PoolTimeout

from mpass_status.checks.store.breaker import Breaker
from mpass_status.checks.store.interface import ResultsStore, StorageError
from mpass_status.checks.store.sql import BUSY_SECONDS, SQLResults, schema

# Rows are numbered by an identity column here, by SQLite's rowid there.
SCHEMA = schema("BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY")
RELATIONS = ("rounds", "results", "results_component_time", "results_check_time", "rounds_finished")
# Probers starting together create the tables one at a time (CREATE ... IF NOT EXISTS races otherwise).
SCHEMA_LOCK = 7_264_311
# The prober locks' advisory keys: this number in the high 32 bits, the vantage point's CRC-32 in the low.
PROBER_LOCKS = 7_264_312
# A page waits at most this long for a query: a locked table must not hang a worker.
STATEMENT_MS = 5000
POOL_SIZE = 4
# A server that does not answer is given up on this soon (libpq's shortest), and a pooled connection waited
# for no longer: a page told "unreachable" in two seconds says more than one that hangs.
CONNECT_SECONDS = 2
# How long a pooled connection is waited for before asking whether the server takes connections at all.
QUICK_WAIT = 0.2


class PostgresResults(SQLResults):
    """A PostgreSQL database reached through a pool that opens on first use."""

    marker = "%s"
    # Probers of other vantage points, on other machines, write into the same database.
    shared = True
    # Its pages run on other machines than its probers: results not yet stored stay with the prober.
    unsaved_path = None

    def __init__(self, url: str, vantage: str = ""):
        try:
            parts = conninfo_to_dict(url)
        except psycopg.Error:
            parts = {}  # reported by the first operation, as any other unreachable server
        self.name = f"postgresql://{parts.get('host', '')}:{parts.get('port', 5432)}/{parts.get('dbname', '')}"
        self.vantage = vantage
        self._url = url
        self._pool: ConnectionPool | None = None
        self._ready = False
        self._breaker = Breaker(self.name)

    def _open(self) -> ConnectionPool:
        if self._pool is None:
            self._pool = ConnectionPool(
                self._url,
                min_size=1,
                max_size=POOL_SIZE,
                open=False,
                kwargs={
                    "row_factory": dict_row,
                    "connect_timeout": CONNECT_SECONDS,
                    "options": f"-c statement_timeout={STATEMENT_MS}",
                },
                # A connection the server ended (a restart) is found before it is lent, not by a failed query.
                check=ConnectionPool.check_connection,
                name="results",
            )
            # Not waiting for the first connection: an unreachable server is found by the first operation.
            self._pool.open(wait=False)
        return self._pool

    @contextmanager
    def _connect(self, busy_seconds: float = BUSY_SECONDS) -> Iterator[psycopg.Connection]:
        # While the server is unreachable callers are refused at once; one of them tries it now and then.
        self._breaker.guard(self._reopen)
        # psycopg_pool's PoolTimeout (no connection in time) is a psycopg.Error too.
        try:
            pool = self._open()
            db = self._lent(pool, min(busy_seconds, CONNECT_SECONDS))
            try:
                with db:
                    if not self._ready:
                        self._create(db)
                    yield db
            finally:
                pool.putconn(db)
        except psycopg.Error as exc:
            error = StorageError(f"{type(exc).__name__}: {exc}")
            if self._unreachable(exc):
                self._breaker.tripped(str(error))
            raise error from exc

    def _lent(self, pool: ConnectionPool, wait: float) -> psycopg.Connection:
        # A pool with no connection to lend at once may be busy or may have lost its server: one quick
        # connection of our own tells which, so a page learns in milliseconds that the server is gone.
        try:
            return pool.getconn(timeout=QUICK_WAIT)
        except PoolTimeout:
            try:
                self._try_connecting()
            except StorageError as exc:
                self._breaker.tripped(str(exc))
                raise
        return pool.getconn(timeout=wait)

    @staticmethod
    def _unreachable(exc: psycopg.Error) -> bool:
        # A connection failing or ended by the server (SQLSTATE class 08, or 57P: shut down): not a slow query,
        # nor a pool that is only busy (_lent has found out whether the server takes connections).
        if isinstance(exc, PoolTimeout):
            return False
        state = getattr(exc, "sqlstate", None)
        return isinstance(exc, psycopg.OperationalError) and (state is None or state.startswith(("08", "57P")))

    def _reopen(self) -> None:
        """The breaker's trial: one quick connection; once it succeeds the pool starts afresh, so connections
        come at once instead of after the old pool's growing pauses between attempts."""
        self._try_connecting()
        self.close()

    def _try_connecting(self) -> None:
        try:
            psycopg.connect(self._url, connect_timeout=CONNECT_SECONDS).close()
        except psycopg.Error as exc:
            raise StorageError(f"{type(exc).__name__}: {exc}") from exc

    def _create(self, db) -> None:
        # DDL on tables others are writing into deadlocks with their inserts: the schema is created only when
        # something is missing, asked again once the lock is held (another may have created it meanwhile).
        with db.transaction():
            if not self._complete(db):
                db.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK,))
                if not self._complete(db):
                    for statement in SCHEMA:
                        db.execute(statement)
        self._ready = True

    @staticmethod
    def _complete(db) -> bool:
        query = "SELECT count(to_regclass(name)) AS n FROM unnest(%s::text[]) AS name"
        return db.execute(query, (list(RELATIONS),)).fetchone()["n"] == len(RELATIONS)

    def prepare(self) -> None:
        """Creates the tables if they are missing."""
        with self._connect():
            pass

    def recover(self, error: StorageError) -> None:
        """Returns None: a server's errors are its own to mend, nothing here is started afresh."""
        return None

    def writable(self) -> bool:
        """Returns whether the server takes writes now (not a read-only standby or session)."""
        try:
            with self._connect(busy_seconds=0.5) as db:
                row = db.execute("SELECT current_setting('transaction_read_only') AS read_only").fetchone()
            return row["read_only"] == "off"
        except StorageError:
            return False

    def prober_lock(self) -> "AdvisoryLock":
        """Returns the lock of this vantage point's prober, kept in the database server."""
        return AdvisoryLock(self._url, self.vantage)

    def prober_alive(self) -> bool:
        """Returns whether some session holds this vantage point's prober lock."""
        high, low = _lock_key(self.vantage)
        try:
            with self._connect(busy_seconds=0.5) as db:
                row = db.execute(
                    "SELECT EXISTS (SELECT 1 FROM pg_locks l JOIN pg_database d ON d.oid = l.database"
                    " WHERE l.locktype = 'advisory' AND l.granted AND d.datname = current_database()"
                    " AND l.classid = %s AND l.objid = %s AND l.objsubid = 1) AS alive",
                    (high, low),
                ).fetchone()
            return bool(row["alive"])
        except StorageError:
            return False

    def close(self) -> None:
        """Closes the pool's connections."""
        if self._pool is not None:
            pool, self._pool = self._pool, None
            self._ready = False
            # Not waiting for its workers: one may be sleeping between attempts to reach a server that was down.
            pool.close(timeout=0)


# The engine keeps the interface's promises (checked by type checkers; the contract tests check it at run time).
_: type[ResultsStore] = PostgresResults


def _lock_key(vantage: str) -> tuple[int, int]:
    return PROBER_LOCKS, zlib.crc32(vantage.encode("utf-8"))


class AdvisoryLock:
    """The ProberLock of a vantage point in PostgreSQL: a session advisory lock on a connection of its own,
    which the server lets go of when the connection ends, so the process holding it dying frees it for a standby."""

    def __init__(self, url: str, vantage: str):
        self.url, self.vantage = url, vantage
        self._connection: psycopg.Connection | None = None

    def acquire(self) -> bool:
        """Takes the lock if no session holds it; returns whether this process holds it now."""
        if self.held:
            return True
        self.release()
        high, low = _lock_key(self.vantage)
        try:
            connection = psycopg.connect(self.url, autocommit=True, connect_timeout=CONNECT_SECONDS)
        except psycopg.Error:
            return False
        try:
            taken = connection.execute("SELECT pg_try_advisory_lock(%s)", ((high << 32) | low,)).fetchone()[0]
        except psycopg.Error:
            taken = False
        if not taken:
            connection.close()
            return False
        self._connection = connection
        return True

    @property
    def held(self) -> bool:
        """Returns whether this object holds the lock, asked of the server: a connection the server ended (a
        restart) looks open here until it is used, while another prober may already have taken the lock."""
        if self._connection is None or self._connection.closed:
            return False
        high, low = _lock_key(self.vantage)
        try:
            row = self._connection.execute(
                "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE pid = pg_backend_pid() AND locktype = 'advisory'"
                " AND granted AND classid = %s AND objid = %s AND objsubid = 1)",
                (high, low),
            ).fetchone()
        except psycopg.Error:
            row = None
        if not (row and row[0]):
            self.release()
            return False
        return True

    def release(self) -> None:
        """Gives the lock up: unlocked on the server before its connection closes, so that a standby asking at
        once finds it free (the server ends a closed session's backend, and its locks, a moment later)."""
        if self._connection is not None:
            high, low = _lock_key(self.vantage)
            # A connection already broken holds nothing: the server ended its session.
            with suppress(psycopg.Error):
                self._connection.execute("SELECT pg_advisory_unlock(%s)", ((high << 32) | low,))
            self._connection.close()
            self._connection = None
