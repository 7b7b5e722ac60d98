"""Work that one process at a time may do (probing into a store, keeping an exported folder current): the
process holding the lock does it, the others stand by and ask again now and then, to take over when the
holder's process stops."""

import threading
from collections.abc import Callable
from typing import Protocol


class Lock(Protocol):
    """A right held by one process at a time, asked for without waiting."""

    def acquire(self) -> bool:
        """Takes the lock if nobody holds it; returns whether this process holds it now."""

    def release(self) -> None:
        """Gives the lock up (nothing happens if this process does not hold it)."""


def hold_or_stand_by(
    lock: Lock,
    work: Callable[[], object],
    stop: threading.Event,
    every: float,
    on_wait: Callable[[], object] | None = None,
) -> None:
    """Runs work() while holding lock, else asks again every `every` seconds, until stop is set; then lets go.

    work() that returns while stop is not set runs again after `every` seconds, the lock asked for again
    first (held, it stays held: a restart keeps this process the holder); work that is done sets stop.
    on_wait() is called when this process starts standing by, so a terminal can say so once.
    An exception from work() ends the loop and lets the lock go.
    """
    standing_by = False
    try:
        while not stop.is_set():
            if lock.acquire():
                standing_by = False
                work()
            elif not standing_by:
                standing_by = True
                if on_wait is not None:
                    on_wait()
            stop.wait(every)
    finally:
        lock.release()
