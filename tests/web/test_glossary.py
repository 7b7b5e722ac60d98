"""Every page type, in both languages, uses the glossary's words: no form its "Avoid" columns list."""

import re

import pytest
from babel.messages.pofile import read_po

from mpass_status.web.export import site_urls

from ..helpers import ROOT, build_site

GLOSSARY = ROOT / "docs" / "glossary.md"


def avoided() -> dict[str, list[str]]:
    """Returns {lang: forms to avoid} read from the glossary's table."""
    forms = {"fi": [], "sv": []}
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 5 and not set(cells[0]) <= {"-", " "} and cells[0] != "English":
            forms["fi"] += re.findall(r"`([^`]+)`", cells[3])
            forms["sv"] += re.findall(r"`([^`]+)`", cells[4])
    return forms


def test_the_glossary_lists_forms_to_avoid():
    forms = avoided()
    assert "MPASSidin" in forms["fi"] and "Käytettävyys" in forms["fi"] and "Publicerat" in forms["sv"]


def visible(html: str) -> str:
    """The text a reader sees, tags out and spaces collapsed ("<strong>ny:</strong> rektor" reads "ny: rektor")."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    app = build_site(tmp_path_factory.mktemp("glossary"), ROOT / "notices")
    client = app.test_client()
    urls = [target.url for target in site_urls(app) if target.url.startswith(("/fi/", "/sv/"))]
    found = {}
    for url in urls + ["/fi/ei-sivua/", "/sv/ingen-sida/"]:
        response = client.get(url)
        found[url] = response.get_data(as_text=True)
    return found


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_no_page_or_feed_uses_a_form_the_glossary_says_to_avoid(pages, lang):
    forms = avoided()[lang]
    assert forms, "the glossary lists no forms to avoid for this language"
    mine = {url: text for url, text in pages.items() if url.startswith(f"/{lang}/")}
    assert len(mine) > 10, sorted(mine)
    kinds = {url.split("/")[2] for url in mine}
    assert {"notices", "archive", "components", "about", "accessibility"} <= kinds, kinds
    misses = [
        (url, form)
        for url, text in mine.items()
        for form in forms
        if re.search(rf"(?<![\w:-]){re.escape(form)}(?![\w:-])", visible(text))
    ]
    assert misses == []


def test_the_glossarys_words_are_the_ones_the_pages_use(pages):
    """The other side of the check: the preferred forms are there, so the scan reads real text."""
    fi = " ".join(text for url, text in pages.items() if url.startswith("/fi/"))
    sv = " ".join(text for url, text in pages.items() if url.startswith("/sv/"))
    for word in ("Saatavuus", "MPASSid:n", "Yleiset tiedotteet", "koulutuksen järjestäjän", "Asiakaspalvelu:"):
        assert word in fi, word
    for word in ("Toiminta heikentynyt", "Ei käytettävissä:", "Ylläpitäjä", "Tilanne", "Avaa syöte muodossa RSS 2.0"):
        assert word in fi, word
    for word in ("Andel lyckade kontroller", "Allmänna meddelanden", "Publicerad", "Kundtjänst", "användarkoder"):
        assert word in sv, word
    for word in ("driftlägessida", "Driftläge", "Försämrad funktion", "Delvis störning", "Går inte att använda"):
        assert word in sv, word
    for word in ("Varaktighet", "Påverkan", "Tillhandahålls av", "Övriga meddelanden om MPASSid"):
        assert word in sv, word


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_each_legend_entry_explains_its_state_without_repeating_its_label(pages, lang):
    legend = pages[f"/{lang}/"].split('class="legend"', 1)[1].split("</section>", 1)[0]
    entries = re.findall(r'<span class="state-label">([^<]+)</span></span></dt>\s*<dd>([^<]+)</dd>', legend)
    assert len(entries) == 6, legend
    for label, meaning in entries:
        assert label.lower() not in meaning.lower(), (label, meaning)


@pytest.mark.parametrize(
    ("lang", "sentence"),
    [("fi", "Tiedotteet, jotka koskevat kirjautumistapoja."), ("sv", "Meddelanden som gäller inloggningssätten.")],
)
def test_the_subscribe_pages_group_sentences_read_naturally(pages, lang, sentence):
    assert sentence in visible(pages[f"/{lang}/subscribe/"])


@pytest.mark.parametrize(("lang", "other"), [("fi", "Muuta"), ("sv", "Övrigt")])
def test_the_accessibility_statement_lists_only_what_is_not_accessible(pages, lang, other):
    html = pages[f"/{lang}/accessibility/"]
    # The shipped base_url is a placeholder until a deployment sets its own: the statement names no address.
    assert "example" not in visible(html)
    sections = re.split(r"<h2>", html)
    missing = next(
        part for part in sections if part.startswith(("Ei-saavutettava sisältö<", "Innehåll som inte är tillgängligt<"))
    )
    assert missing.count("<p>") == 1 and "<li>" not in missing, missing
    notes = next(part for part in sections if part.startswith(f"{other}</h2>"))
    assert notes.count("<li>") == 2


@pytest.mark.parametrize("path", ["notices/README.md", "notices/_template.md", "status.toml", "docs/glossary.md"])
def test_the_guide_template_and_configuration_use_the_glossarys_words_too(path):
    text = (ROOT / path).read_text(encoding="utf-8")
    if path == "docs/glossary.md":
        # The glossary names the forms to avoid in its table only.
        text = "\n".join(line for line in text.splitlines() if not line.startswith("|"))
    forms = avoided()["fi"] + avoided()["sv"]
    found = [form for form in forms if re.search(rf"(?<![\w:-]){re.escape(form)}(?![\w:-])", " ".join(text.split()))]
    assert found == []


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_no_message_of_the_catalog_uses_a_form_to_avoid(lang):
    """The pages above are what a reader browses; e-mails, webhook pages and forms read the same catalog."""
    with open(ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po", "rb") as source:
        catalog = read_po(source)
    texts = [
        text
        for message in catalog
        if message.id
        for text in (message.string if isinstance(message.string, tuple) else (message.string,))
    ]
    assert len(texts) > 300, len(texts)
    forms = avoided()[lang]
    found = [
        (form, text)
        for text in texts
        for form in forms
        if re.search(rf"(?<![\w:-]){re.escape(form)}(?![\w:-])", " ".join(text.split()))
    ]
    assert found == []
