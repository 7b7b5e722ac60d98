"""Loads the site configuration (TOML) that names the site, its languages and components."""

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo


class ConfigError(Exception):
    """The site configuration is missing, unreadable or inconsistent."""


@dataclass(frozen=True)
class Group:
    id: str
    name: dict[str, str]


@dataclass(frozen=True)
class Component:
    id: str
    group: str
    name: dict[str, str]


@dataclass(frozen=True)
class SiteConfig:
    path: Path
    name: dict[str, str]
    base_url: str
    languages: tuple[str, ...]
    timezone: ZoneInfo
    contact_email: str
    groups: tuple[Group, ...]
    components: tuple[Component, ...]
    # Sections that other modules own (e.g. [[checks]]), passed on as parsed.
    sections: dict = field(default_factory=dict)

    def component(self, component_id: str) -> Component | None:
        """Returns the component with this id, or None."""
        return next((c for c in self.components if c.id == component_id), None)

    def expand(self, ids) -> tuple[str, ...]:
        """Turns component and group ids into component ids, in configuration order."""
        wanted = set(ids)
        return tuple(c.id for c in self.components if c.id in wanted or c.group in wanted)

    def known_ids(self) -> set[str]:
        """Returns every id a notice may name: components and groups."""
        return {c.id for c in self.components} | {g.id for g in self.groups}


def _names(entry: dict, languages, where: str) -> dict[str, str]:
    names = entry.get("name")
    if not isinstance(names, dict):
        raise ConfigError(f"{where}: 'name' must be a table of languages")
    missing = [lang for lang in languages if not names.get(lang)]
    if missing:
        raise ConfigError(f"{where}: name lacks {', '.join(missing)}")
    return {lang: str(names[lang]) for lang in languages}


def load_config(path) -> SiteConfig:
    """Reads and checks the TOML file at path."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    site = data.get("site", {})
    languages = tuple(site.get("languages", ("fi", "sv")))
    if not languages or any(lang not in ("fi", "sv") for lang in languages):
        raise ConfigError(f"{path}: languages must be drawn from fi and sv")
    try:
        timezone = ZoneInfo(site.get("timezone", "Europe/Helsinki"))
    except (ValueError, KeyError) as exc:
        raise ConfigError(f"{path}: unknown timezone {site.get('timezone')!r}") from exc
    groups = tuple(Group(g["id"], _names(g, languages, f"{path}: group {g.get('id')}")) for g in data.get("groups", []))
    group_ids = {g.id for g in groups}
    components = []
    for c in data.get("components", []):
        where = f"{path}: component {c.get('id')}"
        if not c.get("id"):
            raise ConfigError(f"{path}: a component lacks its id")
        if c.get("group") not in group_ids:
            raise ConfigError(f"{where}: unknown group {c.get('group')!r}")
        components.append(Component(c["id"], c["group"], _names(c, languages, where)))
    ids = [c.id for c in components] + [g.id for g in groups]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ConfigError(f"{path}: duplicate ids {', '.join(duplicates)}")
    return SiteConfig(
        path=path,
        name=_names(site, languages, f"{path}: [site]"),
        base_url=str(site.get("base_url", "http://127.0.0.1:5000")).rstrip("/"),
        languages=languages,
        timezone=timezone,
        contact_email=str(site.get("contact_email", "")),
        groups=groups,
        components=tuple(components),
        sections={k: v for k, v in data.items() if k not in ("site", "groups", "components")},
    )
