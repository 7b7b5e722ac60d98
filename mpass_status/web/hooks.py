"""`POST /hooks/git`: a git forge announces a push, and the notices are synced in the background.

Verified as the forges sign their deliveries: GitHub's `X-Hub-Signature-256` (HMAC-SHA256 of the body
with the shared secret) or GitLab's `X-Gitlab-Token` (the secret itself). The answer never waits for
git: deliveries only wake one sync thread per process, which coalesces them and syncs at most once per
HOOK_MIN_SECONDS, so a burst of pushes costs one fetch, never a page. Only verified deliveries count toward
the limit of 60 a minute. Unverified ones are limited apart (30 a minute answered 403 and logged, the
rest 429 unlogged; one that carries no signature at all is refused unread), so a flood of forged
deliveries never makes the forge's real pushes wait.
"""

import hashlib
import hmac
import logging
from functools import partial

from flask import Blueprint, abort, current_app, jsonify, request

from mpass_status import runtime
from mpass_status.notices.sync import from_settings

log = logging.getLogger(__name__)
bp = Blueprint("hooks", __name__)
# A push delivery is a few kilobytes; GitHub caps them at 25 MB, a notices repository never nears it.
MAX_BODY = 1024 * 1024


def _signed() -> bool:
    return "X-Hub-Signature-256" in request.headers or "X-Gitlab-Token" in request.headers


def _refused():
    # Unverified deliveries have a window of their own: past it they cost no log line.
    if not runtime.state().hook.refused.admit():
        return jsonify(error="too many refused deliveries; try again in a minute"), 429, {"Retry-After": "60"}
    log.warning("git hook refused: the delivery's signature or token is wrong")
    return jsonify(error="signature or token does not match the shared secret"), 403


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
    if not _signed():
        return _refused()  # nothing to verify: the body is not read
    if (request.content_length or 0) > MAX_BODY:
        abort(413)
    # Read at most one byte past the limit, whatever the client claims (or leaves out).
    body = request.stream.read(MAX_BODY + 1)
    if len(body) > MAX_BODY:
        abort(413)
    if not _verified(secret.encode(), body):
        return _refused()
    state = runtime.state().hook
    if not state.window.admit():
        return jsonify(error="too many deliveries; try again in a minute"), 429, {"Retry-After": "60"}
    if request.headers.get("X-GitHub-Event") == "ping":
        return jsonify(ok=True, event="ping")
    make_sync = partial(from_settings, settings, runtime.config(), current_app.instance_path)
    state.worker_for(make_sync, settings.hook_min_seconds).wake()
    return jsonify(ok=True, queued=True), 202


def init_app(app) -> None:
    """Registers the hook; its sync thread starts with the first verified delivery."""
    app.register_blueprint(bp)
