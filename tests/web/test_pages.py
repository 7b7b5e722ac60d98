"""Every page type renders in Finnish and Swedish, links resolve, and notices cannot inject script."""

import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlparse

import pytest

from ..helpers import CONFIG, LANGUAGES, VALID, notices_folder, write

PAGES = [
    "/{lang}/",
    "/{lang}/archive/",
    "/{lang}/archive/type/incident/",
    "/{lang}/archive/component/wilma/",
    "/{lang}/archive/year/2019/",
    "/{lang}/notices/2019-11-20-tunnistushairio/",
    "/{lang}/notices/2026-11-02-huoltokatko-tuotanto/",
    "/{lang}/about/",
]


class Links(HTMLParser):
    """Collects href and src attributes and the html lang of a page."""

    def __init__(self):
        super().__init__()
        self.links, self.lang = [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang")
        for name in ("href", "src"):
            if attrs.get(name):
                self.links.append(attrs[name])


def parse(html: str) -> Links:
    parser = Links()
    parser.feed(html)
    return parser


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("page", PAGES)
def test_page_renders_in_language(client, page, lang):
    response = client.get(page.format(lang=lang))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert parse(html).lang == lang
    other = "sv" if lang == "fi" else "fi"
    # hreflang names the same page in the other language, absolute (as search engines require).
    assert f'hreflang="{other}" href="{CONFIG.base_url}{page.format(lang=other)}"' in html
    assert html.count("<h1") == 1


def test_pages_speak_the_readers_language(client):
    fi = client.get("/fi/notices/2019-11-20-tunnistushairio/").get_data(as_text=True)
    sv = client.get("/sv/notices/2019-11-20-tunnistushairio/").get_data(as_text=True)
    assert "Häiriö MPASSid-tunnistuksessa" in fi and "Päivitykset" in fi and "Korjattu" in fi
    assert "Störning i MPASSid-identifieringen" in sv and "Uppdateringar" in sv and "Åtgärdat" in sv
    assert '<time datetime="2019-11-20T07:50+02:00">20.11.2019 klo 7.50</time>' in fi
    assert '<time datetime="2019-11-20T07:50+02:00">20.11.2019 kl. 7.50</time>' in sv
    assert "1 t 22 min" in fi and "1 h 22 min" in sv


def test_summer_time_carries_its_offset(make_site):
    app = make_site(None)
    write(notices_folder(app), VALID.replace("2024-02-01", "2024-07-01"), name="2024-07-01-kesa.md")
    html = app.test_client().get("/fi/notices/2024-07-01-kesa/").get_data(as_text=True)
    assert '<time datetime="2024-07-01T08:00+03:00">1.7.2024 klo 8.00</time>' in html


def test_front_page_orders_ongoing_planned_recent(client):
    html = client.get("/fi/").get_data(as_text=True)
    ongoing = html.index("Wilma-kirjautumisissa on häiriöitä")
    components = html.index('id="components-heading"')
    planned = html.index("Tuotantoympäristön huoltokatko")
    recent = html.index("Häiriö MPASSid-tunnistuksessa")
    assert ongoing < components < planned < recent
    # The staff notice on Wilma decides the headline: it names the login method, not "part of MPASSid".
    assert "Kirjautuminen Wilma-tunnuksilla epäonnistuu osalla käyttäjistä." in html


def test_pending_translation_is_marked(client):
    html = client.get("/sv/notices/2025-05-06-ruotsi-puuttuu/").get_data(as_text=True)
    assert '<h1 lang="fi">Testitunnuksia uusittu</h1>' in html
    assert "visas på finska" in html
    assert '<div class="pending" lang="fi">' in html


def test_notice_markup_cannot_inject_script(client):
    html = client.get("/fi/notices/2025-05-06-ruotsi-puuttuu/").get_data(as_text=True)
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert "javascript:" not in html.replace("[linkki](javascript:alert(1))", "")


def test_root_redirects_by_cookie_then_browser_language(client):
    assert client.get("/", headers={"Accept-Language": "sv-FI,sv;q=0.9"}).location == "/sv/"
    assert client.get("/", headers={"Accept-Language": "en-US"}).location == "/fi/"
    # Reading a Swedish page remembers nothing: a shared cache may keep every page.
    assert "Set-Cookie" not in client.get("/sv/about/").headers
    assert client.get("/", headers={"Accept-Language": "fi"}).location == "/fi/"
    # Picking Swedish with the switch remembers it, and the reader stays on the page they were on.
    chosen = client.get("/language/sv?next=/sv/about/")
    assert (chosen.status_code, chosen.location) == (303, "/sv/about/") and "lang=sv" in chosen.headers["Set-Cookie"]
    assert chosen.headers["Cache-Control"] == "no-store"
    root = client.get("/", headers={"Accept-Language": "fi"})
    assert root.location == "/sv/" and root.headers["Vary"] == "Cookie, Accept-Language"


@pytest.mark.parametrize(
    "target", ["//evil.example/", "https://evil.example/", "/fi/", "/sv/\\evil", "", "/sv/\r\nSet-Cookie: x=1"]
)
def test_the_language_switch_only_leads_to_this_sites_pages_in_that_language(client, target):
    assert client.get("/language/sv", query_string={"next": target}).location == "/sv/"


@pytest.mark.parametrize(
    ("url", "lang", "text"),
    [
        ("/fi/notices/ei-ole/", "fi", "Sivua ei löytynyt"),
        ("/sv/notices/finns-inte/", "sv", "Sidan hittades inte"),
        ("/fi/archive/type/outage/", "fi", "Sivua ei löytynyt"),
        ("/sv/archive/page/99/", "sv", "Sidan hittades inte"),
        ("/en/", "fi", "Sivua ei löytynyt"),
    ],
)
def test_not_found_pages_are_localized(client, url, lang, text):
    response = client.get(url)
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert parse(html).lang == lang and text in html


def test_archive_paginates_newest_first(make_site):
    client = make_site(NOTICES_PER_PAGE=2).test_client()
    first = client.get("/fi/archive/").get_data(as_text=True)
    second = client.get("/fi/archive/page/2/").get_data(as_text=True)
    titles = re.findall(r'<h3><a href="/fi/notices/([^/]+)/"', first + second)
    assert titles == [
        "2026-11-20-wilma-hairio-jatkuu",
        "2026-11-02-huoltokatko-tuotanto",
        "2025-05-06-ruotsi-puuttuu",
        "2019-11-20-tunnistushairio",
    ]
    assert 'href="/fi/archive/page/2/"' in first and 'rel="prev"' in second


@pytest.mark.parametrize("lang", LANGUAGES)
def test_crawl_every_internal_link_resolves(client, lang):
    seen, queue = set(), [f"/{lang}/"]
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        response.close()
        # The language switch remembers the choice and sends the reader on (303).
        assert response.status_code == (303 if url.startswith("/language/") else 200), url
        if response.mimetype != "text/html":
            continue
        for link in parse(response.get_data(as_text=True)).links:
            target = urlparse(urljoin(url, link))
            if target.scheme in ("", "http") and target.netloc in ("", "localhost"):
                queue.append(target.path)
    assert any("/notices/" in url for url in seen) and len(seen) > 20


@pytest.mark.parametrize(
    ("lang", "title"), [("fi", "Häiriö MPASSid-tunnistuksessa"), ("sv", "Störning i MPASSid-identifieringen")]
)
def test_lists_show_titles_in_the_page_language(client, lang, title):
    for page in (f"/{lang}/", f"/{lang}/archive/"):
        assert title in client.get(page).get_data(as_text=True)


@pytest.mark.parametrize(("lang", "text"), [("fi", "Sivuston toiminnassa tapahtui virhe"), ("sv", "Ett fel uppstod")])
def test_an_unexpected_error_gives_a_localized_500_page(app, lang, text):
    def broken():
        raise RuntimeError("a bug")

    app.add_url_rule(f"/{lang}/broken/", "broken", broken)
    response = app.test_client().get(f"/{lang}/broken/", headers={"Accept-Language": lang})
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert parse(html).lang == lang and text in html and "a bug" not in html
