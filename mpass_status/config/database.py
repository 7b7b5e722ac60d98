"""How a results database is named: a postgresql:// URL, or else the path of a SQLite file."""

from pathlib import Path

# The URL schemes libpq (and so psycopg) takes for a PostgreSQL server.
POSTGRESQL_SCHEMES = ("postgresql://", "postgres://")


def is_postgresql(target: str | Path) -> bool:
    """Returns whether target names a PostgreSQL server rather than a SQLite file."""
    return str(target).startswith(POSTGRESQL_SCHEMES)
