"""`flask notify --watch` as a process of its own, killed with SIGKILL in the middle of a fan-out: the next sender
sends every e-mail the first did not, and no other twice.

The one e-mail in flight at the kill may arrive twice: the server may have taken it while the sender had not yet
recorded its answer (SMTP's own window, RFC 5321 4.1.5). It comes again with the same Message-ID, which mail
programs show once; a second e-mail with an id of its own would be a duplicate and fails the test."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from mpass_status import runtime
from mpass_status.notify.choices import Choices
from mpass_status.notify.sender import store_of
from tests.helpers import ROOT, wait_for
from tests.notify.conftest import SENDER
from tests.notify.support import send
from tests.notify.test_subscription_flow import incident

pytestmark = pytest.mark.slow
SUBSCRIBERS = 300


def subscribe_many(app, count: int) -> None:
    """Signs up and confirms count addresses through the store, as the pages do."""
    store, now = store_of(app), time.time()
    for n in range(count):
        store.sign_up(f"opettaja{n}@koulu{n % 7}.example", "fi" if n % 3 else "sv", Choices(), f"client{n}", now)
    with sqlite3.connect(runtime.settings(app).database) as db:
        tokens = [row[0] for row in db.execute("SELECT confirm_token FROM subscribers")]
    for token in tokens:
        assert store.confirm(token, now)


def sender(app, smtp) -> subprocess.Popen:
    settings = runtime.settings(app)
    env = {
        **os.environ,
        "STATUS_NOTICES": str(settings.notices_dir),
        "STATUS_DATABASE": settings.database,
        "STATUS_SMTP_URL": smtp.url,
        "STATUS_MAIL_FROM": SENDER,
        "STATUS_MAIL_LEASE_SECONDS": "2",
    }
    flask = Path(sys.executable).with_name("flask")
    return subprocess.Popen([flask, "--app", "app", "notify", "--watch"], cwd=ROOT, env=env)


def news(smtp) -> list:
    with smtp.handler.lock:
        return [m for m in smtp.handler.messages if "Kirjautuminen" in m["Subject"] or "Inloggningen" in m["Subject"]]


def news_per_address(smtp) -> Counter:
    return Counter(m["To"] for m in news(smtp))


def test_a_sender_killed_mid_fan_out_loses_and_duplicates_nothing(mail_site, smtp):
    app = mail_site()
    subscribe_many(app, SUBSCRIBERS)
    send(app)  # the news already there is not sent
    smtp.handler.rcpt_delay = 0.01
    first = sender(app, smtp)
    try:
        incident(app)
        assert wait_for(lambda: sum(news_per_address(smtp).values()) >= 40, timeout=60)
        first.send_signal(signal.SIGKILL)
        first.wait(10)
        stopped_at = sum(news_per_address(smtp).values())
        assert stopped_at < SUBSCRIBERS
    finally:
        first.kill()
    second = sender(app, smtp)
    try:
        assert wait_for(lambda: len(news_per_address(smtp)) == SUBSCRIBERS, timeout=120)
        assert wait_for(lambda: store_of(app).counts()["queued"] == 0, timeout=30)
    finally:
        second.terminate()
        second.wait(10)
    distinct = Counter(m["To"] for m in {m["Message-ID"]: m for m in news(smtp)}.values())
    assert len(distinct) == SUBSCRIBERS and set(distinct.values()) == {1}
    assert len(news(smtp)) - SUBSCRIBERS <= 1
    assert store_of(app).counts()["sent"] == SUBSCRIBERS
