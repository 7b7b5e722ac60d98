"""Delivers the webhooks: the operator's hooks kept as the settings say, each new event of the record of news and
each change of a component's status queued once per hook, the queue POSTed (challenges first answered, then
signed deliveries), and the owner of a hook disabled after repeated failures told by e-mail."""

import json
import logging
import threading
import time
from collections.abc import Callable

from flask import Flask

from mpass_status import runtime
from mpass_status.config.settings import SettingsError
from mpass_status.notify.fanout import FRESH, START, TOLD
from mpass_status.notify.sender import POLL_SECONDS, store_of
from mpass_status.notify.smtp import Connection, Permanent, Target, Temporary
from mpass_status.notify.webhook_address import Refused, check_url
from mpass_status.notify.webhook_http import post
from mpass_status.notify.webhook_mail import disabled_mail
from mpass_status.notify.webhook_payload import Snapshot, with_meta
from mpass_status.notify.webhook_store import Delivery, WebhookStore

log = logging.getLogger(__name__)
# Where start_background keeps the event that stops the webhook thread.
STOP = "mpass_status.notify.webhooks.stop"
EXPIRE_SECONDS = 3600.0


def echoed(answer: bytes, payload: str) -> bool:
    """Tells whether a receiver's answer is the challenge: the bare value, or JSON {"challenge": value}."""
    challenge = json.loads(payload)["challenge"]
    text = answer.decode("utf-8", errors="replace").strip()
    if text == challenge:
        return True
    try:
        return json.loads(text).get("challenge") == challenge
    except (ValueError, AttributeError):
        return False


def configured(app: Flask) -> dict[str, str]:
    """Returns the operator's hooks (url -> owner) of STATUS_WEBHOOKS; raises SettingsError naming a URL the site
    would not send to."""
    settings = runtime.settings(app)
    for url, _ in settings.webhooks:
        try:
            check_url(url, settings.webhook_loopback)
        except Refused as exc:
            raise SettingsError(f"STATUS_WEBHOOKS: cannot use {url}: {exc}") from None
    return dict(settings.webhooks)


class WebhookSender:
    """One pass or a loop of the webhooks' work: expire, keep the operator's hooks, fan out, deliver, tell."""

    def __init__(self, app: Flask, store: WebhookStore, clock: Callable[[], float] = time.time):
        self.app, self.store, self.clock = app, store, clock
        self.settings = runtime.settings(app)
        self.wanted = configured(app)
        self.connection = Connection(Target.from_url(self.settings.smtp_url))
        self._expired = 0.0

    def once(self) -> int:
        """Does one pass; returns how many deliveries the receivers accepted."""
        now = self.clock()
        if now - self._expired >= EXPIRE_SECONDS:
            self.store.expire(now)
            self._expired = now
        config = runtime.config(self.app)
        self.store.sync_configured(self.wanted, config.languages[0], now)
        self.fan_out(now)
        try:
            return self.deliver()
        finally:
            self.tell_owners()

    def fan_out(self, now: float) -> int:
        """Queues each news event not yet seen and each component's new status for every confirmed hook."""
        events, seen = runtime.news(self.app), self.store.seen_news()
        if START not in seen or not self.store.listening():
            # Nobody to tell: the news is marked heard of, and the components' statuses are read afresh (no
            # reading of the live status) when the first hook is confirmed.
            self.store.mark_seen([START, *(e.id for e in events if e.id not in seen)], now)
            self.store.forget_components()
            return 0
        snapshot, queued = None, 0
        by_id = runtime.notices(self.app).by_id
        for event in events:
            if event.id in seen:
                continue
            notice = by_id.get(event.notice_id)
            if event.kind not in TOLD or notice is None or event.published.timestamp() < now - FRESH.total_seconds():
                self.store.mark_seen([event.id], now)
                continue
            snapshot = snapshot or Snapshot(self.app, now)
            bodies = {lang: snapshot.incident(notice, lang) for lang in runtime.config(self.app).languages}
            queued += self.store.fan_out(event.id, lambda hook, b=bodies: with_meta(self.app, hook, b[hook.lang]), now)
        snapshot = snapshot or Snapshot(self.app, now)
        told = self.store.component_statuses()
        for component, status in snapshot.statuses().items():
            old = told.get(component)
            if old == status:
                continue

            def body(hook, component=component, old=old, status=status):
                return with_meta(self.app, hook, snapshot.component_update(component, old, status, hook.lang))

            queued += self.store.component_changed(component, old, status, body, now)
        return queued

    def _post(self, delivery: Delivery):
        challenge = delivery.kind == "challenge"
        return post(
            delivery.hook.url,
            delivery.payload.encode(),
            "url_verification" if challenge else delivery.kind,
            delivery.event,
            None if challenge else delivery.hook.secret,
            self.settings.webhook_timeout_seconds,
            self.settings.webhook_loopback,
            self.clock,
        )

    def deliver(self) -> int:
        """POSTs what is due until nothing is; returns how many deliveries were accepted."""
        accepted = 0
        while rows := self.store.claim(self.clock(), lease=self.settings.mail_lease_seconds):
            for delivery in rows:
                outcome = self._post(delivery)
                if outcome.delivered and delivery.kind == "challenge" and not echoed(outcome.answer, delivery.payload):
                    self.store.failed(delivery, "the answer did not hold the challenge", False, self.clock())
                elif outcome.delivered:
                    self.store.delivered(delivery, self.clock())
                    accepted += 1
                else:
                    log.warning("webhook %s to %s failed: %s", delivery.event, delivery.hook.url, outcome.reason)
                    if self.store.failed(delivery, outcome.reason, outcome.retry, self.clock()):
                        log.warning("webhook %s disabled after repeated failures", delivery.hook.url)
        return accepted

    def tell_owners(self) -> None:
        """E-mails the owner of each newly disabled hook; one the server defers is told on a later pass."""
        try:
            for hook in self.store.to_tell():
                try:
                    self.connection.send(disabled_mail(self.app, hook))
                except Temporary as exc:
                    log.warning("owner of webhook %s not told yet: %s", hook.url, exc)
                    continue
                except Permanent as exc:
                    log.warning("owner of webhook %s cannot be told: %s", hook.url, exc)
                self.store.told(hook, self.clock())
        finally:
            self.connection.close()

    def watch(self, stop: threading.Event) -> None:
        """Passes every POLL_SECONDS until stop is set; a failed pass is logged and the next one tried."""
        while not stop.is_set():
            try:
                self.once()
            except Exception:  # the webhooks outlive any one failure; the next pass tries again
                log.exception("webhook pass failed")
            stop.wait(POLL_SECONDS)


def webhook_sender(app: Flask) -> WebhookSender | None:
    """Returns app's webhook sender, or None when webhooks are not offered (they are where e-mail is)."""
    store = store_of(app)
    if store is None and runtime.settings(app).webhooks:
        raise SettingsError(
            "STATUS_WEBHOOKS: set STATUS_SMTP_URL and STATUS_MAIL_FROM too, a hook's owner is told by e-mail"
        )
    return WebhookSender(app, WebhookStore(store)) if store is not None else None


def start_background(app: Flask) -> threading.Event | None:
    """Starts the webhooks in a daemon thread of this process where the e-mail sender runs; returns its stop
    event."""
    sender = webhook_sender(app)
    if sender is None or not runtime.settings(app).send_in_background:
        return None
    stop = app.extensions[STOP] = threading.Event()
    threading.Thread(target=sender.watch, args=(stop,), name="webhooks", daemon=True).start()
    return stop
