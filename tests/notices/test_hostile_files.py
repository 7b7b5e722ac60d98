"""Notice files built to hurt the parser are refused with a line, never loaded."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from mpass_status import runtime

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
    "block indents": VALID.replace("  fi: Häiriö\n", "  fi:\n" + "".join(" " * i + "-\n" for i in range(4, 400))),
    "body quotes": VALID + "<!-- fi -->\n" + "> " * DEPTH + "syvällä\n",
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


def test_forty_thousand_levels_do_not_crash_the_check(make_site):
    """libyaml's C composer would overflow its stack (a segfault): the check runs in its own process."""
    app = make_site(None)
    folder = notices_folder(app)
    write(folder, VALID.replace("  fi: Häiriö\n", "  fi: " + "[" * 40_000 + "\n"), name="2024-02-02-syva.md")
    env = {k: v for k, v in os.environ.items() if not k.startswith("STATUS_")}
    env.update(STATUS_NOTICES=str(folder), STATUS_DATABASE=str(folder.parent / "status.sqlite3"))
    done = subprocess.run(
        [str(Path(sys.executable).parent / "flask"), "--app", "app", "notices", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1, (done.returncode, done.stderr[-500:])
    assert "Traceback" not in done.stdout + done.stderr
    problems = [line for line in done.stdout.splitlines() if "2024-02-02-syva.md" in line]
    assert len(problems) == 1 and ".md:8: the front matter nests deeper than 20 levels" in problems[0]


@pytest.mark.parametrize(
    "old, new, line, shown",
    [
        ("  fi: Häiriö\n", '  fi: "Häiriö\\x0b"\n', 8, "U+000B (vertical tab)"),
        ("  fi: Häiriö\n", '  fi: "Häiriö\\e[31m"\n', 8, "U+001B (escape)"),
        ("  sv: Kort.\n", "  sv: Kort.\x1b[31m\n", 12, "U+001B (escape)"),
    ],
    ids=["yaml escape", "yaml escape e", "pasted escape"],
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
            "the line holds the control character U+001B (escape); delete it (it cannot appear in feeds)",
        )
    ]


def test_a_broken_notice_beside_a_broken_database_hides_no_other_notice(make_site, tmp_path):
    database = tmp_path / "corrupt.sqlite3"
    database.write_bytes(b"\x00garbage" * 200)
    app = make_site(DATABASE=str(database))
    write(notices_folder(app), NESTED["flow"], name="2024-02-03-syva.md")
    client = app.test_client()
    for path in ("/healthz", "/fi/", "/sv/", "/static/site.css", "/fi/feed.atom", "/sv/feed.rss"):
        with client.get(path) as response:
            assert response.status_code == 200, path
    for name in sorted(p.stem for p in FIXTURE_NOTICES.glob("2*.md")):
        assert client.get(f"/fi/notices/{name}/").status_code == 200, name
    assert client.get("/fi/notices/2024-02-03-syva/").status_code == 404
    problems = [p for p in runtime.notices(app).problems if not p.warning]
    assert [(p.path, p.line) for p in problems] == [("notices/2024-02-03-syva.md", 8)]
