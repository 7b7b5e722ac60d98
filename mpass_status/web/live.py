"""Reads the check history of the app's results database and evaluates the live status from it."""

from datetime import UTC, datetime, timedelta

from flask import Flask, current_app

from mpass_status import runtime
from mpass_status.status.chart import ResponseChart, response_chart, response_points
from mpass_status.status.evaluate import CheckHistory, LiveStatus, evaluate, history_size
from mpass_status.status.uptime import UPTIME_WINDOWS, maintenance_windows


def live_status(now: datetime | None = None, notices=None, app: Flask | None = None) -> LiveStatus:
    """Returns the live status at now (default: the current time), for the given notices (default: the app's)."""
    app = app or current_app
    now = now or datetime.now(UTC)
    config, db = runtime.config(app), runtime.results(app)
    notices = tuple(runtime.notices(app).notices if notices is None else notices)
    start = now - UPTIME_WINDOWS["90d"]
    ids = [c.id for c in config.components]
    history = CheckHistory(
        recent={component: db.recent_by_check(component, history_size(config)) for component in ids},
        hourly={
            component: db.hourly_counts(component, start, now, maintenance_windows(notices, component, now))
            for component in ids
        },
        last_round=db.last_round_time(),
    )
    return evaluate(config, notices, history, now)


def component_chart(component: str, now: datetime | None = None, app: Flask | None = None) -> ResponseChart:
    """Returns the 24-hour response-time chart of a component, read from the results database."""
    now = now or datetime.now(UTC)
    start = now - timedelta(hours=24)
    points = response_points(runtime.results(app or current_app).results_between(start, now, component), start, now)
    return response_chart(points, now)
