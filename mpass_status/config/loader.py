"""Reads status.toml once into a SiteConfig, or into every problem it has, each at its line."""

import re
import tomllib
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from mpass_status.config.alerts import read_alerts
from mpass_status.config.checks import read_checks, read_probe
from mpass_status.config.lines import Reporter
from mpass_status.config.model import LANGUAGES, Component, Group, SiteConfig
from mpass_status.problems import Problem, shown_path

TABLES = ("site", "groups", "components", "probe", "checks", "feeds", "alerts")
SITE_KEYS = ("name", "base_url", "languages", "timezone", "contact_email")
# A group's optional texts: a group's name rarely reads naturally inside a shared sentence
# ("…koskevat kirjautumistapoja") or after a component's name ("(tuotanto)").
GROUP_TEXTS = ("qualifier", "feed_description")
# tomllib names the place of a syntax error only inside its message: "... (at line 12, column 5)".
_TOML_LINE = re.compile(r"at line (\d+)")


class ConfigError(Exception):
    """The site configuration is missing, unreadable or has mistakes; problems says where."""

    def __init__(self, problems: list[Problem]):
        self.problems = tuple(sorted(problems, key=lambda p: p.line))
        super().__init__("\n".join(str(p) for p in self.problems))


def _names(report: Reporter, entry: dict, languages, table: str, index: int = 0, where: str = "") -> dict[str, str]:
    return _localized(report, entry, "name", languages, table, index, where)


def _localized(
    report: Reporter, entry: dict, key: str, languages, table: str, index: int = 0, where: str = ""
) -> dict[str, str]:
    """Reads a text written in every site language: { fi = "…", sv = "…" }."""
    texts = entry.get(key)
    if not isinstance(texts, dict):
        report.error(f"{where}'{key}' must be a table of languages", table, index, key)
        return {lang: "" for lang in languages}
    missing = [lang for lang in languages if not texts.get(lang)]
    if missing:
        report.error(f"{where}{key} lacks {', '.join(missing)}", table, index, key)
    return {lang: str(texts.get(lang, "")) for lang in languages}


def _entries(report: Reporter, data: dict, table: str) -> list[dict]:
    raw = data.get(table, [])
    if not isinstance(raw, list) or not all(isinstance(entry, dict) for entry in raw):
        report.error(f"{table} must be written as [[{table}]] tables", table)
        return []
    return raw


def _groups(report: Reporter, data: dict, languages) -> tuple[Group, ...]:
    groups = []
    for index, entry in enumerate(_entries(report, data, "groups")):
        where = f"group {entry.get('id')}: "
        report.unknown_keys(entry, ("id", "name", *GROUP_TEXTS), "groups", index, where)
        if not entry.get("id") or not isinstance(entry["id"], str):
            report.error("a group lacks its id", "groups", index)
            continue
        names = _names(report, entry, languages, "groups", index, where)
        given = [key for key in GROUP_TEXTS if key in entry]
        texts = {key: _localized(report, entry, key, languages, "groups", index, where) for key in given}
        groups.append(Group(entry["id"], names, **texts))
    return tuple(groups)


def _components(report: Reporter, data: dict, languages, groups) -> tuple[Component, ...]:
    group_ids = {g.id for g in groups}
    components = []
    for index, entry in enumerate(_entries(report, data, "components")):
        where = f"component {entry.get('id')}: "
        report.unknown_keys(entry, ("id", "group", "name", "description", "created"), "components", index, where)
        if not entry.get("id") or not isinstance(entry["id"], str):
            report.error("a component lacks its id", "components", index)
            continue
        if entry.get("group") not in group_ids:
            # Kept all the same, so that checks naming it are not reported too.
            report.error(f"{where}unknown group {entry.get('group')!r}", "components", index, "group")
        names = _names(report, entry, languages, "components", index, where)
        description = None
        if "description" in entry:
            description = _localized(report, entry, "description", languages, "components", index, where)
        created = entry.get("created")
        if created is not None and not (isinstance(created, date) and not isinstance(created, datetime)):
            report.error(f"{where}created must be a date written as 2026-11-23", "components", index, "created")
            created = None
        components.append(Component(entry["id"], entry["group"], names, description, created))
    ids = [c.id for c in components] + [g.id for g in groups]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        report.error(f"duplicate ids {', '.join(duplicates)}", "components")
    return tuple(components)


def _read(path: Path) -> tuple[str, dict]:
    shown = shown_path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError([Problem(shown, 1, f"cannot read the configuration: {exc}")]) from None
    try:
        return text, tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = _TOML_LINE.search(str(exc))
        raise ConfigError([Problem(shown, int(found.group(1)) if found else 1, f"not valid TOML: {exc}")]) from None


def load_config(path) -> SiteConfig:
    """Reads and checks the TOML file at path; raises ConfigError naming every mistake's line."""
    path = Path(path)
    text, data = _read(path)
    report = Reporter(path, text)
    for key in data:
        if key not in TABLES:
            report.error(f"unknown table [{key}]", key)
    site = data.get("site", {})
    if not isinstance(site, dict):
        report.error("[site] must be a table", "site")
        site = {}
    report.unknown_keys(site, SITE_KEYS, "site", where="[site]: ")
    languages = site.get("languages", list(LANGUAGES))
    if not isinstance(languages, list) or not languages or any(lang not in LANGUAGES for lang in languages):
        report.error("[site]: languages must be drawn from fi and sv", "site", key="languages")
        languages = list(LANGUAGES)
    languages = tuple(languages)
    try:
        timezone = ZoneInfo(str(site.get("timezone", "Europe/Helsinki")))
    except (ValueError, KeyError):
        report.error(f"[site]: unknown timezone {site.get('timezone')!r}", "site", key="timezone")
        timezone = ZoneInfo("Europe/Helsinki")
    groups = _groups(report, data, languages)
    components = _components(report, data, languages, groups)
    probe = read_probe(data.get("probe", {}), path.resolve().parent, report)
    checks = read_checks(data.get("checks", []), {c.id for c in components}, probe, report)
    feeds = data.get("feeds", {})
    if not isinstance(feeds, dict):
        report.error("[feeds] must be a table", "feeds")
        feeds = {}
    report.unknown_keys(feeds, ("id_domain", "corrections_from"), "feeds", where="[feeds]: ")
    corrections_from = feeds.get("corrections_from")
    if corrections_from is not None and (
        not isinstance(corrections_from, date) or isinstance(corrections_from, datetime)
    ):
        report.error(
            "[feeds]: 'corrections_from' must be a date written as 2026-11-26", "feeds", key="corrections_from"
        )
        corrections_from = None
    id_domain = feeds.get("id_domain")
    if id_domain is not None and (not isinstance(id_domain, str) or not id_domain):
        report.error("[feeds]: 'id_domain' must be a domain name", "feeds", key="id_domain")
        id_domain = None
    name = _names(report, site, languages, "site", where="[site]: ")
    alerts = read_alerts(data.get("alerts", {}), {g.id for g in groups}, {c.id for c in components}, report)
    if report.problems:
        raise ConfigError(report.problems)
    return SiteConfig(
        path=path,
        name=name,
        base_url=str(site.get("base_url", "http://127.0.0.1:5000")).rstrip("/"),
        languages=languages,
        timezone=timezone,
        contact_email=str(site.get("contact_email", "")),
        groups=groups,
        components=components,
        probe=probe,
        checks=checks,
        feed_id_domain=id_domain,
        corrections_from=corrections_from,
        alerts=alerts,
    )
