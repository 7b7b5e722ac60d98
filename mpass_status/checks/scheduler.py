"""Keeps the checks running for as long as the site runs: in the foreground (`flask probe --watch`) or in a
background thread of the web server, one prober per results database.

Each check runs at its own interval, and every retry_interval while it is failing or down, so that the
thresholds count time rather than bursts: a failing check never runs again sooner than retry_interval after
its last run, whatever asks for it. When a check of a host starts failing, or recovers, the host's other
checks are asked at once (within that spacing). Rounds run beside each other, so a hanging check does not
hold up the others. The thresholds' state is read back from the stored results when the prober starts.
Nothing a round or the database raises stops the prober: see storer.py.
"""

import logging
import queue
import threading
import time
from collections import deque
from datetime import UTC, datetime
from urllib.parse import urlsplit

from mpass_status.checks.results import Outcome
from mpass_status.checks.runner import probe_round
from mpass_status.checks.store import ResultsStore, StorageError
from mpass_status.checks.storer import Storer
from mpass_status.checks.thresholds import streak
from mpass_status.config import SiteConfig
from mpass_status.standby import hold_or_stand_by

log = logging.getLogger(__name__)
# How often a web server worker without the lock asks whether the prober is still alive.
STANDBY_SECONDS = 5.0
# The longest the loop sleeps before looking at finished rounds and the stop signal again.
TICK_SECONDS = 0.1


def _host(check) -> tuple[str, str]:
    return check.environment, urlsplit(check.url).hostname or ""


class Schedule:
    """When each check runs next: its interval, retry_interval while failing or down, staggered within a host,
    never two runs of a failing check closer than retry_interval."""

    def __init__(self, config: SiteConfig, start: float):
        self.checks = {check.id: check for check in config.checks}
        self.probe = config.probe
        # Everything runs at once first, so the page has evidence at start-up.
        self.due = {check_id: start for check_id in self.checks}
        self.offset = self._offsets(config.checks)
        self.ran: set[str] = set()
        self.running: set[str] = set()
        # check id -> monotonic start of its newest run
        self.last_run: dict[str, float] = {}
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

    def _history(self, check_id: str, component: str) -> deque:
        keep = self.probe.failures_to_down + self.probe.successes_to_up
        return self.outcomes.setdefault(check_id, {}).setdefault(component, deque(maxlen=keep))

    def resume(self, recent, now: datetime, start: float) -> None:
        """Takes up the thresholds where a previous prober left them: recent is {check id: results oldest
        first} of this vantage point, read from the store at wall-clock now (monotonic start)."""
        for check_id, results in recent.items():
            if check_id not in self.checks or not results:
                continue
            for result in results:
                self._history(check_id, result.component).append(result.outcome)
            self.last_run[check_id] = start - (now - results[-1].time).total_seconds()
            self.due[check_id] = self.earliest(check_id, start)

    def failing(self, check_id: str) -> bool:
        """Returns whether the check's newest outcome for some component is a failure."""
        return any(h and h[-1] == Outcome.FAILED for h in self.outcomes.get(check_id, {}).values())

    def unsettled(self, check_id: str) -> bool:
        """Returns whether the check is failing or down: the thresholds need its next results soon."""
        probe = self.probe
        for outcomes in self.outcomes.get(check_id, {}).values():
            down, failures, _successes = streak(outcomes, probe.failures_to_down, probe.successes_to_up)
            if down or failures > 0:
                return True
        return False

    def earliest(self, check_id: str, moment: float) -> float:
        """Returns when the check may run at the earliest: a failing one not within retry_interval of its last
        run, so that the failures the thresholds count span time, not a burst of rounds."""
        if not self.failing(check_id) or check_id not in self.last_run:
            return moment
        return max(moment, self.last_run[check_id] + min(self.probe.retry_interval, self.checks[check_id].interval))

    def ready(self, moment: float) -> list:
        """Returns the checks due at moment and not running now, and marks them running."""
        found = [c for c_id, c in self.checks.items() if self.due[c_id] <= moment and c_id not in self.running]
        self.running.update(c.id for c in found)
        return found

    def next_due(self) -> float:
        """Returns the monotonic time of the next due check that is not running."""
        return min((due for c_id, due in self.due.items() if c_id not in self.running), default=float("inf"))

    def failed_to_run(self, checks, moment: float) -> None:
        """Sets checks whose round raised to run again after retry_interval."""
        for check in checks:
            self.running.discard(check.id)
            self.due[check.id] = moment + min(self.probe.retry_interval, check.interval)

    def record(self, checks, results, moment: float) -> None:
        """Sets the next run of checks, whose round started at moment, from what they found."""
        started_failing, recovered = set(), set()
        for result in results:
            history = self._history(result.check_id, result.component)
            before = history[-1] if history else None
            if result.outcome == Outcome.FAILED and before != Outcome.FAILED:
                started_failing.add(result.check_id)
            elif before == Outcome.FAILED and result.outcome in (Outcome.OK, Outcome.DEGRADED):
                recovered.add(result.check_id)
            history.append(result.outcome)
        for check in checks:
            self.running.discard(check.id)
            self.last_run[check.id] = moment
            pause = check.interval
            if self.unsettled(check.id):
                pause = min(self.probe.retry_interval, check.interval)
            if check.id not in self.ran:
                # After the first round the checks of a host take their places spread over the interval.
                self.ran.add(check.id)
                pause = min(pause, self.offset[check.id] or pause)
            self.due[check.id] = moment + pause
        # A host that starts failing in one check is asked at once by its others, and one that recovers by
        # those still failing or down: judged by target, not by batch. This only adds evidence: a failing
        # check still waits out its spacing, so no failure is counted twice.
        now, changed = time.monotonic(), started_failing | recovered
        for check_id in changed:
            host = _host(self.checks[check_id])
            for other in self.checks.values():
                if _host(other) != host or other.id in changed or other.id not in self.ran:
                    continue
                if check_id in started_failing or self.unsettled(other.id):
                    self.due[other.id] = min(self.due[other.id], self.earliest(other.id, now))


def _resume(schedule: Schedule, config: SiteConfig, db: ResultsStore) -> None:
    # This vantage point's newest results, so a restart neither forgets failures nor waits full intervals.
    now, start, wanted = datetime.now(UTC), time.monotonic(), config.probe.failures_to_down + 1
    recent: dict[str, list] = {}
    for component in config.components:
        for check_id, results in db.recent_by_check(component.id, wanted).items():
            mine = [r for r in results if r.vantage == config.probe.vantage]
            recent[check_id] = sorted(recent.get(check_id, []) + mine, key=lambda r: r.time)
    schedule.resume(recent, now, start)


def watch(config: SiteConfig, db: ResultsStore, stop: threading.Event, on_round=None, on_error=None, lock=None) -> None:
    """Runs the checks on their schedule until stop is set; on_round(results) after each, on_error(text).

    Given the prober lock, it is asked before every write and watch returns the moment it is not held: two
    probers of one vantage point never write side by side (after a database restart, say).
    """
    if not config.checks:
        return
    schedule = Schedule(config, time.monotonic())
    storer = Storer(db, config.probe.retention_days, on_error, config.probe.vantage, lambda: lock is None or lock.held)
    try:
        db.prepare()
        _resume(schedule, config, db)
    except StorageError as exc:
        storer.failed(exc)
    storer.start()
    try:
        _loop(config, schedule, storer, stop, on_round, on_error)
    finally:
        storer.stop()
    if storer.lost.is_set():
        text = f"the prober lock of {db.name} is no longer held; writing stopped until it is taken again"
        log.error(text)
        if on_error:
            on_error(text)


def _loop(config: SiteConfig, schedule: Schedule, storer: Storer, stop: threading.Event, on_round, on_error) -> None:
    """Starts each round when due, in a thread of its own, and hands what each found to the storer."""
    finished: queue.Queue = queue.Queue()
    arrived = threading.Event()

    def run(checks, moment: float) -> None:
        # One round in a thread of its own: a check that hangs holds up only itself.
        started = datetime.now(UTC)
        try:
            results, network_down = probe_round(checks, config.probe, started)
            finished.put((checks, moment, started, results, network_down, None))
        except Exception as exc:  # noqa: BLE001 - a bug in one round must not end the probing; logged below
            finished.put((checks, moment, started, None, False, exc))
        arrived.set()

    while not stop.is_set() and not storer.lost.is_set():
        arrived.clear()
        moment = time.monotonic()
        ready = schedule.ready(moment)
        if ready:
            threading.Thread(target=run, args=(ready, moment), name="probe-round", daemon=True).start()
        while not finished.empty():
            checks, began, started, results, network_down, exc = finished.get()
            if exc is not None:
                log.error("probe round failed", exc_info=exc)
                schedule.failed_to_run(checks, began)
                if on_error:
                    on_error(f"probe round failed: {type(exc).__name__}: {exc}")
                continue
            schedule.record(checks, results, began)
            if storer.lost.is_set():
                return
            storer.add(results, started, datetime.now(UTC), network_down)
            if on_round:
                on_round(results)
        arrived.wait(min(TICK_SECONDS, max(0.005, schedule.next_due() - time.monotonic())))


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
