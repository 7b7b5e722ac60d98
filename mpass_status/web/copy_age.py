"""When a live answer was made and until when it may be trusted, so that a copy that stopped moving (a live
export whose watcher died, a page left open) says how old it is instead of looking current.

A live page or status JSON is rendered again at least every 30 s (the page cache's longest keep, the export
watcher's live refresh) and kept by browsers and shared caches 45 s more at most (max-age and
stale-while-revalidate): one older than TRUSTED_SECONDS has stopped. Pages carry both times in <meta>
(base.html) for refresh.js; the status API carries them in its `page` object.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import request

from mpass_status.web.dates import iso_instant
from mpass_status.web.routes import route

TRUSTED_SECONDS = 120


@dataclass(frozen=True)
class CopyAge:
    """A live answer's render time and the time until which it may be trusted, as programs write instants."""

    made: str
    trusted_until: str


def copy_age(now: datetime) -> CopyAge:
    """Returns the times an answer rendered at now carries."""
    return CopyAge(iso_instant(now, UTC), iso_instant(now + timedelta(seconds=TRUSTED_SECONDS), UTC))


def _context() -> dict:
    # Only the pages that change with probe rounds: a notice page is not about this moment.
    declared = route(request.endpoint)
    return {"copy_age": copy_age(datetime.now(UTC)) if declared and declared.changes_with_rounds else None}


def init_app(app) -> None:
    """Gives every template `copy_age`: the live pages' CopyAge, None elsewhere."""
    app.context_processor(_context)
