"""Pages are rendered once and served from memory until notices, status or time make them stale."""

import os
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from flask import request

from mpass_status import runtime
from mpass_status.web.freshness import Freshness

from ..helpers import notices_folder, serve, wait_for


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


class Gate:
    """Holds the render of one path inside Flask until opened, and counts the renders of that path."""

    def __init__(self, app, path: str):
        self.path, self.renders, self.held = path, 0, 0
        self.hold, self.fail = False, False
        self.entered, self.opened = threading.Event(), threading.Event()
        app.before_request(self._before)

    def _before(self):
        if request.path != self.path:
            return
        self.renders += 1
        if self.hold and self.held == 0:
            self.held += 1
            self.entered.set()
            self.opened.wait(30)
            if self.fail:
                raise RuntimeError("a render that fails")

    def close(self):
        """Holds the next render of the path until open() (any later render of it runs freely)."""
        self.hold, self.held = True, 0
        self.entered.clear()
        self.opened.clear()

    def open(self):
        self.opened.set()


def fetch(url: str, headers: dict | None = None) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=30) as response:
            return response.status, response.headers.get("X-Cache"), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("X-Cache"), error.read()


def make_stale(app):
    moment = datetime.now(UTC)
    runtime.results(app).insert_round([], moment, moment)


def test_one_request_renders_a_stale_page_while_the_others_get_the_stale_copy(make_site):
    app = make_site()
    gate = Gate(app, "/fi/")
    with serve(app) as base, ThreadPoolExecutor(17) as pool:
        status, cache, kept = fetch(base + "/fi/")
        assert (status, cache, gate.renders) == (200, "miss", 1)
        make_stale(app)
        gate.close()
        renewing = pool.submit(fetch, base + "/fi/")
        assert gate.entered.wait(30)
        # Sixteen readers at once while the renewal is held inside Flask: none waits for it, none renders.
        answers = list(pool.map(fetch, [base + "/fi/"] * 16))
        assert answers == [(200, "stale", kept)] * 16 and gate.renders == 2
        gate.open()
        status, cache, body = renewing.result(30)
        assert (status, cache) == (200, "miss") and body != kept
        assert fetch(base + "/fi/") == (200, "hit", body) and gate.renders == 2


def test_a_failing_render_keeps_the_stale_copy_for_the_others(make_site):
    app = make_site()
    gate = Gate(app, "/sv/")
    with serve(app) as base, ThreadPoolExecutor(9) as pool:
        kept = fetch(base + "/sv/")[2]
        make_stale(app)
        for fails in (True, False):
            gate.fail = fails
            gate.close()
            renewing = pool.submit(fetch, base + "/sv/")
            assert gate.entered.wait(30)
            assert list(pool.map(fetch, [base + "/sv/"] * 8)) == [(200, "stale", kept)] * 8
            gate.open()
            assert renewing.result(30)[:2] == ((500, None) if fails else (200, "miss"))
        assert fetch(base + "/sv/")[1] == "hit" and gate.renders == 3


def test_a_stale_copy_is_not_sent_beyond_its_bound(make_site):
    app = make_site()
    runtime.state(app).page_cache.stale_seconds = 0.5
    gate = Gate(app, "/fi/archive/")
    with serve(app) as base, ThreadPoolExecutor(2) as pool:
        fetch(base + "/fi/archive/")
        make_stale(app)
        gate.close()
        renewing = pool.submit(fetch, base + "/fi/archive/")
        assert gate.entered.wait(30)
        started = time.monotonic()
        seen = []
        # While the renewal hangs, readers get the stale copy for half a second, then render for themselves.
        assert wait_for(lambda: seen.append(fetch(base + "/fi/archive/")[1]) or seen[-1] == "miss", step=0.05)
        assert time.monotonic() - started >= 0.5 and set(seen[:-1]) <= {"stale"} and gate.renders == 3
        gate.open()
        assert renewing.result(30)[:2] == (200, "miss")


def test_the_newest_round_is_read_by_one_thread_while_the_others_take_the_last_reading(app):
    results, entered, opened = runtime.results(app), threading.Event(), threading.Event()
    readings = []

    def newest_round():
        readings.append(threading.current_thread().name)
        if len(readings) == 2:
            entered.set()
            opened.wait(30)
        return results.last_round_time()

    freshness = Freshness(lambda: "notices", newest_round, every=0)
    first = freshness.probe_round()
    make_stale(app)
    with ThreadPoolExecutor(1) as pool:
        reading = pool.submit(freshness.probe_round)
        assert entered.wait(30)
        # The database is being asked: the others answer with the last reading, without asking it again.
        assert [freshness.probe_round() for _ in range(5)] == [first] * 5 and len(readings) == 2
        opened.set()
        assert reading.result(30) != first
    assert freshness.probe_round() == reading.result() and len(readings) == 3


def test_a_value_kept_per_second_is_computed_by_one_thread(app):
    memo, computed = runtime.state(app).memo, []
    second = datetime(2026, 12, 5, 12, 0, 0, tzinfo=UTC)
    later = second + timedelta(seconds=1)

    def compute(value, hold: tuple[threading.Event, threading.Event] | None = None):
        def run():
            computed.append(value)
            if hold:
                entered, opened = hold
                entered.set()
                opened.wait(30)
            return value

        return run

    assert memo.get("test", second, compute("first"), "x") == "first"
    with ThreadPoolExecutor(2) as pool:
        held = threading.Event(), threading.Event()
        renewing = pool.submit(memo.get, "test", later, compute("second", hold=held), "x")
        assert held[0].wait(30)
        # Another thread computes: where only the second turned, the previous second's value is given at once.
        assert memo.get("test", later, compute("again"), "x") == "first"
        held[1].set()
        assert renewing.result(30) == "second"

        # Where there is no value to give yet (here a key not computed before), the one being computed is waited
        # for rather than computed twice.
        held = threading.Event(), threading.Event()
        first_of_y = pool.submit(memo.get, "test", later, compute("third", hold=held), "y")
        assert held[0].wait(30)
        waiting = pool.submit(memo.get, "test", later, compute("twice"), "y")
        assert not wait_for(waiting.done, timeout=0.3)
        held[1].set()
        assert first_of_y.result(30) == waiting.result(30) == "third"
    # One value is kept per key: computing "y" (the other language's answer, say) did not evict "x".
    assert memo.get("test", later, compute("evicted"), "x") == "second"
    assert computed == ["first", "second", "third"]


def test_a_request_does_not_wait_while_another_checks_the_notices_folder(app):
    store = runtime.state(app).notices
    loaded = store.current()
    with store._lock, ThreadPoolExecutor(1) as pool:
        # The folder is being checked (the lock is held): another thread goes on with the loaded notices.
        assert pool.submit(store.current).result(30) is loaded
