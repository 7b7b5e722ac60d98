"""A bounded, thread-safe store of rendered answers, the memory of the page cache (page_cache.py)."""

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime

MAX_ENTRIES = 2048


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


class PageCache:
    """Rendered answers by key, the least recently used forgotten beyond max_entries."""

    def __init__(self, max_entries: int = MAX_ENTRIES):
        self.max_entries = max_entries
        self._entries: OrderedDict[str, Entry] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: str, version: tuple) -> Entry | None:
        """Returns the fresh entry for key at this version, or None."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry.version != version or entry.expires <= time.time():
                return None
            self._entries.move_to_end(key)
            return entry

    def put(self, key: str, entry: Entry) -> None:
        """Stores an entry, forgetting the least recently used beyond the bound."""
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
