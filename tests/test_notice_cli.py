"""`flask notices check` points at each mistake; `flask notices new` starts a valid file."""

import shutil
from pathlib import Path

from app import create_app

ROOT = Path(__file__).parent.parent


def test_shipped_notices_are_valid():
    runner = create_app({"TESTING": True}).test_cli_runner()
    result = runner.invoke(args=["notices", "check"])
    assert result.exit_code == 0, result.output
    assert "0 errors" in result.stderr


def test_check_reports_path_and_line_and_fails(app, runner, notices_dir):
    shutil.copy(ROOT / "tests/fixtures/notices/2019-11-20-tunnistushairio.md", notices_dir)
    broken = (
        (notices_dir / "2019-11-20-tunnistushairio.md")
        .read_text()
        .replace("affected: [production]", "affected: [prod]")
    )
    (notices_dir / "2019-11-21-rikki.md").write_text(broken.replace("2019-11-20", "2019-11-21"))
    (notices_dir / "2019-11-22-luonnos.txt").write_text("draft")
    app.config["NOTICES_DIR"] = str(notices_dir)
    result = runner.invoke(args=["notices", "check"])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith("notices/2019-11-21-rikki.md:4: unknown component 'prod'")
    assert lines[1] == "notices/2019-11-22-luonnos.txt:1: warning: not a notice (a notice file ends in .md)"
    assert "1 notices valid, 1 errors, 1 warnings" in result.stderr


def test_new_writes_a_template_that_validates_once_filled(app, runner, notices_dir):
    shutil.copy(ROOT / "notices/_template.md", notices_dir)
    app.config["NOTICES_DIR"] = str(notices_dir)
    result = runner.invoke(args=["notices", "new", "wilma-hairio"])
    assert result.exit_code == 0, result.output
    written = list(notices_dir.glob("*-wilma-hairio.md"))
    assert len(written) == 1
    text = written[0].read_text()
    assert f"id: {written[0].stem}" in text and "type: incident" in text
    again = runner.invoke(args=["notices", "new", "wilma-hairio"])
    assert again.exit_code != 0 and "exists already" in again.output
    bad = runner.invoke(args=["notices", "new", "Wilma Häiriö"])
    assert bad.exit_code != 0 and "lowercase letters" in bad.output


def test_check_reports_a_bad_broker_check_at_its_line(tmp_path):
    text = (ROOT / "status.toml").read_text().replace("timeout = 10", "timeout = 600", 1)
    config = tmp_path / "status.toml"
    config.write_text(text)
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "timeout = 600" in row)
    check_id_line = max(n for n, row in enumerate(text.splitlines()[:line], 1) if row.startswith("id = "))
    runner = create_app({"TESTING": True, "STATUS_CONFIG": str(config)}).test_cli_runner()
    result = runner.invoke(args=["notices", "check"])
    assert result.exit_code == 1
    assert result.stdout.startswith(f"status.toml:{check_id_line}: check ")
    assert "'timeout' must be shorter than 'interval'" in result.stdout


def test_broken_site_configuration_stops_with_one_clear_line(tmp_path):
    import pytest

    config = tmp_path / "status.toml"
    config.write_text((ROOT / "status.toml").read_text().replace('group = "sources"', 'group = "lahteet"', 1))
    with pytest.raises(SystemExit, match="configuration error: .*component wilma: unknown group 'lahteet'"):
        create_app({"TESTING": True, "STATUS_CONFIG": str(config)})
