"""The prober's schedule across a restart: the thresholds' state is read back from the stored results, so a
check that was down keeps its retry pace and a failure just stored is not asked again in a burst."""

import time
from datetime import UTC, datetime, timedelta

from mpass_status.checks.results import CheckResult
from mpass_status.checks.scheduler import Schedule, _resume
from mpass_status.checks.store import open_results
from mpass_status.config import load_config
from mpass_status.standin.config import write_standin_config

CHECK = "prod-oidc-discovery"


def result(when, outcome):
    code = "ok" if outcome == "ok" else "http_status"
    return CheckResult(when, CHECK, "oidc", "prod-oidc", "production", "https://x", outcome, 5, code)


def test_a_restarted_prober_takes_up_the_thresholds_where_they_were(tmp_path, broker, test_broker, references):
    path = write_standin_config(
        tmp_path / "status.toml",
        broker,
        test_broker,
        interval=60,
        probe={"database": "x.sqlite3"},
        references=references,
    )
    config = load_config(path)
    store = open_results(tmp_path / "status.sqlite3")
    now = datetime.now(UTC)
    for seconds in (40, 25, 2):  # down: three failures a retry interval apart, the newest 2 s ago
        moment = now - timedelta(seconds=seconds)
        store.insert_round([result(moment, "failed")], moment, moment)
    start = time.monotonic()
    schedule = Schedule(config, start)
    _resume(schedule, config, store)
    assert schedule.unsettled(CHECK)
    # Not again at once: 15 s (retry_interval) after the stored failure, not a burst after the restart.
    assert abs(schedule.due[CHECK] - (start + 13)) < 1
    # Others start at once, as before.
    assert schedule.due["prod-oidc-authorize"] == start
    # A first success while down is a recovery under way: the next run comes after retry_interval, not
    # after the 60-second interval.
    check = schedule.checks[CHECK]
    schedule.ready(schedule.due[CHECK])
    schedule.record([check], [result(datetime.now(UTC), "ok")], start + 13)
    assert schedule.unsettled(CHECK) and schedule.due[CHECK] == start + 13 + 15
