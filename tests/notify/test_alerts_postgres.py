"""Operator alerts when the results live in PostgreSQL: two `flask notify` processes at once, one alert (the
advisory lock lets one alert at a time, and the state both read is in the database)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from mpass_status import runtime
from mpass_status.notify.alerts import alerter
from mpass_status.status.states import State
from tests.helpers import ROOT, wait_for
from tests.notify.alert_support import Receiver, rounds_until


@pytest.fixture
def receiver():
    found = Receiver()
    yield found
    found.stop()


@pytest.fixture
def processes():
    """The processes a test starts, ended after it whatever it found."""
    started = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
        process.communicate()


def notify(site, receiver, processes) -> subprocess.Popen:
    """Starts one pass of `flask notify` (the alerts alone) as a process of its own on the site's settings."""
    settings = runtime.settings(site)
    env = {
        **os.environ,
        "STATUS_CONFIG": str(settings.status_config),
        "STATUS_NOTICES": str(settings.notices_dir),
        "STATUS_DATABASE": settings.database,
        "STATUS_ALERT_URLS": receiver.url,
        "STATUS_DRAFTS": str(settings.drafts_dir),
        "STATUS_SEND": "0",
    }
    flask = Path(sys.executable).with_name("flask")
    process = subprocess.Popen(
        [flask, "--app", "app", "notify"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    processes.append(process)
    return process


def test_two_alerting_processes_on_postgresql_send_one_alert(
    make_site, standin_config, postgres_url, receiver, broker, processes, tmp_path
):
    site = make_site(
        None,
        STATUS_CONFIG=str(standin_config.path),
        DATABASE=postgres_url,
        ALERT_URLS=receiver.url,
        SEND_IN_BACKGROUND=False,
        DRAFTS_DIR=str(tmp_path / "drafts"),
    )
    broker.set_fault("discovery", "500")
    rounds_until(site, "prod-oidc", State.DOWN)
    # The first process's alert is held at the receiver, so it is in the middle of its pass while the second runs.
    receiver.held.set()
    first = notify(site, receiver, processes)
    wait_for(lambda: receiver.waiting == 1, timeout=60)
    second = notify(site, receiver, processes)
    out, err = second.communicate(timeout=60)
    assert second.returncode == 0, err
    assert "0 changes told to the operator" in out
    receiver.go.set()
    out, err = first.communicate(timeout=60)
    assert first.returncode == 0, err
    assert "0 changes" not in out and "changes told to the operator" in out
    (alert,) = receiver.bodies
    assert alert["title"].startswith("MPASSid down")
    # What was told is in the database: a third alerter, here, has nothing new to say.
    assert alerter(site).once() == [] and len(receiver.bodies) == 1
    broker.clear()
    rounds_until(site, "prod-oidc", State.OPERATIONAL)
    assert {c.kind for c in alerter(site).once()} == {"resolved"} and len(receiver.bodies) == 2
