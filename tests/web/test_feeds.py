"""The RSS and Atom feeds parse, speak their language, keep their ids and tell readers of every update."""

from datetime import UTC, datetime

import feedparser
import pytest

from mpass_status import runtime
from mpass_status.web.feeds.catalog import feed_specs

from ..helpers import LANGUAGES, build_site, edit, moved_config, notices_folder

BASE = "https://status.mpass.example.fi"
FORMATS = ("rss", "atom")
WILMA = "2026-11-20-wilma-hairio-jatkuu.md"
NEW_UPDATE = """updates:
  - time: 2026-11-20 09:05
    stage: monitoring
    fi: Korjaus on asennettu, ja seuraamme tilannetta.
    sv: Rättelsen är installerad och vi följer läget.
"""

GOOGLE = """---
id: 2026-11-23-google-hairio
type: incident
severity: disrupted
affected: [google]
start: 2026-11-23 08:00
title:
  fi: Google-kirjautumisessa on häiriö
  sv: Störning i Google-inloggningen
summary:
  fi: Osa Google-tunnuksista ei toimi.
  sv: En del Google-konton fungerar inte.
updates:
  - time: 2026-11-23 08:00
    stage: investigating
    fi: Selvitämme.
    sv: Vi utreder.
---
"""


def feed_path(lang: str, fmt: str, facet: str | None = None, value: str | None = None) -> str:
    return f"/{lang}/feed.{fmt}" if facet is None else f"/{lang}/feeds/{facet}/{value}.{fmt}"


def read(client, path: str):
    """Fetches a feed and parses it as a feed reader does."""
    response = client.get(path)
    assert response.status_code == 200, path
    parsed = feedparser.parse(response.get_data())
    assert not parsed.bozo, f"{path}: {parsed.get('bozo_exception')}"
    return parsed


def local(url: str) -> str:
    """Turns an absolute URL of the configured site into a path for the test client (no fragment)."""
    assert url.startswith(BASE + "/"), url
    return url[len(BASE) :].partition("#")[0]


def test_every_feed_parses_in_its_language(app, client):
    specs = feed_specs(runtime.config(app))
    assert {s.facet for s in specs} == {None, "type", "group", "component"}
    for lang in LANGUAGES:
        for fmt in FORMATS:
            for spec in specs:
                path = feed_path(lang, fmt, spec.facet, spec.value)
                parsed = read(client, path)
                assert parsed.version == ("rss20" if fmt == "rss" else "atom10"), path
                assert parsed.feed.language == lang, path
                self_links = [link.href for link in parsed.feed.links if link.rel == "self"]
                assert [local(href) for href in self_links] == [path]


@pytest.mark.parametrize("fmt", FORMATS)
def test_all_notices_newest_first_one_entry_per_update(client, fmt):
    parsed = read(client, feed_path("fi", fmt))
    titles = [entry.title for entry in parsed.entries]
    assert titles == [
        "Wilma-kirjautumisissa on häiriöitä – Syy löydetty",
        "Wilma-kirjautumisissa on häiriöitä – Selvitetään",
        "Tuotantoympäristön huoltokatko – Suunniteltu",
        "Testitunnuksia uusittu",
        "Häiriö MPASSid-tunnistuksessa – Korjattu",
        "Häiriö MPASSid-tunnistuksessa – Selvitetään",
    ]
    times = [entry.published_parsed for entry in parsed.entries]
    assert times == sorted(times, reverse=True)
    assert len({entry.id for entry in parsed.entries}) == len(parsed.entries)
    first = parsed.entries[0]
    assert first.id == (
        "tag:status.mpassid.oph.fi,2026:fi/notice/2026-11-20-wilma-hairio-jatkuu/update/20261120T061000Z"
    )
    content = first.content[0].value
    assert content.index("Vika on Wilman tunnistuksessa") < content.index("Selvitämme Wilma-kirjautumisten")
    assert "Aiemmat päivitykset" in content and "Koskee: Wilma" in content
    # An update before the last stage tells its own news, never a summary written later.
    assert first.summary == "Vika on Wilman tunnistuksessa, ja korjaus on työn alla."
    assert [tag.term for tag in first.tags] == ["Häiriö", "Wilma"]


def test_swedish_feed_speaks_swedish(client):
    parsed = read(client, feed_path("sv", "atom", "type", "incident"))
    assert parsed.feed.title == "Störningar – MPASSid-tjänstens driftläge"
    assert parsed.entries[0].title == "Störningar i inloggningen via Wilma – Orsaken har hittats"
    assert "Gäller: Wilma" in parsed.entries[0].content[0].value
    assert "20.11.2026 kl. 8.10" in parsed.entries[0].content[0].value
    assert [tag.term for tag in parsed.entries[0].tags] == ["Störning", "Wilma"]


@pytest.mark.parametrize(
    ("facet", "value", "slugs"),
    [
        ("type", "incident", ["2026-11-20-wilma-hairio-jatkuu"] * 2 + ["2019-11-20-tunnistushairio"] * 2),
        ("type", "maintenance", ["2026-11-02-huoltokatko-tuotanto"]),
        ("type", "change", []),
        ("component", "wilma", ["2026-11-20-wilma-hairio-jatkuu"] * 2),
        ("component", "prod-saml", ["2026-11-02-huoltokatko-tuotanto"] + ["2019-11-20-tunnistushairio"] * 2),
        ("group", "test", ["2025-05-06-ruotsi-puuttuu"]),
        ("component", "google", []),
    ],
)
def test_type_component_and_group_feeds_select_their_notices(client, facet, value, slugs):
    parsed = read(client, feed_path("fi", "rss", facet, value))
    assert [local(entry.link).split("/")[3] for entry in parsed.entries] == slugs


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("fmt", FORMATS)
def test_links_are_absolute_and_resolve(client, lang, fmt):
    for path in (feed_path(lang, fmt), feed_path(lang, fmt, "component", "prod-oidc")):
        parsed = read(client, path)
        links = [parsed.feed.link] + [link.href for link in parsed.feed.links]
        links += [entry.link for entry in parsed.entries]
        for url in links:
            response = client.get(local(url))
            assert response.status_code == 200, url
            response.close()
    assert local(read(client, feed_path(lang, fmt, "type", "incident")).feed.link) == f"/{lang}/archive/type/incident/"


def test_ids_survive_rerender_title_edit_rename_and_move(tmp_path):
    app = build_site(tmp_path)
    folder = notices_folder(app)
    before = read(app.test_client(), "/fi/feed.atom")
    ids = [entry.id for entry in before.entries]
    # Rendering again (another worker, a restart) gives the same bytes.
    again = build_site(tmp_path)
    assert again.test_client().get("/fi/feed.atom").data == app.test_client().get("/fi/feed.atom").data

    edit(folder / WILMA, "fi: Wilma-kirjautumisissa on häiriöitä", "fi: Wilma-kirjautuminen ei toimi kaikilla")
    # A notice with an id keeps it when its file is renamed.
    (folder / "2026-11-02-huoltokatko-tuotanto.md").rename(folder / "2026-11-02-tuotannon-huoltokatko.md")
    edited = read(app.test_client(), "/fi/feed.atom")
    assert [entry.id for entry in edited.entries] == ids
    assert edited.entries[0].title == "Wilma-kirjautuminen ei toimi kaikilla – Syy löydetty"
    assert "/fi/notices/2026-11-02-tuotannon-huoltokatko/" in {local(e.link) for e in edited.entries}

    moved = build_site(tmp_path, STATUS_CONFIG=str(moved_config(tmp_path, "https://tilanne.mpass.example.org")))
    elsewhere = feedparser.parse(moved.test_client().get("/fi/feed.atom").data)
    assert [entry.id for entry in elsewhere.entries] == ids
    assert all(entry.link.startswith("https://tilanne.mpass.example.org/fi/") for entry in elsewhere.entries)


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_added_update_reaches_readers_as_a_new_entry(tmp_path, fmt):
    app = build_site(tmp_path)
    folder = notices_folder(app)
    client = app.test_client()
    seen = {entry.id for entry in read(client, feed_path("fi", fmt)).entries}
    before = datetime.now(UTC).replace(microsecond=0)

    edit(folder / WILMA, "updates:\n", NEW_UPDATE)
    parsed = read(client, feed_path("fi", fmt))
    new = [entry for entry in parsed.entries if entry.id not in seen]
    # The reader sees exactly one new item, on top, and everything it had is unchanged in id.
    assert [entry.title for entry in new] == ["Wilma-kirjautumisissa on häiriöitä – Seurataan"]
    assert parsed.entries[0].id == new[0].id
    assert seen <= {entry.id for entry in parsed.entries}
    # It states the update's own time in its text, and is dated when the site first saw it (outside git).
    assert "Korjaus on asennettu, ja seuraamme tilannetta." in new[0].content[0].value
    assert "20.11.2026 klo 9.05" in new[0].content[0].value
    assert datetime(*new[0].published_parsed[:6], tzinfo=UTC) >= before
    if fmt == "atom":
        assert parsed.feed.updated_parsed == new[0].updated_parsed


def test_pending_translation_shows_the_other_language_marked(client):
    sv = read(client, feed_path("sv", "atom"))
    entry = next(e for e in sv.entries if "ruotsi-puuttuu" in e.link)
    assert entry.title == "Testitunnuksia uusittu (översättning pågår)"
    assert entry.summary == "Testiympäristön testitunnukset on uusittu."
    assert 'lang="fi"' in entry.content[0].value and "visas på finska" in entry.content[0].value
    fi = read(client, feed_path("fi", "atom"))
    assert "Testitunnuksia uusittu" in [e.title for e in fi.entries]


@pytest.mark.parametrize("fmt", FORMATS)
def test_notice_markup_stays_text_in_feeds(client, fmt):
    response = client.get(feed_path("fi", fmt))
    parsed = feedparser.parse(response.data)
    entry = next(e for e in parsed.entries if "ruotsi-puuttuu" in e.link)
    raw = response.get_data(as_text=True)
    assert "<script>alert" not in raw and "&lt;script&gt;" in entry.content[0].value
    assert "javascript:alert(1))" in entry.content[0].value and 'href="javascript' not in raw


def test_a_broken_notice_never_breaks_a_feed(tmp_path):
    app = build_site(tmp_path)
    folder = notices_folder(app)
    client = app.test_client()
    count = len(read(client, "/fi/feed.rss").entries)
    (folder / "2026-11-21-rikki.md").write_text("---\ntype: incident\ntitle: [\n---\n", encoding="utf-8")
    (folder / "2026-11-22-ei-tyyppia.md").write_text("---\ntitle:\n  fi: Puuttuu\n---\n", encoding="utf-8")
    assert len(read(client, "/fi/feed.rss").entries) == count
    assert len(read(client, "/sv/feeds/type/incident.atom").entries) == 4
    problems = runtime.notices(app).problems
    assert {p.path.split("/")[-1] for p in problems if not p.warning} >= {"2026-11-21-rikki.md"}


def test_feed_keeps_the_newest_fifty(tmp_path):
    app = build_site(tmp_path)
    folder = notices_folder(app)
    for number in range(60):
        day = f"2024-{1 + number // 28:02d}-{1 + number % 28:02d}"
        (folder / f"{day}-ilmoitus-{number}.md").write_text(
            f"---\ntype: announcement\nstart: {day}\ntitle:\n  fi: Ilmoitus {number}\n  sv: Meddelande {number}\n"
            f"summary:\n  fi: Asia {number}.\n  sv: Sak {number}.\n---\n",
            encoding="utf-8",
        )
    parsed = read(app.test_client(), "/fi/feeds/type/announcement.rss")
    # The fixture announcement of 2025 is the newest; then the 49 newest of 2024.
    expected = ["Testitunnuksia uusittu"] + [f"Ilmoitus {n}" for n in range(59, 10, -1)]
    assert [entry.title for entry in parsed.entries] == expected


def test_conditional_get_with_etag_and_last_modified(client):
    first = client.get("/fi/feed.atom")
    assert first.headers["Cache-Control"] == "public, max-age=300"
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert etag and modified and "Set-Cookie" not in first.headers
    again = client.get("/fi/feed.atom", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == etag
    since = client.get("/fi/feed.atom", headers={"If-Modified-Since": modified})
    assert since.status_code == 304
    # Each language and format is its own document.
    assert client.get("/sv/feed.atom", headers={"If-None-Match": etag}).status_code == 200
    assert client.get("/fi/feed.rss", headers={"If-None-Match": etag}).status_code == 200
    assert client.head("/fi/feed.atom", headers={"If-None-Match": etag}).status_code == 304


def test_a_new_notice_changes_the_etag_of_the_feeds_it_is_in(tmp_path):
    app = build_site(tmp_path)
    folder = notices_folder(app)
    client = app.test_client()
    all_etag = client.get("/fi/feed.rss").headers["ETag"]
    wilma_etag = client.get("/fi/feeds/component/wilma.rss").headers["ETag"]
    (folder / "2026-11-23-google-hairio.md").write_text(GOOGLE, encoding="utf-8")
    changed = client.get("/fi/feed.rss", headers={"If-None-Match": all_etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != all_etag
    assert feedparser.parse(changed.data).entries[0].title == "Google-kirjautumisessa on häiriö – Selvitetään"
    # A feed the new notice is not in still answers 304: its readers have nothing new to fetch.
    assert client.get("/fi/feeds/component/wilma.rss", headers={"If-None-Match": wilma_etag}).status_code == 304


@pytest.mark.parametrize(
    "path",
    [
        "/en/feed.rss",
        "/fi/feed.xml",
        "/fi/feeds/type/outage.rss",
        "/fi/feeds/component/moodle.atom",
        "/fi/feeds/x/y.rss",
    ],
)
def test_unknown_feeds_are_not_found(client, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize(
    ("page", "feeds"),
    [
        ("/fi/", ["/fi/feed.rss", "/fi/feed.atom"]),
        ("/sv/about/", ["/sv/feed.rss", "/sv/feed.atom"]),
        ("/fi/notices/2019-11-20-tunnistushairio/", ["/fi/feed.rss", "/fi/feed.atom"]),
        ("/fi/archive/type/incident/", ["/fi/feed.rss", "/fi/feed.atom", "/fi/feeds/type/incident.rss"]),
        ("/sv/archive/component/wilma/", ["/sv/feeds/component/wilma.rss", "/sv/feeds/component/wilma.atom"]),
        ("/fi/archive/component/production/", ["/fi/feeds/group/production.atom"]),
        ("/fi/archive/year/2019/", ["/fi/feed.rss"]),
    ],
)
def test_pages_announce_their_feeds(client, page, feeds):
    html = client.get(page).get_data(as_text=True)
    for path in feeds:
        kind = "application/rss+xml" if path.endswith(".rss") else "application/atom+xml"
        assert f'<link rel="alternate" type="{kind}"' in html and f'href="{path}"' in html, path
        assert client.get(path).status_code == 200
    if "year" in page:
        assert "/feeds/" not in html


def test_an_update_entry_links_to_that_update_on_the_notice_page(client):
    feed = feedparser.parse(client.get("/sv/feeds/component/wilma.atom").data)
    linked = [e.link for e in feed.entries if "#update-" in e.link]
    assert linked, "every incident update links to its place on the page"
    for link in linked:
        path, _, anchor = link[len(BASE) :].partition("#")
        assert f'id="{anchor}"' in client.get(path).get_data(as_text=True)
