"""Writes dates, times and durations as the reader's language does ("20.11.2019 klo 7.50", "kl. 7.50")."""

from datetime import datetime, timedelta

from babel.dates import format_datetime
from flask_babel import gettext, ngettext

from mpass_status import runtime
from mpass_status.notices.model import Moment
from mpass_status.web.language import preferred_language

# Finnish and Finland-Swedish write the clock with a dot ("klo 7.50", "kl. 7.50").
_DATETIME_PATTERNS = {"fi": "d.M.yyyy 'klo' H.mm", "sv": "d.M.yyyy 'kl.' H.mm"}
_DATE_PATTERN = "d.M.yyyy"
_TIME_PATTERNS = {"fi": "'klo' H.mm", "sv": "'kl.' H.mm"}
_BABEL_LOCALES = {"fi": "fi_FI", "sv": "sv_FI"}


def iso_instant(moment: datetime | None, tz) -> str | None:
    """Writes an aware datetime for programs (ISO 8601 to the millisecond, in tz), or None for None."""
    return moment.astimezone(tz).isoformat(timespec="milliseconds") if moment else None


def _to_local(value) -> tuple[datetime, bool]:
    tz = runtime.config().timezone
    if isinstance(value, Moment):
        return value.at.astimezone(tz), value.has_time
    return value.astimezone(tz), True


def format_moment(value, lang: str | None = None) -> str:
    """Writes a Moment or aware datetime as '20.11.2019 klo 7.50' in the reader's language."""
    lang = lang or preferred_language()
    local, has_time = _to_local(value)
    pattern = _DATETIME_PATTERNS[lang] if has_time else _DATE_PATTERN
    return format_datetime(local, pattern, locale=_BABEL_LOCALES[lang])


def format_clock(value, lang: str | None = None) -> str:
    """Writes only the clock time, as 'klo 9.12', for a second time on the same day."""
    lang = lang or preferred_language()
    local, _ = _to_local(value)
    return format_datetime(local, _TIME_PATTERNS[lang], locale=_BABEL_LOCALES[lang])


def format_hours(value, lang: str | None = None) -> str:
    """Writes only the hour and minute, as '9.12', for the end of a same-day range ('klo 7.50–9.12')."""
    lang = lang or preferred_language()
    local, _ = _to_local(value)
    return format_datetime(local, "H.mm", locale=_BABEL_LOCALES[lang])


def iso_moment(value) -> str:
    """Writes a Moment or datetime for <time datetime>: with its offset, or as a date."""
    local, has_time = _to_local(value)
    return local.isoformat(timespec="minutes") if has_time else local.date().isoformat()


def same_day(first, second) -> bool:
    """Tells whether two moments fall on the same local day."""
    return _to_local(first)[0].date() == _to_local(second)[0].date()


def format_duration(delta: timedelta) -> str:
    """Writes a span as '1 h 22 min' ('1 t 22 min' in Finnish), days first when long."""
    minutes = int(delta.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = []
    if days:
        parts.append(ngettext("%(num)d day", "%(num)d days", days))
    if hours:
        parts.append(gettext("%(num)d h", num=hours))
    if minutes or not parts:
        parts.append(gettext("%(num)d min", num=minutes))
    return " ".join(parts)


def init_app(app) -> None:
    """Gives templates the date filters (moment, clock, hours, iso, duration) and the same_day test."""
    app.jinja_env.filters.update(
        moment=format_moment, clock=format_clock, hours=format_hours, iso=iso_moment, duration=format_duration
    )
    app.jinja_env.tests["same_day"] = same_day
