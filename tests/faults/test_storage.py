"""Storage that heals: a SQLite file deleted under the running prober is made again, and a PostgreSQL server
that stops makes pages say "unknown" at once, never slowly, and the site uses it again soon after it is back."""

import time

import pytest

from mpass_status import runtime
from mpass_status.checks.runner import run_round
from mpass_status.checks.store import StorageError

from .. import postgres
from ..helpers import wait_for
from .support import fast_config, rounds, site_env, states, watching

# Each page within this while the server is down: generous for a loaded test machine, far below the 5 s a
# pooled connection used to be waited for (a correctness bound, not a benchmark: speed is `make bench`'s).
PAGE_SECONDS = 3.0
PAGES = ("/fi/", "/sv/", "/fi/components/prod-oidc/", "/api/v2/summary.json", "/readyz")


def test_a_deleted_sqlite_file_is_made_again_and_the_prober_writes_on(
    tmp_path, make_site, broker, test_broker, references
):
    database = tmp_path / "status.sqlite3"
    config = fast_config(tmp_path, broker, test_broker, references, database)
    client = make_site(None, STATUS_CONFIG=str(config), DATABASE=str(database)).test_client()
    log = tmp_path / "watch.log"
    with watching(site_env(config, tmp_path / "none", database), log) as process:
        assert wait_for(lambda: database.exists() and rounds(database) >= 2, 20)
        for companion in tmp_path.glob("status.sqlite3*"):
            companion.unlink()
        # Rounds land in the new file: not "no such table" for ever.
        assert wait_for(lambda: database.exists() and rounds(database) >= 2, 20), log.read_text()
        assert process.poll() is None
        assert wait_for(
            lambda: set(states(client.get("/api/v2/summary.json").get_json()).values()) == {"operational"}, 20
        )
        assert client.get("/readyz").get_json()["database"]["ok"] is True
    assert "no such table" not in log.read_text()


@pytest.fixture
def own_server():
    """A PostgreSQL server of this test alone: it is stopped and started again."""
    with postgres.server() as base:
        yield base


def _stored(site) -> bool:
    try:
        run_round(runtime.config(site), runtime.results(site))
    except StorageError:
        return False
    return True


def _timed(client, path):
    began = time.monotonic()
    answer = client.get(path)
    return answer, time.monotonic() - began


def test_postgresql_stopped_makes_pages_say_unknown_at_once_and_they_recover_when_it_is_back(
    tmp_path, make_site, broker, test_broker, references, own_server
):
    url = postgres.new_database(own_server)
    config = fast_config(tmp_path, broker, test_broker, references, tmp_path / "unused.sqlite3")
    site = make_site(None, STATUS_CONFIG=str(config), DATABASE=url)
    client = site.test_client()
    run_round(runtime.config(site), runtime.results(site))
    summary = client.get("/api/v2/summary.json").get_json()
    assert set(states(summary).values()) == {"operational"}, summary
    postgres.stop(own_server)
    try:
        slowest = 0.0
        # Several rounds of every page: the first request after the stop and those while it stays down.
        for _ in range(3):
            for path in PAGES:
                answer, took = _timed(client, path)
                slowest = max(slowest, took)
                assert answer.status_code in (200, 503), (path, answer.status_code)
                assert took < PAGE_SECONDS, (path, took)
            time.sleep(1.1)  # past the once-a-second memo, so each page reads the store again
        summary = client.get("/api/v2/summary.json").get_json()
        assert summary["status"]["mpass_state"] == "unknown"
        assert summary["status"]["mpass_cause"] == "database_unavailable"
        assert client.get("/readyz").get_json()["database"]["ok"] is False
    finally:
        postgres.start(own_server)
    back_at = time.monotonic()
    # A round stored as soon as the store takes one again (the rounds before the stop are stale by now).
    assert wait_for(lambda: _stored(site), 10)
    assert wait_for(lambda: client.get("/api/v2/summary.json").get_json()["status"]["mpass_state"] == "operational", 10)
    assert time.monotonic() - back_at < 10
    print(f"slowest page while PostgreSQL was down: {slowest:.2f} s")
