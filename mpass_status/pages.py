"""The reader's pages under /fi/ and /sv/: front page, archive, notice, about and accessibility pages."""

from datetime import UTC, datetime

from flask import Blueprint, abort, current_app, g, redirect, render_template, request, url_for
from flask_babel import format_percent

from . import live_status
from .i18n import LANG_COOKIE, format_clock, format_moment, language_cookie, preferred_language
from .notice_filters import notice_filter
from .notice_model import TYPES, Moment
from .states import STATE_LABELS, worst

bp = Blueprint("pages", __name__, url_prefix="/<lang>")
RECENT_COUNT = 8
# Finnish and Swedish both write a space before the sign: "99,95 %".
PERCENT_FORMAT = "#,##0.##\u00a0%"
# When the accessibility statement was drawn up and the site last evaluated; update both on re-evaluation.
STATEMENT_DATE = datetime(2026, 11, 23, tzinfo=UTC)
EVALUATION_DATE = datetime(2026, 11, 23, tzinfo=UTC)


def site_config():
    """Returns the site configuration of the running app."""
    return current_app.extensions["status_config"]


def notices():
    """Returns the current snapshot of the notices on disk."""
    return current_app.extensions["notice_store"].snapshot()


def now() -> datetime:
    """Returns the current time, aware, in the site's timezone."""
    return datetime.now(UTC).astimezone(site_config().timezone)


@bp.url_value_preprocessor
def pull_lang(endpoint, values):
    lang = values.pop("lang", None)
    if lang not in site_config().languages:
        abort(404)
    g.lang = lang
    g.view_args = dict(values)


@bp.url_defaults
def add_lang(endpoint, values):
    values.setdefault("lang", g.get("lang") or preferred_language())


@bp.after_request
def remember_language(response):
    # The only cookie the site sets: the reader's last chosen language, for "/".
    if request.cookies.get(LANG_COOKIE) != g.get("lang") and response.status_code == 200:
        response.headers.add("Set-Cookie", language_cookie(g.lang))
    return response


def root():
    """Sends the reader to their language's front page."""
    response = redirect(url_for("pages.front", lang=preferred_language()))
    response.headers["Vary"] = "Cookie, Accept-Language"
    return response


@bp.route("/")
def front():
    snapshot, moment = notices(), now()
    ongoing = [n for n in snapshot.notices if n.is_ongoing(moment)]
    upcoming = sorted(
        (n for n in snapshot.notices if n.is_upcoming(moment) and not n.cancelled), key=lambda n: n.start.at
    )
    shown = {n.id for n in ongoing + upcoming}
    recent = [n for n in snapshot.notices if n.id not in shown][:RECENT_COUNT]
    # The database answers for the components (staff notices first, then checks): never a probe.
    live = live_status.snapshot(current_app, moment, snapshot.notices)
    return render_template(
        "front.html",
        ongoing=ongoing,
        upcoming=upcoming,
        recent=recent,
        live=live,
        overall=worst(c["state"] for c in live["components"].values()),
        notices_for=snapshot.by_id,
        now=moment,
    )


def _days(daily) -> tuple[list[dict], list[list]]:
    """Returns the 90-day bar's segments (oldest first) and its table rows (newest first, measured days)."""
    segments, rows = [], []
    for day in daily:
        written = format_moment(Moment(datetime.fromisoformat(day["date"]).replace(tzinfo=UTC), has_time=False))
        state = STATE_LABELS[day["level"]]
        segments.append({"state": day["level"], "label": f"{written}: {state}"})
        if day["uptime"] is not None:
            rows.append([written, state, format_percent(day["uptime"], PERCENT_FORMAT), day["results"]])
    return segments, rows[::-1]


@bp.route("/components/<component_id>/")
def component(component_id):
    found = site_config().component(component_id)
    if found is None:
        abort(404)
    snapshot, moment = notices(), now()
    live = live_status.snapshot(current_app, moment, snapshot.notices)
    state = live["components"][found.id]
    segments, day_rows = _days(state["daily"])
    chart = live_status.response_chart(current_app, found.id, moment)
    hour_rows = [
        [format_clock(r.start), r.count, f"{r.fastest} ms", f"{r.median} ms", f"{r.slowest} ms"] for r in chart.rows
    ]
    return render_template(
        "component.html",
        component=found,
        live=state,
        segments=segments,
        day_rows=day_rows,
        bad_days=sum(1 for day in state["daily"] if day["uptime"] is not None and day["level"] != "operational"),
        response=chart,
        hour_rows=hour_rows,
        ongoing=[n for n in snapshot.notices if n.is_ongoing(moment) and found.id in n.components],
        notices_for=snapshot.by_id,
        now=moment,
    )


@bp.route("/archive/", defaults={"facet": None, "value": None, "page": 1})
@bp.route("/archive/page/<int:page>/", defaults={"facet": None, "value": None})
@bp.route("/archive/<any(type, component, year):facet>/<value>/", defaults={"page": 1})
@bp.route("/archive/<any(type, component, year):facet>/<value>/page/<int:page>/")
def archive(facet, value, page):
    snapshot = notices()
    keep = notice_filter(site_config(), facet, value)
    if keep is None:
        abort(404)
    matches = [n for n in snapshot.notices if keep(n)]
    per_page = current_app.config["NOTICES_PER_PAGE"]
    pages = max(1, -(-len(matches) // per_page))
    if page < 1 or page > pages:
        abort(404)
    years = sorted({n.published.year for n in snapshot.notices}, reverse=True)
    return render_template(
        "archive.html",
        notices=matches[(page - 1) * per_page : page * per_page],
        total=len(matches),
        facet=facet,
        value=value,
        page=page,
        pages=pages,
        years=years,
        types=TYPES,
    )


@bp.route("/notices/<slug>/")
def notice(slug):
    found = notices().by_slug.get(slug)
    if found is None:
        abort(404)
    return render_template("notice.html", notice=found, now=now())


@bp.route("/about/")
def about():
    return render_template("about.html")


@bp.route("/accessibility/")
def accessibility():
    return render_template(
        "accessibility.html",
        statement_date=Moment(STATEMENT_DATE, has_time=False),
        evaluation_date=Moment(EVALUATION_DATE, has_time=False),
    )


@bp.app_context_processor
def page_context():
    """Gives every template the site, the page language and the same page in other languages."""
    config = site_config()
    lang = g.get("lang") or preferred_language()
    alternates = {}
    for other in config.languages:
        # view_args is set by pull_lang, on the pages and on every blueprint that shares it.
        if request.endpoint and g.get("view_args") is not None:
            alternates[other] = url_for(request.endpoint, **dict(g.view_args, lang=other))
        else:
            alternates[other] = url_for("pages.front", lang=other)
    return {"site": config, "lang": lang, "alternates": alternates, "PERCENT_FORMAT": PERCENT_FORMAT}
