"""Which webhook URLs the site sends to: https only (http to loopback when STATUS_WEBHOOK_LOOPBACK allows it, for
tests and development), no credentials or fragments, and never an address inside a private network. The address
is checked again when each delivery connects (resolve_public), so a name that later resolves to 10.0.0.1 or to
the metadata service (DNS rebinding) is refused at send time, not only at sign-up."""

import ipaddress
import socket
from urllib.parse import urlsplit

# Longer than any receiver's URL we know of, short enough for a page and a log line.
MAX_URL = 500


class Refused(Exception):
    """The URL, or the address its host resolves to, is not one the site sends to; says why in English."""


class Unresolved(Refused):
    """The URL's host name does not resolve (now): a sign-up may wait for the challenge to tell."""


def _allowed(address: str, loopback: bool) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if loopback and ip.is_loopback:
        return True
    return ip.is_global and not ip.is_multicast


def check_url(url: str, loopback: bool = False) -> str:
    """Returns url if its form is one the site sends to; raises Refused (resolving nothing)."""
    if len(url) > MAX_URL:
        raise Refused(f"longer than {MAX_URL} characters")
    if any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in url):
        raise Refused("spaces or control characters")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise Refused("not a URL") from None
    if parts.scheme != "https" and not (loopback and parts.scheme == "http"):
        raise Refused("only https:// addresses are accepted")
    if not parts.hostname or parts.username is not None or parts.password is not None or parts.fragment:
        raise Refused("a URL with a host name and no user name, password or #fragment is needed")
    if port == 0:
        raise Refused("port 0")
    try:
        literal = ipaddress.ip_address(parts.hostname)
    except ValueError:
        literal = None
    if literal is not None and not _allowed(str(literal), loopback):
        raise Refused(f"{literal} is not a public address")
    return url


def resolve_public(url: str, loopback: bool = False) -> str:
    """Returns the address url's host resolves to, checked to be public (or loopback when allowed); raises
    Refused when any address the name resolves to is not."""
    parts = urlsplit(check_url(url, loopback))
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        found = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise Unresolved(f"{parts.hostname} does not resolve: {exc}") from None
    addresses = list(dict.fromkeys(info[4][0] for info in found))
    # Every address must be allowed: a name that answers one public and one private address is refused whole.
    bad = [a for a in addresses if not _allowed(a, loopback)]
    if not addresses or bad:
        raise Refused(f"{parts.hostname} resolves to {', '.join(bad) or 'nothing'}, not a public address")
    return addresses[0]
