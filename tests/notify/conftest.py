import pytest

from tests.notify.smtp_server import SMTPServer

SENDER = "MPASSid <status@mpass.example.fi>"


@pytest.fixture
def smtp():
    """A real SMTP server on loopback, accepting everything until a test sets a rule."""
    server = SMTPServer()
    yield server
    server.stop()


@pytest.fixture
def mail_site(make_site, smtp):
    """Returns mail_site(**settings): a site offering e-mail through smtp, its sender run by the test."""

    def make(**settings):
        return make_site(SMTP_URL=smtp.url, MAIL_FROM=SENDER, SEND_IN_BACKGROUND=False, **settings)

    return make
