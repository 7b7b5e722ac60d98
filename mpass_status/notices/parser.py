"""Turns one notice file into a Notice, or into problems that name their line.

The file is read in order: its name, its text, the front matter between the '---' lines, then each field
(notices/fields.py) and the body; a Reader (notices/reader.py) collects every problem on the way.
"""

import re
from datetime import date, datetime, time
from pathlib import Path

import yaml

from mpass_status.config import SiteConfig
from mpass_status.files import read_regular
from mpass_status.notices.fields import (
    MISSING,
    check_names,
    check_timeline,
    read_affected,
    read_body,
    read_cancelled,
    read_published_by,
    read_see_also,
    read_severity,
    read_span,
    read_type,
    read_updates,
)
from mpass_status.notices.limits import (
    MAX_DEPTH,
    body_too_deep,
    forbidden_characters,
    front_matter_too_deep,
    yaml_too_deep,
)
from mpass_status.notices.model import Notice
from mpass_status.notices.reader import Invalid, Reader
from mpass_status.problems import Problem

FILENAME = re.compile(r"^(\d{4}-\d{2}-\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)\.md$")
MAX_BYTES = 256 * 1024
# Composing only (never constructing objects) is what keeps loading safe. The
# base loader resolves no implicit types, so every scalar stays the text the
# editor wrote; libyaml's composer is some ten times faster than pure Python.
YAML_LOADER = getattr(yaml, "CBaseLoader", yaml.BaseLoader)


def parse_notice(
    path: Path, config: SiteConfig, display_path: str | None = None
) -> tuple[Notice | None, list[Problem]]:
    """Reads the notice file at path; returns the notice (None if unusable) and every problem found.

    Nothing a file holds escapes as an exception: the limits keep the parsers from harm, and anything
    they miss is still one problem of this file, never a crash of the check or the site.
    """
    shown = display_path or str(path)
    reader = Reader(shown, config)
    try:
        return _parse(path, reader), reader.problems
    except Invalid:
        return None, reader.problems
    except (RecursionError, MemoryError) as exc:
        reader.error(1, "too_complex", error=type(exc).__name__)
    except Exception as exc:  # noqa: BLE001 - one file must never take the others down
        # repr: the message may quote the file, and must not carry its control characters to a terminal.
        reader.error(1, "unreadable", error=f"{type(exc).__name__}: {str(exc)!r}"[:300])
    return None, reader.problems


def _parse(path: Path, reader: Reader) -> Notice | None:
    day = _file_day(path, reader)
    text = _file_text(path, reader)
    front, body, body_line = _split_front_matter(text, reader)
    _refuse_what_parsers_cannot_take(text, front, body, body_line, reader)
    fields = _front_matter(front, reader)
    kind = read_type(fields, reader)
    severity = read_severity(fields, kind, reader)
    affected = read_affected(fields, kind, reader)
    start, end = read_span(fields, kind, reader)
    cancelled = read_cancelled(fields, kind, reader)
    title = reader.languages(fields.get("title", MISSING), "title", required=True)
    summary = reader.languages(fields.get("summary", MISSING), "summary", required=True)
    editor_note = reader.languages(fields.get("editor_note", MISSING), "editor_note", required=False)
    see_also = read_see_also(fields, reader)
    updates = read_updates(fields, kind, reader)
    check_timeline(fields, kind, start, end, updates, reader)
    bodies = read_body(body, body_line, reader)
    published_by = read_published_by(fields, day, updates, reader)
    notice_id = reader.text(fields.get("id", MISSING), "id") or path.stem
    if reader.has_errors():
        return None
    config = reader.config
    ordered = tuple(u for u, _ in sorted(updates, key=lambda pair: pair[0].time.at, reverse=True))
    midnight = datetime.combine(day, time(0), tzinfo=config.timezone)
    return Notice(
        id=notice_id,
        slug=path.stem,
        path=reader.path,
        date=day,
        type=kind,
        severity=severity,
        affected=affected,
        components=config.expand(affected),
        start=start,
        end=end,
        cancelled=cancelled,
        title=title,
        summary=summary,
        updates=ordered,
        body=bodies,
        published=min([u.time.at for u in ordered], default=midnight),
        languages=config.languages,
        published_by=published_by,
        editor_note=editor_note,
        see_also=see_also,
    )


def _file_day(path: Path, reader: Reader) -> date:
    """Returns the day the file's name begins with, stopping a file misnamed."""
    match = FILENAME.match(path.name)
    if not match:
        reader.error(1, "filename_pattern")
        raise Invalid
    try:
        day = date.fromisoformat(match.group(1))
    except ValueError:
        reader.error(1, "filename_date", date=match.group(1))
        raise Invalid from None
    if day > reader.now.date():
        # A feed entry dated ahead of every later one would hide them from readers that sort by date.
        reader.error(1, "filename_future", date=match.group(1), today=reader.now.date().isoformat())
    return day


def _file_text(path: Path, reader: Reader) -> str:
    """Returns the file's text with Unix line ends, stopping a file too big or not UTF-8."""
    size = path.stat().st_size
    if size > MAX_BYTES:
        reader.error(1, "too_big", size=size // 1024, limit=MAX_BYTES // 1024)
        raise Invalid
    raw = read_regular(path)  # never through a link planted in the folder
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        reader.error(raw[: exc.start].count(b"\n") + 1, "not_utf8")
        raise Invalid from None
    return text.lstrip("\ufeff").replace("\r\n", "\n")


def _split_front_matter(text: str, reader: Reader) -> tuple[str, str, int]:
    """Returns the front matter, the body and the body's first line, stopping a file without both '---'."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        reader.error(1, "no_opening")
        raise Invalid
    for number, line in enumerate(lines[1:], start=2):
        if line.strip() == "---":
            return "\n".join(lines[1 : number - 1]), "\n".join(lines[number:]), number + 1
    reader.error(1, "not_closed")
    raise Invalid


def _refuse_what_parsers_cannot_take(text: str, front: str, body: str, body_line: int, reader: Reader) -> None:
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
        raise Invalid


def _indentation(text: str, index: int) -> str:
    lines = text.split("\n")
    line = lines[index] if index < len(lines) else ""
    return line[: len(line) - len(line.lstrip())]


def _front_matter(front: str, reader: Reader) -> dict:
    """Returns the front matter's fields as name -> (value, line), stopping YAML that is unsafe or no mapping."""
    try:
        deep = yaml_too_deep(front, YAML_LOADER, 2)
        if deep is not None:
            reader.error(deep, "front_too_deep", limit=MAX_DEPTH)
            raise Invalid
        node = yaml.compose(front, Loader=YAML_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        line = (mark.line + 2) if mark else 2
        # The two slips editors make most, told in their terms rather than the parser's.
        if "mapping values are not allowed" in problem:
            reader.error(line, "yaml_colon")
        elif mark and "\t" in _indentation(front, mark.line):
            reader.error(line, "yaml_tab")
        else:
            reader.error(line, "yaml_invalid", problem=problem)
        raise Invalid from None
    if node is None or not isinstance(node, yaml.MappingNode):
        reader.error(2, "not_fields")
        raise Invalid
    fields, _ = reader.tree(node, 2, set())
    check_names(fields, reader)
    return fields
