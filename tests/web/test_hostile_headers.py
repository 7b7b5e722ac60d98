"""Header bytes no browser sends, on the wire to a real server (the WSGI environ a test client never builds):
undecodable cookies and Host headers that name no host, on cached and uncached paths and the error page."""

import pytest

from ..helpers import build_site, serve
from ..helpers import raw_exchange as exchange

BAD_COOKIE = b"Cookie: lang=\xff\r\n"
# What the operator saw break, and neighbours: an empty label, a label of 64 characters, no Host at
# all, an empty one, a port with a non-ASCII (UTF-8) name, and a plain host that is not ours.
HOSTS = {
    "empty label": b"Host: a..b\r\n",
    "64-character label": b"Host: " + b"a" * 64 + b".fi\r\n",
    "empty": b"Host: \r\n",
    "absent": b"",
    "unicode with port": b"Host: \xc3\xa4iti.fi:8080\r\n",
    "foreign": b"Host: evil.example\r\n",
}


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    with serve(build_site(tmp_path_factory.mktemp("site"))) as url:
        yield url


@pytest.mark.parametrize(("path", "lang"), [(b"/sv/", "sv"), (b"/fi/about/", "fi")])
def test_an_undecodable_cookie_on_a_cached_page_is_a_cookie_not_sent(tmp_path, path, lang):
    with serve(build_site(tmp_path)) as own:  # A site of its own: the first request must be a miss.
        first = exchange(own, path, b"Host: localhost\r\n" + BAD_COOKIE)
        second = exchange(own, path, b"Host: localhost\r\n" + BAD_COOKIE)
    assert (first[0], first[1]["x-cache"]) == (200, ["miss"])
    assert (second[0], second[1]["x-cache"]) == (200, ["hit"])
    assert first[2] == second[2]
    # A page sets no cookie: the undecodable one is simply not read.
    for _, fields, body in (first, second):
        assert "set-cookie" not in fields and f'<html lang="{lang}">' in body


def test_an_undecodable_cookie_on_uncached_paths_is_a_cookie_not_sent(base):
    status, fields, _ = exchange(base, b"/", b"Host: localhost\r\nAccept-Language: sv\r\n" + BAD_COOKIE)
    # The browser's language decides, as if there were no cookie.
    assert (status, fields["location"]) == (302, ["/sv/"])
    status, fields, body = exchange(base, b"/sv/notices/ei-ole/", b"Host: localhost\r\n" + BAD_COOKIE)
    assert status == 404 and "x-cache" not in fields and "Sidan hittades inte" in body
    status, _, body = exchange(base, b"/readyz", b"Host: localhost\r\n" + BAD_COOKIE)
    assert status in (200, 503) and body.startswith("{")


@pytest.mark.parametrize("host", HOSTS.values(), ids=HOSTS.keys())
def test_any_host_header_gets_the_site_and_its_own_error_page(base, host):
    status, fields, _ = exchange(base, b"/", host + b"Accept-Language: sv\r\n")
    assert (status, fields["location"]) == (302, ["/sv/"])
    # The error page itself, rendered in full: not the static fallback.
    status, _, body = exchange(base, b"/fi/notices/ei-ole/", host)
    assert status == 404 and "Sivua ei löytynyt" in body and 'href="/fi/archive/"' in body
    status, _, body = exchange(base, b"/sv/components/prod-oidc/", host)
    assert status == 200 and "<h1" in body


@pytest.mark.parametrize("host", HOSTS.values(), ids=HOSTS.keys())
def test_a_redirect_never_names_the_host_a_client_sent(base, host):
    # Werkzeug builds the missing slash's redirect from the Host header; the answer carries a path only.
    for path, target in ((b"/fi/archive", "/fi/archive/"), (b"/sv/about?x=1", "/sv/about/?x=1")):
        status, fields, _ = exchange(base, path, host)
        assert (status, fields["location"]) == (308, [target])


@pytest.mark.parametrize("host", HOSTS.values(), ids=HOSTS.keys())
def test_feeds_and_the_api_link_to_the_configured_address_whatever_the_host(base, host):
    status, _, body = exchange(base, b"/sv/feed.atom", host)
    assert status == 200 and 'href="https://status.mpass.example.fi/sv/' in body
    assert "evil.example" not in body and "a..b" not in body
    status, _, body = exchange(base, b"/api/v2/summary.json", host)
    assert status == 200 and '"url":"https://status.mpass.example.fi"' in body.replace(" ", "")
