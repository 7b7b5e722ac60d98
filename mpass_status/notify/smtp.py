"""Hands e-mails to the SMTP server of STATUS_SMTP_URL over one reused connection, telling a temporary failure
(try again later) from a permanent one (this address will not take it), signed by DKIM when a key is set."""

import smtplib
import ssl
from dataclasses import dataclass
from email.generator import BytesGenerator
from email.message import Message
from email.policy import SMTPUTF8
from email.utils import getaddresses, parseaddr
from io import BytesIO
from urllib.parse import unquote, urlsplit

from mpass_status.notify.dkim import Signer

TIMEOUT_SECONDS = 30.0


class Temporary(Exception):
    """The server or the way to it failed, or answered 4xx: the e-mail may go later."""


class Permanent(Exception):
    """The server refused the e-mail for good (5xx for its recipient or content)."""


@dataclass(frozen=True)
class Target:
    """Where e-mails go: host and port, how the connection is secured, and the login if any."""

    host: str
    port: int
    security: str  # "none", "starttls" or "tls"
    user: str | None = None
    password: str | None = None

    @classmethod
    def from_url(cls, url: str) -> "Target":
        """Reads smtp://host:port, smtp+starttls://user:password@host:587 or smtps://host:465 (checked by
        the settings already)."""
        parts = urlsplit(url)
        security = {"smtp": "none", "smtp+starttls": "starttls", "smtps": "tls"}[parts.scheme]
        port = parts.port or {"none": 25, "starttls": 587, "tls": 465}[security]
        user = unquote(parts.username) if parts.username else None
        password = unquote(parts.password) if parts.password else None
        return cls(parts.hostname, port, security, user, password)


def _code_error(code: int, text) -> Exception:
    reason = f"{code} {text.decode(errors='replace') if isinstance(text, bytes) else text}".strip()
    return Permanent(reason) if 500 <= code < 600 else Temporary(reason)


class Connection:
    """One SMTP connection, opened when first needed and kept for the next e-mail; close() ends it."""

    def __init__(
        self,
        target: Target,
        tls: ssl.SSLContext | None = None,
        timeout: float = TIMEOUT_SECONDS,
        signer: Signer | None = None,
    ):
        self.target, self.tls, self.timeout = target, tls or ssl.create_default_context(), timeout
        self.signer = signer
        self._smtp: smtplib.SMTP | None = None

    def _open(self) -> smtplib.SMTP:
        target = self.target
        if target.security == "tls":
            smtp = smtplib.SMTP_SSL(target.host, target.port, timeout=self.timeout, context=self.tls)
        else:
            smtp = smtplib.SMTP(target.host, target.port, timeout=self.timeout)
            if target.security == "starttls":
                smtp.starttls(context=self.tls)
        if target.user:
            smtp.login(target.user, target.password or "")
        return smtp

    def _bytes(self, message: Message, international: bool) -> bytes:
        # Flattened here rather than by send_message, so that the bytes signed are the bytes sent. An address
        # beyond ASCII is written as it is (SMTPUTF8), which the compat32 policy the e-mails are built with
        # cannot do: it would encode it as a word of RFC 2047, which no server delivers.
        with BytesIO() as out:
            policy = SMTPUTF8.clone(max_line_length=None) if international else message.policy
            BytesGenerator(out, policy=policy).flatten(message, linesep="\r\n")
            data = out.getvalue()
        return self.signer.sign(data) if self.signer else data

    def send(self, message: Message) -> None:
        """Hands one e-mail to the server; raises Temporary or Permanent. A connection the server closed since
        the last e-mail is opened again once."""
        sender = parseaddr(message["From"])[1]
        recipients = [address for _, address in getaddresses([message["To"]])]
        international = not "".join([sender, *recipients]).isascii()
        data, options = self._bytes(message, international), ("SMTPUTF8", "BODY=8BITMIME") if international else ()
        for attempt in (1, 2):
            try:
                if self._smtp is None:
                    self._smtp = self._open()
                if international:
                    self._smtp.ehlo_or_helo_if_needed()
                    if not self._smtp.has_extn("smtputf8"):
                        raise Permanent("the SMTP server takes no address beyond ASCII (it offers no SMTPUTF8)")
                refused = self._smtp.sendmail(sender, recipients, data, options)
            except smtplib.SMTPServerDisconnected as exc:
                self._smtp = None
                if attempt == 2:
                    raise Temporary(f"connection closed: {exc}") from exc
                continue
            except smtplib.SMTPRecipientsRefused as exc:
                code, text = next(iter(exc.recipients.values()))
                raise _code_error(code, text) from exc
            except smtplib.SMTPSenderRefused as exc:
                # Our own From refused is the site's problem, never the subscriber's: try again later.
                raise Temporary(f"sender refused: {exc.smtp_code} {exc.smtp_error!r}") from exc
            except smtplib.SMTPResponseException as exc:
                self._reset()
                raise _code_error(exc.smtp_code, exc.smtp_error) from exc
            except (smtplib.SMTPException, OSError) as exc:
                self.close()
                raise Temporary(f"{type(exc).__name__}: {exc}") from exc
            if refused:
                code, text = next(iter(refused.values()))
                raise _code_error(code, text)
            return

    def _reset(self) -> None:
        try:
            if self._smtp:
                self._smtp.rset()
        except (smtplib.SMTPException, OSError):
            self.close()

    def close(self) -> None:
        """Ends the connection politely if it is still open."""
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                smtp.close()
