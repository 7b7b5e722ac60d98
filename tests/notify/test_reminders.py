"""Reminders before a maintenance break, against a real SMTP server: one per subscriber who chose it and hears
of the break, a day ahead, threaded with the break's announcement, never twice (a restarted sender included),
never for a break cancelled or begun, and not for a break announced within the day it begins."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from mpass_status.notify.sender import Sender, store_of
from tests.notify.support import link, send, sign_up, text_of, write_notice

HELSINKI = ZoneInfo("Europe/Helsinki")
HOUR = 3600
BREAK = """
    ---
    type: maintenance
    severity: down
    affected: [production]
    start: {start:%Y-%m-%d %H:%M}
    end: {end:%Y-%m-%d %H:%M}
    title:
      fi: Tuotannon huoltokatko
      sv: Underhållsavbrott i produktionen
    summary:
      fi: Kirjautuminen ei toimi huoltokatkon aikana.
      sv: Inloggningen fungerar inte under underhållsavbrottet.
    ---
"""


def maintenance(app, hours_ahead: float, slug: str = "huolto"):
    """Writes a maintenance break starting hours_ahead from now; returns its file and its start as a POSIX time."""
    start = (datetime.now(HELSINKI) + timedelta(hours=hours_ahead)).replace(second=0, microsecond=0)
    name = f"{datetime.now(HELSINKI):%Y-%m-%d}-{slug}.md"  # a notice is named by the day it is published
    path = write_notice(app, name, BREAK.format(start=start, end=start + timedelta(hours=2)))
    return path, start.timestamp()


def subscribed(app, smtp, address, lang="fi", **choices):
    """Signs address up with choices and confirms it by the button."""
    client = app.test_client()
    assert sign_up(client, address, lang, **choices).status_code == 303
    send(app)
    assert client.post(link(smtp.handler.to(address)[-1], "confirm")).status_code == 200


def at(app, when: float) -> int:
    """Runs one pass of a sender whose clock says when; returns how many e-mails the server accepted."""
    return Sender(app, store_of(app), clock=lambda: when).once()


def reminders(smtp, address):
    return [m for m in smtp.handler.to(address) if "huoltokatkosta" in m["Subject"] or "Påminnelse" in m["Subject"]]


def test_a_reminder_a_day_ahead_threads_with_the_announcement_and_comes_once(mail_site, smtp):
    app = mail_site()
    send(app)
    subscribed(app, smtp, "muistaja@koulu.example", reminder="yes")
    subscribed(app, smtp, "paminn@skola.example", "sv", reminder="yes", cadence="daily")
    subscribed(app, smtp, "eimuistutusta@koulu.example")
    subscribed(app, smtp, "hairiot@koulu.example", reminder="yes", types=["incident"])
    _, start = maintenance(app, 30)
    send(app)
    (announcement,) = smtp.handler.to("muistaja@koulu.example")[1:]
    # More than a day ahead: no reminder yet. (The Swedish daily subscriber's morning digest of the announcement
    # may come at any of these passes, by the hour the test runs at: reminders are counted, not all e-mails.)
    at(app, start - 25 * HOUR)
    assert reminders(smtp, "muistaja@koulu.example") == reminders(smtp, "paminn@skola.example") == []
    at(app, start - 24 * HOUR + 60)
    (reminder,) = reminders(smtp, "muistaja@koulu.example")
    start_text = datetime.fromtimestamp(start, HELSINKI).strftime("%-d.%-m.%Y klo %-H.%M")
    assert reminder["Subject"] == f"Muistutus {start_text} alkavasta huoltokatkosta: Tuotannon huoltokatko"
    assert f"Tämä huoltokatko alkaa {start_text}." in text_of(reminder)
    assert reminder["In-Reply-To"] == reminder["References"] == announcement["Message-ID"]
    assert reminder["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # A daily subscriber's reminder comes at once too, in their language; the others get none.
    (swedish,) = reminders(smtp, "paminn@skola.example")
    assert swedish["Subject"].startswith("Påminnelse om underhållsavbrottet som börjar ")
    assert "Det här underhållsavbrottet börjar" in text_of(swedish)
    assert reminders(smtp, "eimuistutusta@koulu.example") == reminders(smtp, "hairiot@koulu.example") == []
    # Later passes, and a sender started again on the same database, remind nobody again.
    at(app, start - 23 * HOUR)
    assert len(reminders(smtp, "muistaja@koulu.example")) == len(reminders(smtp, "paminn@skola.example")) == 1
    Sender(app, store_of(app), clock=lambda: start - HOUR).once()
    assert len(reminders(smtp, "muistaja@koulu.example")) == len(reminders(smtp, "paminn@skola.example")) == 1


def test_no_reminder_for_a_break_cancelled_before_its_reminder_went(mail_site, smtp):
    app = mail_site()
    send(app)
    subscribed(app, smtp, "muistaja@koulu.example", reminder="yes")
    path, start = maintenance(app, 30)
    send(app)
    # The reminder is queued, but the server defers it; meanwhile the break is cancelled.
    smtp.handler.refuse["muistaja@koulu.example"] = "451 4.3.0 Try again later"
    at(app, start - 24 * HOUR + 60)
    assert store_of(app).counts()["queued"] == 1
    del smtp.handler.refuse["muistaja@koulu.example"]
    path.write_text(path.read_text(encoding="utf-8").replace("severity: down\n", "severity: down\ncancelled: true\n"))
    at(app, start - 23 * HOUR)
    subjects = [m["Subject"] for m in smtp.handler.to("muistaja@koulu.example")]
    assert subjects[-1].startswith("Peruttu: ") and not reminders(smtp, "muistaja@koulu.example")
    assert store_of(app).counts()["queued"] == 0


def test_no_reminder_for_a_break_begun_or_announced_within_its_day(mail_site, smtp):
    app = mail_site()
    send(app)
    subscribed(app, smtp, "muistaja@koulu.example", reminder="yes")
    _, soon = maintenance(app, 3, "pian")
    _, later = maintenance(app, 30, "myohemmin")
    send(app)
    assert len(smtp.handler.to("muistaja@koulu.example")) == 3
    # The break announced three hours ahead is told by its announcement only; the other is not reminded of
    # once it has begun (the sender was not running in its day).
    at(app, soon - 60)
    at(app, later + 60)
    assert reminders(smtp, "muistaja@koulu.example") == []
    assert store_of(app).counts()["queued"] == 0


def test_the_form_offers_the_reminder_and_the_automatic_notice_and_the_manage_page_changes_them(mail_site, smtp):
    app = mail_site()
    client = app.test_client()
    page = client.get("/fi/subscribe/").get_data(as_text=True)
    assert 'id="reminder" name="reminder" value="yes" aria-describedby="reminder-hint">' in page
    assert "Muistutus 24 tuntia ennen huoltokatkon alkua" in page
    assert "ettei MPASSid ole toiminut tuotantoympäristössä yli 5 minuuttiin" in page
    assert sign_up(client, "valitsija@koulu.example", reminder="no").status_code == 400
    assert sign_up(client, "valitsija@koulu.example", reminder="yes").status_code == 303
    send(app)
    confirmed = client.post(link(smtp.handler.to("valitsija@koulu.example")[0], "confirm")).get_data(as_text=True)
    manage = re.search(r'href="(/fi/subscribe/manage/[^"]+)"', confirmed).group(1)
    page = client.get(manage).get_data(as_text=True)
    assert 'value="yes" aria-describedby="reminder-hint" checked' in page
    assert 'value="yes" aria-describedby="automatic-hint">' in page
    client.post(manage, data={"automatic": "yes"})
    page = client.get(manage).get_data(as_text=True)
    assert 'value="yes" aria-describedby="reminder-hint">' in page
    assert 'value="yes" aria-describedby="automatic-hint" checked' in page
