"""A site on a copy of the fixture notices, for tests that edit, add or rename notice files."""

import os
import shutil
import time
from pathlib import Path

from app import create_app

from .conftest import FIXTURE_NOTICES

ROOT = Path(__file__).resolve().parent.parent


def copy_site(tmp_path: Path, config_path: Path | None = None):
    """Returns a site reading a copy of the fixture notices, and the copy's folder."""
    folder = tmp_path / "notices"
    if not folder.exists():
        shutil.copytree(FIXTURE_NOTICES, folder)
        # The copies look published an hour ago, so that an edit in the test is a later change.
        past = time.time() - 3600
        for path in folder.iterdir():
            os.utime(path, (past, past))
    settings = {
        "TESTING": True,
        "NOTICES_DIR": str(folder),
        "DATABASE": str(tmp_path / "status.sqlite3"),
        "NOTICE_CHECK_SECONDS": 0,
    }
    if config_path:
        settings["STATUS_CONFIG"] = str(config_path)
    return create_app(settings), folder


def edit(path: Path, old: str, new: str) -> None:
    """Replaces text in a notice file as an editor would, failing if the text is not there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def moved_config(tmp_path: Path, base_url: str) -> Path:
    """Writes the site configuration with another base URL, as if the site had moved."""
    text = (ROOT / "status.toml").read_text(encoding="utf-8")
    moved = tmp_path / "moved.toml"
    moved.write_text(text.replace('base_url = "https://status.mpass.example.fi"', f'base_url = "{base_url}"'))
    assert base_url in moved.read_text()
    return moved
