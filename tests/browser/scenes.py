"""The site in each state of tests/fixtures/states with real check results from stand-in brokers on 127.0.0.1."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from mpass_status import runtime
from mpass_status.checks.runner import run_round
from mpass_status.standin.config import write_standin_config

from ..helpers import build_site
from .support import STATES

# Enough rounds for a fault to pass the failures_to_down threshold (3) and for health to settle.
ROUNDS = 3


@dataclass(frozen=True)
class Scene:
    """A notices folder, the broker faults switched on for the probe rounds and the pages to show."""

    notices: str
    rounds: int = ROUNDS
    faults: tuple[tuple[str, str], ...] = ()
    pages: tuple[str, ...] = ("/{lang}/",)
    # Component whose checks get 90 days of back-dated rounds before the live ones.
    history: str | None = None


SCENES = {
    # Every component answers its checks.
    "all-well": Scene("all-well"),
    # Staff say production is down and Wilma disrupted; the checks find Opinsys gone from the sources list.
    "incident": Scene(
        "incident", faults=(("authnsources", "vanished_source"),), pages=("/{lang}/", "/{lang}/components/opinsys/")
    ),
    # A maintenance break in the test environment is under way; the checks are healthy.
    "maintenance": Scene("maintenance"),
    # A new site: no notices and no check results at all.
    "unknown": Scene("unknown", rounds=0),
    # A component page with 90 days of bars and a day of response times, a fault in between.
    "history": Scene("all-well", history="prod-saml", pages=("/{lang}/components/prod-saml/",)),
}


def build(name: str, tmp: Path, production, test, references):
    """Builds the site of a scene in tmp against the stand-in brokers and references, runs its rounds and returns it."""
    scene = SCENES[name]
    production.clear()
    test.clear()
    config = write_standin_config(tmp / f"{name}.toml", production, test, timeout=2, interval=60, references=references)
    app = build_site(tmp / name, STATES / scene.notices, STATUS_CONFIG=str(config))
    site_config, db = runtime.config(app), runtime.results(app)
    if scene.history:
        backfill(site_config, db, production, scene.history, datetime.now(UTC))
    for target, fault in scene.faults:
        production.set_fault(target, fault)
    for _ in range(scene.rounds):
        run_round(site_config, db)
    return app


def backfill(config, db, broker, component: str, end: datetime):
    """Runs the component's checks for real at back-dated moments: one round a day for 90 days, then every
    half hour for the last day, with a day of failures, a day with one failure in twenty and a fault hours ago.

    The stand-in's slow fault plays the load of school hours, so the response-time line has a shape."""
    checks = [check for check in config.checks if component in check.components]
    moments = [(end - timedelta(days=back, hours=5), None) for back in range(89, 1, -1)]
    moments += [(end - timedelta(days=40, hours=hour), "500") for hour in (2, 3)]
    moments += [(end - timedelta(days=12, minutes=10 * step), "500" if step == 7 else None) for step in range(20)]
    for half_hours in range(47, 0, -1):
        moment = end - timedelta(minutes=30 * half_hours)
        moments.append((moment, "expired_cert" if half_hours in (13, 14, 15) else "slow"))
    original = broker.slow_seconds
    try:
        for moment, fault in sorted(moments, key=lambda item: item[0]):
            # Helsinki school hours (UTC+2): about 6 to 14 UTC.
            broker.slow_seconds = 0.12 if 6 <= moment.hour < 14 else 0.03
            broker.set_fault("metadata", fault)
            run_round(config, db, checks, now=moment)
    finally:
        broker.slow_seconds = original
        broker.clear()
