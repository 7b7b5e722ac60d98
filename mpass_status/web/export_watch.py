"""Keeps an exported folder current (`flask freeze --watch DIR`, or STATUS_EXPORT beside the in-process
prober): after each probe round the live pages are written again, after a notice change or when a notice
starts or ends everything is, and only files whose bytes changed reach the disk.

Everything is learnt by asking, a few times a second, what any process of the site can see: the newest
round in the results database and the notices folder. So the watcher may run beside a prober of any kind
(gunicorn's, `flask probe --watch`, another machine's writing into PostgreSQL).
"""

import fcntl
import logging
import os
import threading
import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from mpass_status import runtime
from mpass_status.standby import hold_or_stand_by
from mpass_status.web.export import Export, Pass, missing_endpoints

log = logging.getLogger(__name__)
# How often the database and the notices folder are asked; the freshness lag is about this plus a render.
POLL_SECONDS = 0.5
# Live pages are rendered again at least this often: "updated" times, and a prober that stopped turning
# the components unknown, must reach the files even when no round lands.
LIVE_REFRESH_SECONDS = 30.0
# A full pass now and then catches what a narrower pass cannot know about (a notice page naming another).
FULL_EVERY_SECONDS = 600.0
# How often a process without the folder's lock asks whether the watcher holding it is still there.
STANDBY_SECONDS = 5.0


class FolderLock:
    """One watcher per exported folder: an flock on the folder itself, so nothing is added to what is served."""

    def __init__(self, folder: Path):
        self.folder = folder
        self._handle: int | None = None

    def acquire(self) -> bool:
        """Takes the lock if nobody holds it; returns whether this process holds it now."""
        if self._handle is not None:
            return True
        self.folder.mkdir(parents=True, exist_ok=True)
        handle = os.open(self.folder, os.O_RDONLY)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(handle)
            return False
        self._handle = handle
        return True

    def release(self) -> None:
        """Gives the lock up."""
        if self._handle is not None:
            os.close(self._handle)
            self._handle = None


class Watcher:
    """Decides, each time it is asked, which pass the folder needs now, and runs it."""

    def __init__(self, export: Export):
        self.export, self.app = export, export.app
        self.notices_version = self.round = None
        self.boundary = self.live_at = self.full_at = 0.0

    def step(self) -> tuple[str, Pass] | None:
        """Runs the pass that is due, if any; returns its kind ("full", "notices" or "live") and what it did."""
        freshness, now, clock = runtime.state(self.app).freshness, time.time(), time.monotonic()
        notices = runtime.notices(self.app)
        # Read now, not within the clock's period: the pages rendered next show this round. (An unreadable
        # database reads as "": the live pages then say that live status is unavailable.)
        round_ = freshness.probe_round(fresh=True)
        if self.notices_version is None or now >= self.boundary or clock - self.full_at >= FULL_EVERY_SECONDS:
            kind, done = "full", self.export.full()
            self.full_at = clock
        elif notices.version != self.notices_version:
            kind, done = "notices", self.export.notices_changed()
        elif round_ != self.round or clock - self.live_at >= LIVE_REFRESH_SECONDS:
            kind, done = "live", self.export.live()
        else:
            return None
        self.notices_version, self.round, self.live_at = notices.version, round_, clock
        self.boundary = freshness.next_boundary(notices, now)
        return kind, done


def watch(export: Export, stop: threading.Event, poll: float = POLL_SECONDS, on_pass=None) -> None:
    """Keeps export's folder current until stop is set; on_pass(kind, Pass) after each pass that ran.

    A pass that fails (a full disk, a page that does not render) is logged and tried again at the next
    poll: the files already there stay whole and keep being served.
    """
    watcher = Watcher(export)
    # The notices are asked as often as the database, so a notice change is not held back by the store.
    runtime.state(export.app).notices.check_at_least_every(poll)
    while not stop.is_set():
        try:
            found = watcher.step()
        except Exception:  # the folder keeps its last whole files; try again
            log.exception("exporting into %s failed; trying again", export.root)
            found = None
        if found and on_pass:
            on_pass(*found)
        stop.wait(poll)


def supervise(make_app, destination: Path, stop: threading.Event, lock: FolderLock) -> None:
    """Watches while holding the folder's lock; otherwise stands by to take over when its holder stops.

    The exporting app is built only once the lock is held: the standby workers keep no second copy of
    the notices.
    """
    export: Export | None = None

    def keep_current() -> None:
        nonlocal export
        if export is None:
            export = Export(make_app(), destination)
            try:
                export.check_destination()
            except click.ClickException as exc:
                log.error("not exporting: %s", exc.message)
                stop.set()  # nothing to take over: the folder is not ours
                return
        watch(export, stop)

    hold_or_stand_by(lock, keep_current, stop, STANDBY_SECONDS)


def start_background(make_app, destination) -> threading.Thread:
    """Starts a watcher thread for destination in this process, on an app of its own from make_app().

    The watcher asks its app's notices folder as often as it polls: an app of its own leaves the one that
    serves this process's readers as it is.
    """
    stop = threading.Event()
    folder = Path(destination).resolve()
    thread = threading.Thread(
        target=supervise, args=(make_app, folder, stop, FolderLock(folder)), name="export", daemon=True
    )
    thread.stop_event = stop
    thread.start()
    return thread


@click.command("freeze")
@click.argument("destination", required=False, type=click.Path(file_okay=False))
@click.option("--watch", "keep_watching", is_flag=True, help="Keep the folder current until interrupted.")
@with_appcontext
def freeze_command(destination, keep_watching):
    """Writes the whole site as static files into DESTINATION (default: build/).

    With --watch the folder is kept current: the live pages after each probe round, the rest when the
    notices change or a notice starts or ends; only files whose bytes changed are written, each atomically.
    """
    app = current_app._get_current_object()
    export = Export(app, destination or Path(app.root_path) / "build")
    export.check_destination()
    if not keep_watching:
        done = export.full()
        click.echo(f"{len(done.urls)} URLs written to {export.root}")
        missing = missing_endpoints(app)
        if missing:
            click.echo(
                f"warning: nothing exported for {', '.join(sorted(missing))}; "
                "declare it in web/routes.py (and its URLs' values in web/export.py)",
                err=True,
            )
        return
    stop = threading.Event()

    def waiting():
        click.echo(f"another watcher keeps {export.root} current; waiting to take over", err=True)

    def report(kind, done):
        click.echo(
            f"{kind}: {done.rendered} rendered, {len(done.written)} written, "
            f"{len(done.removed)} removed in {done.seconds:.2f} s"
        )

    try:
        hold_or_stand_by(
            FolderLock(export.root), lambda: watch(export, stop, on_pass=report), stop, STANDBY_SECONDS, waiting
        )
    except KeyboardInterrupt:
        stop.set()


def init_app(app) -> None:
    """Registers the `flask freeze` command."""
    app.cli.add_command(freeze_command)
