"""The settings of a running site: each parsed with its type once, its default in one place, a wrong value
stopping the start with one line naming the setting."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from mpass_status.config.settings import SETTINGS, Settings, SettingsError, defaults, load_settings

from ..helpers import ROOT


def settings(environ=None, **configured) -> Settings:
    return load_settings({**defaults(ROOT), **configured}, environ or {})


def test_every_setting_is_a_field_and_has_its_default():
    assert [s.key.lower() for s in SETTINGS] == list(Settings.__dataclass_fields__)
    shipped = settings()
    assert shipped.notices_dir == ROOT / "notices" and shipped.status_config == ROOT / "status.toml"
    assert (shipped.probe_in_background, shipped.export_dir, shipped.database) == (False, None, None)
    assert (shipped.hook_min_seconds, shipped.notice_check_seconds, shipped.notices_per_page) == (5.0, 2.0, 20)


@pytest.mark.parametrize(
    "value, expected",
    [("1", True), ("true", True), ("Yes", True), ("on", True), ("0", False), ("false", False), ("off", False)],
)
def test_status_probe_is_a_flag_not_any_string(value, expected):
    assert settings({"STATUS_PROBE": value}).probe_in_background is expected


def test_an_empty_variable_counts_as_not_set():
    chosen = settings({"STATUS_PROBE": "", "STATUS_EXPORT": ""}, PROBE_IN_BACKGROUND=True, EXPORT_DIR="/srv/x")
    assert chosen.probe_in_background is True and chosen.export_dir == Path("/srv/x")


def test_layers_are_defaults_then_instance_then_environment_then_the_test():
    environ = {"STATUS_NOTICES": "/from/environment", "STATUS_VERSION_SECONDS": "0.25"}
    layered = load_settings({**defaults(ROOT), "NOTICES_DIR": "/from/instance"}, environ, {"NOTICES_PER_PAGE": 5})
    assert (layered.notices_dir, layered.status_version_seconds, layered.notices_per_page) == (
        Path("/from/environment"),
        0.25,
        5,
    )
    tested = load_settings({**defaults(ROOT)}, environ, {"NOTICES_DIR": "/from/test"})
    assert tested.notices_dir == Path("/from/test")


@pytest.mark.parametrize(
    "environ, named",
    [
        ({"STATUS_PROBE": "maybe"}, "STATUS_PROBE: cannot use 'maybe'"),
        ({"STATUS_VERSION_SECONDS": "soon"}, "STATUS_VERSION_SECONDS: cannot use 'soon'"),
        ({"STATUS_VERSION_SECONDS": "-1"}, "STATUS_VERSION_SECONDS: cannot use '-1'"),
        ({"STATUS_VERSION_SECONDS": "nan"}, "STATUS_VERSION_SECONDS: cannot use 'nan'"),
        ({"STATUS_NOTICES_BRANCH": " "}, "STATUS_NOTICES_BRANCH: cannot use ' '"),
    ],
)
def test_a_wrong_environment_value_names_its_variable(environ, named):
    with pytest.raises(SettingsError) as refused:
        settings(environ)
    assert str(refused.value).startswith(named)


@pytest.mark.parametrize("configured", [{"NOTICES_PER_PAGE": 0}, {"NOTICES_PER_PAGE": 2.5}, {"HOOK_MIN_SECONDS": True}])
def test_a_wrong_configured_value_names_its_key(configured):
    (key,) = configured
    with pytest.raises(SettingsError, match=rf"^{key}: cannot use"):
        settings(**configured)


FLASK = [sys.executable, "-m", "flask", "--app", "app"]
GUNICORN = [str(Path(sys.executable).parent / "gunicorn"), "app:create_app()"]


@pytest.mark.parametrize("command", [FLASK + ["run", "--port", "0"], GUNICORN], ids=["flask run", "gunicorn"])
def test_status_probe_maybe_stops_the_start_with_one_line(tmp_path, command):
    env = {k: v for k, v in os.environ.items() if not k.startswith("STATUS_")}
    env.update(STATUS_PROBE="maybe", STATUS_DATABASE=str(tmp_path / "db.sqlite3"), BIND="127.0.0.1:0")
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    lines = [line for line in done.stderr.splitlines() if "STATUS_PROBE" in line]
    assert lines == [
        "STATUS_PROBE: cannot use 'maybe': write one of 1, true, yes, on to switch it on, "
        "or 0, false, no, off to switch it off"
    ], done.stderr
    assert "Traceback" not in done.stderr and "Booting worker" not in done.stderr
