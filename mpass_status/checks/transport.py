"""The prober's hardened HTTP transport: bounded answers, one deadline, same-origin redirects, printable details."""

import errno
import json
import re
import socket
import ssl
import time
import zlib
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx

from mpass_status.checks.reasons import reason
from mpass_status.checks.results import Finding, Outcome, failed, timed_out

# Bigger documents than this are not metadata of one broker (counted after decompression).
MAX_BODY = 5 * 1024 * 1024
CHUNK = 16 * 1024
MAX_REDIRECTS = 3
# Discovery documents and key sets nest three or four levels; a thousand is an attack on the parser.
MAX_JSON_DEPTH = 64
# The broker's own words, shown on the component page only: enough to recognise, not to publish.
DETAIL_CHARS = 200
# Control characters, and the invisible ones that reorder or hide text (bidi overrides, zero widths).
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")
# One JSON token a match: a whole string (up to the end when unclosed) or a bracket. The possessive loops
# never backtrack, so the scan stays linear whatever the answer holds (an unclosed string of escaped
# quotes made the former pattern quadratic: hours of CPU, holding the GIL, for 5 MB).
_JSON_TOKENS = re.compile(rb'"[^"\\]*+(?:\\.[^"\\]*+)*+"?|([\[{])|[\]}]', re.DOTALL)
_NETWORK_ERRNOS = {errno.ECONNREFUSED, errno.ENETUNREACH, errno.EHOSTUNREACH, errno.ENETDOWN}


class CheckFailed(Exception):
    """Stops a check with its finding, so deep helpers can report precisely."""

    def __init__(self, finding: Finding):
        super().__init__(finding.code)
        self.finding = finding

    def finding_text(self) -> str:
        """Returns the English reason of the finding."""
        return reason(self.finding.code, self.finding.params)


@dataclass
class Fetched:
    """An answer the transport read whole within its limits: status, headers, body, time taken and final URL."""

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
            return Finding(Outcome.FAILED, "dns_failed", {"host": host}, None, network_error=True)
        if isinstance(cause, (TimeoutError, socket.timeout, httpx.TimeoutException)):
            return timed_out(timeout)
        if isinstance(cause, ConnectionResetError):
            return failed("connection_reset", host=host)
        if isinstance(cause, OSError) and cause.errno in _NETWORK_ERRNOS:
            return Finding(Outcome.FAILED, "connect_failed", {"host": host}, None, network_error=True)
        if isinstance(cause, ssl.SSLError):
            return failed("tls_handshake", detail=detail(cause.reason or cause))
    if isinstance(exc, httpx.ConnectError):
        # httpx hides the OSError of a refused connection behind its own text on some paths.
        text = str(exc).lower()
        if "name or service not known" in text or "nodename nor servname" in text:
            return Finding(Outcome.FAILED, "dns_failed", {"host": host}, None, network_error=True)
        if "refused" in text or "unreachable" in text:
            return Finding(Outcome.FAILED, "connect_failed", {"host": host}, None, network_error=True)
    if isinstance(exc, (httpx.RemoteProtocolError, httpx.ReadError)):
        return failed("connection_reset", host=host)
    return failed("http_error", detail=detail(str(exc) or type(exc).__name__))


def make_client(check) -> httpx.Client:
    """Returns an httpx client for one check, trusting the check's extra CA file when given.

    Redirects are followed by fetch() itself, only within the host asked, and only encodings whose
    decompressed size fetch() can cap while reading are accepted.
    """
    verify = ssl.create_default_context(cafile=check.ca_file) if check.ca_file else True
    return httpx.Client(
        verify=verify,
        follow_redirects=False,
        headers={"User-Agent": "mpass-status-probe/1", "Accept": "*/*", "Accept-Encoding": "gzip, deflate"},
    )


def detail(text) -> str:
    """Returns text from the broker or an exception as the component page may show it: printable and cut."""
    return " ".join(_UNPRINTABLE.sub(" ", str(text)).split())[:DETAIL_CHARS]


def same_origin(url: str, other: str) -> bool:
    """Returns whether two addresses share scheme, host and port (the default port written or not)."""
    origin = _origin(url)
    return origin[1] is not None and origin == _origin(other)


def _origin(url: str) -> tuple:
    parts = urlsplit(url)
    try:
        port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    except ValueError:
        # A port that is no number is nobody's origin.
        return parts.scheme, None, None
    return parts.scheme, parts.hostname, port


def fetch(client: httpx.Client, url: str, deadline: float, timeout: float, follow: bool = True) -> Fetched:
    """GETs url within the check's overall deadline, raising CheckFailed with the reason otherwise.

    A redirect is followed (at most MAX_REDIRECTS) only to the same scheme, host and port: a broker's
    answer never sends the prober to another host.
    """
    start = time.monotonic()
    for _hop in range(MAX_REDIRECTS + 1):
        status, headers, body, final = _get(client, url, deadline, timeout)
        location = headers.get("location")
        if not (follow and 300 <= status < 400 and location):
            return Fetched(status, headers, body, int((time.monotonic() - start) * 1000), final)
        target = urljoin(final, location)
        if not same_origin(target, url):
            raise CheckFailed(failed("redirect_elsewhere", detail=detail(target)))
        url = target
    raise CheckFailed(failed("too_many_redirects", hops=MAX_REDIRECTS))


def _get(client, url, deadline, timeout):
    host = urlsplit(url).hostname or url
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise CheckFailed(timed_out(timeout))
    try:
        with client.stream("GET", url, timeout=httpx.Timeout(remaining)) as response:
            body = _read_capped(response, deadline, timeout)
    except CheckFailed:
        raise
    except (httpx.HTTPError, OSError) as exc:
        raise CheckFailed(network_finding(exc, host, timeout)) from exc
    return response.status_code, response.headers, body, str(response.url)


def _read_capped(response: httpx.Response, deadline: float, timeout: float) -> bytes:
    """Reads the body, decompressing it here in bounded steps: a gzip bomb is cut at MAX_BODY, not held."""
    encoding = response.headers.get("content-encoding", "identity").strip().lower()
    if encoding in ("gzip", "x-gzip", "deflate"):
        # 47 = 32 + 15: zlib detects gzip or zlib framing itself.
        decoder = zlib.decompressobj(47)
    elif encoding in ("identity", ""):
        decoder = None
    else:
        raise CheckFailed(failed("bad_encoding", detail=detail(encoding)))
    body = bytearray()
    received = 0
    # Reading in chunks lets a slow drip be cut at the deadline, not only a silent socket.
    for chunk in response.iter_raw(chunk_size=CHUNK):
        # The bytes on the wire count too: zlib keeps whatever follows the end of the compressed
        # stream (unused_data), so a small gzip member followed by endless junk would grow unseen.
        received += len(chunk)
        if received > MAX_BODY:
            raise CheckFailed(failed("too_large", limit_mb=MAX_BODY // (1024 * 1024)))
        pending = chunk
        while pending:
            room = MAX_BODY + 1 - len(body)
            if decoder is None:
                body += pending[:room]
                pending = b""
            else:
                try:
                    body += decoder.decompress(pending, room)
                except zlib.error:
                    raise CheckFailed(failed("http_error", detail="undecodable compressed answer")) from None
                pending = decoder.unconsumed_tail
            if len(body) > MAX_BODY:
                raise CheckFailed(failed("too_large", limit_mb=MAX_BODY // (1024 * 1024)))
        if decoder is not None and decoder.eof:
            # The compressed document is complete; whatever follows is not read.
            break
        if time.monotonic() > deadline:
            raise CheckFailed(timed_out(timeout))
    return bytes(body)


def json_nests_deeper(body: bytes, limit: int) -> bool:
    """Returns whether a JSON text nests arrays and objects deeper than limit, scanning it without parsing."""
    depth = 0
    for token in _JSON_TOKENS.finditer(body):
        if token.lastindex:
            depth += 1
            if depth > limit:
                return True
        elif body[token.start()] != 0x22:  # a closing bracket, not a string
            depth -= 1
    return False


def fetch_json(client, url, deadline, timeout):
    """Fetches url and returns (decoded JSON, Fetched), failing on 5xx, non-2xx, too deep or non-JSON answers."""
    got = fetch(client, url, deadline, timeout)
    require_success(got)
    if json_nests_deeper(got.body, MAX_JSON_DEPTH):
        raise CheckFailed(failed("json_too_deep", got.ms, limit=MAX_JSON_DEPTH))
    try:
        return json.loads(got.body.decode("utf-8")), got
    # ValueError covers undecodable text, bad JSON and numbers too long to convert (over 4,300 digits).
    except (ValueError, RecursionError):
        raise CheckFailed(failed("not_json", got.ms, detail=detail(got.content_type))) from None


def require_success(got: Fetched):
    """Stops the check unless the answer was a 2xx, telling a server error from another status."""
    if got.status >= 500:
        raise CheckFailed(failed("server_error", got.ms, status=got.status))
    if not 200 <= got.status < 300:
        raise CheckFailed(failed("http_status", got.ms, status=got.status))
