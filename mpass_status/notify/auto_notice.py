"""The checks' automatic notice, for the subscribers who chose it: an e-mail when the checks find MPASSid's
production down (by their quorum, as the status page says it) for longer than STATUS_AUTO_NOTICE_AFTER_SECONDS,
and a follow-up to the same people when it works again. Nothing is sent while a staff notice speaks for the
part: the staff have told people themselves.

It reads the live status as the operator alerts do (web/live.py). An episode is named by the time the checks
say it began, `auto-down:<since>`, and its end `auto-up:<since>`: both are events of the outbox, marked seen
when queued, so a restart or a second sender tells nobody twice. An outbox row's notice field holds the parts
found down (auto-down) or the time they worked again (auto-up).
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from flask import Flask

from mpass_status import runtime
from mpass_status.notify.store import NewsItem, SubscriptionStore
from mpass_status.status.evaluate import production_parts
from mpass_status.status.states import State
from mpass_status.web.live import live_status

DOWN, UP = "auto-down", "auto-up"
KINDS = (DOWN, UP)
# A part the checks find still answering, if slowly or in part, works again.
WORKING = (State.OPERATIONAL, State.DEGRADED)


@dataclass(frozen=True)
class Finding:
    """What the checks say of production now: the parts down with no staff notice, since when the first of them
    is, and whether every part works."""

    down: tuple[str, ...]
    since: float | None
    working: bool


def finding(app: Flask, now: float) -> Finding:
    """Returns the checks' finding on the broker itself in production at now."""
    with app.app_context():
        status = live_status(datetime.fromtimestamp(now, UTC), app=app)
    if status.checks_unavailable:
        return Finding((), None, False)
    down, since, working = [], [], True
    for component in sorted(production_parts(runtime.config(app))):
        found = status.components.get(component)
        if found is None:
            continue
        checks = found.checks_state if found.source == "staff" else found.state
        working = working and checks in WORKING
        # A part down for longer than the results held has no since: it is not told, rather than told late.
        if checks == State.DOWN and found.source != "staff" and found.since:
            down.append(component)
            since.append(found.since.timestamp())
    return Finding(tuple(down), min(since, default=None), working)


def _open(seen: set[str]) -> set[str]:
    """Returns the episodes told of as down and not yet as working again."""
    told = {e.split(":")[1] for e in seen if e.startswith(f"{DOWN}:")}
    return told - {e.split(":")[1] for e in seen if e.startswith(f"{UP}:")}


def check(app: Flask, store: SubscriptionStore, now: float) -> int:
    """Queues the automatic notice or its follow-up when one is due at now; returns how many rows it queued."""
    found, episodes = finding(app, now), _open(store.seen())
    after = runtime.settings(app).auto_notice_after_seconds
    if found.down and not episodes and now - found.since >= after:
        key = str(int(found.since))
        item = NewsItem(f"{DOWN}:{key}", DOWN, ",".join(found.down), now)
        return store.fan_out(item, lambda choices: choices.automatic, lambda cadence, at: at, now)
    if found.working:
        return sum(
            store.follow_up(NewsItem(f"{UP}:{key}", UP, str(int(now)), now), f"{DOWN}:{key}", now) for key in episodes
        )
    return 0
