"""The prober inside gunicorn (STATUS_PROBE=1, two workers) against faults of the broker, the network and the disk.

Each case reads what a visitor and a client read: the front page, the status JSON and /readyz.
"""

import os
import shutil
import signal
import time
import urllib.error
import urllib.request

from ..helpers import FIXTURE_NOTICES, wait_for, write
from .support import (
    answer,
    answer_json,
    fast_config,
    gunicorn,
    lock_holder,
    refuse,
    rounds,
    site_env,
    states,
    tmpfs,
)

PRODUCTION = ("prod-oidc", "prod-saml")
TEST = ("test-oidc", "test-saml")


def test_production_refusing_while_test_answers_is_an_outage_and_a_dead_prober_is_replaced(
    tmp_path, brokers, references
):
    production, test = brokers
    database = tmp_path / "data" / "status.sqlite3"
    config = fast_config(tmp_path, production, test, references, database)
    # No notices: what the pages say comes from the checks alone.
    (tmp_path / "notices").mkdir()
    with gunicorn(site_env(config, tmp_path / "notices", database), tmp_path / "gunicorn.log") as base:
        ready = wait_for(lambda: answer(base + "/readyz")[0] == 200, 20)
        assert ready, answer(base + "/readyz")
        assert wait_for(
            lambda: set(states(answer_json(base + "/api/v2/summary.json")[1]).values()) == {"operational"}, 20
        )

        refuse(production)
        refused_at = time.monotonic()

        def outage_told() -> bool:
            # One answer read whole: judged by target, the test environment still answers and says so; the
            # references answer, so this is the broker's outage and not the site's own network. (On a loaded
            # machine a reference check can time out for a round, and then the honest answer is unknown.)
            summary = answer_json(base + "/api/v2/summary.json")[1]
            return (
                all(states(summary)[c] == "major_outage" for c in PRODUCTION)
                and {states(summary)[c] for c in TEST} == {"operational"}
                and summary["status"]["indicator"] == "critical"
            )

        down = wait_for(outage_told, 30)
        took = time.monotonic() - refused_at
        assert down, answer_json(base + "/api/v2/summary.json")
        # The page says it too, within seconds: each worker asks the database for the newest round at most once a
        # second (STATUS_VERSION_SECONDS), so the worker answering the page may be that much behind the one that
        # answered the API, and a page being rendered anew is answered from its stale copy for at most 2 s.
        told = ("Kirjautuminen MPASSid:llä ei onnistu", "Vika on MPASSid:ssä")
        assert wait_for(lambda: all(words in answer(base + "/fi/")[1].decode() for words in told), 5), (
            answer(base + "/fi/")[1].decode().split('class="overall', 1)[-1][:800]
        )
        assert answer(base + "/readyz")[0] == 200
        # Three failures at retry_interval (1 s) after the first one, with 2-second intervals.
        assert took < 10, took

        # The worker holding the prober's lock dies: another takes over and rounds keep landing.
        lock = database.with_name(database.name + ".prober-lock")
        holder = lock_holder(lock)
        assert holder is not None
        os.kill(holder, signal.SIGKILL)
        killed_at = time.monotonic()
        successor = wait_for(lambda: (lock_holder(lock) or holder) != holder and lock_holder(lock), 20)
        assert successor, "no worker took the prober's lock"
        last = answer_json(base + "/readyz")[1]["probe"]["last_round"]
        assert wait_for(lambda: answer_json(base + "/readyz")[1]["probe"]["last_round"] != last, 15)
        assert answer(base + "/readyz")[0] == 200
        assert time.monotonic() - killed_at < 30


def test_a_corrupt_database_at_start_is_moved_aside_and_a_broken_notice_hides_nothing_else(
    tmp_path, broker, test_broker, references
):
    notices = tmp_path / "notices"
    shutil.copytree(FIXTURE_NOTICES, notices)
    write(notices, "---\ntitle: {fi: [[[[\n---\n", name="2026-11-23-rikki.md")
    database = tmp_path / "data" / "status.sqlite3"
    database.parent.mkdir()
    database.write_bytes(b"this is not an SQLite database, it was overwritten" * 100)
    config = fast_config(tmp_path, broker, test_broker, references, database)
    log = tmp_path / "gunicorn.log"
    with gunicorn(site_env(config, notices, database), log) as base:
        assert wait_for(lambda: answer(base + "/readyz")[0] == 200, 20), answer(base + "/readyz")
        aside = list(database.parent.glob("status.sqlite3.corrupt-*"))
        assert len(aside) == 1 and aside[0].read_bytes().startswith(b"this is not an SQLite")
        assert "is corrupt" in log.read_text() and str(aside[0].name) in log.read_text()
        assert rounds(database) >= 1
        # Every other notice is served; the broken one is named on the check, not on the site.
        front = answer(base + "/fi/")
        assert front[0] == 200
        for name in sorted(os.listdir(FIXTURE_NOTICES)):
            assert answer(base + f"/fi/notices/{name.removesuffix('.md')}/")[0] == 200, name
        assert answer(base + "/fi/notices/2026-11-23-rikki/")[0] == 404


def test_a_read_only_instance_folder_serves_every_page_and_says_live_status_is_unavailable(
    tmp_path, broker, test_broker, references
):
    with tmpfs(tmp_path / "instance", "1m", read_only=True) as instance:
        database = instance / "status.sqlite3"
        config = fast_config(tmp_path, broker, test_broker, references, database)
        log = tmp_path / "gunicorn.log"
        with gunicorn(site_env(config, FIXTURE_NOTICES, database), log) as base:
            for path in ("/fi/", "/sv/", "/fi/components/prod-oidc/", "/fi/archive/", "/fi/feed.atom", "/sv/feed.rss"):
                assert answer(base + path)[0] == 200, path
            front = answer(base + "/fi/")[1].decode()
            assert "Ajantasaista tilannetta ei ole saatavilla" in front
            assert "state-operational" not in front.split('id="legend-heading"')[0]
            status, summary = answer_json(base + "/api/v2/summary.json")
            assert status == 200 and summary["status"]["indicator"] == "minor"
            # The staff incident on Wilma still counts; the checks are said to be unreadable, not green.
            assert summary["status"]["mpass_checks_available"] is False
            assert {c["mpass_checks_state"] for c in summary["components"] if not c["group"]} == {"unknown"}
            status, ready = answer_json(base + "/readyz")
            assert status == 503 and not ready["ready"]
            assert any("cannot be" in reason for reason in ready["reasons"]), ready
            component = answer(base + "/sv/components/prod-oidc/")[1].decode()
            assert "de automatiska kontrollernas resultat kan inte läsas just nu" in component
        # The workers booted and stayed up: nothing about the disk stops the site from starting.
        assert "Booting worker" in log.read_text() and "Worker failed to boot" not in log.read_text()


def test_every_worker_gives_a_feed_and_the_calendar_the_same_validators(tmp_path, broker, test_broker, references):
    # A poller that sends only If-Modified-Since, on a new connection each time (any worker may answer).
    database = tmp_path / "instance" / "status.sqlite3"
    config = fast_config(tmp_path, broker, test_broker, references, database)
    with gunicorn(site_env(config, FIXTURE_NOTICES, database), tmp_path / "gunicorn.log") as base:
        for path in ("/fi/feed.atom", "/sv/calendar.ics"):
            with urllib.request.urlopen(base + path, timeout=10) as first:
                since, etag = first.headers["Last-Modified"], first.headers["ETag"]
            answers = []
            for _ in range(20):
                request = urllib.request.Request(base + path, headers={"If-Modified-Since": since})
                try:
                    with urllib.request.urlopen(request, timeout=10) as response:
                        answers.append((response.status, response.headers["ETag"]))
                except urllib.error.HTTPError as error:
                    answers.append((error.code, error.headers["ETag"]))
            assert answers == [(304, etag)] * 20, path
