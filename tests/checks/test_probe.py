"""Rounds of checks stored and scheduled: `flask probe`, and one background prober per results database."""

import pytest

from mpass_status import runtime
from mpass_status.checks.scheduler import STANDBY_SECONDS, start_background

from ..helpers import wait_for


def test_flask_probe_prints_a_table_of_results(standin_site, broker):
    broker.set_fault("discovery", "wrong_issuer")
    outcome = standin_site.test_cli_runner().invoke(args=["probe"])
    assert outcome.exit_code == 0, outcome.exception
    lines = outcome.output.splitlines()
    assert lines[0].split() == ["CHECK", "COMPONENT", "OUTCOME", "MS", "REASON"]
    assert any(
        line.startswith("prod-oidc-discovery")
        and "failed" in line
        and "names an issuer other than" in line
        and "(https://wrong.example.org)" in line
        for line in lines
    )
    assert sum(" ok " in line for line in lines) >= 10
    assert len(runtime.results(standin_site).latest_per_check()) == len(lines) - 1


# The standby asks for the lock again only every STANDBY_SECONDS: the take-over takes that long.
@pytest.mark.slow
def test_one_prober_per_results_database_and_a_standby_takes_over(standin_site):
    config, db = runtime.config(standin_site), runtime.results(standin_site)
    first = start_background(config, db)
    assert wait_for(lambda: db.last_round_time() is not None, 10)
    second = start_background(config, db)
    try:
        assert first.daemon and first.lock.held
        # The lock is the store's, not the thread's: any other asker is refused while the first prober holds it.
        other = db.prober_lock()
        try:
            assert not other.acquire() and not second.lock.held
        finally:
            other.release()
        assert db.prober_alive()
        # The first prober's worker goes away: the standby takes the lock and probes on.
        first.stop_event.set()
        first.join(timeout=10)
        assert not first.is_alive() and not first.lock.held
        before = db.last_round_time()
        assert wait_for(lambda: second.lock.held, STANDBY_SECONDS + 2)
        assert wait_for(lambda: db.last_round_time() > before, 10)
    finally:
        second.stop_event.set()
        second.join(timeout=10)
    assert not db.prober_alive()
