"""Serves the feeds, the calendar and the subscribe page under /fi/ and /sv/, with conditional GET."""

import mimetypes
from dataclasses import dataclass

from flask import Blueprint, Response, abort, g, render_template, request, url_for

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


def _respond(body: bytes, content_type: str) -> Response:
    # The page cache renders each feed once per version of the notices and gives it an
    # ETag (a hash of the bytes) and a Last-Modified, so readers polling often get 304.
    response = Response(body, content_type=content_type)
    response.cache_control.public = True
    response.cache_control.max_age = MAX_AGE
    return response


@bp.route("/feed.<any(rss, atom):fmt>", defaults={"facet": None, "value": None})
@bp.route("/feeds/<any(type, group, component):facet>/<value>.<any(rss, atom):fmt>")
def feed(facet, value, fmt):
    config = pages.site_config()
    spec = find_spec(config, facet, value)
    if spec is None:
        abort(404)
    body = render_feed(pages.notices().notices, spec, fmt, g.lang, config)
    return _respond(body, f"{FORMATS[fmt]}; charset=utf-8")


@bp.route("/calendar.ics")
def calendar():
    config = pages.site_config()
    body = render_calendar(pages.notices().notices, g.lang, config)
    return _respond(body, f"{CALENDAR_MIMETYPE}; charset=utf-8")


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


def freeze_urls():
    """Yields every feed, calendar and subscribe page in every language, for the static export."""
    config = pages.site_config()
    for lang in config.languages:
        yield "feeds.subscribe", {"lang": lang}
        yield "feeds.calendar", {"lang": lang}
        for spec in feed_specs(config):
            for fmt in FORMATS:
                yield "feeds.feed", {"lang": lang, "fmt": fmt, **spec.url_args()}


def init_app(app) -> None:
    """Registers the feeds' routes, the templates' feed_links() and the feeds' static export."""
    # A static export (Frozen-Flask) names files by their URLs and checks each response's type against
    # the type its name suggests; some systems know .rss only as application/x-rss+xml.
    mimetypes.add_type("application/rss+xml", ".rss")
    mimetypes.add_type("application/atom+xml", ".atom")
    mimetypes.add_type(CALENDAR_MIMETYPE, ".ics")
    app.jinja_env.globals["feed_links"] = feed_links
    app.register_blueprint(bp)
    app.extensions["page_cache"].cacheable.add(bp.name)
    app.extensions.setdefault("freeze_generators", []).append(freeze_urls)
