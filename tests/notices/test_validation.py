"""The validator names the file and line of each kind of mistake, and the loader agrees."""

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
        ("end: 2024-02-01 09:30", "end: 2024-02-01 07:30", 6, "end is before start"),
        ("  - time: 2024-02-01 09:30", "  - time: 2024-02-01 10:30", 14, "outside the notice's span"),
        ("  - time: 2024-02-01 09:30", "  - time:", 14, "the update's time is missing"),
        ("affected: [wilma]", "affected: [wilma, moodle]", 4, "unknown component moodle; the components are:"),
        ("stage: investigating", "stage: looking", 19, "the stage looking is unknown for type incident"),
        ("type: incident", "type: outage", 2, "type outage is unknown; write one of: incident, maint"),
        ("severity: down", "severity: catastrophic", 3, "severity catastrophic is unknown; write one of: down"),
        ("severity: down\n", "", 2, "severity is missing; write one of: down, disrupted, notice"),
        ("type: incident\n", "", 2, "type is missing; write one of: incident"),
        ("title:\n  fi: Häiriö\n  sv: Störning\n", "title:\n", 7, "title is missing"),
        ("  fi: Lyhyesti.", "  en: Briefly.", 11, "unknown language en; write fi or sv"),
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
        (1, "the file name must be YYYY-MM-DD-slug.md, the slug in lowercase letters, digits and hyphens")
    ]
    _, errors, _ = errors_of(write(notices_dir, VALID + "Teksti ilman kielimerkintää.\n"))
    assert errors == [(23, "text must follow a language line <!-- fi --> or <!-- sv -->")]


def test_invalid_utf8_names_its_line(notices_dir):
    path = notices_dir / "2024-02-01-hairio.md"
    path.write_bytes(VALID.encode() + b"<!-- fi -->\nHyv\xe4 teksti\n")
    _, errors, _ = errors_of(path)
    assert errors == [(24, "the file is not valid UTF-8 text; save it as UTF-8")]


def test_skipped_spring_time_and_ambiguous_autumn_time(notices_dir):
    _, errors, _ = errors_of(write(notices_dir, VALID.replace("start: 2024-02-01 08:00", "start: 2024-03-31 03:30")))
    assert any(line == 5 and "does not exist in Europe/Helsinki" in message for line, message in errors)
    text = VALID.replace("2024-02-01", "2024-10-27").replace("start: 2024-10-27 08:00", "start: 2024-10-27 03:30")
    text = text.replace("  - time: 2024-10-27 08:00", "  - time: 2024-10-27 03:30")
    notice, errors, warnings = errors_of(write(notices_dir, text, name="2024-10-27-hairio.md"))
    assert errors == []
    assert any(line == 5 and "occurs twice" in message for line, message in warnings)


def test_duplicate_ids_across_files(notices_dir):
    write(notices_dir, VALID.replace("---\ntype", "---\nid: sama\ntype", 1))
    write(notices_dir, VALID.replace("---\ntype", "---\nid: sama\ntype", 1), name="2024-02-02-toinen.md")
    snapshot, _ = load_folder(notices_dir, CONFIG)
    assert len(snapshot.notices) == 1
    assert [p.message for p in snapshot.problems] == [
        "the id sama is used by notices/2024-02-01-hairio.md too; give each notice an id of its own"
    ]


def test_broken_file_is_skipped_and_the_rest_load(notices_dir):
    write(notices_dir, VALID)
    write(notices_dir, "---\ntype: incident\n", name="2024-02-03-rikki.md")
    snapshot, _ = load_folder(notices_dir, CONFIG)
    assert [n.slug for n in snapshot.notices] == ["2024-02-01-hairio"]
    assert [str(p) for p in snapshot.problems] == [
        "notices/2024-02-03-rikki.md:1: the front matter is not closed by a line '---'"
        " (see notices/README.md#check-front-matter)"
    ]
