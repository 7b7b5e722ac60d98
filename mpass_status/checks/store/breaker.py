"""A circuit breaker for a database server that stopped answering: once a connection fails, every caller is
told so at once (a page answers in milliseconds, saying the status is unknown) instead of each waiting out a
connect timeout, and one caller at a time tries the server again every little while, so it is used again
promptly once it is back."""

import threading
import time
from collections.abc import Callable

from mpass_status.checks.store.interface import StorageError

# How long callers are refused before the server is tried again, at first and at most while it stays down.
FIRST_PAUSE, LONGEST_PAUSE = 0.5, 2.0


class Breaker:
    """Closed while the server answers; open (refusing at once) for a pause after it failed; one trial then."""

    def __init__(self, name: str):
        self.name = name
        self._failure: str | None = None
        self._retry_at = 0.0
        self._pause = FIRST_PAUSE
        self._trial = threading.Lock()

    @property
    def open(self) -> bool:
        """Returns whether the server was found unreachable and has not answered since."""
        return self._failure is not None

    def guard(self, trial: Callable[[], None]) -> None:
        """Returns at once while the server answers; raises StorageError while the breaker is open, except
        for the one caller that runs trial() (a quick connection) once the pause has passed."""
        if self._failure is None:
            return
        if time.monotonic() < self._retry_at or not self._trial.acquire(blocking=False):
            raise StorageError(f"{self.name} unreachable, not asked again yet: {self._failure}")
        try:
            trial()
        except StorageError as exc:
            self.tripped(str(exc))
            raise
        finally:
            self._trial.release()
        self.closed()

    def tripped(self, failure: str) -> None:
        """Opens the breaker after a connection failed: callers are refused until the next trial."""
        if self._failure is not None:
            self._pause = min(self._pause * 2, LONGEST_PAUSE)
        self._failure = failure
        self._retry_at = time.monotonic() + self._pause

    def closed(self) -> None:
        """Closes the breaker: the server answered."""
        self._failure, self._pause = None, FIRST_PAUSE
