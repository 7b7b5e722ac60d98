"""Feeds and calendars follow the notices' git history: every change reaches readers, every clone and worker agrees."""

import os
import shutil
import time
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import feedparser
import pytest

from app import create_app

from ..helpers import FIXTURE_NOTICES, ROOT, build_site, commit_notices, edit, git, notices_folder

MAINTENANCE = "2026-11-02-huoltokatko-tuotanto.md"
HELSINKI = ZoneInfo("Europe/Helsinki")


def entries(client, lang="fi"):
    parsed = feedparser.parse(client.get(f"/{lang}/feed.atom").data)
    return {entry.id: entry for entry in parsed.entries}, parsed


def newest_of(found, slug):
    return max((e for e in found.values() if f"/notice/{slug}" in e.id), key=lambda e: e.published_parsed)


def test_a_cancellation_and_a_correction_reach_readers_as_updated_entries(tmp_path):
    app = build_site(tmp_path)
    folder = notices_folder(app)
    commit_notices(folder, "Published", when="2026-12-10T10:00:00+02:00")
    client = app.test_client()
    before, _ = entries(client)
    entry = newest_of(before, "fixture-maintenance-2099")
    # The commit that added the notice is its publication: the entry keeps the time it states.
    assert entry.updated == "2026-11-02T10:00:00+02:00" and "Peruttu" not in entry.title
    assert "Päivitetty" not in entry.content[0].value

    # The guide's way of cancelling: cancelled: true, committed.
    edit(folder / MAINTENANCE, "end: 2099-03-14 20:00\n", "end: 2099-03-14 20:00\ncancelled: true\n")
    commit_notices(folder, "Cancel the break", when="2026-12-12T14:05:00+02:00")
    after, feed_after = entries(client)
    cancelled = after[entry.id]
    assert cancelled.title.startswith("Peruttu: ") and cancelled.updated == "2026-12-12T12:05:00+00:00"
    assert "Päivitetty 12.12.2026 klo 14.05" in cancelled.content[0].value
    newest = max(feed_after.entries, key=lambda e: e.updated_parsed)
    assert feed_after.feed.updated_parsed == newest.updated_parsed
    # Older entries keep their own time: only the news is new.
    assert {k: v.updated for k, v in after.items() if k != entry.id} == {
        k: v.updated for k, v in before.items() if k != entry.id
    }

    # A correction of a notice with no new update: its entry is renewed and says when, in Swedish too.
    slug = "2019-11-20-tunnistushairio"
    edit(folder / f"{slug}.md", "sv: Störning i MPASSid-identifieringen", "sv: Störning i identifieringen")
    commit_notices(folder, "Correct the Swedish title", when="2026-12-13T09:00:00+02:00")
    corrected = newest_of(entries(client, "sv")[0], slug)
    assert corrected.updated == "2026-12-13T07:00:00+00:00"
    assert "Uppdaterad 13.12.2026 kl. 9.00" in corrected.content[0].value


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
        # Told apart by a second after their own time at most, in the same Helsinki day.
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
    entry = newest_of(entries(app.test_client(), "sv")[0], "2019-11-20-tunnistushairio")
    assert entry.updated.startswith("2019-11-20") and "Uppdaterad" not in entry.content[0].value
    edit(folder / "2019-11-20-tunnistushairio.md", "sv: Störning", "sv: Störning i identifieringen")
    commit_notices(folder, "Corrected after going live", when="2026-11-27T10:00:00+02:00")
    entry = newest_of(entries(app.test_client(), "sv")[0], "2019-11-20-tunnistushairio")
    assert entry.updated == "2026-11-27T08:00:00+00:00" and "Uppdaterad 27.11.2026 kl. 10.00" in entry.content[0].value
