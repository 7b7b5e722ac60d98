"""Serves the Statuspage-compatible API: /api/v2/summary.json, /api/v2/status.json and its lists."""

import itertools
from datetime import UTC, datetime, time

from flask import Blueprint, current_app, jsonify, request
from flask_babel import force_locale, gettext
from markupsafe import Markup

from mpass_status import runtime
from mpass_status.web import check_incidents
from mpass_status.web.addresses import absolute
from mpass_status.web.copy_age import copy_age
from mpass_status.web.dates import iso_instant, iso_moment
from mpass_status.web.labels import component_label, reason_text
from mpass_status.web.live import live_status

bp = Blueprint("status_api", __name__)
# Statuspage's incident impact for each notice severity.
IMPACT = {"down": "major", "disrupted": "minor", "notice": "none", None: "none"}
PAGE_ID = "mpassid"
# The newest this many incidents or maintenances in a list, as Statuspage returns them.
LIMIT = 50


def _lang(config) -> str:
    wanted = request.args.get("lang")
    return wanted if wanted in config.languages else config.languages[0]


def _page(config, lang, updated):
    return {
        "id": PAGE_ID,
        "name": config.name[lang],
        "url": config.base_url,
        "time_zone": str(config.timezone),
        "updated_at": iso_instant(updated, config.timezone),
    }


def _description(config, comp, lang) -> str | None:
    """Says in lang what the component is (a fixed text), and what a login-method check cannot see."""
    parts = [comp.description[lang]] if comp.description else []
    if comp.id in config.login_methods():
        with force_locale(lang):
            parts.append(
                gettext(
                    "The check sees only that MPASSid offers this login method, not whether logging in with it works."
                )
            )
    return " ".join(parts) or None


def _reason(live, lang) -> str:
    """Says in lang why the component shows as it does now."""
    with force_locale(lang):
        return reason_text(live.code, live.params)


def _created(comp, tz) -> str | None:
    return iso_instant(datetime.combine(comp.created, time(0), tzinfo=tz), tz) if comp.created else None


def _components(config, live_now, lang, updated):
    tz, rows = config.timezone, []
    for position, comp in enumerate(config.components, start=1):
        live = live_now.components[comp.id]
        rows.append(
            {
                "id": comp.id,
                "name": component_label(config, comp.id, lang),
                "status": live.statuspage_status,
                "created_at": _created(comp, tz),
                # Without evidence of its own a component is as fresh as the page, never "now".
                "updated_at": iso_instant(live.evidence_time or updated, tz),
                "position": position,
                "description": _description(config, comp, lang),
                "showcase": True,
                "start_date": None,
                "group_id": comp.group,
                "page_id": PAGE_ID,
                "group": False,
                "only_show_if_degraded": False,
                # Beyond Statuspage: our own state (with unknown) and who decided it.
                "mpass_state": live.state,
                "mpass_source": live.source,
                # Why it shows as it does now, in the ?lang language (Statuspage keeps description fixed).
                "mpass_reason": _reason(live, lang),
                # What the automatic checks say, also while a staff notice decides the state.
                "mpass_checks_state": (live.checks or live).state,
            }
        )
    order = {
        "operational": 0,
        "under_maintenance": 1,
        "degraded_performance": 2,
        "partial_outage": 3,
        "major_outage": 4,
    }
    for group in config.groups:
        members = [row for row in rows if row["group_id"] == group.id]
        worst = max((row["status"] for row in members), key=order.get, default="operational")
        rows.append(
            {
                "id": group.id,
                "name": group.name[lang],
                "status": worst,
                "created_at": min((row["created_at"] for row in members if row["created_at"]), default=None),
                "updated_at": iso_instant(updated, tz),
                "position": len(rows) + 1,
                "description": None,
                "showcase": False,
                "start_date": None,
                "group_id": None,
                "page_id": PAGE_ID,
                "group": True,
                "only_show_if_degraded": False,
                "components": [row["id"] for row in members],
            }
        )
    return rows


def _when(moment, tz) -> str | None:
    # A day the record gives without a clock time stays a date ("2020-10-26"), never an invented midnight.
    if moment is None:
        return None
    return iso_instant(moment.at, tz) if moment.has_time else iso_moment(moment)


def _period(notice, lang) -> str | None:
    """Returns the notice's time as its page reads ("26.10.2020 aamusta; ohi viimeistään 27.10.2020"), as text."""
    if not notice.start:
        return None
    with force_locale(lang):
        # The page's own macro, from a template file compiled once (from_string compiled it for every notice).
        html = current_app.jinja_env.get_template("_period.html").render(notice=notice, lang=lang)
    return Markup(html).striptags()


def _notice_json(notice, config, lang, components, now):
    tz = config.timezone
    updates = sorted(notice.updates, key=lambda u: u.time.at, reverse=True)
    if notice.type == "maintenance":
        status = "in_progress" if notice.is_ongoing(now) else "scheduled"
    else:
        status = updates[0].stage if updates else "investigating"
    first = {}
    for u in reversed(updates):
        first.setdefault(u.stage, u.time)
    resolved = first.get("resolved") or first.get("completed")
    note = notice.text("editor_note", lang).value
    body = {
        "id": notice.id,
        "name": notice.text("title", lang).value,
        "status": status,
        "created_at": _when(notice.published_moment, tz),
        "updated_at": _when(updates[0].time, tz) if updates else _when(notice.published_moment, tz),
        "monitoring_at": _when(first.get("monitoring"), tz),
        "resolved_at": _when(resolved, tz),
        "started_at": _when(notice.start, tz),
        # Beyond Statuspage's fields: the time as the page writes it (a part of a day, an end known only as
        # "over by" a day), the day by which it was over when that is all the record gives, and the editors' note.
        "mpass_period": _period(notice, lang),
        "mpass_ended_by": notice.end.at.date().isoformat() if notice.end and notice.end.by else None,
        "mpass_editor_note": note or None,
        "impact": "maintenance" if notice.type == "maintenance" else IMPACT.get(notice.severity, "none"),
        "shortlink": absolute(config, "pages.notice", lang=lang, slug=notice.slug),
        "page_id": PAGE_ID,
        "incident_updates": [
            {
                # Stable for good: a new update never renumbers the older ones.
                "id": f"{notice.id}-{u.stamp}",
                "status": u.stage,
                "body": notice.update_text(u, lang).value,
                "created_at": _when(u.time, tz),
                "updated_at": _when(u.time, tz),
                "display_at": _when(u.time, tz),
                "incident_id": notice.id,
            }
            for u in updates
        ],
        "components": [c for c in components if c["id"] in notice.components],
    }
    if notice.type == "maintenance":
        body["scheduled_for"], body["scheduled_until"] = _when(notice.start, tz), iso_instant(notice.planned_end(), tz)
    return body


def _checks_incident(kept: dict, config, lang, components) -> dict:
    """Returns an outage the automatic checks found (check_incidents.py) as an incident: under investigation
    while it lasts, then resolved, with the update that detected it and the one that resolved it.

    Statuspage clients learn of an outage from incidents (an exporter reads non-operational components
    without one as a minor outage), so a check-found outage is listed until the checks see it end, and
    among all incidents after that. Its id is the time it began, stable while it lasts.
    """
    tz = config.timezone
    began, latest = datetime.fromisoformat(kept["began"]), datetime.fromisoformat(kept["latest"])
    resolved = datetime.fromisoformat(kept["resolved"]) if kept["resolved"] else None
    failing = {component for component, _, _ in kept["failing"]}
    with force_locale(lang):
        name = (
            gettext("The automatic checks found a fault") if resolved else gettext("The automatic checks find a fault")
        )
        body = "; ".join(
            f"{component_label(config, component, lang)}: {reason_text(code, params)}"
            for component, code, params in kept["failing"]
        )
        ended = gettext("The automatic checks no longer find the fault.")

    def update(stage, text, at, since=None):
        return {
            "id": f"{kept['id']}-{(since or at).astimezone(UTC):%Y%m%dT%H%M%SZ}",
            "status": stage,
            "body": text,
            "created_at": iso_instant(since or at, tz),
            "updated_at": iso_instant(at, tz),
            "display_at": iso_instant(since or at, tz),
            "incident_id": kept["id"],
        }

    updates = [update("investigating", body, latest, began)]
    if resolved:
        updates.insert(0, update("resolved", ended, resolved))
    return {
        "id": kept["id"],
        "name": name,
        "status": "resolved" if resolved else "investigating",
        "created_at": iso_instant(began, tz),
        "updated_at": iso_instant(resolved or latest, tz),
        "monitoring_at": None,
        "resolved_at": iso_instant(resolved, tz),
        "started_at": iso_instant(began, tz),
        "impact": kept["impact"],
        "shortlink": absolute(config, "pages.front", lang=lang),
        "page_id": PAGE_ID,
        "incident_updates": updates,
        "components": [row for row in components if row["id"] in failing],
        # Beyond Statuspage: who reports it.
        "mpass_source": "checks",
    }


def _keep_checks_from(notices):
    """Returns from when resolved check-found outages are listed: the oldest staff notice the feeds can still
    carry (each of the newest entries is one of the newest notices), or None to keep them all."""
    oldest = list(itertools.islice(notices, LIMIT))
    return oldest[-1].published if len(oldest) == LIMIT else None


def _summary(now):
    """Returns everything the status API's endpoints answer from, built once per second and language."""
    lang = _lang(runtime.config())
    return runtime.state().memo.get("summary", now, lambda: _build_summary(now, lang), lang)


def _made(now) -> dict:
    age = copy_age(now)
    return {"mpass_made_at": age.made, "mpass_trusted_until": age.trusted_until}


def _build_summary(now, lang):
    config, notices = runtime.config(), runtime.notices().notices
    live_now = live_status(now, notices)
    moments = [live_now.last_round] + [at for at in (n.updated for n in notices) if at <= now]
    updated = max((m for m in moments if m), default=None)
    components = _components(config, live_now, lang, updated)

    kept = check_incidents.observe(check_incidents.record_path(runtime.results()), live_now, _keep_checks_from(notices))
    now_fault = check_incidents.fault_of(live_now)
    checks = [_checks_incident(k, config, lang, components) for k in kept if now_fault and k["id"] == now_fault["id"]]
    # Newest first by when each began, the check-found outages of the past among the staff incidents.
    past = [(datetime.fromisoformat(k["began"]), k) for k in kept if not now_fault or k["id"] != now_fault["id"]]

    def shown(found):
        # Only the first LIMIT are rendered: an archive of thousands must not cost thousands of renders.
        return [_notice_json(n, config, lang, components, now) for n in itertools.islice(found, LIMIT)]

    # One pass over the archive sorts out what the lists below show, each notice's state judged once.
    ongoing_incidents, maintenances, scheduled, upcoming, active = [], [], [], [], []
    for n in notices:
        if n.type == "incident" and n.is_ongoing(now):
            ongoing_incidents.append(n)
        elif n.type == "maintenance" and not n.cancelled:
            maintenances.append(n)
            ahead, under_way = n.is_upcoming(now), n.is_ongoing(now)
            if ahead or under_way:
                scheduled.append(n)
            if ahead:
                upcoming.append(n)
            if under_way:
                active.append(n)

    status = {
        "indicator": live_now.indicator,
        "description": live_now.description,
        # Beyond Statuspage, for clients that can tell: our own state (with unknown), why it is unknown,
        # and whether the check results could be read at all.
        "mpass_state": live_now.state,
        "mpass_cause": live_now.cause,
        "mpass_checks_available": not live_now.checks_unavailable,
    }
    return {
        # The time the page states ("Päivitetty … klo 9.37", to the minute), not the newest notice's or round's;
        # beyond Statuspage, when this answer was made and until when it may be trusted (a copy that stopped).
        "page": _page(config, lang, now.replace(second=0, microsecond=0)) | _made(now),
        "components": components,
        "incidents": checks + shown(ongoing_incidents),
        "scheduled_maintenances": shown(scheduled),
        "status": status,
        # What the other endpoints list, built here once.
        "_all_incidents": (checks + _merged(past, notices, config, lang, components, now))[:LIMIT],
        "_all_maintenances": shown(maintenances),
        "_upcoming": shown(upcoming),
        "_active": shown(active),
    }


def _merged(past, notices, config, lang, components, now) -> list[dict]:
    """Returns the staff incidents and the past check-found outages, newest first, the first LIMIT rendered."""
    staff = itertools.islice((n for n in notices if n.type == "incident"), LIMIT)
    dated = [(n.published, n) for n in staff] + past
    dated.sort(key=lambda pair: pair[0], reverse=True)
    return [
        _notice_json(item, config, lang, components, now)
        if not isinstance(item, dict)
        else _checks_incident(item, config, lang, components)
        for _, item in dated[:LIMIT]
    ]


def _public(body: dict) -> dict:
    return {key: value for key, value in body.items() if not key.startswith("_")}


@bp.route("/api/v2/summary.json")
def summary():
    """Returns page, components, unresolved incidents, maintenances and status in Statuspage's shape."""
    return jsonify(_public(_summary(datetime.now(UTC))))


@bp.route("/api/v2/status.json")
def status():
    """Returns the page and its overall status indicator in Statuspage's shape."""
    body = _summary(datetime.now(UTC))
    return jsonify({"page": body["page"], "status": body["status"]})


@bp.route("/api/v2/components.json")
def components():
    """Returns the page and every component and group."""
    body = _summary(datetime.now(UTC))
    return jsonify({"page": body["page"], "components": body["components"]})


# Statuspage's list endpoints: (path, key of the list, what _summary holds for it).
LISTS = {
    "incidents": ("/api/v2/incidents.json", "incidents", "_all_incidents"),
    "unresolved": ("/api/v2/incidents/unresolved.json", "incidents", "incidents"),
    "maintenances": ("/api/v2/scheduled-maintenances.json", "scheduled_maintenances", "_all_maintenances"),
    "upcoming": ("/api/v2/scheduled-maintenances/upcoming.json", "scheduled_maintenances", "_upcoming"),
    "active": ("/api/v2/scheduled-maintenances/active.json", "scheduled_maintenances", "_active"),
}


def _list_view(key: str, source: str):
    def view():
        """Returns the page and one of Statuspage's lists of incidents or maintenances."""
        body = _summary(datetime.now(UTC))
        return jsonify({"page": body["page"], key: body[source]})

    return view


for _name, (_path, _key, _source) in LISTS.items():
    bp.add_url_rule(_path, _name, _list_view(_key, _source))


def init_app(app):
    """Registers the Statuspage API routes."""
    app.register_blueprint(bp)
