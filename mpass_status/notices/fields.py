"""One reader per field of a notice's front matter, and for its body: each returns the field's value and
records the field's problems, at their lines, in the file's Reader.

`fields` maps each field's name to (value, line), as Reader.tree gives it.
"""

import re
from dataclasses import replace
from datetime import date

from mpass_status.notices.markdown import render_inline, unknown_language_marks
from mpass_status.notices.messages import suggest
from mpass_status.notices.model import SEVERITIES, STAGES, TYPES, Moment, Update
from mpass_status.notices.reader import Invalid, Reader

FIELDS = (
    "id",
    "type",
    "severity",
    "affected",
    "start",
    "end",
    "end_by",
    "cancelled",
    "published_by",
    "title",
    "summary",
    "editor_note",
    "see_also",
    "updates",
)
UPDATE_FIELDS = ("time", "stage")
# A field that is not written: its problems are told at the front matter's first line.
MISSING = (None, 2)
_MARKER = re.compile(r"^<!--\s*([a-z]{2,3})\s*-->\s*$")
_SLUG = re.compile(r"^\d{4}-\d{2}-\d{2}-[a-z0-9]+(?:-[a-z0-9]+)*$")
_TRUE, _FALSE = {"true", "yes", "on"}, {"false", "no", "off"}


def check_names(fields: dict, reader: Reader) -> None:
    """Reports every field that is not one of FIELDS."""
    for name, (_, line) in fields.items():
        if name not in FIELDS:
            meant = suggest(name, FIELDS)
            reader.error(line, "unknown_field", name=name, choices=", ".join(FIELDS), suggestion=meant)


def read_type(fields: dict, reader: Reader) -> str:
    """Returns the notice's type; without a known one nothing else can be judged, so the file stops."""
    kind = reader.text(fields.get("type", MISSING), "type")
    if kind in TYPES:
        return kind
    where, choices = fields.get("type", MISSING)[1], ", ".join(TYPES)
    if kind:
        reader.error(where, "type_unknown", value=kind, choices=choices, suggestion=suggest(kind, TYPES))
    else:
        reader.error(where, "type_missing", choices=choices)
    raise Invalid


def read_severity(fields: dict, kind: str, reader: Reader) -> str | None:
    """Returns the severity an incident or maintenance break needs; other types have none."""
    severity = reader.text(fields.get("severity", MISSING), "severity")
    if kind in STAGES:
        if severity not in SEVERITIES:
            where, choices = fields.get("severity", MISSING)[1], ", ".join(SEVERITIES)
            if severity:
                meant = suggest(severity, SEVERITIES)
                reader.error(where, "severity_unknown", value=severity, choices=choices, suggestion=meant)
            else:
                reader.error(where, "severity_missing", choices=choices)
    elif severity:
        reader.error(fields["severity"][1], "severity_not_here", kind=kind)
        return None
    return severity


def read_affected(fields: dict, kind: str, reader: Reader) -> tuple[str, ...]:
    """Returns the component and group ids the notice names, one id or a list; incidents and breaks need one."""
    value, line = fields.get("affected", MISSING)
    items = value if isinstance(value, list) else ([(value, line)] if value else [])
    known = reader.config.known_ids()
    affected = []
    for item, item_line in items:
        if not isinstance(item, str) or item not in known:
            choices, meant = ", ".join(sorted(known)), suggest(item, sorted(known))
            reader.error(item_line, "component_unknown", value=item, choices=choices, suggestion=meant)
        else:
            affected.append(item)
    if kind in STAGES and not items:
        reader.error(line, "affected_missing")
    return tuple(affected)


def read_span(fields: dict, kind: str, reader: Reader) -> tuple[Moment | None, Moment | None]:
    """Returns start and end; only an announcement may go without a start, and no end comes before it.

    `end_by` writes an end the record gives only as a bound: the day by which it was over. An end before its
    start is one mistake, told once: the end is then left out of every later check.
    """
    start = reader.moment(fields.get("start", MISSING), "start")
    end = reader.moment(fields.get("end", MISSING), "end")
    bound = reader.moment(fields.get("end_by", MISSING), "end_by")
    if start is None and kind != "announcement" and "start" not in fields:
        reader.error(2, "start_missing")
    if bound is not None:
        if end is not None:
            reader.error(fields["end_by"][1], "end_and_end_by")
        elif bound.has_time or bound.part:
            reader.error(fields["end_by"][1], "end_by_time")
        else:
            end, where = replace(bound, by=True), fields["end_by"]
    if end is not None and not end.by:
        where = fields["end"]
    if start and end and _before(end, start):
        reader.error(where[1], "end_before_start", end=where[0], start=fields["start"][0])
        return start, None
    return start, end


def _before(first: Moment, second: Moment) -> bool:
    # A whole day is before a moment only when it is an earlier day: 26.10. is not before 26.10. klo 7.50.
    if first.has_time and second.has_time:
        return first.at < second.at
    return first.at.date() < second.at.date()


def read_cancelled(fields: dict, kind: str, reader: Reader) -> bool:
    """Returns whether a maintenance break is cancelled, from true or false as YAML writes them."""
    value, line = fields.get("cancelled", MISSING)
    if value is None:
        return False
    cancelled = False
    if str(value).lower() in _TRUE:
        cancelled = True
    elif str(value).lower() not in _FALSE:
        reader.error(line, "cancelled_bool")
    if cancelled and kind != "maintenance":
        reader.error(line, "cancelled_kind", kind=kind)
    return cancelled


def _update(item: dict, item_line: int, kind: str, reader: Reader) -> Update | None:
    """Returns one item of updates, or None when it lacks its time, a known stage or any text."""
    languages = reader.config.languages
    for name in item:
        if name not in UPDATE_FIELDS and name not in languages:
            meant = suggest(name, UPDATE_FIELDS + tuple(languages))
            reader.error(item[name][1], "update_field", name=name, languages=", ".join(languages), suggestion=meant)
    moment = reader.moment(item["time"], "time") if "time" in item else None
    if "time" not in item or item["time"][0] in (None, ""):
        reader.error(item["time"][1] if "time" in item else item_line, "update_time_missing")
    elif moment and moment.at > reader.now:
        now = f"{reader.now:%Y-%m-%d %H:%M}"
        reader.error(item["time"][1], "update_future", text=item["time"][0], now=now)
        moment = None
    stage = reader.text(item["stage"], "stage") if "stage" in item else None
    if stage not in STAGES[kind]:
        where = item["stage"][1] if "stage" in item else item_line
        choices = ", ".join(STAGES[kind])
        if stage:
            meant = suggest(stage, STAGES[kind])
            reader.error(where, "stage_unknown", stage=stage, kind=kind, choices=choices, suggestion=meant)
        else:
            reader.error(where, "stage_missing", choices=choices)
    texts = {}
    for lang in languages:
        text = reader.text(item[lang], f"update {lang}") if lang in item else None
        if text:
            texts[lang] = text
            for mark, code in unknown_language_marks(text):
                reader.warn(item[lang][1], "lang_mark_code", mark=mark, code=code)
        elif any(other in item for other in languages):
            reader.warn(item_line, "update_lacks_language", lang=lang)
    if not texts:
        reader.error(item_line, "update_text_missing")
    if moment and stage in STAGES[kind] and texts:
        return Update(moment, stage, texts, {lang: render_inline(text) for lang, text in texts.items()})
    return None


def read_updates(fields: dict, kind: str, reader: Reader) -> list[tuple[Update, int]]:
    """Returns the updates of an incident or maintenance break, each with its line, as written."""
    value, line = fields.get("updates", MISSING)
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
        update = _update(item, item_line, kind, reader)
        if update is not None:
            updates.append((update, item_line))
    return updates


def _written(fields: dict, name: str) -> str:
    value = fields.get(name, MISSING)[0]
    return value if isinstance(value, str) and value else "–"


def check_timeline(fields: dict, kind: str, start, end, updates, reader: Reader) -> None:
    """Reports updates outside the notice's span, and an incident whose end and newest stage disagree.

    Updates are written newest first; two on the same day without clock times keep that order.
    """
    for update, line in updates:
        early = start and _before(update.time, start) and update.stage != "scheduled"
        late = end and _before(end, update.time)
        if early or late:
            end_text = _written(fields, "end_by" if end and end.by else "end")
            time = f"{update.time.at:%Y-%m-%d %H:%M}" if update.time.has_time else f"{update.time.at:%Y-%m-%d}"
            reader.error(line, "update_outside", time=time, start=_written(fields, "start"), end=end_text)
    oldest_first = [u for u, _ in reversed(updates)]
    stages = [u.stage for u in sorted(oldest_first, key=lambda u: u.time.at)]
    end_field = "end_by" if end and end.by else "end"
    written_end = fields.get("end", MISSING)[0] or fields.get("end_by", MISSING)[0]
    if kind == "incident" and stages and stages[-1] == "resolved" and not written_end:
        newest = max(oldest_first, key=lambda u: u.time.at).time
        time = f"{newest.at:%Y-%m-%d %H:%M}" if newest.has_time else f"{newest.at:%Y-%m-%d}"
        reader.error(fields.get("end", MISSING)[1], "resolved_needs_end", time=time)
    if kind == "incident" and end and stages and stages[-1] != "resolved":
        reader.warn(fields[end_field][1], "ended_not_resolved", end=_written(fields, end_field))


def read_published_by(fields: dict, day: date, updates, reader: Reader) -> bool:
    """Reads `published_by`: the record shows only the latest day a notice can have been published.

    The file name then carries that day, and the page says "published no later than" it.
    """
    entry = fields.get("published_by", MISSING)
    value, line = entry
    if value is None:
        return False
    moment = reader.moment(entry, "published_by")
    if moment is None:
        return False
    if moment.has_time:
        reader.error(line, "published_by_time")
    elif moment.at.date() != day:
        slug = reader.path.rsplit("/", 1)[-1].removesuffix(".md")[11:]
        reader.error(line, "published_by_filename", date=moment.at.date().isoformat(), slug=slug)
    if updates:
        reader.error(line, "published_by_updates")
    return True


def read_see_also(fields: dict, reader: Reader) -> tuple[str, ...]:
    """Returns the slugs of the notices this one refers to (their file names without .md), one or a list.

    Whether each names a notice of the folder is told by the check of the whole folder (see_also_problems).
    """
    value, line = fields.get("see_also", MISSING)
    items = value if isinstance(value, list) else ([(value, line)] if value else [])
    slugs = []
    for item, item_line in items:
        if not isinstance(item, str) or not _SLUG.match(item):
            reader.error(item_line, "see_also_shape")
        else:
            slugs.append(item)
    return tuple(slugs)


def _split_bodies(body: str, first_line: int, reader: Reader) -> dict[str, str]:
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
        for mark, code in unknown_language_marks(line):
            reader.warn(number, "lang_mark_code", mark=mark, code=code)
    return {lang: "\n".join(lines).strip() for lang, lines in parts.items() if "\n".join(lines).strip()}


def read_body(body: str, first_line: int, reader: Reader) -> dict[str, str]:
    """Returns the body's Markdown per language, each begun by its line <!-- fi -->, <!-- sv -->."""
    bodies = _split_bodies(body, first_line, reader)
    if bodies:
        for lang in reader.config.languages:
            if lang not in bodies:
                reader.warn(first_line, "body_lacks_language", lang=lang)
    return bodies
