"""Uptime from hourly counts of check results: over 24 h to 90 d, and day by day for the 90-day bar."""

from datetime import UTC, datetime, timedelta

UPTIME_WINDOWS = {
    "24h": timedelta(hours=24),
    "7d": timedelta(days=7),
    "30d": timedelta(days=30),
    "90d": timedelta(days=90),
}


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


def with_outages(buckets, windows) -> list[tuple[datetime, int, int]]:
    """Returns hourly buckets with every result of an hour a staff-reported outage touches counted as failed.

    The checks may see nothing wrong (a login method's check sees only that it is offered): staff know
    better, so the uptime beside "Ei toimi" never reads 100 %.
    """
    hour = timedelta(hours=1)
    return [
        (start, n, n if any(a < start + hour and b > start for a, b in windows) else bad) for start, n, bad in buckets
    ]


def uptime(buckets, start: datetime) -> float | None:
    """Returns the share of non-failed results in hourly buckets [(hour, n, failed)] from start's hour, or None."""
    first = start.replace(minute=0, second=0, microsecond=0)
    total = sum(n for hour, n, _ in buckets if hour >= first)
    bad = sum(bad for hour, _, bad in buckets if hour >= first)
    return None if total == 0 else (total - bad) / total


def uptimes(buckets, now) -> dict:
    """Returns uptime over 24 h, 7 d, 30 d and 90 d from hourly buckets."""
    return {name: uptime(buckets, now - span) for name, span in UPTIME_WINDOWS.items()}


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
