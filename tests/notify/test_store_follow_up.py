"""The follow-up of the checks' automatic notice keeps the store's promises on SQLite and PostgreSQL: it reaches
exactly those the first event was queued for, once however often it is asked, and the automatic choice is what
the first event's fan-out reads."""

import time

from mpass_status.notify.choices import Choices
from mpass_status.notify.store import NewsItem
from mpass_status.notify.stores import open_subscriptions


def subscribe(store, address: str, choices: Choices, now: float) -> None:
    store.sign_up(address, "fi", choices, address, now)
    with store._connect() as db:
        token = db.execute("SELECT confirm_token FROM subscribers WHERE address = ?", (address,)).fetchone()[0]
    store.confirm(token, now)


def queued(store) -> list[tuple[str, str, str]]:
    with store._connect() as db:
        rows = db.execute(
            "SELECT address, event, notice FROM outbox JOIN subscribers ON subscribers.id = outbox.subscriber"
            " WHERE kind <> 'confirm' ORDER BY address, event"
        ).fetchall()
    return [(row[0], row[1], row[2]) for row in rows]


def test_a_follow_up_reaches_those_the_first_event_reached_once(results_target):
    store, now = open_subscriptions(str(results_target)), time.time()
    subscribe(store, "a@koulu.example", Choices(automatic=True), now)
    subscribe(store, "b@koulu.example", Choices(), now)
    down = NewsItem("auto-down:100", "auto-down", "prod-oidc,prod-saml", now)
    assert store.fan_out(down, lambda choices: choices.automatic, lambda cadence, at: at, now) == 1
    # Choosing it later does not bring the end of an outage one never heard begin.
    subscribe(store, "c@koulu.example", Choices(automatic=True), now)
    up = NewsItem("auto-up:100", "auto-up", "200", now)
    assert store.follow_up(up, "auto-down:100", now) == 1
    assert store.follow_up(up, "auto-down:100", now) == 0
    assert queued(store) == [
        ("a@koulu.example", "auto-down:100", "prod-oidc,prod-saml"),
        ("a@koulu.example", "auto-up:100", "200"),
    ]
    assert {"auto-down:100", "auto-up:100"} <= store.seen()
