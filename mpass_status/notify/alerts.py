"""Operator alerts through Apprise (STATUS_ALERT_URLS): when the checks' quorum verdict on a component turns down
or degraded, a reminder while it lasts, and "resolved" when it is back up; muted while a staff maintenance
notice covers the component. An alert counts as told only when every provider accepted it, and what was told is
stored, so a restart does not alert again and a refused alert is tried again on the next pass."""

import logging
import re
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import apprise
from babel.lists import format_list
from flask import Flask, render_template
from flask_babel import force_locale

from mpass_status import runtime
from mpass_status.checks.store.sqlite_lock import FileLock
from mpass_status.config.database import is_postgresql
from mpass_status.files import write_atomically
from mpass_status.notify.alert_state import AlertState
from mpass_status.status.evaluate import production_parts
from mpass_status.status.states import State
from mpass_status.web.labels import component_label, reason_text
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


class Alerter:
    """Looks at the live status and alerts the operator; one process at a time (an flock beside the database)."""

    def __init__(self, app: Flask, urls: str, database: str):
        self.app = app
        self.settings = runtime.settings(app)
        self.state = AlertState(database)
        self.lock = FileLock(Path(database + ".alerts-lock"))
        self.providers = apprise.Apprise()
        for url in re.split(r"[\s,]+", urls.strip()):
            if url and not self.providers.add(url):
                raise ValueError(f"STATUS_ALERT_URLS: Apprise does not know {url.split('://')[0]}://")

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
        found = changes(status, self.state.told(), now, self.settings.alert_reminder_seconds, names)
        if not found:
            return []
        title, body = message(found)
        draft = write_draft(self.app, found, now)
        if draft:
            body += f"\n\nA drafted incident notice for the staff to check and publish: {draft}"
        if not self.providers.notify(title=title, body=body):
            log.warning("operator alert not accepted by every provider; trying again next pass: %s", title)
            return []
        self.state.record({c.component: None if c.kind == "resolved" else c.state for c in found}, now)
        return found

    def watch(self, stop: threading.Event) -> None:
        """Passes every POLL_SECONDS until stop is set."""
        while not stop.is_set():
            try:
                self.once()
            except Exception:  # an alert pass that fails must not end the alerts; the next one tries again
                log.exception("operator alert pass failed")
            stop.wait(POLL_SECONDS)


def write_draft(app: Flask, found: list[Change], now: float) -> Path | None:
    """Writes a bilingual incident draft into STATUS_DRAFTS (instance/drafts) when production has newly gone down
    (the broker itself, not only a login method); returns its path, or None when there is nothing to draft."""
    config = runtime.config(app)
    down = [c for c in found if c.kind == "new" and c.state == State.DOWN and c.component in production_parts(config)]
    if not down:
        return None
    at = datetime.fromtimestamp(now, config.timezone)
    values = {"found": f"{datetime.fromtimestamp(now, UTC):%Y-%m-%d %H:%M}", "start": f"{at:%Y-%m-%d %H:%M}"}
    values["affected"] = [c.component for c in down]
    with app.test_request_context("/", base_url=config.base_url):
        for lang in ("fi", "sv"):
            with force_locale(lang):
                values.setdefault("parts", {})[lang] = format_list(
                    [component_label(config, c.component, lang) for c in down], locale=lang
                )
                values.setdefault("reasons", {})[lang] = "; ".join(
                    dict.fromkeys(reason_text(c.code, c.params) for c in down)
                )
        text = render_template("notify/draft.md", **values)
    folder = runtime.settings(app).drafts_dir or Path(app.instance_path) / "drafts"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{at:%Y-%m-%d-%H%M}-tuotannon-hairio.md"
    write_atomically(path, text.encode())
    return path


def alerter(app: Flask) -> Alerter | None:
    """Returns app's Alerter, or None when no alert URLs are set (or the results are not in a SQLite file)."""
    settings = runtime.settings(app)
    database = str(settings.database or runtime.config(app).probe.database)
    if not settings.alert_urls or is_postgresql(database):
        return None
    return Alerter(app, settings.alert_urls, database)


def start_background(app: Flask) -> threading.Event | None:
    """Starts the alerts in a daemon thread when alert URLs are set; returns (and keeps in app) its stop event."""
    found = alerter(app)
    if found is None or not runtime.settings(app).send_in_background:
        return None
    stop = app.extensions[STOP] = threading.Event()
    threading.Thread(target=found.watch, args=(stop,), name="operator-alerts", daemon=True).start()
    return stop
