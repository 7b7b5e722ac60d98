"""Requests no browser sends, on the wire to a real server: undecodable cookies, broken Host headers,
cache-busting queries. Each gets a calm answer, never a 500."""

import pytest
from jinja2 import DictLoader

from ..helpers import build_site, raw_exchange, serve

# Each path's one right answer, status and Location, whatever the Host header or the cookie say. Locations are
# relative, so a forged Host is never sent back.
ANSWERS = {
    # The front page in the reader's language: Accept-Language, here none, so Finnish.
    b"/": (302, "/fi/"),
    b"/fi/": (200, None),
    b"/sv/": (200, None),
    b"/fi/components/prod-oidc/": (200, None),
    b"/fi/feed.atom": (200, None),
    b"/api/v2/summary.json": (200, None),
    # Read as a language prefix without its slash: the router adds the slash (308 keeps the method) ...
    b"/nope": (308, "/nope/"),
    # ... and the prefix is no language of the site.
    b"/nope/": (404, None),
}


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    with serve(build_site(tmp_path_factory.mktemp("site"))) as url:
        yield url


@pytest.mark.parametrize("path", ANSWERS)
def test_an_undecodable_language_cookie_is_ignored_cached_or_not(base, path):
    status, location = ANSWERS[path]
    if path == b"/":
        location = "/sv/"  # the cookie is ignored, Accept-Language is not
    for attempt in ("first", "again"):
        got, headers, _ = raw_exchange(
            base, path, b"Host: status.example\r\nCookie: lang=\xff\xfe\r\nAccept-Language: sv\r\n"
        )
        assert (got, headers.get("location", [None])[0]) == (status, location), (path, attempt)
    if status == 200:
        # The second request of a page is answered from the cache, the cookie ignored there too.
        assert headers["x-cache"] == ["hit"], path
    status, headers, _ = raw_exchange(
        base, b"/", b"Host: status.example\r\nCookie: lang=\xff\r\nAccept-Language: sv\r\n"
    )
    assert (status, headers["location"]) == (302, ["/sv/"])


@pytest.mark.parametrize(
    "host",
    [b"a..b", b"a" * 64 + b".fi", b"", b"\xc3\xa4.fi:80", b"[::1", b"status.example:99999", b"-x-.fi", b"."],
    ids=["empty label", "64-character label", "empty", "non-ascii", "open bracket", "bad port", "hyphens", "dot"],
)
@pytest.mark.parametrize("path", ANSWERS)
def test_any_host_header_is_served_under_the_configured_address(base, host, path):
    status, headers, body = raw_exchange(base, path, b"Host: " + host + b"\r\n")
    assert (status, headers.get("location", [None])[0]) == ANSWERS[path], (host, path)
    if path == b"/fi/feed.atom":
        # Absolute links come from the configured base URL, never from the header.
        assert 'href="https://status.mpass.example.fi/fi/' in body


def test_the_error_page_answers_even_when_it_cannot_be_rendered(make_site):
    app = make_site()
    # A deployment whose templates went missing: every page fails, and so would the error page.
    app.jinja_env.loader = DictLoader({})
    app.jinja_env.cache = {}
    response = app.test_client().get("/fi/")
    assert response.status_code == 500
    text = response.get_data(as_text=True)
    assert "Sivua ei voitu näyttää" in text and "Sidan kunde inte visas" in text


def test_cache_busting_queries_neither_render_nor_grow_the_cache(client):
    assert client.get("/sv/feed.atom").headers["X-Cache"] == "miss"
    # Every query is answered from the one entry: a query in the key would render and keep a page each.
    for n in range(50):
        response = client.get(f"/sv/feed.atom?bust={n}")
        assert response.status_code == 200 and response.headers["X-Cache"] == "hit"
    # The status API's documented ?lang= still selects its own entry.
    fi = client.get("/api/v2/summary.json").get_json()["page"]["name"]
    sv = client.get("/api/v2/summary.json?lang=sv&bust=1").get_json()["page"]["name"]
    assert fi != sv and client.get("/api/v2/summary.json?bust=2&lang=sv").headers["X-Cache"] == "hit"
