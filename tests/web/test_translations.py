"""The fi and sv catalogs translate every source string once, with matching placeholders."""

import re

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from ..helpers import ROOT

KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None, "N_": None}
METHODS = [("mpass_status/**.py", "python"), ("app.py", "python"), ("templates/**.html", "jinja2")]
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def source_strings() -> set[str]:
    found = set()
    for _, _, message, _, _ in extract_from_dir(ROOT, METHODS, keywords=KEYWORDS):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_catalog_is_complete_and_without_duplicates(lang):
    path = ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po"
    text = path.read_text(encoding="utf-8")
    ids = re.findall(r'^msgid "(.+)"$', text, re.M)
    assert sorted({i for i in ids if ids.count(i) > 1}) == [], "duplicate entries: run msguniq"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    translated = {}
    for message in catalog:
        if not message.id:
            continue
        key = message.id[0] if isinstance(message.id, tuple) else message.id
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings) and not message.fuzzy, f"{lang}: untranslated or fuzzy: {key!r}"
        source = " ".join(message.id) if isinstance(message.id, tuple) else message.id
        for string in strings:
            assert set(PLACEHOLDER.findall(string)) <= set(PLACEHOLDER.findall(source)), (lang, key)
        translated[key] = strings
    missing = source_strings() - set(translated)
    assert not missing, f"{lang}: run make translations-update and translate: {sorted(missing)}"
