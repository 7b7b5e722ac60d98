"""Characters XML cannot carry never reach a feed, even from a notice that never passed `notices check`."""

import time
from dataclasses import replace
from datetime import UTC, datetime

import feedparser
import pytest

from mpass_status import runtime
from mpass_status.notices.model import Moment, Notice, Update
from mpass_status.notices.store import NoticeSet
from mpass_status.web.feeds.calendar import render_calendar
from mpass_status.web.feeds.catalog import FeedSpec
from mpass_status.web.feeds.render import render_feed

START = datetime(2024, 2, 1, 6, 0, tzinfo=UTC)


def unchecked_notice() -> Notice:
    """A notice as a store that skipped the check would hold it: a vertical tab and terminal colours."""
    return Notice(
        id="2024-02-01-hairio",
        slug="2024-02-01-hairio",
        path="notices/2024-02-01-hairio.md",
        date=START.date(),
        type="incident",
        severity="down",
        affected=("wilma",),
        components=("wilma",),
        start=Moment(START),
        end=None,
        cancelled=False,
        title={"fi": "Wilma-häiriö\x0b", "sv": "Störning i Wilma\x1b[31m"},
        summary={"fi": "Tiivistelmä\x00.", "sv": "Sammanfattning\x7f."},
        updates=(Update(Moment(START), "investigating", {"fi": "Selvitämme\x1b[0m."}, {"fi": "Selvitämme\x1b[0m."}),),
        body={"fi": "Teksti\x0c", "sv": "Text\ufffe"},
        published=START,
    )


@pytest.mark.parametrize("fmt", ["rss", "atom"])
@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_a_feed_of_an_unchecked_notice_with_control_characters_is_valid_xml(app, fmt, lang):
    with app.test_request_context(f"/{lang}/"):
        body = render_feed([unchecked_notice()], [], FeedSpec(), fmt, lang, runtime.config(app))
    parsed = feedparser.parse(body)
    assert not parsed.bozo, parsed.get("bozo_exception")
    title = parsed.entries[0].title
    assert title.startswith("Wilma-häiriö" if lang == "fi" else "Störning i Wilma")
    assert not any(ord(c) < 32 and c not in "\t\n\r" for c in body.decode("utf-8"))


class UncheckedStore:
    """Serves notices as a store that never ran `notices check` would, in place of the site's own store."""

    def __init__(self, notices):
        notices = tuple(notices)
        by_slug = {n.slug: n for n in notices}
        self.notice_set = NoticeSet(notices, by_slug, {n.id: n for n in notices}, (), "unchecked", time.time())

    def current(self) -> NoticeSet:
        """Returns the same notices on every request."""
        return self.notice_set


@pytest.mark.parametrize("path", ["/fi/feed.rss", "/fi/feed.atom", "/sv/feed.rss", "/sv/feed.atom"])
def test_the_sites_feeds_answer_with_valid_xml_whatever_the_store_holds(app, path):
    runtime.state(app).notices = UncheckedStore([unchecked_notice()])
    with app.test_client().get(path) as response:
        assert response.status_code == 200
        parsed = feedparser.parse(response.data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    # The control characters are gone and everything around them is still there.
    (entry,) = parsed.entries
    fi = path.startswith("/fi/")
    assert entry.title.startswith("Wilma-häiriö – " if fi else "Störning i Wilma[31m – ")
    # An investigating entry's summary is its update's text (in Finnish only, so in the Swedish feed too).
    assert entry.summary == "Selvitämme[0m."
    assert "/notices/2024-02-01-hairio/#update-" in entry.link


def test_a_calendar_of_an_unchecked_notice_carries_no_control_characters(app):
    with app.test_request_context("/fi/"):
        maintenance = replace(unchecked_notice(), type="maintenance", severity=None, end=Moment(START))
        body = render_calendar([maintenance], [], "fi", runtime.config(app)).decode("utf-8")
    assert "Wilma-häiriö" in body and "\x0b" not in body and "\x00" not in body


def test_an_entry_not_yet_in_the_feeds_language_says_which_language_it_is_in(client):
    body = client.get("/sv/feed.atom").data
    parsed = feedparser.parse(body)
    assert not parsed.bozo
    pending = [e for e in parsed.entries if "ruotsi-puuttuu" in e.link]
    assert pending and all(e.title_detail.language == "fi" for e in pending)
    others = [e for e in parsed.entries if "ruotsi-puuttuu" not in e.link]
    assert others and all(e.title_detail.language == "sv" for e in others)
