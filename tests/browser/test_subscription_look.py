"""The e-mail subscription form as it looks in Chromium: at 375 px nothing scrolls sideways and the boxes stand in
one column, on a wide screen in several; every box is worked by its label; focus shows a ring on the field and
on a box; a mistake is told above its field in the field's words, tied to it by aria-describedby; the buttons are
as tall as a finger; the manage page looks the same."""

import re

import pytest

from mpass_status.notify.sender import Sender, store_of
from tests.notify.smtp_server import SMTPServer

from ..helpers import build_site, serve

PHONE, DESKTOP = {"width": 375, "height": 740}, {"width": 1024, "height": 768}


@pytest.fixture(scope="module")
def smtp():
    server = SMTPServer()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def mail_app(tmp_path_factory, smtp):
    return build_site(
        tmp_path_factory.mktemp("mail-look"),
        SMTP_URL=smtp.url,
        MAIL_FROM="MPASSid <status@mpass.example.fi>",
        SEND_IN_BACKGROUND=False,
    )


@pytest.fixture(scope="module")
def mail_url(mail_app):
    with serve(mail_app) as url:
        yield url


def lefts(page, selector: str) -> set[int]:
    return set(
        page.eval_on_selector_all(selector, "found => found.map(e => Math.round(e.getBoundingClientRect().left))")
    )


def scroll_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_at_375_px_the_form_and_its_mistake_fit_and_the_boxes_stand_in_one_column(browser, mail_url, lang):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    try:
        page.goto(f"{mail_url}/{lang}/subscribe/")
        assert scroll_width(page) <= 375
        assert len(lefts(page, "#components-prod-oidc, #components-wilma, #components-google")) == 1
        page.locator("#address").fill("ei osoite")
        page.locator("form.subscription button[type=submit]").click()
        assert "/subscribe/email" in page.url and scroll_width(page) <= 375
        error, field = page.locator("#address-error"), page.locator("#address")
        assert field.get_attribute("aria-describedby") == "address-error" and field.get_attribute("aria-invalid")
        assert error.bounding_box()["y"] + error.bounding_box()["height"] <= field.bounding_box()["y"] + 1
        # Told in colour as well as words: the error's colour is the site's "down" red, not the text's.
        colours = page.evaluate(
            "[getComputedStyle(document.getElementById('address-error')).color, getComputedStyle(document.body).color]"
        )
        assert colours[0] != colours[1] and field.bounding_box()["width"] <= 375
        assert page.locator("form.subscription button[type=submit]").bounding_box()["height"] >= 44
    finally:
        context.close()


def test_on_a_wide_screen_the_boxes_stand_in_columns_and_each_is_worked_by_its_label(page, mail_url):
    page.set_viewport_size(DESKTOP)
    page.goto(f"{mail_url}/fi/subscribe/")
    assert len(lefts(page, 'input[name="components"]')) >= 2
    page.locator('label[for="components-wilma"]').click()
    page.locator('label[for="reminder"]').click()
    assert page.locator("#components-wilma").is_checked() and page.locator("#reminder").is_checked()
    # The long labels of the reminder and the automatic notice have one column of their own.
    assert len(lefts(page, "#reminder, #automatic")) == 1


def test_focus_shows_a_ring_on_the_address_and_on_a_box(page, mail_url):
    page.goto(f"{mail_url}/sv/subscribe/")
    page.locator("#address").focus()
    for expected in ("address", None):
        if expected is None:
            page.keyboard.press("Tab")
        ring = page.evaluate(
            "(() => { const s = getComputedStyle(document.activeElement);"
            " return [document.activeElement.id, s.outlineStyle, parseFloat(s.outlineWidth)]; })()"
        )
        assert (expected is None or ring[0] == expected) and ring[1] == "solid" and ring[2] >= 2, ring
    assert page.evaluate("document.activeElement.type") == "checkbox"


def test_the_manage_page_fits_375_px_with_its_boxes_kept(browser, mail_app, mail_url, smtp):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    try:
        page.goto(f"{mail_url}/fi/subscribe/")
        page.locator("#address").fill("katsoja@koulu.example")
        page.locator("#automatic").check()
        page.locator("form.subscription button[type=submit]").click()
        Sender(mail_app, store_of(mail_app)).once()
        text = smtp.handler.to("katsoja@koulu.example")[-1].get_body(("plain",)).get_content()
        page.goto(mail_url + re.search(r"https://[^/\s]+(/\S+/subscribe/confirm/\S+)", text).group(1))
        page.locator("main form button[type=submit]").click()
        page.locator("main a").last.click()
        assert "/subscribe/manage/" in page.url and page.locator("#automatic").is_checked()
        assert scroll_width(page) <= 375
        assert all(b["height"] >= 44 for b in (page.locator("main form button").nth(i).bounding_box() for i in (0, 1)))
    finally:
        context.close()
