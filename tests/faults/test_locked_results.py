"""A results file another process holds locked while production fails: the prober keeps its rounds in memory,
and the pages count them all the same, so no surface says "operational" once the thresholds have decided.
Run as deployed: gunicorn with the prober inside, and `flask probe --watch` beside a site."""

import json
import sqlite3
import time
from contextlib import contextmanager

import pytest

from ..helpers import wait_for
from .support import answer, fast_config, gunicorn, rounds, site_env, states, watching

PRODUCTION = ("prod-oidc", "prod-saml")
FAILING = ("discovery", "jwks", "metadata", "authnsources", "authorize")
# What the front page says when everything works.
ALL_WELL = "Kaikki MPASSid:n osat toimivat normaalisti"


@contextmanager
def site(kind, tmp_path, make_site, env):
    """Yields get(path) -> (status, body) of a site whose prober runs as the deployment kind says."""
    if kind == "gunicorn":
        with gunicorn(env, tmp_path / "gunicorn.log") as base:
            yield lambda path: answer(base + path)
        return
    client = make_site(None, STATUS_CONFIG=env["STATUS_CONFIG"], DATABASE=env["STATUS_DATABASE"]).test_client()
    with watching(env, tmp_path / "watch.log"):

        def get(path):
            found = client.get(path)
            return found.status_code, found.get_data()

        yield get


def says_operational(get) -> bool:
    """Returns whether any surface says production works: the API's components or headline, the front page."""
    summary = answer_json_of(get, "/api/v2/summary.json")
    production = {states(summary).get(c) for c in PRODUCTION}
    return "operational" in production or summary["status"]["indicator"] == "none" or ALL_WELL in page(get, "/fi/")


def production(get) -> set[str]:
    """Returns the Statuspage statuses of the production broker's components."""
    return {states(answer_json_of(get, "/api/v2/summary.json"))[c] for c in PRODUCTION}


def answer_json_of(get, path) -> dict:
    return json.loads(get(path)[1])


def page(get, path) -> str:
    return get(path)[1].decode()


@pytest.mark.parametrize("kind", ["gunicorn", "watch"])
def test_a_locked_results_file_never_keeps_operational_on_screen_while_production_fails(
    kind, tmp_path, make_site, broker, test_broker, references
):
    database = tmp_path / "status.sqlite3"
    notices = tmp_path / "notices"
    notices.mkdir()
    # Stale only after 10 intervals (20 s): longer than the thresholds take, as the shipped 3 x 60 s are.
    config = fast_config(tmp_path, broker, test_broker, references, database, stale_after_intervals=10)
    with site(kind, tmp_path, make_site, site_env(config, notices, database)) as get:
        assert wait_for(
            lambda: set(states(answer_json_of(get, "/api/v2/summary.json")).values()) == {"operational"}, 30
        )
        holder = sqlite3.connect(database, timeout=1)
        holder.execute("BEGIN EXCLUSIVE")
        try:
            before = rounds(database)
            for target in FAILING:
                broker.set_fault(target, "500")
            failed_at = time.monotonic()
            # Three failures a second apart after the first, within 2-second intervals: the thresholds' time.
            assert wait_for(lambda: production(get) == {"major_outage"}, 12), production(get)
            took = time.monotonic() - failed_at
            # And it stays so for as long as the file is locked (many rounds kept in memory meanwhile).
            until = time.monotonic() + 6
            while time.monotonic() < until:
                assert not says_operational(get)
                time.sleep(0.5)
            assert rounds(database) == before  # nothing could be written meanwhile
        finally:
            holder.rollback()
            holder.close()
        # Once the file is free the kept rounds are stored and the file beside it is gone.
        assert wait_for(lambda: rounds(database) > before, 20)
        assert wait_for(lambda: not database.with_name(database.name + ".unsaved.json").exists(), 20)
        assert production(get) == {"major_outage"}
    print(f"{kind}: production failing with the results file locked -> not operational in {took:.1f} s")
