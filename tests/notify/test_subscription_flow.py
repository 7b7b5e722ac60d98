"""A subscription from the form to the e-mails, against a real SMTP server: double opt-in by a button, news in the
subscriber's language with RFC 8058's headers, threads, and the one-click POST that ends it all."""

import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from mpass_status.notify.fanout import next_digest
from mpass_status.notify.sender import STOP, deliver, store_of
from mpass_status.notify.smtp import Connection, Target
from tests.helpers import wait_for
from tests.notify.support import INCIDENT, confirm, link, send, sign_up, text_of, write_notice

HELSINKI = ZoneInfo("Europe/Helsinki")


def incident(app, slug="kirjautuminen", minutes_ago=5):
    start = datetime.now(HELSINKI) - timedelta(minutes=minutes_ago)
    name = f"{start:%Y-%m-%d}-{slug}.md"
    return write_notice(app, name, INCIDENT.format(start=f"{start:%Y-%m-%d %H:%M}"))


def test_only_a_confirmation_is_sent_until_the_button_is_pressed(mail_site, smtp):
    app = mail_site()
    client = app.test_client()
    send(app)  # the record as it is when e-mail starts is old news
    answer = sign_up(client, "opettaja@koulu.example")
    assert answer.status_code == 303 and answer.headers["Location"].endswith("/fi/subscribe/email/sent/")
    assert send(app) == 1
    (confirmation,) = smtp.handler.to("opettaja@koulu.example")
    assert confirmation["Subject"] == "Vahvista MPASSid-tiedotteiden tilaus"
    page = link(confirmation, "confirm")
    # A mail scanner following the link confirms nothing: the page only offers the button.
    for _ in range(3):
        shown = client.get(page)
        assert shown.status_code == 200 and b'method="post"' in shown.data
    incident(app)
    send(app)
    assert len(smtp.handler.to("opettaja@koulu.example")) == 1
    assert store_of(app).counts()["pending"] == 1
    assert client.post(page).status_code == 200
    # The button is pressed once; the spent link confirms nothing again.
    assert client.post(page).status_code == 404 and client.get(page).status_code == 404


@pytest.mark.parametrize(
    ("lang", "subject", "stage"),
    [("fi", "Häiriö: Kirjautuminen ei toimi", "Selvitetään"), ("sv", "Störning: Inloggningen fungerar inte", "Utreds")],
)
def test_a_committed_incident_arrives_in_the_subscribers_language_and_one_click_ends_it(
    mail_site, smtp, lang, subject, stage
):
    app = mail_site()
    client = app.test_client()
    send(app)
    confirm(client, smtp, app, "rehtori@koulu.example", lang)
    incident(app)
    assert send(app) == 1
    news = smtp.handler.to("rehtori@koulu.example")[-1]
    assert news["Subject"] == subject
    text = text_of(news)
    assert stage in text and f"/{lang}/notices/" in text
    assert news.get_body(("html",)) is not None
    unsubscribe = news["List-Unsubscribe"]
    assert unsubscribe.startswith("<https://status.mpass.example.fi/") and unsubscribe.endswith(">")
    assert news["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # RFC 8058: the mail provider POSTs List-Unsubscribe=One-Click to the address, with no cookie or origin.
    path = unsubscribe[1:-1].removeprefix("https://status.mpass.example.fi")
    for _ in range(2):
        answer = client.post(path, data={"List-Unsubscribe": "One-Click"})
        assert answer.status_code == 200
    assert store_of(app).counts() == {"pending": 0, "confirmed": 0, "stopped": 0, "queued": 0, "sent": 0, "failed": 0}
    incident(app, "toinen-hairio", minutes_ago=2)
    send(app)
    assert smtp.handler.to("rehtori@koulu.example")[-1] is news


def test_updates_of_a_notice_thread_under_its_first_e_mail(mail_site, smtp):
    app = mail_site()
    client = app.test_client()
    send(app)
    confirm(client, smtp, app, "it@koulu.example")
    path = incident(app, minutes_ago=10)
    send(app)
    now = datetime.now(HELSINKI) - timedelta(minutes=1)
    text = path.read_text(encoding="utf-8").replace(
        "updates:\n",
        f"updates:\n  - time: {now:%Y-%m-%d %H:%M}\n    stage: identified\n"
        "    fi: Syy on löytynyt.\n    sv: Orsaken har hittats.\n",
        1,
    )
    path.write_text(text, encoding="utf-8")
    send(app)
    first, update = smtp.handler.to("it@koulu.example")[-2:]
    assert update["In-Reply-To"] == update["References"] == first["Message-ID"]
    assert update["Subject"] == "Päivitys: Kirjautuminen ei toimi" and "Syy on löytynyt." in text_of(update)


def test_a_subscriber_of_maintenance_breaks_hears_nothing_of_an_incident(mail_site, smtp):
    app = mail_site()
    client = app.test_client()
    send(app)
    assert sign_up(client, "huolto@koulu.example", types=["maintenance"]).status_code == 303
    send(app)
    client.post(link(smtp.handler.to("huolto@koulu.example")[0], "confirm"))
    incident(app)
    send(app)
    assert len(smtp.handler.to("huolto@koulu.example")) == 1
    assert store_of(app).counts()["queued"] == 0


def test_a_daily_subscriber_gets_the_days_news_in_one_e_mail_in_the_morning(mail_site, smtp):
    app = mail_site()
    client = app.test_client()
    send(app)
    assert sign_up(client, "aamu@koulu.example", cadence="daily").status_code == 303
    send(app)
    client.post(link(smtp.handler.to("aamu@koulu.example")[0], "confirm"))
    incident(app, "ensimmainen", minutes_ago=9)
    incident(app, "toinen", minutes_ago=8)
    send(app)
    assert len(smtp.handler.to("aamu@koulu.example")) == 1 and store_of(app).counts()["queued"] == 2
    morning = next_digest(time.time(), HELSINKI)
    connection = Connection(Target.from_url(smtp.url))
    assert deliver(app, store_of(app), connection, clock=lambda: morning) == 1
    connection.close()
    digest = smtp.handler.to("aamu@koulu.example")[-1]
    assert digest["Subject"] == "Päivän MPASSid-tiedotteet"
    assert text_of(digest).count("Häiriö: Kirjautuminen ei toimi") == 2
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click" and digest["In-Reply-To"] is None


def test_the_manage_page_changes_the_choices(mail_site, smtp):
    app = mail_site()
    client = app.test_client()
    send(app)
    confirm(client, smtp, app, "muuttaja@koulu.example")
    incident(app)
    send(app)
    manage = link(smtp.handler.to("muuttaja@koulu.example")[-1], "manage")
    page = client.get(manage).get_data(as_text=True)
    assert "muuttaja@koulu.example" in page and 'value="incident"' in page
    saved = client.post(manage, data={"types": ["change"], "cadence": "daily"})
    assert saved.status_code == 200 and "Valintasi on tallennettu." in saved.get_data(as_text=True)
    incident(app, "toinen", minutes_ago=1)
    send(app)
    assert len(smtp.handler.to("muuttaja@koulu.example")) == 2
    assert 'value="daily" checked' in client.get(manage).get_data(as_text=True)


def test_the_site_sends_by_itself_when_it_runs_the_sender(make_site, smtp):
    app = make_site(SMTP_URL=smtp.url, MAIL_FROM="MPASSid <status@mpass.example.fi>", SEND_IN_BACKGROUND=True)
    try:
        client = app.test_client()
        assert wait_for(lambda: store_of(app).seen())  # the first pass read the record as it was
        assert sign_up(client, "itse@koulu.example").status_code == 303
        assert wait_for(lambda: smtp.handler.to("itse@koulu.example"))
        client.post(link(smtp.handler.to("itse@koulu.example")[0], "confirm"))
        incident(app)
        assert wait_for(lambda: len(smtp.handler.to("itse@koulu.example")) == 2)
    finally:
        app.extensions[STOP].set()
