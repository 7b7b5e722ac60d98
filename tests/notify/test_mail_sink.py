"""The stand-in SMTP server of `make demo` and `make bench` keeps what the sender hands it, dot-stuffing undone."""

import email
import email.policy
import mailbox
import smtplib
from email.message import EmailMessage

from mpass_status.standin.mail import MailSink
from tests.notify.support import link, send, sign_up


def caught(folder) -> list:
    """Returns the e-mails in a Maildir, oldest first, as the modern email API reads them."""
    box = mailbox.Maildir(folder, factory=lambda f: email.message_from_binary_file(f, policy=email.policy.default))
    return [box[key] for key in sorted(box.keys(), key=lambda key: (folder / "new" / key).stat().st_mtime_ns)]


def test_the_demos_sink_catches_the_sites_e_mails_in_a_maildir(make_site, tmp_path):
    sink = MailSink(tmp_path / "mail")
    try:
        app = make_site(SMTP_URL=sink.url, MAIL_FROM="MPASSid <status@demo.invalid>", SEND_IN_BACKGROUND=False)
        client = app.test_client()
        assert sign_up(client, "demo@koulu.example").status_code == 303
        send(app)
        (confirmation,) = caught(tmp_path / "mail")
        assert confirmation["Subject"] == "Vahvista MPASSid-tiedotteiden tilaus"
        assert client.post(link(confirmation, "confirm")).status_code == 200
        assert [r for r, _ in sink.received] == ["demo@koulu.example"]
    finally:
        sink.stop()


def test_a_line_starting_with_a_dot_arrives_as_it_was_sent(tmp_path):
    sink = MailSink(tmp_path / "mail")
    try:
        message = EmailMessage()
        message["From"], message["To"], message["Message-ID"] = "a@b.example", "c@d.example", "<1@b.example>"
        message.set_content("first\n.\n..two\n")
        with smtplib.SMTP("127.0.0.1", sink.port) as smtp:
            smtp.send_message(message)
        (kept,) = caught(tmp_path / "mail")
        assert kept.get_content() == "first\n.\n..two\n" and sink.received == [("c@d.example", "<1@b.example>")]
    finally:
        sink.stop()
