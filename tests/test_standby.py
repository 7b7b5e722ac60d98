"""hold_or_stand_by: work done while holding a lock, standing by while another process holds it, and the
lock let go at the end, on real prober locks (two lock objects conflict as two processes would)."""

import threading

import pytest

from mpass_status.checks.store import open_results
from mpass_status.standby import hold_or_stand_by

# Short enough for the tests; every wait below is for a condition, with a generous deadline.
EVERY = 0.05
DEADLINE = 10


@pytest.fixture
def store(tmp_path):
    """A SQLite results store, whose prober lock is an flock of a file beside it."""
    return open_results(tmp_path / "status.sqlite3")


def in_thread(*args, **kwargs) -> threading.Thread:
    thread = threading.Thread(target=hold_or_stand_by, args=args, kwargs=kwargs, daemon=True)
    thread.start()
    return thread


def test_work_runs_while_the_lock_is_held_and_the_lock_is_let_go_after(store):
    lock, stop, held_during_work = store.prober_lock(), threading.Event(), []

    def work():
        held_during_work.append(store.prober_alive())
        stop.set()

    waited = []
    hold_or_stand_by(lock, work, stop, EVERY, on_wait=lambda: waited.append(True))
    assert held_during_work == [True] and waited == []
    assert not lock.held and not store.prober_alive()


class Asked:
    """A real prober lock that counts how often it is asked for, so a test can wait for the fifth ask."""

    def __init__(self, lock, asks: int):
        self.lock, self.asks, self.asked = lock, 0, threading.Event()
        self.enough = asks

    def acquire(self) -> bool:
        self.asks += 1
        if self.asks >= self.enough:
            self.asked.set()
        return self.lock.acquire()

    def release(self) -> None:
        self.lock.release()


def test_a_standby_says_so_once_and_takes_over_when_the_holder_lets_go(store):
    holder, stop, took_over, waited = store.prober_lock(), threading.Event(), threading.Event(), []
    assert holder.acquire()
    asking = Asked(store.prober_lock(), asks=5)
    standby = in_thread(asking, took_over.set, stop, EVERY, on_wait=lambda: waited.append(True))
    try:
        # Several asks go by while the holder keeps the lock: on_wait is called for the first only.
        assert asking.asked.wait(DEADLINE)
        assert waited == [True] and not took_over.is_set()
        holder.release()
        assert took_over.wait(DEADLINE)
        assert store.prober_alive() and not holder.acquire()
    finally:
        stop.set()
        standby.join(DEADLINE)
    assert not standby.is_alive() and not store.prober_alive()


def test_work_that_returns_runs_again_and_the_lock_stays_held_between(store):
    stop, runs, alive_between = threading.Event(), [], []
    rival = store.prober_lock()

    def work():
        runs.append(True)
        # Another process asking between two runs does not get the lock.
        alive_between.append(not rival.acquire())
        if len(runs) == 3:
            stop.set()

    hold_or_stand_by(store.prober_lock(), work, stop, EVERY)
    assert len(runs) == 3 and alive_between == [True, True, True]
    assert rival.acquire()
    rival.release()


def test_an_error_in_work_lets_the_lock_go(store):
    lock, stop = store.prober_lock(), threading.Event()

    def work():
        raise RuntimeError("a bug")

    with pytest.raises(RuntimeError):
        hold_or_stand_by(lock, work, stop, EVERY)
    assert not lock.held and not store.prober_alive()
