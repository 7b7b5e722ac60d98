"""A stand-in MPASSid broker on 127.0.0.1 with switchable faults, for tests and `make demo`."""

import functools
import gzip
import html
import json
import socket
import ssl
import struct
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from mpass_status.standin import certs

PATHS = {
    "discovery": "/.well-known/openid-configuration",
    "jwks": "/idp/profile/oidc/keyset",
    "metadata": "/idp/shibboleth",
    "authnsources": "/idp/profile/api/authnsources",
    "authorize": "/idp/profile/oidc/authorize",
}
FAULTS = (
    "500",
    "hang",
    "reset",
    "slow",
    "html",
    "truncated",
    "wrong_issuer",
    "expired_metadata",
    "expiring_cert",
    "expired_cert",
    "vanished_source",
    "xml_bomb",
    # Faults a prober must keep its distance from.
    "redirect_same",
    "redirect_elsewhere",
    "jwks_elsewhere",
    "deep_json",
    "gzip_bomb",
    "hostile_text",
    "unclosed_string",
    "gzip_trailer",
    "deep_xml",
    "wide_xml",
    "long_number",
    "redirect_loop",
)
# What a hostile or broken broker might put into a field the site shows: markup, a terminal colour code,
# a right-to-left override, length.
HOSTILE_TEXT = '<script>alert("mpass")</script>\x1b[31m\u202e' + "A" * 500
DEEP_JSON = b"[" * 100_000 + b"]" * 100_000
# Bytes sent after a complete gzip member: a decoder that kept reading would hold them all.
GZIP_TRAILER_BYTES = 100 * 1024 * 1024
_MD_OPEN = b'<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="x">'
_MD_CLOSE = b"</md:EntityDescriptor>"
SOURCES = [("wilma", "Wilma"), ("adfs", "ADFS"), ("entra-id", "Entra ID"), ("google", "Google"), ("opinsys", "Opinsys")]
XML_BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="&lol3;"/>"""
HTML = b"<!DOCTYPE html><html><head><title>Maintenance</title></head><body><h1>Palvelukatko</h1></body></html>"


class StandinBroker:
    """A running stand-in broker; set faults with set_fault(target, fault) and stop() when done."""

    def __init__(self, hang_seconds=30.0, slow_seconds=1.5, vanished_source="Opinsys"):
        self.hang_seconds, self.slow_seconds = hang_seconds, slow_seconds
        self.vanished_source = vanished_source
        self.faults: dict[str, str] = {}
        self.tls_mode = "valid"
        # Set on stop: wakes every hanging or slow handler so tests finish fast.
        self.stopping = threading.Event()
        # Replaced on clear(): wakes handlers hung by a fault that is now switched off.
        self._wake = threading.Event()
        self._dir = tempfile.TemporaryDirectory(prefix="standin-broker-")
        directory = Path(self._dir.name)
        self.key = certs.new_key()
        now = datetime.now(UTC)
        self.signing = {
            "valid": certs.certificate(self.key, "mpass-standin", now + timedelta(days=730)),
            "expiring": certs.certificate(self.key, "mpass-standin", now + timedelta(days=12)),
            "expired": certs.certificate(self.key, "mpass-standin", now - timedelta(days=3)),
        }
        self.tls = certs.TLSMaterial(directory)
        self.ca_file = str(self.tls.ca_file)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.tls_socket = socket.create_server(("127.0.0.1", 0))
        self.tls_url = f"https://127.0.0.1:{self.tls_socket.getsockname()[1]}"
        self._threads = [
            threading.Thread(target=self.server.serve_forever, daemon=True),
            threading.Thread(target=self._serve_tls, daemon=True),
        ]
        for thread in self._threads:
            thread.start()

    @property
    def issuer(self) -> str:
        """Returns the issuer the discovery document names when healthy."""
        return self.base_url

    @property
    def elsewhere(self) -> str:
        """Returns this stand-in's address under another host name (localhost instead of 127.0.0.1)."""
        return self.base_url.replace("127.0.0.1", "localhost")

    @functools.cached_property
    def gzip_bomb(self) -> bytes:
        """Returns 100 MB of zeros gzipped to about 100 KB."""
        return gzip.compress(b"\0" * (100 * 1024 * 1024), compresslevel=9)

    @property
    def entity_id(self) -> str:
        """Returns the SAML entityID of the stand-in."""
        return self.base_url + "/idp/shibboleth"

    def set_fault(self, target: str, fault: str | None):
        """Switches a fault on for a target (alias such as 'metadata' or a path), or off with None."""
        path = PATHS.get(target, target)
        if fault is None:
            self.faults.pop(path, None)
        elif fault not in FAULTS:
            raise ValueError(f"unknown fault {fault!r}; choose from {', '.join(FAULTS)}")
        else:
            self.faults[path] = fault

    def set_tls(self, mode: str):
        """Chooses the TLS certificate served: valid, expiring or expired."""
        if mode not in self.tls.files:
            raise ValueError(f"unknown TLS mode {mode!r}")
        self.tls_mode = mode

    def clear(self):
        """Switches every fault off."""
        self.faults.clear()
        self.tls_mode = "valid"
        self._wake.set()
        self._wake = threading.Event()

    def pause(self, seconds: float):
        """Sleeps up to seconds, waking early when faults are cleared or the broker stops."""
        wake = self._wake
        deadline = time.monotonic() + seconds
        while not (self.stopping.is_set() or wake.is_set()) and time.monotonic() < deadline:
            wake.wait(min(0.1, max(deadline - time.monotonic(), 0)))

    def stop(self):
        """Stops serving and removes the generated key material."""
        self.stopping.set()
        self._wake.set()
        self.server.shutdown()
        self.server.server_close()
        self.tls_socket.close()
        self._dir.cleanup()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

    def _serve_tls(self):
        while not self.stopping.is_set():
            try:
                raw, _ = self.tls_socket.accept()
            except OSError:
                return
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*self.tls.files[self.tls_mode])
            try:
                raw.settimeout(5)
                with context.wrap_socket(raw, server_side=True) as tls:
                    tls.sendall(b"HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n")
            except (OSError, ssl.SSLError):
                # A client refusing our certificate is exactly what the tests provoke.
                raw.close()

    # Documents -----------------------------------------------------------------------------

    def discovery(self, fault) -> dict:
        """Returns the OpenID Connect discovery document."""
        base = self.base_url
        return {
            "issuer": {"wrong_issuer": "https://wrong.example.org", "hostile_text": HOSTILE_TEXT}.get(
                fault, self.issuer
            ),
            "authorization_endpoint": base + PATHS["authorize"],
            "token_endpoint": base + "/idp/profile/oidc/token",
            "userinfo_endpoint": base + "/idp/profile/oidc/userinfo",
            # localhost is the same machine under another host name: elsewhere, as far as a prober can tell.
            "jwks_uri": (self.elsewhere if fault == "jwks_elsewhere" else base) + PATHS["jwks"],
            "response_types_supported": ["code"],
            "subject_types_supported": ["public", "pairwise"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "profile"],
        }

    def jwks(self) -> dict:
        """Returns the key set with the stand-in's real RSA public key."""
        return {"keys": [certs.public_jwk(self.key, "standin-signing")]}

    def metadata(self, fault) -> bytes:
        """Returns SAML metadata with the signing certificate and validUntil the fault asks for."""
        now = datetime.now(UTC)
        until = now - timedelta(days=1) if fault == "expired_metadata" else now + timedelta(days=7)
        cert = self.signing[{"expiring_cert": "expiring", "expired_cert": "expired"}.get(fault, "valid")]
        # XML cannot carry the escape character, even as a reference.
        hostile = HOSTILE_TEXT.replace("\x1b", "")
        entity_id = html.escape(hostile if fault == "hostile_text" else self.entity_id, quote=True)
        return f"""<?xml version="1.0" encoding="UTF-8"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata"
    xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="{entity_id}"
    validUntil="{until.strftime("%Y-%m-%dT%H:%M:%SZ")}">
  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing">
      <ds:KeyInfo><ds:X509Data><ds:X509Certificate>{certs.der_base64(cert)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>
    </md:KeyDescriptor>
    <md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:transient</md:NameIDFormat>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
        Location="{self.base_url}/idp/profile/SAML2/Redirect/SSO"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>
""".encode()

    def authnsources(self, fault) -> list:
        """Returns the sources list in the broker's shape: id, title, iconUrl and tags."""
        return [
            {
                "id": f"mpassid-{ident}",
                "title": title,
                "iconUrl": f"{self.base_url}/icons/{ident}.png",
                "tags": ["opettaja", "oppilas"],
            }
            for ident, title in SOURCES
            if not (fault == "vanished_source" and title == self.vanished_source)
        ]


@functools.cache
def hostile_body(fault: str) -> tuple[bytes, str]:
    """Returns the body and media type of a fault that sends a few MB, made when first asked for."""
    if fault == "unclosed_string":
        # A JSON string that never closes, full of escaped quotes: a backtracking scanner chews it for hours.
        return b'"' + b'\\"' * 2_000_000, "application/json"
    if fault == "long_number":
        # Python refuses to turn more than 4,300 digits into a number.
        return b'{"issuer": ' + b"7" * 5000 + b"}", "application/json"
    if fault == "deep_xml":
        return _MD_OPEN + b"<a>" * 200_000 + b"</a>" * 200_000 + _MD_CLOSE, "application/samlmetadata+xml"
    # wide_xml: a million empty elements in 4 MB; a parser keeping them all would hold hundreds of MB.
    return _MD_OPEN + b"<a/>" * 1_000_000 + _MD_CLOSE, "application/samlmetadata+xml"


def _handler(broker: StandinBroker):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def do_GET(self):
            parts = urlsplit(self.path)
            if parts.path == "/_standin/fault":
                return self._control(parse_qs(parts.query))
            fault = broker.faults.get(parts.path)
            if fault == "hang":
                broker.pause(broker.hang_seconds)
            elif fault == "slow":
                broker.pause(broker.slow_seconds)
            elif fault == "reset":
                # SO_LINGER 0 makes close() send RST: the client sees a connection reset.
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.close_connection = True
                self.connection.close()
                return
            elif fault == "500":
                return self._send(500, b"<html><body>Internal Server Error</body></html>", "text/html")
            elif fault == "html":
                return self._send(200, HTML, "text/html; charset=utf-8")
            elif fault == "redirect_same" and "moved" not in parts.query:
                return self._send(302, b"", "text/plain", location=parts.path + "?moved=1")
            elif fault == "redirect_loop":
                # Always one more hop on the same host: only a hop limit ends it.
                hop = int(parse_qs(parts.query).get("hop", ["0"])[0]) + 1
                return self._send(302, b"", "text/plain", location=f"{parts.path}?hop={hop}")
            elif fault == "redirect_elsewhere":
                return self._send(302, b"", "text/plain", location=broker.elsewhere + parts.path)
            elif fault == "deep_json":
                return self._send(200, DEEP_JSON, "application/json")
            elif fault == "gzip_bomb":
                return self._send(200, broker.gzip_bomb, "application/json", encoding="gzip")
            elif fault in ("unclosed_string", "long_number", "deep_xml", "wide_xml"):
                return self._send(200, *hostile_body(fault))
            elif fault == "gzip_trailer":
                status, body, media = self._document(parts.path, None)
                return self._send(status, gzip.compress(body), media, encoding="gzip", trailer=GZIP_TRAILER_BYTES)
            status, body, media = self._document(parts.path, fault)
            if fault == "truncated":
                body = body[: len(body) // 2]
            self._send(status, body, media)

        def _document(self, path, fault):
            if path == PATHS["discovery"]:
                return 200, json.dumps(broker.discovery(fault)).encode(), "application/json"
            if path == PATHS["jwks"]:
                return 200, json.dumps(broker.jwks()).encode(), "application/json"
            if path == PATHS["metadata"]:
                body = XML_BOMB if fault == "xml_bomb" else broker.metadata(fault)
                return 200, body, "application/samlmetadata+xml"
            if path == PATHS["authnsources"]:
                return 200, json.dumps(broker.authnsources(fault)).encode(), "application/json"
            if path == PATHS["authorize"]:
                page = b"<html><body><h1>Virhe</h1><p>invalid_request: client_id missing</p></body></html>"
                return 400, page, "text/html; charset=utf-8"
            return 404, b"not found", "text/plain"

        def _control(self, query):
            # Lets `make demo` switch faults from a browser: /_standin/fault?metadata=500
            try:
                for target, (fault,) in query.items():
                    if target == "tls":
                        broker.set_tls(fault)
                    else:
                        broker.set_fault(target, None if fault in ("", "none") else fault)
            except ValueError as exc:
                return self._send(400, str(exc).encode(), "text/plain")
            self._send(200, json.dumps({"faults": broker.faults, "tls": broker.tls_mode}).encode(), "application/json")

        def _send(self, status, body, media, location=None, encoding=None, trailer=0):
            # trailer: that many zero bytes follow the body, written in pieces rather than held.
            try:
                self.send_response(status)
                self.send_header("Content-Type", media)
                if location:
                    self.send_header("Location", location)
                if encoding:
                    self.send_header("Content-Encoding", encoding)
                self.send_header("Content-Length", str(len(body) + trailer))
                self.end_headers()
                self.wfile.write(body)
                piece = bytes(64 * 1024)
                for start in range(0, trailer, len(piece)):
                    self.wfile.write(piece[: trailer - start])
            except OSError:
                # The prober gave up on this request (timeout) and closed its end.
                self.close_connection = True

    return Handler
