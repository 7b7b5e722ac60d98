"""One webhook delivery over HTTP: the body signed with the hook's secret, POSTed to the address its host was
checked to resolve to (webhook_address.py), no redirect followed, and the outcome told apart: delivered, worth
trying again later (a timeout, a lost connection, 5xx, 408, 429) or refused for good (another answer)."""

import hashlib
import hmac
import ipaddress
import time
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import httpx

from mpass_status.notify.webhook_address import Refused, resolve_public

SIGNATURE = "X-MPASSid-Signature"
TIMESTAMP = "X-MPASSid-Timestamp"
EVENT = "X-MPASSid-Event"
DELIVERY = "X-MPASSid-Delivery"
USER_AGENT = "MPASSid-status-webhooks/1"
# What is read of a receiver's answer: enough for a challenge echoed back as JSON.
MAX_ANSWER = 4096
RETRY_STATUSES = {408, 429}


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """Returns the signature header's value: HMAC-SHA256 with the secret over "<timestamp>.<raw body>"."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


@dataclass(frozen=True)
class Outcome:
    """What became of one POST: delivered (2xx), or why not and whether trying again later may help."""

    delivered: bool
    retry: bool
    reason: str
    answer: bytes = b""


def _pinned(url: str, address: str) -> tuple[str, str, str]:
    """Returns url with its host replaced by the checked address, the Host header and the TLS server name."""
    parts = urlsplit(url)
    ip = ipaddress.ip_address(address.split("%")[0])
    literal = f"[{ip}]" if ip.version == 6 else str(ip)
    netloc = f"{literal}:{parts.port}" if parts.port else literal
    host = parts.hostname + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc)), host, parts.hostname


def post(
    url: str,
    body: bytes,
    event: str,
    delivery: str,
    secret: str | None,
    timeout: float,
    loopback: bool = False,
    clock=time.time,
) -> Outcome:
    """POSTs body to url as JSON, signed when a secret is given; never raises for the receiver's faults."""
    try:
        address = resolve_public(url, loopback)
    except Refused as exc:
        return Outcome(False, False, f"refused: {exc}")
    target, host, server_name = _pinned(url, address)
    headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT, "Host": host}
    headers |= {EVENT: event, DELIVERY: delivery}
    if secret is not None:
        stamp = str(int(clock()))
        headers |= {TIMESTAMP: stamp, SIGNATURE: sign(secret, stamp, body)}
    try:
        with (
            httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False) as client,
            client.stream(
                "POST", target, content=body, headers=headers, extensions={"sni_hostname": server_name}
            ) as response,
        ):
            answer, deadline = b"", time.monotonic() + timeout
            for chunk in response.iter_bytes():
                answer += chunk
                if len(answer) >= MAX_ANSWER:
                    break
                # httpx's timeout is per read: a body trickled a byte at a time must not hold the sender.
                if time.monotonic() > deadline:
                    return Outcome(False, True, f"answer not complete within {timeout:g} s")
    except httpx.TimeoutException:
        return Outcome(False, True, f"no answer within {timeout:g} s")
    except httpx.HTTPError as exc:
        return Outcome(False, True, f"{type(exc).__name__}: {exc}")
    status = response.status_code
    if 200 <= status < 300:
        return Outcome(True, False, f"HTTP {status}", answer[:MAX_ANSWER])
    if status >= 500 or status in RETRY_STATUSES:
        return Outcome(False, True, f"HTTP {status}")
    if 300 <= status < 400:
        return Outcome(False, False, f"HTTP {status}: redirects are not followed")
    return Outcome(False, False, f"HTTP {status}")
