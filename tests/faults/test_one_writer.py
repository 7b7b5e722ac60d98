"""One writer per vantage point, always: two probers of one vantage point share a PostgreSQL database, one
writes and the other stands by, also across a restart of the server that ends the holder's lock session."""

import threading
import time

import pytest

from mpass_status.checks.scheduler import supervise
from mpass_status.checks.store import open_results
from mpass_status.config import load_config

from .. import postgres
from ..helpers import wait_for
from .support import fast_config


@pytest.fixture
def own_server():
    """A PostgreSQL server of this test alone: it is restarted."""
    with postgres.server() as base:
        yield base


class Recorded:
    """A store whose stored rounds are noted with the name of the prober that wrote them."""

    def __init__(self, store, name: str, writes: list):
        self._store, self._name, self._writes = store, name, writes

    def __getattr__(self, attribute):
        return getattr(self._store, attribute)

    def insert_round(self, *args, **kwargs):
        round_id = self._store.insert_round(*args, **kwargs)
        self._writes.append((self._name, time.monotonic()))
        return round_id


def runs(writes) -> list[str]:
    """Returns who wrote, one entry per run of rounds by the same prober."""
    found: list[str] = []
    for name, _ in writes:
        if not found or found[-1] != name:
            found.append(name)
    return found


def test_two_probers_of_one_vantage_point_never_write_side_by_side_across_a_restart(
    tmp_path, broker, test_broker, references, own_server
):
    url = postgres.new_database(own_server)
    config = load_config(fast_config(tmp_path, broker, test_broker, references, url, vantage="Espoo"))
    writes: list = []
    stop = threading.Event()
    stores = {name: Recorded(open_results(url, "Espoo"), name, writes) for name in ("first", "second")}
    threads = {}
    for name, store in stores.items():
        threads[name] = threading.Thread(target=supervise, args=(config, store, stop, store.prober_lock()))
        threads[name].start()
        if name == "first":
            assert wait_for(lambda: len(writes) >= 2, 20)
    try:
        time.sleep(6)  # past the second's standby pause: it keeps standing by
        assert runs(writes) == ["first"], runs(writes)
        postgres.stop(own_server)
        postgres.start(own_server)
        restarted = len(writes)
        # Both lock sessions ended with the server; the second takes the lock at its next ask. For as long as
        # both would otherwise be writing (15 s of 2-second rounds), one of them writes.
        assert wait_for(lambda: len(writes) >= restarted + 3, 30)
        time.sleep(15)
    finally:
        stop.set()
        for thread in threads.values():
            thread.join(timeout=20)
        for store in stores.values():
            store.close()
    # One prober wrote until the restart, then one (either) went on alone: never both in turn.
    assert len(runs(writes)) <= 2, runs(writes)
