"""Tells shared caches (a CDN, nginx `proxy_cache`) how long each kind of answer may be kept.

Live answers (the front page, component pages, the status API) are kept briefly; notices, the archive and
the fixed pages longer. Stale copies may be served while one request revalidates, and for a day or a week
when the site itself cannot answer: during an outage of this site, readers still see the last truth.
Feeds and the calendar state their own (routes.py); health answers are never kept.
"""

from flask import request

LIVE = {"pages.front", "pages.component", "status_api"}
LASTING = {"pages.notice", "pages.archive", "pages.about", "pages.accessibility", "feeds.subscribe"}
NEVER = {"status_api.healthz", "status_api.readyz"}
POLICIES = {
    "live": "public, max-age=15, stale-while-revalidate=30, stale-if-error=86400",
    "lasting": "public, max-age=300, stale-while-revalidate=600, stale-if-error=604800",
}


def policy(endpoint: str | None) -> str | None:
    """Returns the Cache-Control of a successful answer of endpoint, or None to leave it as it is."""
    if endpoint in NEVER:
        return "no-store"
    if endpoint in LIVE or (endpoint or "").split(".")[0] in LIVE:
        return POLICIES["live"]
    if endpoint in LASTING:
        return POLICIES["lasting"]
    return None


def _apply(response):
    chosen = policy(request.endpoint)
    if chosen == "no-store" or (chosen and response.status_code == 200 and "Cache-Control" not in response.headers):
        response.headers["Cache-Control"] = chosen
    return response


def init_app(app) -> None:
    """Adds Cache-Control to the answers whose kind it knows."""
    app.after_request(_apply)
