"""Hostile notices and requests are rendered harmless or refused, never a 500 or an open redirect."""

from urllib.parse import urlparse

import pytest
from jinja2 import DictLoader

from ..helpers import VALID, active_markup, notices_folder, write

HOSTILE_BODY = """
<!-- fi -->
<script>alert("body")</script>
<img src=x onerror=alert(1)>
<a href="javascript:alert(1)" onclick="alert(2)">linkki</a>
[markdown-linkki](javascript:alert(3))
[data](data:text/html;base64,PHNjcmlwdD4=)
<iframe src="https://evil.example"></iframe>
<style>body{display:none}</style>

<!-- sv -->
Text med <b onmouseover="alert(4)">fetstil</b>.
"""


def _site_with(make_site, text):
    """Returns a test client of a site whose only notice is text."""
    app = make_site(None)
    write(notices_folder(app), text)
    return app.test_client()


def test_hostile_markup_in_a_notice_is_shown_as_text(make_site):
    client = _site_with(
        make_site, VALID.replace("fi: Häiriö", 'fi: "<img src=x onerror=alert(5)>Häiriö"') + HOSTILE_BODY
    )
    for lang, visible in (("fi", "linkki"), ("sv", "fetstil")):
        html = client.get(f"/{lang}/notices/2024-02-01-hairio/").get_data(as_text=True)
        assert active_markup(html) == [], lang
        assert visible in html
    fi = client.get("/fi/notices/2024-02-01-hairio/").get_data(as_text=True)
    assert '&lt;script&gt;alert("body")&lt;/script&gt;' in fi
    front = client.get("/fi/").get_data(as_text=True)
    assert "&lt;img src=x onerror=alert(5)&gt;Häiriö" in front


def test_a_deeply_nested_list_is_refused_and_the_site_goes_on(make_site):
    nested = "\n".join("  " * depth + "- taso" for depth in range(300))
    client = _site_with(make_site, VALID + "<!-- fi -->\n" + nested + "\n<!-- sv -->\nText.\n")
    # The nesting limit stops the file before markdown sees it: no page, and nothing else is hurt.
    assert client.get("/fi/notices/2024-02-01-hairio/").status_code == 404
    assert client.get("/fi/").status_code == 200 and client.get("/healthz").status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/fi/notices/..%2F..%2Fapp.py/",
        "/fi/notices/../../app.py",
        "/fi/notices/%2e%2e/",
        "/fi/notices/2019-11-20-tunnistushairio%00/",
        "/en/",
        "/FI/",
        "/fi-FI/archive/",
        "/fi/archive/page/0/",
        "/fi/archive/page/-1/",
        "/fi/archive/page/99999999999999999999999/",
        "/fi/archive/year/20x9/",
        "/fi/archive/year/0/",
        "/fi/archive/component/../../",
        "/static/../app.py",
        "/static/%2e%2e/app.py",
    ],
)
def test_hostile_paths_get_a_localized_not_found(client, url):
    response = client.get(url)
    assert response.status_code in (404, 308), url
    if response.status_code == 404:
        assert "Sivua ei löytynyt" in response.get_data(as_text=True)


def test_overlong_query_string_is_a_bad_request(client):
    response = client.get("/sv/?q=" + "a" * 10000)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert '<html lang="sv">' in html and "Begäran kunde inte behandlas" in html


@pytest.mark.parametrize(
    "header",
    [
        "../../etc/passwd",
        "sv;q=abc, fi;q=",
        "*;q=1, sv;q=2",
        "x" * 5000,
        "sv-FI;q=0.9," * 500,
        "\u00e4\u00f6;q=1",
    ],
)
def test_crafted_accept_language_never_breaks(client, header):
    response = client.get("/", headers={"Accept-Language": header})
    assert response.status_code == 302
    assert response.location in ("/fi/", "/sv/")


@pytest.mark.parametrize(
    "url",
    [
        "/?next=https://evil.example/",
        "/?redirect=//evil.example",
        "//evil.example/",
        "//evil.example/fi",
        "/fi/archive?next=https://evil.example",
        "/\\evil.example/fi",
    ],
)
def test_no_open_redirect(client, url):
    path, _, query = url.partition("?")
    # The raw request target, as a real server would pass it: the host stays ours.
    response = client.get("/", environ_overrides={"PATH_INFO": path, "QUERY_STRING": query})
    location = urlparse(response.headers.get("Location", ""))
    assert location.netloc in ("", "localhost")
    assert not location.path.startswith(("//", "/\\"))
    assert response.status_code in (302, 308, 404)


def test_bad_cookie_value_is_ignored(client):
    client.set_cookie("lang", "../../etc")
    assert client.get("/", headers={"Accept-Language": "sv"}).location == "/sv/"


def test_security_headers_on_every_response(client):
    for url in ("/fi/", "/sv/notices/2019-11-20-tunnistushairio/", "/nope", "/static/site.css"):
        response = client.get(url)
        response.close()
        csp = response.headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp and "http" not in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"]
        assert "Strict-Transport-Security" not in response.headers
    secure = client.get("/fi/", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")


def test_a_wrong_method_gets_the_error_page_with_the_allowed_methods(client):
    response = client.post("/sv/about/")
    assert response.status_code == 405 and set(response.headers["Allow"].split(", ")) >= {"GET", "HEAD"}
    assert '<html lang="sv">' in response.get_data(as_text=True)


@pytest.mark.parametrize(("method", "url", "status"), [("GET", "/fi/ei-ole/", 404), ("POST", "/fi/", 405)])
def test_the_static_error_page_keeps_the_status_and_headers(make_site, method, url, status):
    app = make_site()
    # A deployment whose templates went missing: the error page cannot be rendered either.
    app.jinja_env.loader = DictLoader({})
    app.jinja_env.cache = {}
    response = app.test_client().open(url, method=method)
    assert response.status_code == status and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert "Sivua ei voitu näyttää" in html and "Sidan kunde inte visas" in html
    assert ("Allow" in response.headers) == (status == 405)
    assert response.headers["Content-Security-Policy"]
