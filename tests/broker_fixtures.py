"""Pytest fixtures for the broker checks: stand-in brokers, a config pointing at them and a results file."""

import pytest

from mpass_status.config import load_config
from mpass_status.results_db import ResultsDB
from mpass_status.standin_broker import StandinBroker
from mpass_status.standin_config import write_standin_config

# Short enough to keep the suite fast, long enough for loopback answers on a busy machine.
CHECK_TIMEOUT = 1.5


@pytest.fixture(scope="session")
def _brokers():
    # Generating keys takes a moment: the brokers live for the session, their faults per test.
    with StandinBroker(slow_seconds=0.8) as production, StandinBroker(slow_seconds=0.8) as test:
        yield production, test


@pytest.fixture
def broker(_brokers):
    """A production stand-in broker, healthy until a test switches a fault on."""
    _brokers[0].clear()
    yield _brokers[0]
    _brokers[0].clear()


@pytest.fixture
def test_broker(_brokers):
    """A second stand-in broker playing the test environment."""
    _brokers[1].clear()
    yield _brokers[1]
    _brokers[1].clear()


@pytest.fixture
def standin_config(tmp_path, broker, test_broker):
    """The site configuration with every check pointing at the stand-ins and the database in tmp_path."""
    path = write_standin_config(
        tmp_path / "status.toml",
        broker,
        test_broker,
        timeout=CHECK_TIMEOUT,
        interval=10,
        # A busy test machine must not make a healthy loopback answer "slow": the slow test sets its own limit.
        probe={"database": str(tmp_path / "status.sqlite3"), "slow_ms": 1400},
    )
    return load_config(path)


@pytest.fixture
def results_db(tmp_path):
    """A fresh results database file."""
    return ResultsDB(tmp_path / "status.sqlite3")


@pytest.fixture
def standin_site(tmp_path, standin_config, notices_dir):
    """The whole site checking the stand-ins, on the (empty) notices_dir, answering changes at once."""
    from app import create_app

    return create_app(
        {
            "TESTING": True,
            "STATUS_CONFIG": str(standin_config.path),
            "NOTICES_DIR": str(notices_dir),
            "DATABASE": str(tmp_path / "site.sqlite3"),
            "NOTICE_CHECK_SECONDS": 0,
            "STATUS_VERSION_SECONDS": 0,
        }
    )
