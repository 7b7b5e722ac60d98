"""A live export whose watcher stopped: its files stay as they were while time goes on. The front page, read in
Chromium, says how many minutes old the information is once the copy is older than it may be trusted, in the
reader's language; a copy that keeps moving says nothing."""

import json
import mimetypes
import threading
import time
from contextlib import contextmanager
from datetime import datetime
from email.utils import formatdate
from pathlib import Path

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from mpass_status.web.copy_age import TRUSTED_SECONDS
from mpass_status.web.export import Export

from ..helpers import QuietHandler, build_site

STALE = {"fi": "Tiedot ovat {} minuuttia vanhoja", "sv": "Uppgifterna är {} minuter gamla"}


class Folder:
    """Serves an exported folder as a web server does, its clock set `ahead` seconds on: the files stop, the
    time the server gives in each answer's Date goes on."""

    def __init__(self, root: Path):
        self.root, self.ahead = root, 0.0

    def __call__(self, environ, start_response):
        path = environ["PATH_INFO"]
        file = self.root / (path.lstrip("/") + ("index.html" if path.endswith("/") else ""))
        if not file.is_file():
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"not found"]
        kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        body = file.read_bytes()
        start_response("200 OK", [("Content-Type", kind), ("Content-Length", str(len(body)))])
        return [body]

    @contextmanager
    def serving(self):
        """Serves the folder on a free port of 127.0.0.1; yields its base URL."""
        folder = self

        class Handler(QuietHandler):
            def date_time_string(self, timestamp=None):
                return formatdate(time.time() + folder.ahead, usegmt=True)

        server = make_server("127.0.0.1", 0, self, threaded=True, request_handler=Handler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_port}"
        finally:
            server.shutdown()
            server.server_close()
            thread.join()


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("stopped-export")
    export = Export(build_site(tmp / "site"), tmp / "www")
    export.full()
    return Folder(export.root)


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_a_copy_that_stopped_moving_says_how_old_it_is(folder, page, lang):
    folder.ahead = 0
    page.clock.install()
    with folder.serving() as base:
        page.goto(f"{base}/{lang}/")
        # Just written: nothing to warn of, also after refresh.js has fetched the copy again.
        page.clock.fast_forward(61_000)
        page.wait_for_function("() => !document.getElementById('stale-warning')")
        assert page.locator("#stale-warning").count() == 0
        # The watcher stops; six minutes pass on the server, and the file it serves stays the same.
        folder.ahead = 6 * 60
        page.clock.fast_forward(61_000)
        # The minutes are the server's (its Date), not the reader's clock.
        expect(page.locator("#stale-warning")).to_contain_text(STALE[lang].format(6), timeout=10_000)
        # Screen readers are told through the page's polite live region.
        expect(page.locator("#refresh-status")).to_contain_text(STALE[lang].format("")[:10], timeout=10_000)


def test_a_copy_opened_long_after_it_was_made_warns_at_once(folder, page):
    folder.ahead = TRUSTED_SECONDS + 4 * 60
    page.clock.install(time=time.time() + folder.ahead)
    with folder.serving() as base:
        page.goto(f"{base}/fi/")
        minutes = (TRUSTED_SECONDS + 4 * 60) // 60
        expect(page.locator("#stale-warning")).to_contain_text(STALE["fi"].format(minutes), timeout=10_000)


def test_the_copy_carries_when_it_was_made_and_until_when_it_may_be_trusted(folder):
    head = (folder.root / "fi" / "index.html").read_text(encoding="utf-8")
    assert '<meta name="mpass-made"' in head and '<meta name="mpass-trusted-until"' in head
    status = json.loads((folder.root / "api" / "v2" / "status.json").read_text(encoding="utf-8"))["page"]
    made, until = (datetime.fromisoformat(status[key]) for key in ("mpass_made_at", "mpass_trusted_until"))
    assert (until - made).total_seconds() == TRUSTED_SECONDS
