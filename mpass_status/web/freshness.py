"""The clocks that make rendered answers stale: the notices' version, the newest probe round, and the moments
notices start and end. The page cache, the live status's once-a-second memo and the export watcher all read
these, from the app's state (runtime.state().freshness and .memo)."""

import bisect
import threading
import time
from collections.abc import Callable
from datetime import datetime

from mpass_status.checks.store import StorageError
from mpass_status.notices.store import NoticeSet


class Freshness:
    """The versions a rendered answer depends on; the probe round is asked of the results store at most
    every `every` seconds, so a request does not query the database each time."""

    def __init__(self, notices_version: Callable[[], str], newest_round: Callable[[], datetime | None], every: float):
        self._notices_version, self._newest_round, self.every = notices_version, newest_round, every
        self._round, self._asked = "", float("-inf")
        self._boundaries: tuple[str, list[float]] = ("", [])
        self._reading = threading.Lock()

    def probe_round(self, fresh: bool = False) -> str:
        """Returns the time of the newest probe round as last read (fresh: read it now); "" when unreadable.

        When a reading is due, one thread reads while the others take the last reading: they wait on the
        database only before its first reading, or when asked for a fresh one.
        """
        due = fresh or time.monotonic() - self._asked >= self.every
        if not due:
            return self._round
        wait = fresh or self._asked == float("-inf")
        if not self._reading.acquire(blocking=wait):
            return self._round
        try:
            if fresh or time.monotonic() - self._asked >= self.every:
                self._round, self._asked = self._read(), time.monotonic()
        finally:
            self._reading.release()
        return self._round

    def _read(self) -> str:
        # A broken results store must not take the notice pages down with it.
        try:
            return str(self._newest_round())
        except StorageError:
            return ""

    def version(self) -> tuple[str, str]:
        """Returns what a rendered answer changes with: the notices' version and the newest probe round."""
        return self._notices_version(), self.probe_round()

    def next_boundary(self, notices: NoticeSet, now: float) -> float:
        """Returns the next time a notice starts or ends, when the lists of ongoing and upcoming work change."""
        version, moments = self._boundaries
        if version != notices.version:
            moments = sorted(
                moment.at.timestamp() for n in notices.notices for moment in (n.start, n.end) if moment is not None
            )
            self._boundaries = (notices.version, moments)
        index = bisect.bisect_right(moments, now)
        return moments[index] if index < len(moments) else float("inf")


class PerSecond:
    """Keeps one value per name and key, computed again once per second, notices version and probe round.

    What every live page derives from the whole archive and the newest round is then computed once for the
    dozens of pages rendered after a round, not once per page. One thread computes a name and key at a time: at the
    turn of a second the others take the previous second's value; after a change of version or key they wait
    for the new one, which they need, rather than compute it again.
    """

    def __init__(self, freshness: Freshness):
        self.freshness = freshness
        # Each (name, key)'s (versions and second, value) pair is replaced whole, so a reader never sees half of one.
        self._kept: dict[tuple, tuple[tuple, object]] = {}
        self._computing: dict[tuple, threading.Lock] = {}
        self._locks = threading.Lock()

    def get(self, name: str, now: datetime, compute: Callable[[], object], *key):
        """Returns compute() as computed for this second of now, these versions and key (one kept per name and key:
        a live export renders the Finnish and Swedish answers in turn, and each would evict the other)."""
        slot, versions, second = (name, *key), self.freshness.version(), int(now.timestamp())
        kept = self._kept.get(slot)
        if kept is not None and kept[0] == (versions, second):
            return kept[1]
        with self._locks:
            computing = self._computing.setdefault(slot, threading.Lock())
        # Only the second has turned: a value a second old is as good as new to every page but the one renewing it.
        turned = kept is not None and kept[0][0] == versions and 0 < second - kept[0][1] <= 1
        if not computing.acquire(blocking=not turned):
            return kept[1]
        try:
            kept = self._kept.get(slot)
            if kept is not None and kept[0] == (versions, second):
                return kept[1]
            found = compute()
            self._kept[slot] = ((versions, second), found)
            return found
        finally:
            computing.release()
