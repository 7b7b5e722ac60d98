"""Turns check results and staff notices into component states, an overall indicator and uptime figures."""

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from mpass_status.check_results import message
from mpass_status.states import STATES, severity_state

# Statuspage component status of each state; unknown has no Statuspage value and is not green.
STATUSPAGE = {
    "operational": "operational",
    "degraded": "degraded_performance",
    "disrupted": "partial_outage",
    "down": "major_outage",
    "maintenance": "under_maintenance",
    "unknown": "degraded_performance",
}
UPTIME_WINDOWS = {
    "24h": timedelta(hours=24),
    "7d": timedelta(days=7),
    "30d": timedelta(days=30),
    "90d": timedelta(days=90),
}


@dataclass(frozen=True)
class ComponentStatus:
    component: str
    state: str
    source: str  # "checks" or "staff"
    code: str
    params: dict = field(default_factory=dict)
    notice_id: str | None = None
    severity: str | None = None
    # What the automatic checks say, also when staff state takes precedence.
    checks_state: str | None = None
    evidence_time: datetime | None = None

    @property
    def reason(self) -> str:
        """Returns the English reason for the state."""
        return message(self.code, self.params)

    @property
    def statuspage_status(self) -> str:
        """Returns the state as a Statuspage component status."""
        return STATUSPAGE[self.state]


def streak(outcomes, failures_to_down: int, successes_to_up: int):
    """Runs the down/up hysteresis over outcomes (oldest first) and returns (down, failures, successes)."""
    down, failures, successes = False, 0, 0
    for outcome in outcomes:
        if outcome == "unknown":
            continue  # Our own network failing says nothing about the broker.
        if outcome == "failed":
            failures, successes = failures + 1, 0
            down = down or failures >= failures_to_down
        else:
            failures, successes = 0, successes + 1
            down = down and successes < successes_to_up
    return down, failures, successes


def check_status(component, results, interval, probe, now) -> ComponentStatus:
    """Returns the state one check's results (oldest first) give a component."""
    if not results:
        return ComponentStatus(component, "unknown", "checks", "no_results")
    newest = results[-1]
    if now - newest.time > timedelta(seconds=interval * probe.stale_after_intervals):
        return ComponentStatus(
            component,
            "unknown",
            "checks",
            "stale",
            {"time": newest.time.isoformat(timespec="seconds")},
            evidence_time=newest.time,
        )
    if newest.outcome == "unknown":
        return ComponentStatus(component, "unknown", "checks", newest.code, newest.params, evidence_time=newest.time)
    down, _failures, successes = streak([r.outcome for r in results], probe.failures_to_down, probe.successes_to_up)
    if down and newest.outcome != "failed":
        return ComponentStatus(
            component,
            "down",
            "checks",
            "recovering",
            {"successes": successes, "needed": probe.successes_to_up},
            evidence_time=newest.time,
        )
    if down:
        state = "down"
    elif newest.outcome in ("failed", "degraded"):
        # Fewer failures than the threshold: trouble, not yet an outage.
        state = "degraded"
    else:
        state = "operational"
    return ComponentStatus(component, state, "checks", newest.code, newest.params, evidence_time=newest.time)


def component_states(component_ids, results_by_component, checks, probe, now) -> dict:
    """Returns {component: ComponentStatus} from {component: {check_id: results oldest first}}."""
    intervals = {check.id: check.interval for check in checks}
    covering = {}
    for check in checks:
        for component in check.components:
            covering.setdefault(component, []).append(check.id)
    states = {}
    for component in component_ids:
        per_check = results_by_component.get(component, {})
        candidates = [
            check_status(component, per_check.get(check_id, []), intervals[check_id], probe, now)
            for check_id in covering.get(component, [])
        ]
        if not candidates:
            states[component] = ComponentStatus(component, "unknown", "checks", "no_results")
            continue
        worst = max(candidates, key=lambda s: STATES.index(s.state))
        times = [s.evidence_time for s in candidates if s.evidence_time]
        states[component] = replace(worst, evidence_time=max(times) if times else None)
    return states


def apply_notices(states: dict, notices, now) -> dict:
    """Returns states with ongoing incidents and maintenance from staff taking precedence over checks."""
    result = dict(states)
    for component, status in states.items():
        ongoing = [n for n in notices if component in n.components and n.is_ongoing(now)]
        incidents = [n for n in ongoing if n.type == "incident"]
        maintenance = [n for n in ongoing if n.type == "maintenance"]
        if incidents:
            # The worst open incident decides; staff know more than a probe.
            worst = max(incidents, key=lambda n: STATES.index(severity_state(n.severity)))
            result[component] = ComponentStatus(
                component,
                severity_state(worst.severity),
                "staff",
                "notice",
                {"notice": worst.id},
                worst.id,
                worst.severity,
                status.state,
                status.evidence_time,
            )
        elif maintenance:
            result[component] = ComponentStatus(
                component,
                "maintenance",
                "staff",
                "notice",
                {"notice": maintenance[0].id},
                maintenance[0].id,
                None,
                status.state,
                status.evidence_time,
            )
    return result


def overall(states: dict) -> tuple[str, str]:
    """Returns the Statuspage style (indicator, description) for all components."""
    present = {s.state for s in states.values()}
    if "down" in present:
        return "major", "Major Service Outage"
    if present & {"disrupted", "degraded"}:
        return "minor", "Minor Service Outage"
    if "maintenance" in present:
        return "maintenance", "Service Under Maintenance"
    if "unknown" in present or not present:
        # No known problem, but no claim of health either.
        return "none", "Some components have no fresh check results"
    return "none", "All Systems Operational"


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


def notices_of(app, notices=None) -> tuple:
    """Returns the given notices, else the app's current ones (none for an app without a notice store)."""
    if notices is not None:
        return tuple(notices)
    store = app.extensions.get("notice_store")
    return tuple(store.snapshot().notices) if store is not None else ()


def snapshot(app, now=None, notices=None) -> dict:
    """Returns per-component state, source, reason and uptime plus the overall indicator, from the database only."""
    from mpass_status.checks_config import parse_checks, parse_probe
    from mpass_status.prober import open_db, site_config_of

    now = now or datetime.now(UTC)
    config = site_config_of(app)
    probe, checks = parse_probe(config), parse_checks(config)
    db = open_db(app)
    notices = notices_of(app, notices)
    ids = [c.id for c in config.components]
    history = probe.failures_to_down + probe.successes_to_up + 10
    recent = {component: db.recent_by_check(component, history) for component in ids}
    states = apply_notices(component_states(ids, recent, checks, probe, now), notices, now)
    components = {}
    for component in ids:
        status = states[component]
        buckets = db.hourly_counts(
            component, now - UPTIME_WINDOWS["90d"], now, maintenance_windows(notices, component, now)
        )
        components[component] = {
            "state": status.state,
            "source": status.source,
            "code": status.code,
            "params": status.params,
            "reason": status.reason,
            "notice_id": status.notice_id,
            "checks_state": status.checks_state,
            "statuspage_status": status.statuspage_status,
            "evidence_time": status.evidence_time,
            "uptime": uptimes(buckets, now),
            "daily": daily_series(buckets, now, config.timezone),
        }
    indicator, description = overall(states)
    return {
        "time": now,
        "indicator": indicator,
        "description": description,
        "last_round": db.last_round_time(),
        "components": components,
    }


def response_chart(app, component: str, now=None):
    """Returns the 24-hour response-time chart of a component, read from the database."""
    from mpass_status.prober import open_db
    from mpass_status.status_chart import response_chart as chart
    from mpass_status.status_chart import response_points

    now = now or datetime.now(UTC)
    start = now - timedelta(hours=24)
    points = response_points(open_db(app).results_between(start, now, component), start, now)
    return chart(points, now)
