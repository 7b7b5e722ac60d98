"""One reader per field of a notice's front matter, and for its body: each returns the field's value and
records the field's problems, at their lines, in the file's Reader.

`fields` maps each field's name to (value, line), as Reader.tree gives it.
"""

import re
from datetime import date

from mpass_status.notices.markdown import render_inline
from mpass_status.notices.model import SEVERITIES, STAGES, TYPES, Moment, Update
from mpass_status.notices.reader import Invalid, Reader

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
# A field that is not written: its problems are told at the front matter's first line.
MISSING = (None, 2)
_MARKER = re.compile(r"^<!--\s*([a-z]{2,3})\s*-->\s*$")
_TRUE, _FALSE = {"true", "yes", "on"}, {"false", "no", "off"}


def check_names(fields: dict, reader: Reader) -> None:
    """Reports every field that is not one of FIELDS."""
    for name, (_, line) in fields.items():
        if name not in FIELDS:
            reader.error(line, "unknown_field", name=name, choices=", ".join(FIELDS))


def read_type(fields: dict, reader: Reader) -> str:
    """Returns the notice's type; without a known one nothing else can be judged, so the file stops."""
    kind = reader.text(fields.get("type", MISSING), "type")
    if kind in TYPES:
        return kind
    where, choices = fields.get("type", MISSING)[1], ", ".join(TYPES)
    if kind:
        reader.error(where, "type_unknown", value=kind, choices=choices)
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
                reader.error(where, "severity_unknown", value=severity, choices=choices)
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
            reader.error(item_line, "component_unknown", value=item, choices=", ".join(sorted(known)))
        else:
            affected.append(item)
    if kind in STAGES and not items:
        reader.error(line, "affected_missing")
    return tuple(affected)


def read_span(fields: dict, kind: str, reader: Reader) -> tuple[Moment | None, Moment | None]:
    """Returns start and end; only an announcement may go without a start, and no end comes before it."""
    start = reader.moment(fields.get("start", MISSING), "start")
    end = reader.moment(fields.get("end", MISSING), "end")
    if start is None and kind != "announcement" and "start" not in fields:
        reader.error(2, "start_missing")
    if start and end and end.at < start.at:
        reader.error(fields["end"][1], "end_before_start")
    return start, end


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
        reader.error(line, "cancelled_kind")
    return cancelled


def _update(item: dict, item_line: int, kind: str, reader: Reader) -> Update | None:
    """Returns one item of updates, or None when it lacks its time, a known stage or any text."""
    languages = reader.config.languages
    for name in item:
        if name not in UPDATE_FIELDS and name not in languages:
            reader.error(item[name][1], "update_field", name=name, languages=", ".join(languages))
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
    for lang in languages:
        text = reader.text(item[lang], f"update {lang}") if lang in item else None
        if text:
            texts[lang] = text
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


def check_timeline(fields: dict, kind: str, start, end, updates, reader: Reader) -> None:
    """Reports updates outside the notice's span, and an incident whose end and newest stage disagree."""
    for update, line in updates:
        early = start and update.time.at < start.at and update.stage != "scheduled"
        late = end and update.time.at > end.at
        if early or late:
            reader.error(line, "update_outside")
    stages = [u.stage for u, _ in sorted(updates, key=lambda pair: pair[0].time.at)]
    if kind == "incident" and stages and stages[-1] == "resolved" and end is None:
        reader.error(fields.get("end", MISSING)[1], "resolved_needs_end")
    if kind == "incident" and end and stages and stages[-1] != "resolved":
        reader.warn(fields["end"][1], "ended_not_resolved")


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
        reader.error(line, "published_by_filename", date=moment.at.date().isoformat())
    if updates:
        reader.error(line, "published_by_updates")
    return True


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
    return {lang: "\n".join(lines).strip() for lang, lines in parts.items() if "\n".join(lines).strip()}


def read_body(body: str, first_line: int, reader: Reader) -> dict[str, str]:
    """Returns the body's Markdown per language, each begun by its line <!-- fi -->, <!-- sv -->."""
    bodies = _split_bodies(body, first_line, reader)
    if bodies:
        for lang in reader.config.languages:
            if lang not in bodies:
                reader.warn(first_line, "body_lacks_language", lang=lang)
    return bodies
