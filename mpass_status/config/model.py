"""What the site configuration holds once read: the site, its components, the probe settings and the checks."""

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path
from zoneinfo import ZoneInfo

ENVIRONMENTS = ("production", "test")
LANGUAGES = ("fi", "sv")


class CheckKind(StrEnum):
    """What a check looks at; the loader accepts no other kind, so every check has a way to run."""

    HTTP = "http"
    OIDC = "oidc"
    SAML = "saml"
    AUTHSOURCES = "authsources"
    TLS = "tls"


@dataclass(frozen=True)
class Group:
    """A heading of components on the front page, such as production or test."""

    id: str
    name: dict[str, str]
    # Names the group after a component's name where names stand alone ("… (tuotanto)"); None: its name.
    qualifier: dict[str, str] | None = None
    # What the group's feed carries, as one sentence per language; None: the generic sentence.
    feed_description: dict[str, str] | None = None


@dataclass(frozen=True)
class Component:
    """One part of MPASSid whose state readers follow, named per language and placed in a group."""

    id: str
    group: str
    name: dict[str, str]
    # What the component is, one sentence per language (the status API's description); None: none.
    description: dict[str, str] | None = None
    # The day the component was added to the site (the status API's created_at); None: not stated.
    created: date | None = None


@dataclass(frozen=True)
class ProbeSettings:
    """The [probe] settings: when a check counts as down or up, where results are kept, how the network is judged."""

    failures_to_down: int = 3
    successes_to_up: int = 2
    stale_after_intervals: int = 3
    slow_ms: int = 3000
    retention_days: int = 90
    # A SQLite file (relative paths resolve against the directory of the configuration file) or a
    # postgresql:// URL that probers on several networks share.
    database: Path | str = Path("instance/status.sqlite3")
    # Where this prober runs, carried by its results and shown when vantage points disagree ("" alone).
    vantage: str = ""
    # How many vantage points with fresh results must see a check failing for it to count as down
    # (0: a majority of them); fewer make it degraded, naming where it fails from.
    quorum: int = 0
    warn_days: int = 30
    # After a failed result a check runs again this soon (seconds) until the thresholds decide.
    retry_interval: int = 15
    # Addresses outside the broker's hosting: only when none of them answers either is the site's own
    # network taken to be down (see the README, "Our network or the broker's?").
    reference_urls: tuple[str, ...] = (
        "https://www.google.com/generate_204",
        "https://www.cloudflare.com/cdn-cgi/trace",
        "https://www.suomi.fi/",
    )
    reference_timeout: float = 5.0


@dataclass(frozen=True)
class Check:
    """One automatic check of the broker: its kind, its address and the components it gives evidence for."""

    id: str
    kind: CheckKind
    environment: str
    url: str
    # Components this check gives evidence for; authsources checks name theirs in `sources`.
    components: tuple[str, ...]
    timeout: float = 10.0
    interval: int = 60
    slow_ms: int = 3000
    expect_status: int | None = None
    expect_text: str | None = None
    issuer: str | None = None
    entity_id: str | None = None
    # authsources: component id -> the source name the broker lists.
    sources: dict[str, str] = field(default_factory=dict)
    # tls (and https fetches): an extra CA bundle, e.g. the stand-in broker's own CA.
    ca_file: str | None = None
    # oidc: hosts besides the issuer's where the discovery document's jwks_uri may point.
    jwks_hosts: tuple[str, ...] = ()


@dataclass(frozen=True)
class AlertRoute:
    """An [[alerts.route]]: the operator alerts of some groups and components go to these Apprise URLs."""

    # The group and component ids as written: they name the route in the alerts' stored state too.
    ids: tuple[str, ...]
    urls: tuple[str, ...]

    @property
    def key(self) -> str:
        """Returns the route's name in the alerts' state: its ids, whatever order they are written in."""
        return "+".join(sorted(self.ids))


@dataclass(frozen=True)
class AlertsSettings:
    """The [alerts] table: the default route's Apprise URLs (STATUS_ALERT_URLS replaces them) and the routes."""

    urls: tuple[str, ...] = ()
    routes: tuple[AlertRoute, ...] = ()


@dataclass(frozen=True)
class SiteConfig:
    """The whole site configuration as read from status.toml: the site, its components and its checks."""

    path: Path
    name: dict[str, str]
    base_url: str
    languages: tuple[str, ...]
    timezone: ZoneInfo
    contact_email: str
    groups: tuple[Group, ...]
    components: tuple[Component, ...]
    probe: ProbeSettings = field(default_factory=ProbeSettings)
    checks: tuple[Check, ...] = ()
    # [feeds] id_domain: where feed entry ids are minted, when not the feeds' own default.
    feed_id_domain: str | None = None
    # [feeds] corrections_from: commits before this day prepared the archive; only later ones are told
    # to readers as changes of a notice (None: every commit after the one that added a notice).
    corrections_from: date | None = None
    # [alerts]: where operator alerts go (mpass_status/notify/alerts.py).
    alerts: AlertsSettings = field(default_factory=AlertsSettings)

    def component(self, component_id: str) -> Component | None:
        """Returns the component with this id, or None."""
        return next((c for c in self.components if c.id == component_id), None)

    def expand(self, ids) -> tuple[str, ...]:
        """Turns component and group ids into component ids, in configuration order."""
        wanted = set(ids)
        return tuple(c.id for c in self.components if c.id in wanted or c.group in wanted)

    def login_methods(self) -> set[str]:
        """Returns the components only an authsources check covers: it sees that MPASSid offers them, no more."""
        offered = {c for check in self.checks if check.kind == CheckKind.AUTHSOURCES for c in check.components}
        tested = {c for check in self.checks if check.kind != CheckKind.AUTHSOURCES for c in check.components}
        return offered - tested

    def known_ids(self) -> set[str]:
        """Returns every id a notice may name: components and groups."""
        return {c.id for c in self.components} | {g.id for g in self.groups}
