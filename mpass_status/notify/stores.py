"""open_subscriptions: the subscription store in the results database a URL or path names."""

from mpass_status.config.database import is_postgresql
from mpass_status.notify.store import SubscriptionStore


def open_subscriptions(target: str) -> SubscriptionStore:
    """Returns the store in the results database target names: a postgresql:// URL or a SQLite file's path (the
    PostgreSQL driver is loaded only for the former)."""
    if is_postgresql(target):
        from mpass_status.notify.store_postgres import PostgresSubscriptions

        return PostgresSubscriptions(target)
    from mpass_status.notify.store_sqlite import SQLiteSubscriptions

    return SQLiteSubscriptions(target)
