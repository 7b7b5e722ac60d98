"""Rounds of checks stored and scheduled: `flask probe`, and one background prober per results database."""

import threading

from mpass_status import runtime
from mpass_status.checks.scheduler import start_background


def test_flask_probe_prints_a_table_of_results(standin_site, broker):
    broker.set_fault("discovery", "wrong_issuer")
    outcome = standin_site.test_cli_runner().invoke(args=["probe"])
    assert outcome.exit_code == 0, outcome.exception
    lines = outcome.output.splitlines()
    assert lines[0].split() == ["CHECK", "COMPONENT", "OUTCOME", "MS", "REASON"]
    assert any(
        line.startswith("prod-oidc-discovery") and "failed" in line and "issuer mismatch" in line for line in lines
    )
    assert sum(" ok " in line for line in lines) >= 10
    assert len(runtime.results(standin_site).latest_per_check()) == len(lines) - 1


def test_only_one_background_prober_per_results_database(standin_site):
    config, db = runtime.config(standin_site), runtime.results(standin_site)
    stop = threading.Event()
    first = start_background(config, db, stop)
    try:
        assert first is not None and first.daemon
        assert start_background(config, db) is None
        for _ in range(50):
            if db.last_round_time():
                break
            stop.wait(0.1)
        assert db.last_round_time() is not None
    finally:
        stop.set()
        first.join(timeout=5)
    assert not first.is_alive()
    # The lock is released with the thread, so another worker may take over.
    again = start_background(config, db, threading.Event())
    assert again is not None
    again.stop_event.set()
    again.join(timeout=5)
