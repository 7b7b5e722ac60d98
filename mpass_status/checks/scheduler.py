"""Keeps the checks running for as long as the site runs: in the foreground (`flask probe --watch`) or in a
background thread of the web server, one prober per results database.

Each check runs at its own interval, again after retry_interval while a failure has not yet been decided
by the thresholds, and at once when another check of the same host has just started failing. Nothing a
round or the database raises stops the prober: it is logged, the results are kept in memory, and writing
is tried again with a growing pause.
"""

import logging
import threading
import time
from collections import deque
from datetime import UTC, datetime
from urllib.parse import urlsplit

from mpass_status.checks.results import Outcome
from mpass_status.checks.runner import probe_round
from mpass_status.checks.store import ResultsStore, StorageError
from mpass_status.checks.thresholds import streak
from mpass_status.config import SiteConfig
from mpass_status.standby import hold_or_stand_by

log = logging.getLogger(__name__)
# Rounds kept in memory while the database cannot be written (about two hours at the shipped intervals).
PENDING_ROUNDS = 240
# Pause before writing is tried again, doubling up to the longest while the database stays unavailable.
BACKOFF_SECONDS, LONGEST_BACKOFF_SECONDS = 1.0, 60.0
# How often a web server worker without the lock asks whether the prober is still alive.
STANDBY_SECONDS = 5.0
PURGE_SECONDS = 600.0


def _host(check) -> tuple[str, str]:
    return check.environment, urlsplit(check.url).hostname or ""


class Schedule:
    """When each check runs next: its interval, retry_interval while undecided, staggered within a host."""

    def __init__(self, config: SiteConfig, start: float):
        self.checks = {check.id: check for check in config.checks}
        self.probe = config.probe
        # Everything runs at once first, so the page has evidence at start-up.
        self.due = {check_id: start for check_id in self.checks}
        self.offset = self._offsets(config.checks)
        self.ran: set[str] = set()
        # check id -> component -> newest outcomes, enough for the thresholds
        self.outcomes: dict[str, dict[str, deque]] = {}

    @staticmethod
    def _offsets(checks) -> dict[str, float]:
        # Checks of one host at one interval are spread over it, so a host that stops answering is
        # noticed within a fraction of the interval instead of a whole one.
        groups: dict[tuple, list] = {}
        for check in checks:
            groups.setdefault((_host(check), check.interval), []).append(check)
        return {
            check.id: check.interval * position / len(members)
            for members in groups.values()
            for position, check in enumerate(members)
        }

    def ready(self, moment: float) -> list:
        """Returns the checks due at moment."""
        return [check for check_id, check in self.checks.items() if self.due[check_id] <= moment]

    def next_due(self) -> float:
        """Returns the monotonic time of the next due check."""
        return min(self.due.values(), default=float("inf"))

    def undecided(self, check_id: str) -> bool:
        """Returns whether the thresholds have not yet decided what this check's newest results mean."""
        probe = self.probe
        for outcomes in self.outcomes.get(check_id, {}).values():
            down, failures, successes = streak(outcomes, probe.failures_to_down, probe.successes_to_up)
            if (not down and failures > 0) or (down and successes > 0):
                return True
        return False

    def record(self, results, moment: float) -> None:
        """Sets the next run of every check in results from what they found."""
        keep = self.probe.failures_to_down + self.probe.successes_to_up
        started_failing = set()
        for result in results:
            history = self.outcomes.setdefault(result.check_id, {}).setdefault(result.component, deque(maxlen=keep))
            if result.outcome == Outcome.FAILED and (not history or history[-1] != Outcome.FAILED):
                started_failing.add(result.check_id)
            history.append(result.outcome)
        for check_id in {r.check_id for r in results}:
            check = self.checks[check_id]
            pause = check.interval
            if self.undecided(check_id):
                pause = min(self.probe.retry_interval, check.interval)
            if check_id not in self.ran:
                # After the first round the checks of a host take their places spread over the interval.
                self.ran.add(check_id)
                pause = min(pause, self.offset[check_id] or pause)
            self.due[check_id] = moment + pause
        # A host that starts failing one check is asked at once by its others: judged by target, not by batch.
        for check_id in started_failing:
            host = _host(self.checks[check_id])
            for other in self.checks.values():
                if _host(other) == host and other.id not in started_failing and other.id in self.ran:
                    self.due[other.id] = min(self.due[other.id], moment)


class Storer:
    """Writes rounds into the database, keeping them in memory while it cannot, and says what happened."""

    def __init__(self, db: ResultsStore, retention_days: int, on_error=None, vantage: str = ""):
        self.db, self.retention_days, self.on_error, self.vantage = db, retention_days, on_error, vantage
        self.pending: deque = deque(maxlen=PENDING_ROUNDS)
        self.backoff, self.retry_at, self.failing = BACKOFF_SECONDS, 0.0, None
        self.purge_at = 0.0

    def add(self, results, started, finished, network_down) -> None:
        """Queues a round and writes everything queued unless a recent failure asks to wait."""
        self.pending.append((results, started, finished, network_down))
        if time.monotonic() >= self.retry_at:
            self.flush()

    def flush(self) -> bool:
        """Writes the queued rounds oldest first; returns whether all were written."""
        try:
            while self.pending:
                results, started, finished, network_down = self.pending[0]
                self._write(results, started, finished, network_down)
                self.pending.popleft()
            # Purging scans the results: once every PURGE_SECONDS is enough for a retention of days.
            if time.monotonic() >= self.purge_at:
                self.db.purge(self.retention_days, datetime.now(UTC))
                self.purge_at = time.monotonic() + PURGE_SECONDS
        except StorageError as exc:
            self.failed(exc)
            return False
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


def watch(config: SiteConfig, db: ResultsStore, stop: threading.Event, on_round=None, on_error=None, lock=None) -> None:
    """Runs the checks on their schedule until stop is set; on_round(results) after each, on_error(text).

    Given the prober lock, it is asked before every write and watch returns the moment it is not held: two
    probers of one vantage point never write side by side (after a database restart, say).
    """
    if not config.checks:
        return

    def lost() -> bool:
        if lock is None or lock.held:
            return False
        text = f"the prober lock of {db.name} is no longer held; writing stops until it is taken again"
        log.error(text)
        if on_error:
            on_error(text)
        return True

    schedule = Schedule(config, time.monotonic())
    storer = Storer(db, config.probe.retention_days, on_error, config.probe.vantage)
    try:
        db.prepare()
    except StorageError as exc:
        storer.failed(exc)
    while not stop.is_set():
        moment = time.monotonic()
        ready = schedule.ready(moment)
        if ready:
            try:
                started = datetime.now(UTC)
                results, network_down = probe_round(ready, config.probe, started)
                schedule.record(results, moment)
                if lost():
                    return
                storer.add(results, started, datetime.now(UTC), network_down)
                if on_round:
                    on_round(results)
            except Exception as exc:  # a bug in one round must not end the probing
                log.exception("probe round failed")
                for check in ready:
                    schedule.due[check.id] = moment + min(config.probe.retry_interval, check.interval)
                if on_error:
                    on_error(f"probe round failed: {type(exc).__name__}: {exc}")
        elif storer.pending and moment >= storer.retry_at:
            if lost():
                return
            storer.flush()
        wake = schedule.next_due()
        if storer.pending:
            wake = min(wake, storer.retry_at)
        stop.wait(max(0.05, wake - time.monotonic()))


def supervise(config: SiteConfig, db: ResultsStore, stop: threading.Event, lock) -> None:
    """Probes while holding the lock; otherwise stands by to take over when the prober's process dies."""

    def probe() -> None:
        # Restarted by hold_or_stand_by after a pause, the lock kept: this worker stays the prober.
        try:
            watch(config, db, stop, lock=lock)
        except Exception:  # a bug must not end the probing
            log.exception("prober stopped unexpectedly; restarting")

    hold_or_stand_by(lock, probe, stop, STANDBY_SECONDS)


def start_background(config: SiteConfig, db: ResultsStore, stop: threading.Event | None = None):
    """Starts the prober's supervisor in a daemon thread and returns it; only one process at a time probes."""
    stop = stop or threading.Event()
    lock = db.prober_lock()
    thread = threading.Thread(target=supervise, args=(config, db, stop, lock), name="prober", daemon=True)
    thread.stop_event = stop
    thread.lock = lock
    thread.start()
    return thread
