"""Writes PNGs of the site in each state (see scenes.py), phone and desktop, both languages and colour schemes:
`make screenshots`. Everything runs on 127.0.0.1: the site, the stand-in brokers and the browser's requests."""

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from mpass_status.standin.broker import StandinBroker
from mpass_status.standin.reference import StandinReference
from tests.browser.scenes import SCENES, build
from tests.browser.support import launch, missing_prerequisites
from tests.helpers import ROOT, serve

WIDTHS = {"phone": (375, 812), "desktop": (1280, 900)}
SCHEMES = ("light", "dark")


def file_name(scene: str, path: str, width: str, lang: str, scheme: str) -> str:
    """Names a PNG: all-well-phone-fi.png for a front page, history-prod-saml-desktop-sv-dark.png for another."""
    page = path.strip("/").split("/")[-1] if path != "/{lang}/" else ""
    suffix = "" if scheme == "light" else "-dark"
    return "-".join(part for part in (scene, page, width, lang) if part) + suffix + ".png"


def main(out: Path = ROOT / "screenshots") -> int:
    """Renders every scene's pages; returns the number of PNGs written."""
    if missing := missing_prerequisites():
        sys.exit(f"missing: {', '.join(missing)}; run `make system-packages`")
    out.mkdir(exist_ok=True)
    written = 0
    with (
        sync_playwright() as playwright,
        tempfile.TemporaryDirectory() as tmp,
        StandinBroker() as production,
        StandinBroker() as test,
        StandinReference() as first_reference,
        StandinReference() as second_reference,
    ):
        browser = launch(playwright)
        for scene, spec in SCENES.items():
            with serve(build(scene, Path(tmp), production, test, (first_reference, second_reference))) as base:
                for width_name, (width, height) in WIDTHS.items():
                    for scheme in SCHEMES:
                        page = browser.new_page(viewport={"width": width, "height": height}, color_scheme=scheme)
                        for path in spec.pages:
                            for lang in ("fi", "sv"):
                                page.goto(base + path.format(lang=lang))
                                page.screenshot(
                                    path=out / file_name(scene, path, width_name, lang, scheme), full_page=True
                                )
                                written += 1
                        page.close()
        browser.close()
    print(f"{written} screenshots in {out}")
    return written


if __name__ == "__main__":
    main()
