"""Holds what a notice is once loaded: its fields, timeline and rendered bodies."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cached_property

from mpass_status.notices.markdown import render_block

TYPES = ("incident", "maintenance", "change", "announcement")
SEVERITIES = ("down", "disrupted", "notice")
STAGES = {
    "incident": ("investigating", "identified", "monitoring", "resolved"),
    "maintenance": ("scheduled", "in_progress", "completed"),
}


# The parts of the day an editor may write after a day whose clock time the record does not give.
PARTS_OF_DAY = ("morning", "afternoon", "evening")

# A maintenance break written without an end is planned to last this long (calendars and the API).
DEFAULT_MAINTENANCE = timedelta(hours=2)


@dataclass(frozen=True)
class Moment:
    """A point in time as the editor wrote it: with a clock time or as a whole day.

    A whole day may name its part (`part`, one of PARTS_OF_DAY: "26.10.2020 aamulla"); an end may be a bound
    (`by`: the day by which it was over, "ohi viimeistään 27.10.2020"). Both leave `at` the day's midnight.
    """

    at: datetime
    has_time: bool = True
    part: str | None = None
    by: bool = False


@dataclass(frozen=True)
class Text:
    """A text in the reader's language, or in the other one while its translation is pending."""

    value: str
    lang: str
    pending: bool


@dataclass(frozen=True)
class Update:
    """One stamped step of an incident or maintenance break: its time, stage and text per language."""

    time: Moment
    stage: str
    text: dict[str, str]
    html: dict[str, str]

    @property
    def stamp(self) -> str:
        """Returns the update's UTC time as a compact, stable token for anchors and feed ids."""
        return self.time.at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")

    @property
    def anchor(self) -> str:
        """Returns the id of the update on its notice's page."""
        return f"update-{self.stamp}"


@dataclass(frozen=True)
class Notice:
    """One notice file as readers see it: an incident, maintenance break, change or announcement."""

    id: str
    slug: str
    path: str
    date: date
    type: str
    severity: str | None
    affected: tuple[str, ...]
    components: tuple[str, ...]
    start: Moment | None
    end: Moment | None
    cancelled: bool
    title: dict[str, str]
    summary: dict[str, str]
    updates: tuple[Update, ...]
    # The body's markdown per language; body_html renders it when first read.
    body: dict[str, str]
    # The first update's time, else the file's date at midnight: orders the archive.
    published: datetime
    # The newest commit that changed the notice after the one that added it (a correction), and how many
    # commits changed its file (see history.py); None and 0 outside git.
    changed: datetime | None = None
    revisions: int = 0
    languages: tuple[str, ...] = field(default=("fi", "sv"))
    # True when the record shows only the latest day the notice can have been published (`published`).
    published_by: bool = False
    # The editors' note per language: what they corrected in the record's text, added, or translated later.
    editor_note: dict[str, str] = field(default_factory=dict)
    # Slugs of the notices this one refers to, linked on its page (the checker tells a slug that is not there).
    see_also: tuple[str, ...] = ()

    @cached_property
    def body_html(self) -> dict[str, str]:
        """The body rendered to HTML that cannot carry script, per language. Rendered when first read, not when
        the file is parsed: most notices of a large archive are never shown, and a first start parses them all."""
        return {lang: render_block(text) for lang, text in self.body.items()}

    def _in(self, values: dict[str, str], lang: str) -> Text:
        # A missing translation falls back to the first language that has the text, marked pending.
        if values.get(lang):
            return Text(values[lang], lang, False)
        for other in self.languages:
            if values.get(other):
                return Text(values[other], other, True)
        return Text("", lang, False)

    def text(self, what: str, lang: str) -> Text:
        """Returns title, summary, body or editor_note in lang, or the other language marked pending."""
        parts = {"title": self.title, "summary": self.summary, "body": self.body_html, "editor_note": self.editor_note}
        return self._in(parts[what], lang)

    def update_text(self, update: Update, lang: str) -> Text:
        """Returns an update's rendered text in lang, or the other language marked pending."""
        return self._in(update.html, lang)

    def missing_languages(self) -> tuple[str, ...]:
        """Returns the languages in which some part of the notice is not yet written."""
        parts = [self.title, self.summary] + [u.text for u in self.updates]
        if any(self.body.values()):
            parts.append(self.body)
        return tuple(lang for lang in self.languages if any(not p.get(lang) for p in parts))

    @property
    def start_at(self) -> datetime | None:
        return self.start.at if self.start else None

    @property
    def end_at(self) -> datetime | None:
        return self.end.at if self.end else None

    @property
    def published_moment(self) -> Moment:
        """Returns the publication time, as a whole day when only a date tells it (the file's, or a
        first update written without a clock time)."""
        first = min(self.updates, key=lambda u: u.time.at, default=None)
        return Moment(self.published, has_time=first is not None and first.time.has_time)

    @property
    def updated(self) -> datetime:
        """Returns the time of the newest update, or when the notice was published."""
        return max([u.time.at for u in self.updates] + [self.published])

    def last_changed(self) -> datetime:
        """Returns when the notice last changed: the newest commit that changed it after the one that added
        it (a correction, a cancellation), else the newest time it states itself."""
        return max(self.changed, self.updated) if self.changed else self.updated

    def is_ongoing(self, now: datetime) -> bool:
        """Tells whether an incident or maintenance is under way at now."""
        if self.type not in ("incident", "maintenance") or self.cancelled or not self.start:
            return False
        return self.start.at <= now and (self.end is None or now < self.end.at)

    def is_upcoming(self, now: datetime) -> bool:
        """Tells whether a maintenance or change is still ahead of now."""
        if self.type not in ("maintenance", "change") or not self.start:
            return False
        return now < self.start.at

    def planned_end(self) -> datetime | None:
        """Returns the end, or for a maintenance written without one its start plus DEFAULT_MAINTENANCE."""
        if self.end:
            return self.end.at
        if self.type == "maintenance" and self.start:
            return self.start.at + DEFAULT_MAINTENANCE
        return None

    def duration(self):
        """Returns how long an ended notice lasted, or None."""
        if self.start and self.end and self.start.has_time and self.end.has_time:
            return self.end.at - self.start.at
        return None
