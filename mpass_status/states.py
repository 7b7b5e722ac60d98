"""Names the states a component or the whole service can be in, and tells them from notices."""

from datetime import date, datetime

from flask_babel import format_decimal, gettext
from flask_babel import lazy_gettext as _l

from .check_results import MESSAGES
from .i18n import format_moment

# Worst last: the overall state is the worst of the component states.
STATES = ("operational", "unknown", "maintenance", "degraded", "disrupted", "down")
STATE_LABELS = {
    "operational": _l("Operational"),
    "degraded": _l("Degraded"),
    "disrupted": _l("Partly disrupted"),
    "down": _l("Down"),
    "maintenance": _l("Maintenance"),
    "unknown": _l("Unknown"),
}
# The legend tells in a sentence what each state means to a reader.
STATE_MEANINGS = {
    "operational": _l("Works normally."),
    "degraded": _l("Works, but slowly or with minor problems."),
    "disrupted": _l("Works for some users or some of the time."),
    "down": _l("Does not work."),
    "maintenance": _l("Unavailable or limited during planned maintenance."),
    "unknown": _l("No current information: no automatic check results and no notice."),
}
LEGEND_ORDER = ("operational", "degraded", "disrupted", "down", "maintenance", "unknown")
_SEVERITY_STATES = {"down": "down", "disrupted": "disrupted", "notice": "degraded", None: "degraded"}


def notice_state(notice) -> str:
    """Returns the state an ongoing notice gives the components it names."""
    if notice.type == "maintenance":
        return "maintenance"
    return _SEVERITY_STATES.get(notice.severity, "degraded")


def severity_state(severity: str | None) -> str:
    """Returns the state that a notice's severity describes, whatever its type."""
    return _SEVERITY_STATES.get(severity, "degraded")


def worst(states) -> str:
    """Returns the worst of some states, or 'unknown' when there are none."""
    states = list(states)
    return max(states, key=STATES.index) if states else "unknown"


def _localized(value):
    # Reasons carry dates and times as ISO text and figures as numbers: show them as the reader writes them.
    if isinstance(value, float):
        return format_decimal(value)
    if isinstance(value, str) and len(value) == 10 and value[4:5] == "-":
        try:
            return date.fromisoformat(value).strftime("%-d.%-m.%Y")
        except ValueError:
            return value
    if isinstance(value, str) and len(value) > 10 and value[10:11] == "T":
        try:
            return format_moment(datetime.fromisoformat(value))
        except ValueError:
            return value
    return value


def reason_text(code: str, params: dict | None = None) -> str:
    """Returns why a check or component shows as it does, in the reader's language."""
    template = MESSAGES.get(code)
    if template is None:
        return code
    try:
        return gettext(template, **{key: _localized(value) for key, value in (params or {}).items()})
    except (KeyError, TypeError, ValueError):
        return gettext(template)


def init_app(app) -> None:
    """Makes the state names and helpers available to every template."""
    app.jinja_env.globals.update(
        STATE_LABELS=STATE_LABELS,
        STATE_MEANINGS=STATE_MEANINGS,
        LEGEND_ORDER=LEGEND_ORDER,
        notice_state=notice_state,
        severity_state=severity_state,
        reason_text=reason_text,
    )
