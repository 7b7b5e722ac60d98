"""Uptime from hourly counts of check results: over 24 h to 90 d, and day by day for the 90-day bar."""

from datetime import UTC, datetime, timedelta

UPTIME_WINDOWS = {
    "24h": timedelta(hours=24),
    "7d": timedelta(days=7),
    "30d": timedelta(days=30),
    "90d": timedelta(days=90),
}
# A period's availability is stated once results cover at least this share of its hours: a fresh install's
# few minutes of data are no 90-day figure.
ENOUGH_SHARE = 0.5


def maintenance_windows(notices, component, now) -> list[tuple[datetime, datetime]]:
    """Returns the (start, end) windows of maintenance notices naming component, open ones ending now."""
    return [
        (n.start.at, n.end.at if n.end else now)
        for n in notices
        if n.type == "maintenance"
        and not n.cancelled
        and component in n.components
        and n.start is not None
        and n.start.at <= now
    ]


def outage_windows(notices, component, now) -> list[tuple[datetime, datetime]]:
    """Returns the (start, end) windows of incidents staff reported as down or disrupted for component."""
    return [
        (n.start.at, n.end.at if n.end else now)
        for n in notices
        if n.type == "incident"
        and n.severity in ("down", "disrupted")
        and component in n.components
        and n.start is not None
        and n.start.at <= now
    ]


def covered(start: datetime, end: datetime, windows) -> timedelta:
    """Returns how much of [start, end) the windows cover, overlaps counted once."""
    spans = sorted((max(a, start), min(b, end)) for a, b in windows if a < end and b > start)
    total, reached = timedelta(0), start
    for a, b in spans:
        a = max(a, reached)
        if b > a:
            total += b - a
            reached = b
    return total


def with_outages(buckets, windows, now: datetime) -> list[tuple[datetime, int, float]]:
    """Returns hourly buckets with the results of the minutes a staff-reported outage covers counted as failed.

    The checks may see nothing wrong (a login method's check sees only that it is offered): staff know
    better, so the uptime beside "Ei toimi" never reads 100 %. An hour's results are taken as spread over
    it, so a 14-minute outage fails 14 minutes' share of them, not the whole hour.
    """
    hour = timedelta(hours=1)
    counted = []
    for start, n, bad in buckets:
        span = min(start + hour, now) - start
        share = covered(start, start + span, windows) / span if span > timedelta(0) else 0
        counted.append((start, n, bad + (n - bad) * share))
    return counted


def uptime(buckets, start: datetime) -> float | None:
    """Returns the share of non-failed results in hourly buckets [(hour, n, failed)] from start's hour, or None."""
    first = start.replace(minute=0, second=0, microsecond=0)
    total = sum(n for hour, n, _ in buckets if hour >= first)
    bad = sum(bad for hour, _, bad in buckets if hour >= first)
    return None if total == 0 else (total - bad) / total


def enough(buckets, start: datetime, now: datetime) -> bool:
    """Tells whether results cover enough of the period from start to now to state its availability."""
    first = start.replace(minute=0, second=0, microsecond=0)
    hours = {hour for hour, n, _ in buckets if hour >= first and n}
    return len(hours) * timedelta(hours=1) >= ENOUGH_SHARE * (now - first)


def uptimes(buckets, now) -> dict:
    """Returns uptime over 24 h, 7 d, 30 d and 90 d from hourly buckets."""
    return {name: uptime(buckets, now - span) for name, span in UPTIME_WINDOWS.items()}


def stated_uptimes(buckets, now) -> dict:
    """Returns the uptimes a reader is shown: None for a period whose results do not yet cover enough of it."""
    return {
        name: value if enough(buckets, now - UPTIME_WINDOWS[name], now) else None
        for name, value in uptimes(buckets, now).items()
    }


def day_level(value: float | None) -> str:
    """Returns the state a day's bar segment shows: unknown without results, else by its uptime."""
    if value is None:
        return "unknown"
    return "operational" if value >= 0.999 else "degraded" if value >= 0.95 else "down"


def daily_series(buckets, now, tz=UTC, days=90) -> list[dict]:
    """Returns one entry per local day (oldest first) with date, uptime and level, for the 90-day bar."""
    totals = {}
    for hour, n, bad in buckets:
        day = hour.astimezone(tz).date()
        seen, failed = totals.get(day, (0, 0))
        totals[day] = (seen + n, failed + bad)
    today = now.astimezone(tz).date()
    series = []
    for back in range(days - 1, -1, -1):
        day = today - timedelta(days=back)
        seen, failed = totals.get(day, (0, 0))
        value = None if seen == 0 else (seen - failed) / seen
        series.append(
            {"date": day.isoformat(), "uptime": value, "level": day_level(value), "results": seen, "failed": failed}
        )
    return series
