"""`flask probe --watch` and the in-process prober, run for a while against faults; the site read as visitors do."""

import os
import sqlite3
import subprocess
import threading
import time
from contextlib import contextmanager

from mpass_status import runtime
from mpass_status.checks.scheduler import watch
from mpass_status.standin.config import write_standin_config

from ..helpers import wait_for
from .support import BIN, ROOT, fast_config, refuse, rounds, site_env, states, tmpfs, watching


def summary_of(client) -> dict:
    return client.get("/api/v2/summary.json").get_json()


def component_states(client) -> dict[str, str]:
    return states(summary_of(client))


@contextmanager
def watched_until_operational(tmp_path, make_site, brokers, references):
    """`--watch` over fresh stand-ins with 2-second intervals; yields the site's client once all is well."""
    database = tmp_path / "status.sqlite3"
    config = fast_config(tmp_path, *brokers, references, database)
    client = make_site(None, STATUS_CONFIG=str(config), DATABASE=str(database)).test_client()
    with watching(site_env(config, tmp_path / "none", database), tmp_path / "watch.log"):
        assert wait_for(lambda: set(component_states(client).values()) == {"operational"}, 20)
        yield client


def test_both_environments_refusing_while_the_references_answer_is_down_everywhere(
    tmp_path, make_site, brokers, references
):
    with watched_until_operational(tmp_path, make_site, brokers, references) as client:
        for broker in brokers:
            refuse(broker)
        started = time.monotonic()
        assert wait_for(lambda: set(component_states(client).values()) == {"major_outage"}, 30), component_states(
            client
        )
        took = time.monotonic() - started
    body = summary_of(client)
    assert body["status"]["indicator"] == "critical" and took < 15
    # Both environments down: the headline names MPASSid itself and places the fault there.
    finnish, swedish = (client.get(f"/{lang}/").get_data(as_text=True) for lang in ("fi", "sv"))
    assert "Kirjautuminen MPASSid:llä ei onnistu" in finnish and "Vika on MPASSid:ssä" in finnish
    assert "Det går inte att logga in med MPASSid" in swedish


def test_nothing_answering_not_even_the_references_is_unknown_and_says_why_everywhere(
    tmp_path, make_site, brokers, references
):
    with watched_until_operational(tmp_path, make_site, brokers, references) as client:
        for broker in brokers:
            refuse(broker)
        for reference in references:
            reference.refuse()
        cut_at = time.monotonic()
        assert wait_for(lambda: summary_of(client)["status"]["mpass_cause"] == "network_down", 20)
        # As soon as each check has run once more (2-second intervals, staggered), not after the thresholds.
        assert time.monotonic() - cut_at < 8
        # Rounds keep landing while nothing answers: it stays unknown, never down and never green. How long it
        # lasts is what is tested: 4 s of 2-second intervals and 1-second retries pass failures_to_down (3).
        time.sleep(4)
        body = summary_of(client)
        # The site itself is sound and tells what it knows: ready.
        assert client.get("/readyz").status_code == 200
    assert set(states(body).values()) == {"degraded_performance"}
    assert {c["mpass_state"] for c in body["components"] if not c["group"]} == {"unknown"}
    assert body["status"]["indicator"] == "minor"
    assert body["status"]["description"] == (
        "Status unknown: the status site reaches neither the broker nor its reference addresses"
    )
    fi = client.get("/fi/").get_data(as_text=True)
    sv = client.get("/sv/").get_data(as_text=True)
    assert "Tilanne ei ole tiedossa: tämä sivusto ei saa yhteyttä MPASSid:hen" in fi
    assert "Läget är okänt: driftlägessidan når varken MPASSid" in sv
    for page in (fi, sv):
        assert "state-operational" not in page.split('id="legend-heading"')[0]
        assert "state-down" not in page.split('id="legend-heading"')[0]


def test_a_database_locked_longer_than_a_round_loses_no_round_and_the_watch_says_so(
    tmp_path, make_site, broker, test_broker, references
):
    database = tmp_path / "status.sqlite3"
    config = fast_config(tmp_path, broker, test_broker, references, database)
    client = make_site(None, STATUS_CONFIG=str(config), DATABASE=str(database)).test_client()
    log = tmp_path / "watch.log"
    with watching(site_env(config, tmp_path / "none", database), log) as process:
        assert wait_for(lambda: database.exists() and rounds(database) >= 2, 20)
        holder = sqlite3.connect(database, timeout=1)
        holder.execute("BEGIN EXCLUSIVE")
        locked_at, before = time.monotonic(), rounds(database)
        try:
            assert wait_for(lambda: "cannot write results" in log.read_text(), 20), log.read_text()
            # The pages still read the file (WAL readers are not blocked), and readiness says what is wrong.
            assert client.get("/fi/").status_code == 200
            ready = client.get("/readyz")
            assert ready.status_code == 503 and any("cannot be written" in r for r in ready.get_json()["reasons"])
            # Locked for 12 s, six rounds' worth: the length of the outage is what is tested.
            time.sleep(max(0.0, 12 - (time.monotonic() - locked_at)))
        finally:
            holder.rollback()
            holder.close()
        held = time.monotonic() - locked_at
        assert process.poll() is None, log.read_text()
        # The rounds probed while the file was locked are written once it is free.
        assert wait_for(lambda: rounds(database) >= before + int(held / 2) - 1, 20), (rounds(database), before)
        assert wait_for(lambda: "writable again" in log.read_text(), 10)
    assert "Traceback" not in log.read_text()


def test_a_full_disk_is_survived_and_the_watch_goes_on_when_space_returns(
    tmp_path, make_site, broker, test_broker, references
):
    with tmpfs(tmp_path / "disk", "8m") as disk:
        database = disk / "status.sqlite3"
        config = fast_config(tmp_path, broker, test_broker, references, database)
        log = tmp_path / "watch.log"
        with watching(site_env(config, tmp_path / "none", database), log) as process:
            assert wait_for(lambda: database.exists() and rounds(database) >= 1, 20)
            filler = disk / "filler"
            with filler.open("wb", buffering=0) as out:
                try:
                    while True:
                        out.write(b"\0" * 4096)
                except OSError:
                    pass  # The disk is full.
            assert wait_for(lambda: "cannot write results" in log.read_text(), 60), log.read_text()
            assert process.poll() is None
            before = rounds(database)
            filler.unlink()
            assert wait_for(lambda: rounds(database) > before, 30), log.read_text()
            assert "writable again" in log.read_text()
        client = make_site(None, STATUS_CONFIG=str(config), DATABASE=str(database)).test_client()
        assert client.get("/fi/").status_code == 200
        assert "database or disk is full" in log.read_text()


def test_production_refused_is_down_within_90_seconds_with_the_default_schedule(
    tmp_path, make_site, brokers, references
):
    """The shipped intervals (60 s), thresholds (3 failures) and retry interval (15 s), in real time."""
    database = tmp_path / "status.sqlite3"
    config = write_standin_config(
        tmp_path / "status.toml",
        *brokers,
        timeout=2,
        interval=60,
        probe={"database": str(database), "slow_ms": 1400},
        references=references,
    )
    site = make_site(None, STATUS_CONFIG=str(config), DATABASE=str(database))
    assert runtime.config(site).probe.retry_interval == 15 and runtime.config(site).probe.failures_to_down == 3
    client, stop = site.test_client(), threading.Event()
    prober = threading.Thread(target=watch, args=(runtime.config(site), runtime.results(site), stop))
    prober.start()
    try:
        assert wait_for(lambda: set(component_states(client).values()) == {"operational"}, 20)
        # Not right after a round: somewhere in the schedule, as a real fault comes (the moment is what is tested).
        time.sleep(7)
        refuse(brokers[0])
        refused_at = time.monotonic()
        down = wait_for(
            lambda: {component_states(client)[c] for c in ("prod-oidc", "prod-saml")} == {"major_outage"}, 95, 0.5
        )
        took = time.monotonic() - refused_at
    finally:
        stop.set()
        prober.join(timeout=10)
    assert down, component_states(client)
    assert took < 90, took
    assert {component_states(client)[c] for c in ("test-oidc", "test-saml")} == {"operational"}
    print(f"production refused -> down in {took:.1f} s")


def test_status_probe_starts_a_prober_only_in_the_web_server(tmp_path, broker, test_broker, references):
    database = tmp_path / "status.sqlite3"
    config = fast_config(tmp_path, broker, test_broker, references, database)
    env = site_env(config, tmp_path / "none", database, STATUS_PROBE="1")
    os.makedirs(tmp_path / "none", exist_ok=True)
    checked = subprocess.run(
        [str(BIN / "flask"), "--app", "app", "notices", "check"], cwd=ROOT, env=env, capture_output=True, timeout=60
    )
    assert checked.returncode == 0, checked.stderr
    assert not database.exists() and not database.with_name(database.name + ".prober-lock").exists()
    probed = subprocess.run(
        [str(BIN / "flask"), "--app", "app", "probe"], cwd=ROOT, env=env, capture_output=True, timeout=60
    )
    assert probed.returncode == 0, probed.stderr
    # One round: the command's own, with no background prober beside it.
    assert rounds(database) == 1


def test_a_second_watch_waits_for_the_first_and_takes_over_when_it_stops(
    tmp_path, make_site, broker, test_broker, references
):
    database = tmp_path / "status.sqlite3"
    config = fast_config(tmp_path, broker, test_broker, references, database)
    env = site_env(config, tmp_path / "none", database)
    with watching(env, tmp_path / "first.log") as first:
        assert wait_for(lambda: database.exists() and rounds(database) >= 1, 20)
        with watching(env, tmp_path / "second.log") as second:
            said = wait_for(lambda: "waiting to take over" in (tmp_path / "second.log").read_text(), 10)
            assert said, (tmp_path / "second.log").read_text()
            assert "CHECK" not in (tmp_path / "second.log").read_text()
            first.terminate()
            first.wait(timeout=15)
            # The second watch probes on within the standby pause.
            assert wait_for(lambda: "CHECK" in (tmp_path / "second.log").read_text(), 15)
            assert second.poll() is None
