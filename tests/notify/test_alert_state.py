"""The alerts' state and lock, one contract on both engines: a SQLite file and a PostgreSQL database."""

from mpass_status.notify.alerts import open_alert_state
from mpass_status.status.states import State


def test_what_was_told_is_kept_per_route_and_forgotten_when_resolved(results_target):
    state = open_alert_state(str(results_target))
    assert state.told() == {}
    state.record("production", {"prod-oidc": State.DOWN, "prod-saml": State.DEGRADED}, 100.0)
    state.record("(default)", {"prod-oidc": State.DOWN}, 101.0)
    state.record("production", {"prod-saml": State.DOWN}, 102.0)
    # Read again through a new object, as a restarted process does.
    again = open_alert_state(str(results_target))
    assert again.told() == {
        "production": {"prod-oidc": ("down", 100.0), "prod-saml": ("down", 102.0)},
        "(default)": {"prod-oidc": ("down", 101.0)},
    }
    again.record("production", {"prod-oidc": None}, 103.0)
    assert state.told()["production"] == {"prod-saml": ("down", 102.0)}
    assert state.told()["(default)"] == {"prod-oidc": ("down", 101.0)}


def test_one_process_at_a_time_holds_the_lock(results_target):
    state = open_alert_state(str(results_target))
    first, second = state.lock(), open_alert_state(str(results_target)).lock()
    assert first.acquire()
    assert not second.acquire()
    first.release()
    assert second.acquire()
    assert not first.acquire()
    second.release()
