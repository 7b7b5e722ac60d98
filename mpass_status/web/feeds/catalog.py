"""Which feeds the site offers (all notices, a type, a group, a component), their entries and permanent ids."""

import hashlib
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from urllib.parse import quote

from mpass_status.config import SiteConfig
from mpass_status.notices.model import TYPES, Notice, Update
from mpass_status.notices.news import NewsEvent, NewsKind, update_keys

# Entry ids and calendar UIDs are minted under this name, never under base_url: the site may move,
# and a changed id makes every feed reader and calendar show every notice again. `id_domain` in the
# [feeds] table of the site configuration may set another one before the first publication, never after.
ID_DOMAIN = "status.mpassid.oph.fi"
# A tag: URI (RFC 4151) names a year in which its minter held the domain.
ID_YEAR = "2026"
# The feed's time when it has no entries at all: fixed, so that an empty feed renders the same every time.
EMPTY_FEED_TIME = datetime(2026, 1, 1, tzinfo=UTC)


def id_domain(config: SiteConfig) -> str:
    """Returns the fixed domain under which entry ids and calendar UIDs are minted."""
    return config.feed_id_domain or ID_DOMAIN


def _tag(config: SiteConfig, specific: str) -> str:
    return f"tag:{id_domain(config)},{ID_YEAR}:{specific}"


@dataclass(frozen=True)
class FeedSpec:
    """One feed: every notice (facet None), or those of one type, group or component."""

    facet: str | None = None
    value: str | None = None

    @property
    def key(self) -> str:
        return "all" if self.facet is None else f"{self.facet}/{self.value}"

    def archive_args(self) -> dict:
        """Returns the url_for values of the archive page that lists the same notices."""
        if self.facet is None:
            return {}
        # The archive's component filter takes group ids too.
        return {"facet": "type" if self.facet == "type" else "component", "value": self.value}

    def url_args(self) -> dict:
        """Returns the url_for values of this feed's route, without the format."""
        return {} if self.facet is None else {"facet": self.facet, "value": self.value}


def feed_specs(config: SiteConfig) -> list[FeedSpec]:
    """Lists every feed the site offers: all notices, then each type, group and component."""
    return (
        [FeedSpec()]
        + [FeedSpec("type", kind) for kind in TYPES]
        + [FeedSpec("group", group.id) for group in config.groups]
        + [FeedSpec("component", component.id) for component in config.components]
    )


def find_spec(config: SiteConfig, facet: str | None, value: str | None) -> FeedSpec | None:
    """Returns the feed named by a URL's facet and value, or None."""
    spec = FeedSpec(facet, value)
    return spec if spec in feed_specs(config) else None


class EntryKind(StrEnum):
    UPDATE = "update"
    NOTICE = "notice"
    CANCELLATION = "cancellation"


@dataclass(frozen=True)
class Entry:
    """One feed entry: an update of a notice, a notice without updates, or a notice's cancellation.

    `published` is when the record of news (notices/news.py) says the entry's news was published, `updated`
    the same or a later correction's, `corrected` that correction (shown in the entry), and `written` the
    time the feed states: `updated`, told apart from the notice's other entries of the same moment by
    whole seconds in the notice's own order, and from other notices' by a fraction of a second its id gives.
    """

    notice: Notice
    update: Update | None
    key: str | None
    kind: EntryKind
    published: datetime
    updated: datetime
    corrected: datetime | None = None
    written: datetime | None = None
    suffix: str | None = None

    @property
    def time(self) -> datetime:
        """Returns the time the notice states for this entry: the update's, else its publication's."""
        return self.update.time.at if self.update else self.notice.published

    def id(self, config: SiteConfig, lang: str) -> str:
        """Returns the entry's permanent id, built from the notice's id and the update's time, never its URL."""
        specific = f"{lang}/notice/{quote(self.notice.id, safe='')}"
        if self.kind == EntryKind.UPDATE:
            specific += "/update/" + self.key
        elif self.kind == EntryKind.CANCELLATION:
            specific += "/" + self.suffix
        return _tag(config, specific)


def feed_id(config: SiteConfig, lang: str, spec: FeedSpec) -> str:
    """Returns the feed's permanent id."""
    return _tag(config, f"{lang}/feed/{spec.key}")


def event_uid(config: SiteConfig, lang: str, notice: Notice) -> str:
    """Returns the permanent UID of the notice's calendar event in lang's calendar."""
    return f"notice-{quote(notice.id, safe='')}-{lang}@{id_domain(config)}"


def entries_of(notices, events) -> list[Entry]:
    """Turns notices into entries, newest news first, from the record of news (a list of NewsEvent): one per
    update (or one for a notice without updates), and one for a cancellation."""
    by_notice: dict[str, list[NewsEvent]] = {}
    for event in events:
        by_notice.setdefault(event.notice_id, []).append(event)
    found = []
    for notice in notices:
        found.extend(_entries_of_notice(notice, by_notice.get(notice.id, [])))
    found.sort(key=lambda e: (e.written, e.notice.published, e.notice.slug, e.key or ""), reverse=True)
    return found


def _entries_of_notice(notice: Notice, events: list[NewsEvent]) -> list[Entry]:
    opened = next((e.published for e in events if e.kind == NewsKind.PUBLISHED), notice.published)
    told = {e.update: e.published for e in events if e.kind in (NewsKind.UPDATE, NewsKind.RESOLUTION)}
    entries = [
        Entry(notice, update, key, EntryKind.UPDATE, told.get(key, opened), told.get(key, opened))
        for key, update in update_keys(notice)
    ] or [Entry(notice, None, None, EntryKind.NOTICE, opened, opened)]
    cancellations = [e for e in events if e.kind == NewsKind.CANCELLATION]
    if notice.cancelled and cancellations:
        last = cancellations[-1]
        suffix = last.id.rsplit("/", 1)[-1]
        entries.append(
            Entry(notice, None, None, EntryKind.CANCELLATION, last.published, last.published, None, None, suffix)
        )
    # A correction or translation renews the entry that was the notice's newest news when it was published.
    for event in events:
        if event.kind not in (NewsKind.CORRECTION, NewsKind.TRANSLATION):
            continue
        before = [i for i, e in enumerate(entries) if e.published <= event.published]
        if before:
            newest = max(before, key=lambda i: (entries[i].published, i))
            entries[newest] = replace(entries[newest], updated=event.published, corrected=event.published)
    return _written(notice, entries)


def _written(notice: Notice, entries: list[Entry]) -> list[Entry]:
    # Entries of one moment, in the notice's order, a second apart; a fraction of a second from the notice's
    # id tells them from other notices' entries of the same moment. Both depend on this notice alone.
    fraction = timedelta(microseconds=1 + int(hashlib.sha256(notice.id.encode()).hexdigest(), 16) % 999_999)
    shared: dict[datetime, int] = {}
    written = []
    for entry in entries:
        step = shared.get(entry.updated, 0)
        shared[entry.updated] = step + 1
        written.append(replace(entry, written=entry.updated + timedelta(seconds=step) + fraction))
    return written
