"""The subscribe page lists every feed and the calendar with addresses to copy, in both languages."""

from html.parser import HTMLParser

import pytest

from mpass_status import runtime
from mpass_status.web.feeds.catalog import feed_specs

from ..helpers import LANGUAGES

BASE = "https://status.mpass.example.fi"


class Fields(HTMLParser):
    """Collects the read-only inputs of a page and the labels that name them."""

    def __init__(self):
        super().__init__()
        self.inputs, self.labels = {}, set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input":
            assert "readonly" in attrs
            self.inputs[attrs["id"]] = attrs["value"]
        if tag == "label":
            self.labels.add(attrs["for"])


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_feed_and_the_calendar_can_be_copied(app, client, lang):
    response = client.get(f"/{lang}/subscribe/")
    assert response.status_code == 200
    fields = Fields()
    fields.feed(response.get_data(as_text=True))
    assert set(fields.inputs) == fields.labels
    urls = set(fields.inputs.values())
    expected = {f"{BASE}/{lang}/calendar.ics"}
    for spec in feed_specs(runtime.config(app)):
        for fmt in ("rss", "atom"):
            path = f"/{lang}/feed.{fmt}" if spec.facet is None else f"/{lang}/feeds/{spec.key}.{fmt}"
            expected.add(BASE + path)
    assert urls == expected
    for url in urls:
        answer = client.get(url[len(BASE) :])
        assert answer.status_code == 200, url
        assert answer.mimetype in ("application/rss+xml", "application/atom+xml", "text/calendar")


@pytest.mark.parametrize(
    ("lang", "texts"),
    [
        (
            "fi",
            ["Tilaa tiedotteet", "Huoltokalenteri", "Lisää tilattu kalenteri", "URL-osoitteesta", "Teams-kanavalle"],
        ),
        (
            "sv",
            ["Prenumerera på meddelanden", "Underhållskalender", "Lägg till prenumererad kalender", "Från webbadress"],
        ),
    ],
)
def test_the_page_explains_in_the_readers_language(client, lang, texts):
    html = client.get(f"/{lang}/subscribe/").get_data(as_text=True)
    for text in texts:
        assert text in html
    other = "sv" if lang == "fi" else "fi"
    assert f'hreflang="{other}" href="{runtime.config(client.application).base_url}/{other}/subscribe/"' in html
    assert 'aria-current="page">' + ("Tilaa" if lang == "fi" else "Prenumerera") in html


@pytest.mark.parametrize(
    "page", ["/fi/", "/fi/archive/", "/fi/notices/2019-11-20-tunnistushairio/", "/fi/about/", "/fi/no-such-page/"]
)
def test_every_page_links_to_the_subscribe_page(client, page):
    assert 'href="/fi/subscribe/"' in client.get(page).get_data(as_text=True)


def test_neither_the_page_nor_the_feeds_set_a_cookie(client):
    for path in ("/fi/feed.rss", "/fi/calendar.ics", "/sv/subscribe/"):
        assert "Set-Cookie" not in client.get(path).headers, path
