"""A Statuspage client nobody on the project wrote reads the status API as the page reads itself, in every state."""

import importlib
import json
import re
import urllib.request

import pytest

from mpass_status import runtime
from mpass_status.checks.runner import run_round
from mpass_status.standin.config import write_standin_config

from ..helpers import FIXTURE_NOTICES, ROOT, build_site, serve

STATES = ROOT / "tests" / "fixtures" / "states"
# state: (notices folder, production broker faults, probe rounds, the indicator Statuspage's rules give)
CASES = {
    "all-operational": (STATES / "all-well", (), 3, "none"),
    "unknown": (STATES / "unknown", (), 0, "minor"),
    # Staff report Wilma disrupted: a login method, not production.
    "incident": (FIXTURE_NOTICES, (), 3, "minor"),
    # The checks find production refusing logins.
    "major-outage": (STATES / "all-well", (("discovery", "500"), ("metadata", "500")), 3, "critical"),
    # A maintenance break of the test environment is under way; logging in to services works.
    "maintenance": (STATES / "maintenance", (), 3, "minor"),
}


def state_site(tmp_path, state, broker, test_broker, references):
    """Builds the site in a state of CASES against the stand-ins and runs its probe rounds; returns it."""
    notices, faults, rounds, _ = CASES[state]
    config = write_standin_config(
        tmp_path / "site.toml", broker, test_broker, timeout=2, interval=60, references=references
    )
    app = build_site(tmp_path / "site", notices, STATUS_CONFIG=str(config))
    for target, fault in faults:
        broker.set_fault(target, fault)
    for _ in range(rounds):
        run_round(runtime.config(app), runtime.results(app))
    return app


@pytest.fixture
def exporter(tmp_path, monkeypatch):
    """statuspage-prometheus-exporter's own checker (from PyPI), configured as its users configure it."""
    (tmp_path / "services.json").write_text(json.dumps({}))
    monkeypatch.setenv("SERVICES_JSON_PATH", str(tmp_path / "services.json"))
    monkeypatch.chdir(tmp_path)  # its cache folder is ./cache
    return importlib.import_module("statuspage_prometheus_exporter.service_checker")


@pytest.mark.parametrize("state", CASES)
def test_the_exporter_agrees_with_the_page(tmp_path, broker, test_broker, references, exporter, state):
    indicator = CASES[state][3]
    app = state_site(tmp_path, state, broker, test_broker, references)
    client = app.test_client()
    page = client.get("/fi/").get_data(as_text=True)
    summary = client.get("/api/v2/summary.json").get_json()
    assert summary["status"]["indicator"] == indicator
    with serve(app) as base:
        seen = exporter.check_status_page_service("mpassid", {"url": f"{base}/api/v2/summary.json", "name": "MPASSid"})
    assert seen["success"], seen
    # Its severity comes from the unresolved incidents (a check-found outage is one); without any, it reads
    # non-operational components as a minor outage, as it does for every Statuspage page under maintenance.
    if summary["incidents"]:
        assert seen["raw_status"] == indicator
    else:
        operational = all(c["status"] == "operational" for c in summary["components"])
        assert seen["raw_status"] == ("none" if operational else "minor")
    # The exporter's one figure: 1 only when the page itself says all is well.
    page_state = re.search(r'class="overall state-(\w+)"', page).group(1)
    assert seen["status"] == (1 if page_state == "operational" else 0), (page_state, seen)
    # Its gauge per component: operational exactly where the page's component is.
    states = {c["name"]: c["status"] == "operational" for c in summary["components"] if not c.get("group")}
    gauges = {c["name"]: c["status_value"] == 1 for c in seen["component_metadata"]}
    assert {name: gauges[name] for name in states} == states
    # The incidents and maintenance breaks it reports are the page's own.
    assert {i["id"] for i in seen["incident_metadata"]} == {i["id"] for i in summary["incidents"]}
    # It counts every maintenance not completed, the upcoming ones too, as the summary lists them.
    assert {m["id"] for m in seen["maintenance_metadata"]} == {m["id"] for m in summary["scheduled_maintenances"]}
    if state == "major-outage":
        (found,) = summary["incidents"]
        assert found["impact"] == "critical" and found["mpass_source"] == "checks"
        assert {c["id"] for c in found["components"]} == {"prod-oidc", "prod-saml"}


def test_the_exporter_and_a_reader_of_incidents_json_see_a_check_found_outage_resolved(
    tmp_path, broker, test_broker, references, exporter
):
    app = state_site(tmp_path, "major-outage", broker, test_broker, references)
    client = app.test_client()
    (found,) = client.get("/api/v2/summary.json").get_json()["incidents"]
    broker.clear()
    for _ in range(3):
        run_round(runtime.config(app), runtime.results(app))
    with serve(app) as base:
        seen = exporter.check_status_page_service("mpassid", {"url": f"{base}/api/v2/summary.json", "name": "MPASSid"})
        with urllib.request.urlopen(f"{base}/api/v2/incidents.json", timeout=10) as answer:  # loopback only
            every = json.load(answer)["incidents"]
    # Over for the exporter, which reads only what is unresolved ...
    assert seen["success"] and seen["status"] == 1 and seen["incident_metadata"] == []
    # ... and kept, resolved, for a client that reads every incident.
    resolved = next(i for i in every if i["id"] == found["id"])
    assert resolved["status"] == "resolved" and resolved["impact"] == "critical"
    assert [u["status"] for u in resolved["incident_updates"]] == ["resolved", "investigating"]
