"""DKIM: with a key configured every e-mail caught by the real SMTP server carries a signature that dkimpy's verify
accepts against the public key (given as the DNS answer, no DNS asked), covering RFC 8058's headers; a header
changed on the way breaks it; a key that cannot be used stops the site at start, naming the setting."""

import base64
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import dkim
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from mpass_status.notify.sender import store_of
from tests.notify.conftest import SENDER
from tests.notify.smtp_server import SMTPServer
from tests.notify.support import INCIDENT, confirm, send, sign_up, write_notice

SELECTOR = "status2026"
RECORD = b"status2026._domainkey.mpass.example.fi."


@pytest.fixture(scope="module")
def key():
    """An RSA key pair: the private key's PEM and the TXT record publishing the public key."""
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()
    )
    public = private.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return pem, b"v=DKIM1; k=rsa; p=" + base64.b64encode(public)


@pytest.fixture
def signed_site(mail_site, key, tmp_path):
    path = tmp_path / "dkim.pem"
    path.write_bytes(key[0])
    path.chmod(0o600)
    return mail_site(DKIM_KEY=str(path), DKIM_SELECTOR=SELECTOR)


def verified(raw: bytes, record: bytes) -> bool:
    asked = []

    def dns(name, timeout=5):
        asked.append(name)
        return record if name == RECORD else None

    found = dkim.verify(raw, dnsfunc=dns)
    assert asked == [RECORD]
    return found


def signed_headers(raw: bytes) -> set[str]:
    signature = dkim.util.parse_tag_value(
        raw.split(b"DKIM-Signature:", 1)[1].split(b"\r\n\r\n")[0].replace(b"\r\n", b"")
    )
    return {name.strip().lower() for name in signature[b"h"].decode().split(":")}


def test_every_e_mail_is_signed_and_the_signature_verifies(signed_site, smtp, key):
    app, client = signed_site, signed_site.test_client()
    send(app)
    confirm(client, smtp, app, "rehtori@koulu.example")
    start = datetime.now(ZoneInfo("Europe/Helsinki")) - timedelta(minutes=5)
    write_notice(app, f"{start:%Y-%m-%d}-kirjautuminen.md", INCIDENT.format(start=f"{start:%Y-%m-%d %H:%M}"))
    assert send(app) == 1
    confirmation, news = smtp.handler.raw
    assert all(raw.startswith(b"DKIM-Signature: ") for raw in (confirmation, news))
    assert verified(confirmation, key[1]) and verified(news, key[1])
    assert {"from", "to", "subject", "message-id", "list-unsubscribe", "list-unsubscribe-post"} <= signed_headers(news)
    # An unsubscription address changed on the way, or another key, no longer verifies.
    tampered = news.replace(
        b"List-Unsubscribe: <https://status.mpass.example.fi/", b"List-Unsubscribe: <https://x.example/"
    )
    assert tampered != news and not verified(tampered, key[1])
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key()
    der = other.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    assert not verified(news, b"v=DKIM1; k=rsa; p=" + base64.b64encode(der))


def test_an_address_beyond_ascii_is_signed_and_sent_as_it_is(signed_site, smtp, key):
    app = signed_site
    assert sign_up(app.test_client(), "lärare@skola.example", "sv").status_code == 303
    assert send(app) == 1
    (raw,) = smtp.handler.raw
    assert "To: lärare@skola.example\r\n".encode() in raw and verified(raw, key[1])


def test_without_smtputf8_an_address_beyond_ascii_is_refused_for_that_address_only(make_site):
    server = SMTPServer(utf8=False)
    try:
        app = make_site(SMTP_URL=server.url, MAIL_FROM=SENDER, SEND_IN_BACKGROUND=False)
        client = app.test_client()
        sign_up(client, "lärare@skola.example", "sv")
        sign_up(client, "larare@skola.example", "sv")
        assert send(app) == 1 and [m["To"] for m in server.handler.messages] == ["larare@skola.example"]
        assert store_of(app).counts()["failed"] == 1
    finally:
        server.stop()


@pytest.mark.parametrize(
    ("settings", "named"),
    [
        ({"DKIM_SELECTOR": SELECTOR}, "STATUS_DKIM_KEY and STATUS_DKIM_SELECTOR: set both or neither"),
        ({"DKIM_KEY": "/nonexistent/dkim.pem", "DKIM_SELECTOR": SELECTOR}, "STATUS_DKIM_KEY: cannot read"),
        ({"DKIM_KEY": "{tmp}/not-a-key.pem", "DKIM_SELECTOR": SELECTOR}, "STATUS_DKIM_KEY: {tmp}/not-a-key.pem is not"),
    ],
)
def test_a_key_that_cannot_be_used_stops_the_site_naming_the_setting(mail_site, tmp_path, settings, named):
    (tmp_path / "not-a-key.pem").write_text("-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n")
    settings = {name: value.replace("{tmp}", str(tmp_path)) for name, value in settings.items()}
    with pytest.raises(SystemExit, match=f"^{re.escape(named.replace('{tmp}', str(tmp_path)))}"):
        mail_site(**settings)
