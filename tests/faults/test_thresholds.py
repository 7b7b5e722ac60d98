"""Thresholds that count time, not bursts, on the shipped schedule scaled down five times (interval 60 -> 12 s,
SAML and login methods 300 -> 60 s, TLS 3600 -> 720 s, retry 15 -> 3 s, timeout 10 -> 2 s): a blip shorter than
the thresholds' time never reads as an outage, a broker that refuses, hangs or answers 500 is down within
90 s (18 s here), and after it recovers every component is operational within two minutes (24 s here)."""

import re
import sqlite3
import threading
import time
from contextlib import contextmanager
from datetime import datetime

import pytest

from mpass_status import runtime
from mpass_status.checks.scheduler import watch
from mpass_status.standin.broker import StandinBroker
from mpass_status.standin.config import write_standin_config

from ..helpers import wait_for
from .support import refuse, states

SCALE = 5
PRODUCTION = ("prod-oidc", "prod-saml")
PATHS = ("discovery", "jwks", "metadata", "authnsources", "authorize")
# The shipped intervals of the checks whose interval is not the 60-second one, scaled.
LONGER = {"saml": 300 // SCALE, "authsources": 300 // SCALE, "tls": 3600 // SCALE}


def shipped_schedule(path, production, test, references, database):
    """Writes the stand-in configuration with the shipped schedule, scaled."""
    write_standin_config(
        path,
        production,
        test,
        timeout=10 / SCALE,
        interval=60 // SCALE,
        probe={"database": str(database), "slow_ms": 1400, "retry_interval": 15 // SCALE},
        references=references,
    )
    lines, kind = [], None
    for line in path.read_text().splitlines():
        found = re.match(r'kind = "(\w+)"', line)
        kind = found.group(1) if found else kind
        if line.startswith("interval = ") and kind in LONGER:
            line = f"interval = {LONGER[kind]}"
        lines.append(line)
    path.write_text("\n".join(lines) + "\n")
    return path


@contextmanager
def probed(tmp_path, make_site, brokers, references):
    """A site and its prober (in this process) on the scaled schedule; yields the site's client once all is well."""
    database = tmp_path / "status.sqlite3"
    config = shipped_schedule(tmp_path / "status.toml", *brokers, references, database)
    site = make_site(None, STATUS_CONFIG=str(config), DATABASE=str(database))
    stop = threading.Event()
    prober = threading.Thread(target=watch, args=(runtime.config(site), runtime.results(site), stop))
    prober.start()
    client = site.test_client()
    try:
        assert wait_for(lambda: set(component_states(client).values()) == {"operational"}, 30)
        yield client
    finally:
        stop.set()
        prober.join(timeout=30)


def component_states(client) -> dict[str, str]:
    return states(client.get("/api/v2/summary.json").get_json())


def break_production(broker, fault: str) -> None:
    if fault == "refuse":
        refuse(broker)
    else:
        for target in PATHS:
            broker.set_fault(target, fault)


def test_a_20_second_on_off_flap_for_three_minutes_never_shows_down(tmp_path, make_site, brokers, references):
    production = brokers[0]
    with probed(tmp_path, make_site, brokers, references) as client:
        # Not right after a round: somewhere in the schedule, as a real fault comes.
        time.sleep(2.5)
        seen, began = set(), time.monotonic()
        on = threading.Event()

        def flap():
            # 20 s off, 20 s on (a third more than the retry interval each), for three minutes; scaled.
            while time.monotonic() - began < 180 / SCALE and not on.is_set():
                for target in PATHS:
                    production.set_fault(target, "500")
                on.wait(20 / SCALE)
                production.clear()
                on.wait(20 / SCALE)

        flapping = threading.Thread(target=flap)
        flapping.start()
        try:
            while flapping.is_alive():
                seen |= {component_states(client)[c] for c in PRODUCTION}
                time.sleep(0.2)
        finally:
            on.set()
            flapping.join()
    # The blips are seen (degraded), never taken for an outage.
    assert "degraded_performance" in seen, seen
    assert "major_outage" not in seen, seen
    # What the thresholds count spans time: two failures of a check in a row are a retry interval apart at
    # least, however many sibling checks started failing meanwhile.
    assert min(failure_gaps(tmp_path / "status.sqlite3")) >= 15 / SCALE - 0.2


def failure_gaps(database) -> list[float]:
    """Returns the seconds between consecutive failures of each check and component, in the stored results."""
    with sqlite3.connect(database) as db:
        rows = db.execute("SELECT check_id, component, time, outcome FROM results ORDER BY time").fetchall()
    previous, gaps = {}, []
    for check_id, component, moment, outcome in rows:
        key, when = (check_id, component), datetime.fromisoformat(moment.replace("Z", "+00:00"))
        if outcome == "failed" and previous.get(key, (None, None))[0] == "failed":
            gaps.append((when - previous[key][1]).total_seconds())
        previous[key] = (outcome, when)
    return gaps or [float("inf")]


@pytest.mark.parametrize("fault", ["refuse", "hang", "500"])
def test_a_failing_production_broker_is_down_within_90_seconds_and_recovers_within_two_minutes(
    fault, tmp_path, make_site, references
):
    with (
        StandinBroker(slow_seconds=0.8) as production,
        StandinBroker(slow_seconds=0.8) as test,
        probed(tmp_path, make_site, (production, test), references) as client,
    ):
        time.sleep(2.5)
        break_production(production, fault)
        broken_at = time.monotonic()
        down = wait_for(lambda: {component_states(client)[c] for c in PRODUCTION} == {"major_outage"}, 40, 0.25)
        took = time.monotonic() - broken_at
        assert down, component_states(client)
        assert took < 90 / SCALE, took
        if fault == "refuse":
            return  # a refused stand-in does not come back
        # Down for a while, as a real outage is: the long-interval checks (SAML) have failed too.
        time.sleep(6)
        production.clear()
        cleared_at = time.monotonic()
        back = wait_for(lambda: set(component_states(client).values()) == {"operational"}, 60, 0.25)
        recovered = time.monotonic() - cleared_at
        assert back, component_states(client)
        assert recovered < 120 / SCALE, recovered
    print(f"{fault}: down in {took:.1f} s, operational again {recovered:.1f} s after the broker recovered")
