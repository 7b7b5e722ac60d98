"""The prober's rounds on their way into the results store, written by a thread of their own: at once when the
store takes them, kept in memory and tried again with a growing pause when it does not, and meanwhile shown
to the pages (unsaved.py). A locked or full database therefore never holds up the checks, and the pause never
delays what readers see."""

import logging
import threading
import time
from collections import deque
from datetime import UTC, datetime

from mpass_status.checks import unsaved
from mpass_status.checks.store import ResultsStore, StorageError

log = logging.getLogger(__name__)
# Rounds kept in memory while the database cannot be written (about two hours at the shipped intervals).
PENDING_ROUNDS = 240
# Pause before writing is tried again, doubling up to the longest while the database stays unavailable.
BACKOFF_SECONDS, LONGEST_BACKOFF_SECONDS = 1.0, 60.0
PURGE_SECONDS = 600.0
# A write taking longer than this is waiting on a lock: rounds queued meanwhile are shown at once.
SLOW_WRITE_SECONDS = 1.0


class Storer:
    """Writes rounds into the database from its own thread, keeping them in memory while it cannot.

    may_write() is asked before every write (the prober lock still held); once it says no, nothing more is
    written and `lost` is set.
    """

    def __init__(self, db: ResultsStore, retention_days: int, on_error=None, vantage: str = "", may_write=None):
        self.db, self.retention_days, self.on_error, self.vantage = db, retention_days, on_error, vantage
        self.may_write = may_write or (lambda: True)
        self.pending: deque = deque(maxlen=PENDING_ROUNDS)
        self.backoff, self.retry_at, self.failing = BACKOFF_SECONDS, 0.0, None
        self.purge_at = 0.0
        self.lost = threading.Event()
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        # When the write under way began (None: none is): a write waiting on a lock shows the queue meanwhile.
        self.writing_since: float | None = None
        # A file left by a prober that stopped before storing its rounds is removed by the first write.
        self.shown = db.unsaved_path is not None and db.unsaved_path.exists()

    def start(self) -> "Storer":
        """Starts the writing thread."""
        self._thread = threading.Thread(target=self._run, name="results-writer", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stops the writing thread after one last try at writing what is queued."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=30)

    def add(self, results, started, finished, network_down) -> None:
        """Queues a round for the writing thread; while writes are failing it is shown to the pages at once."""
        with self._lock:
            self.pending.append((results, started, finished, network_down))
            since = self.writing_since
            if self.failing or (since is not None and time.monotonic() - since > SLOW_WRITE_SECONDS):
                self._show()
        self._wake.set()

    def _run(self) -> None:
        while not self._stop.is_set() and not self.lost.is_set():
            self._wake.wait(max(0.0, self.retry_at - time.monotonic()) if self.pending else None)
            self._wake.clear()
            if self.pending and time.monotonic() >= self.retry_at:
                self.flush()
        if self.pending and not self.lost.is_set():
            self.flush()

    def flush(self) -> bool:
        """Writes the queued rounds oldest first; returns whether all were written."""
        try:
            while self.pending:
                if not self.may_write():
                    self.lost.set()
                    return False
                results, started, finished, network_down = self.pending[0]
                self.writing_since = time.monotonic()
                try:
                    self._write(results, started, finished, network_down)
                finally:
                    self.writing_since = None
                with self._lock:
                    self.pending.popleft()
            # Purging scans the results: once every PURGE_SECONDS is enough for a retention of days.
            if time.monotonic() >= self.purge_at:
                self.db.purge(self.retention_days, datetime.now(UTC))
                self.purge_at = time.monotonic() + PURGE_SECONDS
        except StorageError as exc:
            with self._lock:
                self.failed(exc)
                self._show()
            return False
        with self._lock:
            self._show()
        if self.failing:
            log.warning("results database %s writable again", self.db.name)
            self.failing = None
        self.backoff, self.retry_at = BACKOFF_SECONDS, 0.0
        return True

    def _write(self, results, started, finished, network_down) -> None:
        try:
            self.db.insert_round(results, started, finished, network_down, self.vantage)
        except StorageError as exc:
            # A corrupt file is moved aside and the round written into a new one; anything else waits.
            if self.db.recover(exc) is None:
                raise
            self.db.insert_round(results, started, finished, network_down, self.vantage)

    def _show(self) -> None:
        # Called holding the lock. The pages read the queued rounds from a file beside the database until
        # they are stored; the file goes once nothing is queued.
        path = self.db.unsaved_path
        if path is None or not (self.pending or self.shown):
            return
        try:
            if self.pending:
                unsaved.write(path, [r for results, *_ in self.pending for r in results])
            else:
                unsaved.clear(path)
            self.shown = bool(self.pending)
        except OSError as exc:
            log.error("cannot show unsaved results in %s: %s", path, exc)

    def failed(self, exc: StorageError) -> None:
        """Logs a write failure and sets when to try again."""
        self.failing = str(exc)
        self.retry_at = time.monotonic() + self.backoff
        text = (
            f"cannot write results into {self.db.name} ({self.failing}); {len(self.pending)} round(s) kept "
            f"in memory, trying again in {self.backoff:.0f} s"
        )
        log.error(text)
        if self.on_error:
            self.on_error(text)
        self.backoff = min(self.backoff * 2, LONGEST_BACKOFF_SECONDS)
