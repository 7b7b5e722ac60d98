"""Operator alerts through Apprise's json:// to a real HTTP receiver on loopback, while a stand-in broker fails
and recovers: down, a reminder, resolved; nothing while a maintenance notice covers it, nothing again after a
restart, and an alert the provider refused is told again."""

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from mpass_status import runtime
from mpass_status.checks.runner import run_round
from mpass_status.notices.parser import parse_notice
from mpass_status.notify.alerts import alerter
from mpass_status.status.states import State
from tests.notify.alert_support import Receiver, rounds_until
from tests.notify.support import write_notice


@pytest.fixture
def receiver():
    found = Receiver()
    yield found
    found.stop()


@pytest.fixture
def site(make_site, standin_config, receiver, tmp_path):
    return make_site(
        None,
        STATUS_CONFIG=str(standin_config.path),
        ALERT_URLS=receiver.url,
        SEND_IN_BACKGROUND=False,
        DRAFTS_DIR=str(tmp_path / "drafts"),
    )


def test_down_a_reminder_and_resolved_each_told_once_and_not_again_after_a_restart(site, broker, receiver):
    rounds_until(site, "prod-oidc", State.OPERATIONAL)
    assert alerter(site).once() == [] and receiver.bodies == []
    broker.set_fault("discovery", "500")
    rounds_until(site, "prod-oidc", State.DOWN)
    told = alerter(site).once()
    assert [c.kind for c in told if c.component == "prod-oidc"] == ["new"]
    (alert,) = receiver.bodies
    assert alert["title"].startswith("MPASSid down") and "DOWN: " in alert["message"]
    # A second pass, or a restarted site, says nothing new.
    assert alerter(site).once() == [] and len(receiver.bodies) == 1
    broker.clear()
    rounds_until(site, "prod-oidc", State.OPERATIONAL)
    # A refused alert is not counted as told: the next pass tells it.
    receiver.refusing = True
    assert alerter(site).once() == [] and len(receiver.bodies) == 1
    receiver.refusing = False
    resolved = alerter(site).once()
    assert {c.kind for c in resolved} == {"resolved"} and receiver.bodies[-1]["title"].startswith("MPASSid resolved")
    assert alerter(site).once() == [] and len(receiver.bodies) == 2


def test_the_operator_is_reminded_while_it_lasts(site, broker, receiver):
    broker.set_fault("discovery", "500")
    rounds_until(site, "prod-oidc", State.DOWN)
    assert alerter(site).once()
    # An hour on, with the checks still failing then, the operator is reminded once.
    later = datetime.now(UTC) + timedelta(seconds=3601)
    run_round(runtime.config(site), runtime.results(site), now=later)
    reminder = alerter(site).once(later.timestamp())
    assert [c.kind for c in reminder if c.component == "prod-oidc"] == ["reminder"]
    assert "STILL DOWN: OpenID Connect -rajapinta (tuotanto)" in receiver.bodies[-1]["message"]
    again = alerter(site).once(later.timestamp() + 60)
    assert [c for c in again if c.component == "prod-oidc"] == []


def test_no_alert_while_a_maintenance_notice_covers_the_component(site, broker, receiver):
    start = datetime.now(ZoneInfo("Europe/Helsinki")) - timedelta(minutes=5)
    write_notice(
        site,
        f"{start:%Y-%m-%d}-huolto.md",
        f"""
        ---
        type: maintenance
        severity: down
        affected: [production]
        start: {start:%Y-%m-%d %H:%M}
        end: {start + timedelta(hours=2):%Y-%m-%d %H:%M}
        title:
          fi: Huoltokatko
          sv: Underhållsavbrott
        summary:
          fi: Tuotanto on huollossa.
          sv: Produktionen underhålls.
        ---
        """,
    )
    broker.set_fault("discovery", "500")
    rounds_until(site, "prod-oidc", State.DOWN)
    production = {c.id for c in runtime.config(site).components if c.group == "production"}
    assert [c for c in alerter(site).once() if c.component in production] == []
    assert all("(tuotanto)" not in body["message"] for body in receiver.bodies)


def test_production_down_drafts_a_bilingual_incident_notice_the_alert_links_to(site, broker, receiver):
    broker.set_fault("discovery", "500")
    rounds_until(site, "prod-oidc", State.DOWN)
    assert alerter(site).once()
    message = receiver.bodies[-1]["message"]
    draft = Path(message.rpartition("check and publish: ")[2].strip())
    assert draft.parent == runtime.settings(site).drafts_dir and draft.is_file()
    notice, problems = parse_notice(draft, runtime.config(site))
    assert problems == [] and notice.type == "incident" and "prod-oidc" in notice.affected
    update = notice.updates[0]
    assert "ei toimi" in update.text["fi"] and "inte fungerar" in update.text["sv"]
    assert "OpenID Connect -rajapinta (tuotanto)" in update.text["fi"]
