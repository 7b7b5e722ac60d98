"""Words of another language in a notice are marked so (WCAG 3.1.2), and a pending translation has one name."""

import re

import pytest

from mpass_status.notices.markdown import render_block, render_inline
from mpass_status.notices.messages import tell

from ..helpers import ROOT, VALID, errors_of, write

ROLE_NAMES = ("oppilas", "koulusihteeri", "sijaisopettaja", "hallintohenkilö", "rehtori", "tietomalli")
DATA_MODEL_NOTICES = [path.stem for path in sorted((ROOT / "notices").glob("20*-tietomalli-1-2*.md"))]


def test_a_span_in_another_language_is_marked_with_its_language():
    html = render_block("Rollerna [Koulusihteeri]{lang=fi} och [**ny:** rektor]{lang=sv-FI}.")
    assert '<span lang="fi">Koulusihteeri</span>' in html
    assert '<span lang="sv-FI"><strong>ny:</strong> rektor</span>' in html
    assert render_inline("roll [oppilas]{lang=fi}") == 'roll <span lang="fi">oppilas</span>'


@pytest.mark.parametrize(
    "text",
    [
        "[x]{lang=qq}",  # no such language
        "[x]{lang=fi onclick=alert(1)}",  # only lang
        '[x]{lang="fi"}',
        "[x] {lang=fi}",
        "[x]{class=fi}",
        '<span lang="fi" onclick="alert(1)">x</span>',
    ],
)
def test_only_a_known_language_code_makes_a_span_and_nothing_else_can(text):
    html = render_block(text)
    assert "<span" not in html, html


def test_a_link_and_code_keep_their_own_syntax_beside_a_span():
    html = render_block("[MPASSid]{lang=fi} [ohje](https://example.fi/) `[x]{lang=fi}`")
    assert '<span lang="fi">MPASSid</span>' in html
    assert '<a href="https://example.fi/" rel="noopener noreferrer">ohje</a>' in html
    assert "<code>[x]{lang=fi}</code>" in html


@pytest.mark.parametrize("slug", DATA_MODEL_NOTICES)
def test_finnish_names_in_the_swedish_data_model_notices_carry_lang_fi(make_site, slug):
    client = make_site(ROOT / "notices").test_client()
    html = client.get(f"/sv/notices/{slug}/").get_data(as_text=True)
    main = html.split("<main")[1].split("</main>")[0]
    assert "{lang=" not in main
    marked = re.findall(r'<span lang="fi">([^<]+)</span>', main)
    assert marked, "no Finnish word of the Swedish text is marked"
    # Code (attribute values such as "…;9A;Oppilas") is data, not language; everything else that is Finnish
    # is in a span of lang="fi".
    rest = re.sub(r"<(pre|code)\b.*?</\1>", " ", main, flags=re.S)
    rest = re.sub(r'<span lang="fi">[^<]*</span>', " ", rest)
    rest = re.sub(r"<[^>]+>", " ", rest)
    left = [word for word in ROLE_NAMES if re.search(rf"\b{word}\b", rest, re.I)]
    assert left == [], left


@pytest.mark.parametrize("key", ["lacks_language", "update_lacks_language", "body_lacks_language"])
def test_the_check_names_a_pending_translation_as_the_page_labels_it(key):
    values = {"name": "title", "lang": "sv"}
    assert "”översättning pågår”" in tell(key, "sv", **values)
    assert "”käännös tulossa”" in tell(key, "fi", **values)
    guide = (ROOT / "notices" / "README.md").read_text(encoding="utf-8")
    assert "väntande på översättning" not in guide and "käännöstä odottava" not in guide


def test_a_mark_whose_code_is_not_a_language_is_a_warning_at_its_line(tmp_path):
    text = VALID.replace("    sv: Utreds.\n", "    sv: Utreds, [oppilas]{lang=suomi}.\n") + (
        "<!-- fi -->\nTeksti.\n<!-- sv -->\nRollen [Oppilas]{lang=fi} och [rehtori]{lang=qq}.\n"
    )
    notice, errors, warnings = errors_of(write(tmp_path, text))
    assert notice is not None and errors == []
    update_line = text.splitlines().index("    sv: Utreds, [oppilas]{lang=suomi}.") + 1
    body_line = text.splitlines().index("Rollen [Oppilas]{lang=fi} och [rehtori]{lang=qq}.") + 1
    assert warnings == [
        (update_line, tell("lang_mark_code", "en", mark="[oppilas]{lang=suomi}", code="suomi")),
        (body_line, tell("lang_mark_code", "en", mark="[rehtori]{lang=qq}", code="qq")),
    ]
    assert '<span lang="fi">Oppilas</span>' in notice.body_html["sv"] and "[rehtori]{lang=qq}" in notice.body_html["sv"]
    assert "lukijat näkevät merkinnän sellaisenaan" in tell("lang_mark_code", "fi", mark="[x]{lang=qq}", code="qq")


def test_the_shipped_notices_mark_nothing_the_check_warns_of():
    for path in sorted((ROOT / "notices").glob("20*.md")):
        _, errors, warnings = errors_of(path)
        assert errors == [] and warnings == [], path.name
