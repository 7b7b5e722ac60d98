"""`POST /hooks/git`: a git forge announces a push, and the notices are synced in the background.

Verified as the forges sign their deliveries: GitHub's `X-Hub-Signature-256` (HMAC-SHA256 of the body
with the shared secret) or GitLab's `X-Gitlab-Token` (the secret itself). The answer never waits for
git: deliveries only wake one sync thread per process, which coalesces them and syncs at most once per
HOOK_MIN_SECONDS, so a burst of pushes (or of forged deliveries) costs one fetch, never a page.
"""

import hashlib
import hmac
import logging
import threading
import time
from collections import deque

from flask import Blueprint, abort, current_app, jsonify, request

from mpass_status import runtime
from mpass_status.notices.sync import SyncError, from_settings

log = logging.getLogger(__name__)
bp = Blueprint("hooks", __name__)
# A push delivery is a few kilobytes; GitHub caps them at 25 MB, a notices repository never nears it.
MAX_BODY = 1024 * 1024
# Deliveries accepted per process in a minute, verified or not; more are answered 429.
MAX_PER_MINUTE = 60


class SyncWorker:
    """One thread that runs the sync whenever woken, at most once per min_seconds."""

    def __init__(self, sync, min_seconds: float):
        self.sync, self.min_seconds = sync, min_seconds
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self.runs = 0

    def wake(self) -> None:
        """Asks for a sync soon; returns at once."""
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._loop, name="notices-sync", daemon=True)
                self._thread.start()
        self._wake.set()

    def _loop(self) -> None:
        while True:
            self._wake.wait()
            self._wake.clear()
            started = time.monotonic()
            try:
                result = self.sync.run()
                log.info("notices synced to %s", result.commit[:12])
            except SyncError as exc:
                log.error("notices sync failed: %s; the live notices are unchanged", exc)
            except Exception:  # noqa: BLE001 - the thread must outlive any one failure
                log.exception("notices sync failed")
            self.runs += 1
            # Pushes that arrive meanwhile set the event again: they are served by the next run.
            time.sleep(max(0.0, self.min_seconds - (time.monotonic() - started)))


class Window:
    """Admits at most limit deliveries in any 60 seconds (a sliding window: a burst across the turn of a
    minute is not let through twice)."""

    def __init__(self, limit: int):
        self.limit = limit
        self._admitted: deque[float] = deque()
        self._lock = threading.Lock()

    def admit(self) -> bool:
        with self._lock:
            now = time.monotonic()
            while self._admitted and now - self._admitted[0] >= 60:
                self._admitted.popleft()
            if len(self._admitted) >= self.limit:
                return False
            self._admitted.append(now)
            return True


def _verified(secret: bytes, body: bytes) -> bool:
    signature = request.headers.get("X-Hub-Signature-256")
    if signature:
        expected = "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(signature.encode(), expected.encode())
    token = request.headers.get("X-Gitlab-Token")
    return token is not None and hmac.compare_digest(token.encode(), secret)


@bp.route("/hooks/git", methods=["POST"])
def git_push():
    """Accepts a forge's push delivery and queues a sync (202); 403 when the delivery is not signed by us."""
    settings = runtime.settings()
    secret = settings.hook_secret
    if not secret or not settings.notices_remote:
        abort(404)
    state = current_app.extensions["notices_hook"]
    if not state["window"].admit():
        return jsonify(error="too many deliveries; try again in a minute"), 429, {"Retry-After": "60"}
    if (request.content_length or 0) > MAX_BODY:
        abort(413)
    # Read at most one byte past the limit, whatever the client claims (or leaves out).
    body = request.stream.read(MAX_BODY + 1)
    if len(body) > MAX_BODY:
        abort(413)
    if not _verified(secret.encode(), body):
        log.warning("git hook refused: the delivery's signature or token is wrong")
        return jsonify(error="signature or token does not match the shared secret"), 403
    if request.headers.get("X-GitHub-Event") == "ping":
        return jsonify(ok=True, event="ping")
    with state["lock"]:
        # Built with the first verified delivery: a site that is never pushed to starts no thread.
        if state["worker"] is None:
            sync = from_settings(settings, runtime.config(), current_app.instance_path)
            state["worker"] = SyncWorker(sync, settings.hook_min_seconds)
    state["worker"].wake()
    return jsonify(ok=True, queued=True), 202


def init_app(app) -> None:
    """Registers the hook; its sync thread starts with the first verified delivery."""
    app.register_blueprint(bp)
    app.extensions["notices_hook"] = {"window": Window(MAX_PER_MINUTE), "worker": None, "lock": threading.Lock()}
