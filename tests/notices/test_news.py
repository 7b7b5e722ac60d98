"""The record of news: each kind of change is one event, published when its commit was (or, outside git, when the
site first saw it), with ids that never move."""

import json
from datetime import UTC, datetime

from mpass_status import runtime
from mpass_status.notices.news import NewsKind
from mpass_status.notices.sightings import record_path

from ..helpers import build_site, commit_notices, edit, notices_folder

SWEDISH_MISSING = "2025-05-06-ruotsi-puuttuu.md"
MAINTENANCE = "2026-11-02-huoltokatko-tuotanto.md"
WILMA = "2026-11-20-wilma-hairio-jatkuu.md"
RESOLVED = """updates:
  - time: 2026-11-20 10:00
    stage: resolved
    fi: Häiriö on ohi.
    sv: Störningen är över.
"""


def resolve(folder) -> None:
    edit(folder / WILMA, "end:\n", "end: 2026-11-20 10:00\n")
    edit(folder / WILMA, "updates:\n", RESOLVED)


def news_of(app, notice_id: str):
    return [(e.kind, e.published, e.stage, e.languages) for e in runtime.news(app) if e.notice_id == notice_id]


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def test_each_kind_of_change_is_one_event_published_with_its_commit(tmp_path):
    app = build_site(tmp_path)
    folder = notices_folder(app)
    commit_notices(folder, "Published", when="2026-12-10T10:00:00+02:00")
    resolve(folder)
    commit_notices(folder, "Resolved", when="2026-12-10T11:00:00+02:00")
    edit(folder / MAINTENANCE, "end: 2099-03-14 20:00\n", "end: 2099-03-14 20:00\ncancelled: true\n")
    commit_notices(folder, "Cancelled", when="2026-12-10T12:00:00+02:00")
    text = (folder / SWEDISH_MISSING).read_text(encoding="utf-8")
    assert "sv:" not in text.split("summary:")[1].split("\n")[2]
    edit(folder / MAINTENANCE, "fi: Tuotantoympäristön huoltokatko", "fi: Tuotannon huoltokatko")
    commit_notices(folder, "Title corrected", when="2026-12-10T13:00:00+02:00")

    assert news_of(app, "2026-11-20-wilma-hairio-jatkuu") == [
        (NewsKind.PUBLISHED, at("2026-12-10T10:00+02:00"), "identified", ("fi", "sv")),
        (NewsKind.RESOLUTION, at("2026-12-10T11:00+02:00"), "resolved", ("fi", "sv")),
    ]
    assert news_of(app, "fixture-maintenance-2099") == [
        (NewsKind.PUBLISHED, at("2026-12-10T10:00+02:00"), "scheduled", ("fi", "sv")),
        (NewsKind.CANCELLATION, at("2026-12-10T12:00+02:00"), None, ("fi", "sv")),
        (NewsKind.CORRECTION, at("2026-12-10T13:00+02:00"), None, ("fi",)),
    ]
    events = runtime.news(app)
    # In publication order, each id unique, each time aware and in UTC.
    assert [e.published for e in events] == sorted(e.published for e in events)
    assert len({e.id for e in events}) == len(events)
    assert all(e.published.utcoffset().total_seconds() == 0 for e in events)
    ids = {e.id for e in events}
    assert {
        "fixture-maintenance-2099/published",
        "fixture-maintenance-2099/cancelled",
        "fixture-maintenance-2099/correction/20261210T110000Z",
        "2026-11-20-wilma-hairio-jatkuu/update/20261120T080000Z",
    } <= ids
    # Another process on a fresh clone of the same history tells the same news.
    assert runtime.news(build_site(tmp_path / "again", None, NOTICES_DIR=str(folder))) == events


def test_a_translation_is_news_in_its_language(tmp_path):
    app = build_site(tmp_path)
    folder = notices_folder(app)
    commit_notices(folder, "Published", when="2026-12-10T10:00:00+02:00")
    (notice,) = [n for n in runtime.notices(app).notices if f"{n.slug}.md" == SWEDISH_MISSING]
    assert "sv" in notice.missing_languages()
    text = (folder / SWEDISH_MISSING).read_text(encoding="utf-8")
    for field in ("title", "summary"):
        value = notice.text(field, "fi").value
        text = text.replace(f"  fi: {value}\n", f"  fi: {value}\n  sv: Svensk text {field}\n", 1)
    (folder / SWEDISH_MISSING).write_text(text + "\n<!-- sv -->\nSvensk text.\n", encoding="utf-8")
    commit_notices(folder, "Swedish", when="2026-12-11T10:00:00+02:00")
    assert news_of(app, notice.id)[-1] == (NewsKind.TRANSLATION, at("2026-12-11T10:00+02:00"), None, ("sv",))


def test_outside_git_the_first_sighting_keeps_stated_times_and_later_versions_are_dated_when_seen(tmp_path):
    app = build_site(tmp_path)
    folder = notices_folder(app)
    first = news_of(app, "2026-11-20-wilma-hairio-jatkuu")
    assert first == [
        (NewsKind.PUBLISHED, at("2026-11-20T07:40+02:00"), "investigating", ("fi", "sv")),
        (NewsKind.UPDATE, at("2026-11-20T08:10+02:00"), "identified", ("fi", "sv")),
    ]
    assert record_path(folder).is_file()
    seen_before = datetime.now(UTC).replace(microsecond=0)
    resolve(folder)
    kind, published, stage, _ = news_of(app, "2026-11-20-wilma-hairio-jatkuu")[-1]
    assert (kind, stage) == (NewsKind.RESOLUTION, "resolved") and published >= seen_before
    # A restart reads the same record: the time it was first seen stays.
    assert news_of(build_site(tmp_path), "2026-11-20-wilma-hairio-jatkuu")[-1][1] == published


def test_a_synced_folder_dates_each_version_by_the_commit_the_sync_recorded(tmp_path):
    # `flask notices sync` writes .sync.json beside the notices it publishes: every server it publishes to agrees.
    app = build_site(tmp_path)
    folder = notices_folder(app)
    state = {"commit": "a" * 40, "files": {WILMA: {"commits": ["2026-12-10T08:00:00+00:00"]}}}
    (folder / ".sync.json").write_text(json.dumps(state), encoding="utf-8")
    assert news_of(app, "2026-11-20-wilma-hairio-jatkuu")[0][1] == at("2026-11-20T07:40+02:00")
    resolve(folder)
    state = {
        "commit": "b" * 40,
        "files": {WILMA: {"commits": ["2026-12-11T09:00:00+00:00", "2026-12-10T08:00:00+00:00"]}},
    }
    (folder / ".sync.json").write_text(json.dumps(state), encoding="utf-8")
    assert news_of(app, "2026-11-20-wilma-hairio-jatkuu")[-1][:3] == (
        NewsKind.RESOLUTION,
        at("2026-12-11T09:00+00:00"),
        "resolved",
    )


def test_an_update_retimed_and_a_cancellation_withdrawn_are_corrections(tmp_path):
    app = build_site(tmp_path)
    folder = notices_folder(app)
    commit_notices(folder, "Published", when="2026-12-10T10:00:00+02:00")
    edit(folder / WILMA, "time: 2026-11-20 08:10", "time: 2026-11-20 08:15")
    commit_notices(folder, "Time corrected", when="2026-12-10T11:00:00+02:00")
    edit(folder / MAINTENANCE, "end: 2099-03-14 20:00\n", "end: 2099-03-14 20:00\ncancelled: true\n")
    commit_notices(folder, "Cancelled", when="2026-12-10T12:00:00+02:00")
    edit(folder / MAINTENANCE, "cancelled: true\n", "")
    commit_notices(folder, "Not cancelled after all", when="2026-12-10T13:00:00+02:00")
    assert news_of(app, "2026-11-20-wilma-hairio-jatkuu")[1:] == [
        (NewsKind.CORRECTION, at("2026-12-10T11:00+02:00"), None, ("fi", "sv"))
    ]
    assert [kind for kind, *_ in news_of(app, "fixture-maintenance-2099")] == [
        NewsKind.PUBLISHED,
        NewsKind.CANCELLATION,
        NewsKind.CORRECTION,
    ]
