"""The Statuspage v2 public API, whole: every endpoint clients call, ids that never move, open to other origins."""

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from ..helpers import notices_folder, write_incident

ENDPOINTS = {
    "/api/v2/summary.json": "components",
    "/api/v2/status.json": "status",
    "/api/v2/components.json": "components",
    "/api/v2/incidents.json": "incidents",
    "/api/v2/incidents/unresolved.json": "incidents",
    "/api/v2/scheduled-maintenances.json": "scheduled_maintenances",
    "/api/v2/scheduled-maintenances/upcoming.json": "scheduled_maintenances",
    "/api/v2/scheduled-maintenances/active.json": "scheduled_maintenances",
}


@pytest.mark.parametrize("path, key", sorted(ENDPOINTS.items()))
def test_every_endpoint_clients_call_answers_with_the_page_and_its_list(client, path, key):
    response = client.get(path)
    assert response.status_code == 200 and response.is_json
    body = response.get_json()
    assert body["page"]["id"] == "mpassid" and key in body
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_the_lists_hold_what_their_names_say(client):
    unresolved = client.get("/api/v2/incidents/unresolved.json").get_json()["incidents"]
    every = client.get("/api/v2/incidents.json").get_json()["incidents"]
    assert {i["id"] for i in unresolved} < {i["id"] for i in every}
    assert all(i["resolved_at"] is None for i in unresolved)
    assert all(i["resolved_at"] for i in every if i["status"] == "resolved")


def test_update_ids_never_move_when_a_new_update_arrives(make_site):
    app = make_site(None)
    folder = notices_folder(app)
    start = datetime.now(UTC) - timedelta(hours=2)
    write_incident(folder, "2026-11-24-hairio", "incident", "down", "wilma", start)
    client = app.test_client()
    before = client.get("/api/v2/incidents.json").get_json()["incidents"][0]["incident_updates"]
    path = folder / "2026-11-24-hairio.md"
    stamp = (start + timedelta(hours=1)).astimezone(ZoneInfo("Europe/Helsinki")).strftime("%Y-%m-%d %H:%M")
    text = path.read_text(encoding="utf-8").replace(
        "updates:\n", f"updates:\n  - time: {stamp}\n    stage: monitoring\n    fi: Seuraamme.\n    sv: Vi följer.\n"
    )
    path.write_text(text, encoding="utf-8")
    incident = client.get("/api/v2/incidents.json").get_json()["incidents"][0]
    after = incident["incident_updates"]
    assert len(after) == len(before) + 1
    assert after[-1]["id"] == before[-1]["id"], "the older update kept its id"
    assert incident["monitoring_at"] is not None and incident["status"] == "monitoring"


def test_an_open_maintenance_has_its_planned_end_in_the_api_and_the_calendar(make_site):
    app = make_site(None)
    start = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(days=1)
    write_incident(notices_folder(app), "2026-11-25-huolto", "maintenance", "down", "test", start)
    client = app.test_client()
    (maintenance,) = client.get("/api/v2/scheduled-maintenances/upcoming.json").get_json()["scheduled_maintenances"]
    until = datetime.fromisoformat(maintenance["scheduled_until"])
    assert until - datetime.fromisoformat(maintenance["scheduled_for"]) == timedelta(hours=2)
    event = next(c for c in Calendar.from_ical(client.get("/fi/calendar.ics").data).walk("VEVENT"))
    assert event["DTEND"].dt - event["DTSTART"].dt == timedelta(hours=2)


def test_feeds_and_calendar_are_open_to_other_origins_but_pages_and_health_are_not(client):
    for path in ("/fi/feed.atom", "/sv/feed.rss", "/fi/calendar.ics"):
        assert client.get(path).headers.get("Access-Control-Allow-Origin") == "*", path
    for path in ("/fi/", "/readyz", "/healthz"):
        assert "Access-Control-Allow-Origin" not in client.get(path).headers, path


def test_robots_and_favicon_answer(client):
    robots = client.get("/robots.txt")
    assert robots.status_code == 200 and robots.mimetype == "text/plain" and "User-agent: *" in robots.text
    with client.get("/favicon.ico") as icon:
        assert icon.status_code == 200 and icon.mimetype in ("image/vnd.microsoft.icon", "image/x-icon")
        assert icon.data[:4] == b"\x00\x00\x01\x00"


def test_a_component_page_advertises_its_feeds_and_the_subscribe_page_links_them(client):
    page = client.get("/fi/components/wilma/").get_data(as_text=True)
    alternates = re.findall(
        r'<link rel="alternate" type="application/(?:atom|rss)\+xml" title="[^"]+" href="([^"]+)"', page
    )
    assert "/fi/feeds/component/wilma.atom" in alternates and "/fi/feeds/group/sources.rss" in alternates
    subscribe = client.get("/sv/subscribe/").get_data(as_text=True)
    assert re.search(r'<a class="feed-open" href="https://[^"]+/sv/feed\.atom">Öppna Atom-flödet', subscribe)
    assert re.search(r'href="webcal://[^"]+/sv/calendar\.ics">Prenumerera i din kalenderapp', subscribe)


@pytest.mark.parametrize(
    ("lang", "oidc", "test_oidc"),
    [
        ("fi", "OpenID Connect -rajapinta (tuotanto)", "OpenID Connect -rajapinta (testi)"),
        ("sv", "OpenID Connect-gränssnittet (produktion)", "OpenID Connect-gränssnittet (test)"),
    ],
)
def test_names_standing_alone_tell_production_from_test(client, lang, oidc, test_oidc):
    names = {c["id"]: c["name"] for c in client.get(f"/api/v2/components.json?lang={lang}").get_json()["components"]}
    assert (names["prod-oidc"], names["test-oidc"], names["wilma"]) == (oidc, test_oidc, "Wilma")
    feed = client.get(f"/{lang}/feeds/component/prod-oidc.atom").get_data(as_text=True)
    assert re.search(rf"<title>[^<]*{re.escape(oidc)} – ", feed), feed[:600]
