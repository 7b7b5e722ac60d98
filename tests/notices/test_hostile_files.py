"""Notice files built to hurt the parser are refused with a line, never loaded."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from mpass_status import runtime
from mpass_status.notices.limits import yaml_too_deep
from mpass_status.notices.parser import YAML_LOADER

from ..helpers import FIXTURE_NOTICES, ROOT, VALID, errors_of, notices_folder, write


def test_huge_file_is_refused_by_the_validator(notices_dir):
    path = write(notices_dir, VALID + "<!-- fi -->\n" + "x" * (300 * 1024) + "\n")
    notice, errors, _ = errors_of(path)
    assert notice is None and errors[0][0] == 1 and "at most 256 KiB" in errors[0][1]


def test_yaml_alias_bomb_is_refused(notices_dir):
    bomb = VALID.replace(
        "summary:\n  fi: Lyhyesti.\n  sv: Kort.\n",
        "summary:\n  fi: &a Lyhyesti.\n  sv: *a\n",
    )
    notice, errors, _ = errors_of(write(notices_dir, bomb))
    assert notice is None and any("anchors and aliases" in message for _, message in errors)


@pytest.mark.parametrize(
    "tag",
    [
        "!!python/object/apply:os.system ['echo hacked']",
        "!!python/name:os.system",
        "!custom value",
    ],
)
def test_yaml_tags_that_construct_objects_are_refused(notices_dir, tag):
    notice, errors, _ = errors_of(write(notices_dir, VALID.replace("type: incident", f"type: {tag}")))
    assert notice is None and any("YAML tag" in message for _, message in errors)


DEPTH = 10_000
NESTED = {
    "flow": VALID.replace("  fi: Häiriö\n", "  fi: " + "[" * DEPTH + "]" * DEPTH + "\n"),
    "flow unclosed": VALID.replace("  fi: Häiriö\n", "  fi: " + "{a: " * DEPTH + "\n"),
    "block dashes": VALID.replace("  fi: Häiriö\n", "  fi:\n    " + "- " * DEPTH + "x\n"),
    "block explicit keys": VALID.replace("  fi: Häiriö\n", "  fi:\n    " + "? - " * DEPTH + "x\n"),
    "block entries of keys": VALID.replace("  fi: Häiriö\n", "  fi:\n    " + "- ? " * DEPTH + "x\n"),
    "block indents": VALID.replace("  fi: Häiriö\n", "  fi:\n" + "".join(" " * i + "-\n" for i in range(4, 400))),
    "body quotes": VALID + "<!-- fi -->\n" + "> " * DEPTH + "syvällä\n",
    "body quotes unspaced": VALID + "<!-- fi -->\n" + ">" * DEPTH + "syvällä\n",
    "body lists": VALID + "<!-- fi -->\n" + "- " * DEPTH + "syvällä\n",
}


@pytest.mark.parametrize("shape", sorted(NESTED))
def test_deep_nesting_is_one_problem_at_its_line_before_any_parser_sees_it(notices_dir, shape):
    path = write(notices_dir, NESTED[shape])
    notice, errors, _ = errors_of(path)
    assert notice is None and len(errors) == 1, errors
    line, message = errors[0]
    assert "deeper than 20 levels" in message
    text_line = path.read_text(encoding="utf-8").split("\n")[line - 1]
    assert text_line.count("[") + text_line.count("{") + text_line.count(">") + text_line.count("-") >= 1


FORTY_THOUSAND = {
    "2024-02-02-syva.md": (VALID.replace("  fi: Häiriö\n", "  fi: " + "[" * 40_000 + "\n"), 8),
    "2024-02-03-syva.md": (VALID.replace("  fi: Häiriö\n", "  fi:\n    " + "- " * 40_000 + "x\n"), 9),
    "2024-02-04-syva.md": (VALID.replace("  fi: Häiriö\n", "  fi:\n    " + "? - " * 40_000 + "x\n"), 9),
}
# YAML breaks lines at a lone carriage return and at U+2028, where the line-by-line limits see none.
HIDDEN_BREAKS = {
    "2024-02-05-syva.md": (VALID.replace("  fi: Häiriö\n", "  fi:\r    " + "- " * 40_000 + "x\n"), 8),
    "2024-02-06-syva.md": (VALID.replace("  fi: Häiriö\n", "  fi:\u2028    " + "- " * 40_000 + "x\n"), 8),
}


def test_forty_thousand_levels_do_not_crash_the_check(make_site):
    """libyaml's C composer would overflow its stack (a segfault): the check runs in its own process."""
    app = make_site(None)
    folder = notices_folder(app)
    for name, (text, _) in {**FORTY_THOUSAND, **HIDDEN_BREAKS}.items():
        write(folder, text, name=name)
    write(folder, VALID)
    env = {k: v for k, v in os.environ.items() if not k.startswith("STATUS_")}
    env.update(STATUS_NOTICES=str(folder), STATUS_DATABASE=str(folder.parent / "status.sqlite3"))
    done = subprocess.run(
        [str(Path(sys.executable).parent / "flask"), "--app", "app", "notices", "check", "--lang", "en"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1, (done.returncode, done.stderr[-500:])
    assert "Traceback" not in done.stdout + done.stderr
    assert "1 notices valid, 5 errors" in done.stderr
    for name, (_, line) in FORTY_THOUSAND.items():
        problems = [text for text in done.stdout.splitlines() if name in text]
        assert problems == [
            f"notices/{name}:{line}: the front matter nests deeper than 20 levels; write the fields as the template"
            " does (see notices/README.md#check-front-matter)"
        ]
    for name, (_, line) in HIDDEN_BREAKS.items():
        problems = [text for text in done.stdout.splitlines() if name in text]
        assert len(problems) == 1 and problems[0].startswith(f"notices/{name}:{line}: the line holds the control")


@pytest.mark.parametrize("shape", ["flow", "block dashes", "body quotes"])
def test_ten_thousand_levels_are_one_line_of_notices_check_and_no_traceback(make_site, shape):
    app = make_site(None)
    folder = notices_folder(app)
    write(folder, NESTED[shape], name="2024-02-02-syva.md")
    write(folder, VALID)
    result = app.test_cli_runner().invoke(args=["notices", "check", "--lang", "en"])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    assert [line.split(": ", 1)[1] for line in result.stdout.splitlines()] == [
        "the front matter nests deeper than 20 levels; write the fields as the template does"
        " (see notices/README.md#check-front-matter)"
        if shape.startswith(("flow", "block"))
        else "the text nests lists or quotes deeper than 20 levels; simplify (see notices/README.md#check-body)"
    ]
    assert result.stdout.startswith("notices/2024-02-02-syva.md:")
    assert "1 notices valid, 1 errors" in result.stderr


def test_the_yaml_parsers_own_events_stop_a_nesting_before_any_node_is_built():
    """A second limit under the raw-text one: even nesting the line-by-line reading missed is stopped."""
    front = VALID.split("---\n")[1]
    assert yaml_too_deep(front, YAML_LOADER, 2) is None
    hidden = front.replace("  fi: Häiriö\n", "  fi:\r    " + "- " * 40_000 + "x\n")
    # YAML counts the carriage return as a line break: the reason a notice may not hold one.
    assert yaml_too_deep(hidden, YAML_LOADER, 2) == 9
    # The document and summary are two levels: 18 brackets inside make 20, one more crosses the limit.
    flow = front.replace("  sv: Kort.\n", "  sv:\n    " + "[" * 19 + "]" * 19 + "\n")
    assert yaml_too_deep(flow, YAML_LOADER, 2) == 13
    assert yaml_too_deep(flow.replace("[" * 19 + "]" * 19, "[" * 18 + "]" * 18), YAML_LOADER, 2) is None


@pytest.mark.parametrize(
    "old, new, line, shown",
    [
        ("  fi: Häiriö\n", '  fi: "Häiriö\\x0b"\n', 8, "U+000B (vertical tab)"),
        ("  fi: Häiriö\n", '  fi: "Häiriö\\e[31m"\n', 8, "U+001B (escape)"),
        ("  sv: Kort.\n", "  sv: Kort.\x1b[31m\n", 12, "U+001B (escape)"),
        ("  sv: Kort.\n", "  sv: Kort.\rLisää\n", 12, "U+000D (carriage return)"),
        ("  sv: Kort.\n", "  sv: Kort.\u2028Lisää\n", 12, "U+2028 (line separator)"),
        ("  fi: Häiriö\n", '  fi: "Häiriö\\r"\n', 8, "U+000D (carriage return)"),
        ("  fi: Häiriö\n", "  fi: Häiriö\x7f\n", 8, "U+007F (delete)"),
        ("  fi: Häiriö\n", "  fi: Häiriö\x85\n", 8, "U+0085"),
        ("  fi: Häiriö\n", '  fi: "Häiriö\\uFFFE"\n', 8, "U+FFFE"),
    ],
    ids=["yaml escape", "yaml escape e", "pasted escape", "lone cr", "u2028", "yaml cr", "del", "c1", "fffe"],
)
def test_control_characters_are_an_error_at_their_line(notices_dir, old, new, line, shown):
    notice, errors, _ = errors_of(write(notices_dir, VALID.replace(old, new)))
    assert notice is None and (line, shown) in [(n, m.split("character ")[-1].split(";")[0]) for n, m in errors]


def test_a_control_character_pasted_into_the_body_is_named_at_its_line(notices_dir):
    text = VALID + "<!-- fi -->\nEnsimmäinen rivi.\nPunainen \x1b[31mvaroitus\x1b[0m.\n"
    notice, errors, _ = errors_of(write(notices_dir, text))
    assert notice is None and errors == [
        (
            25,
            "the line holds the control character U+001B (escape); delete it (it cannot appear in feeds),"
            " e.g. by typing the line anew",
        )
    ]


def test_a_broken_notice_beside_a_broken_database_hides_no_other_notice(make_site, tmp_path):
    database = tmp_path / "corrupt.sqlite3"
    database.write_bytes(b"\x00garbage" * 200)
    app = make_site(DATABASE=str(database))
    write(notices_folder(app), NESTED["flow"], name="2024-02-03-syva.md")
    # Every other way to hurt a parser, each in its own file: each is one problem, none a crash.
    for number, shape in enumerate(sorted(set(NESTED) - {"flow"}), start=4):
        write(notices_folder(app), NESTED[shape], name=f"2024-02-{number:02d}-syva.md")
    write(notices_folder(app), VALID.replace("  fi: Häiriö\n", '  fi: "Häiriö\\x0b"\n'), name="2024-03-01-vt.md")
    write(notices_folder(app), VALID + "<!-- fi -->\nPunainen \x1b[31mteksti.\n", name="2024-03-02-esc.md")
    client = app.test_client()
    for path in ("/healthz", "/fi/", "/sv/", "/static/site.css", "/fi/feed.atom", "/sv/feed.rss"):
        with client.get(path) as response:
            assert response.status_code == 200, path
    for name in sorted(p.stem for p in FIXTURE_NOTICES.glob("2*.md")):
        assert client.get(f"/fi/notices/{name}/").status_code == 200, name
    assert client.get("/fi/notices/2024-02-03-syva/").status_code == 404
    problems = [p for p in runtime.notices(app).problems if not p.warning]
    hostile = sorted(f"notices/{p.name}" for p in notices_folder(app).glob("2024-0[23]-*.md"))
    assert sorted(p.path for p in problems) == hostile and len(hostile) == len(NESTED) + 2
    assert ("notices/2024-02-03-syva.md", 8) in [(p.path, p.line) for p in problems]
    assert ("notices/2024-03-01-vt.md", 8) in [(p.path, p.line) for p in problems]
    assert ("notices/2024-03-02-esc.md", 24) in [(p.path, p.line) for p in problems]


def test_notices_check_names_the_line_of_a_vertical_tab_and_of_a_pasted_escape(make_site):
    app = make_site(None)
    folder = notices_folder(app)
    write(folder, VALID.replace("  fi: Häiriö\n", '  fi: "Häiriö\\x0b"\n'), name="2024-02-02-vt.md")
    write(folder, VALID + "<!-- fi -->\nEnsin.\nSitten \x1b[31mpunaista\x1b[0m.\n", name="2024-02-03-esc.md")
    write(folder, VALID)
    result = app.test_cli_runner().invoke(args=["notices", "check", "--lang", "en"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.stdout.splitlines() == [
        "notices/2024-02-02-vt.md:8: the value holds the control character U+000B (vertical tab); remove the \\"
        " escape that writes it (see notices/README.md#check-characters)",
        "notices/2024-02-03-esc.md:25: the line holds the control character U+001B (escape);"
        " delete it (it cannot appear in feeds), e.g. by typing the line anew (see notices/README.md#check-characters)",
    ]
    assert "1 notices valid, 2 errors" in result.stderr
