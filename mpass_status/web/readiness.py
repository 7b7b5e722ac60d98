"""Serves /healthz (the process answers) and /readyz (the site can tell the truth now), for load balancers
and people during an outage; neither is ever cached or exported (routes.py).

/readyz tells the world only ready or not ready: its reasons and detail (the database, held-back notices'
problems) are for the addresses in READYZ_DETAIL_FROM and for a request with READYZ_TOKEN.
"""

import hmac
import ipaddress
from datetime import UTC, datetime

from flask import Blueprint, jsonify, request

from mpass_status import runtime
from mpass_status.checks.store import StorageError
from mpass_status.web.dates import iso_instant

bp = Blueprint("readiness", __name__)


@bp.route("/healthz")
def healthz():
    """Says the site process answers."""
    return jsonify({"status": "ok"})


@bp.route("/readyz")
def readyz():
    """Says whether the site can tell the truth now: notices loaded, results written, a prober alive and recent.

    503 with the reasons otherwise, always as JSON: a load balancer or a person reads it during an outage.
    """
    try:
        body = _readiness(datetime.now(UTC))
    except Exception as exc:  # noqa: BLE001 - readiness reports any failure instead of raising
        body = {"ready": False, "reasons": [f"readiness check failed: {type(exc).__name__}: {exc}"[:300]]}
    if not _may_read_detail():
        body = {"ready": body["ready"]}
    return jsonify(body), 200 if body["ready"] else 503


def _may_read_detail() -> bool:
    """Tells whether the request comes from an allowed address, or carries the token.

    A request relayed by a proxy names its client last in X-Forwarded-For (nginx's $proxy_add_x_forwarded_for):
    both the proxy and that client must be allowed, so the world reaching the app through a local proxy
    gets no detail however the header it sends begins.
    """
    settings = runtime.settings()
    token = settings.readyz_token
    sent = request.headers.get("Authorization", "")
    if token and sent.startswith("Bearer ") and hmac.compare_digest(sent[7:].encode(), token.encode()):
        return True
    addresses = [request.remote_addr or ""]
    forwarded = request.headers.get("X-Forwarded-For")
    if forwarded is not None:
        addresses.append(forwarded.rpartition(",")[2].strip())
    return all(_allowed(address, settings.readyz_detail_from) for address in addresses)


def _allowed(address: str, networks) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    # An IPv4 client of a dual-stack socket arrives as ::ffff:a.b.c.d.
    ip = getattr(ip, "ipv4_mapped", None) or ip
    return any(ip in network for network in networks)


def _readiness(now: datetime) -> dict:
    config, reasons = runtime.config(), []
    current = runtime.notices()
    notices = {"ok": True, "count": len(current.notices), "problems": len(current.problems)}
    if current.sync:
        # Which commit is live, and every notice whose newest version is broken (served as it last was).
        notices |= {key: current.sync.get(key) for key in ("commit", "branch", "synced_at", "held_back")}
    db = runtime.results()
    try:
        last, vantages = db.last_round_time(), db.last_round_by_vantage()
    except StorageError as exc:
        last, vantages = None, {}
        reasons.append(f"results database {db.name} cannot be read: {exc}"[:300])
    writable = db.writable()
    if not writable:
        reasons.append(f"results database {db.name} cannot be written")
    # Fresh while the quickest check has not missed stale_after_intervals of its rounds.
    limit = min((c.interval for c in config.checks), default=0) * config.probe.stale_after_intervals
    age = (now - last).total_seconds() if last else None
    alive = db.prober_alive()
    if config.checks:
        # Probers of a shared database may all run elsewhere: there, fresh rounds are the evidence.
        if not alive and not (db.shared and age is not None and age <= limit):
            reasons.append("no prober is running for this results database")
        if age is None:
            reasons.append("no probe round has been stored yet")
        elif age > limit:
            reasons.append(f"the newest probe round is {age:.0f} s old (limit {limit} s)")
    return {
        "ready": not reasons,
        "reasons": reasons,
        "notices": notices,
        "database": {"ok": writable},
        "probe": {
            "running": alive,
            "last_round": iso_instant(last, UTC),
            "age_seconds": None if age is None else round(age, 1),
            "fresh": age is not None and age <= limit,
            "vantages": {name: iso_instant(moment, UTC) for name, moment in vantages.items()},
        },
    }


def init_app(app) -> None:
    """Registers /healthz and /readyz."""
    app.register_blueprint(bp)
