"""The record of news: every event a reader of the notices should hear of, with the moment it was published.

The contract (read by the feeds, the calendars, the status API and the e-mail and webhook notifications):

- `NewsEvent`: one event. `id` is stable and unique (the same on every worker, clone and restart, never reused):
  `<notice id>/published`, `<notice id>/update/<update key>` (an update or a resolution),
  `<notice id>/cancelled` (`-2`, `-3`… if cancelled again), `<notice id>/translation/<lang>`,
  `<notice id>/correction/<UTC stamp of its publication>`. `kind` is a `NewsKind`; `published` an aware UTC
  datetime; `update` the key of the update the event concerns (`Update.stamp`, `-2`… for a second update stamped
  the same), `stage` its stage; `languages` those in which the notice was complete when the event was published
  (a translation's and a correction's: the languages it concerns).
- `news()` on the app's state (`runtime.news()`) returns every event in publication order (oldest first), ties
  in a fixed order (notice id, then the notice's own order); `NewsRecord.events(notice_set)` is the same without
  Flask. `NewsRecord.changed(notice_id)` tells when any version of a notice was last published (news or not).

Publication times: in a git checkout, the committer time of the commit that brought the version; outside git the
first time the site saw the version (sightings.py). Versions before `[feeds] corrections_from`, and the versions
found at the very first sighting of a folder outside git, prepared the archive: their events keep the times the
notice states. A version is reduced to a `Version` (its updates, cancellation, complete languages and a digest
of each language's text); the events are the differences between consecutive versions.
"""

import hashlib
import logging
import tempfile
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from enum import StrEnum
from pathlib import Path

from mpass_status.config import SiteConfig
from mpass_status.files import read_regular
from mpass_status.notices import sightings
from mpass_status.notices.history import file_versions
from mpass_status.notices.model import Notice
from mpass_status.notices.parser import parse_notice

log = logging.getLogger(__name__)
# The stages that end a notice: their update is a resolution.
FINAL_STAGES = ("resolved", "completed")


class NewsKind(StrEnum):
    PUBLISHED = "published"
    UPDATE = "update"
    CORRECTION = "correction"
    TRANSLATION = "translation"
    CANCELLATION = "cancellation"
    RESOLUTION = "resolution"


@dataclass(frozen=True)
class NewsEvent:
    """One piece of news about a notice, published at `published` (see the module docstring)."""

    id: str
    notice_id: str
    kind: NewsKind
    published: datetime
    update: str | None = None
    stage: str | None = None
    languages: tuple[str, ...] = ()


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def update_keys(notice: Notice) -> list[tuple[str, object]]:
    """Returns (key, update) for each update, oldest first: its stamp, `-2`… for a later one stamped the same
    (the feeds' entry ids use the same keys)."""
    seen: dict[str, int] = {}
    keyed = []
    for update in reversed(notice.updates):
        seen[update.stamp] = seen.get(update.stamp, 0) + 1
        count = seen[update.stamp]
        keyed.append((update.stamp if count == 1 else f"{update.stamp}-{count}", update))
    return keyed


@dataclass(frozen=True)
class Version:
    """One version of a notice reduced to what news is made of. `at` is None for a version that prepared the
    archive (before the record began): its events keep the times the notice states."""

    at: datetime | None
    notice_id: str
    published: datetime
    # (key, stage, stated time, digest of its text per language), oldest first.
    updates: tuple[tuple[str, str, datetime, tuple[str, ...]], ...]
    cancelled: bool
    complete: tuple[str, ...]
    languages: tuple[str, ...]
    # A digest of the notice's own fields in each language (updates apart), in the order of languages.
    digests: tuple[str, ...] = field(default=())

    def digest_of(self, lang: str) -> str | None:
        return self.digests[self.languages.index(lang)] if lang in self.languages else None


def _digest(*parts) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:16]


def version_of(notice: Notice, at: datetime | None) -> Version:
    """Reduces a parsed notice to its Version, published at `at` (None: before the record began)."""
    common = (notice.type, notice.severity, notice.affected, notice.components, notice.start, notice.end)
    digests = tuple(
        _digest(
            common,
            notice.title.get(lang),
            notice.summary.get(lang),
            notice.body_html.get(lang),
            notice.editor_note.get(lang),
            notice.see_also,
        )
        for lang in notice.languages
    )
    updates = tuple(
        (key, u.stage, u.time.at, tuple(_digest(u.time, u.html.get(lang)) for lang in notice.languages))
        for key, u in update_keys(notice)
    )
    missing = notice.missing_languages()
    complete = tuple(lang for lang in notice.languages if lang not in missing)
    return Version(at, notice.id, notice.published, updates, notice.cancelled, complete, notice.languages, digests)


def version_json(version: Version) -> dict:
    """Returns a version as the record of sightings keeps it (its "at" apart)."""
    return {
        "published": version.published.isoformat(),
        "updates": [[key, stage, stated.isoformat(), list(texts)] for key, stage, stated, texts in version.updates],
        "cancelled": version.cancelled,
        "complete": list(version.complete),
        "languages": list(version.languages),
        "digests": list(version.digests),
    }


def version_from_json(notice_id: str, data: dict) -> Version:
    """Reads back a version the record of sightings kept."""
    return Version(
        datetime.fromisoformat(data["at"]) if data.get("at") else None,
        notice_id,
        datetime.fromisoformat(data["published"]),
        tuple(
            (key, stage, datetime.fromisoformat(stated), tuple(texts)) for key, stage, stated, texts in data["updates"]
        ),
        bool(data["cancelled"]),
        tuple(data["complete"]),
        tuple(data["languages"]),
        tuple(data["digests"]),
    )


def _update_kind(stage: str) -> NewsKind:
    return NewsKind.RESOLUTION if stage in FINAL_STAGES else NewsKind.UPDATE


def _concerning(update) -> tuple[str | None, str | None]:
    # The key and stage of the update an event concerns, or none.
    return (update[0], update[1]) if update else (None, None)


def events_of(versions: list[Version]) -> list[NewsEvent]:
    """Turns a notice's versions (oldest first) into its news, in the order it was published."""
    if not versions:
        return []
    nid = versions[-1].notice_id
    archive = [v for v in versions if v.at is None]
    later = [v for v in versions if v.at is not None]
    events: list[NewsEvent] = []
    latest = datetime.min.replace(tzinfo=UTC)

    def add(kind, at, suffix, update=None, stage=None, languages=()):
        nonlocal latest
        # A notice's news never goes back in time, whatever a version states.
        latest = max(latest, at.astimezone(UTC))
        events.append(NewsEvent(f"{nid}/{suffix}", nid, kind, latest, update, stage, tuple(languages)))

    first = archive[-1] if archive else later.pop(0)
    newest = first.updates[-1] if first.updates else None
    if first.at is None:
        # The archive's notice: each update told at the time it states.
        opening = first.updates[0] if first.updates else None
        add(NewsKind.PUBLISHED, first.published, "published", *_concerning(opening), first.complete)
        for key, stage, stated, _ in first.updates[1:]:
            add(_update_kind(stage), stated, f"update/{key}", key, stage, first.complete)
        if first.cancelled:
            add(NewsKind.CANCELLATION, latest, "cancelled", languages=first.complete)
    else:
        add(NewsKind.PUBLISHED, first.at, "published", *_concerning(newest), first.complete)
    cancellations = int(first.cancelled)
    previous = first
    for version in later:
        known = {u[0] for u in previous.updates}
        added = [u for u in version.updates if u[0] not in known][
            : max(0, len(version.updates) - len(previous.updates))
        ]
        for key, stage, _, _ in added:
            add(_update_kind(stage), version.at, f"update/{key}", key, stage, version.complete)
        if version.cancelled and not previous.cancelled:
            cancellations += 1
            suffix = "cancelled" if cancellations == 1 else f"cancelled-{cancellations}"
            add(NewsKind.CANCELLATION, version.at, suffix, languages=version.complete)
        for lang in version.complete:
            if lang not in previous.complete and not any(e.id == f"{nid}/translation/{lang}" for e in events):
                add(NewsKind.TRANSLATION, version.at, f"translation/{lang}", languages=(lang,))
        # A cancellation withdrawn is a correction of the notice as a whole.
        if not added and not (version.cancelled and not previous.cancelled):
            corrected = _corrected_languages(previous, version, previous.cancelled and not version.cancelled)
            if corrected:
                add(NewsKind.CORRECTION, version.at, f"correction/{stamp(version.at)}", languages=corrected)
        previous = version
    return events


def _corrected_languages(before: Version, after: Version, whole: bool = False) -> tuple[str, ...]:
    # A language counts once it was complete: filling in a pending translation is the translation's news.
    texts = {u[0]: u[3] for u in before.updates}
    # An update removed or its time corrected changes the notice in every language.
    whole = whole or not {u[0] for u in before.updates} <= {u[0] for u in after.updates}
    changed = []
    for lang in after.complete:
        if lang not in before.complete:
            continue
        index = after.languages.index(lang)
        own = whole or after.digest_of(lang) != before.digest_of(lang)
        updates = any(
            key in texts and lang in before.languages and texts[key][before.languages.index(lang)] != digests[index]
            for key, _, _, digests in after.updates
        )
        if own or updates:
            changed.append(lang)
    return tuple(changed)


def in_order(events: Iterable[NewsEvent]) -> list[NewsEvent]:
    """Sorts events into publication order; ties by notice id, then the notice's own order (a stable sort)."""
    return sorted(events, key=lambda e: (e.published, e.notice_id))


def _synced_commits(notice_set) -> dict[str, datetime]:
    """Returns the newest commit of each notice's file as `flask notices sync` recorded it, by notice id."""
    files = (notice_set.sync or {}).get("files") or {}
    found = {}
    for notice in notice_set.notices:
        try:
            found[notice.id] = datetime.fromisoformat(files[f"{notice.slug}.md"]["commits"][0]).astimezone(UTC)
        except (KeyError, IndexError, TypeError, ValueError):
            continue
    return found


class NewsRecord:
    """The news of one notices folder, derived again whenever its notices change (see the module docstring)."""

    def __init__(self, folder, config: SiteConfig):
        self.folder, self.config = Path(folder), config
        self._lock = threading.Lock()
        self._version: str | None = None
        self._events: tuple[NewsEvent, ...] = ()
        self._changed: dict[str, datetime] = {}
        # Old versions parsed once per process, by their bytes.
        self._parsed: dict[bytes, Notice | None] = {}

    def events(self, notice_set) -> tuple[NewsEvent, ...]:
        """Returns every event of the notices in notice_set (a NoticeSet), in publication order."""
        self._refresh(notice_set)
        return self._events

    def changed(self, notice_set, notice_id: str) -> datetime | None:
        """Returns when the newest version of a notice was published (with news or without), or None."""
        self._refresh(notice_set)
        return self._changed.get(notice_id)

    def _refresh(self, notice_set) -> None:
        with self._lock:
            if self._version == notice_set.version:
                return
            histories = self._versions(notice_set)
            found, changed = [], {}
            for nid, versions in histories.items():
                told = events_of(versions)
                found.extend(told)
                if told:
                    changed[nid] = max([v.at for v in versions if v.at] + [e.published for e in told])
            self._events = tuple(in_order(found))
            self._changed = changed
            self._version = notice_set.version

    def _since(self) -> datetime | None:
        day = self.config.corrections_from
        return datetime.combine(day, time(0), tzinfo=self.config.timezone) if day else None

    def _versions(self, notice_set) -> dict[str, list[Version]]:
        current = {n.id: n for n in notice_set.notices}
        committed = file_versions(self.folder)
        if not committed:
            held = {n.id: version_json(version_of(n, None)) for n in notice_set.notices}
            seen = sightings.record(self.folder, held, committed=_synced_commits(notice_set))
            try:
                return {nid: [version_from_json(nid, data) for data in found] for nid, found in seen.items()}
            except (KeyError, TypeError, ValueError) as exc:
                # A damaged record loses the publication times, never the news: the notices as they stand.
                log.warning("news record of %s unreadable: %s", self.folder, exc)
                return {n.id: [version_of(n, None)] for n in notice_set.notices}
        since = self._since()
        by_notice: dict[str, list[Version]] = {}
        on_disk = {f"{n.slug}.md": n for n in notice_set.notices}
        for name, versions in committed.items():
            here = self._bytes(name)
            for version in versions:
                # The version checked out is the one loaded already: only older ones are parsed here.
                notice = on_disk.get(name) if version.data == here else self._parse(name, version.data)
                if notice is None or notice.id not in current:
                    continue
                at = None if since and version.at < since else version.at
                by_notice.setdefault(notice.id, []).append(version_of(notice, at))
        for nid, notice in current.items():
            # A notice not yet committed (or whose history could not be read) is news as it stands.
            versions = by_notice.setdefault(nid, [])
            if not versions:
                versions.append(version_of(notice, None))
            versions.sort(key=lambda v: (v.at is not None, v.at or datetime.min.replace(tzinfo=UTC)))
        return {nid: by_notice[nid] for nid in current}

    def _bytes(self, name: str) -> bytes | None:
        try:
            return read_regular(self.folder / name)
        except OSError:
            return None

    def _parse(self, name: str, data: bytes) -> Notice | None:
        key = name.encode() + b"\0" + hashlib.sha256(data).digest()
        if key not in self._parsed:
            with tempfile.TemporaryDirectory() as scratch:
                path = Path(scratch) / name
                path.write_bytes(data)
                self._parsed[key] = parse_notice(path, self.config, f"{self.folder.name}/{name}")[0]
        return self._parsed[key]
