"""The live export (`flask freeze --watch`, STATUS_EXPORT beside gunicorn's prober): files follow probe rounds
and notice changes within seconds, and a reader opening any file at any moment never finds it torn."""

import json
import shutil
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.live import whole
from mpass_status import runtime
from mpass_status.checks.results import CheckResult
from mpass_status.web.export import Export
from mpass_status.web.routes import route

from ..helpers import FIXTURE_NOTICES, wait_for
from .support import BIN, answer, fast_config, gunicorn, refuse, running, site_env

NOTICE = "2025-05-06-ruotsi-puuttuu"


class Reader(threading.Thread):
    """Reads every file of a folder over and over, as a web server would, and counts the torn ones."""

    def __init__(self, folder: Path):
        super().__init__(daemon=True)
        self.folder, self.stop = folder, threading.Event()
        self.reads, self.torn = 0, []

    def run(self):
        while not self.stop.is_set():
            for path in list(self.folder.rglob("*")):
                name = path.name
                if name.startswith("."):
                    continue  # a temporary file mid-write is never served under its own name
                try:
                    body = path.read_bytes()
                except (FileNotFoundError, IsADirectoryError):
                    continue  # removed between listing and reading (a notice taken away)
                self.reads += 1
                if not whole(name, body):
                    self.torn.append(str(path))


def retitle(notices: Path, title: str) -> None:
    path = notices / f"{NOTICE}.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("fi: Testitunnuksia uusittu", f"fi: {title}", 1), encoding="utf-8")


def failing_round(db, component: str, when: datetime, outcome: str = "failed") -> None:
    """Stores a round of the shipped configuration's two checks of the production OIDC interface."""
    results = [
        CheckResult(when, check, "oidc", component, "production", "https://x/", outcome, 5, "http_error")
        for check in ("prod-oidc-discovery", "prod-oidc-authorize")
    ]
    db.insert_round(results, when, when)


def test_a_pass_writes_only_changed_files_and_removes_a_withdrawn_notice(make_site, tmp_path):
    app = make_site()
    folder = tmp_path / "export"
    export = Export(app, folder)
    first = export.full()
    assert f"fi/notices/{NOTICE}/index.html" in first.written and (folder / "404.html").is_file()
    # Nothing changed: nothing is written, but the live pages are rendered again.
    again = export.live()
    assert again.rendered > 0 and again.rendered < first.rendered
    assert not [name for name in again.written if "/notices/" in name]
    assert route("status_api.summary").changes_with_rounds and route("pages.front").changes_with_rounds
    assert not route("pages.notice").changes_with_rounds
    # A probe round changes the live files only.
    failing_round(runtime.results(app), "prod-oidc", datetime.now(UTC))
    runtime.state(app).freshness.probe_round(fresh=True)
    after_round = export.live()
    assert "api/v2/summary.json" in after_round.written and "fi/index.html" in after_round.written
    assert not [name for name in after_round.written if "/notices/" in name or "archive" in name]
    # One notice edited: its pages are rendered again, no other notice's.
    notices = Path(app.config["NOTICES_DIR"])
    retitle(notices, "Uudet testitunnukset")
    runtime.state(app).notices.check_at_least_every(0)
    edited = export.notices_changed()
    assert {f"fi/notices/{NOTICE}/index.html", f"sv/notices/{NOTICE}/index.html"} <= set(edited.written)
    assert not [u for u in edited.urls if "/notices/" in u and NOTICE not in u]
    assert "Uudet testitunnukset" in (folder / f"fi/notices/{NOTICE}/index.html").read_text(encoding="utf-8")
    # Withdrawn: its files go, and so does its folder.
    (notices / f"{NOTICE}.md").unlink()
    gone = export.notices_changed()
    assert f"fi/notices/{NOTICE}/index.html" in gone.removed
    assert not (folder / "fi" / "notices" / NOTICE).exists()
    # A restarted watcher compares with what is on disk and rewrites nothing that is already right.
    fresh = Export(app, folder).full()
    assert not [
        name for name in fresh.written if not name.startswith(("fi/index", "sv/index", "api/", "fi/comp", "sv/comp"))
    ]


def test_flask_freeze_watch_follows_rounds_and_notice_edits_with_no_torn_file(make_site, tmp_path):
    notices = tmp_path / "notices"
    shutil.copytree(FIXTURE_NOTICES, notices)
    database = tmp_path / "status.sqlite3"
    app = make_site(None, NOTICES_DIR=str(notices), DATABASE=str(database))
    db = runtime.results(app)
    now = datetime.now(UTC)
    for seconds in (30, 20, 10):
        failing_round(db, "prod-oidc", now - timedelta(seconds=seconds), "ok")
    folder = tmp_path / "export"
    env = site_env(Path(app.config["STATUS_CONFIG"]), notices, database)
    args = [str(BIN / "flask"), "--app", "app", "freeze", "--watch", str(folder)]
    with running(args, env, tmp_path / "freeze.log") as process:
        front = folder / "api" / "v2" / "summary.json"
        # The first full pass ends with the error pages.
        assert wait_for((folder / "404.html").is_file, 60), (tmp_path / "freeze.log").read_text()
        reader = Reader(folder)
        reader.start()
        # A notice edit reaches its exported page within seconds.
        retitle(notices, "Tunnukset vaihdettu")
        edited_at = time.monotonic()
        page = folder / "fi" / "notices" / NOTICE / "index.html"
        assert wait_for(lambda: "Tunnukset vaihdettu" in page.read_text(encoding="utf-8"), 15)
        notice_lag = time.monotonic() - edited_at
        # The rounds below must reach the files through a live pass of their own, not the end of this one.
        log = tmp_path / "freeze.log"
        assert wait_for(lambda: "notices:" in log.read_text(), 15), log.read_text()
        # A round of failures does the same for the live pages.
        before = json.loads(front.read_bytes())["components"]
        for _ in range(3):
            failing_round(db, "prod-oidc", datetime.now(UTC))
        landed_at = time.monotonic()

        def prod_oidc_state():
            found = {c["id"]: c["status"] for c in json.loads(front.read_bytes())["components"]}
            return found.get("prod-oidc") == "major_outage"

        assert wait_for(prod_oidc_state, 15), before
        round_lag = time.monotonic() - landed_at
        assert wait_for(lambda: "live:" in log.read_text(), 15), log.read_text()
        # A second watcher of the same folder waits instead of writing beside the first.
        second_log = tmp_path / "second.log"
        with running(args, env, second_log):
            assert wait_for(lambda: "waiting to take over" in second_log.read_text(), 20)
        # The reader goes on through the second watcher's exit until it has read enough to tell.
        assert wait_for(lambda: reader.reads > 200, 30), reader.reads
        reader.stop.set()
        reader.join(10)
        assert process.poll() is None
    assert reader.reads > 200, reader.reads
    assert reader.torn == []
    # The poll is half a second; a render of the fixture site well under a few.
    assert notice_lag < 10 and round_lag < 10, (notice_lag, round_lag)


def test_gunicorn_with_status_export_keeps_the_folder_current_as_the_broker_fails(tmp_path, brokers, references):
    production, test = brokers
    database = tmp_path / "data" / "status.sqlite3"
    config = fast_config(tmp_path, production, test, references, database)
    notices = tmp_path / "notices"
    shutil.copytree(FIXTURE_NOTICES, notices)
    folder = tmp_path / "export"
    env = site_env(config, notices, database, STATUS_EXPORT=str(folder))
    with gunicorn(env, tmp_path / "gunicorn.log") as base:
        summary = folder / "api" / "v2" / "summary.json"

        def exported_states():
            try:
                return {c["id"]: c["status"] for c in json.loads(summary.read_bytes())["components"] if not c["group"]}
            except (OSError, ValueError):
                return {}

        checked = ("prod-oidc", "prod-saml", "test-oidc", "test-saml")
        assert wait_for(lambda: {exported_states().get(c) for c in checked} == {"operational"}, 30), exported_states()
        reader = Reader(folder)
        reader.start()
        refuse(production)
        assert wait_for(lambda: exported_states().get("prod-oidc") == "major_outage", 30), exported_states()
        # Each file is whole; the pass writes the JSON before the pages, so the page follows within the pass.
        front = folder / "fi" / "index.html"
        assert wait_for(lambda: 'class="overall state-down"' in front.read_text(encoding="utf-8"), 10)

        # The exported copy follows the live site. Read one after the other, the two may straddle a round (the
        # production checks still turning from degraded to down one by one), so they are compared until a
        # pass has caught up: they must agree within a few passes, not at one arbitrary instant.
        def live_states():
            status, body = answer(base + "/api/v2/summary.json")
            return {c["id"]: c["status"] for c in json.loads(body)["components"] if not c["group"]} if body else {}

        assert wait_for(lambda: live_states() == exported_states(), 20), (live_states(), exported_states())
        # Exporting swaps "/" for a file of its own on an app of its own: the live site still redirects.
        status, body = answer(base + "/")
        assert status == 200 and b'http-equiv="refresh"' not in body and b'id="status-region"' in body
        reader.stop.set()
        reader.join(10)
    assert reader.reads > 100 and reader.torn == []
    assert b'http-equiv="refresh"' in (folder / "index.html").read_bytes()
