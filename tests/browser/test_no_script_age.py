"""A reader without script gets no refresh and no age warning from refresh.js: the exported front page (right
under the headline) and component pages say themselves when they were made and that they do not update
themselves, in the reader's language."""

import re

import pytest
from playwright.sync_api import expect

from mpass_status.web.export import Export

from ..helpers import build_site
from .test_stopped_export import Folder

NOTE = {
    "fi": "Sivu ei päivity itsestään: lataa se uudelleen, jos päivitysaika ei ole aivan tuore.",
    "sv": "Sidan uppdateras inte av sig själv: ladda om den om uppdateringstiden inte är helt färsk.",
}
UPDATED = {
    "fi": r"Päivitetty \d{1,2}\.\d{1,2}\.\d{4} klo \d{1,2}\.\d\d",
    "sv": r"Uppdaterad \d{1,2}\.\d{1,2}\.\d{4} kl\. \d{1,2}\.\d\d",
}


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("no-script-export")
    export = Export(build_site(tmp / "site"), tmp / "www")
    export.full()
    return Folder(export.root)


@pytest.fixture
def no_script(folder, browser):
    """Yields a page of a browser with script switched off and the export's base URL."""
    context = browser.new_context(viewport={"width": 1024, "height": 768}, java_script_enabled=False)
    try:
        with folder.serving() as base:
            yield context.new_page(), base
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_without_script_the_copy_says_when_it_was_made_and_to_reload(no_script, lang):
    page, base = no_script
    page.goto(f"{base}/{lang}/")
    overall = page.locator(".overall")
    # The date and the clock time, not the clock alone: a copy may be read days later.
    expect(overall.locator(".updated")).to_have_text(re.compile(UPDATED[lang]))
    note = overall.locator(".copy-note")
    expect(note).to_be_visible()
    expect(note).to_contain_text(NOTE[lang])
    # Right after the time, above the rest of the page.
    texts = [" ".join(t.split()) for t in overall.locator("p").all_inner_texts()]
    assert texts.index(note.inner_text()) == texts.index(overall.locator(".updated").inner_text()) + 1


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_without_script_a_component_page_says_when_it_was_made_and_to_reload(no_script, lang):
    page, base = no_script
    page.goto(f"{base}/{lang}/components/prod-oidc/")
    note = page.locator("main .copy-note")
    expect(note).to_be_visible()
    expect(note).to_contain_text(NOTE[lang])
    expect(note).to_contain_text(re.compile(UPDATED[lang]))


def test_with_script_the_note_is_not_shown_as_refresh_js_tells_the_age(folder, page):
    with folder.serving() as base:
        page.goto(f"{base}/fi/")
        expect(page.locator(".overall .updated")).to_be_visible()
        assert page.locator(".copy-note").count() == 0
        assert NOTE["fi"] not in page.locator("main").inner_text()
        page.goto(f"{base}/fi/components/prod-oidc/")
        expect(page.locator("main h1")).to_be_visible()
        assert NOTE["fi"] not in page.locator("main").inner_text()
