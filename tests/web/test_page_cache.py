"""Pages are rendered once and served from memory until notices, status or time make them stale."""

import os
from datetime import UTC, datetime

import pytest

from mpass_status import runtime

from ..helpers import notices_folder


def test_second_request_is_served_from_the_cache_with_an_etag(client):
    first = client.get("/fi/")
    second = client.get("/fi/")
    assert first.headers["X-Cache"] == "miss" and second.headers["X-Cache"] == "hit"
    assert first.get_data() == second.get_data()
    assert second.headers["Content-Security-Policy"] and second.headers["Content-Type"].startswith("text/html")
    again = client.get("/fi/", headers={"If-None-Match": second.headers["ETag"]})
    assert again.status_code == 304


def test_a_changed_notice_is_seen_at_once(app, client):
    folder = notices_folder(app)
    assert "Wilma-kirjautumisissa on häiriöitä" in client.get("/fi/").get_data(as_text=True)
    path = folder / "2026-11-20-wilma-hairio-jatkuu.md"
    path.write_text(path.read_text().replace("on häiriöitä", "on katkoksia"))
    later = path.stat().st_mtime_ns + 5 * 10**9
    os.utime(path, ns=(later, later))
    response = client.get("/fi/")
    assert response.headers["X-Cache"] == "miss"
    assert "Wilma-kirjautumisissa on katkoksia" in response.get_data(as_text=True)


def test_a_new_probe_round_renders_again(app, client):
    assert client.get("/sv/").headers["X-Cache"] == "miss"
    assert client.get("/sv/").headers["X-Cache"] == "hit"
    moment = datetime.now(UTC)
    runtime.results(app).insert_round([], moment, moment)
    assert client.get("/sv/").headers["X-Cache"] == "miss"


def test_no_page_sets_a_cookie_cached_or_not(client):
    # A shared cache keeps only answers without Set-Cookie; the choice is made with the switch alone.
    for path in ("/sv/about/", "/sv/about/", "/fi/", "/fi/feed.atom", "/api/v2/summary.json"):
        assert "Set-Cookie" not in client.get(path).headers, path
    assert client.get("/sv/about/").headers["X-Cache"] == "hit"


def test_errors_and_other_paths_are_not_cached(client):
    assert "X-Cache" not in client.get("/fi/notices/ei-ole/").headers
    redirect = client.get("/")
    assert redirect.status_code == 302 and "X-Cache" not in redirect.headers


def test_cached_pages_expire_when_a_notice_starts_or_ends(app):
    notices, freshness = runtime.notices(app), runtime.state(app).freshness
    start = datetime.fromisoformat("2099-03-14T18:00:00+02:00").timestamp()
    end = datetime.fromisoformat("2099-03-14T20:00:00+02:00").timestamp()
    assert freshness.next_boundary(notices, start - 60) == start
    assert freshness.next_boundary(notices, start) == end
    assert freshness.next_boundary(notices, end) == float("inf")


@pytest.mark.parametrize("path", ["/fi/", "/sv/feed.atom", "/fi/calendar.ics", "/api/v2/status.json"])
def test_a_burst_of_busting_queries_is_answered_from_one_entry(app, client, path):
    cache = runtime.state(app).page_cache
    assert client.get(path).headers["X-Cache"] == "miss"
    entries = len(cache)
    for n in range(30):
        for query in (f"bust={n}", f"lang=x{n}" if path.startswith("/api/") else f"lang=sv&n={n}"):
            response = client.get(f"{path}?{query}")
            assert (response.status_code, response.headers["X-Cache"]) == (200, "hit"), query
    assert client.head(f"{path}?bust=head").headers["X-Cache"] == "hit"
    assert len(cache) == entries


def test_the_api_answers_in_the_language_of_the_first_lang_it_is_given(client):
    def name(query):
        return client.get("/api/v2/summary.json" + query).get_json()["page"]["name"]

    finnish, swedish = name(""), name("?lang=sv")
    # Each order is its own answer, from the cache or not: never the other reader's.
    assert name("?lang=sv&lang=fi") == swedish and name("?lang=fi&lang=sv") == finnish
    assert name("?lang=fi&lang=sv") == finnish and name("?bust=1&lang=sv&lang=fi") == swedish
    assert name("?lang=xx&lang=sv") == finnish and name("?LANG=sv") == finnish


def test_an_overlong_query_is_refused_on_a_cached_page_too(client):
    assert client.get("/sv/").headers["X-Cache"] == "miss"
    assert client.get("/sv/").headers["X-Cache"] == "hit"
    response = client.get("/sv/?q=" + "a" * 2000)
    assert response.status_code == 400 and "X-Cache" not in response.headers
    assert "Begäran kunde inte behandlas" in response.get_data(as_text=True)
