"""What a shared cache (a CDN, nginx proxy_cache) is told: how long each kind may be kept, never a cookie."""

import re
import urllib.request

import pytest

from mpass_status.web.cache_policy import POLICIES

from ..helpers import serve

LIVE = ["/fi/", "/sv/components/prod-oidc/", "/api/v2/summary.json", "/api/v2/status.json?lang=sv"]
LASTING = [
    "/fi/notices/2019-11-20-tunnistushairio/",
    "/sv/archive/",
    "/fi/about/",
    "/sv/accessibility/",
    "/fi/subscribe/",
]


@pytest.mark.parametrize(("path", "kind"), [(p, "live") for p in LIVE] + [(p, "lasting") for p in LASTING])
def test_each_kind_says_how_long_and_how_stale_it_may_be_kept(client, path, kind):
    for _ in range(2):  # rendered, then from the site's own cache
        response = client.get(path)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == POLICIES[kind], path
        assert "Set-Cookie" not in response.headers


def test_feeds_health_and_the_root_redirect(client):
    assert client.get("/fi/feed.atom").headers["Cache-Control"] == "public, max-age=300"
    assert client.get("/sv/calendar.ics").headers["Cache-Control"] == "public, max-age=300"
    for path in ("/healthz", "/readyz"):
        assert client.get(path).headers["Cache-Control"] == "no-store", path
    root = client.get("/", headers={"Accept-Language": "sv"})
    assert root.location == "/sv/" and root.headers["Vary"] == "Cookie, Accept-Language"
    # A page that is not found is not kept as if it were the page.
    assert "max-age" not in client.get("/fi/notices/ei-ole/").headers.get("Cache-Control", "")


def test_static_files_are_fingerprinted_and_kept_for_good(client):
    html = client.get("/fi/").get_data(as_text=True)
    stylesheet = re.search(r'href="(/static/site\.([0-9a-f]{10})\.css)"', html)
    assert stylesheet, "the stylesheet is linked by its fingerprinted name"
    with client.get(stylesheet.group(1)) as fingerprinted, client.get("/static/site.css") as plain:
        assert fingerprinted.status_code == plain.status_code == 200 and fingerprinted.data == plain.data
        assert fingerprinted.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert plain.headers["Cache-Control"] == "no-cache"
    # Another fingerprint is not this file: it is not served as if it were.
    assert client.get("/static/site.0000000000.css").status_code == 404


@pytest.mark.parametrize("path", ["/fi/", "/sv/feed.atom", "/api/v2/status.json", "/fi/calendar.ics", "/healthz"])
def test_a_real_server_sends_one_date_rendered_or_kept(app, path):
    # `make run`'s server (werkzeug) adds its own Date, as gunicorn does: the app must not add a second.
    with serve(app) as base:
        for _ in range(2):  # rendered, then from the site's own cache
            with urllib.request.urlopen(base + path, timeout=10) as response:
                assert len(response.headers.get_all("Date")) == 1, (path, response.headers.get("X-Cache"))
