"""The whole path through the site: stand-in fault -> probe round -> SQLite -> status -> JSON endpoints."""

from datetime import UTC, datetime, timedelta

import pytest

from mpass_status import runtime
from mpass_status.checks.runner import run_round

from ..helpers import notices_folder, write_incident

STATUSES = {"operational", "degraded_performance", "partial_outage", "major_outage", "under_maintenance"}


def _round(app):
    return run_round(runtime.config(app), runtime.results(app))


@pytest.fixture
def site(standin_site):
    return standin_site


def _components(client):
    body = client.get("/api/v2/summary.json").get_json()
    return body, {c["id"]: c for c in body["components"]}


def test_readyz_says_why_until_a_prober_runs_and_its_round_lands(site):
    client = site.test_client()
    assert client.get("/healthz").get_json() == {"status": "ok"}
    answer = client.get("/readyz")
    ready = answer.get_json()
    assert answer.status_code == 503 and ready["database"]["ok"] and ready["notices"]["ok"]
    assert ready["reasons"] == ["no prober is running for this results database", "no probe round has been stored yet"]
    assert ready["probe"] == {"running": False, "last_round": None, "age_seconds": None, "fresh": False, "vantages": {}}
    lock = runtime.results(site).prober_lock()
    assert lock.acquire()
    try:
        _round(site)
        answer = client.get("/readyz")
        probe = answer.get_json()["probe"]
        assert answer.status_code == 200 and probe["running"] and probe["fresh"] and 0 <= probe["age_seconds"] < 5
    finally:
        lock.release()
    answer = client.get("/readyz")
    assert answer.status_code == 503 and answer.get_json()["reasons"] == [
        "no prober is running for this results database"
    ]


def test_before_any_round_nothing_is_green(site):
    body, components = _components(site.test_client())
    assert {c["mpass_state"] for c in components.values() if not c["group"]} == {"unknown"}
    assert "operational" not in {c["status"] for c in components.values()}
    assert body["status"] == {
        "indicator": "minor",
        "description": "Status unknown: some components have no check results yet",
        "mpass_state": "unknown",
        "mpass_cause": "no_results",
        "mpass_checks_available": True,
    }


def test_fault_shows_in_summary_after_thresholds_and_recovery_turns_it_back(site, broker):
    client = site.test_client()
    _round(site)
    body, components = _components(client)
    assert (body["status"]["indicator"], body["status"]["description"]) == ("none", "All Systems Operational")
    assert set(body) == {"page", "components", "incidents", "scheduled_maintenances", "status"}
    assert set(body["page"]) == {"id", "name", "url", "time_zone", "updated_at", "mpass_made_at", "mpass_trusted_until"}
    assert body["page"]["time_zone"] == "Europe/Helsinki"
    assert {c["status"] for c in components.values()} <= STATUSES
    broker.set_fault("discovery", "wrong_issuer")
    seen = []
    for _ in range(3):
        _round(site)
        seen.append(_components(client)[1]["prod-oidc"]["status"])
    assert seen == ["degraded_performance", "degraded_performance", "major_outage"]
    body, components = _components(client)
    # The reason, a fixed phrase in the ?lang language, has a field of its own: the broker's issuer is not published.
    assert components["prod-oidc"]["mpass_reason"] == f"asetustiedoissa on muu myöntäjä (issuer) kuin {broker.issuer}"
    swedish = client.get("/api/v2/summary.json?lang=sv").get_json()["components"]
    oidc = next(c for c in swedish if c["id"] == "prod-oidc")
    assert oidc["mpass_reason"] == f"konfigurationen anger en annan utfärdare (issuer) än {broker.issuer}"
    # The description is what the component is, the same whatever its state, and when it was added.
    assert oidc["description"].startswith("Produktionsmiljöns OpenID Connect-gränssnitt")
    assert components["prod-oidc"]["description"].startswith("Tuotantoympäristön OpenID Connect -rajapinta")
    assert oidc["created_at"] == "2026-11-23T00:00:00.000+02:00"
    assert components["production"]["created_at"] == "2026-11-23T00:00:00.000+02:00"
    # A login method's check sees only that MPASSid offers it, and says so.
    wilma = next(c for c in swedish if c["id"] == "wilma")["description"]
    assert wilma == (
        "Inloggning med skolans Wilma-användarkoder. Kontrollen ser bara att MPASSid erbjuder inloggningssättet,"
        " inte om inloggningen med det lyckas."
    )
    assert components["production"]["group"] and components["production"]["status"] == "major_outage"
    assert components["test-oidc"]["status"] == "operational"
    assert client.get("/api/v2/status.json").get_json()["status"]["indicator"] == "critical"
    broker.clear()
    _round(site)
    _round(site)
    assert _components(client)[1]["prod-oidc"]["status"] == "operational"


def test_a_check_that_sees_a_component_degraded_lists_a_minor_incident_until_it_recovers(site, broker):
    client = site.test_client()
    _round(site)
    broker.set_fault("discovery", "wrong_issuer")
    _round(site)
    body, components = _components(client)
    assert (components["prod-oidc"]["mpass_state"], components["prod-oidc"]["mpass_source"]) == ("degraded", "checks")
    [incident] = body["incidents"]
    assert (incident["mpass_source"], incident["impact"], incident["status"]) == ("checks", "minor", "investigating")
    assert [c["id"] for c in incident["components"]] == ["prod-oidc"]
    broker.clear()
    _round(site)
    assert _components(client)[0]["incidents"] == []


def test_staff_notices_win_and_appear_as_incidents_and_maintenances(site, broker):
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    write_incident(notices_folder(site), "2026-01-01-wilma", "incident", "disrupted", "wilma", now - timedelta(hours=1))
    write_incident(
        notices_folder(site),
        "2026-01-02-huolto",
        "maintenance",
        "down",
        "test-saml",
        now - timedelta(minutes=30),
        now + timedelta(hours=1),
    )
    _round(site)
    body, components = _components(site.test_client())
    assert (components["wilma"]["status"], components["wilma"]["mpass_source"]) == ("partial_outage", "staff")
    assert components["test-saml"]["status"] == "under_maintenance"
    assert components["adfs"]["mpass_source"] == "checks"
    [incident] = body["incidents"]
    assert (incident["id"], incident["impact"], incident["status"]) == ("2026-01-01-wilma", "minor", "investigating")
    assert incident["shortlink"].endswith("/fi/notices/2026-01-01-wilma/")
    assert [c["id"] for c in incident["components"]] == ["wilma"]
    [maintenance] = body["scheduled_maintenances"]
    assert (maintenance["status"], maintenance["impact"]) == ("in_progress", "maintenance")
    assert maintenance["scheduled_until"] is not None
    assert body["status"]["indicator"] == "minor"


def test_a_hung_broker_never_slows_the_summary(site, broker):
    _round(site)
    broker.set_fault("discovery", "hang")
    client = site.test_client()
    started = datetime.now(UTC)
    response = client.get("/api/v2/summary.json")
    assert response.status_code == 200
    assert datetime.now(UTC) - started < timedelta(seconds=1)


def test_a_new_round_changes_the_page_cache_version(site):
    freshness = runtime.state(site).freshness
    before = freshness.probe_round()
    _round(site)
    after = freshness.probe_round()
    assert before == "None" and after != before
    assert datetime.fromisoformat(after).tzinfo is not None


def test_the_status_version_is_read_from_the_database_at_most_once_a_period(make_site, standin_config):
    app = make_site(None, STATUS_CONFIG=str(standin_config.path), STATUS_VERSION_SECONDS=3600)
    freshness = runtime.state(app).freshness
    before = freshness.probe_round()
    _round(app)
    # Within the period the page cache keeps its version: requests do not query SQLite each time.
    assert freshness.probe_round() == before


def test_a_check_found_outage_stays_in_incidents_json_resolved_with_its_updates(site, broker, make_site, tmp_path):
    client = site.test_client()
    _round(site)
    broker.set_fault("discovery", "500")
    for _ in range(3):
        _round(site)
        client.get("/api/v2/summary.json")
    (found,) = client.get("/api/v2/incidents/unresolved.json").get_json()["incidents"]
    assert found["mpass_source"] == "checks" and found["status"] == "investigating"
    broker.clear()
    for _ in range(3):
        _round(site)
    assert client.get("/api/v2/incidents/unresolved.json").get_json()["incidents"] == []
    every = client.get("/api/v2/incidents.json?lang=sv").get_json()["incidents"]
    resolved = next(i for i in every if i["id"] == found["id"])
    assert (resolved["status"], resolved["name"]) == ("resolved", "De automatiska kontrollerna upptäckte ett fel")
    assert resolved["resolved_at"] and resolved["started_at"] == found["started_at"]
    detected, ended = reversed(resolved["incident_updates"])
    assert (detected["status"], ended["status"]) == ("investigating", "resolved")
    assert detected["created_at"] == found["started_at"] and ended["created_at"] == resolved["resolved_at"]
    assert ended["body"] == "De automatiska kontrollerna upptäcker inte längre något fel."
    assert {c["id"] for c in resolved["components"]} == {c["id"] for c in found["components"]}
    # Another worker on the same results database lists it the same.
    again = make_site(
        None, STATUS_CONFIG=str(runtime.settings(site).status_config), DATABASE=runtime.settings(site).database
    )
    listed = again.test_client().get("/api/v2/incidents.json?lang=sv").get_json()["incidents"]
    assert [i for i in listed if i["id"] == found["id"]] == [resolved]
