"""Fixtures: one factory for sites (each with its own database and notices folder), stand-in brokers, results."""

import itertools

import pytest

from mpass_status.checks.store import open_results
from mpass_status.config import load_config
from mpass_status.standin.broker import StandinBroker
from mpass_status.standin.config import write_standin_config
from mpass_status.standin.reference import StandinReference

from . import postgres
from .helpers import CHECK_TIMEOUT, FIXTURE_NOTICES, ROOT, build_site

# The fault tests that wait out real schedules for most of their time, a group of their own.
TIMED = {"test_thresholds.py", "test_watch.py"}


def pytest_collection_modifyitems(items):
    """Marks the slow groups `make test-quick` leaves out: tests/faults, tests/browser, and the PostgreSQL tests
    (by fixture here; results_target marks its PostgreSQL parameter itself)."""
    for item in items:
        folder = item.path.relative_to(ROOT / "tests").parts[0]
        if folder in ("faults", "browser"):
            item.add_marker(folder)
        if folder == "faults":
            # `make test` runs the suite on several xdist workers (--dist loadgroup): the fault tests, which
            # time real thresholds, run one at a time in each of two groups, beside the rest.
            item.add_marker(pytest.mark.xdist_group("faults-timed" if item.path.name in TIMED else "faults"))
        if "postgres_server" in item.fixturenames:
            item.add_marker("postgres")


@pytest.fixture(scope="session", autouse=True)
def _instance_untouched():
    """Fails the run if any test wrote into the repository's instance/ folder."""
    instance = ROOT / "instance"
    before = set(instance.iterdir()) if instance.is_dir() else set()
    yield
    after = set(instance.iterdir()) if instance.is_dir() else set()
    assert after <= before, f"tests wrote into instance/: {sorted(str(p) for p in after - before)}"


@pytest.fixture
def make_site(tmp_path):
    """Returns make_site(notices=FIXTURE_NOTICES, **settings): a site on its own copy of notices (None: empty)."""
    numbers = itertools.count(1)

    def make(notices=FIXTURE_NOTICES, **settings):
        return build_site(tmp_path / f"site-{next(numbers)}", notices, **settings)

    return make


@pytest.fixture
def app(make_site):
    """The site on a copy of the fixture notices."""
    return make_site()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def notices_dir(tmp_path):
    """An empty folder for a test to write notice files into."""
    folder = tmp_path / "notices"
    folder.mkdir()
    return folder


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


@pytest.fixture(scope="session")
def _references():
    with StandinReference() as first, StandinReference() as second:
        yield first, second


@pytest.fixture
def references(_references):
    """The two reference addresses of the stand-in configuration, answering until a test refuses them."""
    for reference in _references:
        reference.answer()
    yield _references
    for reference in _references:
        reference.answer()


@pytest.fixture
def standin_config(tmp_path, broker, test_broker, references):
    """The site configuration with every check pointing at the stand-ins and the database in tmp_path."""
    path = write_standin_config(
        tmp_path / "status.toml",
        broker,
        test_broker,
        timeout=CHECK_TIMEOUT,
        interval=10,
        # A busy test machine must not make a healthy loopback answer "slow": the slow test sets its own limit.
        probe={"database": str(tmp_path / "status.sqlite3"), "slow_ms": 1400},
        references=references,
    )
    return load_config(path)


@pytest.fixture(scope="session")
def postgres_server():
    """A PostgreSQL server of this test run (loopback only); yields its base URL."""
    with postgres.server() as base:
        yield base


@pytest.fixture
def postgres_url(postgres_server):
    """The URL of a new, empty database on the test run's PostgreSQL server."""
    return postgres.new_database(postgres_server)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def results_target(request, tmp_path):
    """Where a fresh results store lives: a SQLite file, or a new PostgreSQL database (each test runs on both)."""
    if request.param == "sqlite":
        return tmp_path / "status.sqlite3"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def results_db(results_target):
    """A fresh results store, on each engine in turn."""
    store = open_results(results_target)
    yield store
    store.close()


@pytest.fixture
def standin_site(make_site, standin_config):
    """The whole site checking the stand-ins, with no notices, answering changes at once."""
    return make_site(None, STATUS_CONFIG=str(standin_config.path))
