"""Tells shared caches (a CDN, nginx `proxy_cache`) how long each kind of answer may be kept.

Live answers (the front page, component pages, the status API) are kept briefly; notices, the archive and
the fixed pages longer; feeds and calendars as long as feed readers poll. Stale copies may be served while
one request revalidates, and for a day or a week when the site itself cannot answer: during an outage of
this site, readers still see the last truth. Health answers are never kept. Which endpoint is of which kind
is declared in the route table (routes.py).
"""

from flask import request

from mpass_status.web.routes import Lifetime, route

POLICIES = {
    Lifetime.LIVE: "public, max-age=15, stale-while-revalidate=30, stale-if-error=86400",
    Lifetime.LASTING: "public, max-age=300, stale-while-revalidate=600, stale-if-error=604800",
    # Readers may poll every few minutes; a cache in between answers them meanwhile.
    Lifetime.FEED: "public, max-age=300",
    Lifetime.NEVER: "no-store",
}


def policy(endpoint: str | None) -> str | None:
    """Returns the Cache-Control of a successful answer of endpoint, or None to leave it as it is."""
    declared = route(endpoint)
    return POLICIES.get(declared.lifetime) if declared else None


def _apply(response):
    chosen = policy(request.endpoint)
    # What is never kept is never kept, whatever its status; the rest only when it is the page itself.
    if chosen == POLICIES[Lifetime.NEVER] or (
        chosen and response.status_code == 200 and "Cache-Control" not in response.headers
    ):
        response.headers["Cache-Control"] = chosen
    return response


def init_app(app) -> None:
    """Adds Cache-Control to the answers whose kind the route table declares."""
    app.after_request(_apply)
