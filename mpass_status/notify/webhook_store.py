"""Webhooks and their deliveries in the results database, through the e-mail store's engine (SQLite or
PostgreSQL, tables in store.SCHEMA): one delivery row per (hook, event), so a retry, a restart or a second sender
never delivers an event twice.

A hook is kept with its URL, its owner's e-mail address (told when the hook is disabled), the language of the
page it was subscribed on, its signing secret and the times of its challenge, its failures and its disabling.
"""

import json
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields

from mpass_status.notify.store import (
    BACKOFF_CAP,
    BACKOFF_SECONDS,
    LEASE_SECONDS,
    MAX_ATTEMPTS,
    PENDING_SECONDS,
    PER_ADDRESS,
    PER_ADDRESS_SECONDS,
    PER_CLIENT,
    PER_CLIENT_SECONDS,
    SENT_KEEP_SECONDS,
    STOPPED_SECONDS,
    Limited,
    SubscriptionStore,
)

# A hook is disabled after this many failed attempts in a row spanning at least this long: a receiver down for
# a short while (a deployment, a restart) keeps its hook, one down for hours does not.
DISABLE_FAILURES, DISABLE_SECONDS = 10, 4 * 3600.0
CLAIM_ROWS = 20
# An operator's hook whose challenge was given up is challenged again after this long.
RECHALLENGE_SECONDS = 3600.0
QUEUE = "INSERT INTO webhook_outbox (hook, event, kind, payload, due) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING"


class Taken(Exception):
    """The URL receives the notices already (confirmed, or set by the operator)."""


@dataclass(frozen=True)
class Hook:
    """One webhook as stored."""

    id: int
    url: str
    owner: str
    lang: str
    configured: int
    secret: str
    token: str
    asked: float
    confirmed: float | None
    secret_shown: float | None
    challenge_failed: str | None
    failures: int
    failing_since: float | None
    disabled: str | None
    disabled_at: float | None
    owner_told: float | None


HOOK_COLUMNS = tuple(f.name for f in fields(Hook))


@dataclass(frozen=True)
class Delivery:
    """One claimed delivery row: what to POST to which hook."""

    id: int
    hook: Hook
    event: str
    kind: str  # "challenge", "incident" or "component_update"
    payload: str
    attempts: int


def _hook(row) -> Hook:
    return Hook(*(row[name] for name in HOOK_COLUMNS))


def challenge_body() -> str:
    """Returns a new challenge's JSON body; the receiver answers with its challenge."""
    return json.dumps({"type": "url_verification", "challenge": secrets.token_urlsafe(32)})


class WebhookStore:
    """The hooks and their deliveries, in the database of an e-mail subscription store."""

    def __init__(self, subscriptions: SubscriptionStore):
        self._connect = subscriptions._connect
        # PostgreSQL's senders skip each other's claimed rows; SQLite's one writer needs nothing.
        self.lock_rows = " FOR UPDATE SKIP LOCKED" if subscriptions.LOCK_ROWS else ""

    # Subscribing.

    def _challenge(self, db, hook: int, now: float) -> None:
        db.execute("DELETE FROM webhook_outbox WHERE hook = ? AND kind = 'challenge' AND sent IS NULL", (hook,))
        db.execute(QUEUE, (hook, f"challenge:{secrets.token_hex(8)}", "challenge", challenge_body(), now))

    def sign_up(self, url: str, owner: str, lang: str, client: str, now: float) -> Hook:
        """Records a hook awaiting its challenge and queues the challenge; raises Limited or Taken. A hook not
        yet confirmed, or disabled, is replaced (a new secret, a new challenge)."""
        with self._connect() as db:
            for who, most, seconds in (
                (f"h:{owner.lower()}", PER_ADDRESS, PER_ADDRESS_SECONDS),
                (f"c:{client}", PER_CLIENT, PER_CLIENT_SECONDS),
            ):
                count = db.execute("SELECT count(*) FROM signups WHERE who = ? AND at > ?", (who, now - seconds))
                if count.fetchone()[0] >= most:
                    raise Limited(who[0])
            db.executemany(
                "INSERT INTO signups (who, at) VALUES (?, ?)", ((f"h:{owner.lower()}", now), (f"c:{client}", now))
            )
            found = db.execute("SELECT * FROM webhooks WHERE url = ?", (url,)).fetchone()
            # A hook that works stays as it is; one never confirmed, or disabled, starts again.
            if found and (found["configured"] or (found["confirmed"] is not None and found["disabled"] is None)):
                raise Taken(url)
            if found:
                db.execute("DELETE FROM webhooks WHERE id = ?", (found["id"],))
            row = db.execute(
                "INSERT INTO webhooks (url, owner, lang, secret, token, asked) VALUES (?, ?, ?, ?, ?, ?) RETURNING *",
                (url, owner, lang, secrets.token_urlsafe(32), secrets.token_urlsafe(32), now),
            ).fetchone()
            self._challenge(db, row["id"], now)
        return _hook(row)

    def challenge_again(self, token: str, now: float) -> bool:
        """Queues a new challenge for a hook not yet confirmed; returns whether the token named one."""
        with self._connect() as db:
            row = db.execute(
                "UPDATE webhooks SET challenge_failed = NULL, asked = ? WHERE token = ? AND confirmed IS NULL"
                " RETURNING id",
                (now, token),
            ).fetchone()
            if row:
                self._challenge(db, row["id"], now)
        return row is not None

    def by_token(self, token: str) -> Hook | None:
        """Returns the hook a page token names."""
        with self._connect() as db:
            row = db.execute("SELECT * FROM webhooks WHERE token = ?", (token,)).fetchone()
        return _hook(row) if row else None

    def reveal_secret(self, token: str, now: float) -> str | None:
        """Returns a confirmed hook's secret the first time only; None after that or for any other token."""
        with self._connect() as db:
            row = db.execute(
                "UPDATE webhooks SET secret_shown = ? WHERE token = ? AND confirmed IS NOT NULL"
                " AND secret_shown IS NULL RETURNING secret",
                (now, token),
            ).fetchone()
        return row[0] if row else None

    def remove(self, token: str) -> bool:
        """Deletes a hook subscribed on the site, with its deliveries; returns whether there was one."""
        with self._connect() as db:
            return db.execute("DELETE FROM webhooks WHERE token = ? AND configured = 0", (token,)).rowcount == 1

    def sync_configured(self, wanted: dict[str, str], lang: str, now: float) -> None:
        """Makes the operator's hooks (url -> owner) those of the settings: new ones are challenged, gone ones
        deleted. A URL subscribed on the site as well becomes the operator's."""
        with self._connect() as db:
            rows = {r["url"]: r for r in db.execute("SELECT id, url, owner, configured FROM webhooks")}
            for url, row in rows.items():
                if row["configured"] and url not in wanted:
                    db.execute("DELETE FROM webhooks WHERE id = ?", (row["id"],))
            for url, owner in wanted.items():
                row = rows.get(url)
                if row is None:
                    # Another worker's pass may have added it a moment ago (PostgreSQL runs them side by side).
                    hook = db.execute(
                        "INSERT INTO webhooks (url, owner, lang, configured, secret, token, asked)"
                        " VALUES (?, ?, ?, 1, ?, ?, ?) ON CONFLICT (url) DO NOTHING RETURNING id",
                        (url, owner, lang, secrets.token_urlsafe(32), secrets.token_urlsafe(32), now),
                    ).fetchone()
                    if hook:
                        self._challenge(db, hook[0], now)
                elif not row["configured"] or row["owner"] != owner:
                    db.execute("UPDATE webhooks SET configured = 1, owner = ? WHERE id = ?", (owner, row["id"]))
            # An operator's hook keeps its secret until it answers: its challenge, given up, is sent again hourly.
            again = db.execute(
                "UPDATE webhooks SET asked = ? WHERE configured = 1 AND confirmed IS NULL AND asked <= ? AND id NOT IN"
                " (SELECT hook FROM webhook_outbox WHERE kind = 'challenge' AND sent IS NULL AND failed IS NULL)"
                " RETURNING id",
                (now, now - RECHALLENGE_SECONDS),
            ).fetchall()
            for row in again:
                self._challenge(db, row[0], now)

    # Fan-out.

    def seen_news(self) -> set[str]:
        """Returns the events of the record of news already fanned out to the hooks."""
        with self._connect() as db:
            return {row[0] for row in db.execute("SELECT event FROM webhook_news")}

    def mark_seen(self, events: Iterable[str], now: float) -> None:
        """Marks events as heard of without delivering them (the news already there when webhooks start)."""
        with self._connect() as db:
            db.executemany(
                "INSERT INTO webhook_news (event, seen) VALUES (?, ?) ON CONFLICT DO NOTHING",
                ((e, now) for e in events),
            )

    def _queue(self, db, event: str, kind: str, payload_of: Callable[[Hook], str], now: float) -> int:
        hooks = db.execute("SELECT * FROM webhooks WHERE confirmed IS NOT NULL AND disabled IS NULL").fetchall()
        db.executemany(QUEUE, ((h["id"], event, kind, payload_of(_hook(h)), now) for h in hooks))
        return len(hooks)

    def fan_out(self, event: str, payload_of: Callable[[Hook], str], now: float) -> int:
        """Queues an incident event for every confirmed, enabled hook and marks it seen, in one transaction;
        returns how many rows it queued (0 when it was seen already)."""
        with self._connect() as db:
            if (
                db.execute(
                    "INSERT INTO webhook_news (event, seen) VALUES (?, ?) ON CONFLICT DO NOTHING", (event, now)
                ).rowcount
                == 0
            ):
                return 0
            return self._queue(db, event, "incident", payload_of, now)

    def listening(self) -> bool:
        """Tells whether any hook is confirmed and enabled, so that news and changes have someone to go to."""
        with self._connect() as db:
            return (
                db.execute("SELECT 1 FROM webhooks WHERE confirmed IS NOT NULL AND disabled IS NULL LIMIT 1").fetchone()
                is not None
            )

    def forget_components(self) -> None:
        """Forgets the components' statuses: the next reading is where changes count from again."""
        with self._connect() as db:
            db.execute("DELETE FROM webhook_components")

    def component_statuses(self) -> dict[str, str]:
        """Returns each component's status the hooks were last told of (or that was found when they started)."""
        with self._connect() as db:
            return {row[0]: row[1] for row in db.execute("SELECT component, status FROM webhook_components")}

    def component_changed(
        self, component: str, old: str | None, new: str, payload_of: Callable[[Hook], str], now: float
    ) -> int:
        """Records component's status as new if it still is old (None: not yet known, then nobody is told), and
        queues the change for every confirmed, enabled hook; returns how many rows it queued (0 when another
        sender recorded the change first)."""
        with self._connect() as db:
            if old is None:
                db.execute(
                    "INSERT INTO webhook_components (component, status, at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                    (component, new, now),
                )
                return 0
            changed = db.execute(
                "UPDATE webhook_components SET status = ?, at = ? WHERE component = ? AND status = ?",
                (new, now, component, old),
            )
            if changed.rowcount != 1:
                return 0
            return self._queue(db, f"component:{component}:{now:.6f}", "component_update", payload_of, now)

    # Delivery.

    def claim(self, now: float, limit: int = CLAIM_ROWS, lease: float = LEASE_SECONDS) -> list[Delivery]:
        """Takes up to limit due rows for lease seconds: no other sender takes them meanwhile. A challenge goes
        to a hook awaiting it, everything else to confirmed hooks that are not disabled."""
        with self._connect() as db:
            ids = [
                row[0]
                for row in db.execute(
                    "SELECT id FROM webhook_outbox WHERE sent IS NULL AND failed IS NULL AND due <= ?"
                    " AND claimed_until <= ? AND hook IN (SELECT id FROM webhooks WHERE disabled IS NULL)"
                    " ORDER BY due, id LIMIT ?" + self.lock_rows,
                    (now, now, limit),
                )
            ]
            db.executemany("UPDATE webhook_outbox SET claimed_until = ? WHERE id = ?", ((now + lease, i) for i in ids))
            rows = (
                db.execute(
                    "SELECT webhooks.*, webhook_outbox.id AS row_id, event, kind, payload, attempts FROM webhook_outbox"
                    f" JOIN webhooks ON webhooks.id = webhook_outbox.hook WHERE webhook_outbox.id IN"
                    f" ({','.join('?' * len(ids))}) ORDER BY webhook_outbox.due, webhook_outbox.id",
                    ids,
                ).fetchall()
                if ids
                else []
            )
        return [Delivery(r["row_id"], _hook(r), r["event"], r["kind"], r["payload"], r["attempts"]) for r in rows]

    def delivered(self, delivery: Delivery, now: float) -> None:
        """Records a row as delivered; a challenge answered confirms its hook, any delivery ends a failing run."""
        with self._connect() as db:
            db.execute("UPDATE webhook_outbox SET sent = ? WHERE id = ?", (now, delivery.id))
            confirmed = (
                "confirmed = COALESCE(confirmed, ?), challenge_failed = NULL, " if delivery.kind == "challenge" else ""
            )
            db.execute(
                f"UPDATE webhooks SET {confirmed}failures = 0, failing_since = NULL WHERE id = ?",
                ((now,) if confirmed else ()) + (delivery.hook.id,),
            )

    def failed(self, delivery: Delivery, reason: str, retry: bool, now: float) -> bool:
        """Records a failed attempt: a row worth retrying is due again later each time, up to MAX_ATTEMPTS; a
        failed challenge is shown on the hook's page; a failed delivery counts towards disabling the hook.
        Returns whether this attempt disabled the hook."""
        attempts = delivery.attempts + 1
        with self._connect() as db:
            if retry and attempts < MAX_ATTEMPTS:
                wait = min(BACKOFF_SECONDS * 2 ** (attempts - 1), BACKOFF_CAP)
                db.execute(
                    "UPDATE webhook_outbox SET attempts = ?, due = ?, claimed_until = 0 WHERE id = ?",
                    (attempts, now + wait, delivery.id),
                )
            else:
                db.execute(
                    "UPDATE webhook_outbox SET attempts = ?, failed = ? WHERE id = ?", (attempts, reason, delivery.id)
                )
            if delivery.kind == "challenge":
                db.execute("UPDATE webhooks SET challenge_failed = ? WHERE id = ?", (reason, delivery.hook.id))
                return False
            row = db.execute(
                "UPDATE webhooks SET failures = failures + 1, failing_since = COALESCE(failing_since, ?)"
                " WHERE id = ? RETURNING failures, failing_since",
                (now, delivery.hook.id),
            ).fetchone()
            if row is None or row[0] < DISABLE_FAILURES or now - row[1] < DISABLE_SECONDS:
                return False
            db.execute(
                "UPDATE webhooks SET disabled = ?, disabled_at = ?, owner_told = NULL"
                " WHERE id = ? AND disabled IS NULL",
                (f"{row[0]} failed attempts in a row, the last: {reason}", now, delivery.hook.id),
            )
            # What waits would reach the receiver hours late, all at once: it is given up.
            db.execute(
                "UPDATE webhook_outbox SET failed = 'hook disabled' WHERE hook = ? AND sent IS NULL AND failed IS NULL",
                (delivery.hook.id,),
            )
            return True

    def to_tell(self) -> list[Hook]:
        """Returns the disabled hooks whose owner has not been told yet."""
        with self._connect() as db:
            rows = db.execute("SELECT * FROM webhooks WHERE disabled IS NOT NULL AND owner_told IS NULL").fetchall()
        return [_hook(r) for r in rows]

    def told(self, hook: Hook, now: float) -> None:
        """Records that a disabled hook's owner accepted the e-mail telling them."""
        with self._connect() as db:
            db.execute("UPDATE webhooks SET owner_told = ? WHERE id = ?", (now, hook.id))

    # For the operator.

    def hooks(self) -> list[Hook]:
        """Returns every hook, oldest first."""
        with self._connect() as db:
            return [_hook(r) for r in db.execute("SELECT * FROM webhooks ORDER BY id").fetchall()]

    def enable(self, url: str) -> bool:
        """Enables a disabled hook again, its run of failures forgotten; returns whether url named one."""
        with self._connect() as db:
            return (
                db.execute(
                    "UPDATE webhooks SET disabled = NULL, disabled_at = NULL, owner_told = NULL, failures = 0,"
                    " failing_since = NULL WHERE url = ? AND disabled IS NOT NULL",
                    (url,),
                ).rowcount
                == 1
            )

    def expire(self, now: float) -> int:
        """Deletes site hooks never confirmed within PENDING_SECONDS or disabled for STOPPED_SECONDS, and
        delivered or failed rows older than SENT_KEEP_SECONDS; returns how many hooks went."""
        with self._connect() as db:
            gone = db.execute(
                "DELETE FROM webhooks WHERE (configured = 0 AND confirmed IS NULL AND asked <= ?)"
                " OR (configured = 0 AND disabled_at <= ?)",
                (now - PENDING_SECONDS, now - STOPPED_SECONDS),
            ).rowcount
            db.execute(
                "DELETE FROM webhook_outbox WHERE sent <= ? OR (failed IS NOT NULL AND due <= ?)",
                (now - SENT_KEEP_SECONDS, now - SENT_KEEP_SECONDS),
            )
        return gone

    def counts(self) -> dict[str, int]:
        """Returns how many hooks await their challenge, are confirmed, are disabled, and rows queued, sent, failed."""
        with self._connect() as db:
            one = lambda sql: db.execute(sql).fetchone()[0]  # noqa: E731
            return {
                "pending": one("SELECT count(*) FROM webhooks WHERE confirmed IS NULL"),
                "confirmed": one("SELECT count(*) FROM webhooks WHERE confirmed IS NOT NULL AND disabled IS NULL"),
                "disabled": one("SELECT count(*) FROM webhooks WHERE disabled IS NOT NULL"),
                "queued": one("SELECT count(*) FROM webhook_outbox WHERE sent IS NULL AND failed IS NULL"),
                "sent": one("SELECT count(*) FROM webhook_outbox WHERE sent IS NOT NULL"),
                "failed": one("SELECT count(*) FROM webhook_outbox WHERE failed IS NOT NULL"),
            }
