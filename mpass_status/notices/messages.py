"""Every message the notice check gives, in plain words, each with the section of the editor's guide that
tells how to fix it (`notices/README.md`, table "Tarkistuksen ilmoitukset – Kontrollens meddelanden")."""

GUIDE = "notices/README.md"
# key: (message, topic). A topic is the anchor `check-<topic>` of the guide's table.
MESSAGES = {
    # The file and its name.
    "filename_pattern": (
        "the file name must be YYYY-MM-DD-slug.md, the slug in lowercase letters, digits and hyphens",
        "file",
    ),
    "filename_date": ("the file name holds an impossible date {date}", "file"),
    "too_big": ("the file is {size} KiB; a notice may be at most {limit} KiB", "file"),
    "not_utf8": ("the file is not valid UTF-8 text; save it as UTF-8", "file"),
    "too_complex": ("the file could not be read ({error}): simplify its structure", "file"),
    "unreadable": ("the file could not be read: {error}", "file"),
    "duplicate_id": ("the id {id} is used by {other} too; give each notice an id of its own", "file"),
    "not_a_notice": ("not a notice: a notice file ends in .md", "file"),
    "tree_entry_name": (
        "{name} is not a notice file of this folder: a notice is a file directly in the folder, named"
        " YYYY-MM-DD-slug.md; nothing was written",
        "file",
    ),
    "notice_link": (
        "the file is a symbolic link: a notice must be a file in this folder itself; it was not published",
        "file",
    ),
    "tree_entry_link": (
        "the entry is a symbolic link or submodule (mode {mode}), not a file: commit the notice itself",
        "file",
    ),
    # The front matter between the '---' lines.
    "no_opening": ("the file must begin with a line '---' that opens the front matter", "front-matter"),
    "not_closed": ("the front matter is not closed by a line '---'", "front-matter"),
    "yaml_invalid": ("the front matter is not valid YAML: {problem}", "front-matter"),
    "not_fields": ("the front matter must be fields written as 'name: value'", "front-matter"),
    "field_name_text": ("a field name must be plain text", "front-matter"),
    "field_twice": ("the field {name} is written twice; keep one", "front-matter"),
    "anchors": ("YAML anchors and aliases (& and *) are not allowed; write the text out", "front-matter"),
    "yaml_tag": ("the YAML tag {tag} is not allowed; write plain text", "front-matter"),
    "unknown_field": ("unknown field {name}; the fields are: {choices}", "front-matter"),
    "front_too_deep": ("the front matter nests deeper than {limit} levels", "front-matter"),
    "control_escape": ("the value holds the control character {character}; remove the escape", "characters"),
    "control_character": (
        "the line holds the control character {character}; delete it (it cannot appear in feeds)",
        "characters",
    ),
    # The fields.
    "must_be_text": ("{name} must be text", "fields"),
    "type_missing": ("type is missing; write one of: {choices}", "fields"),
    "type_unknown": ("type {value} is unknown; write one of: {choices}", "fields"),
    "severity_missing": ("severity is missing; write one of: {choices}", "fields"),
    "severity_unknown": ("severity {value} is unknown; write one of: {choices}", "fields"),
    "severity_not_here": ("severity belongs to incidents and maintenance breaks; remove it from type {kind}", "fields"),
    "affected_missing": ("affected is missing; name at least one component, e.g. affected: [production]", "fields"),
    "component_unknown": ("unknown component {value}; the components are: {choices}", "fields"),
    "cancelled_bool": ("cancelled must be true or false", "fields"),
    "cancelled_kind": ("only a maintenance break can be cancelled", "fields"),
    "per_language": ("{name} must give its text per language, as fi: … and sv: …", "languages"),
    "unknown_language": ("{name}: unknown language {lang}; write {choices}", "languages"),
    "text_missing": ("{name} is missing; write it as fi: … and sv: …", "languages"),
    "lacks_language": ("{name} lacks language {lang}: readers see another language, marked pending", "languages"),
    # Times.
    "start_missing": ("start is missing; write it as YYYY-MM-DD HH:MM, or YYYY-MM-DD", "times"),
    "time_format": ("{name}: cannot read the time {text}; write it as YYYY-MM-DD HH:MM, or YYYY-MM-DD", "times"),
    "time_impossible": ("{name}: the time {text} does not exist: {problem}", "times"),
    "time_offset_needs_clock": ("{name}: the time {text} has an offset but no clock time", "times"),
    "time_skipped": ("{name}: the time {text} does not exist in {zone}: the clocks skip it", "times"),
    "time_twice": ("{name}: the time {text} occurs twice in {zone}; add +03:00 (summer) or +02:00 (winter)", "times"),
    "end_before_start": ("end is before start", "times"),
    "published_by_time": (
        "published_by is a date without a clock time: the latest day the record allows",
        "times",
    ),
    "published_by_filename": ("the file name must carry the published_by date {date}", "times"),
    "published_by_updates": ("a notice with updates is dated by its first update: remove published_by", "times"),
    # Updates.
    "updates_kind": ("updates belong to incidents and maintenance breaks; remove them from type {kind}", "updates"),
    "updates_list": ("updates must be a list, each item beginning with '- time:'", "updates"),
    "update_shape": ("an update must have time, stage and its text per language", "updates"),
    "update_field": ("unknown field {name} in an update; an update has time, stage, {languages}", "updates"),
    "update_time_missing": ("the update's time is missing; write it as YYYY-MM-DD HH:MM", "updates"),
    "stage_missing": ("the update's stage is missing; write one of: {choices}", "updates"),
    "stage_unknown": ("the stage {stage} is unknown for type {kind}; write one of: {choices}", "updates"),
    "update_text_missing": ("the update has no text; write it as fi: … and sv: …", "updates"),
    "update_lacks_language": (
        "the update lacks language {lang}: readers see another language, marked pending",
        "updates",
    ),
    "update_outside": ("the update's time lies outside the notice's span from start to end", "updates"),
    "resolved_needs_end": ("the incident is resolved, so its end must be written", "updates"),
    "ended_not_resolved": ("the incident has ended but its newest update is not 'resolved'", "updates"),
    # The body.
    "marker_unknown": ("unknown language marker <!-- {lang} -->; write <!-- fi --> or <!-- sv -->", "body"),
    "body_twice": ("the {lang} text is begun twice; keep one <!-- {lang} --> line", "body"),
    "body_without_marker": ("text must follow a language line <!-- fi --> or <!-- sv -->", "body"),
    "body_lacks_language": (
        "the text lacks language {lang}: readers see another language, marked pending",
        "body",
    ),
    "body_too_deep": ("the text nests lists or quotes deeper than {limit} levels", "body"),
}


def message(key: str, **values) -> tuple[str, str]:
    """Returns the message of key with values filled in, and its guide section."""
    text, topic = MESSAGES[key]
    return text.format(**values), topic


def guide_link(topic: str) -> str:
    """Returns where the guide explains a topic's messages."""
    return f"{GUIDE}#check-{topic}"
