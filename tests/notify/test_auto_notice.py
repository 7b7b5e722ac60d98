"""The checks' automatic notice, against a stand-in broker that fails and recovers and a real SMTP server: only
subscribers who chose it hear, only after production has been down longer than the setting, once (a restarted
sender included), worded as the checks' finding; a follow-up answers it when production works again; nothing
while a staff maintenance notice covers production."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from mpass_status import runtime
from mpass_status.checks.runner import run_round
from mpass_status.notify.sender import Sender, store_of
from mpass_status.status.states import State
from mpass_status.web.live import live_status
from tests.notify.conftest import SENDER
from tests.notify.support import link, send, sign_up, text_of, write_notice

PRODUCTION = "prod-oidc"


@pytest.fixture
def site(make_site, standin_config, smtp):
    return make_site(
        None, STATUS_CONFIG=str(standin_config.path), SMTP_URL=smtp.url, MAIL_FROM=SENDER, SEND_IN_BACKGROUND=False
    )


def subscribed(app, smtp, address, lang="fi", **choices):
    client = app.test_client()
    assert sign_up(client, address, lang, **choices).status_code == 303
    send(app)
    assert client.post(link(smtp.handler.to(address)[-1], "confirm")).status_code == 200


def rounds_until(app, state: State, at: datetime, most: int = 10) -> datetime:
    """Runs probe rounds from at, 30 s apart, until the checks' verdict on production is state; returns the time
    of the round that found it."""
    config, db = runtime.config(app), runtime.results(app)
    for n in range(most):
        when = at + timedelta(seconds=30 * n)
        run_round(config, db, now=when)
        with app.app_context():
            found = live_status(when, app=app).components[PRODUCTION]
        if (found.checks_state if found.source == "staff" else found.state) == state:
            return when
    raise AssertionError(f"{PRODUCTION} never became {state}")


def at(app, when: datetime) -> int:
    return Sender(app, store_of(app), clock=lambda: when.timestamp()).once()


def automatic(smtp, address):
    return [m for m in smtp.handler.to(address) if m["Subject"].startswith(("Automaattinen", "Automatisk"))]


def test_production_down_longer_than_the_setting_is_told_once_to_those_who_chose_it_and_its_end_answers_it(
    site, broker, smtp
):
    send(site)
    subscribed(site, smtp, "valvoja@koulu.example", automatic="yes")
    subscribed(site, smtp, "overvakare@skola.example", "sv", automatic="yes", cadence="daily")
    subscribed(site, smtp, "tiedotteet@koulu.example")
    start = rounds_until(site, State.OPERATIONAL, datetime.now(UTC))
    broker.set_fault("discovery", "500")
    found = rounds_until(site, State.DOWN, start + timedelta(seconds=30))
    with site.app_context():
        since = live_status(found, app=site).components[PRODUCTION].since
    # Down, but not yet for five minutes: nobody is told.
    assert at(site, found) == 0 and automatic(smtp, "valvoja@koulu.example") == []
    later = since + timedelta(seconds=301)
    run_round(runtime.config(site), runtime.results(site), now=later)
    at(site, later)
    (down,) = automatic(smtp, "valvoja@koulu.example")
    assert down["Subject"] == "Automaattinen havainto: MPASSid ei toimi tuotantoympäristössä"
    text = text_of(down)
    assert "OpenID Connect -rajapinta (tuotanto)" in text and "Tilanne on jatkunut yli 5 minuuttia." in text
    assert "Tämä viesti on automaattisten tarkistusten havainto eikä ylläpidon tiedote" in text
    assert down["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click" and down["In-Reply-To"] is None
    (swedish,) = automatic(smtp, "overvakare@skola.example")
    assert swedish["Subject"] == "Automatisk observation: MPASSid fungerar inte i produktionsmiljön"
    assert "inget meddelande från driften" in text_of(swedish)
    assert automatic(smtp, "tiedotteet@koulu.example") == []
    # The next pass, and a sender started again, tell nobody again while it lasts.
    assert at(site, later + timedelta(seconds=10)) == 0
    assert Sender(site, store_of(site), clock=lambda: later.timestamp() + 20).once() == 0
    broker.clear()
    back = rounds_until(site, State.OPERATIONAL, later + timedelta(seconds=30))
    at(site, back)
    up = automatic(smtp, "valvoja@koulu.example")[-1]
    assert up["Subject"] == "Automaattinen havainto: MPASSid toimii taas tuotantoympäristössä"
    assert up["In-Reply-To"] == up["References"] == down["Message-ID"]
    assert "toimii taas tuotantoympäristössä" in text_of(up) and "Katko alkoi" in text_of(up)
    assert [m["Subject"] for m in automatic(smtp, "overvakare@skola.example")][-1].endswith(
        "fungerar igen i produktionsmiljön"
    )
    assert at(site, back + timedelta(seconds=10)) == 0
    assert len(automatic(smtp, "valvoja@koulu.example")) == 2 and automatic(smtp, "tiedotteet@koulu.example") == []


def test_nothing_while_a_staff_maintenance_notice_covers_production(site, broker, smtp):
    send(site)
    subscribed(site, smtp, "valvoja@koulu.example", automatic="yes")
    now = datetime.now(ZoneInfo("Europe/Helsinki"))
    start = now - timedelta(minutes=5)
    write_notice(
        site,
        f"{now:%Y-%m-%d}-huolto.md",
        f"""
        ---
        type: maintenance
        severity: down
        affected: [production]
        start: {start:%Y-%m-%d %H:%M}
        end: {start + timedelta(hours=2):%Y-%m-%d %H:%M}
        title:
          fi: Huoltokatko
          sv: Underhållsavbrott
        summary:
          fi: Tuotanto on huollossa.
          sv: Produktionen underhålls.
        ---
        """,
    )
    broker.set_fault("discovery", "500")
    found = rounds_until(site, State.DOWN, datetime.now(UTC))
    later = found + timedelta(seconds=600)
    run_round(runtime.config(site), runtime.results(site), now=later)
    at(site, later)
    assert automatic(smtp, "valvoja@koulu.example") == []
