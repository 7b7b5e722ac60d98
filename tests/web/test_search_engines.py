"""What Lighthouse's SEO audit checks, checked directly on the front page and a notice page in both languages
(Lighthouse 13 gave both 100 on this site; it is not run by the suite): a title and a meta description,
the page's language, absolute hreflang alternates naming every language and the page itself, no noindex,
a robots.txt that lets crawlers in, and links and images a crawler can read."""

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from ..helpers import CONFIG, LANGUAGES

PAGES = ["/{lang}/", "/{lang}/notices/2019-11-20-tunnistushairio/"]
# Lighthouse's list of link texts that say nothing (its link-text audit), in the site's languages too.
VAGUE = {"click here", "read more", "here", "more", "lue lisää", "tästä", "klikkaa tästä", "läs mer", "här"}


class Head(HTMLParser):
    def __init__(self):
        super().__init__()
        self.lang, self.title, self.meta, self.alternates, self.links, self.images = None, "", {}, {}, [], []
        self._in, self._link = None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang")
        elif tag == "title":
            self._in = "title"
        elif tag == "meta" and attrs.get("name"):
            self.meta[attrs["name"]] = attrs.get("content", "")
        elif tag == "link" and attrs.get("rel") == "alternate" and attrs.get("hreflang"):
            self.alternates[attrs["hreflang"]] = attrs["href"]
        elif tag == "a" and "href" in attrs:
            self._link = [attrs["href"], attrs.get("aria-label") or ""]
        elif tag == "img":
            self.images.append(attrs)

    def handle_endtag(self, tag):
        if tag == "title":
            self._in = None
        elif tag == "a" and self._link is not None:
            self.links.append((self._link[0], self._link[1].strip()))
            self._link = None

    def handle_data(self, data):
        if self._in == "title":
            self.title += data
        if self._link is not None:
            self._link[1] += data


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("page", PAGES)
def test_the_audited_items_hold(client, page, lang):
    path = page.format(lang=lang)
    response = client.get(path)
    assert response.status_code == 200
    head = Head()
    head.feed(response.get_data(as_text=True))
    assert head.lang == lang and head.title.strip()
    assert len(head.meta.get("description", "").strip()) > 50
    assert "width=device-width" in head.meta["viewport"]
    assert "noindex" not in head.meta.get("robots", "") and "noindex" not in response.headers.get("X-Robots-Tag", "")
    # hreflang: every language, the page itself among them, each an absolute address of this site.
    assert set(head.alternates) == set(LANGUAGES)
    assert head.alternates[lang] == CONFIG.base_url + path
    for href in head.alternates.values():
        assert urlsplit(href).scheme == "https" and href.startswith(CONFIG.base_url)
    for href, text in head.links:
        assert not href.lower().startswith("javascript:") and href.strip(), (href, text)
        assert text and text.lower() not in VAGUE, (href, text)
    assert all("alt" in image for image in head.images)


def test_robots_txt_lets_crawlers_in(client):
    body = client.get("/robots.txt").get_data(as_text=True)
    assert "User-agent: *" in body and "Disallow: /" not in [line.strip() for line in body.splitlines()]
