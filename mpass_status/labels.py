"""Names the notice types, severities and stages in the reader's language."""

from flask_babel import lazy_gettext as _l

TYPE_LABELS = {
    "incident": _l("Incident"),
    "maintenance": _l("Maintenance break"),
    "change": _l("Change notice"),
    "announcement": _l("Announcement"),
}
# The plural forms name the archive filters and feeds.
TYPE_PLURALS = {
    "incident": _l("Incidents"),
    "maintenance": _l("Maintenance breaks"),
    "change": _l("Change notices"),
    "announcement": _l("Announcements"),
}
SEVERITY_LABELS = {
    "down": _l("Service unavailable"),
    "disrupted": _l("Service partly disrupted"),
    "notice": _l("Minor impact"),
}
STAGE_LABELS = {
    "investigating": _l("Investigating"),
    "identified": _l("Cause identified"),
    "monitoring": _l("Monitoring"),
    "resolved": _l("Resolved"),
    "scheduled": _l("Scheduled"),
    "in_progress": _l("In progress"),
    "completed": _l("Completed"),
}
# Each language names itself in the switch; LANGUAGE_IN tells where text is shown in another.
LANGUAGE_NAMES = {"fi": "Suomeksi", "sv": "På svenska"}
LANGUAGE_IN = {"fi": _l("in Finnish"), "sv": _l("in Swedish")}


def init_app(app) -> None:
    """Makes the label tables available to every template."""
    app.jinja_env.globals.update(
        TYPE_LABELS=TYPE_LABELS,
        TYPE_PLURALS=TYPE_PLURALS,
        SEVERITY_LABELS=SEVERITY_LABELS,
        STAGE_LABELS=STAGE_LABELS,
        LANGUAGE_NAMES=LANGUAGE_NAMES,
        LANGUAGE_IN=LANGUAGE_IN,
    )
