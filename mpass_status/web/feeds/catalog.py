"""Which feeds the site offers (all notices, a type, a group, a component), their entries and permanent ids."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

from mpass_status.config import SiteConfig
from mpass_status.notices.model import TYPES, Notice, Update

# Entry ids and calendar UIDs are minted under this name, never under base_url: the site may move,
# and a changed id makes every feed reader and calendar show every notice again. `id_domain` in the
# [feeds] table of the site configuration may set another one before the first publication, never after.
ID_DOMAIN = "status.mpassid.oph.fi"
# A tag: URI (RFC 4151) names a year in which its minter held the domain.
ID_YEAR = "2026"
# The feed's time when it has no entries at all: fixed, so that an empty feed renders the same every time.
EMPTY_FEED_TIME = datetime(2026, 1, 1, tzinfo=UTC)
# A commit this soon after an entry's own time is its publication, not a later correction.
CORRECTION_SLACK = timedelta(minutes=30)


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


@dataclass(frozen=True)
class Entry:
    """One feed entry: an update of a notice, or a notice that has no updates."""

    notice: Notice
    update: Update | None
    # Tells apart updates that an editor gave the same time.
    ordinal: int = 1
    # The notice's newest entry: the one a later change of the notice (a correction, a cancellation) renews.
    newest: bool = False

    @property
    def time(self) -> datetime:
        return self.update.time.at if self.update else self.notice.published

    @property
    def updated(self) -> datetime:
        """Returns when the entry last changed: its time, or for the newest entry the notice's last change."""
        return max(self.time, self.notice.last_changed()) if self.newest else self.time

    @property
    def corrected(self) -> datetime | None:
        """Returns when the notice changed after this, its newest entry, was published (a correction), or None."""
        changed = self.notice.last_changed()
        return changed if self.newest and changed - self.time > CORRECTION_SLACK else None

    def id(self, config: SiteConfig, lang: str) -> str:
        """Returns the entry's permanent id, built from the notice's id and the update's time, never its URL."""
        specific = f"{lang}/notice/{quote(self.notice.id, safe='')}"
        if self.update:
            specific += "/update/" + self.update.stamp
            if self.ordinal > 1:
                specific += f"-{self.ordinal}"
        return _tag(config, specific)


def feed_id(config: SiteConfig, lang: str, spec: FeedSpec) -> str:
    """Returns the feed's permanent id."""
    return _tag(config, f"{lang}/feed/{spec.key}")


def event_uid(config: SiteConfig, lang: str, notice: Notice) -> str:
    """Returns the permanent UID of the notice's calendar event in lang's calendar."""
    return f"notice-{quote(notice.id, safe='')}-{lang}@{id_domain(config)}"


def entries_of(notices) -> list[Entry]:
    """Turns notices into entries, newest first: one per update, or one for a notice without updates."""
    found = []
    for notice in notices:
        if not notice.updates:
            found.append(Entry(notice, None, newest=True))
            continue
        seen: dict = {}
        for update in reversed(notice.updates):
            seen[update.time.at] = seen.get(update.time.at, 0) + 1
            found.append(Entry(notice, update, seen[update.time.at], newest=update is notice.updates[0]))
    found.sort(key=lambda e: (e.time, e.notice.published, e.notice.slug, e.ordinal), reverse=True)
    return found
