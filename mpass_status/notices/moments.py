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
    """A written time that cannot be read or does not exist."""


def _offset(text: str) -> timezone:
    if text == "Z":
        return UTC
    sign = 1 if text[0] == "+" else -1
    digits = text[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))


def parse_moment(text: str, tz: ZoneInfo) -> tuple[Moment, str | None]:
    """Reads a time; returns the moment and a warning, or raises TimeError."""
    match = _PATTERN.match(text.strip())
    if not match:
        raise TimeError(f"cannot read time {text!r}: write it as YYYY-MM-DD HH:MM")
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
        raise TimeError(f"cannot read time {text!r}: {exc}") from None
    if offset:
        if not has_time:
            raise TimeError(f"cannot read time {text!r}: an offset needs a clock time")
        return Moment(naive.replace(tzinfo=_offset(offset)).astimezone(tz), True), None
    local = naive.replace(tzinfo=tz)
    # A wall-clock time skipped by the spring change does not survive a round trip.
    if local.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != naive:
        raise TimeError(f"time {text!r} does not exist in {tz.key}: clocks skip it")
    warning = None
    if local.utcoffset() != naive.replace(tzinfo=tz, fold=1).utcoffset():
        warning = f"time {text!r} occurs twice in {tz.key}; add an offset such as +03:00 or +02:00"
    return Moment(local, has_time), warning
