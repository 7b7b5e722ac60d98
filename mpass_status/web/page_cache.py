"""Keeps rendered pages and feeds until the notices, the live status or the clock make them stale.

What is kept is what the route table (routes.py) gives a cache lifetime; the versions and the moments that
make an answer stale come from the freshness clocks (freshness.py), the memory from page_store.py. A stale
answer is rendered again by one request while the others get the stale copy (X-Cache: stale), briefly.
"""

import hashlib
import time
from urllib.parse import parse_qsl

from flask import current_app, request
from werkzeug.http import is_resource_modified

from mpass_status import runtime
from mpass_status.web.export_signal import for_export
from mpass_status.web.page_store import Entry
from mpass_status.web.routes import route
from mpass_status.web.security import MAX_QUERY_BYTES

# Even unchanged pages are re-rendered this often, so relative wording and the
# "updated" time never drift far from the truth.
MAX_AGE_SECONDS = 30
# The only query a cached path reads: the status API's `?lang=` (its first value if that is a site
# language, else the first language, as status_api reads it). Every other query is left out of the key.
LANGUAGE_QUERY_PATHS = "/api/v2/"


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


def _kept() -> bool:
    declared = route(request.endpoint)
    # The export renders its own copy (language switch links) and keeps its own digests.
    return request.method in ("GET", "HEAD") and declared is not None and declared.kept and not for_export()


def _store(response):
    # Registered before the other after_request hooks, so it runs last and keeps their headers too.
    if not _kept() or response.status_code != 200 or response.direct_passthrough:
        return response
    state = runtime.state(current_app._get_current_object())
    body = response.get_data()
    now = time.time()
    etag = hashlib.sha256(body).hexdigest()[:32]
    response.set_etag(etag)
    # Feeds and calendars state their own (from the notices' history); other answers change with each
    # probe round and are validated by their ETag alone, the same in every worker.
    since = response.last_modified
    response.headers["X-Cache"] = "miss"
    entry = Entry(
        version=state.freshness.version(),
        expires=min(now + MAX_AGE_SECONDS, state.freshness.next_boundary(state.notices.current(), now)),
        status=response.status_code,
        # Nothing cached is per reader: no answer it keeps sets a cookie.
        headers=tuple((k, v) for k, v in response.headers.items() if k not in ("Set-Cookie", "X-Cache")),
        body=body,
        etag=etag,
        since=since,
    )
    state.page_cache.put(cache_key(request.environ, state.config.languages), entry)
    conditional = response.make_conditional(request)
    # make_conditional adds a Date; the server (werkzeug, gunicorn) sends its own, and two would go out.
    del conditional.headers["Date"]
    return conditional


class CachedPages:
    """WSGI middleware that answers a request from the cache before Flask is involved at all."""

    def __init__(self, wsgi_app, app):
        self.wsgi_app, self.state = wsgi_app, runtime.state(app)

    def __call__(self, environ, start_response):
        method = environ.get("REQUEST_METHOD")
        # An overlong query is refused by Flask (400), cached path or not; the export renders its own copy.
        asked = method in ("GET", "HEAD") and len(environ.get("QUERY_STRING", "")) <= MAX_QUERY_BYTES
        if not asked or for_export(environ):
            return self.wsgi_app(environ, start_response)
        key = cache_key(environ, self.state.config.languages)
        found = self.state.page_cache.lookup(key, self.state.freshness.version())
        if found.entry is None:
            try:
                return self.wsgi_app(environ, start_response)
            finally:
                # _store has put what this request rendered; a failed render leaves the stale copy for others.
                if found.claim is not None:
                    self.state.page_cache.release(key, found.claim)
        entry = found.entry
        headers = list(entry.headers) + [("X-Cache", "stale" if found.stale else "hit")]
        if not is_resource_modified(environ, etag=entry.etag, last_modified=entry.since):
            kept = [(k, v) for k, v in headers if k not in ("Content-Type", "Content-Length")]
            start_response("304 Not Modified", kept)
            return []
        start_response("200 OK", headers)
        return [] if method == "HEAD" else [entry.body]


def init_app(app) -> None:
    """Caches what the route table gives a lifetime, answering repeat requests before Flask is involved."""
    app.after_request(_store)
    app.wsgi_app = CachedPages(app.wsgi_app, app)
