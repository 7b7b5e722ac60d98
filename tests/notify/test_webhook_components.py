"""Component updates reach the hooks when the checks' quorum verdict on a component changes (a stand-in broker
that fails and recovers): once per change, old and new status in Statuspage's words, the component as the status
API shows it, and nothing while the verdict holds."""

import pytest

from mpass_status.status.states import State
from tests.notify.alert_support import rounds_until
from tests.notify.conftest import SENDER
from tests.notify.webhook_receiver import Receiver
from tests.notify.webhook_support import confirmed_hook, sender


@pytest.fixture
def receiver():
    found = Receiver()
    yield found
    found.stop()


@pytest.fixture
def site(make_site, standin_config, smtp):
    return make_site(
        None,
        STATUS_CONFIG=str(standin_config.path),
        SMTP_URL=smtp.url,
        MAIL_FROM=SENDER,
        SEND_IN_BACKGROUND=False,
        WEBHOOK_LOOPBACK=True,
        WEBHOOK_TIMEOUT_SECONDS=1,
    )


def updates(receiver, component):
    return [r.json for r in receiver.of("component_update") if r.json["component_update"]["component_id"] == component]


def test_a_change_of_the_checks_verdict_is_one_component_update_each_way(site, broker, receiver):
    rounds_until(site, "prod-oidc", State.OPERATIONAL)
    confirmed_hook(site, receiver, lang="sv")
    # What the checks say when the hooks start is where changes count from: nothing is sent for it.
    sender(site).once()
    assert receiver.of("component_update") == []
    broker.set_fault("discovery", "500")
    rounds_until(site, "prod-oidc", State.DOWN)
    sender(site).once()
    (down,) = updates(receiver, "prod-oidc")
    assert set(down) == {"meta", "page", "component_update", "component"}
    change = down["component_update"]
    assert (change["old_status"], change["new_status"]) == ("operational", "major_outage")
    assert change["component_id"] == "prod-oidc" and change["component_type"] == "Component"
    assert set(down["meta"]) == {"unsubscribe", "documentation", "generated_at"}
    api = site.test_client().get("/api/v2/components.json?lang=sv").get_json()["components"]
    shown = next(c for c in api if c["id"] == "prod-oidc")
    assert down["component"]["name"] == shown["name"] and down["component"]["status"] == "major_outage"
    assert down["page"]["status_indicator"] in ("major", "critical")
    assert "/sv/subscribe/webhook/" in down["meta"]["unsubscribe"]
    # While the verdict holds, nothing more.
    rounds_until(site, "prod-oidc", State.DOWN)
    sender(site).once()
    assert len(updates(receiver, "prod-oidc")) == 1
    broker.clear()
    rounds_until(site, "prod-oidc", State.OPERATIONAL)
    sender(site).once()
    sender(site).once()
    back = [u["component_update"] for u in updates(receiver, "prod-oidc")]
    assert [(u["old_status"], u["new_status"]) for u in back] == [
        ("operational", "major_outage"),
        ("major_outage", "operational"),
    ]
