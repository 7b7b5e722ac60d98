"""Reads the [probe] settings and the [[checks]] tables, reporting each mistake at its line."""

import re
from pathlib import Path
from urllib.parse import urlsplit

from mpass_status.config.database import is_postgresql
from mpass_status.config.lines import Reporter
from mpass_status.config.model import ENVIRONMENTS, Check, CheckKind, ProbeSettings

PROBE_KEYS = (
    "failures_to_down",
    "successes_to_up",
    "stale_after_intervals",
    "slow_ms",
    "retention_days",
    "database",
    "warn_days",
    "retry_interval",
    "reference_urls",
    "reference_timeout",
    "vantage",
    "quorum",
)
# A vantage point's name is shown to readers: short, one line, printable.
VANTAGE_LENGTH = 40
CHECK_KEYS = (
    "id",
    "kind",
    "environment",
    "url",
    "component",
    "components",
    "timeout",
    "interval",
    "slow_ms",
    "expect_status",
    "expect_text",
    "issuer",
    "entity_id",
    "sources",
    "ca_file",
    "jwks_hosts",
)
TEXT_KEYS = ("expect_text", "issuer", "entity_id", "ca_file")
# A bare host name or IP address, as urlsplit() gives it: with a scheme, port or path it would never match.
_HOST = re.compile(r"[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*")


class _Table:
    """One table of the file: its values, where it stands, and how its problems begin."""

    def __init__(self, report: Reporter, entry: dict, table: str, index: int = 0, where: str = ""):
        self.report, self.entry, self.table, self.index, self.where = report, entry, table, index, where

    def error(self, message: str, key: str | None = None) -> None:
        self.report.error(self.where + message, self.table, self.index, key)

    def number(self, key: str, default, kind=float, minimum=0):
        value = self.entry.get(key, default)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= minimum:
            self.error(f"'{key}' must be a number above {minimum}, not {value!r}", key)
            return default
        return kind(value)


def read_probe(raw, config_dir: Path, report: Reporter) -> ProbeSettings:
    """Returns the [probe] settings with defaults filled in; mistakes go to report."""
    default = ProbeSettings()
    if not isinstance(raw, dict):
        report.error("[probe] must be a table", "probe")
        return default
    report.unknown_keys(raw, PROBE_KEYS, "probe", where="[probe]: ")
    table = _Table(report, raw, "probe", where="[probe]: ")
    database = str(raw.get("database", default.database))
    if not is_postgresql(database):
        database = Path(database)
        database = database if database.is_absolute() else config_dir / database
    vantage = raw.get("vantage", default.vantage)
    if not isinstance(vantage, str) or len(vantage) > VANTAGE_LENGTH or not (vantage.isprintable()):
        table.error(f"'vantage' must be a one-line name of at most {VANTAGE_LENGTH} characters", "vantage")
        vantage = default.vantage
    quorum = raw.get("quorum", default.quorum)
    if isinstance(quorum, bool) or not isinstance(quorum, int) or quorum < 0:
        table.error(f"'quorum' must be a whole number, 0 for a majority, not {quorum!r}", "quorum")
        quorum = default.quorum
    return ProbeSettings(
        failures_to_down=table.number("failures_to_down", default.failures_to_down, int),
        successes_to_up=table.number("successes_to_up", default.successes_to_up, int),
        stale_after_intervals=table.number("stale_after_intervals", default.stale_after_intervals, int),
        slow_ms=table.number("slow_ms", default.slow_ms, int),
        retention_days=table.number("retention_days", default.retention_days, int),
        database=database,
        vantage=vantage.strip(),
        quorum=quorum,
        warn_days=table.number("warn_days", default.warn_days, int),
        retry_interval=table.number("retry_interval", default.retry_interval, int),
        reference_urls=_references(table, default.reference_urls),
        reference_timeout=table.number("reference_timeout", default.reference_timeout),
    )


def _web_address(value) -> bool:
    parts = urlsplit(value) if isinstance(value, str) else None
    return bool(parts and parts.scheme in ("http", "https") and parts.hostname)


def _references(table: _Table, default: tuple[str, ...]) -> tuple[str, ...]:
    # Two independent witnesses at least: one alone failing says as little as the broker failing.
    value = table.entry.get("reference_urls", list(default))
    if not isinstance(value, list) or len(value) < 2 or not all(_web_address(url) for url in value):
        table.error("'reference_urls' must list at least two http(s) addresses", "reference_urls")
        return default
    return tuple(value)


def _components(table: _Table, known: set[str]) -> tuple[str, ...] | None:
    entry = table.entry
    if entry.get("kind") == CheckKind.AUTHSOURCES:
        sources = entry.get("sources")
        if not isinstance(sources, dict) or not sources:
            table.error("'sources' must map component ids to source names", "sources")
            return None
        if any(not isinstance(name, str) or not name for name in sources.values()):
            table.error("every source name must be a non-empty string", "sources")
            return None
        ids, key = tuple(sources), "sources"
    elif "components" in entry:
        ids, key = entry["components"], "components"
        if not isinstance(ids, list) or not ids:
            table.error("'components' must be a non-empty list of component ids", key)
            return None
        ids = tuple(ids)
    elif entry.get("component"):
        ids, key = (entry["component"],), "component"
    else:
        table.error("names no component")
        return None
    unknown = [str(i) for i in ids if i not in known]
    if unknown:
        table.error(f"unknown component {', '.join(unknown)}", key)
        return None
    return ids


def _kind(table: _Table) -> CheckKind | None:
    kind = table.entry.get("kind")
    try:
        return CheckKind(kind)
    except ValueError:
        table.error(f"kind must be one of {', '.join(CheckKind)}, not {kind!r}", "kind")
        return None


def _check(table: _Table, known: set[str], probe: ProbeSettings) -> Check | None:
    entry, before = table.entry, len(table.report.problems)
    table.report.unknown_keys(entry, CHECK_KEYS, table.table, table.index, table.where)
    kind = _kind(table)
    environment = entry.get("environment")
    if environment not in ENVIRONMENTS:
        table.error(f"environment must be production or test, not {environment!r}", "environment")
    url = entry.get("url")
    parts = urlsplit(url) if isinstance(url, str) else None
    if not parts or parts.scheme not in ("http", "https") or not parts.hostname:
        table.error(f"'url' must be an http(s) address, not {url!r}", "url")
    elif kind == CheckKind.TLS and parts.scheme != "https":
        table.error("a tls check needs an https address", "url")
    if kind == CheckKind.OIDC and not entry.get("issuer"):
        table.error("an oidc check needs 'issuer'")
    if kind == CheckKind.SAML and not entry.get("entity_id"):
        table.error("a saml check needs 'entity_id'")
    for key in TEXT_KEYS:
        if key in entry and not isinstance(entry[key], str):
            table.error(f"'{key}' must be text", key)
    expect_status = entry.get("expect_status")
    if expect_status is not None and (
        isinstance(expect_status, bool) or not isinstance(expect_status, int) or not 100 <= expect_status <= 599
    ):
        table.error("'expect_status' must be an HTTP status code", "expect_status")
    jwks_hosts = entry.get("jwks_hosts", [])
    if not isinstance(jwks_hosts, list) or not all(isinstance(h, str) and _HOST.fullmatch(h) for h in jwks_hosts):
        table.error("'jwks_hosts' must list host names, such as [\"keys.example.fi\"]", "jwks_hosts")
    elif jwks_hosts and kind != CheckKind.OIDC:
        table.error("'jwks_hosts' belongs to an oidc check", "jwks_hosts")
    components = _components(table, known)
    timeout = table.number("timeout", 10)
    interval = table.number("interval", 60, int)
    if timeout >= interval:
        table.error("'timeout' must be shorter than 'interval'", "timeout")
    slow_ms = table.number("slow_ms", probe.slow_ms, int)
    if len(table.report.problems) > before:
        return None
    sources = entry.get("sources", {}) if kind == CheckKind.AUTHSOURCES else {}
    return Check(
        id=entry["id"],
        kind=kind,
        environment=environment,
        url=url,
        components=components,
        timeout=timeout,
        interval=interval,
        slow_ms=slow_ms,
        expect_status=expect_status,
        expect_text=entry.get("expect_text"),
        issuer=entry.get("issuer"),
        entity_id=entry.get("entity_id"),
        sources={str(k): str(v) for k, v in sources.items()},
        ca_file=entry.get("ca_file"),
        jwks_hosts=tuple(h.lower() for h in jwks_hosts),
    )


def read_checks(raw, known: set[str], probe: ProbeSettings, report: Reporter) -> tuple[Check, ...]:
    """Returns the valid checks; each bad table is reported on its own so one does not hide the others."""
    if not isinstance(raw, list):
        report.error("checks must be written as [[checks]] tables", "checks")
        return ()
    checks, seen = [], set()
    for index, entry in enumerate(raw):
        check_id = entry.get("id") if isinstance(entry, dict) else None
        if not check_id or not isinstance(check_id, str):
            report.error("a check lacks its id", "checks", index)
            continue
        if check_id in seen:
            report.error(f"duplicate check id {check_id}", "checks", index, "id")
            continue
        seen.add(check_id)
        check = _check(_Table(report, entry, "checks", index, f"check {check_id}: "), known, probe)
        if check is not None:
            checks.append(check)
    return tuple(checks)
