"""Writes PNGs of the front page in each state, phone and desktop, both languages: `make screenshots`."""

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from tests.browser.support import ROOT, STATES, launch, missing_prerequisites, serve, site

WIDTHS = {"phone": (375, 812), "desktop": (1280, 900)}
SCHEMES = ("light", "dark")


def main(out: Path = ROOT / "screenshots") -> int:
    """Renders every state folder of tests/fixtures/states; returns the number of PNGs written."""
    if missing := missing_prerequisites():
        sys.exit(f"missing: {', '.join(missing)}; run `make browser`")
    out.mkdir(exist_ok=True)
    written = 0
    with sync_playwright() as playwright, tempfile.TemporaryDirectory() as tmp:
        browser = launch(playwright)
        for state in sorted(p.name for p in STATES.iterdir() if p.is_dir()):
            with serve(site(STATES / state, Path(tmp) / f"{state}.sqlite3")) as base:
                for width_name, (width, height) in WIDTHS.items():
                    for scheme in SCHEMES:
                        page = browser.new_page(viewport={"width": width, "height": height}, color_scheme=scheme)
                        for lang in ("fi", "sv"):
                            page.goto(f"{base}/{lang}/")
                            suffix = "" if scheme == "light" else "-dark"
                            page.screenshot(path=out / f"{state}-{width_name}-{lang}{suffix}.png", full_page=True)
                            written += 1
                        page.close()
        browser.close()
    print(f"{written} screenshots in {out}")
    return written


if __name__ == "__main__":
    main()
