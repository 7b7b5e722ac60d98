"""Live status as a pure function of plain values: thresholds, staleness, staff notices, overall state, uptime.

Nothing here builds an app or opens a database.
"""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from mpass_status.checks.results import CheckResult
from mpass_status.config import Check, ProbeSettings
from mpass_status.notices import model as notice_model
from mpass_status.notices.model import Moment
from mpass_status.status.chart import response_chart, response_points
from mpass_status.status.evaluate import (
    CheckHistory,
    LiveStatus,
    apply_notices,
    component_states,
    evaluate,
    overall,
    unknown_cause,
    verdict_since,
)
from mpass_status.status.uptime import daily_series, maintenance_windows, uptimes

from ..helpers import CONFIG

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
        body={},
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


def seen_from(vantages: dict, probe=PROBE, now=NOW):
    """Returns the prod-oidc state from {vantage: outcomes}, each vantage point's newest a minute before NOW."""
    results = [
        result(NOW - timedelta(minutes=len(outcomes) - i), outcome).with_(vantage=vantage)
        for vantage, outcomes in vantages.items()
        for i, outcome in enumerate(outcomes)
    ]
    results.sort(key=lambda r: r.time)
    return component_states(["prod-oidc"], {"prod-oidc": {CHECK.id: results}}, [CHECK], probe, now)["prod-oidc"]


DOWN, UP = ["failed"] * 3, ["ok"] * 3


@pytest.mark.parametrize(
    "vantages, state, code, params",
    [
        # One of three sees it down: trouble on that path, named; two of three: the broker is down.
        ({"Espoo": DOWN, "Oulu": UP, "Turku": UP}, "degraded", "failing_from", {"vantage": "Espoo"}),
        ({"Espoo": DOWN, "Oulu": DOWN, "Turku": UP}, "down", "timeout", {"ms": 100, "seconds": 5}),
        ({"Espoo": DOWN, "Oulu": DOWN, "Turku": DOWN}, "down", "timeout", {"ms": 100, "seconds": 5}),
        ({"Espoo": UP, "Oulu": UP, "Turku": UP}, "operational", "ok", {"ms": 100, "seconds": 5}),
        # Two vantage points: a majority of two is both.
        ({"Espoo": DOWN, "Oulu": UP}, "degraded", "failing_from", {"vantage": "Espoo"}),
        # A vantage point whose own network is down knows nothing: the other two decide.
        ({"Espoo": ["ok", "unknown"], "Oulu": DOWN, "Turku": DOWN}, "down", "timeout", {"ms": 100, "seconds": 5}),
        ({"Espoo": ["ok", "unknown"], "Oulu": DOWN, "Turku": UP}, "degraded", "failing_from", {"vantage": "Oulu"}),
        # Slow from one place is degraded as from one prober.
        ({"Espoo": ["ok", "degraded"], "Oulu": UP}, "degraded", "timeout", {"ms": 100, "seconds": 5}),
    ],
)
def test_down_needs_a_majority_of_the_vantage_points_with_fresh_results(vantages, state, code, params):
    status = seen_from(vantages)
    assert (status.state, status.code, status.params) == (state, code, params)
    if code == "failing_from":
        assert status.reason == f"failing from {params['vantage']} only"


def test_a_stopped_prober_leaves_the_quorum_to_the_others_and_none_fresh_is_unknown():
    # Turku's results are from ten minutes ago: stale, so Espoo and Oulu are the ones that count.
    stale_turku = [result(NOW - timedelta(minutes=10 + i), "ok").with_(vantage="Turku") for i in range(3)]
    fresh = [
        result(NOW - timedelta(minutes=3 - i), "failed").with_(vantage=v) for v in ("Espoo", "Oulu") for i in range(3)
    ]
    results = sorted(stale_turku + fresh, key=lambda r: r.time)
    status = component_states(["prod-oidc"], {"prod-oidc": {CHECK.id: results}}, [CHECK], PROBE, NOW)["prod-oidc"]
    assert status.state == "down"
    # Nobody fresh: unknown, saying why, never the last thing anyone saw.
    later = NOW + timedelta(hours=1)
    status = component_states(["prod-oidc"], {"prod-oidc": {CHECK.id: results}}, [CHECK], PROBE, later)["prod-oidc"]
    assert (status.state, status.code) == ("unknown", "stale")


def test_a_quorum_set_in_the_configuration_overrides_the_majority():
    one = replace(PROBE, quorum=1)
    assert seen_from({"Espoo": DOWN, "Oulu": UP, "Turku": UP}, one).state == "down"
    three = replace(PROBE, quorum=3)
    status = seen_from({"Espoo": DOWN, "Oulu": DOWN, "Turku": UP}, three)
    assert (status.state, status.params) == ("degraded", {"vantage": "Espoo, Oulu"})


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
    assert overall(result) == "down"


def _indicator(states) -> tuple[str, str]:
    state = overall(states)
    live = LiveStatus(NOW, state, None, states, unknown_cause(states) if state == "unknown" else None)
    return live.indicator, live.description


def test_overall_indicator_like_statuspage():
    up, down = state_after(["ok"]), state_after(["failed"] * 3)
    assert _indicator({"a": up}) == ("none", "All Systems Operational")
    assert _indicator({"a": up, "b": state_after(["ok", "failed"])})[0] == "minor"
    assert _indicator({"a": up, "b": down})[0] == "major"
    # Not knowing is never "none", which Statuspage clients show as all well; the description says why.
    assert _indicator({"a": up, "b": state_after([])}) == (
        "minor",
        "Status unknown: some components have no check results yet",
    )
    maintenance = replace(up, state="maintenance")
    assert _indicator({"a": up, "b": maintenance}) == ("minor", "Service Under Maintenance")
    assert _indicator({})[0] == "minor"


def test_uptime_and_the_daily_bar_from_hourly_counts():
    hour = NOW.replace(minute=0)
    # Two hours of one result a minute; the newer hour failed throughout.
    buckets = [(hour - timedelta(hours=1), 60, 0), (hour, 60, 60)]
    assert uptimes(buckets, NOW) == {"24h": 0.5, "7d": 0.5, "30d": 0.5, "90d": 0.5}
    older = [(hour - timedelta(days=10), 100, 0)] + buckets
    figures = uptimes(older, NOW)
    assert figures["24h"] == 0.5 and figures["30d"] == pytest.approx(160 / 220)
    assert uptimes([], NOW) == {"24h": None, "7d": None, "30d": None, "90d": None}
    series = daily_series(older, NOW)
    assert len(series) == 90 and series[-1]["date"] == "2026-03-02"
    assert (series[-1]["level"], series[-1]["failed"]) == ("down", 60)
    assert series[-11] == {"date": "2026-02-20", "uptime": 1.0, "level": "operational", "results": 100, "failed": 0}
    assert series[0] == {"date": "2025-12-03", "uptime": None, "level": "unknown", "results": 0, "failed": 0}


def test_maintenance_windows_are_those_that_have_begun_and_are_not_cancelled():
    notices = [
        Notice("done", "maintenance", "down", ("prod-oidc",), NOW - timedelta(hours=3), NOW - timedelta(hours=2)),
        Notice("open", "maintenance", "down", ("prod-oidc",), NOW - timedelta(minutes=30)),
        Notice("later", "maintenance", "down", ("prod-oidc",), NOW + timedelta(hours=1), NOW + timedelta(hours=2)),
        Notice("off", "maintenance", "down", ("prod-oidc",), NOW - timedelta(hours=1), cancelled=True),
        Notice("elsewhere", "maintenance", "down", ("wilma",), NOW - timedelta(hours=1)),
        Notice("fault", "incident", "down", ("prod-oidc",), NOW - timedelta(hours=1)),
    ]
    assert maintenance_windows(notices, "prod-oidc", NOW) == [
        (NOW - timedelta(hours=3), NOW - timedelta(hours=2)),
        (NOW - timedelta(minutes=30), NOW),
    ]


def test_evaluate_gives_every_component_its_state_reason_and_uptime():
    hour = NOW.replace(minute=0)
    oidc = [result(NOW - timedelta(minutes=3 - i), "failed") for i in range(3)]
    history = CheckHistory(
        recent={"prod-oidc": {"prod-oidc-discovery": oidc}},
        # A day of results, the newest hour failed throughout.
        hourly={"prod-oidc": [(hour - timedelta(hours=h), 3, 0) for h in range(1, 24)] + [(hour, 3, 3)]},
        last_round=NOW - timedelta(minutes=1),
    )
    notices = [Notice("wilma-down", "incident", "disrupted", ("wilma",), NOW - timedelta(hours=1))]
    live = evaluate(CONFIG, notices, history, NOW)
    assert set(live.components) == {c.id for c in CONFIG.components}
    down = live.components["prod-oidc"]
    assert (down.state, down.code, down.source) == ("down", "timeout", "checks")
    assert down.uptime["24h"] == pytest.approx(69 / 72) and down.daily[-1]["level"] == "down" and len(down.daily) == 90
    # A day of results is no 7-day figure: the page says there is not enough data yet.
    assert down.uptime["7d"] is None and down.uptime["90d"] is None
    wilma = live.components["wilma"]
    assert (wilma.state, wilma.source, wilma.notice_id, wilma.checks_state) == (
        "disrupted",
        "staff",
        "wilma-down",
        "unknown",
    )
    assert live.components["test-saml"].state == "unknown" and live.components["test-saml"].uptime["90d"] is None
    # The broker itself is down in production: critical.
    assert (live.state, live.indicator, live.last_round) == ("down", "critical", NOW - timedelta(minutes=1))
    # With no history at all, nothing is green and no uptime is claimed.
    empty = evaluate(CONFIG, [], CheckHistory(), NOW)
    assert {c.state for c in empty.components.values()} == {"unknown"}
    assert (empty.state, empty.indicator, empty.cause) == ("unknown", "minor", "no_results")
    assert empty.description == "Status unknown: some components have no check results yet"


def test_an_unreadable_database_makes_every_check_verdict_unknown_but_keeps_staff_notices():
    outage = Notice("outage", "incident", "disrupted", ("wilma",), NOW - timedelta(hours=1))
    live = evaluate(CONFIG, [outage], CheckHistory(unavailable="OperationalError: disk I/O error"), NOW)
    wilma = live.components["wilma"]
    assert (wilma.state, wilma.source, wilma.checks.code) == ("disrupted", "staff", "database_unavailable")
    others = {c.code for name, c in live.components.items() if name != "wilma"}
    assert others == {"database_unavailable"}
    assert (live.state, live.indicator) == ("disrupted", "minor")
    alone = evaluate(CONFIG, [], CheckHistory(unavailable="OperationalError: disk I/O error"), NOW)
    assert (alone.state, alone.cause) == ("unknown", "database_unavailable")
    assert alone.description == "Status unknown: the results of the automatic checks cannot be read"


def test_checks_verdict_since_the_first_failure_of_the_outage_and_none_beyond_the_results_held():
    times = [NOW - timedelta(minutes=10 - i) for i in range(6)]
    outcomes = ["ok", "ok", "failed", "failed", "failed", "failed"]
    results = [result(moment, outcome) for moment, outcome in zip(times, outcomes, strict=True)]
    assert verdict_since(results, PROBE) == times[2]
    # Working all along the results held: since when is not known.
    assert verdict_since([result(moment, "ok") for moment in times], PROBE) is None
    # Not yet down: degraded since the first failure.
    assert verdict_since(results[:4], PROBE) == times[2]


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


def test_a_staff_reported_outage_counts_in_uptime_even_when_the_checks_saw_nothing():
    hours = [(NOW - timedelta(hours=h), 60, 0) for h in range(1, 25)]
    outage = Notice("wilma-out", "incident", "down", ("wilma",), NOW - timedelta(hours=3), NOW - timedelta(hours=1))
    minor = Notice("wilma-minor", "incident", "notice", ("wilma",), NOW - timedelta(hours=12), NOW - timedelta(hours=6))
    history = CheckHistory(hourly={"wilma": hours})
    wilma = evaluate(CONFIG, [outage, minor], history, NOW).components["wilma"]
    # The two hours the outage covers (from 3 h ago to 1 h ago) of 24 count as failed; a minor notice does not.
    assert wilma.uptime["24h"] == pytest.approx(22 / 24)
    assert evaluate(CONFIG, [minor], history, NOW).components["wilma"].uptime["24h"] == 1.0


def test_a_fresh_install_states_no_availability_until_results_cover_half_of_the_period():
    # A few minutes of results, all good but one: once "90 päivää: 66,67 %".
    hour = NOW.replace(minute=0)
    fresh = CheckHistory(hourly={"prod-oidc": [(hour, 3, 1)]})
    figures = evaluate(CONFIG, [], fresh, NOW).components["prod-oidc"].uptime
    assert figures == {"24h": None, "7d": None, "30d": None, "90d": None}
    # Twelve hours with results of the last 24: the day's figure is stated, the longer ones not yet.
    half_day = CheckHistory(hourly={"prod-oidc": [(hour - timedelta(hours=h), 60, 0) for h in range(12)]})
    figures = evaluate(CONFIG, [], half_day, NOW).components["prod-oidc"].uptime
    assert figures == {"24h": 1.0, "7d": None, "30d": None, "90d": None}


def test_a_staff_reported_outage_counts_to_the_minute_not_the_whole_hour():
    hours = [(NOW - timedelta(hours=h), 60, 0) for h in range(1, 25)]
    # 14 minutes from 9.40 to 9.54 UTC: 14 of the hour's 60 results count as failed, not all 60.
    start = NOW.replace(hour=9, minute=40)
    outage = Notice("wilma-14min", "incident", "down", ("wilma",), start, start + timedelta(minutes=14))
    wilma = evaluate(CONFIG, [outage], CheckHistory(hourly={"wilma": hours}), NOW).components["wilma"]
    assert wilma.uptime["24h"] == pytest.approx(1 - 14 / (24 * 60))
    # In the hour under way only its elapsed part counts: 20 minutes of an outage 30 minutes into the hour.
    now = NOW.replace(minute=30)
    ongoing = Notice("wilma-now", "incident", "down", ("wilma",), now - timedelta(minutes=20))
    current = [*hours, (NOW, 30, 0)]
    wilma = evaluate(CONFIG, [ongoing], CheckHistory(hourly={"wilma": current}), now).components["wilma"]
    assert wilma.uptime["24h"] == pytest.approx(1 - 20 / (24 * 60 + 30))


def test_critical_is_kept_for_the_broker_itself_down_in_production():
    down = [result(NOW - timedelta(minutes=m), "failed") for m in (3, 2, 1)]

    def history(component, check_id):
        return CheckHistory(
            recent={component: {check_id: [r.with_(component=component, check_id=check_id) for r in down]}}
        )

    broker = evaluate(CONFIG, [], history("prod-oidc", "prod-oidc-discovery"), NOW)
    assert (broker.state, broker.indicator) == ("down", "critical")
    wilma = evaluate(CONFIG, [], history("wilma", "prod-authsources"), NOW)
    assert wilma.components["wilma"].state == "down" and wilma.indicator == "major"
    test_env = evaluate(CONFIG, [], history("test-oidc", "test-oidc-discovery"), NOW)
    assert test_env.indicator == "major"
