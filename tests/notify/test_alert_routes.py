"""[alerts] in status.toml: routes per group or component, each to its own Apprise URLs (json:// to real HTTP
receivers on loopback), the default route taking the rest; and the mistakes of the table, each at its line."""

import pytest

from mpass_status.config import ConfigError, load_config
from mpass_status.notify.alerts import alerter
from mpass_status.status.states import State
from tests.helpers import SHIPPED_CONFIG
from tests.notify.alert_support import Receiver, rounds_until


@pytest.fixture
def receivers():
    found = {"production": Receiver(), "rest": Receiver()}
    yield found
    for receiver in found.values():
        receiver.stop()


def routed_site(make_site, standin_config, receivers, **settings):
    """The site on the stand-ins, production's alerts routed to one receiver and the rest's to the other."""
    path = standin_config.path
    path.write_text(
        path.read_text()
        + f'\n[alerts]\nurls = ["{receivers["rest"].url}"]\n\n'
        + f'[[alerts.route]]\ngroups = ["production"]\nurls = ["{receivers["production"].url}"]\n'
    )
    drafts = str(path.parent / "drafts")
    return make_site(None, STATUS_CONFIG=str(path), SEND_IN_BACKGROUND=False, DRAFTS_DIR=drafts, **settings)


def test_a_production_fault_reaches_only_the_production_route(
    make_site, standin_config, receivers, broker, test_broker
):
    site = routed_site(make_site, standin_config, receivers)
    broker.set_fault("discovery", "500")
    rounds_until(site, "prod-oidc", State.DOWN)
    told = alerter(site).once()
    assert told and {c.component for c in told} <= {"prod-oidc", "prod-saml"}
    (alert,) = receivers["production"].bodies
    assert alert["title"].startswith("MPASSid down") and "(tuotanto)" in alert["message"]
    assert receivers["rest"].bodies == []
    # The test environment's fault goes to the default route alone; production's route hears nothing new.
    test_broker.set_fault("discovery", "500")
    rounds_until(site, "test-oidc", State.DOWN)
    told = alerter(site).once()
    assert {c.component for c in told} == {"test-oidc"}
    (alert,) = receivers["rest"].bodies
    assert "(testi)" in alert["message"] and "(tuotanto)" not in alert["message"]
    assert len(receivers["production"].bodies) == 1


def test_a_route_that_refuses_is_told_again_alone(make_site, standin_config, receivers, broker, test_broker):
    site = routed_site(make_site, standin_config, receivers)
    broker.set_fault("discovery", "500")
    test_broker.set_fault("discovery", "500")
    rounds_until(site, "prod-oidc", State.DOWN)
    rounds_until(site, "test-oidc", State.DOWN)
    receivers["production"].refusing = True
    assert {c.component for c in alerter(site).once()} == {"test-oidc"}
    assert len(receivers["rest"].bodies) == 1 and receivers["production"].bodies == []
    receivers["production"].refusing = False
    assert {c.component for c in alerter(site).once()} == {"prod-oidc"}
    assert len(receivers["rest"].bodies) == 1 and len(receivers["production"].bodies) == 1


def test_status_alert_urls_replaces_the_default_route(make_site, standin_config, receivers, test_broker):
    other = Receiver()
    try:
        site = routed_site(make_site, standin_config, receivers, ALERT_URLS=other.url)
        test_broker.set_fault("discovery", "500")
        rounds_until(site, "test-oidc", State.DOWN)
        assert alerter(site).once()
        assert len(other.bodies) == 1 and receivers["rest"].bodies == [] and receivers["production"].bodies == []
    finally:
        other.stop()


def _problems(tmp_path, alerts: str) -> list:
    path = tmp_path / "status.toml"
    path.write_text(SHIPPED_CONFIG.read_text() + "\n" + alerts)
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    lines = path.read_text().splitlines()
    return [(p.message, lines[p.line - 1]) for p in raised.value.problems]


@pytest.mark.parametrize(
    "alerts, message, line",
    [
        ('[alerts]\nurls = "json://h/x"\n', '[alerts]: urls must be a list of Apprise URLs, e.g. ["mailto://…"]', 1),
        ('[alerts]\nurls = ["nosuch://token@h"]\n', "[alerts]: Apprise cannot use the URL of nosuch://", 1),
        ("[alerts]\nurl = []\n", "[alerts]: unknown setting 'url'", 1),
        (
            '[[alerts.route]]\ngroups = ["production", "prodution"]\nurls = ["json://h/x"]\n',
            "alert route 1: unknown groups 'prodution'",
            1,
        ),
        (
            '[[alerts.route]]\ncomponents = ["prod-oidc"]\nurls = ["json://h/x"]\n\n'
            '[[alerts.route]]\ncomponents = ["oidc"]\nurls = ["json://h/x"]\n',
            "alert route 2: unknown components 'oidc'",
            5,
        ),
        ('[[alerts.route]]\ngroups = ["test"]\n', "alert route 1: give the urls its alerts go to", 0),
        ('[[alerts.route]]\nurls = ["json://h/x"]\n', "alert route 1: name the groups or components whose", 0),
        (
            '[[alerts.route]]\ngroups = ["test"]\nurls = ["json://h/x"]\n\n'
            '[[alerts.route]]\ngroups = ["test"]\nurls = ["json://h/y"]\n',
            "alert route 2: names the same groups and components as route 1",
            4,
        ),
    ],
)
def test_mistakes_in_alerts_are_named_at_their_line(tmp_path, alerts, message, line):
    ((found, at),) = _problems(tmp_path, alerts)
    assert found.startswith(message)
    # The line of the key at fault, or the route's header: counted from the start of the text appended.
    assert at == alerts.splitlines()[line]


def test_a_url_refused_is_named_by_its_scheme_alone(tmp_path):
    ((found, _),) = _problems(tmp_path, '[alerts]\nurls = ["nosuch://secret-token@h"]\n')
    assert "secret-token" not in found


def test_routes_are_read_with_their_urls(tmp_path):
    path = tmp_path / "status.toml"
    path.write_text(
        SHIPPED_CONFIG.read_text()
        + '\n[alerts]\nurls = ["json://h/all"]\n\n[[alerts.route]]\ngroups = ["production"]\ncomponents = ["wilma"]\n'
        'urls = ["json://h/prod", "mailto://user:pw@example.fi"]\n'
    )
    alerts = load_config(path).alerts
    assert alerts.urls == ("json://h/all",)
    (route,) = alerts.routes
    assert route.ids == ("production", "wilma") and route.key == "production+wilma" and len(route.urls) == 2
