"""Turns check history and staff notices into component states, the overall state and uptime."""

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from mpass_status.checks.reasons import reason
from mpass_status.checks.results import CheckResult, Outcome
from mpass_status.checks.thresholds import streak
from mpass_status.config import SiteConfig
from mpass_status.status.states import INDICATORS, STATES, STATUSPAGE, State, severity_state, worst
from mpass_status.status.uptime import daily_series, outage_windows, stated_uptimes, with_outages


@dataclass(frozen=True)
class ComponentStatus:
    """What the site says of one component now: its state, who says so (the checks or a staff notice) and why
    (a reason code with its values), since when, and its uptime."""

    component: str
    state: State
    source: str  # "checks" or "staff"
    code: str
    params: dict = field(default_factory=dict)
    notice_id: str | None = None
    severity: str | None = None
    # What the automatic checks say, also when staff state takes precedence.
    checks_state: State | None = None
    evidence_time: datetime | None = None
    # Since when the checks have said what they say now (None: not within the results held).
    since: datetime | None = None
    # The checks' own verdict when staff state takes precedence (None while the checks decide).
    checks: "ComponentStatus | None" = None
    uptime: dict = field(default_factory=dict)
    # One entry per local day, oldest first, for the 90-day bar.
    daily: tuple = ()

    @property
    def reason(self) -> str:
        """Returns the English reason for the state."""
        return reason(self.code, self.params)

    @property
    def statuspage_status(self) -> str:
        """Returns the state as a Statuspage component status."""
        return STATUSPAGE[self.state]


@dataclass(frozen=True)
class CheckHistory:
    """What the results database knows, as plain values."""

    # component -> check id -> its newest results, oldest first (enough for the thresholds)
    recent: dict[str, dict[str, list[CheckResult]]] = field(default_factory=dict)
    # component -> [(hour, results, failed)] of the last 90 days, maintenance windows left out
    hourly: dict[str, list[tuple[datetime, int, int]]] = field(default_factory=dict)
    last_round: datetime | None = None
    # Why the database could not be read (None when it could): every check verdict is then unknown.
    unavailable: str | None = None


@dataclass(frozen=True)
class LiveStatus:
    """The state of every component and of the whole service at one moment."""

    time: datetime
    state: State
    last_round: datetime | None
    components: dict[str, ComponentStatus]
    # Why the state is unknown (a reason code of UNKNOWN_CAUSES), else None.
    cause: str | None = None
    # True when the check results could not be read: only staff notices speak.
    checks_unavailable: bool = False
    # True when a part of the broker itself in production is down (not only a login method).
    production_down: bool = False

    @property
    def indicator(self) -> str:
        """Returns Statuspage's overall indicator: none, minor, major or critical (unknown is not none).

        Critical is kept for the broker itself down in production: every login of every school fails.
        """
        if self.state == State.DOWN and self.production_down:
            return "critical"
        return INDICATORS[self.state][0]

    @property
    def description(self) -> str:
        """Returns Statuspage's English description of the overall state, saying why when it is unknown."""
        if self.state == State.UNKNOWN:
            return UNKNOWN_DESCRIPTIONS.get(self.cause, INDICATORS[State.UNKNOWN][1])
        return INDICATORS[self.state][1]


# Why the status may be unknown, the most telling first: one cause explains the headline.
UNKNOWN_CAUSES = ("database_unavailable", "network_down", "stale", "no_results")
UNKNOWN_DESCRIPTIONS = {
    "database_unavailable": "Status unknown: the results of the automatic checks cannot be read",
    "network_down": "Status unknown: the status site reaches neither the broker nor its reference addresses",
    "stale": "Status unknown: some components have no fresh check results",
    "no_results": "Status unknown: some components have no check results yet",
}


def history_size(config: SiteConfig) -> int:
    """Returns how many newest results per check the thresholds need to be decided."""
    return config.probe.failures_to_down + config.probe.successes_to_up + 10


def verdict_since(results, probe) -> datetime | None:
    """Returns since when the newest verdict of results (oldest first) has held, None if since before them."""
    decided = [r for r in results if r.outcome != Outcome.UNKNOWN]
    verdicts = []
    for end in range(1, len(decided) + 1):
        down, _failures, _successes = streak(
            [r.outcome for r in decided[:end]], probe.failures_to_down, probe.successes_to_up
        )
        newest = decided[end - 1].outcome
        verdicts.append(
            State.DOWN
            if down
            else State.DEGRADED
            if newest in (Outcome.FAILED, Outcome.DEGRADED)
            else State.OPERATIONAL
        )
    if not verdicts:
        return None
    start = len(verdicts) - 1
    while start > 0 and verdicts[start - 1] == verdicts[-1]:
        start -= 1
    if verdicts[-1] == State.DOWN:
        # Down since the first failure of the run that reached the threshold, not since the threshold.
        while start > 0 and decided[start - 1].outcome == Outcome.FAILED:
            start -= 1
    # A run that reaches back to the oldest result held may have begun earlier: no time then.
    return decided[start].time if start > 0 else None


def check_status(component, results, interval, probe, now) -> ComponentStatus:
    """Returns the state one check's results (oldest first) give a component."""
    if not results:
        return ComponentStatus(component, State.UNKNOWN, "checks", "no_results")
    newest = results[-1]
    if now - newest.time > timedelta(seconds=interval * probe.stale_after_intervals):
        return ComponentStatus(
            component,
            State.UNKNOWN,
            "checks",
            "stale",
            {"time": newest.time.isoformat(timespec="seconds")},
            evidence_time=newest.time,
        )
    if newest.outcome == Outcome.UNKNOWN:
        return ComponentStatus(
            component, State.UNKNOWN, "checks", newest.code, newest.params, evidence_time=newest.time
        )
    down, _failures, successes = streak([r.outcome for r in results], probe.failures_to_down, probe.successes_to_up)
    since = verdict_since(results, probe)
    if down and newest.outcome != Outcome.FAILED:
        return ComponentStatus(
            component,
            State.DOWN,
            "checks",
            "recovering",
            {"successes": successes, "needed": probe.successes_to_up},
            evidence_time=newest.time,
            since=since,
        )
    if down:
        state = State.DOWN
    elif newest.outcome in (Outcome.FAILED, Outcome.DEGRADED):
        # Fewer failures than the threshold: trouble, not yet an outage.
        state = State.DEGRADED
    else:
        state = State.OPERATIONAL
    return ComponentStatus(
        component, state, "checks", newest.code, newest.params, evidence_time=newest.time, since=since
    )


def check_verdict(component, results, interval, probe, now) -> ComponentStatus:
    """Returns the state one check's results (oldest first, of every vantage point) give a component.

    Each vantage point's results are judged on their own; where several have fresh results they must agree.
    """
    by_vantage: dict[str, list] = {}
    for result in results:
        by_vantage.setdefault(result.vantage, []).append(result)
    if len(by_vantage) <= 1:
        return check_status(component, results, interval, probe, now)
    seen = {vantage: check_status(component, found, interval, probe, now) for vantage, found in by_vantage.items()}
    return agreed(component, seen, probe.quorum)


def agreed(component, seen: dict, quorum: int) -> ComponentStatus:
    """Returns what the vantage points' verdicts {vantage: ComponentStatus} add up to.

    Only vantage points with fresh results count (one whose own network is down, or whose prober stopped,
    knows nothing). Down needs quorum of them (0: a majority); fewer seeing it down is degraded, naming them.
    """
    times = [s.evidence_time for s in seen.values() if s.evidence_time]
    newest = max(times) if times else None
    fresh = {vantage: status for vantage, status in seen.items() if status.state != State.UNKNOWN}
    if not fresh:
        # None knows: say why as the most telling of them, as the overall state does.
        cause = unknown_cause(seen)
        return replace(next(s for s in seen.values() if s.code == cause), evidence_time=newest)
    needed = quorum or len(fresh) // 2 + 1
    down = sorted(vantage for vantage, status in fresh.items() if status.state == State.DOWN)
    if len(down) >= needed:
        starts = sorted(fresh[v].since for v in down if fresh[v].since)
        # Down since the quorum was reached: when the needed-th of them began to see it.
        since = starts[needed - 1] if len(starts) == len(down) else None
        return replace(fresh[down[0]], evidence_time=newest, since=since)
    if down:
        return ComponentStatus(
            component, State.DEGRADED, "checks", "failing_from", {"vantage": ", ".join(down)}, evidence_time=newest
        )
    worst_one = max(fresh.values(), key=lambda s: STATES.index(s.state))
    return replace(worst_one, evidence_time=newest)


def network_down_since(results_by_component) -> dict[str, datetime]:
    """Returns {vantage: when its newest round found its own network down}, for vantage points whose newest
    results are such a finding."""
    newest: dict[str, datetime] = {}
    found: dict[str, datetime] = {}
    for per_check in results_by_component.values():
        for results in per_check.values():
            for result in results:
                newest[result.vantage] = max(newest.get(result.vantage, result.time), result.time)
                if result.code == "network_down":
                    found[result.vantage] = max(found.get(result.vantage, result.time), result.time)
    return {vantage: time for vantage, time in found.items() if time >= newest[vantage]}


def superseded(results, down_since: dict) -> list:
    """Returns results (oldest first) with a network_down finding added where a vantage point's newest evidence
    predates its network found down: what it saw before says nothing of now."""
    latest = {}
    for result in results:
        latest[result.vantage] = result
    added = [
        last.with_(time=down_since[vantage], outcome=Outcome.UNKNOWN, code="network_down", params={}, response_ms=None)
        for vantage, last in latest.items()
        if vantage in down_since and last.time < down_since[vantage]
    ]
    return sorted([*results, *added], key=lambda r: r.time) if added else results


def component_states(component_ids, results_by_component, checks, probe, now) -> dict:
    """Returns {component: ComponentStatus} from {component: {check_id: results oldest first}}."""
    down_since = network_down_since(results_by_component)
    if down_since:
        results_by_component = {
            component: {check_id: superseded(found, down_since) for check_id, found in per_check.items()}
            for component, per_check in results_by_component.items()
        }
    intervals = {check.id: check.interval for check in checks}
    covering = {}
    for check in checks:
        for component in check.components:
            covering.setdefault(component, []).append(check.id)
    states = {}
    for component in component_ids:
        per_check = results_by_component.get(component, {})
        candidates = [
            check_verdict(component, per_check.get(check_id, []), intervals[check_id], probe, now)
            for check_id in covering.get(component, [])
        ]
        if not candidates:
            states[component] = ComponentStatus(component, State.UNKNOWN, "checks", "no_results")
            continue
        worst_one = max(candidates, key=lambda s: STATES.index(s.state))
        times = [s.evidence_time for s in candidates if s.evidence_time]
        states[component] = replace(worst_one, evidence_time=max(times) if times else None)
    return states


def apply_notices(states: dict, notices, now) -> dict:
    """Returns states with ongoing incidents and maintenance from staff taking precedence over checks."""
    result = dict(states)
    # Judged once for the whole archive, not once for each component.
    under_way = [n for n in notices if n.is_ongoing(now)]
    for component, status in states.items():
        ongoing = [n for n in under_way if component in n.components]
        incidents = [n for n in ongoing if n.type == "incident"]
        maintenance = [n for n in ongoing if n.type == "maintenance"]
        if incidents:
            # The worst open incident decides; staff know more than a probe.
            chosen = max(incidents, key=lambda n: STATES.index(severity_state(n.severity)))
            state, severity = severity_state(chosen.severity), chosen.severity
        elif maintenance:
            chosen, state, severity = maintenance[0], State.MAINTENANCE, None
        else:
            continue
        result[component] = replace(
            status,
            state=state,
            source="staff",
            code="notice",
            params={"notice": chosen.id},
            notice_id=chosen.id,
            severity=severity,
            checks_state=status.state,
            checks=status,
        )
    return result


def unknown_cause(states: dict) -> str | None:
    """Returns why the overall state is unknown: the most telling reason of the components' checks."""
    codes = [s.code for s in states.values() if s.state == State.UNKNOWN]
    return next((cause for cause in UNKNOWN_CAUSES if cause in codes), codes[0] if codes else None)


def overall(states: dict) -> str:
    """Returns the state of the whole service: the worst component state ('unknown' without components)."""
    return worst(s.state for s in states.values())


def evaluate(config: SiteConfig, notices, history: CheckHistory, now: datetime) -> LiveStatus:
    """Returns every component's state, reason and uptime, and the overall state, at now."""
    ids = [c.id for c in config.components]
    if history.unavailable is not None:
        checked = {c: ComponentStatus(c, State.UNKNOWN, "checks", "database_unavailable") for c in ids}
    else:
        checked = component_states(ids, history.recent, config.checks, config.probe, now)
    states = apply_notices(checked, notices, now)
    components = {}
    for component in ids:
        buckets = with_outages(history.hourly.get(component, []), outage_windows(notices, component, now), now)
        components[component] = replace(
            states[component],
            uptime=stated_uptimes(buckets, now),
            daily=tuple(daily_series(buckets, now, config.timezone)),
        )
    state = overall(states)
    return LiveStatus(
        time=now,
        state=state,
        last_round=history.last_round,
        components=components,
        cause=unknown_cause(states) if state == State.UNKNOWN else None,
        checks_unavailable=history.unavailable is not None,
        production_down=any(states[c].state == State.DOWN for c in production_parts(config)),
    )


def production_parts(config: SiteConfig) -> set[str]:
    """Returns the components of the broker itself in production: checked there, and not login methods."""
    checked = {c for check in config.checks if check.environment == "production" for c in check.components}
    return checked - config.login_methods()
