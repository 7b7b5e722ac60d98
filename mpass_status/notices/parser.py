"""Turns one notice file into a Notice, or into problems that name their line."""

import re
from datetime import date, datetime, time
from pathlib import Path

import yaml

from mpass_status.config import SiteConfig
from mpass_status.notices.limits import (
    MAX_DEPTH,
    UNWANTED,
    body_too_deep,
    describe,
    forbidden_characters,
    front_matter_too_deep,
    yaml_too_deep,
)
from mpass_status.notices.markdown import render_block, render_inline
from mpass_status.notices.messages import guide_link, message
from mpass_status.notices.model import SEVERITIES, STAGES, TYPES, Notice, Update
from mpass_status.notices.moments import TimeError, parse_moment
from mpass_status.problems import Problem

FILENAME = re.compile(r"^(\d{4}-\d{2}-\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)\.md$")
MAX_BYTES = 256 * 1024
FIELDS = (
    "id",
    "type",
    "severity",
    "affected",
    "start",
    "end",
    "cancelled",
    "published_by",
    "title",
    "summary",
    "updates",
)
UPDATE_FIELDS = ("time", "stage")
_MARKER = re.compile(r"^<!--\s*([a-z]{2,3})\s*-->\s*$")
_STANDARD_TAGS = {f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")}
_TRUE, _FALSE = {"true", "yes", "on"}, {"false", "no", "off"}
# Composing only (never constructing objects) is what keeps loading safe. The
# base loader resolves no implicit types, so every scalar stays the text the
# editor wrote; libyaml's composer is some ten times faster than pure Python.
_LOADER = getattr(yaml, "CBaseLoader", yaml.BaseLoader)
_NULLS = {"", "~", "null", "Null", "NULL"}


class _Invalid(Exception):
    """Stops reading a file whose structure makes further checks meaningless."""


class _Reader:
    """Collects the problems of one file while its fields are read."""

    def __init__(self, path: str, config: SiteConfig):
        self.path, self.config = path, config
        self.problems: list[Problem] = []

    def error(self, line: int, key: str, **values) -> None:
        text, topic = message(key, **values)
        self.problems.append(Problem(self.path, line, text, guide=guide_link(topic)))

    def warn(self, line: int, key: str, **values) -> None:
        text, topic = message(key, **values)
        self.problems.append(Problem(self.path, line, text, warning=True, guide=guide_link(topic)))

    # YAML nodes become (value, line) pairs so that every later check can name a line.
    def tree(self, node, offset: int, seen: set):
        line = node.start_mark.line + offset
        if id(node) in seen:
            self.error(line, "anchors")
            raise _Invalid
        seen.add(id(node))
        if node.tag not in _STANDARD_TAGS:
            self.error(line, "yaml_tag", tag=node.tag)
            raise _Invalid
        if isinstance(node, yaml.MappingNode):
            result = {}
            for key, value in node.value:
                if not isinstance(key, yaml.ScalarNode):
                    self.error(line, "field_name_text")
                    raise _Invalid
                key_line = key.start_mark.line + offset
                if key.value in result:
                    self.error(key_line, "field_twice", name=key.value)
                # A field's problems are reported at its name's line, where editors look.
                result[key.value] = (self.tree(value, offset, seen)[0], key_line)
            return result, line
        if isinstance(node, yaml.SequenceNode):
            return [self.tree(item, offset, seen) for item in node.value], line
        if not node.style and node.value in _NULLS:  # plain style: None, or "" from libyaml
            return None, line
        # A YAML escape ("\x0b", "\e") writes a control character the raw text does not show.
        character = UNWANTED.search(node.value)
        if character:
            self.error(line, "control_escape", character=describe(character.group()))
        return node.value, line

    def text(self, entry, name: str) -> str | None:
        value, line = entry
        if value is None:
            return None
        if not isinstance(value, str):
            self.error(line, "must_be_text", name=name)
            return None
        return value.strip()

    def moment(self, entry, name: str):
        value = self.text(entry, name)
        if not value:
            return None
        try:
            moment, warning = parse_moment(value, self.config.timezone)
        except TimeError as exc:
            self.error(entry[1], exc.key, name=name, **exc.values)
            return None
        if warning:
            self.warn(entry[1], "time_twice", name=name, **warning)
        return moment

    def languages(self, entry, name: str, required: bool) -> dict[str, str]:
        value, line = entry
        if value is None:
            value = {}
        if not isinstance(value, dict):
            self.error(line, "per_language", name=name)
            return {}
        texts = {}
        for lang, item in value.items():
            if lang not in self.config.languages:
                choices = " or ".join(self.config.languages)
                self.error(item[1], "unknown_language", name=name, lang=lang, choices=choices)
                continue
            text = self.text(item, f"{name}.{lang}")
            if text:
                texts[lang] = text
        if required and not texts:
            self.error(line, "text_missing", name=name)
        else:
            for lang in self.config.languages:
                if texts and lang not in texts:
                    self.warn(line, "lacks_language", name=name, lang=lang)
        return texts


def _split_front_matter(text: str, reader: _Reader) -> tuple[str, str, int]:
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        reader.error(1, "no_opening")
        raise _Invalid
    for number, line in enumerate(lines[1:], start=2):
        if line.strip() == "---":
            return "\n".join(lines[1 : number - 1]), "\n".join(lines[number:]), number + 1
    reader.error(1, "not_closed")
    raise _Invalid


def _split_bodies(body: str, first_line: int, reader: _Reader) -> dict[str, str]:
    parts: dict[str, list[str]] = {}
    current = None
    for number, line in enumerate(body.split("\n"), start=first_line):
        marker = _MARKER.match(line)
        if marker:
            lang = marker.group(1)
            if lang not in reader.config.languages:
                reader.error(number, "marker_unknown", lang=lang)
                current = None
            elif lang in parts:
                reader.error(number, "body_twice", lang=lang)
            else:
                parts[lang] = []
                current = lang
            continue
        if current is None:
            if line.strip():
                reader.error(number, "body_without_marker")
            continue
        parts[current].append(line)
    return {lang: "\n".join(lines).strip() for lang, lines in parts.items() if "\n".join(lines).strip()}


def _updates(entry, kind: str, reader: _Reader) -> list[tuple[Update, int]]:
    value, line = entry
    if value is None:
        return []
    if kind not in STAGES:
        reader.error(line, "updates_kind", kind=kind)
        return []
    if not isinstance(value, list):
        reader.error(line, "updates_list")
        return []
    updates = []
    for item, item_line in value:
        if not isinstance(item, dict):
            reader.error(item_line, "update_shape")
            continue
        for name in item:
            if name not in UPDATE_FIELDS and name not in reader.config.languages:
                reader.error(item[name][1], "update_field", name=name, languages=", ".join(reader.config.languages))
        moment = reader.moment(item["time"], "time") if "time" in item else None
        if "time" not in item or item["time"][0] in (None, ""):
            reader.error(item["time"][1] if "time" in item else item_line, "update_time_missing")
        stage = reader.text(item["stage"], "stage") if "stage" in item else None
        if stage not in STAGES[kind]:
            where = item["stage"][1] if "stage" in item else item_line
            choices = ", ".join(STAGES[kind])
            if stage:
                reader.error(where, "stage_unknown", stage=stage, kind=kind, choices=choices)
            else:
                reader.error(where, "stage_missing", choices=choices)
        texts = {}
        for lang in reader.config.languages:
            text = reader.text(item[lang], f"update {lang}") if lang in item else None
            if text:
                texts[lang] = text
            elif any(other in item for other in reader.config.languages):
                reader.warn(item_line, "update_lacks_language", lang=lang)
        if not texts:
            reader.error(item_line, "update_text_missing")
        if moment and stage in STAGES[kind] and texts:
            html = {lang: render_inline(text) for lang, text in texts.items()}
            updates.append((Update(moment, stage, texts, html), item_line))
    return updates


def parse_notice(
    path: Path, config: SiteConfig, display_path: str | None = None
) -> tuple[Notice | None, list[Problem]]:
    """Reads the notice file at path; returns the notice (None if unusable) and every problem found.

    Nothing a file holds escapes as an exception: the limits keep the parsers from harm, and anything
    they miss is still one problem of this file, never a crash of the check or the site.
    """
    shown = display_path or str(path)
    reader = _Reader(shown, config)
    try:
        return _parse(path, reader), reader.problems
    except _Invalid:
        return None, reader.problems
    except (RecursionError, MemoryError) as exc:
        reader.error(1, "too_complex", error=type(exc).__name__)
    except Exception as exc:  # noqa: BLE001 - one file must never take the others down
        # repr: the message may quote the file, and must not carry its control characters to a terminal.
        reader.error(1, "unreadable", error=f"{type(exc).__name__}: {str(exc)!r}"[:300])
    return None, reader.problems


def _refuse_what_parsers_cannot_take(text: str, front: str, body: str, body_line: int, reader: _Reader) -> None:
    """Stops a file that nests too deeply or holds characters XML cannot carry, naming the line."""
    stop = False
    for line, character in forbidden_characters(text)[:5]:
        reader.error(line, "control_character", character=character)
        stop = True
    deep = front_matter_too_deep(front, 2)
    if deep is not None:
        reader.error(deep, "front_too_deep", limit=MAX_DEPTH)
        stop = True
    deep = body_too_deep(body, body_line)
    if deep is not None:
        reader.error(deep, "body_too_deep", limit=MAX_DEPTH)
        stop = True
    if stop:
        raise _Invalid


def _parse(path: Path, reader: _Reader) -> Notice | None:
    config = reader.config
    match = FILENAME.match(path.name)
    if not match:
        reader.error(1, "filename_pattern")
        raise _Invalid
    try:
        day = date.fromisoformat(match.group(1))
    except ValueError:
        reader.error(1, "filename_date", date=match.group(1))
        raise _Invalid from None
    stat = path.stat()
    if stat.st_size > MAX_BYTES:
        reader.error(1, "too_big", size=stat.st_size // 1024, limit=MAX_BYTES // 1024)
        raise _Invalid
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        reader.error(raw[: exc.start].count(b"\n") + 1, "not_utf8")
        raise _Invalid from None
    text = text.lstrip("\ufeff").replace("\r\n", "\n")
    front, body, body_line = _split_front_matter(text, reader)
    _refuse_what_parsers_cannot_take(text, front, body, body_line, reader)
    try:
        deep = yaml_too_deep(front, _LOADER, 2)
        if deep is not None:
            reader.error(deep, "front_too_deep", limit=MAX_DEPTH)
            raise _Invalid
        node = yaml.compose(front, Loader=_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        reader.error((mark.line + 2) if mark else 2, "yaml_invalid", problem=problem)
        raise _Invalid from None
    if node is None or not isinstance(node, yaml.MappingNode):
        reader.error(2, "not_fields")
        raise _Invalid
    fields, _ = reader.tree(node, 2, set())
    for name, (_, line) in fields.items():
        if name not in FIELDS:
            reader.error(line, "unknown_field", name=name, choices=", ".join(FIELDS))
    missing = (None, 2)

    kind = reader.text(fields.get("type", missing), "type")
    if kind not in TYPES:
        where, choices = fields.get("type", missing)[1], ", ".join(TYPES)
        if kind:
            reader.error(where, "type_unknown", value=kind, choices=choices)
        else:
            reader.error(where, "type_missing", choices=choices)
        raise _Invalid
    severity = reader.text(fields.get("severity", missing), "severity")
    if kind in STAGES:
        if severity not in SEVERITIES:
            where, choices = fields.get("severity", missing)[1], ", ".join(SEVERITIES)
            if severity:
                reader.error(where, "severity_unknown", value=severity, choices=choices)
            else:
                reader.error(where, "severity_missing", choices=choices)
    elif severity:
        reader.error(fields["severity"][1], "severity_not_here", kind=kind)
        severity = None

    affected_value, affected_line = fields.get("affected", missing)
    items = (
        affected_value
        if isinstance(affected_value, list)
        else ([(affected_value, affected_line)] if affected_value else [])
    )
    affected = []
    for value, line in items:
        if not isinstance(value, str) or value not in config.known_ids():
            reader.error(line, "component_unknown", value=value, choices=", ".join(sorted(config.known_ids())))
        else:
            affected.append(value)
    if kind in STAGES and not items:
        reader.error(affected_line, "affected_missing")

    start = reader.moment(fields.get("start", missing), "start")
    end = reader.moment(fields.get("end", missing), "end")
    if start is None and kind != "announcement" and "start" not in fields:
        reader.error(2, "start_missing")
    if start and end and end.at < start.at:
        reader.error(fields["end"][1], "end_before_start")

    cancelled_value, cancelled_line = fields.get("cancelled", missing)
    cancelled = False
    if cancelled_value is not None:
        if str(cancelled_value).lower() in _TRUE:
            cancelled = True
        elif str(cancelled_value).lower() not in _FALSE:
            reader.error(cancelled_line, "cancelled_bool")
        if cancelled and kind != "maintenance":
            reader.error(cancelled_line, "cancelled_kind")

    title = reader.languages(fields.get("title", missing), "title", required=True)
    summary = reader.languages(fields.get("summary", missing), "summary", required=True)
    updates = _updates(fields.get("updates", missing), kind, reader)
    for update, line in updates:
        early = start and update.time.at < start.at and update.stage != "scheduled"
        late = end and update.time.at > end.at
        if early or late:
            reader.error(line, "update_outside")
    stages = [u.stage for u, _ in sorted(updates, key=lambda pair: pair[0].time.at)]
    if kind == "incident" and stages and stages[-1] == "resolved" and end is None:
        reader.error(fields.get("end", missing)[1], "resolved_needs_end")
    if kind == "incident" and end and stages and stages[-1] != "resolved":
        reader.warn(fields["end"][1], "ended_not_resolved")

    bodies = _split_bodies(body, body_line, reader)
    if bodies:
        for lang in config.languages:
            if lang not in bodies:
                reader.warn(body_line, "body_lacks_language", lang=lang)

    published_by = _published_by(fields.get("published_by", missing), day, updates, reader)
    notice_id = reader.text(fields.get("id", missing), "id") or path.stem
    if any(p for p in reader.problems if not p.warning):
        return None
    ordered = tuple(u for u, _ in sorted(updates, key=lambda pair: pair[0].time.at, reverse=True))
    midnight = datetime.combine(day, time(0), tzinfo=config.timezone)
    return Notice(
        id=notice_id,
        slug=path.stem,
        path=reader.path,
        date=day,
        type=kind,
        severity=severity,
        affected=tuple(affected),
        components=config.expand(affected),
        start=start,
        end=end,
        cancelled=cancelled,
        title=title,
        summary=summary,
        updates=ordered,
        body_html={lang: render_block(text) for lang, text in bodies.items()},
        published=min([u.time.at for u in ordered], default=midnight),
        languages=config.languages,
        published_by=published_by,
    )


def _published_by(entry, day: date, updates, reader: _Reader) -> bool:
    """Reads `published_by`: the record shows only the latest day a notice can have been published.

    The file name then carries that day, and the page says "published no later than" it.
    """
    value, line = entry
    if value is None:
        return False
    moment = reader.moment(entry, "published_by")
    if moment is None:
        return False
    if moment.has_time:
        reader.error(line, "published_by_time")
    elif moment.at.date() != day:
        reader.error(line, "published_by_filename", date=moment.at.date().isoformat())
    if updates:
        reader.error(line, "published_by_updates")
    return True
