"""Subscribers and their outbox in the results database (SQLite or PostgreSQL): one row per (subscriber, event),
so a retry, a restart or a second sender never sends a news e-mail twice.

Only the address, its choices, its language and the times of consent are kept about a person; the outbox row
remembers what was sent to whom until it is pruned. Unsubscribing deletes the subscriber and its rows.
"""

import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from mpass_status.notify.choices import Choices

# A sign-up not confirmed within this time is deleted, its link no longer confirms.
PENDING_SECONDS = 48 * 3600
# An address whose mail keeps bouncing stops receiving at once, and is deleted after this time.
STOPPED_SECONDS = 30 * 24 * 3600
# Permanent failures (5xx) in a row that stop the mail to an address.
STOP_AFTER = 3
# Temporary failures wait this long, doubled each time up to the cap; a row is given up after the last.
BACKOFF_SECONDS, BACKOFF_CAP, MAX_ATTEMPTS = 30.0, 3600.0, 12
# Sent rows are kept this long (they stop a late duplicate), then pruned.
SENT_KEEP_SECONDS = 30 * 24 * 3600
# Sign-ups allowed per address a day and per client an hour.
PER_ADDRESS, PER_ADDRESS_SECONDS = 3, 24 * 3600
PER_CLIENT, PER_CLIENT_SECONDS = 10, 3600
# A claimed row whose sender died is taken again after this long (STATUS_MAIL_LEASE_SECONDS), and a sender takes
# this many rows at a time, so that it hands them all to SMTP well within its lease.
LEASE_SECONDS, CLAIM_ROWS = 300.0, 20

SEEN = "INSERT INTO news_seen (event, seen) VALUES (?, ?) ON CONFLICT DO NOTHING"
QUEUE = "INSERT INTO outbox (subscriber, event, kind, notice, due) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING"
# {id} and {time} are each engine's: an id the database assigns, and seconds since the epoch to the microsecond.
# The webhook tables are webhook_store.py's: the hooks, one delivery row per (hook, event), the news and the
# component statuses already fanned out to them.
SCHEMA = """
CREATE TABLE IF NOT EXISTS subscribers (
    id {id},
    address TEXT NOT NULL,
    address_key TEXT NOT NULL UNIQUE,
    lang TEXT NOT NULL,
    choices TEXT NOT NULL,
    cadence TEXT NOT NULL,
    confirm_token TEXT UNIQUE,
    manage_token TEXT NOT NULL UNIQUE,
    asked {time} NOT NULL,
    confirmed {time},
    failures INTEGER NOT NULL DEFAULT 0,
    stopped TEXT,
    stopped_at {time}
);
CREATE TABLE IF NOT EXISTS outbox (
    id {id},
    subscriber BIGINT NOT NULL REFERENCES subscribers(id) ON DELETE CASCADE,
    event TEXT NOT NULL,
    kind TEXT NOT NULL,
    notice TEXT NOT NULL DEFAULT '',
    payload TEXT NOT NULL DEFAULT '',
    due {time} NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    claimed_until {time} NOT NULL DEFAULT 0,
    sent {time},
    failed TEXT,
    UNIQUE (subscriber, event)
);
CREATE INDEX IF NOT EXISTS outbox_due ON outbox (due) WHERE sent IS NULL AND failed IS NULL;
CREATE TABLE IF NOT EXISTS news_seen (event TEXT PRIMARY KEY, seen {time} NOT NULL);
CREATE TABLE IF NOT EXISTS signups (who TEXT NOT NULL, at {time} NOT NULL);
CREATE INDEX IF NOT EXISTS signups_who ON signups (who, at);
CREATE TABLE IF NOT EXISTS webhooks (
    id {id},
    url TEXT NOT NULL UNIQUE,
    owner TEXT NOT NULL,
    lang TEXT NOT NULL,
    configured INTEGER NOT NULL DEFAULT 0,
    secret TEXT NOT NULL,
    token TEXT NOT NULL UNIQUE,
    asked {time} NOT NULL,
    confirmed {time},
    secret_shown {time},
    challenge_failed TEXT,
    failures INTEGER NOT NULL DEFAULT 0,
    failing_since {time},
    disabled TEXT,
    disabled_at {time},
    owner_told {time}
);
CREATE TABLE IF NOT EXISTS webhook_outbox (
    id {id},
    hook BIGINT NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
    event TEXT NOT NULL,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    due {time} NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    claimed_until {time} NOT NULL DEFAULT 0,
    sent {time},
    failed TEXT,
    UNIQUE (hook, event)
);
CREATE INDEX IF NOT EXISTS webhook_outbox_due ON webhook_outbox (due) WHERE sent IS NULL AND failed IS NULL;
CREATE TABLE IF NOT EXISTS webhook_news (event TEXT PRIMARY KEY, seen {time} NOT NULL);
CREATE TABLE IF NOT EXISTS webhook_components (component TEXT PRIMARY KEY, status TEXT NOT NULL, at {time} NOT NULL);
"""


class Limited(Exception):
    """Too many sign-ups from one client or for one address; try again later."""


@dataclass(frozen=True)
class Subscriber:
    """One subscriber as stored: the address, its language and choices, and its consent times."""

    id: int
    address: str
    lang: str
    choices: Choices
    manage_token: str
    asked: float
    confirmed: float | None


@dataclass(frozen=True)
class Mail:
    """One claimed outbox row: what to send to whom."""

    id: int
    subscriber: Subscriber
    event: str
    kind: str
    notice: str
    payload: str
    attempts: int


@dataclass(frozen=True)
class NewsItem:
    """One event of the record of news as the fan-out needs it, with the subscribers it concerns decided by
    wants(choices)."""

    event: str
    kind: str
    notice: str
    published: float


def _subscriber(row) -> Subscriber:
    return Subscriber(
        row["id"],
        row["address"],
        row["lang"],
        Choices.load(row["choices"], row["cadence"]),
        row["manage_token"],
        row["asked"],
        row["confirmed"],
    )


class SubscriptionStore:
    """The subscribers and the outbox; an engine gives _connect(), a transaction whose execute and executemany
    take `?` placeholders and whose rows are read by name and by position, and LOCK_ROWS."""

    # What claim() adds to its SELECT so that concurrent senders skip each other's rows (PostgreSQL); SQLite's
    # one writer at a time needs nothing.
    LOCK_ROWS = ""

    def _connect(self):
        raise NotImplementedError

    # Sign-up and consent.

    def sign_up(self, address: str, lang: str, choices: Choices, client: str, now: float) -> None:
        """Records a sign-up awaiting confirmation and queues its confirmation e-mail; raises Limited.

        An address already confirmed is left as it is and gets no e-mail, so the answer is the same for every
        address and tells nobody whether one is subscribed.
        """
        key = address.lower()
        with self._connect() as db:
            for who, most, seconds in (
                (f"a:{key}", PER_ADDRESS, PER_ADDRESS_SECONDS),
                (f"c:{client}", PER_CLIENT, PER_CLIENT_SECONDS),
            ):
                count = db.execute("SELECT count(*) FROM signups WHERE who = ? AND at > ?", (who, now - seconds))
                if count.fetchone()[0] >= most:
                    raise Limited(who[0])
            db.executemany("INSERT INTO signups (who, at) VALUES (?, ?)", ((f"a:{key}", now), (f"c:{client}", now)))
            found = db.execute("SELECT id, confirmed FROM subscribers WHERE address_key = ?", (key,)).fetchone()
            if found and found["confirmed"] is not None:
                return
            token = secrets.token_urlsafe(32)
            if found:
                db.execute(
                    "UPDATE subscribers SET address = ?, lang = ?, choices = ?, cadence = ?, confirm_token = ?,"
                    " asked = ? WHERE id = ?",
                    (address, lang, choices.dump(), choices.cadence, token, now, found["id"]),
                )
                subscriber = found["id"]
            else:
                subscriber = db.execute(
                    "INSERT INTO subscribers (address, address_key, lang, choices, cadence, confirm_token,"
                    " manage_token, asked) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                    (address, key, lang, choices.dump(), choices.cadence, token, secrets.token_urlsafe(32), now),
                ).fetchone()[0]
            db.execute(
                "INSERT INTO outbox (subscriber, event, kind, payload, due) VALUES (?, ?, 'confirm', ?, ?)",
                (subscriber, f"confirm:{token[:16]}", token, now),
            )

    def awaiting(self, token: str, now: float) -> Subscriber | None:
        """Returns the sign-up a confirmation token names, while it has not expired."""
        with self._connect() as db:
            row = db.execute(
                "SELECT * FROM subscribers WHERE confirm_token = ? AND confirmed IS NULL AND asked > ?",
                (token, now - PENDING_SECONDS),
            ).fetchone()
        return _subscriber(row) if row else None

    def confirm(self, token: str, now: float) -> Subscriber | None:
        """Confirms the sign-up a token names (once: the token is forgotten), or returns None."""
        with self._connect() as db:
            row = db.execute(
                "UPDATE subscribers SET confirmed = ?, confirm_token = NULL WHERE confirm_token = ?"
                " AND confirmed IS NULL AND asked > ? RETURNING *",
                (now, token, now - PENDING_SECONDS),
            ).fetchone()
            if row:
                # The confirmation e-mail still queued (a retry) would carry a spent link.
                db.execute("DELETE FROM outbox WHERE subscriber = ? AND kind = 'confirm'", (row["id"],))
        return _subscriber(row) if row else None

    def by_manage_token(self, token: str) -> Subscriber | None:
        """Returns the confirmed subscriber a management token names."""
        with self._connect() as db:
            row = db.execute(
                "SELECT * FROM subscribers WHERE manage_token = ? AND confirmed IS NOT NULL", (token,)
            ).fetchone()
        return _subscriber(row) if row else None

    def change(self, token: str, choices: Choices) -> bool:
        """Replaces a confirmed subscriber's choices; returns whether the token named one."""
        with self._connect() as db:
            changed = db.execute(
                "UPDATE subscribers SET choices = ?, cadence = ? WHERE manage_token = ? AND confirmed IS NOT NULL",
                (choices.dump(), choices.cadence, token),
            )
            return changed.rowcount == 1

    def unsubscribe(self, token: str) -> bool:
        """Deletes the subscriber a management token names, with its outbox; returns whether there was one."""
        with self._connect() as db:
            return db.execute("DELETE FROM subscribers WHERE manage_token = ?", (token,)).rowcount == 1

    def expire(self, now: float) -> int:
        """Deletes expired sign-ups, stopped addresses past their time, old sent rows and old sign-up counts;
        returns how many subscribers went."""
        with self._connect() as db:
            gone = db.execute(
                "DELETE FROM subscribers WHERE (confirmed IS NULL AND asked <= ?) OR (stopped_at <= ?)",
                (now - PENDING_SECONDS, now - STOPPED_SECONDS),
            ).rowcount
            db.execute(
                "DELETE FROM outbox WHERE sent <= ? OR (failed IS NOT NULL AND due <= ?)",
                (now - SENT_KEEP_SECONDS, now - SENT_KEEP_SECONDS),
            )
            db.execute("DELETE FROM signups WHERE at <= ?", (now - PER_ADDRESS_SECONDS,))
        return gone

    # Fan-out and delivery.

    def seen(self) -> set[str]:
        """Returns the events already fanned out."""
        with self._connect() as db:
            return {row[0] for row in db.execute("SELECT event FROM news_seen")}

    def fan_out(self, item: NewsItem, wants, due_of, now: float) -> int:
        """Queues item for every confirmed, unstopped subscriber wants(choices) accepts, and marks it seen, in
        one transaction; returns how many rows it queued (0 when it was seen already)."""
        with self._connect() as db:
            if db.execute(SEEN, (item.event, now)).rowcount == 0:
                return 0
            rows = db.execute(
                "SELECT id, choices, cadence FROM subscribers WHERE confirmed IS NOT NULL AND stopped IS NULL"
            ).fetchall()
            queued = [
                (row["id"], item.event, item.kind, item.notice, due_of(choices.cadence, now))
                for row in rows
                if wants(choices := Choices.load(row["choices"], row["cadence"]))
            ]
            db.executemany(QUEUE, queued)
            return len(queued)

    def follow_up(self, item: NewsItem, after: str, now: float) -> int:
        """Queues item, due at now, for every subscriber the event after was queued for, and marks it seen, in one
        transaction; returns how many rows it queued (0 when it was seen already)."""
        with self._connect() as db:
            if db.execute(SEEN, (item.event, now)).rowcount == 0:
                return 0
            return db.execute(
                "INSERT INTO outbox (subscriber, event, kind, notice, due) SELECT subscriber, ?, ?, ?, ? FROM outbox"
                " WHERE event = ? ON CONFLICT DO NOTHING",
                (item.event, item.kind, item.notice, now, after),
            ).rowcount

    def mark_seen(self, events: Iterable[str], now: float) -> None:
        """Marks events as heard of without telling anyone (the news already there when e-mail starts)."""
        with self._connect() as db:
            db.executemany(SEEN, ((e, now) for e in events))

    def claim(self, now: float, limit: int = CLAIM_ROWS, lease: float = LEASE_SECONDS) -> list[Mail]:
        """Takes up to limit rows that are due, for lease seconds: no other sender takes them meanwhile."""
        with self._connect() as db:
            ids = [
                row[0]
                for row in db.execute(
                    "SELECT outbox.id FROM outbox JOIN subscribers ON subscribers.id = outbox.subscriber"
                    " WHERE sent IS NULL AND failed IS NULL AND due <= ? AND claimed_until <= ?"
                    " AND subscribers.stopped IS NULL ORDER BY due, outbox.id LIMIT ?" + self.LOCK_ROWS,
                    (now, now, limit),
                )
            ]
            db.executemany("UPDATE outbox SET claimed_until = ? WHERE id = ?", ((now + lease, i) for i in ids))
            rows = (
                db.execute(
                    "SELECT subscribers.*, outbox.id AS row_id, event, kind, notice, payload, attempts FROM outbox"
                    " JOIN subscribers"
                    f" ON subscribers.id = outbox.subscriber WHERE outbox.id IN ({','.join('?' * len(ids))})"
                    " ORDER BY outbox.due, outbox.id",
                    ids,
                ).fetchall()
                if ids
                else []
            )
        return [
            Mail(r["row_id"], _subscriber(r), r["event"], r["kind"], r["notice"], r["payload"], r["attempts"])
            for r in rows
        ]

    def sent(self, row_ids: Iterable[int], now: float) -> None:
        """Records rows as handed to SMTP; a confirmation's token leaves the outbox with it."""
        with self._connect() as db:
            db.executemany("UPDATE outbox SET sent = ?, payload = '' WHERE id = ?", ((now, i) for i in row_ids))
            db.executemany(
                "UPDATE subscribers SET failures = 0 WHERE id = (SELECT subscriber FROM outbox WHERE id = ?)",
                ((i,) for i in row_ids),
            )

    def retry(self, mail: Mail, reason: str, now: float) -> None:
        """Puts a row back after a temporary failure, later each time; gives it up after MAX_ATTEMPTS."""
        attempts = mail.attempts + 1
        wait = min(BACKOFF_SECONDS * 2 ** (attempts - 1), BACKOFF_CAP)
        with self._connect() as db:
            if attempts >= MAX_ATTEMPTS:
                db.execute(
                    "UPDATE outbox SET failed = ?, attempts = ? WHERE id = ?", (f"gave up: {reason}", attempts, mail.id)
                )
            else:
                db.execute(
                    "UPDATE outbox SET attempts = ?, due = ?, claimed_until = 0, failed = NULL WHERE id = ?",
                    (attempts, now + wait, mail.id),
                )

    def refused(self, mail: Mail, reason: str, now: float) -> None:
        """Records a permanent failure; after STOP_AFTER in a row the address gets nothing more, and why."""
        with self._connect() as db:
            db.execute("UPDATE outbox SET failed = ?, attempts = attempts + 1 WHERE id = ?", (reason, mail.id))
            db.execute(
                "UPDATE subscribers SET failures = failures + 1, stopped = CASE WHEN failures + 1 >= ? THEN ?"
                " ELSE stopped END, stopped_at = CASE WHEN failures + 1 >= ? THEN ? ELSE stopped_at END WHERE id = ?",
                (STOP_AFTER, reason, STOP_AFTER, now, mail.subscriber.id),
            )

    # For the operator and the tests.

    def counts(self) -> dict[str, int]:
        """Returns how many subscribers are pending, confirmed and stopped, and outbox rows pending, sent, failed."""
        with self._connect() as db:
            one = lambda sql: db.execute(sql).fetchone()[0]  # noqa: E731
            return {
                "pending": one("SELECT count(*) FROM subscribers WHERE confirmed IS NULL"),
                "confirmed": one("SELECT count(*) FROM subscribers WHERE confirmed IS NOT NULL AND stopped IS NULL"),
                "stopped": one("SELECT count(*) FROM subscribers WHERE stopped IS NOT NULL"),
                "queued": one("SELECT count(*) FROM outbox WHERE sent IS NULL AND failed IS NULL"),
                "sent": one("SELECT count(*) FROM outbox WHERE sent IS NOT NULL"),
                "failed": one("SELECT count(*) FROM outbox WHERE failed IS NOT NULL"),
            }

    def stopped_reason(self, address: str) -> str | None:
        """Returns why mail to an address was stopped, or None."""
        with self._connect() as db:
            row = db.execute("SELECT stopped FROM subscribers WHERE address_key = ?", (address.lower(),)).fetchone()
        return row[0] if row else None
