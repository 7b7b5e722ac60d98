"""Lets scripts on other sites read what the route table (routes.py) declares open: the status API, the
feeds and the calendars, which widgets and dashboards elsewhere show."""

from flask import request

from mpass_status.web.routes import route


def _open_to_other_origins(response):
    declared = route(request.endpoint)
    # An error page in HTML is not the answer a script asked for.
    if declared and declared.cors and request.method in ("GET", "HEAD") and response.mimetype != "text/html":
        response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def init_app(app) -> None:
    """Adds Access-Control-Allow-Origin to the answers of the endpoints the route table declares open."""
    app.after_request(_open_to_other_origins)
