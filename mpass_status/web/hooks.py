"""`POST /hooks/git`: a git forge announces a push, and the notices are synced in the background.

Verified as the forges sign their deliveries: GitHub's `X-Hub-Signature-256` (HMAC-SHA256 of the body
with the shared secret) or GitLab's `X-Gitlab-Token` (the secret itself). The answer never waits for
git: deliveries only wake one sync thread per process, which coalesces them and syncs at most once per
HOOK_MIN_SECONDS, so a burst of pushes (or of forged deliveries) costs one fetch, never a page.
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
    state = runtime.state().hook
    if not state.window.admit():
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
    make_sync = partial(from_settings, settings, runtime.config(), current_app.instance_path)
    state.worker_for(make_sync, settings.hook_min_seconds).wake()
    return jsonify(ok=True, queued=True), 202


def init_app(app) -> None:
    """Registers the hook; its sync thread starts with the first verified delivery."""
    app.register_blueprint(bp)
