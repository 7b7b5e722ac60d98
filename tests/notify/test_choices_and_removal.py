"""What the brief's first points promise beyond the flow: a choice of one component or group hears only of notices
that concern it, an address whose mail is refused for good is deleted after its set time, not before, and an
e-mail that cannot be written is put back without holding up the rest."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from mpass_status.notify.sender import store_of
from mpass_status.notify.store import STOP_AFTER, STOPPED_SECONDS, NewsItem
from tests.notify.support import INCIDENT, link, send, sign_up, write_notice

HELSINKI = ZoneInfo("Europe/Helsinki")


def incident(app, slug: str, affected: str, minutes_ago: int):
    start = datetime.now(HELSINKI) - timedelta(minutes=minutes_ago)
    text = INCIDENT.format(start=f"{start:%Y-%m-%d %H:%M}").replace("affected: [production]", f"affected: [{affected}]")
    write_notice(app, f"{start:%Y-%m-%d}-{slug}.md", text)


def test_a_component_or_group_chosen_hears_only_of_the_notices_that_concern_it(mail_site, smtp):
    app = mail_site()
    client = app.test_client()
    send(app)
    for address, choices in (
        ("wilma@koulu.example", {"components": ["wilma"]}),
        ("testi@koulu.example", {"groups": ["test"]}),
        ("kaikki@koulu.example", {}),
    ):
        assert sign_up(client, address, **choices).status_code == 303
        send(app)
        client.post(link(smtp.handler.to(address)[-1], "confirm"))
    incident(app, "tuotanto", "production", 9)
    send(app)
    incident(app, "wilma", "wilma", 8)
    send(app)
    heard = {
        a: len(smtp.handler.to(a)) - 1 for a in ("wilma@koulu.example", "testi@koulu.example", "kaikki@koulu.example")
    }
    assert heard == {"wilma@koulu.example": 1, "testi@koulu.example": 0, "kaikki@koulu.example": 2}


def test_an_address_refused_for_good_is_deleted_after_its_time_and_not_before(mail_site, smtp):
    app = mail_site()
    client = app.test_client()
    send(app)
    sign_up(client, "poissa@koulu.example")
    send(app)
    client.post(link(smtp.handler.to("poissa@koulu.example")[-1], "confirm"))
    # The mailbox goes away: the next e-mails bounce until the address is stopped.
    smtp.handler.refuse["poissa@koulu.example"] = "550 5.1.1 Mailbox does not exist"
    for n in range(STOP_AFTER):
        incident(app, f"hairio-{n}", "production", 9 - n)
        send(app)
    store = store_of(app)
    assert store.stopped_reason("poissa@koulu.example") == "550 5.1.1 Mailbox does not exist"
    now = datetime.now().timestamp()
    # Kept (stopped, to remember why) within its time; deleted with its rows after it.
    assert store.expire(now + STOPPED_SECONDS - 60) == 0 and store.counts()["stopped"] == 1
    assert store.expire(now + STOPPED_SECONDS + 60) == 1
    assert store.stopped_reason("poissa@koulu.example") is None and store.counts()["failed"] == 0


def test_an_e_mail_that_cannot_be_written_is_put_back_and_holds_up_nobody(mail_site, smtp):
    app = mail_site()
    client = app.test_client()
    send(app)
    sign_up(client, "valvoja@koulu.example", automatic="yes")
    send(app)
    client.post(link(smtp.handler.to("valvoja@koulu.example")[-1], "confirm"))
    store = store_of(app)
    now = datetime.now().timestamp()
    # A row whose event the automatic notice cannot read, due before the confirmation queued after it.
    broken = NewsItem("auto-down:not-a-time", "auto-down", "prod-oidc", now)
    assert store.fan_out(broken, lambda choices: True, lambda cadence, at: at, now - 60) == 1
    sign_up(client, "uusi@koulu.example")
    assert send(app) == 1 and smtp.handler.to("uusi@koulu.example")
    assert store.counts()["queued"] == 1 and store.counts()["failed"] == 0
