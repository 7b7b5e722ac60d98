"""The HTTP based check kinds: plain http, OpenID Connect discovery and the authentication sources list."""

import errno
import json
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx

from mpass_status.checks.results import Finding, failed, message, ok, timed_out

# Bigger documents than this are not metadata of one broker.
MAX_BODY = 5 * 1024 * 1024
REQUIRED_OIDC = ("authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri")
SOURCE_KEYS = ("id", "authnsource", "authnSource", "name", "title", "label")
_NETWORK_ERRNOS = {errno.ECONNREFUSED, errno.ENETUNREACH, errno.EHOSTUNREACH, errno.ENETDOWN}


class CheckFailed(Exception):
    """Stops a check with its finding, so deep helpers can report precisely."""

    def __init__(self, finding: Finding):
        super().__init__(finding.code)
        self.finding = finding

    def finding_text(self) -> str:
        """Returns the English reason of the finding."""
        return message(self.finding.code, self.finding.params)


@dataclass
class Fetched:
    status: int
    headers: httpx.Headers
    body: bytes
    ms: int
    url: str

    @property
    def content_type(self) -> str:
        """Returns the media type without parameters."""
        return self.headers.get("content-type", "none").split(";")[0].strip() or "none"


def _causes(exc):
    while exc is not None:
        yield exc
        exc = exc.__cause__ or exc.__context__


def network_finding(exc: BaseException, host: str, timeout: float) -> Finding:
    """Turns a connection level exception into a failed finding, flagging network-wide causes."""
    for cause in _causes(exc):
        if isinstance(cause, socket.gaierror):
            return Finding("failed", "dns_failed", {"host": host}, None, network_error=True)
        if isinstance(cause, (TimeoutError, socket.timeout, httpx.TimeoutException)):
            return timed_out(timeout)
        if isinstance(cause, ConnectionResetError):
            return failed("connection_reset", host=host)
        if isinstance(cause, OSError) and cause.errno in _NETWORK_ERRNOS:
            return Finding("failed", "connect_failed", {"host": host}, None, network_error=True)
        if isinstance(cause, ssl.SSLError):
            return failed("tls_handshake", detail=str(cause.reason or cause)[:120])
    if isinstance(exc, httpx.ConnectError):
        # httpx hides the OSError of a refused connection behind its own text on some paths.
        text = str(exc).lower()
        if "name or service not known" in text or "nodename nor servname" in text:
            return Finding("failed", "dns_failed", {"host": host}, None, network_error=True)
        if "refused" in text or "unreachable" in text:
            return Finding("failed", "connect_failed", {"host": host}, None, network_error=True)
    if isinstance(exc, (httpx.RemoteProtocolError, httpx.ReadError)):
        return failed("connection_reset", host=host)
    return failed("http_error", detail=str(exc)[:120] or type(exc).__name__)


def make_client(check, follow_redirects=True) -> httpx.Client:
    """Returns an httpx client for one check, trusting the check's extra CA file when given."""
    verify = ssl.create_default_context(cafile=check.ca_file) if check.ca_file else True
    return httpx.Client(
        verify=verify,
        follow_redirects=follow_redirects,
        headers={"User-Agent": "mpass-status-probe/1", "Accept": "*/*"},
    )


def fetch(client: httpx.Client, url: str, deadline: float, timeout: float) -> Fetched:
    """GETs url within the check's overall deadline, raising CheckFailed with the reason otherwise."""
    host = urlsplit(url).hostname or url
    start = time.monotonic()
    remaining = deadline - start
    if remaining <= 0:
        raise CheckFailed(timed_out(timeout))
    try:
        with client.stream("GET", url, timeout=httpx.Timeout(remaining)) as response:
            chunks, size = [], 0
            # Reading in chunks lets a slow drip be cut at the deadline, not only a silent socket.
            for chunk in response.iter_bytes():
                chunks.append(chunk)
                size += len(chunk)
                if time.monotonic() > deadline:
                    raise CheckFailed(timed_out(timeout))
                if size > MAX_BODY:
                    raise CheckFailed(failed("http_error", detail="answer too large"))
            body = b"".join(chunks)
    except CheckFailed:
        raise
    except httpx.HTTPError as exc:
        raise CheckFailed(network_finding(exc, host, timeout)) from exc
    except OSError as exc:
        raise CheckFailed(network_finding(exc, host, timeout)) from exc
    ms = int((time.monotonic() - start) * 1000)
    return Fetched(response.status_code, response.headers, body, ms, str(response.url))


def fetch_json(client, url, deadline, timeout):
    """Fetches url and returns (decoded JSON, Fetched), failing on 5xx, non-2xx or non-JSON answers."""
    got = fetch(client, url, deadline, timeout)
    require_success(got)
    try:
        return json.loads(got.body.decode("utf-8")), got
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise CheckFailed(failed("not_json", got.ms, content_type=got.content_type)) from None


def require_success(got: Fetched):
    """Stops the check unless the answer was a 2xx, telling a server error from another status."""
    if got.status >= 500:
        raise CheckFailed(failed("server_error", got.ms, status=got.status))
    if not 200 <= got.status < 300:
        raise CheckFailed(failed("http_status", got.ms, status=got.status))


def check_http(check, deadline) -> Finding:
    """Checks that url answers below 500 (or with expect_status) and contains expect_text if set."""
    with make_client(check, follow_redirects=False) as client:
        got = fetch(client, check.url, deadline, check.timeout)
    if check.expect_status is not None and got.status != check.expect_status:
        return failed("http_status", got.ms, status=got.status)
    if check.expect_status is None and got.status >= 500:
        return failed("server_error", got.ms, status=got.status)
    if check.expect_text and check.expect_text not in got.body.decode("utf-8", "replace"):
        return failed("text_missing", got.ms, text=check.expect_text)
    return ok(got.ms)


def _signing_keys(jwks) -> list:
    keys = jwks.get("keys") if isinstance(jwks, dict) else None
    if not isinstance(keys, list):
        return None
    return [k for k in keys if isinstance(k, dict) and k.get("kty") and k.get("use", "sig") == "sig"]


def check_oidc(check, deadline) -> Finding:
    """Checks discovery: JSON, exact issuer, required endpoints and a JWKS with a signing key."""
    with make_client(check) as client:
        doc, got = fetch_json(client, check.url, deadline, check.timeout)
        if not isinstance(doc, dict):
            return failed("not_json_object", got.ms)
        if doc.get("issuer") != check.issuer:
            return failed("issuer_mismatch", got.ms, expected=check.issuer, actual=str(doc.get("issuer"))[:200])
        missing = [name for name in REQUIRED_OIDC if not isinstance(doc.get(name), str) or not doc.get(name)]
        if missing:
            return failed("endpoints_missing", got.ms, names=", ".join(missing))
        jwks_url = urljoin(got.url, doc["jwks_uri"])
        try:
            jwks, jgot = fetch_json(client, jwks_url, deadline, check.timeout)
        except CheckFailed as exc:
            if exc.finding.code == "timeout":
                raise
            return failed("jwks_unreachable", got.ms, url=jwks_url, detail=exc.finding_text())
    ms = got.ms + jgot.ms
    keys = _signing_keys(jwks)
    if keys is None:
        return failed("jwks_invalid", ms, url=jwks_url)
    if not keys:
        return failed("jwks_no_signing_key", ms)
    return ok(ms)


def _offered_names(item: dict) -> set[str]:
    return {str(item[k]).strip().casefold() for k in SOURCE_KEYS if isinstance(item.get(k), (str, int))}


def check_authsources(check, deadline) -> Finding:
    """Checks the sources list is a JSON list of objects and each configured source is still offered."""
    with make_client(check) as client:
        doc, got = fetch_json(client, check.url, deadline, check.timeout)
    if not isinstance(doc, list) or not all(isinstance(item, dict) for item in doc):
        return failed("not_json_list", got.ms)
    offered = set().union(*(_offered_names(item) for item in doc)) if doc else set()
    per_component = {
        component: failed("source_missing", got.ms, source=source)
        for component, source in check.sources.items()
        if source.strip().casefold() not in offered and component.casefold() not in offered
    }
    return Finding("ok", "ok", {"ms": got.ms}, got.ms, per_component=per_component)
