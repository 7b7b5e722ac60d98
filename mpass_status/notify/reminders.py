"""Reminders before a maintenance break starts (STATUS_MAINTENANCE_REMINDER_SECONDS ahead): one e-mail per
subscriber and break, to those who chose it and hear of the break, threaded with the break's other e-mails.

A reminder is an outbox row like any news (one per subscriber and event), and its event is marked seen when it
is queued, so a restart or a second sender queues nothing twice. A break cancelled, or begun, by the time its
row is sent gets nothing.
"""

from flask import Flask

from mpass_status import runtime
from mpass_status.notices.model import Notice
from mpass_status.notices.news import NewsKind
from mpass_status.notify.store import Mail, NewsItem, SubscriptionStore

KIND = "reminder"


def event_id(notice_id: str) -> str:
    """Returns the reminder's event: one per break, whatever becomes of its times."""
    return f"{KIND}:{notice_id}"


def _announced(app: Flask) -> dict[str, float]:
    """Returns when each notice's publication reached the record of news."""
    return {e.notice_id: e.published.timestamp() for e in runtime.news(app) if e.kind == NewsKind.PUBLISHED}


def due(notices, announced: dict[str, float], now: float, lead: float) -> list[Notice]:
    """Returns the breaks whose reminder is due at now: a maintenance break, not cancelled, starting at a clock
    time within lead of now, and announced before its reminder's time (a break published closer to its start
    than that was just told of by its own e-mail)."""
    found = []
    for notice in notices:
        if notice.type != "maintenance" or notice.cancelled or not notice.start or not notice.start.has_time:
            continue
        start = notice.start.at.timestamp()
        if now < start <= now + lead and announced.get(notice.id, start) <= start - lead:
            found.append(notice)
    return found


def queue(app: Flask, store: SubscriptionStore, now: float) -> int:
    """Queues the reminders due at now for the subscribers who chose them; returns how many rows it queued."""
    config, seen = runtime.config(app), store.seen()
    lead = runtime.settings(app).maintenance_reminder_seconds
    fresh = [n for n in runtime.notices(app).notices if event_id(n.id) not in seen]
    queued = 0
    for notice in due(fresh, _announced(app), now, lead) if fresh else ():
        item = NewsItem(event_id(notice.id), KIND, notice.id, now)
        queued += store.fan_out(
            item,
            lambda choices, notice=notice: choices.reminder and choices.wants(notice, config),
            # Due at once, digest or not: the morning's digest may come after the break has begun.
            lambda cadence, at: at,
            now,
        )
    return queued


def still_due(app: Flask, mail: Mail, now: float) -> bool:
    """Tells whether a queued reminder may still go: its break is published, not cancelled and not begun."""
    notice = runtime.notices(app).by_id.get(mail.notice)
    start = notice.start_at if notice else None
    return notice is not None and not notice.cancelled and start is not None and now < start.timestamp()
