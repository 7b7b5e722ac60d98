"""Computes the 24-hour response-time chart of a component: SVG geometry and the figures it shows."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import median

from mpass_status.checks.results import Outcome

WIDTH, HEIGHT, PAD = 600, 160, 36


@dataclass(frozen=True)
class HourRow:
    """One hour of the chart's text equivalent."""

    start: datetime
    count: int
    fastest: int
    median: int
    slowest: int


@dataclass(frozen=True)
class ResponseChart:
    """What the template draws (in a viewBox of WIDTH × HEIGHT) and says about the measurements."""

    hours: int
    top_ms: int
    polyline: str
    dot: tuple[float, float] | None
    count: int
    fastest: int | None
    median: int | None
    slowest: int | None
    rows: tuple[HourRow, ...]
    width: int = WIDTH
    height: int = HEIGHT
    pad: int = PAD


def response_points(results, start: datetime, end: datetime) -> list[tuple[datetime, int]]:
    """Returns (time, ms) of results from start to end (inclusive) that measured a response, oldest first."""
    return sorted(
        (r.time, r.response_ms)
        for r in results
        if r.response_ms is not None and r.outcome != Outcome.UNKNOWN and start <= r.time <= end
    )


def response_chart(points, end: datetime, hours: int = 24) -> ResponseChart:
    """Returns the chart of (time, ms) points over the hours before end."""
    start = end - timedelta(hours=hours)
    values = [ms for _, ms in points]
    # A round top keeps the axis label readable; 100 ms is the smallest scale.
    top = max(100, -(-max(values, default=0) // 100) * 100)
    span = (end - start).total_seconds()

    def x(moment):
        return PAD + (WIDTH - 2 * PAD) * (moment - start).total_seconds() / span

    def y(ms):
        return HEIGHT - PAD - (HEIGHT - 2 * PAD) * ms / top

    # One point per round, its slowest answer: a component with several checks (TLS and metadata) would
    # otherwise zigzag between them at the same moment. The figures and the table keep every measurement.
    slowest: dict[datetime, int] = {}
    for moment, ms in points:
        slowest[moment] = max(ms, slowest.get(moment, ms))
    line = sorted(slowest.items())
    by_hour: dict[datetime, list[int]] = {}
    for moment, ms in points:
        by_hour.setdefault(moment.replace(minute=0, second=0, microsecond=0), []).append(ms)
    rows = tuple(
        HourRow(hour, len(ms), min(ms), int(median(ms)), max(ms)) for hour, ms in sorted(by_hour.items(), reverse=True)
    )
    return ResponseChart(
        hours=hours,
        top_ms=top,
        polyline=" ".join(f"{x(t):.1f},{y(ms):.1f}" for t, ms in line) if len(line) > 1 else "",
        dot=(round(x(line[0][0]), 1), round(y(line[0][1]), 1)) if len(line) == 1 else None,
        count=len(values),
        fastest=min(values, default=None),
        median=int(median(values)) if values else None,
        slowest=max(values, default=None),
        rows=rows,
    )
