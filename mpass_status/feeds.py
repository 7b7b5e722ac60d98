"""Serves the feeds, the calendar and the subscribe page under /fi/ and /sv/, with conditional GET."""

import hashlib
import mimetypes
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import Blueprint, Response, abort, current_app, g, render_template, request, url_for

from . import pages
from .calendar_render import MIMETYPE as CALENDAR_MIMETYPE
from .calendar_render import render_calendar
from .feed_catalog import FeedSpec, feed_specs, find_spec
from .feed_render import FORMATS, absolute, render_feed
from .i18n import preferred_language

bp = Blueprint("feeds", __name__, url_prefix="/<lang>")
# The pages' language handling: the URL's language, filled in by url_for.
bp.url_value_preprocessor(pages.pull_lang)
bp.url_defaults(pages.add_lang)
# Readers may poll every few minutes; a cache in between answers them meanwhile.
MAX_AGE = 300
FORMAT_NAMES = {"rss": "RSS 2.0", "atom": "Atom"}


@bp.after_request
def remember_language(response):
    # The subscribe page remembers the reader's language like every page. Feeds and the calendar
    # are shared by many readers and cached, so they set no cookie.
    if response.mimetype == "text/html":
        return pages.remember_language(response)
    return response


@dataclass(frozen=True)
class Rendered:
    """A feed or calendar as bytes, for one version of the notices."""

    version: str
    body: bytes
    etag: str
    # When these bytes were first served: a notice change elsewhere that leaves them alone keeps it.
    since: datetime


def _rendered(key: tuple, snapshot, render) -> Rendered:
    """Returns the cached output for key, rendering it again when the notices have changed."""
    # The ETag is a hash of the bytes rather than of snapshot.version alone: a feed keeps its ETag
    # (and readers get 304) when a notice outside it changes, and changes it when a deployment
    # changes its format or translations. The output carries no time of rendering, so every worker
    # computes the same ETag. The cache is keyed on the snapshot's version, so a request that
    # matches costs a lookup.
    cache = current_app.extensions.setdefault("feed_cache", {})
    found = cache.get(key)
    if found is not None and found.version == snapshot.version:
        return found
    body = render()
    etag = hashlib.sha256(body).hexdigest()[:32]
    since = found.since if found is not None and found.etag == etag else datetime.now(UTC).replace(microsecond=0)
    cache[key] = Rendered(snapshot.version, body, etag, since)
    return cache[key]


def _respond(rendered: Rendered, content_type: str) -> Response:
    response = Response(rendered.body, content_type=content_type)
    response.set_etag(rendered.etag)
    response.last_modified = rendered.since
    response.cache_control.public = True
    response.cache_control.max_age = MAX_AGE
    return response.make_conditional(request)


@bp.route("/feed.<any(rss, atom):fmt>", defaults={"facet": None, "value": None})
@bp.route("/feeds/<any(type, group, component):facet>/<value>.<any(rss, atom):fmt>")
def feed(facet, value, fmt):
    config = pages.site_config()
    spec = find_spec(config, facet, value)
    if spec is None:
        abort(404)
    snapshot, lang = pages.notices(), g.lang
    rendered = _rendered(
        (lang, spec.key, fmt), snapshot, lambda: render_feed(snapshot.notices, spec, fmt, lang, config)
    )
    return _respond(rendered, f"{FORMATS[fmt]}; charset=utf-8")


@bp.route("/calendar.ics")
def calendar():
    config = pages.site_config()
    snapshot, lang = pages.notices(), g.lang
    rendered = _rendered((lang, "calendar"), snapshot, lambda: render_calendar(snapshot.notices, lang, config))
    return _respond(rendered, f"{CALENDAR_MIMETYPE}; charset=utf-8")


@dataclass(frozen=True)
class Subscription:
    """A feed as the subscribe page lists it: what it carries and its addresses."""

    spec: FeedSpec
    label: str
    name: str
    description: str
    urls: dict


@bp.route("/subscribe/")
def subscribe():
    # Every url_for names its language: a static export (Frozen-Flask) rebuilds the URLs it saw
    # without this request's g.lang.
    config, lang = pages.site_config(), g.lang
    subscriptions = [
        Subscription(
            spec,
            spec.label(config, lang),
            spec.name(config, lang),
            spec.description(config, lang),
            {fmt: absolute(config, "feeds.feed", lang=lang, fmt=fmt, **spec.url_args()) for fmt in FORMATS},
        )
        for spec in feed_specs(config)
    ]
    return render_template(
        "subscribe.html",
        everything=subscriptions[0],
        by_facet={
            facet: [s for s in subscriptions if s.spec.facet == facet] for facet in ("type", "group", "component")
        },
        calendar_url=absolute(config, "feeds.calendar", lang=lang),
        format_names=FORMAT_NAMES,
    )


def feed_links() -> list[dict]:
    """Lists a page's autodiscovery links: the all-notices feeds, and on an archive filter its own feeds."""
    config = pages.site_config()
    lang = g.get("lang") if g.get("lang") in config.languages else preferred_language()
    specs = [FeedSpec()]
    view_args = g.get("view_args") or {}
    if request.endpoint == "pages.archive" and view_args.get("facet") in ("type", "component"):
        facet, value = view_args["facet"], view_args["value"]
        # The archive's component filter also takes a group id.
        spec = find_spec(config, facet, value) or (facet == "component" and find_spec(config, "group", value))
        if spec:
            specs.append(spec)
    return [
        {
            "type": mimetype,
            "title": f"{spec.name(config, lang)} ({FORMAT_NAMES[fmt]})",
            "href": url_for("feeds.feed", lang=lang, fmt=fmt, **spec.url_args()),
        }
        for spec in specs
        for fmt, mimetype in FORMATS.items()
    ]


def init_app(app) -> None:
    """Registers the feeds' routes and the templates' feed_links()."""
    # A static export (Frozen-Flask) names files by their URLs and checks each response's type against
    # the type its name suggests; some systems know .rss only as application/x-rss+xml.
    mimetypes.add_type("application/rss+xml", ".rss")
    mimetypes.add_type("application/atom+xml", ".atom")
    mimetypes.add_type(CALENDAR_MIMETYPE, ".ics")
    app.jinja_env.globals["feed_links"] = feed_links
    app.register_blueprint(bp)
