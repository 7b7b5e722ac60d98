"""Reads the times editors write ("2019-11-20 07:50", "2020-10-26 morning") as timezone-aware moments."""

import re
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from mpass_status.notices.model import PARTS_OF_DAY, Moment

_PATTERN = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})"
    r"(?:[ T](\d{1,2})[:.](\d{2})(?::(\d{2}))?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?"
    r"(?:\s+([a-z]+))?$"
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


def _with_offset(naive: datetime, local: datetime) -> str:
    # How an editor writes that instant unambiguously: the wall clock and its offset from UTC.
    minutes = int(local.utcoffset().total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{naive:%Y-%m-%d %H:%M} {sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def parse_moment(text: str, tz: ZoneInfo) -> Moment:
    """Reads a time; raises TimeError for one that cannot be read, does not exist or is ambiguous in tz."""
    match = _PATTERN.match(text.strip())
    if not match:
        raise TimeError("time_format", text=text)
    year, month, day, hour, minute, second, offset, part = match.groups()
    has_time = hour is not None
    if part is not None and (part not in PARTS_OF_DAY or has_time or offset):
        if part not in PARTS_OF_DAY:
            raise TimeError("time_format", text=text)
        raise TimeError("time_part_needs_day", part=part)
    try:
        naive = datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0))
    except ValueError:
        raise TimeError("time_impossible", text=text) from None
    if offset:
        if not has_time:
            raise TimeError("time_offset_needs_clock", text=text)
        return Moment(naive.replace(tzinfo=_offset(offset)).astimezone(tz), True)
    local = naive.replace(tzinfo=tz)
    if not has_time:
        return Moment(local, False, part)
    # A wall-clock time skipped by the spring change does not survive a round trip.
    if local.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != naive:
        example = _with_offset(naive, naive.replace(tzinfo=tz, fold=0))
        raise TimeError("time_skipped", text=text, zone=tz.key, example=example)
    later = naive.replace(tzinfo=tz, fold=1)
    if local.utcoffset() != later.utcoffset():
        # The autumn night shows this clock time twice: only an offset tells which instant is meant.
        summer, winter = _with_offset(naive, local), _with_offset(naive, later)
        raise TimeError("time_ambiguous", text=text, zone=tz.key, summer=summer, winter=winter)
    return Moment(local, has_time)
