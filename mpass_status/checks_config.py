"""Parses the [probe] settings and [[checks]] tables of the site configuration into dataclasses."""

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from mpass_status.config import ConfigError, SiteConfig

KINDS = ("http", "oidc", "saml", "authsources", "tls")
ENVIRONMENTS = ("production", "test")


@dataclass(frozen=True)
class ProbeSettings:
    failures_to_down: int = 3
    successes_to_up: int = 2
    stale_after_intervals: int = 3
    slow_ms: int = 3000
    retention_days: int = 90
    # Relative paths resolve against the directory of the configuration file.
    database: Path = Path("instance/status.sqlite3")
    warn_days: int = 30


@dataclass(frozen=True)
class Check:
    id: str
    kind: str
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


def _number(entry, key, default, where, kind=float, minimum=0):
    value = entry.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= minimum:
        raise ConfigError(f"{where}: '{key}' must be a number above {minimum}, not {value!r}")
    return kind(value)


def parse_probe(config: SiteConfig) -> ProbeSettings:
    """Returns the [probe] settings with defaults filled in, raising ConfigError on bad values."""
    raw = config.sections.get("probe", {})
    if not isinstance(raw, dict):
        raise ConfigError(f"{config.path}: [probe] must be a table")
    where = f"{config.path}: [probe]"
    default = ProbeSettings()
    database = Path(str(raw.get("database", default.database)))
    if not database.is_absolute():
        database = config.path.parent / database
    return ProbeSettings(
        failures_to_down=_number(raw, "failures_to_down", default.failures_to_down, where, int),
        successes_to_up=_number(raw, "successes_to_up", default.successes_to_up, where, int),
        stale_after_intervals=_number(raw, "stale_after_intervals", default.stale_after_intervals, where, int),
        slow_ms=_number(raw, "slow_ms", default.slow_ms, where, int),
        retention_days=_number(raw, "retention_days", default.retention_days, where, int),
        database=database,
        warn_days=_number(raw, "warn_days", default.warn_days, where, int),
    )


def _components(entry, where, known) -> tuple[str, ...]:
    if entry.get("kind") == "authsources":
        sources = entry.get("sources")
        if not isinstance(sources, dict) or not sources:
            raise ConfigError(f"{where}: 'sources' must map component ids to source names")
        ids = tuple(sources)
    elif "components" in entry:
        ids = entry["components"]
        if not isinstance(ids, list) or not ids:
            raise ConfigError(f"{where}: 'components' must be a non-empty list of component ids")
        ids = tuple(ids)
    elif entry.get("component"):
        ids = (entry["component"],)
    else:
        raise ConfigError(f"{where}: names no component")
    unknown = [str(i) for i in ids if i not in known]
    if unknown:
        raise ConfigError(f"{where}: unknown component {', '.join(unknown)}")
    return ids


def _check(entry, config: SiteConfig, probe: ProbeSettings) -> Check:
    check_id = entry.get("id") if isinstance(entry, dict) else None
    if not check_id or not isinstance(check_id, str):
        raise ConfigError(f"{config.path}: a check lacks its id")
    where = f"{config.path}: check {check_id}"
    kind = entry.get("kind")
    if kind not in KINDS:
        raise ConfigError(f"{where}: kind must be one of {', '.join(KINDS)}, not {kind!r}")
    environment = entry.get("environment")
    if environment not in ENVIRONMENTS:
        raise ConfigError(f"{where}: environment must be production or test, not {environment!r}")
    url = entry.get("url")
    parts = urlsplit(url) if isinstance(url, str) else None
    if not parts or parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"{where}: 'url' must be an http(s) address, not {url!r}")
    if kind == "tls" and parts.scheme != "https":
        raise ConfigError(f"{where}: a tls check needs an https address")
    if kind == "oidc" and not entry.get("issuer"):
        raise ConfigError(f"{where}: an oidc check needs 'issuer'")
    if kind == "saml" and not entry.get("entity_id"):
        raise ConfigError(f"{where}: a saml check needs 'entity_id'")
    expect_status = entry.get("expect_status")
    if expect_status is not None and (not isinstance(expect_status, int) or not 100 <= expect_status <= 599):
        raise ConfigError(f"{where}: 'expect_status' must be an HTTP status code")
    sources = entry.get("sources", {}) if kind == "authsources" else {}
    components = _components(entry, where, {c.id for c in config.components})
    if any(not isinstance(name, str) or not name for name in sources.values()):
        raise ConfigError(f"{where}: every source name must be a non-empty string")
    timeout = _number(entry, "timeout", 10, where)
    interval = _number(entry, "interval", 60, where, int)
    if timeout >= interval:
        raise ConfigError(f"{where}: 'timeout' must be shorter than 'interval'")
    return Check(
        id=check_id,
        kind=kind,
        environment=environment,
        url=url,
        components=components,
        timeout=timeout,
        interval=interval,
        slow_ms=_number(entry, "slow_ms", probe.slow_ms, where, int),
        expect_status=expect_status,
        expect_text=entry.get("expect_text"),
        issuer=entry.get("issuer"),
        entity_id=entry.get("entity_id"),
        sources={str(k): str(v) for k, v in sources.items()},
        ca_file=entry.get("ca_file"),
    )


def parse_checks(config: SiteConfig) -> tuple[Check, ...]:
    """Returns the configured checks, raising ConfigError naming the first bad check."""
    probe = parse_probe(config)
    raw = config.sections.get("checks", [])
    if not isinstance(raw, list):
        raise ConfigError(f"{config.path}: checks must be written as [[checks]] tables")
    checks = tuple(_check(entry, config, probe) for entry in raw)
    ids = [c.id for c in checks]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ConfigError(f"{config.path}: duplicate check ids {', '.join(duplicates)}")
    return checks


def validate_checks(config: SiteConfig) -> list[str]:
    """Returns every problem of the [probe] and [[checks]] sections as readable lines (empty when fine)."""
    problems = []
    try:
        probe = parse_probe(config)
    except ConfigError as exc:
        problems.append(str(exc))
        probe = ProbeSettings()
    raw = config.sections.get("checks", [])
    if not isinstance(raw, list):
        return problems + [f"{config.path}: checks must be written as [[checks]] tables"]
    seen = set()
    for entry in raw:
        # Each check is validated on its own so one bad table does not hide the others.
        try:
            check = _check(entry, config, probe)
        except ConfigError as exc:
            problems.append(str(exc))
            continue
        if check.id in seen:
            problems.append(f"{config.path}: duplicate check id {check.id}")
        seen.add(check.id)
    return problems
