"""Fixtures of the fault-injection tests."""

import pytest

from mpass_status.standin.broker import StandinBroker


@pytest.fixture
def brokers():
    """A production and a test stand-in of this test's own: refusing ends them for good."""
    with StandinBroker(slow_seconds=0.8) as production, StandinBroker(slow_seconds=0.8) as test:
        yield production, test
