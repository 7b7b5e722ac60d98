"""The subscription store keeps the same promises on SQLite and PostgreSQL: one row per subscriber and event,
a claim no other sender shares, unsubscribing deletes the rows with the address."""

import threading
import time

import pytest

from mpass_status.notify.choices import Cadence, Choices
from mpass_status.notify.store import NewsItem
from mpass_status.notify.stores import open_subscriptions


@pytest.fixture
def store(results_target):
    return open_subscriptions(str(results_target))


def confirmed(store, count: int, now: float) -> None:
    for n in range(count):
        store.sign_up(f"osoite{n}@koulu.example", "fi", Choices(), f"client{n}", now)
        store.confirm(store_token(store, f"osoite{n}@koulu.example"), now)


def store_token(store, address: str) -> str:
    with store._connect() as db:
        return db.execute("SELECT confirm_token FROM subscribers WHERE address = ?", (address,)).fetchone()[0]


def item(event="n/published") -> NewsItem:
    return NewsItem(event, "published", "n", time.time())


def everyone(choices) -> bool:
    return True


def at_once(cadence, now):
    return now


def test_an_event_is_queued_once_per_subscriber_however_often_it_is_fanned_out(store):
    now = time.time()
    confirmed(store, 3, now)
    assert store.fan_out(item(), everyone, at_once, now) == 3
    assert store.fan_out(item(), everyone, at_once, now) == 0
    assert store.counts()["queued"] == 3 and "n/published" in store.seen()


def test_a_claim_is_held_for_its_lease_and_sent_rows_are_done(store):
    now = time.time()
    confirmed(store, 3, now)
    store.fan_out(item(), everyone, at_once, now)
    first = store.claim(now, lease=60)
    assert len(first) == 3 and store.claim(now) == []
    store.sent([m.id for m in first[:2]], now)
    again = store.claim(now + 61)
    assert [m.id for m in again] == [first[2].id]
    assert {m.subscriber.address for m in first} == {f"osoite{n}@koulu.example" for n in range(3)}


def test_unsubscribing_deletes_the_address_and_its_rows(store):
    now = time.time()
    confirmed(store, 2, now)
    store.fan_out(item(), everyone, at_once, now)
    token = store.claim(now)[0].subscriber.manage_token
    assert store.unsubscribe(token) and not store.unsubscribe(token)
    assert store.counts()["confirmed"] == 1 and store.counts()["queued"] == 1


def test_choices_and_the_digest_hour_are_kept(store):
    now = time.time()
    store.sign_up("a@koulu.example", "sv", Choices(("prod-oidc",), (), ("incident",), Cadence.DAILY), "c", now)
    found = store.confirm(store_token(store, "a@koulu.example"), now)
    assert found.lang == "sv" and found.choices == Choices(("prod-oidc",), (), ("incident",), Cadence.DAILY)


def test_senders_claiming_at_once_never_share_a_row(store, results_target):
    now = time.time()
    confirmed(store, 60, now)
    store.fan_out(item(), everyone, at_once, now)
    taken, start = [], threading.Barrier(4)

    def sender():
        mine = open_subscriptions(str(results_target))
        start.wait()
        while rows := mine.claim(now, limit=5):
            taken.extend(m.id for m in rows)
            mine.sent([m.id for m in rows], now)

    threads = [threading.Thread(target=sender) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(taken) == 60 and len(set(taken)) == 60
    assert store.counts()["sent"] == 60
