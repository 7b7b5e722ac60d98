"""Shows errors as pages in the reader's language, never as a bare server message."""

import logging

from flask import g, render_template
from werkzeug.exceptions import HTTPException, InternalServerError

from .i18n import preferred_language

log = logging.getLogger(__name__)


def _render(error: HTTPException):
    # The URL's language may be the very thing that was wrong: fall back to the reader's.
    if g.get("lang") is None:
        g.lang = preferred_language()
    return render_template("error.html", error=error), error.code


def _unexpected(error: Exception):
    log.exception("unhandled error", exc_info=error)
    return _render(InternalServerError())


def init_app(app) -> None:
    """Registers the error pages."""
    app.register_error_handler(HTTPException, _render)
    app.register_error_handler(Exception, _unexpected)
