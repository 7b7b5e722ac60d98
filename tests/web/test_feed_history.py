"""Feeds and calendars follow the record of news: every change is news when it is published, in an entry of its
own, and no other entry's bytes move; every clone and worker agrees."""

import os
import shutil
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import feedparser
import pytest
from icalendar import Calendar
from lxml import etree

from app import create_app

from ..helpers import (
    FIXTURE_NOTICES,
    ROOT,
    build_site,
    commit_notices,
    edit,
    git,
    moved_config,
    notices_folder,
    serve,
)

MAINTENANCE = "2026-11-02-huoltokatko-tuotanto.md"
WILMA = "2026-11-20-wilma-hairio-jatkuu.md"
HELSINKI = ZoneInfo("Europe/Helsinki")
ATOM = "{http://www.w3.org/2005/Atom}"
FEEDS = ("/fi/feed.rss", "/sv/feed.rss", "/fi/feed.atom", "/sv/feed.atom")

# Published after the Wilma notice, yet every time it states is earlier than the Wilma notice's newest update.
EARLIER = """---
id: 2026-11-20-google-hairio
type: incident
severity: disrupted
affected: [google]
start: 2026-11-20 07:20
title:
  fi: Google-kirjautumisessa on häiriö
  sv: Störning i Google-inloggningen
summary:
  fi: Osa Google-tunnuksista ei toimi.
  sv: En del Google-konton fungerar inte.
updates:
  - time: 2026-11-20 07:25
    stage: investigating
    fi: Selvitämme Google-häiriötä.
    sv: Vi utreder Google-störningen.
---
"""
RESOLVED = """updates:
  - time: 2026-11-20 10:00
    stage: resolved
    fi: Korjaus toimii. Häiriö on ohi.
    sv: Rättelsen fungerar. Störningen är över.
"""


def entries(client, lang="fi"):
    parsed = feedparser.parse(client.get(f"/{lang}/feed.atom").data)
    return {entry.id: entry for entry in parsed.entries}, parsed


def entry_bytes(body: bytes) -> dict[str, bytes]:
    """Returns each entry's (RSS item's) own bytes, by its id (guid)."""
    root = etree.fromstring(body)
    if root.tag == f"{ATOM}feed":
        return {e.findtext(f"{ATOM}id"): etree.tostring(e) for e in root.iter(f"{ATOM}entry")}
    return {item.findtext("guid"): etree.tostring(item) for item in root.iter("item")}


def published_site(tmp_path):
    app = build_site(tmp_path)
    commit_notices(notices_folder(app), "Published", when="2026-12-10T10:00:00+02:00")
    return app


def poll(url: str, since: str | None = None):
    """GETs url as a poller that sends only If-Modified-Since; returns (status, headers, body)."""
    request = urllib.request.Request(url, headers={"If-Modified-Since": since} if since else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # loopback only
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as answer:
        return answer.code, answer.headers, b""


def stamp(entry) -> datetime:
    return datetime(*entry.updated_parsed[:6], tzinfo=UTC)


def test_a_new_incident_with_earlier_stated_times_reaches_a_poller_that_sends_only_if_modified_since(tmp_path):
    app = published_site(tmp_path)
    folder = notices_folder(app)
    with serve(app) as base:
        before = {path: poll(base + path) for path in FEEDS}
        for path, (status, headers, _) in before.items():
            assert status == 200 and poll(base + path, headers["Last-Modified"])[0] == 304, path

        (folder / "2026-11-20-google-hairio.md").write_text(EARLIER, encoding="utf-8")
        commit_notices(folder, "Google incident", when="2026-12-10T11:00:00+02:00")
        for path, (_, headers, body) in before.items():
            status, now_headers, now_body = poll(base + path, headers["Last-Modified"])
            assert status == 200, path
            assert now_headers["Last-Modified"] == "Thu, 10 Dec 2026 09:00:00 GMT", path
            old, new = entry_bytes(body), entry_bytes(now_body)
            added = set(new) - set(old)
            assert len(added) == 1 and "2026-11-20-google-hairio/update/20261120T052500Z" in added.pop(), path
            # Publishing one notice changes no other entry's bytes.
            assert {k: v for k, v in new.items() if k in old} == old, path
    parsed = feedparser.parse(now_body)
    newest = parsed.entries[0]
    assert newest.title == "Störning i Google-inloggningen – Utreds"
    # Dated when it was published; the time it states is in its text.
    assert stamp(newest) >= datetime(2026, 12, 10, 9, tzinfo=UTC) and "20.11.2026 kl. 7.25" in newest.content[0].value


def test_a_cancellation_is_an_entry_of_its_own_and_raises_the_calendars_sequence(tmp_path):
    app = published_site(tmp_path)
    folder = notices_folder(app)
    client = app.test_client()
    feeds = {path: client.get(path).data for path in FEEDS}
    (event,) = Calendar.from_ical(client.get("/fi/calendar.ics").data).walk("VEVENT")

    # The guide's way of cancelling a break that lies in the future: cancelled: true, committed.
    edit(folder / MAINTENANCE, "end: 2099-03-14 20:00\n", "end: 2099-03-14 20:00\ncancelled: true\n")
    commit_notices(folder, "Cancel the break", when="2026-12-12T14:05:00+02:00")
    for path, body in feeds.items():
        old, new = entry_bytes(body), entry_bytes(client.get(path).data)
        (added,) = set(new) - set(old)
        assert added.endswith("/notice/fixture-maintenance-2099/cancelled"), path
        assert {k: v for k, v in new.items() if k in old} == old, path
    found, parsed = entries(client)
    cancelled = parsed.entries[0]
    assert cancelled.title == "Peruttu: Tuotantoympäristön huoltokatko"
    assert (
        stamp(cancelled)
        == datetime(2026, 12, 12, 12, 5, tzinfo=UTC)
        == datetime(*parsed.feed.updated_parsed[:6], tzinfo=UTC)
    )
    assert entries(client, "sv")[1].entries[0].title == "Inställt: Underhållsavbrott i produktionsmiljön"

    (after,) = Calendar.from_ical(client.get("/fi/calendar.ics").data).walk("VEVENT")
    assert str(after["UID"]) == str(event["UID"]) and str(after["STATUS"]) == "CANCELLED"
    assert int(after["SEQUENCE"]) > int(event["SEQUENCE"])
    assert after.decoded("DTSTAMP") == after.decoded("LAST-MODIFIED") == datetime(2026, 12, 12, 12, 5, tzinfo=UTC)


def test_a_correction_renews_the_notices_newest_entry_and_says_when(tmp_path):
    app = published_site(tmp_path)
    folder = notices_folder(app)
    client = app.test_client()
    before = entry_bytes(client.get("/sv/feed.atom").data)
    slug = "2019-11-20-tunnistushairio"
    edit(folder / f"{slug}.md", "sv: Störning i MPASSid-identifieringen", "sv: Störning i identifieringen")
    commit_notices(folder, "Correct the Swedish title", when="2026-12-13T09:00:00+02:00")
    after = entry_bytes(client.get("/sv/feed.atom").data)
    assert set(after) == set(before)
    changed = {k for k in after if after[k] != before[k]}
    assert changed and all(f"/notice/{slug}/" in k for k in changed)
    found, _ = entries(client, "sv")
    newest = max((e for k, e in found.items() if slug in k), key=stamp)
    assert newest.id.endswith("/update/20191120T071200Z") and stamp(newest) == datetime(2026, 12, 13, 7, tzinfo=UTC)
    assert "Uppdaterad 13.12.2026 kl. 9.00" in newest.content[0].value


def test_each_entry_tells_its_own_stage_and_a_resolution_is_news(tmp_path):
    app = published_site(tmp_path)
    folder = notices_folder(app)
    client = app.test_client()
    before = entry_bytes(client.get("/fi/feed.atom").data)
    edit(folder / WILMA, "end:\n", "end: 2026-11-20 10:00\n")
    edit(folder / WILMA, "fi: Osa Wilma-tunnuksilla kirjautuvista ei pääse palveluihin.", "fi: Häiriö on ohi.")
    edit(folder / WILMA, "updates:\n", RESOLVED)
    commit_notices(folder, "Resolved", when="2026-12-10T12:00:00+02:00")
    after = entry_bytes(client.get("/fi/feed.atom").data)
    # The earlier stages' entries are as they were: they never announce the end.
    assert {k: v for k, v in after.items() if k in before} == before
    found, parsed = entries(client)
    resolved, identified, investigating = (e for e in parsed.entries if "wilma" in e.id)
    assert resolved.title.endswith("Korjattu") and "Häiriö on ohi." in resolved.content[0].value
    assert "20.11.2026 klo 10.00" in resolved.content[0].value
    for earlier in (identified, investigating):
        assert "Häiriö on ohi." not in earlier.content[0].value and "klo 10.00" not in earlier.content[0].value
    assert investigating.summary == "Selvitämme Wilma-kirjautumisten häiriötä."


def clone_site(tmp_path, name: str, source):
    clone = tmp_path / name
    git(tmp_path, "clone", "-q", str(source), str(clone))
    return create_app(
        {
            "TESTING": True,
            "NOTICES_DIR": str(clone / "notices"),
            "DATABASE": str(tmp_path / f"{name}.sqlite3"),
            "NOTICE_CHECK_SECONDS": 0,
            "STATUS_VERSION_SECONDS": 0,
        }
    )


ADDRESSES = ["/fi/feed.atom", "/sv/feed.rss", "/fi/feeds/type/maintenance.atom", "/fi/calendar.ics", "/sv/calendar.ics"]


def test_two_fresh_clones_serve_the_same_bytes_and_validators(tmp_path):
    source = tmp_path / "source"
    shutil.copytree(FIXTURE_NOTICES, source / "notices")
    commit_notices(source / "notices", "Fixture notices", when="2026-12-10T10:00:00+02:00")
    edit(source / "notices" / MAINTENANCE, "end: 2099-03-14 20:00\n", "end: 2099-03-14 20:00\ncancelled: true\n")
    commit_notices(source / "notices", "Cancel", when="2026-12-12T10:00:00+02:00")
    first = clone_site(tmp_path, "first", source)
    second = clone_site(tmp_path, "second", source)
    # Cloned on two machines at other times: the files' mtimes differ by two hours and must not matter.
    for clone, shift in (("first", -3600), ("second", 3600)):
        for path in (tmp_path / clone / "notices").iterdir():
            os.utime(path, (time.time() + shift, time.time() + shift))
    for address in ADDRESSES:
        one, other = first.test_client().get(address), second.test_client().get(address)
        assert one.status_code == 200 and one.data == other.data, address
        assert one.headers["ETag"] == other.headers["ETag"], address
        assert one.headers["Last-Modified"] == other.headers["Last-Modified"], address
        # A poller that sends only If-Modified-Since gets 304 from whichever worker or clone answers.
        since = {"If-Modified-Since": one.headers["Last-Modified"]}
        assert other.status_code == 200 and second.test_client().get(address, headers=since).status_code == 304
    assert first.test_client().get("/fi/calendar.ics").headers["Last-Modified"] == "Sat, 12 Dec 2026 08:00:00 GMT"


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_no_two_entries_of_a_feed_share_their_updated_time(tmp_path, lang):
    # The shipped notices hold two change notices of the same day (the data model 1.2 pair).
    app = build_site(tmp_path, ROOT / "notices")
    client = app.test_client()
    for address in (f"/{lang}/feed.atom", f"/{lang}/feeds/type/change.atom"):
        parsed = feedparser.parse(client.get(address).data)
        stamps = [entry.updated for entry in parsed.entries]
        assert stamps and len(stamps) == len(set(stamps)), address
        published = [datetime(*entry.published_parsed[:6], tzinfo=UTC) for entry in parsed.entries]
        updated = [datetime(*entry.updated_parsed[:6], tzinfo=UTC) for entry in parsed.entries]
        # Told apart by seconds after their own time at most, in the same Helsinki day.
        for p, u in zip(published, updated, strict=True):
            assert u >= p
            assert (u - p).total_seconds() >= 60 or u.astimezone(HELSINKI).date() == p.astimezone(HELSINKI).date()


def test_commits_before_corrections_from_prepared_the_archive_and_are_not_told(tmp_path):
    # status.toml: corrections_from = 2026-11-26. The archive's own edits before it are no news.
    app = build_site(tmp_path)
    folder = notices_folder(app)
    commit_notices(folder, "Archive imported", when="2026-11-20T10:00:00+02:00")
    edit(folder / "2019-11-20-tunnistushairio.md", "sv: Störning i MPASSid-identifieringen", "sv: Störning")
    commit_notices(folder, "Archive corrected", when="2026-11-24T10:00:00+02:00")
    found, _ = entries(app.test_client(), "sv")
    entry = max((e for e in found.values() if "tunnistushairio" in e.id), key=stamp)
    assert entry.updated.startswith("2019-11-20") and "Uppdaterad" not in entry.content[0].value
    edit(folder / "2019-11-20-tunnistushairio.md", "sv: Störning", "sv: Störning i identifieringen")
    commit_notices(folder, "Corrected after going live", when="2026-11-27T10:00:00+02:00")
    found, _ = entries(app.test_client(), "sv")
    entry = max((e for e in found.values() if "tunnistushairio" in e.id), key=stamp)
    assert stamp(entry) == datetime(2026, 11, 27, 8, tzinfo=UTC)
    assert "Uppdaterad 27.11.2026 kl. 10.00" in entry.content[0].value


def test_bytes_that_change_without_news_still_reach_a_poller_that_sends_only_if_modified_since(tmp_path):
    app = published_site(tmp_path)
    first = {path: app.test_client().get(path) for path in (*FEEDS, "/fi/calendar.ics")}
    # The same notices served under a new address: every link in every feed changes, and no notice did.
    moved = build_site(tmp_path, STATUS_CONFIG=str(moved_config(tmp_path, "https://tilanne.mpass.example.org")))
    client = moved.test_client()
    for path, before in first.items():
        since = {"If-Modified-Since": before.headers["Last-Modified"]}
        answer = client.get(path, headers=since)
        assert answer.status_code == 200 and b"tilanne.mpass.example.org" in answer.data, path
        assert answer.headers["Last-Modified"] != before.headers["Last-Modified"], path
        # Bytes as served before: 304 again.
        assert client.get(path, headers={"If-Modified-Since": answer.headers["Last-Modified"]}).status_code == 304


def test_entries_of_one_moment_are_told_apart_without_moving_the_others(tmp_path):
    app = build_site(tmp_path, None)
    folder = notices_folder(app)
    client = app.test_client()

    def publish(*names):
        for name in names:
            text = EARLIER.replace("2026-11-20-google-hairio", f"2026-11-20-{name}")
            (folder / f"2026-11-20-{name}.md").write_text(text, encoding="utf-8")
        # Every commit at the same second, every notice stating the same minute.
        commit_notices(folder, "Published", when="2026-12-10T10:00:00+02:00")
        return {path: entry_bytes(client.get(path).data) for path in FEEDS}

    before = publish("first", "second")
    after = publish("third")
    for path in FEEDS:
        assert {k: v for k, v in after[path].items() if k in before[path]} == before[path], path
        assert len(after[path]) == 3
        if path.endswith(".atom"):
            stamps = {e.updated for e in feedparser.parse(client.get(path).data).entries}
            assert len(stamps) == 3, stamps
