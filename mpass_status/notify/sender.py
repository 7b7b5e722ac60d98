"""Delivers the outbox: claims due rows, composes their e-mails, hands them to SMTP over one connection and
records each outcome, so a sender killed at any moment leaves every row to be sent once by the next."""

import logging
import threading
import time
from collections.abc import Callable
from itertools import groupby

from flask import Flask

from mpass_status import runtime
from mpass_status.notify import auto_notice, compose, reminders
from mpass_status.notify.choices import Cadence
from mpass_status.notify.dkim import signer
from mpass_status.notify.fanout import fan_out
from mpass_status.notify.smtp import Connection, Permanent, Target, Temporary
from mpass_status.notify.store import Mail, SubscriptionStore

log = logging.getLogger(__name__)
# Where init_app keeps the app's subscription store.
KEY = "mpass_status.notify"
# Where start_background keeps the event that stops the sender thread.
STOP = "mpass_status.notify.stop"
# How often the record of news and the outbox are looked at: a commit's e-mails start within this time.
POLL_SECONDS = 2.0
EXPIRE_SECONDS = 3600.0
# How often the live status is read for the automatic notice (as often as the operator alerts read it).
AUTO_SECONDS = 5.0
# What goes out at once whatever the subscriber's cadence: a digest would come too late for them.
AT_ONCE = ("confirm", reminders.KIND, *auto_notice.KINDS)


def _batches(mails: list[Mail]) -> list[list[Mail]]:
    # A daily subscriber's rows due together become one digest; everything else is an e-mail of its own.
    batches = []
    for _, rows in groupby(mails, key=lambda m: m.subscriber.id):
        rows = list(rows)
        digest = [m for m in rows if m.kind not in AT_ONCE and m.subscriber.choices.cadence == Cadence.DAILY]
        batches += [[m] for m in rows if m not in digest] + ([digest] if digest else [])
    return batches


def deliver(app: Flask, store: SubscriptionStore, connection: Connection, clock: Callable[[], float] = time.time):
    """Sends what is due until nothing is; returns how many e-mails the server accepted."""
    accepted, lease = 0, runtime.settings(app).mail_lease_seconds
    while mails := store.claim(clock(), lease=lease):
        mails.sort(key=lambda m: m.subscriber.id)
        for batch in _batches(mails):
            first = batch[0]
            ids = [m.id for m in batch]
            if first.kind == reminders.KIND and not reminders.still_due(app, first, clock()):
                store.sent(ids, clock())  # cancelled or begun since it was queued: nothing to remind of
                continue
            try:
                message = _compose(app, batch)
                if message is None:
                    store.sent(ids, clock())
                    continue
                connection.send(message)
            except Temporary as exc:
                log.warning("e-mail to subscriber %s deferred: %s", first.subscriber.id, exc)
                for mail in batch:
                    store.retry(mail, str(exc), clock())
                continue
            except Permanent as exc:
                log.warning("e-mail to subscriber %s refused: %s", first.subscriber.id, exc)
                for mail in batch:
                    store.refused(mail, str(exc), clock())
                continue
            except Exception as exc:  # one e-mail that cannot be written must not hold up every one behind it
                log.exception("e-mail to subscriber %s could not be written", first.subscriber.id)
                for mail in batch:
                    store.retry(mail, f"could not be written: {type(exc).__name__}: {exc}", clock())
                continue
            store.sent(ids, clock())
            accepted += 1
    return accepted


def _compose(app: Flask, batch: list[Mail]):
    kind = batch[0].kind
    if kind == "confirm":
        return compose.confirmation(app, batch[0])
    if kind in auto_notice.KINDS:
        return compose.automatic(app, batch[0])
    return compose.news(app, batch)


def store_of(app: Flask) -> SubscriptionStore | None:
    """Returns the subscription store of app, or None when e-mail is not offered (see routes.init_app)."""
    return app.extensions.get(KEY)


class Sender:
    """One pass or a loop of the whole work: expire, fan out, queue reminders and automatic notices, deliver."""

    def __init__(self, app: Flask, store: SubscriptionStore, clock: Callable[[], float] = time.time):
        self.app, self.store, self.clock = app, store, clock
        settings = runtime.settings(app)
        self.connection = Connection(Target.from_url(settings.smtp_url), signer=signer(settings))
        self._expired = self._auto_checked = 0.0

    def once(self) -> int:
        """Does one pass; returns how many e-mails were accepted."""
        now = self.clock()
        if now - self._expired >= EXPIRE_SECONDS:
            self.store.expire(now)
            self._expired = now
        fan_out(self.app, self.store, now)
        reminders.queue(self.app, self.store, now)
        if abs(now - self._auto_checked) >= AUTO_SECONDS:
            auto_notice.check(self.app, self.store, now)
            self._auto_checked = now
        try:
            return deliver(self.app, self.store, self.connection, self.clock)
        finally:
            self.connection.close()

    def watch(self, stop: threading.Event) -> None:
        """Passes every POLL_SECONDS until stop is set; a failed pass is logged and the next one tried."""
        while not stop.is_set():
            try:
                self.once()
            except Exception:  # the sender outlives any one failure; the next pass tries again
                log.exception("e-mail sender pass failed")
            stop.wait(POLL_SECONDS)


def start_background(app: Flask) -> threading.Event | None:
    """Starts the sender in a daemon thread of this process when e-mail is offered; returns its stop event."""
    store = store_of(app)
    if store is None or not runtime.settings(app).send_in_background:
        return None
    stop = app.extensions[STOP] = threading.Event()
    threading.Thread(target=Sender(app, store).watch, args=(stop,), name="mail-sender", daemon=True).start()
    return stop
