"""Notice files built to hurt the parser are refused with a line, never loaded."""

import pytest

from ..helpers import VALID, errors_of, write


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
