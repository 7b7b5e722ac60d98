"""Each new event of the record of news into one outbox row per subscriber who chose to hear of it."""

from datetime import datetime, timedelta

from flask import Flask

from mpass_status import runtime
from mpass_status.notices.news import NewsKind
from mpass_status.notify.choices import Cadence
from mpass_status.notify.store import NewsItem, SubscriptionStore

# What subscribers hear of; a translation changes no fact (the page shows it).
TOLD = (NewsKind.PUBLISHED, NewsKind.UPDATE, NewsKind.CORRECTION, NewsKind.CANCELLATION, NewsKind.RESOLUTION)
# News older than this when first seen (a fresh clone, a rewritten history) is old news: nobody is told.
FRESH = timedelta(days=2)
# The daily digest goes out at this hour, the site's local time.
DIGEST_HOUR = 7
# Marks the record as read through once: what was there before e-mail started is not sent.
START = "#start"


def next_digest(now: float, tz) -> float:
    """Returns the next DIGEST_HOUR o'clock after now in tz, as a POSIX time."""
    local = datetime.fromtimestamp(now, tz)
    at = local.replace(hour=DIGEST_HOUR, minute=0, second=0, microsecond=0)
    if at <= local:
        at = (at + timedelta(days=1)).replace(hour=DIGEST_HOUR)
    return at.timestamp()


def fan_out(app: Flask, store: SubscriptionStore, now: float) -> int:
    """Queues every event not yet seen for the subscribers it concerns; returns how many rows it queued."""
    config, events = runtime.config(app), runtime.news(app)
    seen = store.seen()
    if START not in seen:
        store.mark_seen([START, *(e.id for e in events)], now)
        return 0
    by_id = runtime.notices(app).by_id
    queued = 0
    for event in events:
        if event.id in seen:
            continue
        notice = by_id.get(event.notice_id)
        if event.kind not in TOLD or notice is None or event.published.timestamp() < now - FRESH.total_seconds():
            store.mark_seen([event.id], now)
            continue
        item = NewsItem(event.id, event.kind, event.notice_id, event.published.timestamp())
        queued += store.fan_out(
            item,
            lambda choices, notice=notice: choices.wants(notice, config),
            lambda cadence, at: next_digest(at, config.timezone) if cadence == Cadence.DAILY else at,
            now,
        )
    return queued
