"""A notice title that holds a line break (YAML lets an author write "…\\nBcc: …") cannot add a header to the
e-mails: the subject is one line, and the e-mail goes to its subscriber alone. The Swedish update's subject is
plain ASCII ("Uppdatering: …"), written into the header as it is: before, Python's generator refused it and the
sender's every pass failed on that row."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from tests.notify.support import INCIDENT, confirm, send, write_notice


def test_a_line_break_in_a_title_stays_in_the_subject(mail_site, smtp):
    app = mail_site()
    client = app.test_client()
    send(app)
    confirm(client, smtp, app, "rehtori@koulu.example", "fi")
    confirm(client, smtp, app, "rektor@skola.example", "sv")
    start = datetime.now(ZoneInfo("Europe/Helsinki")) - timedelta(minutes=5)
    text = INCIDENT.format(start=f"{start:%Y-%m-%d %H:%M}")
    text = text.replace("fi: Kirjautuminen ei toimi", 'fi: "Kirjautuminen ei toimi\\nBcc: kaikki@muualla.example"')
    text = text.replace("sv: Inloggningen fungerar inte", 'sv: "Login fails\\nBcc: alla@annanstans.example"')
    path = write_notice(app, f"{start:%Y-%m-%d}-rivinvaihto.md", text)
    send(app)
    later = datetime.now(ZoneInfo("Europe/Helsinki")) - timedelta(minutes=1)
    update = (
        f"updates:\n  - time: {later:%Y-%m-%d %H:%M}\n    stage: identified\n    fi: Syy löytyi.\n    sv: Orsaken.\n"
    )
    path.write_text(path.read_text(encoding="utf-8").replace("updates:\n", update, 1), encoding="utf-8")
    send(app)
    subjects = [m["Subject"] for m in smtp.handler.messages[2:]]
    assert sorted(subjects) == [
        "Häiriö: Kirjautuminen ei toimi Bcc: kaikki@muualla.example",
        "Päivitys: Kirjautuminen ei toimi Bcc: kaikki@muualla.example",
        "Störning: Login fails Bcc: alla@annanstans.example",
        "Uppdatering: Login fails Bcc: alla@annanstans.example",
    ]
    assert all(m["Bcc"] is None for m in smtp.handler.messages)
