"""The validator names the file and line of each kind of mistake, and the loader agrees."""

from datetime import datetime, timedelta

import pytest

from mpass_status.notices.store import load_folder

from ..helpers import CONFIG, VALID, errors_of, write


def test_valid_notice_has_no_problems(notices_dir):
    notice, errors, warnings = errors_of(write(notices_dir, VALID))
    assert errors == [] and warnings == []
    assert notice.components == ("wilma",)
    assert [u.stage for u in notice.updates] == ["resolved", "investigating"]
    assert notice.start.at.isoformat() == "2024-02-01T08:00:00+02:00"
    assert notice.duration().total_seconds() == 90 * 60


@pytest.mark.parametrize(
    ("old", "new", "line", "fragment"),
    [
        ("severity: down\n", "severity: down\ncolour: red\n", 4, "unknown field colour; the fields are: id, type"),
        ("start: 2024-02-01 08:00", "start: 2024-02-30 08:00", 5, "the time 2024-02-30 08:00 does not exist"),
        ("start: 2024-02-01 08:00", "start: yesterday", 5, "write it as YYYY-MM-DD HH:MM"),
        ("end: 2024-02-01 09:30", "end: 2024-02-01 07:30", 6, "end 2024-02-01 07:30 is before start 2024-02-01 08:00"),
        ("  - time: 2024-02-01 09:30", "  - time: 2024-02-01 10:30", 14, "outside the notice's span"),
        ("  - time: 2024-02-01 09:30", "  - time:", 14, "the update's time is missing"),
        ("affected: [wilma]", "affected: [wilma, moodle]", 4, "unknown component moodle; the components are:"),
        ("stage: investigating", "stage: looking", 19, "the stage looking is unknown for type incident"),
        ("type: incident", "type: outage", 2, "type outage is unknown; write one of: incident, maint"),
        ("severity: down", "severity: catastrophic", 3, "severity catastrophic is unknown; write one of: down"),
        ("severity: down\n", "", 2, "severity is missing; write one of: down, disrupted, notice"),
        ("type: incident\n", "", 2, "type is missing; write one of: incident"),
        ("title:\n  fi: Häiriö\n  sv: Störning\n", "title:\n", 7, "title is missing"),
        ("  fi: Lyhyesti.", "  en: Briefly.", 11, "unknown language en; the languages are fi, sv"),
        ("  sv: Kort.", "  se: Kort.", 12, "unknown language se; the languages are fi, sv; did you mean sv?"),
        ("affected: [wilma]", "affected: [Wilma]", 4, "unknown component Wilma; the components are: adfs,"),
        ("title:\n  fi: Häiriö", "title:\n  fi: Huolto: tuotanto", 8, "put the text in quotes"),
        ("end: 2024-02-01 09:30", "end:", 6, "resolved, so its end must be written"),
        ("---\n", "---\ntitle: [unclosed\n", 3, "not valid YAML"),
        ("severity: down\n", "severity: down\nseverity: notice\n", 4, "written twice"),
        ("type: incident", "type: !!python/object:os.system incident", 2, "YAML tag"),
    ],
)
def test_each_mistake_is_named_with_its_line(notices_dir, old, new, line, fragment):
    assert old in VALID
    notice, errors, _ = errors_of(write(notices_dir, VALID.replace(old, new, 1)))
    assert notice is None
    assert any(found_line == line and fragment in message for found_line, message in errors), errors


def test_missing_language_is_a_warning_not_an_error(notices_dir):
    text = VALID.replace("  sv: Störning\n", "").replace("    sv: Över.\n", "")
    notice, errors, warnings = errors_of(write(notices_dir, text))
    assert errors == []
    assert notice is not None and notice.missing_languages() == ("sv",)
    assert (7, "title lacks language sv: readers see another language, marked pending") in warnings
    assert any(line == 13 and "the update lacks language sv" in message for line, message in warnings)


def test_bad_file_name_and_stray_body_text(notices_dir):
    _, errors, _ = errors_of(write(notices_dir, VALID, name="2024-2-1-Hairio.md"))
    assert errors == [
        (
            1,
            "the file name must be YYYY-MM-DD-slug.md, the slug in lowercase letters, digits and hyphens,"
            " e.g. 2024-03-05-wilma-kirjautumishairio.md",
        )
    ]
    _, errors, _ = errors_of(write(notices_dir, VALID + "Teksti ilman kielimerkintää.\n"))
    assert errors == [(23, "text must follow a language line <!-- fi --> or <!-- sv -->")]


def test_invalid_utf8_names_its_line(notices_dir):
    path = notices_dir / "2024-02-01-hairio.md"
    path.write_bytes(VALID.encode() + b"<!-- fi -->\nHyv\xe4 teksti\n")
    _, errors, _ = errors_of(path)
    assert errors == [(24, "the file is not valid UTF-8 text; save it as UTF-8 (Save as → Encoding: UTF-8)")]


def test_a_skipped_spring_time_and_an_ambiguous_autumn_time_are_errors_that_show_the_offset(notices_dir):
    spring = VALID.replace("2024-02-01", "2024-03-31").replace("start: 2024-03-31 08:00", "start: 2024-03-31 03:30")
    _, errors, _ = errors_of(write(notices_dir, spring, name="2024-03-31-hairio.md"))
    assert errors == [
        (
            5,
            "start: the time 2024-03-31 03:30 does not exist in Europe/Helsinki: the clocks move forward past it"
            " that night; write it with its offset, e.g. 2024-03-31 03:30 +02:00",
        )
    ]
    autumn = VALID.replace("2024-02-01", "2024-10-27").replace("start: 2024-10-27 08:00", "start: 2024-10-27 03:30")
    notice, errors, _ = errors_of(write(notices_dir, autumn, name="2024-10-27-hairio.md"))
    assert notice is None and errors == [
        (
            5,
            "start: the time 2024-10-27 03:30 occurs twice in Europe/Helsinki, the night the clocks turn back; write"
            " it with its offset: 2024-10-27 03:30 +03:00 (summer time, the first) or 2024-10-27 03:30 +02:00"
            " (winter time, the second)",
        )
    ]
    # Written as the message says, each offset is the instant it names.
    winter = autumn.replace("start: 2024-10-27 03:30", "start: 2024-10-27 03:30 +02:00")
    notice, errors, _ = errors_of(write(notices_dir, winter, name="2024-10-27-hairio.md"))
    assert errors == [] and notice.start.at.isoformat() == "2024-10-27T03:30:00+02:00"


def test_end_before_start_is_one_message_with_both_times(notices_dir):
    text = VALID.replace("end: 2024-02-01 09:30", "end: 2024-02-01 07:30")
    notice, errors, warnings = errors_of(write(notices_dir, text))
    assert notice is None and warnings == []
    assert errors == [
        (
            6,
            "end 2024-02-01 07:30 is before start 2024-02-01 08:00; the end comes after the start,"
            " e.g. start: 2024-03-05 09:00 and end: 2024-03-05 10:30",
        )
    ]


@pytest.mark.parametrize(
    ("old", "new", "meant"),
    [
        ("affected: [wilma]", "affected: [Wilma]", "wilma"),
        ("affected: [wilma]", "affected: [tuotanto]", "production"),
        ("affected: [wilma]", "affected: [produktion]", "production"),
        ("type: incident", "type: häiriö", "incident"),
        ("type: incident", "type: underhållsavbrott", "maintenance"),
        ("severity: down\n", "severity: down\notsikko: x\n", "title"),
        ("stage: investigating", "stage: selvitetään", "investigating"),
        ("severity: down", "severity: dwon", "down"),
    ],
)
def test_a_near_id_or_a_finnish_or_swedish_word_gets_a_did_you_mean(notices_dir, old, new, meant):
    _, errors, _ = errors_of(write(notices_dir, VALID.replace(old, new, 1)))
    assert len(errors) == 1 and errors[0][1].endswith(f"; did you mean {meant}?"), errors


def test_an_unquoted_colon_in_a_title_is_told_in_the_editors_terms(notices_dir):
    _, errors, _ = errors_of(write(notices_dir, VALID.replace("  fi: Häiriö\n", "  fi: Huolto: tuotanto\n")))
    assert errors == [
        (
            8,
            "the text holds a colon followed by a space, which YAML reads as a new field: put the text in quotes,"
            ' e.g. fi: "Huoltokatko: tuotanto"',
        )
    ]
    _, errors, _ = errors_of(write(notices_dir, VALID.replace("  fi: Häiriö\n", "\tfi: Häiriö\n")))
    assert [line for line, _ in errors] == [8] and "indented with a tab" in errors[0][1]


def test_a_file_named_by_a_future_day_is_an_error_at_line_one(notices_dir):
    tomorrow = datetime.now(CONFIG.timezone).date() + timedelta(days=1)
    text = VALID.split("updates:")[0].replace("start: 2024-02-01 08:00", f"start: {tomorrow} 08:00") + "---\n"
    text = text.replace("type: incident", "type: maintenance").replace("end: 2024-02-01 09:30\n", "")
    today = datetime.now(CONFIG.timezone).date()
    path = write(notices_dir, text, name=f"{tomorrow}-huolto.md")
    notice, errors, _ = errors_of(path)
    assert notice is None and errors == [
        (
            1,
            f"the file name's date {tomorrow} is after today, {today}: a file is named by the day it is published,"
            f" and the day of the event goes in start (e.g. start: {tomorrow} 10:00)",
        )
    ]
    # Named by the day it is written, the same notice is valid.
    notice, errors, _ = errors_of(path.rename(path.with_name(f"{today}-huolto.md")))
    assert errors == [] and notice.start.at.date() == tomorrow


def test_an_update_time_in_the_future_is_an_error_at_its_line(notices_dir):
    text = VALID.replace("2024-02-01 09:30", "2099-02-01 09:30")
    notice, errors, _ = errors_of(write(notices_dir, text))
    assert notice is None and [(line, message.split(" (")[0]) for line, message in errors] == [
        (14, "the update's time 2099-02-01 09:30 is after now")
    ]


def test_duplicate_ids_across_files(notices_dir):
    write(notices_dir, VALID.replace("---\ntype", "---\nid: sama\ntype", 1))
    write(notices_dir, VALID.replace("---\ntype", "---\nid: sama\ntype", 1), name="2024-02-02-toinen.md")
    snapshot, _ = load_folder(notices_dir, CONFIG)
    assert len(snapshot.notices) == 1
    assert [p.message for p in snapshot.problems] == [
        "the id sama is used by notices/2024-02-01-hairio.md too; give each notice an id of its own,"
        " e.g. its file name without .md"
    ]


def test_broken_file_is_skipped_and_the_rest_load(notices_dir):
    write(notices_dir, VALID)
    write(notices_dir, "---\ntype: incident\n", name="2024-02-03-rikki.md")
    snapshot, _ = load_folder(notices_dir, CONFIG)
    assert [n.slug for n in snapshot.notices] == ["2024-02-01-hairio"]
    assert [str(p) for p in snapshot.problems] == [
        "notices/2024-02-03-rikki.md:1: the front matter is not closed by a line '---'; write --- on a line of its"
        " own after the last field (see notices/README.md#check-front-matter)"
    ]


def test_a_day_with_its_part_and_an_end_given_as_a_bound(notices_dir):
    text = VALID.replace("start: 2024-02-01 08:00", "start: 2024-02-01 morning")
    text = text.replace("end: 2024-02-01 09:30", "end_by: 2024-02-02").replace("2024-02-01 09:30", "2024-02-02")
    text = text.replace("  - time: 2024-02-01 08:00", "  - time: 2024-02-01")
    notice, errors, warnings = errors_of(write(notices_dir, text))
    assert errors == [] and warnings == []
    assert (notice.start.part, notice.start.has_time) == ("morning", False)
    assert notice.end.by and notice.end.at.date().isoformat() == "2024-02-02" and notice.duration() is None


@pytest.mark.parametrize(
    ("old", "new", "line", "message"),
    [
        (
            "end: 2024-02-01 09:30",
            "end: 2024-02-01 09:30\nend_by: 2024-02-02",
            7,
            "write either end (when the end is known) or end_by (the day it was over by), not both",
        ),
        (
            "end: 2024-02-01 09:30",
            "end_by: 2024-02-01 09:30",
            6,
            "end_by is a day without a clock time, e.g. end_by: 2020-10-27; when the clock time is known, write end",
        ),
        (
            "start: 2024-02-01 08:00",
            "start: 2024-02-01 08:00 morning",
            5,
            "start: morning goes with a day without a clock time, e.g. start: 2020-10-26 morning",
        ),
        (
            "start: 2024-02-01 08:00",
            "start: 2024-02-01 aamulla",
            5,
            "start: cannot read the time 2024-02-01 aamulla; write it as YYYY-MM-DD HH:MM, or YYYY-MM-DD,"
            " e.g. start: 2024-03-05 07:50",
        ),
    ],
)
def test_a_bound_or_a_part_of_the_day_written_wrong_is_one_message(notices_dir, old, new, line, message):
    notice, errors, _ = errors_of(write(notices_dir, VALID.replace(old, new, 1)))
    assert notice is None and errors == [(line, message)]
