"""One Chromium and one live server for the whole browser suite; `make system-packages` installs both tools."""

import os

import pytest
from playwright.sync_api import sync_playwright

from ..helpers import build_site, serve
from .support import launch, missing_prerequisites


@pytest.fixture(scope="session")
def browser():
    if missing := missing_prerequisites():
        message = f"browser tests need {', '.join(missing)}: run `make system-packages` (make test does)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def base_url(tmp_path_factory):
    """The site on the fixture notices, served by a real server on 127.0.0.1."""
    with serve(build_site(tmp_path_factory.mktemp("site"))) as url:
        yield url


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1024, "height": 768})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="session")
def axe_page(browser):
    """A page that may load axe-core as an inline script despite the site's CSP."""
    context = browser.new_context(viewport={"width": 1024, "height": 768}, bypass_csp=True)
    page = context.new_page()
    yield page
    context.close()
