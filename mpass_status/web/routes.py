"""The route table: every endpoint's class, declared once.

A class says how long shared caches may keep an endpoint's answers (and so whether the page cache keeps
them), whether scripts on other sites may read them, and whether the static export holds them. The page
cache, the cache policy, CORS and the export all read this table; a route it does not declare is named by
`flask freeze` and fails tests/web/test_routes.py.
"""

from dataclasses import dataclass
from enum import StrEnum

from flask import Flask


class Lifetime(StrEnum):
    """How long a shared cache (a CDN, nginx `proxy_cache`) may keep an endpoint's successful answers."""

    # Changes with each probe round: kept briefly.
    LIVE = "live"
    # Changes with the notices: kept longer.
    LASTING = "lasting"
    # Polled by feed readers every few minutes.
    FEED = "feed"
    # About this moment, or per reader: never kept.
    NEVER = "never"
    # The view says it itself (fingerprinted static files) or nothing is said (a redirect, robots.txt).
    OWN = "own"


class ExportClass(StrEnum):
    """Whether the static export holds an endpoint's URLs."""

    EXPORTED = "exported"
    # Only a running site can answer: a redirect by the reader's language, a cookie, a forge's POST.
    LIVE_ONLY = "live-only"
    # Health answers are about the live process: an exported copy would always claim health.
    NEVER = "never"


@dataclass(frozen=True)
class Route:
    """An endpoint's class: its cache lifetime, whether other origins may read it, whether it is exported."""

    lifetime: Lifetime
    export: ExportClass
    cors: bool = False

    @property
    def kept(self) -> bool:
        """Tells whether the page cache keeps its answers: those a shared cache may keep for a set time."""
        return self.lifetime in (Lifetime.LIVE, Lifetime.LASTING, Lifetime.FEED)

    @property
    def changes_with_rounds(self) -> bool:
        """Tells whether a probe round changes its exported files (they show check results)."""
        return self.lifetime is Lifetime.LIVE and self.export is ExportClass.EXPORTED


# The classes the site's endpoints fall in.
LIVE_PAGE = Route(Lifetime.LIVE, ExportClass.EXPORTED)
PAGE = Route(Lifetime.LASTING, ExportClass.EXPORTED)
FEED = Route(Lifetime.FEED, ExportClass.EXPORTED, cors=True)
API = Route(Lifetime.LIVE, ExportClass.EXPORTED, cors=True)
FILE = Route(Lifetime.OWN, ExportClass.EXPORTED)
SERVER = Route(Lifetime.OWN, ExportClass.LIVE_ONLY)
SWITCH = Route(Lifetime.NEVER, ExportClass.LIVE_ONLY)
HEALTH = Route(Lifetime.NEVER, ExportClass.NEVER)

# Endpoint (or blueprint, for all of its endpoints) -> its class.
ROUTES: dict[str, Route] = {
    "pages.front": LIVE_PAGE,
    "pages.component": LIVE_PAGE,
    "pages.notice": PAGE,
    "pages.archive": PAGE,
    "pages.about": PAGE,
    "pages.accessibility": PAGE,
    "feeds.feed": FEED,
    "feeds.calendar": FEED,
    "feeds.subscribe": PAGE,
    # E-mail subscriptions (mpass_status/notify): per subscriber, never kept; the privacy statement is a page.
    "notify": SWITCH,
    "notify.privacy": PAGE,
    # Webhook subscriptions: the form, and each hook's own page with its secret.
    "webhooks": SWITCH,
    # The Statuspage-compatible JSON: widgets and dashboards on other sites read it.
    "status_api": API,
    "readiness": HEALTH,
    # "/" sends the reader on by cookie and browser language; the export writes its own index.html.
    "root": SERVER,
    "language.choose": SWITCH,
    "hooks": SERVER,
    "static": FILE,
    "favicon": FILE,
    "robots": FILE,
}


def route(endpoint: str | None) -> Route | None:
    """Returns the class of endpoint (its own, else its blueprint's), or None when the table has none."""
    if not endpoint:
        return None
    blueprint = endpoint.rpartition(".")[0]
    return ROUTES.get(endpoint) or (ROUTES.get(blueprint) if blueprint else None)


def undeclared(app: Flask) -> set[str]:
    """Returns the endpoints of app's URL map that the table does not declare."""
    return {rule.endpoint for rule in app.url_map.iter_rules() if route(rule.endpoint) is None}
