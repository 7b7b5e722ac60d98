"""A bounded, thread-safe store of rendered answers, the memory of the page cache (page_cache.py).

A stale answer is rendered again by one request at a time (stale-while-revalidate): while that one renders,
the others are answered from the stale copy, for at most STALE_SECONDS after the first request found it stale.
"""

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime

MAX_ENTRIES = 2048
# How long a stale answer may still be sent while another request renders its successor: a render takes
# milliseconds, so this only matters when renders hang or fail; then every request renders for itself.
STALE_SECONDS = 2.0


@dataclass(frozen=True)
class Entry:
    """A rendered answer as kept: what it was rendered from (version), until when, and what is sent."""

    version: tuple
    expires: float
    status: int
    headers: tuple
    body: bytes
    etag: str
    # The Last-Modified a view stated (feeds, calendars), else None.
    since: datetime | None


@dataclass(frozen=True)
class Lookup:
    """What a request is to do: send entry (stale: while another renders), or render (claim: its renewal)."""

    entry: Entry | None
    stale: bool = False
    # Held by the one request renewing a stale entry; given back through release() whatever the render did.
    claim: object | None = None


@dataclass
class _Renewal:
    # When the first request found the entry stale, and the claim of the request rendering it (None: none).
    since: float
    claim: object | None


class PageCache:
    """Rendered answers by key, the least recently used forgotten beyond max_entries."""

    def __init__(self, max_entries: int = MAX_ENTRIES, stale_seconds: float = STALE_SECONDS):
        self.max_entries, self.stale_seconds = max_entries, stale_seconds
        self._entries: OrderedDict[str, Entry] = OrderedDict()
        self._renewals: dict[str, _Renewal] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def lookup(self, key: str, version: tuple) -> Lookup:
        """Says how to answer key at this version: the fresh entry, the stale one while another request renders
        its renewal, or nothing (render it; with a claim when this request is the one renewing it)."""
        now = time.time()
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return Lookup(None)
            self._entries.move_to_end(key)
            if entry.version == version and entry.expires > now:
                return Lookup(entry)
            renewal = self._renewals.setdefault(key, _Renewal(now, None))
            if now - renewal.since > self.stale_seconds:
                # Stale for too long (renders failing or hanging): no one gets it any more.
                return Lookup(None)
            if renewal.claim is not None:
                return Lookup(entry, stale=True)
            renewal.claim = object()
            return Lookup(None, claim=renewal.claim)

    def release(self, key: str, claim: object) -> None:
        """Gives back a claim from lookup(); when no fresh entry was stored, the next request renders again."""
        with self._lock:
            renewal = self._renewals.get(key)
            if renewal is not None and renewal.claim is claim:
                renewal.claim = None

    def put(self, key: str, entry: Entry) -> None:
        """Stores an entry, forgetting the least recently used beyond the bound."""
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            self._renewals.pop(key, None)
            while len(self._entries) > self.max_entries:
                forgotten, _ = self._entries.popitem(last=False)
                self._renewals.pop(forgotten, None)
