"""The systemd unit set of deploy/systemd (site, prober, export, sync timer) as systemd reads it: each unit
passes `systemd-analyze verify` with no complaint, with its paths pointed at this checkout, and each command it
starts is one the site has."""

import re
import shlex
import shutil
import subprocess

import pytest

from ..helpers import ROOT

UNITS = ROOT / "deploy" / "systemd"
# Where the units expect the checkout; the test points them at this one, so their commands are real files.
INSTALLED = "/srv/mpass-status"


def test_the_set_is_whole():
    assert sorted(path.name for path in UNITS.iterdir()) == [
        "mpass-status-export.service",
        "mpass-status-prober.service",
        "mpass-status-sync.service",
        "mpass-status-sync.timer",
        "mpass-status.service",
    ]


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze: make system-packages")
def test_every_unit_passes_systemd_analyze_verify(tmp_path):
    for unit in UNITS.iterdir():
        (tmp_path / unit.name).write_text(unit.read_text().replace(INSTALLED, str(ROOT)))
    units = sorted(str(path) for path in tmp_path.iterdir())
    done = subprocess.run(["systemd-analyze", "verify", "--man=no", *units], capture_output=True, text=True)
    # verify warns of an unknown key or a misspelt value on stderr and still exits 0: both must be silent.
    assert (done.returncode, done.stderr, done.stdout) == (0, "", "")


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze: make system-packages")
def test_verify_would_see_a_misspelt_unit(tmp_path):
    unit = (UNITS / "mpass-status.service").read_text().replace(INSTALLED, str(ROOT))
    (tmp_path / "mpass-status.service").write_text(unit.replace("Restart=always", "Restart=alway"))
    done = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", str(tmp_path / "mpass-status.service")],
        capture_output=True,
        text=True,
    )
    assert "alway" in done.stderr


@pytest.mark.parametrize("unit", sorted(path.name for path in UNITS.glob("*.service")))
def test_each_command_is_one_the_site_has(unit):
    (line,) = re.findall(r"^ExecStart=(.+)$", (UNITS / unit).read_text(), re.M)
    args = shlex.split(line.replace(INSTALLED, str(ROOT)))
    if args[0].endswith("/flask"):
        # The command and its options as written, asked for its help: a renamed command or option fails.
        command = [arg for arg in args if not arg.startswith("/var/")]
        done = subprocess.run([*command, "--help"], cwd=ROOT, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
    else:
        assert args[0] == f"{ROOT}/.venv/bin/gunicorn" and args[1:] == ["app:create_app()"]
