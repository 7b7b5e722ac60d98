"""Renders the 24-hour response-time chart of a component as an accessible SVG string (no JavaScript)."""

from datetime import datetime, timedelta
from html import escape

WIDTH, HEIGHT, PAD = 600, 160, 32


def response_points(results, start: datetime, end: datetime) -> list[tuple[datetime, int]]:
    """Returns (time, ms) of results from start to end (inclusive) that measured a response, oldest first."""
    return sorted(
        (r.time, r.response_ms)
        for r in results
        if r.response_ms is not None and r.outcome != "unknown" and start <= r.time <= end
    )


def response_chart_svg(points, end: datetime, title: str, hours: int = 24, chart_id="rt") -> str:
    """Returns an SVG line chart of response times with a title and a text description of the figures."""
    # Several charts may share a page: chart_id keeps their aria ids apart.
    start = end - timedelta(hours=hours)
    values = [ms for _, ms in points]
    if values:
        desc = (
            f"{len(values)} measurements in the last {hours} hours: fastest {min(values)} ms, "
            f"median {sorted(values)[len(values) // 2]} ms, slowest {max(values)} ms."
        )
    else:
        desc = f"No response-time measurements in the last {hours} hours."
    top = max(values + [100])
    span = (end - start).total_seconds()

    def x(moment):
        return PAD + (WIDTH - 2 * PAD) * (moment - start).total_seconds() / span

    def y(ms):
        return HEIGHT - PAD - (HEIGHT - 2 * PAD) * ms / top

    line = " ".join(f"{x(t):.1f},{y(ms):.1f}" for t, ms in points)
    parts = [
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img"'
            f' aria-labelledby="{chart_id}-title {chart_id}-desc" class="response-chart">'
        ),
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>',
        f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" stroke="currentColor"/>',
        f'<line x1="{PAD}" y1="{PAD}" x2="{PAD}" y2="{HEIGHT - PAD}" stroke="currentColor"/>',
        f'<text x="{PAD - 4}" y="{PAD}" text-anchor="end" font-size="10">{top} ms</text>',
        f'<text x="{PAD - 4}" y="{HEIGHT - PAD}" text-anchor="end" font-size="10">0</text>',
        f'<text x="{PAD}" y="{HEIGHT - 8}" font-size="10">-{hours} h</text>',
        f'<text x="{WIDTH - PAD}" y="{HEIGHT - 8}" text-anchor="end" font-size="10">now</text>',
    ]
    if len(points) > 1:
        parts.append(f'<polyline fill="none" stroke="currentColor" stroke-width="1.5" points="{line}"/>')
    elif points:
        parts.append(f'<circle cx="{x(points[0][0]):.1f}" cy="{y(points[0][1]):.1f}" r="2"/>')
    parts.append("</svg>")
    return "\n".join(parts)
