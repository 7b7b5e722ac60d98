"""Fixtures: a site built on the fixture notices, its test client and CLI runner."""

from pathlib import Path

import pytest

from app import create_app

HERE = Path(__file__).parent
FIXTURE_NOTICES = HERE / "fixtures" / "notices"
LANGUAGES = ("fi", "sv")


@pytest.fixture
def app(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "NOTICES_DIR": str(FIXTURE_NOTICES),
            "DATABASE": str(tmp_path / "status.sqlite3"),
            "NOTICE_CHECK_SECONDS": 0,
            "STATUS_VERSION_SECONDS": 0,
        }
    )
    yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def notices_dir(tmp_path):
    """An empty notices folder for a test to write files into."""
    folder = tmp_path / "notices"
    folder.mkdir()
    return folder
