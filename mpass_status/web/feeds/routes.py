"""Serves the feeds, the calendar and the subscribe page under /fi/ and /sv/, with conditional GET."""

import hashlib
from dataclasses import dataclass

from flask import Response, abort, g, render_template, request, url_for

from mpass_status import runtime
from mpass_status.web.addresses import absolute
from mpass_status.web.feeds import validators
from mpass_status.web.feeds.calendar import MIMETYPE as CALENDAR_MIMETYPE
from mpass_status.web.feeds.calendar import calendar_changed, render_calendar
from mpass_status.web.feeds.catalog import EMPTY_FEED_TIME, FeedSpec, feed_specs, find_spec
from mpass_status.web.feeds.render import FORMATS, feed_entries, render_entries
from mpass_status.web.labels import feed_description, feed_label, feed_name
from mpass_status.web.language import language_blueprint, preferred_language

bp = language_blueprint("feeds", __name__)
FORMAT_NAMES = {"rss": "RSS 2.0", "atom": "Atom"}


@bp.route("/feed.<any(rss, atom):fmt>", defaults={"facet": None, "value": None})
@bp.route("/feeds/<any(type, group, component):facet>/<value>.<any(rss, atom):fmt>")
def feed(facet, value, fmt):
    """Serves a feed of the notices (all, or of one type, group or component) as RSS or Atom."""
    config = runtime.config()
    spec = find_spec(config, facet, value)
    if spec is None:
        abort(404)
    state = runtime.state()
    current = state.notices.current()
    entries = feed_entries(current.notices, state.news.events(current), spec, config)
    # The page cache renders each feed once per version of the notices and gives it an ETag (a hash of the
    # bytes); with the Last-Modified below, readers polling often get 304.
    response = Response(
        render_entries(entries, spec, fmt, g.lang, config), content_type=f"{FORMATS[fmt]}; charset=utf-8"
    )
    # When the news it holds was published (never the times notices state, nor the time of rendering): every
    # worker and restart agrees, and any version of a notice in it moves it, news or not.
    changed = [state.news.changed(current, notice_id) for notice_id in {e.notice.id for e in entries}]
    news_time = max([e.written for e in entries] + [c for c in changed if c], default=EMPTY_FEED_TIME)
    return _validated(response, news_time)


@bp.route("/calendar.ics")
def calendar():
    """Serves the calendar of maintenance breaks and changes (iCalendar) in the page's language."""
    config, state = runtime.config(), runtime.state()
    current = state.notices.current()
    news = state.news.events(current)
    response = Response(
        render_calendar(current.notices, news, g.lang, config), content_type=f"{CALENDAR_MIMETYPE}; charset=utf-8"
    )
    return _validated(response, calendar_changed(current.notices, news))


def _validated(response: Response, news_time) -> Response:
    """Gives response its Last-Modified: news_time, or when its bytes first changed without news (validators.py)."""
    etag = hashlib.sha256(response.get_data()).hexdigest()
    where = validators.record_path(runtime.settings().notices_dir)
    response.last_modified = validators.last_modified(where, request.path, etag, news_time)
    return response


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
    """Lists every feed and the calendar with their addresses, to copy into a feed reader."""
    config, lang = runtime.config(), g.lang
    subscriptions = [
        Subscription(
            spec,
            feed_label(spec, config, lang),
            feed_name(spec, config, lang),
            feed_description(spec, config, lang),
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
    config, lang = runtime.config(), preferred_language()
    specs = [FeedSpec()]
    view_args = g.get("view_args") or {}
    if request.endpoint == "pages.archive" and view_args.get("facet") in ("type", "component"):
        facet, value = view_args["facet"], view_args["value"]
        # The archive's component filter also takes a group id.
        spec = find_spec(config, facet, value) or (facet == "component" and find_spec(config, "group", value))
        if spec:
            specs.append(spec)
    if request.endpoint == "pages.component" and view_args.get("component_id"):
        # A component's page offers its own feeds and those of its group.
        component = config.component(view_args["component_id"])
        for spec in (find_spec(config, "component", component.id), find_spec(config, "group", component.group)):
            if spec:
                specs.append(spec)
    return [
        {
            "type": mimetype,
            "title": f"{feed_name(spec, config, lang)} ({FORMAT_NAMES[fmt]})",
            "href": url_for("feeds.feed", lang=lang, fmt=fmt, **spec.url_args()),
        }
        for spec in specs
        for fmt, mimetype in FORMATS.items()
    ]


def init_app(app) -> None:
    """Registers the feeds' routes and the templates' feed_links()."""
    app.jinja_env.globals["feed_links"] = feed_links
    app.register_blueprint(bp)
