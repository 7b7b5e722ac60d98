"""Reads the times editors write ("2019-11-20 07:50") as timezone-aware moments."""

import re
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from mpass_status.notices.model import Moment

_PATTERN = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})"
    r"(?:[ T](\d{1,2})[:.](\d{2})(?::(\d{2}))?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?$"
)


class TimeError(ValueError):
    """A written time that cannot be read or does not exist: the key of its message and the values to fill in."""

    def __init__(self, key: str, **values):
        super().__init__(key)
        self.key, self.values = key, values


def _offset(text: str) -> timezone:
    if text == "Z":
        return UTC
    sign = 1 if text[0] == "+" else -1
    digits = text[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))


def parse_moment(text: str, tz: ZoneInfo) -> tuple[Moment, dict | None]:
    """Reads a time; returns the moment and the values of a warning (time_twice), or raises TimeError."""
    match = _PATTERN.match(text.strip())
    if not match:
        raise TimeError("time_format", text=text)
    year, month, day, hour, minute, second, offset = match.groups()
    has_time = hour is not None
    try:
        naive = datetime(
            int(year),
            int(month),
            int(day),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
        )
    except ValueError as exc:
        raise TimeError("time_impossible", text=text, problem=str(exc)) from None
    if offset:
        if not has_time:
            raise TimeError("time_offset_needs_clock", text=text)
        return Moment(naive.replace(tzinfo=_offset(offset)).astimezone(tz), True), None
    local = naive.replace(tzinfo=tz)
    # A wall-clock time skipped by the spring change does not survive a round trip.
    if local.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != naive:
        raise TimeError("time_skipped", text=text, zone=tz.key)
    warning = None
    if local.utcoffset() != naive.replace(tzinfo=tz, fold=1).utcoffset():
        warning = {"text": text, "zone": tz.key}
    return Moment(local, has_time), warning
