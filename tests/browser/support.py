"""Starts Debian's Chromium for Playwright, and names what the browser tests need."""

import shutil

from ..helpers import ROOT

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# Atlassian's embeddable status widget, as other sites embed a Statuspage's status.
WIDGET = ROOT / "node_modules" / "@statuspage" / "status-widget" / "dist" / "index.js"
STATES = ROOT / "tests" / "fixtures" / "states"
# Playwright's own browser download is not used: it drives the system Chromium, quietly.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def missing_prerequisites() -> list[str]:
    """Names what `make system-packages` would install and is not there."""
    missing = []
    if not shutil.which("chromium"):
        missing.append("chromium (Debian package)")
    for path in (AXE, WIDGET):
        if not path.is_file():
            missing.append(f"{path.relative_to(ROOT)} (npm ci)")
    return missing


def launch(playwright):
    """Starts the system Chromium, headless."""
    return playwright.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS)
