"""The operator alerts' state in PostgreSQL, where the results of several machines live: one process alerts at a
time, holding a session advisory lock for its pass, which the server lets go of if that process dies."""

from contextlib import suppress

import psycopg

from mpass_status.notify.alert_state import FORGET, REMEMBER, SCHEMA, TOLD, Told, as_told

# Any fixed numbers, apart from the results store's (7_264_311…) and the subscriptions' (240024).
SCHEMA_LOCK, ALERTS_LOCK = 240_025, 240_026
CONNECT_SECONDS = 5


class AdvisoryAlertLock:
    """The right to alert: pg_try_advisory_lock on a connection of its own, held for one pass."""

    def __init__(self, url: str):
        self.url = url
        self._connection: psycopg.Connection | None = None

    def acquire(self) -> bool:
        """Takes the lock if no session holds it; returns whether this process holds it now."""
        if self._connection is not None:
            return True
        try:
            connection = psycopg.connect(self.url, autocommit=True, connect_timeout=CONNECT_SECONDS)
        except psycopg.Error:
            return False
        try:
            taken = connection.execute("SELECT pg_try_advisory_lock(%s)", (ALERTS_LOCK,)).fetchone()[0]
        except psycopg.Error:
            taken = False
        if not taken:
            connection.close()
            return False
        self._connection = connection
        return True

    def release(self) -> None:
        """Gives the lock up on the server before closing, so the next pass of any process finds it free at once."""
        if self._connection is not None:
            with suppress(psycopg.Error):  # a connection already broken holds nothing
                self._connection.execute("SELECT pg_advisory_unlock(%s)", (ALERTS_LOCK,))
            self._connection.close()
            self._connection = None


class PostgresAlertState:
    """The route -> component -> (state, when told) of the alerts the providers accepted (PostgreSQL)."""

    def __init__(self, url: str):
        self.url = url
        self._ready = False

    def lock(self) -> AdvisoryAlertLock:
        """Returns the lock that lets one process at a time alert from this database."""
        return AdvisoryAlertLock(self.url)

    def _connect(self) -> psycopg.Connection:
        connection = psycopg.connect(self.url, connect_timeout=CONNECT_SECONDS)
        if not self._ready:
            # Two processes starting together create the table one at a time (IF NOT EXISTS races otherwise).
            with connection.transaction():
                connection.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK,))
                connection.execute(SCHEMA.format(time="DOUBLE PRECISION"))
            self._ready = True
        return connection

    def told(self) -> Told:
        """Returns, for each route, each component's state the operator was last told, with when."""
        with self._connect() as connection:
            return as_told(connection.execute(TOLD).fetchall())

    def record(self, route: str, told: dict[str, str | None], now: float) -> None:
        """Records what the operator has now been told on route; None forgets a component (it is back up)."""
        with self._connect() as connection, connection.transaction():
            for component, state in told.items():
                if state is None:
                    connection.execute(FORGET.replace("?", "%s"), (route, component))
                else:
                    connection.execute(REMEMBER.replace("?", "%s"), (route, component, str(state), now))
