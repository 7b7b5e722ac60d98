"""Where check results are kept, behind one interface (`interface`): SQLite for one machine (`sqlite`),
PostgreSQL for probers on several networks sharing one history (`postgres`), the queries of both written
once (`sql`). Callers name only what this module exports."""

from pathlib import Path

from mpass_status.checks.store.interface import ProberLock, ResultsStore, StorageError
from mpass_status.config.database import is_postgresql

__all__ = ["ProberLock", "ResultsStore", "StorageError", "open_results"]


def open_results(target: str | Path, vantage: str = "") -> ResultsStore:
    """Returns the store target names: a postgresql:// URL, else a SQLite file.

    In PostgreSQL one prober per vantage point holds the prober lock; probers of other vantage points
    write into the same database beside it. Nothing is opened until the store is first asked something.
    """
    if is_postgresql(target):
        # Imported only here: a site on SQLite never loads the PostgreSQL driver.
        from mpass_status.checks.store.postgres import PostgresResults

        return PostgresResults(str(target), vantage)
    from mpass_status.checks.store.sqlite import SQLiteResults

    return SQLiteResults(Path(target))
