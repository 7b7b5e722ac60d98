"""Keeps rendered pages and feeds until the notices, the live status or the clock make them stale."""

import bisect
import hashlib
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import parse_qsl

from flask import current_app, request
from werkzeug.http import is_resource_modified

from mpass_status import runtime
from mpass_status.checks.store import StorageError
from mpass_status.web.security import MAX_QUERY_BYTES

# Even unchanged pages are re-rendered this often, so relative wording and the
# "updated" time never drift far from the truth.
MAX_AGE_SECONDS = 30
MAX_ENTRIES = 2048
# What is kept: the reader's pages, the feeds and calendars, and the status JSON that aggregators poll
# (blueprints or endpoints).
CACHEABLE = {"pages", "feeds", "status_api"}
# Health answers are about this moment and never kept.
UNCACHED = {"status_api.healthz", "status_api.readyz"}
# The only query a cached path reads: the status API's `?lang=` (its first value if that is a site
# language, else the first language, as status_api reads it). Every other query is left out of the key.
LANGUAGE_QUERY_PATHS = "/api/v2/"


@dataclass(frozen=True)
class Entry:
    version: tuple
    expires: float
    status: int
    headers: tuple
    body: bytes
    etag: str
    # The Last-Modified a view stated (feeds, calendars), else None.
    since: datetime | None


class PageCache:
    """A bounded, thread-safe store of rendered responses keyed by path."""

    def __init__(self, max_entries: int = MAX_ENTRIES):
        self.max_entries = max_entries
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

    def put(self, key: str, entry: Entry) -> None:
        """Stores an entry, forgetting the least recently used beyond the bound."""
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def next_boundary(self, notices, now: float) -> float:
        """Returns the next time a notice starts or ends, when lists of ongoing and upcoming work change."""
        if self._boundaries[0] != notices.version:
            moments = sorted(
                moment.at.timestamp() for n in notices.notices for moment in (n.start, n.end) if moment is not None
            )
            self._boundaries = (notices.version, moments)
        moments = self._boundaries[1]
        index = bisect.bisect_right(moments, now)
        return moments[index] if index < len(moments) else float("inf")


class StatusVersion:
    """The time of the newest probe round, asked of the results database at most every `every` seconds."""

    def __init__(self, app, every: float):
        self.app, self.every = app, every
        self._value, self._checked = "", float("-inf")

    def __call__(self, fresh: bool = False) -> str:
        if fresh or time.monotonic() - self._checked >= self.every:
            self._value, self._checked = self._read(), time.monotonic()
        return self._value

    def _read(self) -> str:
        # A broken results file must not take the notice pages down with it.
        try:
            return str(runtime.results(self.app).last_round_time())
        except StorageError:
            return ""


def status_version(app, fresh: bool = False) -> str:
    """Returns the time of the newest probe round as the page cache last read it (fresh: read it now)."""
    return app.extensions["page_cache_status_version"](fresh)


def _version(app) -> tuple:
    # Pages change with the notices and with each probe round.
    return runtime.notices(app).version, status_version(app)


def cache_key(environ, languages: tuple[str, ...]) -> str:
    """Returns the key of a request: scheme (HTTPS responses carry HSTS), path and the language the API reads.

    No page reads a query except the status API's `?lang=`; anything else (`?bust=123`, `?lang=x123`,
    `?lang=sv&lang=fi`) must neither cost a render nor take a place in the cache, nor get another
    reader's answer, so the key holds the language the API will answer in, not the query.
    """
    key = f"{environ.get('wsgi.url_scheme')}:{environ.get('PATH_INFO', '')}"
    if not environ.get("PATH_INFO", "").startswith(LANGUAGE_QUERY_PATHS):
        return key
    query = parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True)
    asked = next((value for name, value in query if name == "lang"), None)
    return f"{key}?lang={asked if asked in languages else languages[0]}"


def _cacheable() -> bool:
    return (
        request.method in ("GET", "HEAD")
        and request.endpoint not in UNCACHED
        and bool({request.blueprint, request.endpoint} & CACHEABLE)
    )


def _store(response):
    # Registered before the other after_request hooks, so it runs last and keeps their headers too.
    if not _cacheable() or response.status_code != 200 or response.direct_passthrough:
        return response
    app = current_app._get_current_object()
    cache, key = app.extensions["page_cache"], cache_key(request.environ, runtime.config(app).languages)
    body = response.get_data()
    now = time.time()
    etag = hashlib.sha256(body).hexdigest()[:32]
    response.set_etag(etag)
    # Feeds and calendars state their own (from the notices' history); other answers change with each
    # probe round and are validated by their ETag alone, the same in every worker.
    since = response.last_modified
    response.headers["X-Cache"] = "miss"
    entry = Entry(
        version=_version(app),
        expires=min(now + MAX_AGE_SECONDS, cache.next_boundary(runtime.notices(app), now)),
        status=response.status_code,
        # Nothing cached is per reader: no answer it keeps sets a cookie.
        headers=tuple((k, v) for k, v in response.headers.items() if k not in ("Set-Cookie", "X-Cache")),
        body=body,
        etag=etag,
        since=since,
    )
    cache.put(key, entry)
    return response.make_conditional(request)


class CachedPages:
    """WSGI middleware that answers a request from the cache before Flask is involved at all."""

    def __init__(self, wsgi_app, app):
        self.wsgi_app, self.app = wsgi_app, app

    def __call__(self, environ, start_response):
        method = environ.get("REQUEST_METHOD")
        entry = None
        # An overlong query is refused by Flask (400), cached path or not.
        if method in ("GET", "HEAD") and len(environ.get("QUERY_STRING", "")) <= MAX_QUERY_BYTES:
            key = cache_key(environ, runtime.config(self.app).languages)
            entry = self.app.extensions["page_cache"].get(key, _version(self.app))
        if entry is None:
            return self.wsgi_app(environ, start_response)
        headers = list(entry.headers) + [("X-Cache", "hit")]
        if not is_resource_modified(environ, etag=entry.etag, last_modified=entry.since):
            kept = [(k, v) for k, v in headers if k not in ("Content-Type", "Content-Length")]
            start_response("304 Not Modified", kept)
            return []
        start_response("200 OK", headers)
        return [] if method == "HEAD" else [entry.body]


def init_app(app) -> None:
    """Caches what CACHEABLE names, answering repeat requests before Flask is involved."""
    app.extensions["page_cache"] = PageCache()
    # Every request asks; the database is asked at most every STATUS_VERSION_SECONDS.
    app.extensions["page_cache_status_version"] = StatusVersion(app, runtime.settings(app).status_version_seconds)
    app.after_request(_store)
    app.wsgi_app = CachedPages(app.wsgi_app, app)
