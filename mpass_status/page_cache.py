"""Keeps rendered pages and feeds until the notices, the live status or the clock make them stale."""

import bisect
import hashlib
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import current_app, request

# Even unchanged pages are re-rendered this often, so relative wording and the
# "updated" time never drift far from the truth.
MAX_AGE_SECONDS = 30
MAX_ENTRIES = 2048
# What a cached copy keeps; anything per-reader (Set-Cookie) is left to run again.
KEPT_HEADERS = ("Content-Type", "Content-Language", "Cache-Control", "Link")


@dataclass(frozen=True)
class Entry:
    version: tuple
    expires: float
    status: int
    headers: tuple
    body: bytes
    etag: str
    # When these bytes were first rendered: a re-render that gives the same bytes keeps it.
    since: datetime


class PageCache:
    """A bounded, thread-safe store of rendered responses keyed by path; `cacheable` names blueprints or endpoints."""

    def __init__(self, max_entries: int = MAX_ENTRIES):
        self.max_entries = max_entries
        self.cacheable: set[str] = set()
        self._entries: OrderedDict[str, Entry] = OrderedDict()
        self._lock = threading.Lock()
        self._boundaries: tuple[str, list[float]] = ("", [])

    def get(self, key: str, version: tuple) -> Entry | None:
        """Returns the fresh entry for key at this version, or None."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry.version != version or entry.expires <= time.time():
                return None
            self._entries.move_to_end(key)
            return entry

    def since(self, key: str, etag: str) -> datetime:
        """Returns when the bytes with this ETag were first rendered for key (now if they are new)."""
        with self._lock:
            entry = self._entries.get(key)
        if entry is not None and entry.etag == etag:
            return entry.since
        return datetime.now(UTC).replace(microsecond=0)

    def put(self, key: str, entry: Entry) -> None:
        """Stores an entry, forgetting the least recently used beyond the bound."""
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def next_boundary(self, snapshot, now: float) -> float:
        """Returns the next time a notice starts or ends, when lists of ongoing and upcoming work change."""
        if self._boundaries[0] != snapshot.version:
            moments = sorted(
                moment.at.timestamp() for n in snapshot.notices for moment in (n.start, n.end) if moment is not None
            )
            self._boundaries = (snapshot.version, moments)
        moments = self._boundaries[1]
        index = bisect.bisect_right(moments, now)
        return moments[index] if index < len(moments) else float("inf")


def _version() -> tuple:
    snapshot = current_app.extensions["notice_store"].snapshot()
    status_version = current_app.extensions.get("status_version")
    return snapshot.version, status_version() if status_version else ""


def _key() -> str:
    return request.full_path


def _cacheable() -> bool:
    cache = current_app.extensions["page_cache"]
    return request.method in ("GET", "HEAD") and bool({request.blueprint, request.endpoint} & cache.cacheable)


def _serve_cached():
    if not _cacheable():
        return None
    entry = current_app.extensions["page_cache"].get(_key(), _version())
    if entry is None:
        return None
    response = current_app.response_class(entry.body, status=entry.status, headers=list(entry.headers))
    response.set_etag(entry.etag)
    response.last_modified = entry.since
    response.headers["X-Cache"] = "hit"
    return response.make_conditional(request)


def _store(response):
    if not _cacheable() or response.status_code != 200 or response.direct_passthrough or "X-Cache" in response.headers:
        return response
    cache = current_app.extensions["page_cache"]
    body = response.get_data()
    now = time.time()
    snapshot = current_app.extensions["notice_store"].snapshot()
    etag = hashlib.sha256(body).hexdigest()[:32]
    since = cache.since(_key(), etag)
    entry = Entry(
        version=_version(),
        expires=min(now + MAX_AGE_SECONDS, cache.next_boundary(snapshot, now)),
        status=response.status_code,
        headers=tuple((k, v) for k, v in response.headers.items() if k in KEPT_HEADERS),
        body=body,
        etag=etag,
        since=since,
    )
    cache.put(_key(), entry)
    response.set_etag(etag)
    response.last_modified = since
    response.headers["X-Cache"] = "miss"
    return response.make_conditional(request)


def init_app(app) -> None:
    """Caches the reader's pages; modules add their own blueprints to `cacheable`."""
    app.extensions["page_cache"] = PageCache()
    app.extensions["page_cache"].cacheable.add("pages")
    app.before_request(_serve_cached)
    app.after_request(_store)
