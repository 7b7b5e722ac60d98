"""What a results store promises, whatever keeps the results: the `ResultsStore` the prober writes into and
the pages read, the `ProberLock` one prober holds while it writes, and the one error every store raises.

Nothing here opens a file or a connection; the engines (sqlite, postgres) implement it.
"""

from datetime import datetime
from pathlib import Path
from typing import Protocol, runtime_checkable

from mpass_status.checks.results import CheckResult
from mpass_status.standby import Lock


class StorageError(Exception):
    """A store that cannot answer: a missing folder; a read-only, locked, full or corrupt file; a database
    server that cannot be reached or refuses. The driver's own error is its __cause__."""


@runtime_checkable
class ProberLock(Lock, Protocol):
    """The right to probe into one store (of one vantage point), held by one process at a time; the lock is
    freed when that process dies, so a standby takes over."""

    @property
    def held(self) -> bool:
        """Returns whether this object holds the lock now."""


@runtime_checkable
class ResultsStore(Protocol):
    """Check results and probe rounds, kept for the status pages.

    Nothing is opened until the first operation, and a failed operation raises StorageError: a store that
    cannot be reached never stops the site from starting.
    """

    # What logs and /readyz call the store (never a password).
    name: str
    # True where probers on other machines write too (their rounds, not a local lock, show they run).
    shared: bool
    # Where the prober keeps the results it could not store yet, for the pages to count (checks/unsaved.py);
    # None where the pages could not read it (a shared database's readers run on other machines).
    unsaved_path: Path | None

    def prepare(self) -> None:
        """Readies the store for the prober (the schema; a corrupt SQLite file is moved aside)."""

    def recover(self, error: StorageError) -> Path | None:
        """Starts afresh after an error only a new store fixes (a corrupt file); returns where the old one went."""

    def writable(self) -> bool:
        """Returns whether results can be written now (asked briefly: a health check must not hang)."""

    def prober_lock(self) -> ProberLock:
        """Returns a new lock object of the one prober that writes here (from this vantage point)."""

    def prober_alive(self) -> bool:
        """Returns whether some process holds the prober lock now (asked without taking it)."""

    def close(self) -> None:
        """Lets go of what the store holds open (a connection pool)."""

    def insert_round(
        self,
        results: list[CheckResult],
        started: datetime,
        finished: datetime,
        network_down: bool = False,
        vantage: str = "",
    ) -> str:
        """Stores one round of results atomically and returns its id."""

    def last_round_time(self) -> datetime | None:
        """Returns when the newest round of any vantage point finished, or None before the first one."""

    def last_round_by_vantage(self) -> dict[str, datetime]:
        """Returns when the newest round of each vantage point finished."""

    def latest_per_check(self) -> list[CheckResult]:
        """Returns the newest result of every (check, component, vantage point)."""

    def recent_by_check(self, component: str, limit: int = 20) -> dict[str, list[CheckResult]]:
        """Returns a component's newest results per check and vantage point (limit of each), oldest first."""

    def results_between(self, start: datetime, end: datetime, component: str | None = None) -> list[CheckResult]:
        """Returns results with start <= time < end, oldest first, optionally of one component."""

    def hourly_counts(
        self, component: str, start: datetime, end: datetime, excluded=()
    ) -> list[tuple[datetime, int, int]]:
        """Returns [(hour, results, failed)] of a component, leaving out unknown results and excluded windows."""

    def purge(self, retention_days: int, now: datetime) -> int:
        """Deletes results and rounds older than retention_days and returns how many results went."""
