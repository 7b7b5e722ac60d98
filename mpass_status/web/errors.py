"""Shows errors as pages in the reader's language, never as a bare server message."""

import logging

from flask import render_template
from werkzeug.exceptions import HTTPException, InternalServerError

from mpass_status.web.language import settle_language

log = logging.getLogger(__name__)


# Shown when even the error page cannot be rendered: no template, no catalog, no URL building.
FALLBACK = """<!doctype html>
<html lang="fi"><head><meta charset="utf-8"><title>Virhe – Fel</title></head>
<body><main>
<h1>Sivua ei voitu näyttää</h1><p>Yritä hetken päästä uudelleen: <a href="/fi/">etusivulle</a>.</p>
<h1 lang="sv">Sidan kunde inte visas</h1><p lang="sv">Försök igen om en stund: <a href="/sv/">till startsidan</a>.</p>
</main></body></html>
"""


def _render(error: HTTPException):
    """Shows an HTTP error as a page in the reader's language, with the error's own headers."""
    # The exception's own headers belong to the answer: Allow on a 405, Retry-After on a 503.
    headers = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
    try:
        # The URL's language may be the very thing that was wrong: fall back to the reader's.
        settle_language()
        return render_template("error.html", error=error), error.code, headers
    except Exception:  # the error page must answer whatever broke
        log.exception("error page could not be rendered")
        return FALLBACK, error.code, [*headers, ("Content-Type", "text/html; charset=utf-8")]


def _unexpected(error: Exception):
    """Logs an error no view expected and shows it as the 500 page."""
    log.exception("unhandled error", exc_info=error)
    return _render(InternalServerError())


def init_app(app) -> None:
    """Registers the error pages."""
    app.register_error_handler(HTTPException, _render)
    app.register_error_handler(Exception, _unexpected)
