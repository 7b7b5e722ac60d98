"""Two webhook senders at once on the same results database (SQLite, and PostgreSQL with FOR UPDATE SKIP LOCKED):
every event reaches every hook exactly once."""

import threading
import time
from collections import Counter

import pytest

from tests.notify.webhook_receiver import Receiver
from tests.notify.webhook_support import confirmed_hook, hooks_of, sender


@pytest.fixture
def receiver():
    found = Receiver()
    yield found
    found.stop()


def test_two_senders_at_once_deliver_each_event_to_each_hook_once(mail_site, results_target, receiver):
    app = mail_site(WEBHOOK_LOOPBACK=True, DATABASE=str(results_target))
    for n in range(4):
        confirmed_hook(app, receiver, url=f"{receiver.url}/{n}", owner=f"it{n}@palvelu.example")
    hooks, now = hooks_of(app), time.time()
    for n in range(10):
        assert hooks.fan_out(f"event-{n}", lambda hook, n=n: f'{{"n": {n}}}', now) == 4
    # Each answer takes a moment, so the two senders overlap throughout.
    receiver.script = [("hang", 0.02)] * 40
    before = len(receiver.requests)
    start = threading.Barrier(2)
    counts = []

    def run():
        start.wait()
        counts.append(sender(app).once())

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    delivered = [(r.path, r.headers["X-MPASSid-Delivery"]) for r in receiver.requests[before:]]
    assert len(delivered) == 40 and set(Counter(delivered).values()) == {1}
    assert sum(counts) == 40 and all(counts), counts
    assert sender(app).once() == 0 and hooks.counts()["queued"] == 0
