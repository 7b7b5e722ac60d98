"""Guards what a request brings in (its Host header, its query) and adds the security headers of every response."""

import ipaddress
import re
from urllib.parse import urlsplit, urlunsplit

from flask import abort, request

from mpass_status import runtime

# Nothing on the site takes a query; a long one is noise or an attack.
MAX_QUERY_BYTES = 1024

# Everything the site needs is its own: no inline script or style, no third parties.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)


def _headers(response):
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response


def _relative_redirect(response):
    # Werkzeug's own redirects (an address without its trailing slash) name the host the client sent:
    # a path alone keeps any Host header out of the answer and works behind any proxy.
    location = response.headers.get("Location")
    if location:
        parts = urlsplit(location)
        if parts.netloc and parts.netloc.lower() == request.host.lower():
            # Never "//host/…", which a browser would read as another host.
            path = "/" + parts.path.lstrip("/\\")
            response.headers["Location"] = urlunsplit(("", "", path, parts.query, parts.fragment))
    return response


def _refuse_overlong_queries():
    if len(request.query_string) > MAX_QUERY_BYTES:
        abort(400)


_LABEL = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)")


def valid_host(value: str) -> bool:
    """Returns whether a Host header names a host as DNS and IDNA allow (with an optional port)."""
    if not value or len(value) > 255:
        return False
    if value.startswith("["):
        address, bracket, port = value[1:].partition("]")
        try:
            ipaddress.IPv6Address(address)
        except ValueError:
            return False
        return bool(bracket) and (port == "" or (port[:1] == ":" and _port(port[1:])))
    host, colon, port = value.partition(":")
    if colon and not _port(port):
        return False
    return all(_LABEL.fullmatch(label) for label in host.removesuffix(".").split("."))


def _port(text: str) -> bool:
    return text.isdigit() and 0 < int(text) <= 65535


class HostGuard:
    """WSGI middleware: a request whose Host header is no host name is served under the configured base URL.

    Werkzeug refuses such a header only when a URL is built (IDNA fails on `a..b` or a 64-character
    label), which then broke every page and the error page too.
    """

    def __init__(self, wsgi_app, fallback_host: str):
        self.wsgi_app, self.fallback_host = wsgi_app, fallback_host

    def __call__(self, environ, start_response):
        if not valid_host(environ.get("HTTP_HOST", "")):
            environ["HTTP_HOST"] = self.fallback_host
        return self.wsgi_app(environ, start_response)


def init_app(app) -> None:
    """Registers the query guard and the header hooks, and guards the Host header before anything else."""
    app.before_request(_refuse_overlong_queries)
    app.after_request(_headers)
    app.after_request(_relative_redirect)
    app.wsgi_app = HostGuard(app.wsgi_app, urlsplit(runtime.config(app).base_url).netloc)
