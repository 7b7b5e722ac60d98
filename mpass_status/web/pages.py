"""The reader's pages under /fi/ and /sv/: front page, archive, notice, about and accessibility pages."""

from datetime import UTC, datetime

from flask import abort, current_app, redirect, render_template, send_from_directory, url_for
from flask_babel import format_percent

from mpass_status import runtime
from mpass_status.notices.filters import notice_filter, notice_years, page_count
from mpass_status.notices.model import TYPES, Moment
from mpass_status.status.headline import headline
from mpass_status.web.dates import format_clock, format_moment
from mpass_status.web.labels import STATE_LABELS
from mpass_status.web.language import language_blueprint, preferred_language
from mpass_status.web.live import component_chart, component_checks, live_status

bp = language_blueprint("pages", __name__)
RECENT_COUNT = 8
# Finnish and Swedish both write a space before the sign: "99,95 %".
PERCENT_FORMAT = "#,##0.##\u00a0%"
# When the accessibility statement was drawn up and the site last evaluated; update both on re-evaluation.
STATEMENT_DATE = datetime(2026, 11, 23, tzinfo=UTC)
EVALUATION_DATE = datetime(2026, 11, 23, tzinfo=UTC)
# The technical documentation, the data model's among it, at the one address the service card gives for it
# (/work/shared/seeds/000_*: "Tekninen dokumentaatio … https://github.com/mpassid"); the record keeps no
# address of the data model page itself, so none is made up.
TECHNICAL_DOCUMENTATION_URL = "https://github.com/mpassid"


def now() -> datetime:
    """Returns the current time, aware, in the site's timezone."""
    return datetime.now(UTC).astimezone(runtime.config().timezone)


def root():
    """Sends the reader to their language's front page."""
    response = redirect(url_for("pages.front", lang=preferred_language()))
    response.headers["Vary"] = "Cookie, Accept-Language"
    return response


@bp.route("/")
def front():
    """Shows the front page: the live state of every component, ongoing and upcoming work, recent notices."""
    notices, moment = runtime.notices(), now()
    ongoing = [n for n in notices.notices if n.is_ongoing(moment)]
    upcoming = sorted(
        (n for n in notices.notices if n.is_upcoming(moment) and not n.cancelled), key=lambda n: n.start.at
    )
    shown = {n.id for n in ongoing + upcoming}
    recent = [n for n in notices.notices if n.id not in shown][:RECENT_COUNT]
    # The database answers for the components (staff notices first, then checks): never a probe.
    live = live_status(moment, notices.notices)
    return render_template(
        "front.html",
        ongoing=ongoing,
        upcoming=upcoming,
        recent=recent,
        live=live,
        overall=live.state,
        found=headline(runtime.config(), live, notices.notices),
        notices_for=notices.by_id,
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
    """Shows a component: its state and why, 90 days of uptime, 24 hours of response times, its checks."""
    found = runtime.config().component(component_id)
    if found is None:
        abort(404)
    notices, moment = runtime.notices(), now()
    state = live_status(moment, notices.notices).components[found.id]
    segments, day_rows = _days(state.daily)
    chart = component_chart(found.id, moment)
    hour_rows = [
        [format_clock(r.start), r.count, f"{r.fastest} ms", f"{r.median} ms", f"{r.slowest} ms"] for r in chart.rows
    ]
    return render_template(
        "component.html",
        component=found,
        live=state,
        segments=segments,
        day_rows=day_rows,
        bad_days=sum(1 for day in state.daily if day["uptime"] is not None and day["level"] != "operational"),
        response=chart,
        hour_rows=hour_rows,
        checks=component_checks(found.id),
        ongoing=[n for n in notices.notices if found.id in n.components and n.is_ongoing(moment)],
        notices_for=notices.by_id,
        now=moment,
    )


@bp.route("/archive/", defaults={"facet": None, "value": None, "page": 1})
@bp.route("/archive/page/<int:page>/", defaults={"facet": None, "value": None})
@bp.route("/archive/<any(type, component, year):facet>/<value>/", defaults={"page": 1})
@bp.route("/archive/<any(type, component, year):facet>/<value>/page/<int:page>/")
def archive(facet, value, page):
    """Shows one page of the notices, newest first, all or of one type, component or year."""
    notices = runtime.notices()
    keep = notice_filter(runtime.config(), facet, value)
    if keep is None:
        abort(404)
    matches = [n for n in notices.notices if keep(n)]
    per_page = runtime.settings().notices_per_page
    pages = page_count(len(matches), per_page)
    if page < 1 or page > pages:
        abort(404)
    years = notice_years(notices.notices)
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
    """Shows one notice with all of its updates."""
    notices = runtime.notices()
    found = notices.by_slug.get(slug)
    if found is None:
        abort(404)
    # The notices it refers to, from the same set (the checker names a reference that is not there).
    related = [notices.by_slug[other] for other in found.see_also if other in notices.by_slug]
    return render_template("notice.html", notice=found, now=now(), related=related)


@bp.route("/about/")
def about():
    """Shows what MPASSid is, how it works, its environments and who runs it."""
    return render_template("about.html", TECHNICAL_DOCUMENTATION_URL=TECHNICAL_DOCUMENTATION_URL)


@bp.route("/accessibility/")
def accessibility():
    """Shows the accessibility statement."""
    return render_template(
        "accessibility.html",
        statement_date=Moment(STATEMENT_DATE, has_time=False),
        evaluation_date=Moment(EVALUATION_DATE, has_time=False),
    )


@bp.app_context_processor
def page_context():
    """Gives every template the site configuration, its login-method components, the percent format and
    the live commit of the notices (when they are synced from git)."""
    config = runtime.config()
    sync = runtime.notices().sync or {}
    return {
        "site": config,
        "login_methods": config.login_methods(),
        "PERCENT_FORMAT": PERCENT_FORMAT,
        "notices_commit": str(sync.get("commit") or "")[:12],
    }


def robots():
    """Lets every crawler read everything: the site is public, and its notices should be found."""
    return current_app.response_class("User-agent: *\nAllow: /\n", mimetype="text/plain")


def favicon():
    """Answers the browsers that ask for /favicon.ico with the site's icon."""
    return send_from_directory(current_app.static_folder, "favicon.ico", max_age=86400)


def init_app(app) -> None:
    """Registers the reader's pages, "/" (which sends the reader on to their language), robots and favicon."""
    app.register_blueprint(bp)
    app.add_url_rule("/", "root", root)
    app.add_url_rule("/robots.txt", "robots", robots)
    app.add_url_rule("/favicon.ico", "favicon", favicon)
