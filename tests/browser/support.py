"""Serves the site on 127.0.0.1 in a thread and starts Debian's Chromium for Playwright."""

import shutil
import threading
from contextlib import contextmanager
from pathlib import Path

from werkzeug.serving import WSGIRequestHandler, make_server

from app import create_app

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
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
    """Names what `make browser` would install and is not there."""
    missing = []
    if not shutil.which("chromium"):
        missing.append("chromium (Debian package)")
    if not AXE.is_file():
        missing.append("node_modules/axe-core (npm ci)")
    return missing


def site(notices_dir, database, **config) -> object:
    """Builds the site on a notices folder, as the tests do."""
    return create_app({"TESTING": True, "NOTICES_DIR": str(notices_dir), "DATABASE": str(database), **config})


class QuietHandler(WSGIRequestHandler):
    """Keeps the test output free of one log line per request."""

    def log_request(self, code="-", size="-"):
        pass


@contextmanager
def serve(app):
    """Serves app on a free port of 127.0.0.1 with a real server; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def launch(playwright):
    """Starts the system Chromium, headless."""
    return playwright.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS)
