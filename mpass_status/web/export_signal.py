"""The mark the static export puts on its own requests.

The few things a static copy needs rendered otherwise (a language switch that cannot set a cookie) are told
by the request itself, never by a flag on the app that every request in the process would see.
"""

from flask import request

# A WSGI environ key: no client can send it, as a header would arrive as HTTP_*.
ENVIRON_KEY = "mpass_status.export"


def for_export(environ: dict | None = None) -> bool:
    """Tells whether a request (default: the current one) renders a page for the static export."""
    return bool((request.environ if environ is None else environ).get(ENVIRON_KEY))
