"""Shows errors as pages in the reader's language, never as a bare server message."""

import logging

from flask import render_template
from werkzeug.exceptions import HTTPException, InternalServerError

from mpass_status.web.language import settle_language

log = logging.getLogger(__name__)


def _render(error: HTTPException):
    # The URL's language may be the very thing that was wrong: fall back to the reader's.
    settle_language()
    return render_template("error.html", error=error), error.code


def _unexpected(error: Exception):
    log.exception("unhandled error", exc_info=error)
    return _render(InternalServerError())


def init_app(app) -> None:
    """Registers the error pages."""
    app.register_error_handler(HTTPException, _render)
    app.register_error_handler(Exception, _unexpected)
