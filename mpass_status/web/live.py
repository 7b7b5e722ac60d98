"""Reads the check history of the app's results database and evaluates the live status from it."""

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import Flask, current_app

from mpass_status import runtime
from mpass_status.checks import unsaved
from mpass_status.checks.results import CheckResult
from mpass_status.checks.store import StorageError
from mpass_status.config import Check
from mpass_status.status.chart import ResponseChart, response_chart, response_points
from mpass_status.status.evaluate import CheckHistory, LiveStatus, evaluate, history_size
from mpass_status.status.uptime import UPTIME_WINDOWS, maintenance_windows

log = logging.getLogger(__name__)


def live_status(now: datetime | None = None, notices=None, app: Flask | None = None) -> LiveStatus:
    """Returns the live status at now (default: the current time), for the given notices (default: the app's).

    For the app's own notices it is evaluated once per second, notices version and probe round: every page
    rendered after a round (a live export renders dozens at once) shares one reading of the database and
    one pass over a long archive.
    """
    app = app or current_app
    now = now or datetime.now(UTC)
    config, db, current = runtime.config(app), runtime.results(app), runtime.notices(app)
    if notices is not None and notices is not current.notices:
        notices = tuple(notices)
        return evaluate(config, notices, check_history(config, db, notices, now), now)
    return runtime.state(app).memo.get(
        "live_status",
        now,
        lambda: evaluate(config, current.notices, check_history(config, db, current.notices, now), now),
    )


def check_history(config, db, notices, now: datetime) -> CheckHistory:
    """Reads what the thresholds and uptime need; a database that cannot be read gives an unavailable history."""
    start = now - UPTIME_WINDOWS["90d"]
    ids = [c.id for c in config.components]
    try:
        recent = {component: db.recent_by_check(component, history_size(config)) for component in ids}
        hourly = {
            component: db.hourly_counts(component, start, now, maintenance_windows(notices, component, now))
            for component in ids
        }
        last_round = db.last_round_time()
        # What the prober found but could not store yet is evidence too: older stored results are not current.
        for result in unsaved.read(db.unsaved_path):
            by_check = recent.setdefault(result.component, {})
            by_check[result.check_id] = unsaved.merged(by_check.get(result.check_id, []), [result])
            last_round = max(filter(None, (last_round, result.time)))
        return CheckHistory(recent=recent, hourly=hourly, last_round=last_round)
    except StorageError as exc:
        # The notices are served all the same; the live parts say that live status is unavailable.
        log.warning("results database %s unavailable: %s", db.name, exc)
        return CheckHistory(unavailable=f"{type(exc).__name__}: {exc}")


def component_chart(component: str, now: datetime | None = None, app: Flask | None = None) -> ResponseChart:
    """Returns the 24-hour response-time chart of a component, read from the results database."""
    now = now or datetime.now(UTC)
    start = now - timedelta(hours=24)
    try:
        found = runtime.results(app or current_app).results_between(start, now, component)
    except StorageError:
        found = []
    return response_chart(response_points(found, start, now), now)


@dataclass(frozen=True)
class CheckRow:
    """A check of a component and the newest result of each vantage point (none before the first, or while
    unreadable), by vantage point name."""

    check: Check
    results: tuple[CheckResult, ...] = ()

    @property
    def result(self) -> CheckResult | None:
        """Returns the newest result of any vantage point."""
        return max(self.results, key=lambda r: r.time, default=None)


def component_checks(component: str, app: Flask | None = None) -> list[CheckRow]:
    """Returns the checks that cover a component with their newest results, in configuration order."""
    app = app or current_app
    checks = [check for check in runtime.config(app).checks if component in check.components]
    newest: dict[str, dict[str, CheckResult]] = {}
    db = runtime.results(app)
    try:
        found = unsaved.merged(db.latest_per_check(), unsaved.read(db.unsaved_path))
    except StorageError:
        found = []
    # Oldest first: a newer unsaved result of a check and vantage point replaces its stored one.
    for result in found:
        if result.component == component:
            newest.setdefault(result.check_id, {})[result.vantage] = result
    return [
        CheckRow(check, tuple(sorted(newest.get(check.id, {}).values(), key=lambda r: r.vantage))) for check in checks
    ]
