"""The tls kind: a host completes a verified TLS handshake with a certificate that is not about to expire."""

import socket
import ssl
import time
from urllib.parse import urlsplit

from cryptography import x509

from mpass_status.checks.expiry import expiry_finding
from mpass_status.checks.results import Finding, failed, ok, timed_out
from mpass_status.checks.transport import CheckFailed, detail, network_finding

# The SSL verify code OpenSSL gives for an expired certificate.
X509_V_ERR_CERT_HAS_EXPIRED = 10


def _peer_cert(host, port, context, deadline, timeout) -> bytes:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise CheckFailed(timed_out(timeout))
    with socket.create_connection((host, port), timeout=remaining) as raw:
        raw.settimeout(max(deadline - time.monotonic(), 0.01))
        with context.wrap_socket(raw, server_hostname=host) as tls:
            return tls.getpeercert(binary_form=True)


def check_tls(check, deadline, now, probe) -> Finding:
    """Checks the host completes a verified TLS handshake and its certificate is not about to expire."""
    parts = urlsplit(check.url)
    host, port = parts.hostname, parts.port or 443
    context = ssl.create_default_context(cafile=check.ca_file)
    start = time.monotonic()
    try:
        der = _peer_cert(host, port, context, deadline, check.timeout)
    except ssl.SSLCertVerificationError as exc:
        if exc.verify_code != X509_V_ERR_CERT_HAS_EXPIRED:
            return failed("tls_handshake", detail=detail(exc.verify_message or exc))
        # Read the expired certificate without verification, only to say when it expired.
        lax = ssl.create_default_context()
        lax.check_hostname = False
        lax.verify_mode = ssl.CERT_NONE
        try:
            der = _peer_cert(host, port, lax, deadline, check.timeout)
        except (OSError, CheckFailed):
            return failed("tls_handshake", detail="certificate has expired")
    except ssl.SSLError as exc:
        return failed("tls_handshake", detail=detail(exc.reason or exc))
    except OSError as exc:
        return network_finding(exc, host, check.timeout)
    ms = int((time.monotonic() - start) * 1000)
    not_after = x509.load_der_x509_certificate(der).not_valid_after_utc
    warning = expiry_finding(not_after, now, probe.warn_days, "tls_expired", "tls_expiring", ms)
    return warning or ok(ms)
