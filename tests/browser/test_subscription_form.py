"""The e-mail subscription as a person uses it in Chromium, without script: the form, its mistake told at the
field, the confirmation page's button, the management page and the privacy statement, each without an axe-core
violation in either language."""

import re

import pytest

from mpass_status.notify.sender import Sender, store_of
from tests.notify.smtp_server import SMTPServer

from ..helpers import build_site, serve
from .support import AXE
from .test_axe import check, violations


@pytest.fixture(scope="module")
def smtp():
    server = SMTPServer()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def mail_app(tmp_path_factory, smtp):
    return build_site(
        tmp_path_factory.mktemp("mail-site"),
        SMTP_URL=smtp.url,
        MAIL_FROM="MPASSid <status@mpass.example.fi>",
        SEND_IN_BACKGROUND=False,
    )


@pytest.fixture(scope="module")
def mail_url(mail_app):
    with serve(mail_app) as url:
        yield url


def path_of(message, kind: str) -> str:
    text = message.get_body(("plain",)).get_content()
    return re.search(rf"https://[^/\s]+(/\S+/subscribe/{kind}/\S+)", text).group(1)


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_a_person_subscribes_with_the_form_and_confirms_with_the_button(page, axe_page, mail_app, mail_url, smtp, lang):
    address = f"henkilo-{lang}@koulu.example"
    page.goto(f"{mail_url}/{lang}/subscribe/")
    page.get_by_label("Sähköpostiosoitteesi" if lang == "fi" else "Din e-postadress").fill("ei osoite")
    page.locator("#types-incident").check()
    page.locator("form.subscription button[type=submit]").click()
    # The mistake is told at the field, and the choice made is still there.
    assert page.locator("#address-error").is_visible() and page.locator("#types-incident").is_checked()
    page.locator("#address").fill(address)
    page.locator("form.subscription button[type=submit]").click()
    assert page.url.endswith(f"/{lang}/subscribe/email/sent/")
    Sender(mail_app, store_of(mail_app)).once()
    confirmation = smtp.handler.to(address)[-1]
    confirm = mail_url + path_of(confirmation, "confirm")
    check(axe_page, confirm)  # axe's visit is a GET: it confirms nothing
    assert store_of(mail_app).counts()["pending"] >= 1
    page.goto(confirm)
    page.locator("main form button[type=submit]").click()
    assert page.locator("h1").inner_text() in ("Tilaus on vahvistettu", "Prenumerationen är bekräftad")
    page.locator("main a").last.click()
    assert "/subscribe/manage/" in page.url and page.locator("#types-incident").is_checked()
    check(axe_page, page.url)


@pytest.mark.parametrize("lang", ["fi", "sv"])
@pytest.mark.parametrize("path", ["/{lang}/subscribe/", "/{lang}/subscribe/privacy/", "/{lang}/subscribe/email/sent/"])
def test_the_subscription_pages_have_no_axe_violations(axe_page, mail_url, lang, path):
    check(axe_page, mail_url + path.format(lang=lang))


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_the_form_with_its_mistake_told_has_no_axe_violations(axe_page, mail_url, lang):
    axe_page.goto(f"{mail_url}/{lang}/subscribe/")
    axe_page.locator("#address").fill("ei osoite")
    axe_page.locator("form.subscription button[type=submit]").click()
    assert axe_page.locator("#address[aria-invalid=true]").count() == 1
    axe_page.add_script_tag(path=str(AXE))
    for scheme in ("light", "dark"):
        axe_page.emulate_media(color_scheme=scheme)
        assert violations(axe_page) == [], scheme


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_the_webhook_form_and_its_mistakes_told_have_no_axe_violations(axe_page, mail_url, lang):
    """The webhook form of service providers' systems, as a person sees it and with both fields refused."""
    check(axe_page, f"{mail_url}/{lang}/subscribe/webhook/")
    axe_page.locator("#url").fill("http://127.0.0.1/koukku")
    axe_page.locator("#owner").fill("ei osoite")
    axe_page.locator("form.subscription button[type=submit]").click()
    assert axe_page.locator("#url[aria-invalid=true]").count() == 1
    assert axe_page.locator("#owner[aria-invalid=true]").count() == 1
    axe_page.add_script_tag(path=str(AXE))
    for scheme in ("light", "dark"):
        axe_page.emulate_media(color_scheme=scheme)
        assert violations(axe_page) == [], scheme
