"""Component states from results: thresholds, staleness, staff notices, uptime, the chart and `flask probe`."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask

from mpass_status import live_status, notice_model, prober
from mpass_status.check_results import CheckResult
from mpass_status.checks_config import Check, ProbeSettings
from mpass_status.live_status import apply_notices, component_states, overall
from mpass_status.notice_model import Moment
from mpass_status.status_chart import response_chart, response_points

pytest_plugins = ["tests.broker_fixtures"]

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
CHECK = Check(
    "prod-oidc-discovery",
    "oidc",
    "production",
    "https://x.example",
    ("prod-oidc",),
    timeout=5,
    interval=60,
    issuer="https://x.example",
)
PROBE = ProbeSettings()


def Notice(id, type, severity, components, start, end=None, cancelled=False):  # noqa: N802
    """Builds a real notice with just what the status logic reads."""
    return notice_model.Notice(
        id=id,
        slug=id,
        path=f"notices/{id}.md",
        date=start.date(),
        type=type,
        severity=severity,
        affected=components,
        components=components,
        start=Moment(start),
        end=Moment(end) if end else None,
        cancelled=cancelled,
        title={},
        summary={},
        updates=(),
        body_html={},
        published=start,
    )


def result(when, outcome, code=None, ms=100):
    return CheckResult(
        when,
        CHECK.id,
        "oidc",
        "prod-oidc",
        "production",
        CHECK.url,
        outcome,
        ms,
        code or ("ok" if outcome == "ok" else "timeout"),
        {"ms": ms, "seconds": 5},
    )


def state_after(outcomes, probe=PROBE, now=NOW):
    # The newest result is from a minute before NOW; `now` is when the state is asked for.
    results = [result(NOW - timedelta(minutes=len(outcomes) - i), o) for i, o in enumerate(outcomes)]
    return component_states(["prod-oidc"], {"prod-oidc": {CHECK.id: results}}, [CHECK], probe, now)["prod-oidc"]


@pytest.mark.parametrize(
    "outcomes, state, code",
    [
        (["ok", "ok"], "operational", "ok"),
        (["ok", "failed"], "degraded", "timeout"),
        (["ok", "failed", "failed"], "degraded", "timeout"),
        (["ok", "failed", "failed", "failed"], "down", "timeout"),
        (["failed", "failed", "failed", "ok"], "down", "recovering"),
        (["failed", "failed", "failed", "ok", "failed", "ok"], "down", "recovering"),
        (["failed", "failed", "failed", "ok", "ok"], "operational", "ok"),
        (["failed", "failed", "failed", "unknown", "ok", "ok"], "operational", "ok"),
        (["ok", "degraded"], "degraded", "timeout"),
        (["ok", "ok", "unknown"], "unknown", "timeout"),
    ],
)
def test_down_after_three_failures_and_up_after_two_successes(outcomes, state, code):
    status = state_after(outcomes)
    assert (status.state, status.code, status.source) == (state, code, "checks")


def test_thresholds_come_from_the_probe_settings():
    strict = ProbeSettings(failures_to_down=1, successes_to_up=3)
    assert state_after(["ok", "failed"], strict).state == "down"
    assert state_after(["failed", "ok", "ok"], strict).state == "down"
    assert state_after(["failed", "ok", "ok", "ok"], strict).state == "operational"


def test_never_green_without_fresh_evidence():
    assert state_after([]).state == "unknown"
    assert state_after([]).reason == "no check results yet"
    stale = state_after(["ok", "ok"], now=NOW + timedelta(minutes=4))
    assert (stale.state, stale.code) == ("unknown", "stale")
    assert stale.reason == "no fresh check results since 2026-03-02T11:59:00+00:00"
    fresh = state_after(["ok", "ok"], now=NOW + timedelta(minutes=2))
    assert fresh.state == "operational"
    # A component no check covers is unknown, not operational.
    assert component_states(["wilma"], {}, [CHECK], PROBE, NOW)["wilma"].state == "unknown"


def test_ongoing_notices_take_precedence_over_checks():
    states = {
        "prod-oidc": state_after(["ok", "ok"]),
        "prod-saml": state_after(["ok", "ok"]),
        "wilma": state_after(["ok", "ok"]),
        "adfs": state_after(["failed"] * 3),
    }
    notices = [
        Notice("outage", "incident", "down", ("prod-oidc",), NOW - timedelta(hours=1)),
        Notice("slow", "incident", "disrupted", ("prod-oidc", "adfs"), NOW - timedelta(hours=1)),
        Notice("upgrade", "maintenance", "down", ("prod-saml",), NOW - timedelta(minutes=5), NOW + timedelta(hours=1)),
        Notice("old", "incident", "down", ("wilma",), NOW - timedelta(days=2), NOW - timedelta(days=1)),
        Notice("called-off", "maintenance", "down", ("wilma",), NOW - timedelta(hours=1), cancelled=True),
        Notice("later", "incident", "down", ("wilma",), NOW + timedelta(hours=1)),
        Notice("news", "announcement", None, ("wilma",), NOW - timedelta(hours=1)),
    ]
    result = apply_notices(states, notices, NOW)
    oidc = result["prod-oidc"]
    assert (oidc.state, oidc.source, oidc.notice_id, oidc.checks_state) == ("down", "staff", "outage", "operational")
    assert oidc.statuspage_status == "major_outage"
    adfs = result["adfs"]
    assert (adfs.state, adfs.source, adfs.checks_state) == ("disrupted", "staff", "down")
    assert adfs.statuspage_status == "partial_outage"
    assert (result["prod-saml"].state, result["prod-saml"].statuspage_status) == ("maintenance", "under_maintenance")
    assert (result["wilma"].state, result["wilma"].source) == ("operational", "checks")
    assert overall(result) == ("major", "Major Service Outage")


def test_overall_indicator_like_statuspage():
    up, down = state_after(["ok"]), state_after(["failed"] * 3)
    assert overall({"a": up}) == ("none", "All Systems Operational")
    assert overall({"a": up, "b": state_after(["ok", "failed"])})[0] == "minor"
    assert overall({"a": up, "b": down})[0] == "major"
    assert overall({"a": up, "b": state_after([])}) == ("none", "Some components have no fresh check results")


def test_uptime_leaves_out_maintenance_windows(results_db):
    # One result a minute for two hours; the second hour fails, inside a maintenance window.
    rows = [result(NOW - timedelta(minutes=m), "failed" if m <= 60 else "ok") for m in range(1, 121)]
    results_db.insert_round(rows, NOW, NOW)
    maintenance = Notice("upgrade", "maintenance", "down", ("prod-oidc",), NOW - timedelta(minutes=61), NOW)
    start = NOW - timedelta(days=90)
    plain = live_status.uptimes(results_db.hourly_counts("prod-oidc", start, NOW), NOW)
    assert plain["24h"] == pytest.approx(0.5)
    windows = live_status.maintenance_windows([maintenance], "prod-oidc", NOW)
    excluding = live_status.uptimes(results_db.hourly_counts("prod-oidc", start, NOW, windows), NOW)
    assert excluding == {"24h": 1.0, "7d": 1.0, "30d": 1.0, "90d": 1.0}
    series = live_status.daily_series(results_db.hourly_counts("prod-oidc", start, NOW), NOW)
    assert len(series) == 90 and series[-1]["date"] == "2026-03-02"
    assert (series[-1]["level"], series[-1]["failed"]) == ("down", 60)
    assert series[0] == {"date": "2025-12-03", "uptime": None, "level": "unknown", "results": 0, "failed": 0}


def test_response_chart_geometry_and_hourly_figures():
    rows = [result(NOW - timedelta(minutes=10 * i), "ok", ms=100 + i) for i in range(10)]
    points = response_points(rows, NOW - timedelta(hours=24), NOW)
    chart = response_chart(points, NOW)
    assert (chart.count, chart.fastest, chart.median, chart.slowest, chart.top_ms) == (10, 100, 104, 109, 200)
    assert len(chart.polyline.split()) == 10 and chart.dot is None
    assert [(row.count, row.fastest, row.slowest) for row in chart.rows] == [
        (1, 100, 100),
        (6, 101, 106),
        (3, 107, 109),
    ]
    # The newest point is drawn at the right edge, at its share of the axis height.
    x, y = map(float, chart.polyline.split()[-1].split(","))
    assert x == pytest.approx(chart.width - chart.pad) and y == pytest.approx(chart.height - chart.pad - 88 * 100 / 200)
    empty = response_chart([], NOW)
    assert (empty.count, empty.polyline, empty.dot, empty.rows) == (0, "", None, ())


def test_response_chart_draws_one_point_per_round_at_its_slowest_answer():
    # Two checks cover the component: the line must not zigzag between them at the same moment.
    rounds = [NOW - timedelta(minutes=30), NOW]
    rows = [result(moment, "ok", ms=ms) for moment in rounds for ms in (3, 150)]
    chart = response_chart(response_points(rows, NOW - timedelta(hours=24), NOW), NOW)
    assert chart.count == 4 and (chart.fastest, chart.slowest) == (3, 150)
    ys = {round(float(point.split(",")[1]), 1) for point in chart.polyline.split()}
    assert len(chart.polyline.split()) == 2 and ys == {round(chart.height - chart.pad - 88 * 150 / 200, 1)}
    single = response_chart(response_points(rows[:2], NOW - timedelta(hours=24), NOW), NOW)
    assert single.polyline == "" and single.dot is not None


def make_app(tmp_path, config):
    app = Flask("probe_test", instance_path=str(tmp_path / "instance"))
    app.config.update(STATUS_CONFIG=config, DATABASE=str(tmp_path / "instance" / "status.sqlite3"))
    prober.init_app(app)
    return app


def test_fault_to_snapshot_through_thresholds_and_recovery(tmp_path, standin_config, broker):
    app = make_app(tmp_path, standin_config)
    db = prober.open_db(app)
    prober.run_round(app, db)
    assert live_status.snapshot(app)["components"]["prod-saml"]["state"] == "operational"
    broker.set_fault("metadata", "expired_cert")
    broker.set_fault("authnsources", "vanished_source")
    states = []
    for _ in range(3):
        prober.run_round(app, db)
        states.append(live_status.snapshot(app)["components"]["prod-saml"]["state"])
    assert states == ["degraded", "degraded", "down"]
    snap = live_status.snapshot(app)
    assert snap["components"]["prod-saml"]["reason"].startswith("signing certificate expired on ")
    assert snap["components"]["opinsys"]["reason"] == "source Opinsys no longer offered"
    assert snap["components"]["wilma"]["state"] == "operational"
    assert (snap["indicator"], snap["last_round"] is not None) == ("major", True)
    broker.clear()
    prober.run_round(app, db)
    assert live_status.snapshot(app)["components"]["prod-saml"]["code"] == "recovering"
    prober.run_round(app, db)
    snap = live_status.snapshot(app)
    assert snap["components"]["prod-saml"]["state"] == "operational"
    assert live_status.response_chart(app, "prod-saml").count == 12
    # The metadata and tls checks both cover prod-saml: 3 failures in 12 results.
    assert snap["components"]["prod-saml"]["uptime"]["24h"] == pytest.approx(9 / 12)


def test_flask_probe_prints_a_table_of_results(tmp_path, standin_config, broker):
    broker.set_fault("discovery", "wrong_issuer")
    app = make_app(tmp_path, standin_config)
    outcome = app.test_cli_runner().invoke(args=["probe"])
    assert outcome.exit_code == 0, outcome.exception
    output = outcome.output
    lines = output.splitlines()
    assert lines[0].split() == ["CHECK", "COMPONENT", "OUTCOME", "MS", "REASON"]
    assert any(
        line.startswith("prod-oidc-discovery") and "failed" in line and "issuer mismatch" in line for line in lines
    )
    assert sum(" ok " in line for line in lines) >= 10
    assert len(prober.open_db(app).latest_per_check()) == len(lines) - 1


def test_only_one_background_prober_per_instance_folder(tmp_path, standin_config):
    app = make_app(tmp_path, standin_config)
    stop = threading.Event()
    first = prober.start_background(app, stop)
    try:
        assert first is not None and first.daemon
        assert prober.start_background(app) is None
        for _ in range(50):
            if prober.open_db(app).last_round_time():
                break
            stop.wait(0.1)
        assert prober.open_db(app).last_round_time() is not None
    finally:
        stop.set()
        first.join(timeout=5)
    assert not first.is_alive()
    # The lock is released with the thread, so another worker may take over.
    again = prober.start_background(app, threading.Event())
    assert again is not None
    again.stop_event.set()
    again.join(timeout=5)
