"""Runs each check at its own interval, in the foreground (`flask probe --watch`) or in a background thread."""

import fcntl
import threading
import time

from mpass_status.checks.runner import run_round
from mpass_status.checks.store import ResultsDB
from mpass_status.config import SiteConfig


def watch(config: SiteConfig, db: ResultsDB, stop: threading.Event, on_round=None):
    """Runs each check at its own interval until stop is set."""
    checks = config.checks
    due = {check.id: 0.0 for check in checks}
    while not stop.is_set() and checks:
        moment = time.monotonic()
        ready = [check for check in checks if due[check.id] <= moment]
        if ready:
            for check in ready:
                due[check.id] = moment + check.interval
            results = run_round(config, db, ready)
            if on_round:
                on_round(results)
        stop.wait(max(0.05, min(due.values()) - time.monotonic()))


def start_background(config: SiteConfig, db: ResultsDB, stop: threading.Event | None = None):
    """Starts watch() in a daemon thread unless another process probes into db; returns the thread or None."""
    # One prober per results database, however many server workers share it: the lock file sits beside it,
    # held open for the thread's whole life (closing it releases the lock).
    lock = open(db.path.with_name(db.path.name + ".prober-lock"), "a+")  # noqa: SIM115
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        lock.close()
        return None
    stop = stop or threading.Event()

    def run():
        try:
            watch(config, db, stop)
        finally:
            # Releasing on exit lets another worker take over the probing.
            lock.close()

    thread = threading.Thread(target=run, name="prober", daemon=True)
    thread.stop_event = stop
    thread.start()
    return thread
