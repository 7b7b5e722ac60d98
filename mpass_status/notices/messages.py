"""Every message the notice check gives, each with a concrete example of the right form and the section of the
editor's guide that explains it (`notices/README.md`, "Tarkistuksen ilmoitukset – Kontrollens meddelanden").

The source strings are English and marked with N_ so that the site's catalogs (translations/) hold their Finnish
and Swedish: the check speaks Finnish by default, Swedish or English when asked. A problem keeps its message's
key and values (NoticeProblem), so it can be told in any of them after the parse, which may have been cached.
"""

import difflib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from babel.support import NullTranslations, Translations

from mpass_status.problems import Problem

GUIDE = "notices/README.md"
LANGUAGES = ("fi", "sv", "en")
DEFAULT_LANGUAGE = "fi"
_CATALOGS = Path(__file__).resolve().parents[2] / "translations"


def N_(text: str) -> str:
    """Marks a source string for the catalogs; it is translated when told, in the language asked for."""
    return text


# key: (message, topic). A topic is the anchor `check-<topic>` of the guide's table.
MESSAGES = {
    # The file and its name.
    "filename_pattern": (
        N_(
            "the file name must be YYYY-MM-DD-slug.md, the slug in lowercase letters, digits and hyphens,"
            " e.g. 2024-03-05-wilma-kirjautumishairio.md"
        ),
        "file",
    ),
    "filename_date": (
        N_("the file name holds the date %(date)s, which does not exist; write a real day, e.g. 2024-03-05"),
        "file",
    ),
    "filename_future": (
        N_(
            "the file name's date %(date)s is after today, %(today)s: a file is named by the day it is published,"
            " and the day of the event goes in start (e.g. start: %(date)s 10:00)"
        ),
        "file",
    ),
    "too_big": (
        N_("the file is %(size)s KiB; a notice may be at most %(limit)s KiB: shorten the text or make two notices"),
        "file",
    ),
    "not_utf8": (N_("the file is not valid UTF-8 text; save it as UTF-8 (Save as → Encoding: UTF-8)"), "file"),
    "too_complex": (
        N_("the file could not be read (%(error)s): simplify its structure, e.g. fewer nested lists"),
        "file",
    ),
    "unreadable": (N_("the file could not be read: %(error)s"), "file"),
    "duplicate_id": (
        N_("the id %(id)s is used by %(other)s too; give each notice an id of its own, e.g. its file name without .md"),
        "file",
    ),
    "not_a_notice": (N_("not a notice: a notice file ends in .md, e.g. 2024-03-05-huoltokatko.md"), "file"),
    "tree_entry_name": (
        N_(
            "%(name)s is not a notice file of this folder: a notice is a file directly in the folder, named"
            " YYYY-MM-DD-slug.md; nothing was written"
        ),
        "file",
    ),
    "notice_link": (
        N_("the file is a symbolic link: a notice must be a file in this folder itself; it was not published"),
        "file",
    ),
    "tree_entry_link": (
        N_("the entry is a symbolic link or submodule (mode %(mode)s), not a file: commit the notice itself"),
        "file",
    ),
    # The front matter between the '---' lines.
    "no_opening": (
        N_("the file must begin with a line '---' that opens the front matter; write --- on the first line"),
        "front-matter",
    ),
    "not_closed": (
        N_("the front matter is not closed by a line '---'; write --- on a line of its own after the last field"),
        "front-matter",
    ),
    "yaml_invalid": (
        N_(
            "the front matter is not valid YAML (%(problem)s): check the line's indentation (spaces, not tabs),"
            " colons and quotes"
        ),
        "front-matter",
    ),
    "yaml_colon": (
        N_(
            "the text holds a colon followed by a space, which YAML reads as a new field: put the text in quotes,"
            ' e.g. fi: "Huoltokatko: tuotanto"'
        ),
        "front-matter",
    ),
    "yaml_tab": (N_("the line is indented with a tab; indent with spaces, e.g. two spaces before fi:"), "front-matter"),
    "not_fields": (N_("the front matter must be fields written as 'name: value', e.g. type: incident"), "front-matter"),
    "field_name_text": (N_("a field name must be plain text, e.g. title:"), "front-matter"),
    "field_twice": (N_("the field %(name)s is written twice; keep one"), "front-matter"),
    "anchors": (
        N_('YAML anchors and aliases (& and *) are not allowed; write the text out, or in quotes: "*tärkeää*"'),
        "front-matter",
    ),
    "yaml_tag": (
        N_("the YAML tag %(tag)s is not allowed; write plain text, and put a value beginning with ! in quotes"),
        "front-matter",
    ),
    "unknown_field": (N_("unknown field %(name)s; the fields are: %(choices)s"), "front-matter"),
    "front_too_deep": (
        N_("the front matter nests deeper than %(limit)s levels; write the fields as the template does"),
        "front-matter",
    ),
    "control_escape": (
        N_("the value holds the control character %(character)s; remove the \\ escape that writes it"),
        "characters",
    ),
    "control_character": (
        N_(
            "the line holds the control character %(character)s; delete it (it cannot appear in feeds),"
            " e.g. by typing the line anew"
        ),
        "characters",
    ),
    # The fields.
    "must_be_text": (N_("%(name)s must be text after the field's name on the same line, not a list"), "fields"),
    "type_missing": (N_("type is missing; write one of: %(choices)s, e.g. type: incident"), "fields"),
    "type_unknown": (N_("type %(value)s is unknown; write one of: %(choices)s"), "fields"),
    "severity_missing": (N_("severity is missing; write one of: %(choices)s, e.g. severity: down"), "fields"),
    "severity_unknown": (N_("severity %(value)s is unknown; write one of: %(choices)s"), "fields"),
    "severity_not_here": (
        N_("severity belongs to incidents and maintenance breaks; remove it from type %(kind)s"),
        "fields",
    ),
    "affected_missing": (
        N_("affected is missing; name at least one component, e.g. affected: [production]"),
        "fields",
    ),
    "component_unknown": (N_("unknown component %(value)s; the components are: %(choices)s"), "fields"),
    "cancelled_bool": (N_("cancelled must be true or false, e.g. cancelled: true"), "fields"),
    "cancelled_kind": (N_("only a maintenance break can be cancelled; remove cancelled from type %(kind)s"), "fields"),
    "did_you_mean": (N_("did you mean %(suggestion)s?"), "fields"),
    "see_also_shape": (
        N_(
            "see_also lists notices by their file name without .md,"
            " e.g. see_also: [2021-11-05-tietomalli-1-2-palveluntarjoajat]"
        ),
        "fields",
    ),
    "see_also_unknown": (
        N_("see_also names %(slug)s, which is not a notice of this folder; write a file name without .md"),
        "fields",
    ),
    "per_language": (N_("%(name)s must give its text per language, as fi: … and sv: …"), "languages"),
    "unknown_language": (N_("%(name)s: unknown language %(lang)s; the languages are %(choices)s"), "languages"),
    "text_missing": (N_("%(name)s is missing; write it as fi: … and sv: …"), "languages"),
    "lacks_language": (
        N_("%(name)s lacks language %(lang)s: readers see another language, marked pending"),
        "languages",
    ),
    # Times.
    "start_missing": (
        N_("start is missing; write it as YYYY-MM-DD HH:MM, or YYYY-MM-DD, e.g. start: 2024-03-05 07:50"),
        "times",
    ),
    "time_format": (
        N_(
            "%(name)s: cannot read the time %(text)s; write it as YYYY-MM-DD HH:MM, or YYYY-MM-DD,"
            " e.g. %(name)s: 2024-03-05 07:50"
        ),
        "times",
    ),
    "time_impossible": (
        N_(
            "%(name)s: the time %(text)s does not exist: check the day (at most the month's last) and the clock"
            " (00:00–23:59)"
        ),
        "times",
    ),
    "time_offset_needs_clock": (
        N_(
            "%(name)s: the time %(text)s has an offset but no clock time; add the clock time,"
            " e.g. 2024-03-05 07:50 +02:00, or write the day alone"
        ),
        "times",
    ),
    "time_part_needs_day": (
        N_("%(name)s: %(part)s goes with a day without a clock time, e.g. %(name)s: 2020-10-26 %(part)s"),
        "times",
    ),
    "time_skipped": (
        N_(
            "%(name)s: the time %(text)s does not exist in %(zone)s: the clocks move forward past it that night;"
            " write it with its offset, e.g. %(example)s"
        ),
        "times",
    ),
    "time_ambiguous": (
        N_(
            "%(name)s: the time %(text)s occurs twice in %(zone)s, the night the clocks turn back; write it with"
            " its offset: %(summer)s (summer time, the first) or %(winter)s (winter time, the second)"
        ),
        "times",
    ),
    "end_before_start": (
        N_(
            "end %(end)s is before start %(start)s; the end comes after the start,"
            " e.g. start: 2024-03-05 09:00 and end: 2024-03-05 10:30"
        ),
        "times",
    ),
    "end_and_end_by": (
        N_("write either end (when the end is known) or end_by (the day it was over by), not both"),
        "times",
    ),
    "end_by_time": (
        N_("end_by is a day without a clock time, e.g. end_by: 2020-10-27; when the clock time is known, write end"),
        "times",
    ),
    "published_by_time": (
        N_(
            "published_by is a day without a clock time, the latest day the record allows,"
            " e.g. published_by: 2021-11-05"
        ),
        "times",
    ),
    "published_by_filename": (
        N_("the file name must carry the published_by date %(date)s, e.g. %(date)s-%(slug)s.md"),
        "times",
    ),
    "published_by_updates": (
        N_("a notice with updates is dated by its first update: remove published_by"),
        "times",
    ),
    # Updates.
    "updates_kind": (
        N_("updates belong to incidents and maintenance breaks; remove them from type %(kind)s"),
        "updates",
    ),
    "updates_list": (N_("updates must be a list, each item beginning with '- time:'"), "updates"),
    "update_shape": (
        N_("an update must have time, stage and its text per language, e.g. - time: 2024-03-05 08:10"),
        "updates",
    ),
    "update_field": (
        N_("unknown field %(name)s in an update; an update has time, stage, %(languages)s"),
        "updates",
    ),
    "update_time_missing": (
        N_("the update's time is missing; write it as YYYY-MM-DD HH:MM, e.g. - time: 2024-03-05 08:10"),
        "updates",
    ),
    "update_future": (
        N_(
            "the update's time %(text)s is after now (%(now)s): an update carries the time it is published;"
            " a planned time goes in start"
        ),
        "updates",
    ),
    "stage_missing": (N_("the update's stage is missing; write one of: %(choices)s"), "updates"),
    "stage_unknown": (N_("the stage %(stage)s is unknown for type %(kind)s; write one of: %(choices)s"), "updates"),
    "update_text_missing": (N_("the update has no text; write it as fi: … and sv: …"), "updates"),
    "update_lacks_language": (
        N_("the update lacks language %(lang)s: readers see another language, marked pending"),
        "updates",
    ),
    "update_outside": (
        N_(
            "the update's time %(time)s lies outside the notice's span from start %(start)s to end %(end)s;"
            " correct the time, or start or end"
        ),
        "updates",
    ),
    "resolved_needs_end": (
        N_("the incident is resolved, so its end must be written: the resolved update's time, e.g. end: %(time)s"),
        "updates",
    ),
    "ended_not_resolved": (
        N_(
            "the incident has ended but its newest update is not 'resolved'; add one on top,"
            " e.g. - time: %(end)s and stage: resolved"
        ),
        "updates",
    ),
    # The body.
    "marker_unknown": (N_("unknown language marker <!-- %(lang)s -->; write <!-- fi --> or <!-- sv -->"), "body"),
    "body_twice": (N_("the %(lang)s text is begun twice; keep one <!-- %(lang)s --> line"), "body"),
    "body_without_marker": (N_("text must follow a language line <!-- fi --> or <!-- sv -->"), "body"),
    "body_lacks_language": (
        N_("the text lacks language %(lang)s: readers see another language, marked pending"),
        "body",
    ),
    "lang_mark_code": (
        N_(
            "%(mark)s: %(code)s is not a language code, so readers see the mark as written;"
            " write e.g. [koulusihteeri]{lang=fi}"
        ),
        "body",
    ),
    "body_too_deep": (N_("the text nests lists or quotes deeper than %(limit)s levels; simplify"), "body"),
}

# What the command itself says around the messages.
WORDS = {
    "warning": N_("warning"),
    "see": N_("see %(guide)s"),
    "summary": N_("%(valid)s notices valid, %(errors)s errors, %(warnings)s warnings"),
    "no_folder": N_("%(folder)s: the notices folder does not exist"),
    # flask notices sync
    "sync_published": N_("published %(name)s"),
    "sync_removed": N_("removed %(name)s"),
    "sync_held_serving": N_("held back %(name)s (serving its version of %(commit)s):"),
    "sync_held_unpublished": N_("held back %(name)s (not published):"),
    "sync_live": N_("live: %(commit)s"),
    "sync_failed": N_("%(error)s; the live notices are unchanged"),
}

# Finnish and Swedish words editors write where the check wants an identifier, and common slips.
_MEANT = {
    "tuotanto": "production",
    "tuotantoympäristö": "production",
    "produktion": "production",
    "produktionsmiljö": "production",
    "testi": "test",
    "testiympäristö": "test",
    "testmiljö": "test",
    "kirjautumistavat": "sources",
    "inloggningssätt": "sources",
    "häiriö": "incident",
    "störning": "incident",
    "huoltokatko": "maintenance",
    "underhållsavbrott": "maintenance",
    "muutostiedote": "change",
    "ändringsmeddelande": "change",
    "tiedote": "announcement",
    "meddelande": "announcement",
    "selvitetään": "investigating",
    "utreds": "investigating",
    "ratkaistu": "resolved",
    "korjattu": "resolved",
    "ohi": "resolved",
    "löst": "resolved",
    "över": "resolved",
    "otsikko": "title",
    "rubrik": "title",
    "tiivistelmä": "summary",
    "sammanfattning": "summary",
    "alku": "start",
    "loppu": "end",
    "slut": "end",
    "tyyppi": "type",
    "typ": "type",
    "vakavuus": "severity",
    "päivitykset": "updates",
    "uppdateringar": "updates",
    "aika": "time",
    "tid": "time",
    "vaihe": "stage",
    "skede": "stage",
    "se": "sv",
    "swe": "sv",
    "fin": "fi",
}


def suggest(value, choices) -> str | None:
    """Returns the identifier an editor most likely meant by value: the same in lowercase, a Finnish or Swedish
    word for it, or a near spelling; None when nothing is near."""
    if not isinstance(value, str) or not value:
        return None
    choices = list(choices)
    lower = value.strip().lower()
    if lower in choices and lower != value:
        return lower
    if _MEANT.get(lower) in choices:
        return _MEANT[lower]
    near = difflib.get_close_matches(lower, choices, n=1, cutoff=0.75)
    return near[0] if near else None


@cache
def _catalog(lang: str) -> NullTranslations:
    if lang == "en":
        return NullTranslations()
    return Translations.load(str(_CATALOGS), [lang])


def translate(text: str, lang: str, /, **values) -> str:
    """Returns a source string of this module in lang (fi, sv or en), values filled in."""
    return _catalog(lang).gettext(text) % values if values else _catalog(lang).gettext(text)


def tell(key: str, lang: str = "en", /, **values) -> str:
    """Returns the message of key in lang, values filled in; a value `suggestion` adds "did you mean"."""
    suggestion = values.pop("suggestion", None)
    text = translate(MESSAGES[key][0], lang, **values)
    if suggestion:
        text += "; " + translate(MESSAGES["did_you_mean"][0], lang, suggestion=suggestion)
    return text


def message(key: str, /, **values) -> tuple[str, str]:
    """Returns the message of key in English, values filled in, and its guide section."""
    return tell(key, "en", **values), MESSAGES[key][1]


def guide_link(topic: str) -> str:
    """Returns where the guide explains a topic's messages."""
    return f"{GUIDE}#check-{topic}"


@dataclass(frozen=True)
class NoticeProblem(Problem):
    """A problem of a notice file that keeps its message's key and values, to be told in the staff's language."""

    key: str = ""
    values: tuple = ()

    @classmethod
    def of(cls, path: str, line: int, key: str, /, warning: bool = False, **values) -> "NoticeProblem":
        """Returns the problem of key at path:line, its message in English until told in another language."""
        text, topic = message(key, **values)
        return cls(path, line, text, warning, guide_link(topic), key, tuple(sorted(values.items())))


def told(problem: Problem, lang: str) -> str:
    """Returns a problem's message in lang: a notice's problem in any language, another one as written."""
    if isinstance(problem, NoticeProblem) and problem.key:
        return tell(problem.key, lang, **dict(problem.values))
    return problem.message


def explained(problem: Problem, lang: str) -> str:
    """Returns a problem's message in lang with where the guide explains it."""
    text = told(problem, lang)
    return f"{text} ({translate(WORDS['see'], lang, guide=problem.guide)})" if problem.guide else text


def line_of(problem: Problem, lang: str) -> str:
    """Returns a problem as `path:line: message (see guide)` in lang, a warning so marked."""
    prefix = f"{translate(WORDS['warning'], lang)}: " if problem.warning else ""
    return f"{problem.path}:{problem.line}: {prefix}{explained(problem, lang)}"
