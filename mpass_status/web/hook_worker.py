"""What the git hook (hooks.py) keeps between deliveries: the window that limits how many a process accepts,
and the one thread that syncs the notices when a delivery wakes it."""

import logging
import threading
import time
from collections import deque
from dataclasses import dataclass, field

from mpass_status.notices.sync import Sync, SyncError

log = logging.getLogger(__name__)
# Verified deliveries accepted per process in a minute; more are answered 429.
MAX_PER_MINUTE = 60
# Unverified deliveries answered 403 (and logged) per process in a minute; more are answered 429 unlogged.
# They are counted apart: a flood of forged ones never spends what the forge's real pushes are allowed.
MAX_REFUSED_PER_MINUTE = 30


class SyncWorker:
    """One thread that runs the sync whenever woken, at most once per min_seconds."""

    def __init__(self, sync: Sync, min_seconds: float):
        self.sync, self.min_seconds = sync, min_seconds
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self.runs = 0

    def wake(self) -> None:
        """Asks for a sync soon; returns at once."""
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._loop, name="notices-sync", daemon=True)
                self._thread.start()
        self._wake.set()

    def _loop(self) -> None:
        while True:
            self._wake.wait()
            self._wake.clear()
            started = time.monotonic()
            try:
                result = self.sync.run()
                log.info("notices synced to %s", result.commit[:12])
            except SyncError as exc:
                log.error("notices sync failed: %s; the live notices are unchanged", exc)
            except Exception:  # the thread must outlive any one failure
                log.exception("notices sync failed")
            self.runs += 1
            # Pushes that arrive meanwhile set the event again: they are served by the next run.
            time.sleep(max(0.0, self.min_seconds - (time.monotonic() - started)))


class Window:
    """Admits at most limit deliveries in any 60 seconds (a sliding window: a burst across the turn of a
    minute is not let through twice)."""

    def __init__(self, limit: int):
        self.limit = limit
        self._admitted: deque[float] = deque()
        self._lock = threading.Lock()

    def admit(self) -> bool:
        """Returns whether one more delivery fits in the last 60 seconds, counting it if so."""
        with self._lock:
            now = time.monotonic()
            while self._admitted and now - self._admitted[0] >= 60:
                self._admitted.popleft()
            if len(self._admitted) >= self.limit:
                return False
            self._admitted.append(now)
            return True


@dataclass(eq=False)
class HookState:
    """The hook's windows and its sync worker, built with the first verified delivery (a site that is never
    pushed to starts no thread). Verified and refused deliveries are counted apart, so forged ones can never
    spend what the forge's real pushes are allowed."""

    window: Window = field(default_factory=lambda: Window(MAX_PER_MINUTE))
    refused: Window = field(default_factory=lambda: Window(MAX_REFUSED_PER_MINUTE))
    worker: SyncWorker | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def worker_for(self, make_sync, min_seconds: float) -> SyncWorker:
        """Returns the sync worker, built from make_sync() the first time it is asked for."""
        with self.lock:
            if self.worker is None:
                self.worker = SyncWorker(make_sync(), min_seconds)
            return self.worker
