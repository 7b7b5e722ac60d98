"""DKIM signatures (RFC 6376, by dkimpy) on the e-mails when STATUS_DKIM_KEY and STATUS_DKIM_SELECTOR are set: a
receiving server can tell they come from STATUS_MAIL_FROM's domain, and RFC 8058 asks for the List-Unsubscribe
headers to be signed before a mail program offers its one-click button."""

from email.utils import parseaddr

import dkim

from mpass_status.config.settings import Settings, SettingsError

# The headers signed. A header named here but absent is signed as absent, so nobody can add it on the way.
SIGNED = tuple(
    name.encode()
    for name in (
        "From",
        "To",
        "Subject",
        "Date",
        "Message-ID",
        "In-Reply-To",
        "References",
        "List-Id",
        "List-Unsubscribe",
        "List-Unsubscribe-Post",
        "Auto-Submitted",
        "MIME-Version",
        "Content-Type",
    )
)


class Signer:
    """Signs e-mails with one private key under one selector of one domain."""

    def __init__(self, key: bytes, selector: str, domain: str):
        self.key, self.selector, self.domain = key, selector.encode(), domain.encode()

    def sign(self, data: bytes) -> bytes:
        """Returns data, an e-mail as sent (CRLF line ends), with its DKIM-Signature header in front."""
        return dkim.sign(data, self.selector, self.domain, self.key, include_headers=list(SIGNED)) + data


def signer(settings: Settings) -> "Signer | None":
    """Returns the Signer the settings ask for, or None; raises SettingsError naming what cannot be used."""
    if not settings.dkim_key and not settings.dkim_selector:
        return None
    if not (settings.dkim_key and settings.dkim_selector):
        raise SettingsError("STATUS_DKIM_KEY and STATUS_DKIM_SELECTOR: set both or neither")
    try:
        key = settings.dkim_key.read_bytes()
    except OSError as exc:
        raise SettingsError(f"STATUS_DKIM_KEY: cannot read {settings.dkim_key}: {exc.strerror}") from None
    domain = parseaddr(settings.mail_from or "")[1].rpartition("@")[2]
    found = Signer(key, settings.dkim_selector, domain)
    try:
        found.sign(b"From: test@" + domain.encode() + b"\r\n\r\ntest\r\n")
    except dkim.DKIMException as exc:
        raise SettingsError(
            f"STATUS_DKIM_KEY: {settings.dkim_key} is not an RSA or Ed25519 private key: {exc}"
        ) from None
    return found
