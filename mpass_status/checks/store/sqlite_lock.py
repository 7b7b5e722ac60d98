"""The right to probe into a SQLite results file: an flock on a file beside it, held by one process at a time
(a web server worker or `flask probe --watch`); the others stand by to take over when its process dies."""

import fcntl
from pathlib import Path


class FileLock:
    """The ProberLock of a SQLite file: an flock of the file at path, held by one process at a time."""

    def __init__(self, path: Path):
        self.path = path
        self._file = None

    def acquire(self) -> bool:
        """Takes the lock if no other process holds it; returns whether this process holds it now."""
        if self._file is not None:
            return True
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle = open(self.path, "a+")  # noqa: SIM115 - held open for as long as the lock
        except OSError:
            return False
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        self._file = handle
        return True

    @property
    def held(self) -> bool:
        """Returns whether this process holds the lock through this object."""
        return self._file is not None

    def release(self) -> None:
        """Gives the lock up (closing the file releases it)."""
        if self._file is not None:
            self._file.close()
            self._file = None


def prober_alive(path: Path) -> bool:
    """Returns whether some process holds the prober lock at path (asked without taking it)."""
    try:
        with open(path, "a+") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return False  # Nobody held it; closing the file gives it back at once.
    except BlockingIOError:
        return True
    except OSError:
        return False
