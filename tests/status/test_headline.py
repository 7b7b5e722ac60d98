"""The headline's facts as a pure function of the evaluated status: scope, since when, whose fault."""

from datetime import UTC, datetime, timedelta

import pytest

from mpass_status.checks.results import CheckResult
from mpass_status.status.evaluate import CheckHistory, evaluate
from mpass_status.status.headline import headline, only_in_test

from ..helpers import CONFIG
from .test_evaluate import Notice

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
COMPONENTS = ("prod-oidc", "prod-saml", "test-oidc", "test-saml", "wilma", "adfs", "entra-id", "google", "opinsys")


def history(failing=()) -> CheckHistory:
    """Every check run each minute for six minutes, good throughout but for the failing components' last four."""
    recent = {}
    for check in CONFIG.checks:
        for component in check.components:
            results = []
            for m in range(6, 0, -1):
                bad = component in failing and m <= 4
                outcome, code = ("failed", "server_error") if bad else ("ok", "ok")
                time = NOW - timedelta(minutes=m)
                results.append(CheckResult(time, check.id, check.kind, component, "production", "u", outcome, 5, code))
            recent.setdefault(component, {})[check.id] = results
    return CheckHistory(recent=recent, last_round=NOW - timedelta(minutes=1))


def found(failing=(), notices=()):
    live = evaluate(CONFIG, list(notices), history(failing), NOW)
    return headline(CONFIG, live, list(notices))


def test_all_well_sends_readers_to_school_it_support():
    result = found()
    assert (result.state, result.scope, result.fault, result.school_it_first) == ("operational", None, None, True)


@pytest.mark.parametrize(
    ("failing", "scope", "protocol", "others_work"),
    [
        (("prod-oidc", "prod-saml"), "all", None, False),
        (("prod-oidc", "prod-saml", "wilma", "adfs", "entra-id", "google", "opinsys"), "all", None, False),
        (("prod-oidc",), "protocol", "oidc", True),
        (("prod-saml",), "protocol", "saml", True),
        (("wilma",), "methods", None, True),
        (("wilma", "google"), "methods", None, True),
        (("test-oidc", "test-saml"), "test", None, True),
        # A protocol and a login method at once: no single scope names them, so "part of MPASSid".
        (("prod-oidc", "wilma"), "parts", None, False),
        (("test-oidc", "wilma"), "parts", None, False),
    ],
)
def test_the_scope_is_what_fails(failing, scope, protocol, others_work):
    result = found(failing)
    assert (result.state, result.scope, result.protocol, result.others_work) == ("down", scope, protocol, others_work)
    assert result.components == tuple(c for c in COMPONENTS if c in failing)
    # The checks failed while the reference addresses answered: the fault is MPASSid's, since the first failure.
    assert result.fault == "mpass" and result.since == NOW - timedelta(minutes=4)
    assert result.school_it_first == (scope == "test")


def test_a_staff_notice_gives_its_start_its_link_and_whose_fault():
    start = NOW - timedelta(hours=2)
    wilma = Notice("wilma-out", "incident", "disrupted", ("wilma",), start)
    result = found(notices=[wilma])
    assert (result.state, result.scope, result.notice_id, result.since) == ("disrupted", "methods", "wilma-out", start)
    # Staff know of a login method's fault, which may lie with its provider rather than in MPASSid.
    assert result.fault == "staff" and not result.school_it_first
    broker = Notice("broker-out", "incident", "down", ("prod-oidc", "prod-saml"), start)
    assert found(notices=[broker]).fault == "mpass"


def test_a_maintenance_break_gives_its_start_and_planned_end_and_blames_nobody():
    start, end = NOW - timedelta(minutes=30), NOW + timedelta(minutes=30)
    result = found(notices=[Notice("break", "maintenance", "down", ("prod-oidc", "prod-saml"), start, end)])
    assert (result.state, result.scope, result.since, result.until) == ("maintenance", "all", start, end)
    assert result.fault is None and result.notice_id == "break"
    test_only = found(notices=[Notice("test-break", "maintenance", "down", ("test-oidc", "test-saml"), start, end)])
    assert (test_only.scope, test_only.school_it_first) == ("test", True)


def test_unknown_names_its_cause_and_the_newest_evidence_it_rests_on():
    empty = headline(CONFIG, evaluate(CONFIG, [], CheckHistory(), NOW), [])
    assert (empty.state, empty.cause, empty.since, empty.fault) == ("unknown", "no_results", None, None)
    stale = headline(CONFIG, evaluate(CONFIG, [], history(), NOW + timedelta(hours=2)), [])
    assert (stale.state, stale.cause, stale.since) == ("unknown", "stale", NOW - timedelta(minutes=1))
    assert not stale.school_it_first


def test_the_test_parts_are_those_checked_only_in_the_test_environment():
    assert only_in_test(CONFIG) == {"test-oidc", "test-saml"}
