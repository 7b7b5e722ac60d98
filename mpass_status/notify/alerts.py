"""Operator alerts through Apprise (STATUS_ALERT_URLS, or [alerts] in status.toml with routes per group or
component): when the checks' quorum verdict on a component turns down or degraded, a reminder while it lasts, and
"resolved" when it is back up; muted while a staff maintenance notice covers the component. Each route hears of
its own components (the default route of the rest); an alert counts as told on a route only when every provider
of the route accepted it, and what was told is stored per route, so a restart does not alert again and a refused
alert is tried again on the next pass."""

import logging
import re
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

import apprise
from flask import Flask

from mpass_status import runtime
from mpass_status.config.database import is_postgresql
from mpass_status.notify.alert_state import AlertState
from mpass_status.notify.drafts import draft_lines, production_down
from mpass_status.status.states import State
from mpass_status.web.labels import component_label
from mpass_status.web.live import live_status

log = logging.getLogger(__name__)
TROUBLE = (State.DOWN, State.DEGRADED)
POLL_SECONDS = 5.0
# Where start_background keeps the event that stops the alert thread.
STOP = "mpass_status.notify.alerts.stop"


@dataclass(frozen=True)
class Change:
    """One line of an alert: a component, what the checks say now, and whether it is new, a reminder or over."""

    component: str
    state: State
    kind: str  # "new", "reminder" or "resolved"
    name: str
    reason: str
    since: datetime | None
    # The checks' reason code and values, for the drafted notice's sentence in Finnish and Swedish.
    code: str = ""
    params: dict = field(default_factory=dict, compare=False)


def changes(status, told: dict[str, tuple[str, float]], now: float, reminder: float, names: dict) -> list[Change]:
    """Returns what the operator should hear of now, given the live status and what they were told."""
    found = []
    for component, found_status in status.components.items():
        checks = found_status.checks_state if found_status.source == "staff" else found_status.state
        muted = found_status.source == "staff" and found_status.state == State.MAINTENANCE
        before = told.get(component)
        verdict = found_status.checks or found_status
        line = (names.get(component, component), verdict.reason, verdict.since, verdict.code, verdict.params)
        if checks in TROUBLE and not muted:
            if before is None or before[0] != checks:
                found.append(Change(component, checks, "new", *line))
            elif now - before[1] >= reminder:
                found.append(Change(component, checks, "reminder", *line))
        elif checks == State.OPERATIONAL and before is not None:
            found.append(Change(component, checks, "resolved", *line))
    return found


def message(found: list[Change]) -> tuple[str, str]:
    """Returns the alert's title and body for the changes."""
    worst = next((c for c in found if c.state == State.DOWN and c.kind != "resolved"), None)
    if worst:
        title = f"MPASSid down: {worst.name}"
    elif all(c.kind == "resolved" for c in found):
        title = "MPASSid resolved: " + ", ".join(c.name for c in found)
    else:
        title = "MPASSid degraded: " + ", ".join(c.name for c in found if c.kind != "resolved")
    lines = []
    for change in found:
        word = {"new": change.state.upper(), "reminder": f"STILL {change.state.upper()}", "resolved": "RESOLVED"}
        since = f" since {change.since:%Y-%m-%d %H:%M} UTC" if change.since and change.kind != "resolved" else ""
        lines.append(f"{word[change.kind]}: {change.name}{since}: {change.reason}")
    return title, "\n".join(lines)


@dataclass(frozen=True)
class Route:
    """Where the alerts of some components go: an Apprise tag (its name in the stored state too) and its URLs."""

    key: str
    components: frozenset[str]
    urls: tuple[str, ...]


# The default route's name, in parentheses: a route's is its ids ("production", "prod-oidc+wilma").
DEFAULT = "(default)"


def routes(config, alert_urls: str | None) -> list[Route]:
    """Returns the routes of [alerts] with their components, then the default route (STATUS_ALERT_URLS, else
    [alerts] urls) of every component no route takes; a route without URLs is left out."""
    found = [Route(r.key, frozenset(config.expand(r.ids)), r.urls) for r in config.alerts.routes]
    routed = {c for route in found for c in route.components}
    default = tuple(u for u in re.split(r"[\s,]+", alert_urls.strip()) if u) if alert_urls else config.alerts.urls
    rest = frozenset(c.id for c in config.components) - routed
    return [r for r in [*found, Route(DEFAULT, rest, default)] if r.urls]


class Alerter:
    """Looks at the live status and alerts the operator; one process at a time (an flock beside a SQLite file,
    an advisory lock in PostgreSQL)."""

    def __init__(self, app: Flask, routes: list[Route], database: str):
        self.app = app
        self.settings = runtime.settings(app)
        self.routes = routes
        self.state = open_alert_state(database)
        self.lock = self.state.lock()
        self.providers = apprise.Apprise()
        for route in routes:
            for url in route.urls:
                if not self.providers.add(url, tag=route.key):
                    where = "STATUS_ALERT_URLS" if route.key == DEFAULT else f"[alerts] route {route.key}"
                    raise ValueError(f"{where}: Apprise does not know {url.split('://')[0]}://")

    def once(self, now: float | None = None) -> list[Change]:
        """Does one pass; returns the changes the providers accepted (none when another process alerts)."""
        # Held for the pass only: the next process to take it reads what this one recorded.
        if not self.lock.acquire():
            return []
        try:
            return self._pass(time.time() if now is None else now)
        finally:
            self.lock.release()

    def _pass(self, now: float) -> list[Change]:
        with self.app.app_context():
            status = live_status(datetime.fromtimestamp(now, UTC), app=self.app)
        config = runtime.config(self.app)
        names = {c.id: component_label(config, c.id, config.languages[0]) for c in config.components}
        told, reminder = self.state.told(), self.settings.alert_reminder_seconds
        # Every component in trouble now, as if nothing had been told: what a draft names.
        every = changes(status, {}, now, reminder, names)
        due = {}
        for route in self.routes:
            mine = {k: v for k, v in told.get(route.key, {}).items() if k in route.components}
            found = [c for c in changes(status, mine, now, reminder, names) if c.component in route.components]
            if found:
                due[route] = found
        new = [c for found in due.values() for c in found if c.kind == "new"]
        draft = draft_lines(self.app, self.state, told, every, new, now)
        accepted = []
        for route, found in due.items():
            title, body = message(found)
            if draft and production_down(self.app, found):
                body += f"\n\n{draft}"
            # match_always off: a route named "always" (Apprise's tag for every message) hears only its own.
            if not self.providers.notify(title=title, body=body, tag=route.key, match_always=False):
                log.warning("operator alert not accepted on route %s; trying again next pass: %s", route.key, title)
                continue
            self.state.record(route.key, {c.component: None if c.kind == "resolved" else c.state for c in found}, now)
            accepted += found
        return accepted

    def watch(self, stop: threading.Event) -> None:
        """Passes every POLL_SECONDS until stop is set."""
        while not stop.is_set():
            try:
                self.once()
            except Exception:  # an alert pass that fails must not end the alerts; the next one tries again
                log.exception("operator alert pass failed")
            stop.wait(POLL_SECONDS)


def open_alert_state(database: str):
    """Returns the alert state in the results database named: a postgresql:// URL or a SQLite file's path (the
    PostgreSQL driver is loaded only for the former)."""
    if is_postgresql(database):
        from mpass_status.notify.alert_state_postgres import PostgresAlertState

        return PostgresAlertState(database)
    return AlertState(database)


def alerter(app: Flask) -> Alerter | None:
    """Returns app's Alerter, or None when no alert URLs are set (STATUS_ALERT_URLS or [alerts])."""
    settings, config = runtime.settings(app), runtime.config(app)
    found = routes(config, settings.alert_urls)
    if not found:
        return None
    return Alerter(app, found, str(settings.database or config.probe.database))


def start_background(app: Flask) -> threading.Event | None:
    """Starts the alerts in a daemon thread when alert URLs are set; returns (and keeps in app) its stop event."""
    found = alerter(app)
    if found is None or not runtime.settings(app).send_in_background:
        return None
    stop = app.extensions[STOP] = threading.Event()
    threading.Thread(target=found.watch, args=(stop,), name="operator-alerts", daemon=True).start()
    return stop
